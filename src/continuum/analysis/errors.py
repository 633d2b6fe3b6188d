"""One exception type for bad input, so callers (CLI, web) can show a one-line reason."""

from __future__ import annotations

MAX_REASON = 1000
MAX_VALUE = 80


class InputError(Exception):
    """Input that cannot be analysed: names the file, row, column and value where known, and why.

    ``params`` names the analysis parameters a user can change to get past it (e.g. ``min_searches``): the
    reason says so in plain words and each caller adds how to change one (the CLI's ``--param``, a form's
    field), so neither syntax leaks into the other's messages."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        params: tuple[str, ...] = (),
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.params = tuple(params)
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {_clip(self.column)!r}")
        if self.value is not None:
            where.append(f"value {_clip(str(self.value))!r}")
        reason = " ".join(self.reason.split())
        if len(reason) > MAX_REASON:  # hostile input (a 2 MB column name) must not make a 2 MB message
            reason = reason[: MAX_REASON - 1] + "…"
        return f"{', '.join(where)}: {reason}" if where else reason


def _clip(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"
