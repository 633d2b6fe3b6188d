"""CSV exports open in spreadsheets: text that a spreadsheet would run as a formula (starting with = + - @, a
tab or a carriage return) gets a leading apostrophe, so an export can't carry formula injection. The engine
applies the same rule to the problem files it writes (continuum.analysis.load)."""

from continuum.analysis.load import FORMULA_STARTS


def formula_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
