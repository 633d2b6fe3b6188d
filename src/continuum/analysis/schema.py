"""The standard stop table: the Stanford Open Policing Project's column names and vocabularies.

Keeping OPP's names means OPP files load unchanged and results can be compared with theirs: OPP's published
CSVs write a missing value as ``NA`` (see ``MISSING_MARKERS``), and their older releases code race as
``other/unknown``, which is kept as its own value rather than guessed into ``other`` or ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["date", "time", "timestamp", "float", "bool", "category", "text", "id"]

RACES = ("asian/pacific islander", "black", "hispanic", "white", "other", "unknown", "other/unknown")
# Text that means "not recorded" in any column unless the mapping maps it (R and OPP write NA, spreadsheets
# #N/A, databases NULL, pandas NaN). A file can declare its own list: ``[source] missing = [...]``.
MISSING_MARKERS = ("NA", "N/A", "n/a", "#N/A", "NULL", "null", "NaN", "nan")
# Standard values that gather whatever a source does not name more precisely: any code mapped to one of these
# (other than the value itself) loses a distinction the source made, so the output lists it as folded.
CATCH_ALLS = ("other", "other/unknown", "other weapon")
SEXES = ("male", "female")
STOP_TYPES = ("vehicular", "pedestrian")
OUTCOMES = ("warning", "citation", "summons", "arrest")
# Order matters: when a cell lists several bases, the first one in this order wins (most specific first).
SEARCH_BASES = ("k9", "plain view", "consent", "probable cause", "other")
DISCRETIONARY_BASES = ("k9", "plain view", "consent", "probable cause")


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    values: tuple[str, ...] | None = None
    doc: str = ""
    multi: bool = False  # a list per row (multi-select or one entry per subject), kept in position


STOP_COLUMNS: tuple[Column, ...] = (
    Column("date", "date", doc="local date of the stop"),
    Column("time", "time", doc="local clock time of the stop"),
    Column("location", "text"),
    Column("lat", "float"),
    Column("lng", "float"),
    Column("county_name", "text"),
    Column("district", "text"),
    Column("precinct", "text"),
    Column("beat", "text"),
    Column("zone", "text"),
    Column("department_name", "text"),
    Column("subject_age", "float"),
    Column("subject_race", "category", RACES),
    Column("subject_sex", "category", SEXES),
    Column("officer_id_hash", "id", doc="keyed hash of the officer identifier"),
    Column("unit", "text"),
    Column("type", "category", STOP_TYPES),
    Column("violation", "text"),
    Column("reason_for_stop", "text"),
    Column("arrest_made", "bool"),
    Column("citation_issued", "bool"),
    Column("warning_issued", "bool"),
    Column("outcome", "category", OUTCOMES),
    Column("contraband_found", "bool"),
    Column("contraband_drugs", "bool"),
    Column("contraband_weapons", "bool"),
    Column("frisk_performed", "bool"),
    Column("search_conducted", "bool"),
    Column("search_person", "bool"),
    Column("search_vehicle", "bool"),
    Column("search_basis", "category", SEARCH_BASES),
    Column("reason_for_search", "text"),
    Column("reason_for_frisk", "text"),
    Column("vehicle_make", "text"),
    Column("vehicle_model", "text"),
    Column("vehicle_year", "float"),
)

BY_NAME: dict[str, Column] = {c.name: c for c in STOP_COLUMNS}

SQL_TYPES: dict[Kind, str] = {
    "date": "DATE",
    "time": "TIME",
    "timestamp": "TIMESTAMP",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "category": "VARCHAR",
    "text": "VARCHAR",
    "id": "VARCHAR",
}
