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


@dataclass
class ValidationReport:
    n_rows: int
    issues: list[Issue] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)  # source columns no rule uses

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
        }
