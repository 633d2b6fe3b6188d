from django import forms

from . import jobs, mappings
from .models import DataRequest
from .uploads import ACCEPT_ATTRIBUTE, ACCEPTED, MAX_DATASET_BYTES, check_upload, readable_size, too_large

DATE = forms.DateInput(attrs={"type": "date"})


class DataRequestForm(forms.ModelForm):
    class Meta:
        model = DataRequest
        fields = ["title", "table_type", "period_start", "period_end", "fields_wanted", "due_on"]
        widgets = {"period_start": DATE, "period_end": DATE, "due_on": DATE,
                   "fields_wanted": forms.Textarea(attrs={"rows": 3})}  # fmt: skip


class UploadForm(forms.Form):
    """A data file checked by its content (uploads.check_upload); `refused` names a file the upload handler
    stopped receiving because it passed the size limit."""

    file = forms.FileField(
        label="Data file",
        allow_empty_file=True,  # check_upload says which file is empty
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    note = forms.CharField(label="Note (optional)", max_length=300, required=False)
    checked = None

    def __init__(self, *args, refused: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused
        self.fields["file"].help_text = (
            f"{ACCEPTED}; up to {readable_size(MAX_DATASET_BYTES)}. Large files are fine: they are streamed to "
            "disk, never held in memory."
        )
        if refused:
            self.fields["file"].required = False  # its own error says what happened to it

    def clean_file(self):
        if self.refused:
            raise too_large(self.refused)
        upload = self.cleaned_data.get("file")
        if upload is not None:
            self.checked = check_upload(upload)
        return upload


class MappingForm(forms.Form):
    mapping = forms.CharField(
        label="Mapping (TOML)",
        widget=forms.Textarea(
            attrs={"rows": 24, "class": "usa-textarea datasets-mapping", "spellcheck": "false"}
        ),
        help_text="Review every line: which of your columns becomes which standard column, and how your codes "
        "map to standard values. Officer identifiers are hashed with this site's key when the file is read.",
    )

    def clean_mapping(self) -> str:
        """Ended by one newline, as the guided form's text is: the box drops it, and the mapping's checksum
        (kept with every result) must not change because a mapping went through the text editor unchanged."""
        return self.cleaned_data["mapping"].replace("\r\n", "\n") + "\n"


class DraftForm(forms.Form):
    shipped = forms.ChoiceField(label="Start from", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipped"].choices = [("", "the engine's draft from this file")] + [
            (name, f"shipped mapping: {name}") for name in mappings.shipped()
        ]


class ProblemForm(forms.Form):
    note = forms.CharField(label="What is wrong", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


def analysis_form(version, data=None, analysis: str = "") -> forms.Form:
    """A form over the chosen analysis's parameters, with the mapping's [params] as initial values."""
    names = version.analysis_choices
    fields: dict[str, forms.Field] = {
        "analysis": forms.ChoiceField(label="Analysis", choices=[(n, n) for n in names], initial=analysis)
    }
    defaults = jobs.mapping_params(version)
    if analysis in names:
        for key, param in jobs.analysis_parameters(analysis).items():
            default = param.default
            initial = defaults.get(key, None if default is param.empty else default)
            label = key.replace("_", " ")
            if isinstance(default, bool):
                field: forms.Field = forms.BooleanField(label=label, required=False, initial=initial)
            elif isinstance(default, int):
                field = forms.IntegerField(label=label, required=False, initial=initial)
            elif isinstance(default, float) or key in ("lat", "lng"):
                field = forms.FloatField(label=label, required=False, initial=initial)
            else:
                field = forms.CharField(label=label, required=False, initial=initial)
            fields[f"p_{key}"] = field
    form_class = type("AnalysisForm", (forms.Form,), fields)
    return form_class(data, prefix="run")
