"""The incident timeline from a CSV file: all rows or none, and every problem named by row and column so the
person importing can fix the file. Rows are counted as a spreadsheet shows them (the header is row 1)."""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

COLUMNS = ("when", "description", "source")
ALIASES = {
    "date and time": "when",
    "datetime": "when",
    "time": "when",
    "what": "description",
    "event": "description",
    "what happened": "description",
}
FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
)
MAX_ROWS = 5000


class TimelineError(ValueError):
    """The file can't be imported; `problems` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Row:
    occurred_at: datetime
    description: str
    source: str


def parse_when(value: str) -> datetime | None:
    value = value.strip()
    for fmt in FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
    return None


def parse(data: bytes | str) -> list[Row]:
    """The rows, sorted by time; TimelineError names every bad row and column."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise TimelineError(["The file is not UTF-8 text: save it as CSV UTF-8."]) from error
    reader = csv.reader(io.StringIO(data))
    header = next(reader, None)
    if not header:
        raise TimelineError(
            ["The file is empty: the first row must name the columns when, description, source."]
        )
    names = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise TimelineError(
            [
                f"Row 1 (header): missing column “{c}”; the columns are when, description, source."
                for c in missing
            ]
        )
    index = {c: names.index(c) for c in COLUMNS}
    rows, problems = [], []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if number > MAX_ROWS + 1:
            problems.append(f"The file has more than {MAX_ROWS} rows; split it.")
            break
        cells = {c: (record[i].strip() if i < len(record) else "") for c, i in index.items()}
        when = parse_when(cells["when"])
        if when is None:
            shown = cells["when"] or "(empty)"
            problems.append(
                f"Row {number}, column “when”: “{shown}” is not a date and time "
                "(write it as 2023-07-14 14:50)."
            )
        for column in ("description", "source"):
            if not cells[column]:
                problems.append(f"Row {number}, column “{column}”: empty; every event needs a {column}.")
        if when is not None and cells["description"] and cells["source"]:
            rows.append(Row(when, cells["description"], cells["source"]))
    if problems:
        raise TimelineError(problems)
    if not rows:
        raise TimelineError(["The file has a header but no events."])
    return sorted(rows, key=lambda r: r.occurred_at)
