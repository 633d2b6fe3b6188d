"""The data dictionary: every standard table's columns (type, vocabulary, which analyses need them) and every
analysis's parameters with their defaults, as plain data that the CLI prints and the platform renders.

It is built from the schemas (``tables.TABLES``) and the analyses' own signatures, so it cannot drift from
what the loader checks and the analyses accept; only the required columns (``NEEDS``) and the parameters'
sentences are written here, and a test holds ``NEEDS`` to what each analysis refuses without.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from .analyses import ANALYSES, TABLE_OF
from .tables import TABLES

# What the loader makes of each kind of column, in words.
KIND_WORDS = {
    "date": "date (e.g. 2020-06-01; any format the mapping names)",
    "time": "clock time (e.g. 21:00)",
    "timestamp": "date and time (e.g. 2020-06-01 21:00:00)",
    "float": "number",
    "bool": "true or false",
    "category": "one of a fixed list of values",
    "text": "text",
    "id": "officer identifier, replaced by a keyed hash",
}
# Standard columns an analysis cannot run without (its defaults assumed: rates groups by subject_race).
NEEDS: dict[str, tuple[str, ...]] = {
    "rates": ("subject_race",),
    "veil-of-darkness": ("date", "time", "subject_race"),
    "outcome-test": ("subject_race", "search_conducted", "contraband_found"),
    "threshold-test": ("subject_race", "search_conducted", "contraband_found"),
    "officer-benchmark": ("officer_id_hash", "subject_race"),
    "use-of-force": ("date", "force_type"),  # or force_level, the agency's own levels, when there is no type
    "staffing": ("dispatched",),  # received stands in for it; without cleared, service times are assumed
    "arrests": ("date",),
    "ois": ("date",),
    "crashes": ("date",),
    "personnel": ("hire_date",),
}
HIDDEN = ("data", "reducer")  # supplied by the engine, never by a user
PARAM_DOCS = {
    "group": "the standard column whose groups are compared",
    "reference": "the group the others are compared with",
    "benchmark": "a CSV of population counts by group to compare with",
    "alpha": "significance level of the tests and intervals",
    "lat": "latitude of the area, for sunset and dusk times",
    "lng": "longitude of the area, for sunset and dusk times",
    "tz": "the data's local time zone (an IANA name such as America/New_York)",
    "minority": "the group whose share of stops is tested",
    "majority": "the group it is compared with",
    "geography": "the standard column that divides the area (district, precinct…)",
    "groups": "the groups to compare, separated by commas (all when blank)",
    "discretionary": "keep only discretionary searches: auto, yes or no",
    "min_searches": "fewest searches each group needs in an area for the area to count",
    "min_geographies": "fewest areas that must qualify",
    "min_month_stops": "months with fewer stops are left out as too sparse",
    "coverage": "share of rows a field must have recorded for the area to count",
    "min_stops": "officers with fewer comparable stops are left out",
    "service_minutes": "minutes a unit is assumed busy on a call when the file has no cleared times",
    "levels_descending": "the agency's force level 1 is its most severe (otherwise its highest level is)",
    "min_peers": "fewest peers an officer is compared with",
    "fdr": "false discovery rate when flagging officers",
    "match": "what an officer's stops are matched on, separated by commas",
    "alternative": "which direction of difference is flagged",
    "arrests": "arrests in the period, for rates per arrest",
    "calls": "calls for service in the period, for rates per call",
    "officers": "sworn officers, for rates per officer",
    "target": "the share of time officers should have free",
    "shift_hours": "length of a shift in hours",
    "shift_starts": "hours at which shifts start, separated by commas",
    "work_hours": "hours an officer works in a year",
    "leave_hours": "hours of leave an officer takes in a year",
    "population": "population of the area, for rates per resident",
    "low_level": "offense levels counted as low-level, separated by commas",
    "split_date": "date dividing the period into before and after (YYYY-MM-DD)",
    "miles": "miles driven by the fleet in the period",
    "vehicles": "vehicles in the fleet",
    "as_of": "date at which the roster is read (YYYY-MM-DD)",
    "interact_time_geography": "let the time-of-day curve differ between areas",
    "dst": "compare only the days around the daylight-saving clock changes",
    "dst_days": "days either side of a clock change kept when comparing around them",
    "spline_df": "flexibility of the time-of-day curve (degrees of freedom)",
    "round_minutes": "clock times are rounded to this many minutes",
    "window_start": "start of the twilight window: dusk or sunset",
    "whole_minutes": "compare clock times in whole minutes, as the Open Policing Project does",
    "knots": "where the time-of-day curve bends: rows or distinct",
    "draws": "samples drawn from the model per chain",
    "warmup": "samples discarded per chain before drawing",
    "chains": "independent chains the model is sampled on",
    "seed": "random seed, so a run can be repeated exactly",
    "benchmark_group": "which benchmark column the counts compare: race or sex",
    "exposure": "a CSV of miles driven and vehicles by unit or assignment",
    "policy": "whether a shift is staffed for the mean or the peak need of its hours",
    "leave": "a CSV of leave and training hours by officer",
    "on_duty": "officers on duty now: one number, or one per shift, separated by commas",
    "max_hours": "calls open longer than this many hours are left out as errors",
    "min_on_duty": "fewest officers on duty in any shift",
}

# Each parameter as a form or a page labels it.
PARAM_LABELS = {
    "group": "Compare groups by",
    "reference": "Reference group",
    "benchmark": "Population benchmark file",
    "alpha": "Significance level",
    "lat": "Latitude",
    "lng": "Longitude",
    "tz": "Time zone",
    "minority": "Group tested",
    "majority": "Group compared with",
    "geography": "Areas",
    "groups": "Groups to compare",
    "discretionary": "Discretionary searches only",
    "min_searches": "Fewest searches per group in an area",
    "min_geographies": "Fewest qualifying areas",
    "min_month_stops": "Fewest stops in a month",
    "coverage": "Share of rows recorded",
    "min_stops": "Fewest comparable stops per officer",
    "service_minutes": "Minutes busy per call",
    "levels_descending": "Level 1 is the most severe",
    "min_peers": "Fewest peers",
    "fdr": "False discovery rate",
    "match": "Match stops on",
    "alternative": "Direction flagged",
    "arrests": "Arrests in the period",
    "calls": "Calls for service in the period",
    "officers": "Sworn officers",
    "target": "Share of time free",
    "shift_hours": "Shift length (hours)",
    "shift_starts": "Shift start hours",
    "work_hours": "Hours worked per year",
    "leave_hours": "Leave hours per year",
    "population": "Population of the area",
    "low_level": "Low-level offense levels",
    "split_date": "Before-and-after date",
    "miles": "Miles driven",
    "vehicles": "Vehicles in the fleet",
    "as_of": "Roster date",
    "interact_time_geography": "Let the time-of-day curve differ between areas",
    "dst": "Only days around clock changes",
    "dst_days": "Days either side of a clock change",
    "spline_df": "Curve flexibility",
    "round_minutes": "Round clock times to (minutes)",
    "window_start": "Twilight window starts at",
    "whole_minutes": "Compare clock times in whole minutes",
    "knots": "Curve bends placed by",
    "draws": "Samples per chain",
    "warmup": "Warm-up samples per chain",
    "chains": "Chains",
    "seed": "Random seed",
    "benchmark_group": "Benchmark compares",
    "exposure": "Fleet exposure file",
    "policy": "Staff each shift for",
    "leave": "Leave and training file",
    "on_duty": "Officers on duty now",
    "max_hours": "Longest call kept (hours)",
    "min_on_duty": "Fewest officers per shift",
    "mapping": "Mapping",
    "mapping_sha256": "Mapping SHA-256",
}
# Parameters whose values are a fixed list, each value as a reader says it.
PARAM_CHOICES: dict[str, dict[str, str]] = {
    "window_start": {"dusk": "dusk (end of civil twilight)", "sunset": "sunset"},
    "knots": {"rows": "rows (as the Open Policing Project does)", "distinct": "distinct clock times"},
    "discretionary": {"auto": "automatic: when the data says which searches were", "yes": "yes", "no": "no"},
    "alternative": {
        "greater": "officers stopping more of the group than peers",
        "less": "officers stopping fewer of the group than peers",
        "two-sided": "either direction",
    },
    "benchmark_group": {"race": "race", "sex": "sex"},
    "policy": {"mean": "the mean need of its hours", "peak": "the peak need of its hours"},
}
# Parameters that name a file (a CSV on the analyst's computer), not a value typed in.
FILE_PARAMS = ("benchmark", "exposure", "leave")
# Parameters that are dates (YYYY-MM-DD).
DATE_PARAMS = ("split_date", "as_of")


def param_label(name: str) -> str:
    """A parameter as people read it ("Fewest searches per group in an area"), not its code."""
    return PARAM_LABELS.get(name, name.replace("_", " ").capitalize())


@dataclass(frozen=True)
class ColumnEntry:
    name: str
    kind: str
    kind_words: str
    values: tuple[str, ...]
    list_per_row: bool
    doc: str
    needed_by: tuple[str, ...]


@dataclass(frozen=True)
class Parameter:
    name: str
    default: object
    type: str
    doc: str

    @property
    def default_text(self) -> str:
        if self.default is None:
            return "none"
        return str(self.default).lower() if isinstance(self.default, bool) else str(self.default)


def tables() -> list[str]:
    return list(TABLES)


def table_columns(table: str) -> list[ColumnEntry]:
    """The standard columns of one table, in schema order; an unknown table is an InputError naming the rest."""
    from .tables import columns_of

    columns_of(table)  # refuses an unknown table with the valid choices
    return [
        ColumnEntry(
            name=c.name,
            kind=c.kind,
            kind_words=KIND_WORDS[c.kind],
            values=tuple(c.values or ()),
            list_per_row=c.multi,
            doc=c.doc,
            needed_by=tuple(a for a in analyses_of(table) if c.name in NEEDS.get(a, ())),
        )
        for c in TABLES[table]
    ]


def analyses_of(table: str) -> list[str]:
    """The analyses that read a table, in registry order."""
    return [a for a in ANALYSES if TABLE_OF.get(a, "stops") == table]


def parameters(analysis: str) -> list[Parameter]:
    """An analysis's parameters, from its own signature, with their defaults."""
    from .errors import InputError

    if analysis not in ANALYSES:
        raise InputError(f"unknown analysis {analysis!r}; choose from {', '.join(ANALYSES)}")
    out = []
    for name, p in inspect.signature(ANALYSES[analysis]).parameters.items():
        if name in HIDDEN or p.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        default = None if p.default is inspect.Parameter.empty else p.default
        kind = _type_name(default, name, str(p.annotation))
        out.append(Parameter(name, default, kind, PARAM_DOCS.get(name, "")))
    return out


def _type_name(default: object, name: str, annotation: str = "") -> str:
    if isinstance(default, bool):
        return "true/false"
    if isinstance(default, int):
        return "whole number"
    if isinstance(default, float) or name in ("lat", "lng") or annotation.startswith("float"):
        return "number"
    if name in DATE_PARAMS:
        return "date"
    if name in FILE_PARAMS:
        return "file"
    return "text"


def tables_with(column: str) -> list[str]:
    """The tables that have a standard column of this name (to tell a user which ``table`` they meant)."""
    return [t for t, cols in TABLES.items() if any(c.name == column for c in cols)]


def as_dict() -> dict:
    """The whole dictionary as plain data (the platform's page, ``continuum data columns --json``)."""
    return {
        "tables": {
            t: {
                "columns": [c.__dict__ for c in table_columns(t)],
                "analyses": analyses_of(t),
            }
            for t in TABLES
        },
        "analyses": {
            a: {
                "table": TABLE_OF.get(a, "stops"),
                "needs": list(NEEDS.get(a, ())),
                "parameters": [{**p.__dict__, "default_text": p.default_text} for p in parameters(a)],
            }
            for a in ANALYSES
        },
    }
