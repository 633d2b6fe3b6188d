"""Analyst-grade data (issue 18, item 2): errors that name the valid choices and the table to set, a value
map's `else`, and profile drafts that guess the table, date formats (with offsets) and common labels."""

from __future__ import annotations

import tomllib

import pytest

from continuum.analysis.errors import InputError
from continuum.analysis.load import load_stops, load_table
from continuum.analysis.mapping import ELSE_CODE, Mapping
from continuum.analysis.profile import guess_table, profile
from continuum.analysis.tables import TABLES


def test_an_unknown_column_names_the_tables_columns():
    with pytest.raises(InputError) as caught:
        Mapping.from_dict({"columns": {"race": "Race"}})
    message = str(caught.value)
    assert "'race' is not a standard stop column" in message
    assert all(c.name in message for c in TABLES["stops"])


def test_a_mapping_for_another_table_says_which_table_to_set():
    with pytest.raises(InputError) as caught:
        Mapping.from_dict({"columns": {"date": "d", "force_type": "f", "resistance": "r"}})
    assert 'table = "use_of_force"' in str(caught.value)


def test_a_column_of_another_table_says_so():
    """The issue's case: `district` in a use-of-force mapping is a column of stops and others, not of force."""
    with pytest.raises(InputError) as caught:
        Mapping.from_dict({"table": "use_of_force", "columns": {"district": "d", "force_type": "f"}})
    message = str(caught.value)
    assert "'district' is not a standard use of force column" in message
    assert "'stops'" in message and "set table" in message and "force_type" in message


def _load(tmp_path, body: str, rules: dict, table: str = "stops"):
    path = tmp_path / "f.csv"
    path.write_text(body)
    return load_table(path, Mapping.from_dict({"table": table, "columns": rules}), table=table)


RACES = "race\nWhite\nBlack or African American\nKlingon\nVulcan\nwhite\nNA\n\n"


def test_else_gives_every_other_code_one_value_and_reports_the_fold(tmp_path):
    rule = {"from": "race", "values": {"Black or African American": "black"}, "else": "other"}
    with _load(tmp_path, RACES, {"subject_race": rule}) as data:
        got = [r[0] for r in data.con.execute("SELECT subject_race FROM stops ORDER BY _row").fetchall()]
        assert got == ["white", "black", "other", "other", "white", None, None]  # NA and blank stay missing
        assert data.validation.n_problem_cells == 0
        (fold,) = data.validation.folds
        assert (fold.value, fold.codes) == ("other", {ELSE_CODE: 2})


def test_without_else_the_same_codes_are_problems(tmp_path):
    rule = {"from": "race", "values": {"Black or African American": "black"}}
    with _load(tmp_path, RACES, {"subject_race": rule}) as data:
        assert data.validation.unmapped_values() == {"subject_race": {"Klingon": 1, "Vulcan": 1}}


def test_else_blank_makes_the_rest_not_recorded(tmp_path):
    with _load(tmp_path, "flag\nY\nmaybe\n", {"search_conducted": {"from": "flag", "else": ""}}) as data:
        got = [r[0] for r in data.con.execute("SELECT search_conducted FROM stops ORDER BY _row").fetchall()]
        assert got == [True, None] and data.validation.n_problem_cells == 0


def test_else_on_a_list_column_maps_each_entry(tmp_path):
    body = 'id,force\n1,"Used arms,Stared menacingly"\n2,Discharged Firearm at\n'
    rule = {"from": "force", "values": {"Used arms": "physical control", "Discharged Firearm at": "firearm"},
            "else": "other"}  # fmt: skip
    with _load(tmp_path, body, {"report_id": "id", "force_type": rule}, "use_of_force") as data:
        got = [r[0] for r in data.con.execute("SELECT force_type FROM use_of_force ORDER BY _row").fetchall()]
        assert got == [["physical control", "other"], ["firearm"]]
        assert data.validation.n_problem_cells == 0
        assert data.validation.folds[0].codes == {ELSE_CODE: 1}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"from": "race", "else": "purple"}, "not in the vocabulary"),
        ({"from": "flag", "else": "perhaps"}, "true or false"),
        ({"from": "flag", "split": ",", "contains": ["a"], "else": True}, "else does not go with contains"),
    ],
)
def test_a_wrong_else_is_refused_naming_the_column(rule, message):
    target = "subject_race" if rule["from"] == "race" else "search_conducted"
    with pytest.raises(InputError, match=message) as caught:
        Mapping.from_dict({"columns": {target: rule}})
    assert caught.value.column == target


def test_a_106_valued_column_needs_no_script(tmp_path):
    """The issue's case: many codes, a few that matter, one line for the rest."""
    codes = [f"Offense {i}" for i in range(106)]
    body = "level\n" + "\n".join(codes) + "\n"
    rule = {"from": "level", "values": {"Offense 0": "felony", "Offense 1": "misdemeanor"}, "else": "other"}
    with _load(tmp_path, body, {"offense_level": rule}, "arrests") as data:
        counts = dict(data.con.execute("SELECT offense_level, count(*) FROM arrests GROUP BY 1").fetchall())
        assert counts == {"felony": 1, "misdemeanor": 1, "other": 104}


