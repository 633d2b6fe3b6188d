"""The analyses, by CLI name. Each takes a StopData and keyword parameters and returns a Result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..results import Result
from .officers import officer_benchmark
from .outcome import outcome_test
from .rates import rates
from .threshold import threshold_test
from .veil import veil_of_darkness

ANALYSES: dict[str, Callable[..., Result]] = {
    "rates": rates,
    "veil-of-darkness": veil_of_darkness,
    "outcome-test": outcome_test,
    "threshold-test": threshold_test,
    "officer-benchmark": officer_benchmark,
}

__all__ = [
    "ANALYSES",
    "Any",
    "officer_benchmark",
    "outcome_test",
    "rates",
    "threshold_test",
    "veil_of_darkness",
]
