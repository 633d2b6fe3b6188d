"""Validation results: every cell that could not be converted, by row and column, with the reason."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Issue:
    column: str
    source_column: str
    value: str
    reason: str
    count: int
    example_rows: tuple[int, ...]


@dataclass(frozen=True)
class Fold:
    """Source categories the mapping merges into one standard value, with each code's count in the file."""

    column: str
    source_column: str
    value: str
    codes: dict[str, int]

    def to_dict(self) -> dict:
        return {
            "column": self.column,
            "source_column": self.source_column,
            "value": self.value,
            "codes": self.codes,
        }

    def describe(self) -> str:
        listed = ", ".join(f"{c!r} ({n:,})" for c, n in self.codes.items())
        return f"{self.column}: {listed} folded into {self.value!r} (source column {self.source_column!r})"


@dataclass
class ValidationReport:
    n_rows: int
    issues: list[Issue] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)  # source columns no rule uses
    # cells (or list entries) read as missing because they held a missing marker such as NA, per column
    missing_markers: dict[str, int] = field(default_factory=dict)
    folds: list[Fold] = field(default_factory=list)

    @property
    def n_problem_cells(self) -> int:
        return sum(i.count for i in self.issues)

    def unmapped_values(self) -> dict[str, dict[str, int]]:
        """Every value that could not be mapped, counted, per standard column."""
        out: dict[str, dict[str, int]] = {}
        for i in self.issues:
            out.setdefault(i.column, {})[i.value] = out.get(i.column, {}).get(i.value, 0) + i.count
        return out

    def to_dict(self) -> dict:
        return {
            "n_rows": self.n_rows,
            "n_problem_cells": self.n_problem_cells,
            "issues": [
                {
                    "column": i.column,
                    "source_column": i.source_column,
                    "value": i.value,
                    "reason": i.reason,
                    "count": i.count,
                    "example_rows": list(i.example_rows),
                }
                for i in self.issues
            ],
            "unmapped_source_columns": self.unmapped_columns,
            "missing_markers": self.missing_markers,
            "folded": [f.to_dict() for f in self.folds],
        }
