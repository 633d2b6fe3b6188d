"""Standard schemas for the tables beyond stops: use of force, arrests, calls for service, officer-involved
shootings, police vehicle crashes and personnel.

Use of force follows the FBI National Use-of-Force Data Collection (incident, subject and officer segments);
the others follow common CAD/RMS fields. One mapping targets one table (``table = "..."`` in its TOML), so the
loader knows which columns and vocabularies to check. Multi-valued cells (``multi=True``) stay lists in
position: entry i of ``subject_race`` and entry i of ``subject_age`` describe the same subject.
"""

from __future__ import annotations

from .schema import RACES, SEXES, STOP_COLUMNS, Column

# Force types in ascending severity level (FBI NUFDC categories, grouped): the level of a report is that of its
# most severe force type; "other" has no level.
FORCE_TYPES = (
    "physical control",
    "takedown",
    "strike",
    "impact weapon",
    "chemical",
    "ced",
    "canine",
    "firearm",
    "other",
)
FORCE_LEVEL = {
    "physical control": 1,
    "takedown": 1,
    "strike": 2,
    "impact weapon": 3,
    "chemical": 3,
    "ced": 3,
    "canine": 3,
    "firearm": 4,
}
SEVERITY_LABELS = {1: "physical control", 2: "strikes", 3: "less-lethal weapon", 4: "firearm"}
# Subject resistance in ascending level (the NUFDC's resistance types, grouped as use-of-force continua do).
RESISTANCE = ("none", "verbal", "passive", "active", "flight", "aggressive", "deadly", "other")
RESISTANCE_LEVEL = {
    "none": 0,
    "verbal": 1,
    "passive": 2,
    "active": 3,
    "flight": 3,
    "aggressive": 4,
    "deadly": 5,
}
CONTACT_REASONS = ("dispatched", "officer initiated", "citizen initiated", "pre-planned", "other")
OFFICER_SEXES = ("male", "female", "other")
OFFENSE_LEVELS = ("felony", "misdemeanor", "violation", "warrant", "other")
ARMED = ("firearm", "knife", "other weapon", "vehicle", "unarmed", "unknown")
OIS_OUTCOMES = ("fatal", "injured", "not hit")


def _c(
    name: str, kind: str, values: tuple[str, ...] | None = None, doc: str = "", multi: bool = False
) -> Column:
    return Column(name, kind, values, doc, multi)  # type: ignore[arg-type]


USE_OF_FORCE_COLUMNS: tuple[Column, ...] = (
    _c("report_id", "text", doc="one officer's report (NJ) or one incident-officer pair"),
    _c("incident_id", "text", doc="reports of one incident share it"),
    _c("date", "date"),
    _c("time", "time"),
    _c("agency", "text"),
    _c("county", "text"),
    _c("location", "text"),
    _c("location_type", "text", multi=True),
    _c("contact_reason", "category", CONTACT_REASONS, "reason for initial contact", multi=True),
    _c("incident_type", "text", multi=True),
    _c("assignment", "text", doc="the officer's assignment: peers are compared within it"),
    _c("officer_id_hash", "id", doc="keyed hash of the officer identifier (a name in NJ)"),
    _c("officer_race", "category", RACES),
    _c("officer_sex", "category", OFFICER_SEXES),
    _c("officer_age", "float"),
    _c("officer_rank", "text"),
    _c("officer_injured", "bool"),
    _c("officer_injury_type", "text", multi=True),
    _c("officer_medical_treatment", "text", multi=True),
    _c(
        "subject_id",
        "text",
        doc="one entry per subject: a person in several officers' reports (or rows) is counted once",
        multi=True,
    ),
    _c("subject_race", "category", RACES, "one entry per subject", multi=True),
    _c("subject_sex", "category", SEXES, "one entry per subject", multi=True),
    _c("subject_age", "float", doc="one entry per subject", multi=True),
    _c("subject_condition", "text", multi=True),
    _c("subject_arrested", "bool", doc="one entry per subject", multi=True),
    _c("subjects_injured", "float", doc="number of subjects injured by the force"),
    _c("subject_injury_type", "text", multi=True),
    _c("subject_medical_treatment", "text", multi=True),
    _c("force_type", "category", FORCE_TYPES, multi=True),
    _c(
        "force_level",
        "float",
        doc="the agency's own force level (1-4) when it publishes levels, not types: severity without force_type",
    ),
    _c("resistance", "category", RESISTANCE, multi=True),
    _c("subject_actions", "text", multi=True),
    _c("video", "bool"),
)

