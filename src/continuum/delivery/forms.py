from django import forms
from django.utils import timezone

from .documents import ACCEPT_ATTRIBUTE, ACCEPTED, MAX_DOCUMENT_BYTES, check_upload, too_large
from .models import ActivityDone, Communication, Document

DATE = forms.DateInput(attrs={"type": "date"})


def _not_future(day, what: str):
    if day and day > timezone.localdate():
        raise forms.ValidationError(f"{what} cannot be in the future.")
    return day


class CommunicationForm(forms.ModelForm):
    class Meta:
        model = Communication
        fields = ["occurred_on", "kind", "with_agency", "participants", "summary"]
        widgets = {"occurred_on": DATE, "summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"participants": "Names and roles, e.g. “Chief Bryant; Casey Nguyen (provider)”."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data.get("occurred_on"), "The date of a communication")


class ActivityDoneForm(forms.ModelForm):
    class Meta:
        model = ActivityDone
        fields = ["plan_activity", "title", "done_on", "participants", "notes"]
        widgets = {"done_on": DATE, "notes": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"title": "Leave empty to use the plan activity's title."}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["done_on"].initial = timezone.localdate
        if plan is None:
            del self.fields["plan_activity"]
        else:
            self.fields["plan_activity"].queryset = plan.activities.all()
            self.fields["plan_activity"].empty_label = "Not an activity of the plan"
            self.fields["plan_activity"].label_from_instance = lambda activity: activity.describe()

    def clean_done_on(self):
        return _not_future(self.cleaned_data.get("done_on"), "The date an activity was done")

    def clean(self):
        data = super().clean()
        if not (data.get("title") or "").strip() and not data.get("plan_activity"):
            self.add_error("title", "Give the activity a title, or choose the plan activity it delivers.")
        return data


class UploadField(forms.FileField):
    """A file checked by its content (documents.check_upload); the result is kept for storing it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "File")
        kwargs.setdefault(
            "help_text", f"{ACCEPTED}; up to {MAX_DOCUMENT_BYTES // 1024 // 1024} MB. Checked by its content."
        )
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault("allow_empty_file", True)  # check_upload says which file is empty
        super().__init__(**kwargs)


class CheckedUploadMixin:
    """`refused`: a file the upload handler stopped receiving because it passed the size limit."""

    checked = None

    def __init__(self, *args, refused: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused
        if refused:
            self.fields["file"].required = False  # its own error says what happened to it

    def clean_file(self):
        if self.refused:
            raise too_large(self.refused)
        upload = self.cleaned_data.get("file")
        if upload is not None:
            self.checked = check_upload(upload)
        return upload


class DocumentForm(CheckedUploadMixin, forms.ModelForm):
    file = UploadField()

    class Meta:
        model = Document
        fields = ["title", "kind", "visibility", "description", "file"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "visibility": forms.RadioSelect}
        help_texts = {"visibility": "Who besides the team may see and download it."}

    def __init__(self, *args, can_choose_visibility: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_choose_visibility:  # what the agency uploads is always shared with it
            del self.fields["visibility"]


class VersionForm(CheckedUploadMixin, forms.Form):
    file = UploadField(label="New version")
    note = forms.CharField(label="What changed", max_length=300, required=False)


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label="Date done", widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label="Note", max_length=300, required=False)

    def clean_done_on(self):
        return _not_future(self.cleaned_data.get("done_on"), "The date a milestone was done")
