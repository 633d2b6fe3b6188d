"""The analyses, by CLI name. Each takes a StopData and keyword parameters and returns a Result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..results import Result
from .arrests import arrests
from .crashes import crashes
from .officers import officer_benchmark
from .ois import ois
from .outcome import outcome_test
from .personnel import personnel
from .rates import rates
from .staffing import staffing
from .threshold import threshold_test
from .use_of_force import use_of_force
from .veil import veil_of_darkness

ANALYSES: dict[str, Callable[..., Result]] = {
    "rates": rates,
    "veil-of-darkness": veil_of_darkness,
    "outcome-test": outcome_test,
    "threshold-test": threshold_test,
    "officer-benchmark": officer_benchmark,
    "use-of-force": use_of_force,
    "staffing": staffing,
    "arrests": arrests,
    "ois": ois,
    "crashes": crashes,
    "personnel": personnel,
}
# The standard table (tables.TABLES) each analysis reads; analyses not listed read stops.
TABLE_OF: dict[str, str] = {
    "use-of-force": "use_of_force",
    "staffing": "calls",
    "arrests": "arrests",
    "ois": "ois",
    "crashes": "crashes",
    "personnel": "personnel",
}

__all__ = [
    "ANALYSES",
    "TABLE_OF",
    "Any",
    "arrests",
    "crashes",
    "officer_benchmark",
    "ois",
    "outcome_test",
    "personnel",
    "rates",
    "staffing",
    "threshold_test",
    "use_of_force",
    "veil_of_darkness",
]
