import datetime

from django import forms

from continuum.analysis import dictionary as engine_dictionary
from continuum.analysis.readable import analysis_name

from . import engine, jobs, mappings
from .guided import column_label, timezone_choices
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


AREA_COLUMNS = ("county_name", "district", "precinct", "zone", "beat", "unit", "assignment")


def _words(value) -> str:
    """A default as a sentence states it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def analysis_choices(version) -> list[tuple[str, str]]:
    """The analyses of the version's table, by name."""
    return [(code, analysis_name(code)) for code in version.analysis_choices]


def _param_field(param, columns: dict, group: str, initial) -> forms.Field | None:
    """A parameter's field by what it means: a list where its values are known, a date, a number with a
    sensible least value, a yes/no box; its label in words and the dictionary's sentence as help."""
    key, default = param.name, param.default
    label = engine_dictionary.param_label(key)
    doc = (param.doc[:1].upper() + param.doc[1:]) if param.doc else ""
    doc = doc.split(" (an IANA name")[0]  # the time zone is chosen from a list, not typed
    choices = engine_dictionary.PARAM_CHOICES.get(key)
    stated = ""
    common = {"label": label, "required": False, "initial": initial}
    if key == "group":
        choices = {name: column_label(name) for name, c in columns.items() if c.kind == "category"}
    elif key in ("reference", "minority", "majority") and group in columns and columns[group].values:
        choices = {v: v for v in columns[group].values}
    elif key == "geography":
        choices = {"auto": "found automatically (county, district, precinct, zone or beat)"}
        choices = choices if default == "auto" else {}
        choices |= {name: column_label(name) for name in AREA_COLUMNS if name in columns}
    if key == "tz":
        field: forms.Field = forms.ChoiceField(choices=timezone_choices(), **common)
        stated = "Default: the time zone the mapping names."
    elif choices:
        if default is not None and default not in choices:
            choices = {default: _words(default), **choices}
        options = list(choices.items())
        if default is None:
            options = [("", "none"), *options]
        field = forms.ChoiceField(choices=options, **common)
        if default is not None:
            stated = f"Default: {choices.get(default, _words(default))}."
    elif param.type == "true/false":
        field = forms.BooleanField(**common)
        stated = f"Default: {_words(default)}."
    elif param.type == "date":
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        stated = "Optional."
    elif param.type == "whole number":
        field = forms.IntegerField(min_value=0, **common)
        stated = f"Default: {default}."
    elif param.type == "number":
        share = isinstance(default, float) and 0 < default < 1
        bounds = (
            {"min_value": 0, "max_value": 1} if share else {} if key in ("lat", "lng") else {"min_value": 0}
        )
        attrs = {"step": "any"}
        field = forms.FloatField(widget=forms.NumberInput(attrs=attrs), **bounds, **common)
        stated = f"Default: {_words(default)}." if default is not None else "Optional."
    else:
        field = forms.CharField(**common)
        stated = f"Default: {_words(default)}." if default not in (None, "") else "Optional: all when blank."
    if key in ("lat", "lng"):
        stated = "Default: the one the mapping names."
    field.help_text = " ".join(part for part in (doc + ("." if doc else ""), stated) if part)
    return field


def file_parameters(analysis: str) -> list[str]:
    """The analysis's parameters that take a file, which the platform cannot receive: named on the form."""
    if not analysis:
        return []
    return [
        engine_dictionary.param_label(p.name)
        for p in engine_dictionary.parameters(analysis)
        if p.name in engine_dictionary.FILE_PARAMS
    ]


def analysis_form(version, data=None, analysis: str = "") -> forms.Form:
    """A form over the chosen analysis's parameters, each by what it means (_param_field), with the mapping's
    [params] as initial values. Field names stay `p_<code>`; people only ever see the labels."""
    names = version.analysis_choices
    fields: dict[str, forms.Field] = {
        "analysis": forms.ChoiceField(
            label="Analysis",
            choices=analysis_choices(version),
            initial=analysis,
            error_messages={
                "invalid_choice": "Choose one of the analyses listed; this one does not read this data."
            },
        )
    }
    defaults = jobs.mapping_params(version)
    if analysis in names:
        table = engine.table_name(version.data_request.table_type)
        columns = {c.name: c for c in engine_dictionary.table_columns(table)}
        params = [
            p for p in engine_dictionary.parameters(analysis) if p.name in jobs.analysis_parameters(analysis)
        ]
        group = (data or {}).get("run-p_group") or next(
            (p.default for p in params if p.name == "group"), None
        )
        group = group or "subject_race"
        for param in params:
            initial = defaults.get(param.name, param.default)
            fields[f"p_{param.name}"] = _param_field(param, columns, group, initial)
    form_class = type("AnalysisForm", (forms.Form,), fields)
    return form_class(data, prefix="run")


def analysis_params(form: forms.Form) -> dict:
    """The parameters a valid analysis form gives, by their codes; blank ones left to the analysis's default."""
    out = {}
    for key, value in form.cleaned_data.items():
        if key.startswith("p_") and value not in (None, ""):
            out[key[2:]] = value.isoformat() if isinstance(value, datetime.date) else value
    return out