def test_profile_guesses_the_table_from_the_header():
    assert guess_table(["Stop Date", "Race", "searched", "contraband"]) == "stops"
    assert guess_table(["incident_date", "force_type", "resistance", "officer"]) == "use_of_force"
    assert guess_table(["CallNumber", "TimeReceived", "TimeDispatched", "TimeCleared", "Unit"]) == "calls"
    assert guess_table(["ArrestNo", "ArrestDate", "ChargeDesc", "Race"]) == "arrests"
    assert guess_table(["Employee ID", "Hire Date", "Separation Date", "Race"]) == "personnel"


def test_profile_drafts_formats_with_offsets_and_common_labels(tmp_path):
    path = tmp_path / "stops.csv"
    path.write_text(
        "Stop Date,Race,Gender\n6/1/2020 21:00,Black or African American,M\n6/13/2020 09:30,Hispanic or Latino,F\n"
        "6/2/2020 21:00,White,F\n"
    )
    text, _ = profile(path)
    doc = tomllib.loads(text)
    assert doc["table"] == "stops"
    assert doc["columns"]["date"] == {"from": "Stop Date", "format": "%m/%d/%Y %H:%M"}
    assert doc["columns"]["time"] == {"from": "Stop Date", "format": "%m/%d/%Y %H:%M"}
    assert doc["columns"]["subject_race"]["values"] == {
        "Black or African American": "black", "Hispanic or Latino": "hispanic", "White": "white"}  # fmt: skip
    with load_stops(path, Mapping.from_dict(doc)) as data:  # the draft loads as it is
        assert data.validation.n_problem_cells == 0
        rows = data.con.execute("SELECT CAST(date AS VARCHAR), CAST(time AS VARCHAR) FROM stops").fetchall()
        assert rows[1] == ("2020-06-13", "09:30:00")


def test_profile_drafts_an_offset_format_and_asks_for_the_time_zone(tmp_path):
    path = tmp_path / "force.csv"
    path.write_text(
        'incident_date,force_type,resistance\n2020-06-01T22:10:00-04:00,"strike,takedown",active\n'
        "2020-06-02T08:00:00-04:00,strike,verbal\n"
    )
    text, _ = profile(path)
    doc = tomllib.loads(text)
    assert doc["table"] == "use_of_force" and doc["columns"]["date"]["format"] == "%Y-%m-%dT%H:%M:%S%z"
    assert "incident_date carry UTC offsets" in text
    doc["params"] = {"tz": "America/New_York"}
    with load_table(path, Mapping.from_dict(doc), table="use_of_force") as data:
        first = data.con.execute(
            "SELECT CAST(date AS VARCHAR), force_type FROM use_of_force ORDER BY _row"
        ).fetchone()
        assert first == ("2020-06-01", ["strike", "takedown"])  # 22:10 in New York, not 02:10 UTC next day


def test_profile_suggests_else_for_codes_it_cannot_guess(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("race\nW\nKlingon\n")
    text, _ = profile(path)
    assert "['Klingon']" in text and 'else = "other"' in text


@pytest.mark.parametrize(
    ("body", "rules", "says"),
    [
        ("Race,date\nW,2020-01-01\n", {"subject_race": "race", "date": "date"},
         "the file has 'Race'; correct the rule's from"),
        ("driver_race,date\nW,2020-01-01\n", {"subject_race": "drivers_race", "date": "date"},
         "the file has 'driver_race'"),
        ("a,,b\n1,2,3\n", {"date": "a"}, "column 2 has no name"),
        ("a,b,a\n1,2,3\n", {"date": "a"}, "'a' names columns 1 and 3"),
    ],
)  # fmt: skip
def test_a_file_problem_says_where_and_what_to_do(tmp_path, body, rules, says):
    path = tmp_path / "f.csv"
    path.write_text(body)
    with pytest.raises(InputError) as caught:
        load_stops(path, Mapping.from_dict({"columns": rules}))
    assert says in str(caught.value) and str(caught.value).startswith(str(path))


def test_a_mapping_for_another_table_says_which_table_to_set_when_loading(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("d\n2020-01-01\n")
    mapping = Mapping.from_dict({"table": "arrests", "columns": {"date": "d"}})
    with pytest.raises(InputError, match='use a mapping that starts table = "stops"'):
        load_table(path, mapping, table="stops")


def test_an_unknown_rule_key_names_the_keys_a_rule_takes():
    with pytest.raises(InputError, match="a rule takes contains, else, format, from, hash, missing, replace"):
        Mapping.from_dict({"columns": {"subject_race": {"from": "r", "default": "other"}}})
