"""CSV exports open in spreadsheets: text that a spreadsheet would run as a formula (starting with = + - @, a
tab or a carriage return) gets a leading apostrophe, so an export can't carry formula injection."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
