import datetime

from django import forms

from continuum.catalog.models import Program

from .figures import Period, default_period

MAX_DAYS = 366 * 10


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    program = forms.ChoiceField(
        label="Program", choices=[("", "All programs"), *Program.choices], required=False
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError("The period must start before it ends.")
            if (end - start) > datetime.timedelta(days=MAX_DAYS):
                raise forms.ValidationError("Choose a period of ten years at most.")
        return data

    def period(self) -> Period:
        """The chosen period, or the default one when the form is empty or invalid."""
        if self.is_bound and self.is_valid():
            return Period(self.cleaned_data["start"], self.cleaned_data["end"], self.cleaned_data["program"])
        return default_period()


def period_form(query) -> PeriodForm:
    default = default_period()
    if not query:
        return PeriodForm(initial={"start": default.start, "end": default.end, "program": ""})
    data = {"start": default.start.isoformat(), "end": default.end.isoformat(), "program": "", **query.dict()}
    return PeriodForm(data)
