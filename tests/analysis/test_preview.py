"""The engine's side of the guided mapping: a mapping document written back as the TOML the CLI reads (every
rule feature survives the round trip), and a preview that reads the head of a file through the loader itself."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from continuum.analysis.errors import InputError
from continuum.analysis.mapping import Mapping, parse_toml, to_toml
from continuum.analysis.preview import preview

FULL = {
    "table": "stops",
    "params": {"tz": "America/New_York", "lat": 41.7, "min_stops": 5, "whole_minutes": True},
    "source": {"missing": ["NA", "-"], "delimiter": ";"},
    "columns": {
        "date": {"from": "Stop Date", "format": "%m/%d/%Y"},
        "subject_race": {"from": "race", "values": {"W": "white", "B ": "black", 'x"y': ""}, "else": "other"},
        "search_basis": {"from": "st", "split": ",", "replace": {"a, b": "a b"}},
        "frisk_performed": {"from": "st", "split": ",", "contains": ["Frisk"], "missing": False},
        "officer_id_hash": {"from": "badge", "hash": True},
    },
}


def test_every_rule_feature_survives_the_round_trip_and_the_engine_reads_it():
    text = to_toml(FULL)
    assert parse_toml(text) == FULL
    assert Mapping.from_dict(parse_toml(text)).rules["subject_race"].default == "other"
    assert (
        'subject_race = { from = "race", values = { W = "white", "B " = "black", "x\\"y" = "" }, else = "other" }'
        in text
    )


# any text a file can hold: quotes, backslashes, control characters, DEL, accents (not lone surrogates)
codes = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(codes, st.sampled_from(["white", "black", "hispanic", ""]), max_size=8), codes)
def test_any_code_a_file_holds_round_trips(values, source):
    doc = {"table": "stops", "columns": {"subject_race": {"from": source, "values": values}}}
    assert parse_toml(to_toml(doc)) == doc


def test_what_a_mapping_cannot_hold_is_refused_in_words():
    with pytest.raises(InputError, match="not a number a mapping can hold"):
        to_toml({"params": {"lat": float("nan")}})
    with pytest.raises(InputError, match="not text a mapping can hold"):
        to_toml({"columns": {"subject_race": {"from": "race", "values": {"\ud800": "white"}}}})


CSV = (
    "when,race,searched\n"
    "2024-05-31T22:10:00-04:00,W,Y\n"
    "2024-06-01T09:00:00-04:00,Q,N\n"
    "2024-06-02T23:30:00-04:00,B,NA\n"
)


def test_the_preview_reads_the_first_rows_as_the_loader_does(tmp_path):
    path = tmp_path / "stops.csv"
    path.write_text(CSV)
    mapping = Mapping.from_dict({"params": {"tz": "America/New_York"}, "columns": {
        "date": {"from": "when", "format": "%Y-%m-%dT%H:%M:%S%z"},
        "time": {"from": "when", "format": "%Y-%m-%dT%H:%M:%S%z"},
        "subject_race": {"from": "race", "values": {"W": "white", "B": "black"}},
        "search_conducted": {"from": "searched", "values": {"Y": True, "N": False}},
    }})  # fmt: skip
    seen = preview(path, mapping, rows=2)
    assert seen.n_read == 3 and seen.whole_file and seen.columns[:2] == ["date", "time"]
    first = seen.rows[0]
    assert (first["date"].source, first["date"].standard) == ("2024-05-31T22:10:00-04:00", "2024-05-31")
    assert first["time"].standard == "22:10" and first["search_conducted"].standard == "yes"
    assert len(seen.rows) == 2
    assert seen.problems == {"subject_race": 1} and seen.issues[0][:2] == ("subject_race", "Q")
    assert preview(path, mapping, rows=2, sample_rows=1).n_read == 1  # only the head is read
    last = preview(path, mapping, rows=3).rows[2]
    assert last["search_conducted"].standard == "not recorded"  # NA is missing, never a code


def test_a_preview_never_shows_an_officer_identifier(tmp_path):
    path = tmp_path / "stops.csv"
    path.write_text("date,badge\n2024-01-01,1001\n")
    mapping = Mapping.from_dict({"columns": {"date": "date", "officer_id_hash": {"from": "badge"}}})
    cell = preview(path, mapping).rows[0]["officer_id_hash"]
    assert cell.standard == "an identifier, hashed" and cell.source == "1001"
    assert datetime.date.fromisoformat(preview(path, mapping).rows[0]["date"].standard) == datetime.date(
        2024, 1, 1
    )


@pytest.mark.parametrize("code, kind", [
    ("Take Down - Arm", "takedown"), ("Hand/Arm/Elbow Strike", "strike"), ("OC Spray", "chemical"),
    ("K-9 Deployment", "canine"), ("Taser", "ced"), ("Joint Locks", "physical control"),
    ("Held Suspect Down", "physical control"), ("Baton", "impact weapon"), ("Firearm Discharged", "firearm"),
    ("Weapon display at Person", None), ("Verbal Command", None), ("Taser Display at Person", None),
])  # fmt: skip
def test_force_types_are_suggested_by_the_kind_of_force_their_words_name(code, kind):
    """Codes of a real export (Dallas' Response to Resistance, 2016); a display or a command is not force in the
    FBI's collection, so it gets no suggestion and the reviewer decides."""
    from continuum.analysis.profile import suggest_value
    from continuum.analysis.tables import columns_of

    assert suggest_value(columns_of("use_of_force")["force_type"], code) == kind


def test_a_records_system_header_is_drafted_for_its_table():
    """Dallas' export names its columns OCCURRED_D, CitRace, FILENUM: the draft finds them."""
    from continuum.analysis.profile import draft

    prof = {name: {"distinct": 1, "blank": 0, "top": [(value, 1)]} for name, value in [
        ("FILENUM", "UF2016-1185"), ("OCCURRED_D", "09/03/2016"), ("OCCURRED_T", "4:14:00 AM"),
        ("CitRace", "Black"), ("CitSex", "Female"), ("ForceType", "Taser")]}  # fmt: skip
    columns = parse_toml(draft(prof, table="use_of_force"))["columns"]
    assert columns["incident_id"]["from"] == "FILENUM" and columns["date"]["format"] == "%m/%d/%Y"
    assert columns["time"]["format"] == "%I:%M:%S %p" and columns["subject_race"]["values"] == {
        "Black": "black"
    }
    assert columns["subject_sex"]["from"] == "CitSex" and columns["force_type"]["values"] == {"Taser": "ced"}


def test_the_words_for_not_recorded_are_suggested_as_missing():
    """NJ's use-of-force reports write "Not Provided" for a race nobody recorded: the draft reads it as missing
    (not a problem cell, not a race), unless the column's vocabulary has the word itself."""
    from continuum.analysis.profile import draft, suggest_value
    from continuum.analysis.tables import columns_of

    race = columns_of("use_of_force")["subject_race"]
    assert suggest_value(race, "Not Provided") == "" and suggest_value(race, "Purple") is None
    if "unknown" in race.values:
        assert suggest_value(race, "UNKNOWN") == "unknown"
    prof = {"subject_race": {"distinct": 2, "blank": 0, "top": [("Black", 3), ("Not Provided", 1)]}}
    rule = parse_toml(draft(prof, table="use_of_force"))["columns"]["subject_race"]
    assert rule["values"] == {"Black": "black", "Not Provided": ""}


def test_yes_no_codes_are_suggested_as_the_loader_reads_them():
    from continuum.analysis.profile import suggest_value
    from continuum.analysis.tables import columns_of

    searched = columns_of("stops")["search_conducted"]
    assert [suggest_value(searched, c) for c in ("Y", "T", "1", "No", "FALSE", "maybe")] == [
        "true", "true", "true", "false", "false", None,
    ]  # fmt: skip
