from django import forms

from .models import Implementation, Status


class ProposalForm(forms.Form):
    status = forms.ChoiceField(label="Proposed status", choices=Status.choices)
    evidence = forms.CharField(
        label="Evidence", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was done — policy changes, training, documents — and where it can be seen.",
    )  # fmt: skip
    evidence_date = forms.DateField(
        label="Date of the evidence", widget=forms.DateInput(attrs={"type": "date"})
    )
    document = forms.FileField(label="Supporting document (optional)", required=False)


class VerifyForm(forms.Form):
    reason = forms.CharField(
        label="Reasons", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when more evidence is needed.",
    )  # fmt: skip


class PlanForm(forms.ModelForm):
    class Meta:
        model = Implementation
        fields = ["responsible", "target_date"]
        widgets = {"target_date": forms.DateInput(attrs={"type": "date"})}


class ProgressForm(forms.Form):
    as_of = forms.DateField(label="Statuses as of", widget=forms.DateInput(attrs={"type": "date"}))
    narrative = forms.CharField(label="Narrative", widget=forms.Textarea(attrs={"rows": 6}),
                                help_text="What the agency did since the last report. Markdown.")  # fmt: skip


class MatrixFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Status.choices])
    pending = forms.BooleanField(
        label="Only recommendations with a proposal awaiting verification", required=False
    )
