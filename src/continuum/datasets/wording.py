"""Analyses and their parameters as people read them on every page: names, not the engine's codes, and values
in words (yes/no, a column's label, a listed choice's meaning), so no page shows code syntax."""

from continuum.analysis import dictionary as engine_dictionary
from continuum.analysis.readable import analysis_name

from .guided import column_label

COLUMN_PARAMS = ("group", "geography")


def value_words(key: str, value) -> str:
    """One parameter's value as a sentence would say it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "":
        return "default"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(value_words(key, v) for v in value)
    choices = engine_dictionary.PARAM_CHOICES.get(key, {})
    if value in choices:
        return choices[value]
    if key in COLUMN_PARAMS and value != "auto":
        return column_label(str(value)).lower()
    if key == "tz":
        return str(value).replace("_", " ")
    return str(value)


def parameter_rows(params: dict) -> list[tuple[str, str]]:
    """(label, value in words) for each parameter a job or result ran with."""
    return [(engine_dictionary.param_label(k), value_words(k, v)) for k, v in (params or {}).items()]


def parameter_changes(changes: list) -> list[tuple[str, str, str]]:
    """(label, before, after) for results.changes' (code, old, new) triples."""
    return [
        (engine_dictionary.param_label(k), value_words(k, old), value_words(k, new))
        for k, old, new in changes
    ]


def result_title(result) -> str:
    """ "Veil of darkness: stops in daylight and in darkness, run 2"."""
    return f"{analysis_name(result.analysis)}, run {result.number}"
