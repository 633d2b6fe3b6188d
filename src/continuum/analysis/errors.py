"""One exception type for bad input, so callers (CLI, web) can show a one-line reason."""

from __future__ import annotations

MAX_REASON = 1000


class InputError(Exception):
    """Input that cannot be analysed: names the file, row and column where known, and why."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.row = row
        self.column = column
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            column = self.column if len(self.column) <= 80 else self.column[:79] + "…"
            where.append(f"column {column!r}")
        reason = " ".join(self.reason.split())
        if len(reason) > MAX_REASON:  # hostile input (a 2 MB column name) must not make a 2 MB message
            reason = reason[: MAX_REASON - 1] + "…"
        return f"{', '.join(where)}: {reason}" if where else reason
