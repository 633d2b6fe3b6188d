"""The result object every analysis returns: numbers, the counts behind them, parameters,
caveats, provenance.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from . import ENGINE_VERSION


@dataclass
class Table:
    """A table of numbers shown in reports (and the accessible twin of each chart)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class Chart:
    """A point-and-interval chart: one row per label (estimate, low, high)."""

    title: str
    xlabel: str
    points: list[tuple[str, float, float, float]]
    reference: float | None = None  # a vertical line (e.g. 1 for ratios)


@dataclass
class Result:
    analysis: str
    estimates: dict[str, Any]
    n_input: int
    n_used: int
    n_excluded: dict[str, int]
    params: dict[str, Any]
    input_sha256: str
    caveats: list[str] = field(default_factory=list)
    # what a reader must know before any number (e.g. filters that dropped most of the data or reversed the
    # comparison): shown first wherever the result is shown
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    engine_version: str = ENGINE_VERSION
    validation: dict[str, Any] | None = None
    # what one input row is and what was counted (e.g. "1,774 rows hold 834 arrests: counted once per
    # arrest_id"), so a count can never be read at the wrong grain
    row_grain: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "analysis": self.analysis,
                "warnings": self.warnings,
                "estimates": self.estimates,
                "n_input": self.n_input,
                "n_used": self.n_used,
                "row_grain": self.row_grain,
                "n_excluded": {"total": sum(self.n_excluded.values()), "reasons": self.n_excluded},
                "params": self.params,
                "counts": self.counts,
                "caveats": self.caveats,
                "input_sha256": self.input_sha256,
                "engine_version": self.engine_version,
                "validation": self.validation,
                "tables": [{"title": t.title, "columns": t.columns, "rows": t.rows} for t in self.tables],
                # so a report exhibit draws the very chart the result page shows
                "charts": [
                    {"title": c.title, "xlabel": c.xlabel, "points": c.points, "reference": c.reference}
                    for c in self.charts
                ],
            }
        )

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def to_html(self) -> str:
        from .render import result_fragment

        return result_fragment(self)


def _clean(o: Any) -> Any:
    """JSON-safe: numpy scalars to Python, NaN/inf to None (JSON has no NaN)."""
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, list | tuple):
        return [_clean(v) for v in o]
    if hasattr(o, "item") and not isinstance(o, str):
        o = o.item()
    if isinstance(o, float) and not math.isfinite(o):
        return None
    return o
