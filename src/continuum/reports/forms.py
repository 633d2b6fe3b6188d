from django import forms
from django.utils.timezone import localtime

from continuum.catalog.models import Topic
from continuum.portal.fields import RecordChoiceField, RecordsChoiceField

from . import editing
from .models import (
    Appendix,
    Finding,
    Footnote,
    ImprovementAction,
    Observation,
    Recommendation,
    Report,
    SourceReviewed,
    TimelineEntry,
)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_TIMELINE_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _rows(n: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": n})


class NewReportForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of report", choices=Report.Kind.choices)
    title = forms.CharField(label="Title", max_length=250)


class SectionsForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["title", "subtitle", "executive_summary", "background", "methodology", "conclusion"]
        widgets = {
            name: _rows(5) for name in ["executive_summary", "background", "methodology", "conclusion"]
        }


class AfterActionForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = [
            "incident_what",
            "incident_when",
            "incident_where",
            "agencies_involved",
            "lessons_learned",
            "promising_practices",
        ]
        widgets = {
            name: _rows(4)
            for name in ["incident_what", "agencies_involved", "lessons_learned", "promising_practices"]
        }


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["title", "body"]
        widgets = {"title": _rows(2), "body": _rows(5)}


class RecommendationForm(forms.ModelForm):
    topics = RecordsChoiceField(
        queryset=Topic.objects.active(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Recommendation
        fields = ["finding", "text", "responsible_party", "priority", "topics"]
        widgets = {"text": _rows(3)}
        labels = {"finding": "Under finding"}

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = report.findings.all()
        self.fields["finding"].label_from_instance = lambda f: f.title[:90]
        self.fields["topics"].queryset = Topic.objects.filter(active=True) | Topic.objects.filter(
            pk__in=self.instance.topics.values("pk") if self.instance.pk else []
        )


class FootnoteForm(forms.ModelForm):
    class Meta:
        model = Footnote
        fields = ["key", "text"]
        labels = {"key": "Key (cite it in prose as [^key])", "text": "Note or citation"}
        widgets = {"text": _rows(2)}

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report

    def clean_key(self):
        key = self.cleaned_data["key"]
        clash = self.report.footnotes.filter(key=key).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another note already uses this key.")
        return key


class AppendixForm(forms.ModelForm):
    class Meta:
        model = Appendix
        fields = ["title", "body"]
        widgets = {"body": _rows(5)}


class SourceForm(forms.ModelForm):
    class Meta:
        model = SourceReviewed
        fields = ["kind", "description", "count"]
        labels = {"count": "How many (optional)"}


class TimelineForm(forms.ModelForm):
    class Meta:
        model = TimelineEntry
        fields = ["occurred_at", "description", "source"]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": _rows(2),
        }


class ObservationForm(forms.ModelForm):
    class Meta:
        model = Observation
        fields = ["theme", "kind", "title", "analysis", "root_cause"]
        widgets = {"title": _rows(2), "analysis": _rows(4), "root_cause": _rows(3)}


class ActionForm(forms.ModelForm):
    class Meta:
        model = ImprovementAction
        fields = ["recommendation", "corrective_action", "responsible_party", "starts_on", "ends_on"]
        widgets = {
            "corrective_action": _rows(2),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        from . import numbering

        numbers = numbering.recommendation_numbers(report)
        self.fields["recommendation"].queryset = Recommendation.objects.filter(finding__report=report)
        self.fields["recommendation"].label_from_instance = lambda r: (
            f"{numbers.get(r.pk, '?')} {r.text[:80]}"
        )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end cannot come before the start.")
        return data


PART_FORMS = {
    "finding": FindingForm,
    "recommendation": RecommendationForm,
    "footnote": FootnoteForm,
    "appendix": AppendixForm,
    "source": SourceForm,
    "timeline": TimelineForm,
    "observation": ObservationForm,
    "action": ActionForm,
}
NEEDS_REPORT = {"recommendation", "footnote", "action"}
AFTER_ACTION_PARTS = {"source", "timeline", "observation", "action"}


def part_form(kind: str, report, *, data=None, instance=None, prefix=None, initial=None):
    kwargs = {"report": report} if kind in NEEDS_REPORT else {}
    return PART_FORMS[kind](data, instance=instance, prefix=prefix or kind, initial=initial, **kwargs)


class _FindingChoice(RecordChoiceField):
    def label_from_instance(self, obj):
        return obj.title[:90]


class _ResultChoice(RecordChoiceField):
    def label_from_instance(self, obj):
        from continuum.datasets.wording import result_title

        version = obj.version
        return (
            f"{result_title(obj)}, on {version.data_request.title} version {version.number}, "
            f"{localtime(obj.created_at):%B %-d, %Y}"
        )


class EmbedForm(forms.Form):
    """An analysis result of this site, chosen by name among those the user may see, snapshotted into the
    report with a title, alt text and the finding it illustrates."""

    result = _ResultChoice(queryset=None, label="Analysis result", empty_label="Choose a result")
    title = forms.CharField(
        max_length=250,
        required=False,
        help_text="Optional: the analysis's name, run and dataset if left empty.",
    )
    alt_text = forms.CharField(
        label="Alt text (optional: made from the numbers if left empty)", required=False, widget=_rows(2)
    )
    finding = _FindingChoice(
        queryset=Finding.objects.none(),
        required=False,
        label="Show under finding",
        empty_label="In the methodology",
    )

    def __init__(self, *args, report, user, **kwargs):
        from continuum.datasets.results import visible_results

        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = report.findings.all()
        shown = visible_results(report.site, user).select_related("version__data_request")
        self.fields["result"].queryset = shown.order_by("-created_at", "-pk")
        if not shown.exists():
            self.fields["result"].help_text = "No analysis has been run on this site's data yet."


class FigureForm(forms.Form):
    image = forms.FileField(label="Image (PNG or JPEG, up to 5 MB)")
    caption = forms.CharField(max_length=300)
    alt_text = forms.CharField(label="Alt text (what the image shows)", widget=_rows(2))
    finding = _FindingChoice(
        queryset=Finding.objects.none(),
        required=False,
        label="Show under finding",
        empty_label="In the methodology",
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = report.findings.all()

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if upload.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError("The image is larger than 5 MB.")
        data = upload.read()
        for magic, content_type in IMAGE_TYPES.items():
            if data.startswith(magic):
                self.content_type = content_type
                return data
        raise forms.ValidationError("Upload a PNG or JPEG image.")


class TimelineImportForm(forms.Form):
    file = forms.FileField(label="CSV file with columns when, description, source (up to 2 MB)")

    def clean_file(self):
        """The file is read whole to parse it: a timeline is small, so anything larger is refused first."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TIMELINE_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB; a timeline needs far less.")
        return upload


class CommentForm(forms.Form):
    passage = forms.ChoiceField(label="About", required=False)
    quote = forms.CharField(label="The words in question (optional)", required=False, widget=_rows(2))
    text = forms.CharField(label="Comment", widget=_rows(3))

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passage"].choices = editing.passages(report)


class ReplyForm(forms.Form):
    text = forms.CharField(label="Reply", widget=_rows(2))


class CorrectionForm(forms.Form):
    change_note = forms.CharField(label="What the correction changes (published with it)", widget=_rows(3))


class PublicFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    agency = forms.CharField(label="Agency", required=False)
    state = forms.ChoiceField(label="State", required=False)
    topic = RecordChoiceField(
        label="Topic", queryset=Topic.objects.all(), required=False, to_field_name="slug"
    )
    program = forms.ChoiceField(label="Program", required=False)
    year = forms.TypedChoiceField(label="Year published", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, states=(), years=(), **kwargs):
        from continuum.catalog.models import Program

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "Any state"), *[(s, s) for s in states]]
        self.fields["program"].choices = [("", "Any program"), *Program.choices]
        self.fields["year"].choices = [("", "Any year"), *[(y, y) for y in years]]
        self.fields["topic"].empty_label = "Any topic"
