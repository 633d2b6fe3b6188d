"""CSV exports open in spreadsheets: text that a spreadsheet would run as a formula (starting with = + - @, a
tab or a carriage return) gets a leading apostrophe, so an export can't carry formula injection. The engine
applies the same rule to the problem files it writes (continuum.analysis.load)."""

import csv

from django.http import HttpResponse

from continuum.analysis.load import FORMULA_STARTS


def formula_safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    """A CSV download of `rows` under `header`, every cell defused."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([formula_safe(value) for value in row])
    return response