ARREST_COLUMNS: tuple[Column, ...] = (
    _c("arrest_id", "text"),
    _c("date", "date"),
    _c("time", "time"),
    _c("district", "text"),
    _c("offense", "text"),
    _c("offense_category", "text"),
    _c("offense_level", "category", OFFENSE_LEVELS),
    _c("discretionary", "bool", doc="low-level/discretionary offense (mapping decides which codes)"),
    _c("subject_race", "category", RACES),
    _c("subject_sex", "category", SEXES),
    _c("subject_age", "float"),
    _c("officer_id_hash", "id"),
)

CALL_COLUMNS: tuple[Column, ...] = (
    _c("call_id", "text"),
    _c("unit", "text", doc="one row per responding unit; backup units are rows of their own"),
    _c("received", "timestamp"),
    _c("dispatched", "timestamp"),
    _c("arrived", "timestamp"),
    _c("cleared", "timestamp"),
    _c("priority", "text"),
    _c("call_type", "text"),
    _c("self_initiated", "bool"),
    _c("district", "text"),
)

OIS_COLUMNS: tuple[Column, ...] = (
    _c("incident_id", "text"),
    _c("date", "date"),
    _c("time", "time"),
    _c("district", "text"),
    _c("location_type", "text"),
    _c("circumstance", "text", doc="the threat or call that led to the shooting"),
    _c("subject_armed", "category", ARMED),
    _c("subject_fleeing", "bool"),
    _c("mental_health", "bool"),
    _c("body_camera", "bool"),
    _c("outcome", "category", OIS_OUTCOMES),
    _c("subject_race", "category", RACES),
    _c("subject_sex", "category", SEXES),
    _c("subject_age", "float"),
    _c("officer_id_hash", "id"),
)

CRASH_COLUMNS: tuple[Column, ...] = (
    _c("crash_id", "text"),
    _c("date", "date"),
    _c("time", "time"),
    _c("unit", "text"),
    _c("assignment", "text"),
    _c("vehicle_id", "text"),
    _c("officer_id_hash", "id"),
    _c("pursuit", "bool"),
    _c("emergency_response", "bool"),
    _c("injuries", "float", doc="people injured"),
    _c("officer_injured", "bool"),
    _c("preventable", "bool", doc="the review board's preventability finding"),
)

PERSONNEL_COLUMNS: tuple[Column, ...] = (
    _c("officer_id_hash", "id"),
    _c("rank", "text"),
    _c("assignment", "text"),
    _c("application_date", "date"),
    _c("hire_date", "date"),
    _c("separation_date", "date"),
    _c("separation_reason", "text"),
    _c("race", "category", RACES),
    _c("sex", "category", SEXES),
    _c("birth_year", "float"),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "stops": STOP_COLUMNS,
    "use_of_force": USE_OF_FORCE_COLUMNS,
    "arrests": ARREST_COLUMNS,
    "calls": CALL_COLUMNS,
    "ois": OIS_COLUMNS,
    "crashes": CRASH_COLUMNS,
    "personnel": PERSONNEL_COLUMNS,
}


def columns_of(table: str) -> dict[str, Column]:
    """The standard columns of a table type, by name."""
    from .errors import InputError

    if table not in TABLES:
        raise InputError(f"unknown table type {table!r}; choose from {sorted(TABLES)}")
    return {c.name: c for c in TABLES[table]}
