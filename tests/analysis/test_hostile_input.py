"""Hostile input to the engine: random and malicious mapping TOML and CSV bytes. Whatever arrives, the engine
answers with a StopData whose report accounts for every bad cell, or with an InputError that says where and why
in one bounded line; never another exception.

Hypothesis runs a fixed, bounded set of examples (derandomized), so CI sees the same cases every run."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import string
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from continuum.analysis.errors import MAX_REASON, InputError
from continuum.analysis.load import load_stops
from continuum.analysis.mapping import RULE_KEYS, Mapping, parse_toml
from continuum.analysis.profile import profile
from continuum.analysis.schema import BY_NAME

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
HEADER = [
    "subject_race",
    "date",
    "time",
    "subject_age",
    "arrest_made",
    "location",
    "officer_id",
    "search_type",
]
ROWS = [
    ["White", "2020-01-31", "13:45", "34", "yes", '=HYPERLINK("http://x")', "A1", "Consent,Probable Cause"],
    ["B", "31/01/2020", "25:99", "old", "maybe", "+1-555-0100", "", "K9"],
]
HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "\x00",
            "=cmd|' /C calc'!A0",
            "@SUM(A1:A9)",
            "-2+3",
            "\t\r\n",
            "../../etc/passwd",
            "'; DROP TABLE stops; --",
            '"',
            "%Q%Y%",
            "\u202e\ufeff",
            "x" * 20_000,
        ]
    ),
)
SCALARS = st.one_of(
    HOSTILE_TEXT,
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.times(),
    st.datetimes(),
)
TOML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4),
    max_leaves=12,
)


def _write_csv(folder: Path) -> Path:
    path = folder / "stops.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in [HEADER, *ROWS]) + "\n")
    return path


@pytest.fixture(scope="module")
def csv_path(tmp_path_factory) -> Path:
    return _write_csv(tmp_path_factory.mktemp("hostile"))


def _assert_clear(error: InputError) -> None:
    line = error.one_line()
    assert line.strip() and "\n" not in line
    assert len(line) <= MAX_REASON + 300  # where (file, row, column) plus a bounded reason


def _load_or_clear_error(path: Path, mapping: Mapping | None) -> None:
    """The property: a StopData whose report lists only rows of the file, or a clear InputError."""
    try:
        with load_stops(path, mapping, hash_key="k") as data:
            for issue in data.validation.issues:
                assert issue.count >= 1
                assert all(1 <= row <= data.n_rows for row in issue.example_rows)
            assert data.con.execute(f"SELECT count(*) FROM {data.table}").fetchone()[0] == data.n_rows
    except InputError as error:
        _assert_clear(error)


# --- the mapping loader ---------------------------------------------------------------------------------


@BOUNDED
@given(raw=st.binary(max_size=300) | st.text(alphabet=string.printable + "[]{}=\"'.#\x00é", max_size=300))
def test_random_toml_text_is_a_mapping_or_an_input_error(raw):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.toml"
        path.write_bytes(raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass"))
        try:
            Mapping.from_toml(path)
        except InputError as error:
            _assert_clear(error)
            assert error.file == str(path)


STANDARD_VALUES = st.sampled_from(
    [
        "white",
        "black",
        "",
        "male",
        "vehicular",
        True,
        False,
        0,
        1.5,
        "80",
        "2020-01-31",
        "13:45",
        "2020-01-31 13:45",
        "2020-13-45",
        "25:99",
        "2020-02-30T24:00",
    ]
)
PLAUSIBLE_RULES = st.fixed_dictionaries(
    {"from": st.sampled_from(HEADER)},
    optional={
        "values": st.dictionaries(HOSTILE_TEXT, STANDARD_VALUES | SCALARS, max_size=4),
        "format": st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%H:%M", "%-d.%-m.%y %I%p", "%Q", "%", "", 5]),
        "split": st.sampled_from([",", ";", " ", "", "'", "%"]),
        "contains": st.lists(HOSTILE_TEXT, max_size=3),
        "missing": STANDARD_VALUES | SCALARS,
        "hash": st.booleans(),
        "replace": st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=3),
    },
)
WELL_FORMED_RULES = st.fixed_dictionaries(
    {"from": st.sampled_from(HEADER)},
    optional={
        "values": st.dictionaries(HOSTILE_TEXT, STANDARD_VALUES, max_size=2),
        "format": st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%H:%M", "%-d.%-m.%y %I%p"]),
        "split": st.sampled_from([",", ";", " ", "'", "%", "\\"]),
        "missing": STANDARD_VALUES,
        "replace": st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=2),
    },
)
RULES = st.one_of(
    st.sampled_from(HEADER),
    PLAUSIBLE_RULES,
    PLAUSIBLE_RULES,
    TOML_VALUES,
    st.dictionaries(st.sampled_from(sorted(RULE_KEYS)) | HOSTILE_TEXT, TOML_VALUES, max_size=5),
)
WELL_FORMED_DOCS = st.fixed_dictionaries(
    {"columns": st.dictionaries(st.sampled_from(sorted(BY_NAME)), WELL_FORMED_RULES, min_size=1, max_size=2)}
)
HOSTILE_DOCS = st.fixed_dictionaries(
    {
        "columns": st.dictionaries(
            st.sampled_from(sorted(BY_NAME)) | HOSTILE_TEXT, RULES, min_size=1, max_size=4
        )
    },
    optional={
        "table": st.sampled_from(["stops", "stops", "use_of_force", "nope"]) | TOML_VALUES,
        "params": st.dictionaries(HOSTILE_TEXT, TOML_VALUES, max_size=3) | TOML_VALUES,
        "source": st.fixed_dictionaries(
            {},
            optional={
                "delimiter": st.sampled_from([",", ";", "|", "\t", '"', ",,", 5]),
                "encoding": st.sampled_from(["utf-8", "latin-1", "utf-16", "klingon", 5]),
                "sheet": SCALARS,
            },
        )
        | TOML_VALUES,
        "unexpected": TOML_VALUES,
    },
)


@BOUNDED
@given(doc=HOSTILE_DOCS | WELL_FORMED_DOCS)
def test_hostile_mapping_documents_never_crash_the_loader(doc, csv_path):
    """Wrong types, unknown keys, huge strings, values outside the vocabulary: refused by from_dict with the
    column named, or, when accepted, applied to a real file without any exception but InputError."""
    try:
        mapping = Mapping.from_dict(doc)
    except InputError as error:
        _assert_clear(error)
        event("refused")
        return
    event("accepted")
    _load_or_clear_error(csv_path, mapping)


@pytest.mark.parametrize(
    ("doc", "match", "column"),
    [
        ({"columns": {"subject_race": {"from": "r", "values": "white"}}}, "values must be a table", "subject_race"),
        ({"columns": {"subject_race": {"from": "r", "values": {"W": "red"}}}}, "not in the vocabulary", "subject_race"),
        ({"columns": {"subject_age": {"from": "a", "values": {"old": [1]}}}}, "must be a number", "subject_age"),
        ({"columns": {"date": {"from": "d", "values": {"x": "zzz"}}}}, "must be a date", "date"),
        ({"columns": {"date": {"from": "d", "missing": "2020-13-45"}}}, "must be a date", "date"),
        ({"columns": {"time": {"from": "t", "values": {"x": "25:99"}}}}, "must be a time", "time"),
        ({"columns": {"date": {"from": "d", "format": "%Q"}}}, "not a date/time code", "date"),
        ({"columns": {"date": {"from": "d", "format": 3}}}, "format must be non-empty text", "date"),
        ({"columns": {"arrest_made": {"from": "a", "missing": "no"}}}, "true or false", "arrest_made"),
        ({"columns": {"subject_race": {"from": "r", "split": 3}}}, "split must be", "subject_race"),
        ({"columns": {"frisk_performed": {"from": "s", "contains": 5}}}, "contains must be", "frisk_performed"),
        ({"columns": {"subject_race": {"from": "r", "replace": ["a"]}}}, "replace must be", "subject_race"),
        ({"columns": {"subject_race": {"from": {"a": 1}}}}, "from must be non-empty text", "subject_race"),
        ({"columns": {"subject_race": "r"}, "params": "x"}, r"\[params\] must be a table", None),
        ({"columns": {"subject_race": "r"}, "source": {"encoding": "klingon"}}, "encoding must be one of", None),
        ({"columns": {"subject_race": "r"}, "source": {"delimiter": ";;"}}, "delimiter must be one character", None),
        ({"columns": {"subject_race": "r"}, "table": ["stops"]}, "table must be the name", None),
        ({"columns": {"subject_race": "r"}, "colums": {}}, "unknown keys", None),
    ],
)  # fmt: skip
def test_each_wrong_mapping_gets_its_own_reason(doc, match, column):
    with pytest.raises(InputError, match=match) as info:
        Mapping.from_dict(doc)
    assert info.value.column == column


@pytest.mark.parametrize(
    "text",
    [
        "columns = " + "[" * 5000 + "]" * 5000,
        "[columns]\nsubject_race = " + "{ a = " * 5000 + "1" + " }" * 5000,
        "[" + ".".join(["columns"] * 20000) + "]\nx = 1",
    ],
    ids=["nested arrays", "nested inline tables", "deep dotted table"],
)
def test_deeply_nested_toml_is_an_input_error(text, tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        Mapping.from_toml(path)
    _assert_clear(info.value)
    with pytest.raises(InputError, match=r"not valid TOML|nest more than 32 deep|not a standard|rule needs"):
        Mapping.from_dict(parse_toml(text))


@pytest.mark.parametrize(
    "text, where",
    [
        ("[columns]\ndate = 'd'\nx = " + "[" * 33 + "]" * 33, "line 3, column 37"),
        ("[columns]\nsubject_race = " + "{ a = " * 40 + "1" + " }" * 40, "line 2, column 208"),
    ],
)
def test_nesting_past_the_limit_is_refused_before_parsing_and_says_where(text, where):
    """tomllib recurses once per level: the scan refuses first, so the parser never nears the recursion limit."""
    with pytest.raises(InputError, match=rf"nest more than 32 deep \(at {where}\)$"):
        parse_toml(text)


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * 32 + "]" * 32,
        'x = "' + "[" * 40 + '"',
        "x = '" + "{" * 40 + "'",
        'x = "\\"' + "[" * 40 + '"',
        'x = """\n' + "[" * 40 + '\n"""',
        "x = '''\n" + "{" * 40 + "\n'''",
        "# " + "[" * 40 + "\nx = 1",
    ],
    ids=[
        "at the limit",
        "basic string",
        "literal string",
        "escaped quote",
        "multi-line",
        "multi-line literal",
        "comment",
    ],
)
def test_brackets_in_strings_and_comments_or_at_the_limit_parse(text):
    assert parse_toml(text) == tomllib.loads(text)


def test_native_toml_dates_and_numeric_text_become_standard_values(tmp_path):
    """What the checks accept is what the loader can cast: TOML dates and times, numbers written as text."""
    mapping = Mapping.from_dict(
        {
            "columns": {
                "date": {"from": "d", "values": {"x": dt.date(2020, 1, 2)}, "missing": "2020-01-01"},
                "time": {"from": "t", "values": {"noon": dt.time(12, 0)}},
                "subject_age": {"from": "a", "values": {"old": "80"}},
            }
        }
    )
    path = tmp_path / "s.csv"
    path.write_text("d,t,a\nx,noon,old\n,13:00,5\n")
    with load_stops(path, mapping) as data:
        rows = data.con.execute("SELECT date, time, subject_age FROM stops ORDER BY _row").fetchall()
    assert rows == [
        (dt.date(2020, 1, 2), dt.time(12, 0), 80.0),
        (dt.date(2020, 1, 1), dt.time(13, 0), 5.0),
    ]


# --- CSV ingestion --------------------------------------------------------------------------------------

CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["=1+1", "+SUM(A1)", "-3", "@x", "\x00", "\x01\x1b[31m", '"', 'a"b', "a\nb", "\r", "é", "x" * 70_000]
    ),
)
ENCODERS = st.sampled_from(
    [
        lambda s: s.encode("utf-8", "surrogatepass"),
        lambda s: codecs.BOM_UTF8 + s.encode("utf-8", "surrogatepass"),
        lambda s: s.encode("latin-1", "replace"),
        lambda s: codecs.BOM_UTF16_LE + s.encode("utf-16-le", "surrogatepass"),
        lambda s: s.encode("utf-8", "surrogatepass")[: max(1, len(s) // 2)],  # cut mid-character or mid-row
        lambda s: s.replace("\n", "\r").encode("utf-8", "surrogatepass"),
    ]
)


@st.composite
def csv_bytes(draw) -> bytes:
    header = draw(st.lists(st.sampled_from(HEADER) | st.text(max_size=8), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=8), max_size=6))  # ragged on purpose
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))

    def line(cells: list[str]) -> str:
        return sep.join(draw(st.sampled_from([c, '"' + c.replace('"', '""') + '"'])) for c in cells)

    return draw(ENCODERS)("\n".join(line(cells) for cells in [header, *rows]) + "\n")


MAGIC = st.sampled_from([b"", b"PK\x03\x04", b"PAR1", b"\xef\xbb\xbf", b"\xff\xfe"])


@BOUNDED
@given(
    content=csv_bytes() | st.builds(bytes.__add__, MAGIC, st.binary(max_size=400)),
    suffix=st.sampled_from([".csv", ".csv", ".txt", ".xlsx", ".parquet"]),
)
def test_hostile_files_load_with_a_report_or_an_input_error(content, suffix):
    """Whatever the bytes and whatever the name says (CSV, Excel, Parquet), the loader and the profiler answer."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        _load_or_clear_error(path, None)
        try:
            profile(path)
        except InputError as error:
            _assert_clear(error)


@pytest.mark.parametrize(
    ("content", "match", "row"),
    [
        (codecs.BOM_UTF16_LE + b"s\x00u\x00b", "header is not utf-16 text", 1),
        (b"subject_race,date\n" + b"w" * 2_100_000 + b",x\n", "Maximum line size", 2),
        (b"subject_race,date\nwhite\n", "Expected Number of Columns", 2),
        (b"PAR1 not parquet", "not a readable Parquet file", None),
        (b"subject_race,subject_race\nwhite,white\n", "blank or duplicate column names", 1),
    ],
    ids=["odd utf-16", "huge cell", "ragged row", "fake parquet", "duplicate header"],
)
def test_unreadable_csv_names_file_and_row(content, match, row, tmp_path):
    path = tmp_path / "upload.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=match) as info:
        load_stops(path)
    assert (info.value.file, info.value.row) == (str(path), row)
    _assert_clear(info.value)
    assert "(Set By User)" not in str(info.value)  # DuckDB's reader settings are not the reason


def test_the_profiler_refuses_a_fake_parquet_file_clearly(tmp_path):
    path = tmp_path / "upload.csv"
    path.write_bytes(b"PAR1 not parquet")
    with pytest.raises(InputError, match="not a readable Parquet file"):
        profile(path)


def test_bad_cells_are_reported_and_formulas_kept_as_text(tmp_path):
    """Invalid UTF-8, NULs and control characters are cells the report names by row; a formula is only text."""
    path = tmp_path / "s.csv"
    path.write_bytes(
        b"subject_race,location,date\n"
        b"white,=cmd|' /C calc'!A0,2020-01-01\n"
        b"wh\x00ite,@SUM(A1),2020-01-02\n"
        b"\xff\xfe,\x01\x1b,2020-13-45\n"
    )
    with load_stops(path) as data:
        rows = data.con.execute("SELECT location FROM stops ORDER BY _row").fetchall()
        problems = {(i.column, i.example_rows) for i in data.validation.issues}
    assert rows[0] == ("=cmd|' /C calc'!A0",) and rows[1] == ("@SUM(A1)",)
    assert ("subject_race", (2,)) in problems and ("date", (3,)) in problems
    assert any(column == "subject_race" and 3 in example for column, example in problems)


def test_old_mac_line_endings_load(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"subject_race,date\rwhite,2020-01-31\rblack,2020-02-01\r")
    with load_stops(path) as data:
        assert data.n_rows == 2 and data.validation.issues == []


def test_the_problems_file_defuses_formulas(tmp_path):
    """The CLI's problems CSV is opened in a spreadsheet; values from the agency's file that a spreadsheet would
    run get a leading apostrophe."""
    import csv

    from continuum.analysis.load import write_problems

    path = tmp_path / "s.csv"
    path.write_text('subject_race,location\n"=HYPERLINK(""http://x"")",a\n+1,b\n@SUM(A1),c\n-3,d\nplain,e\n')
    out = tmp_path / "problems.csv"
    with load_stops(path) as data:
        assert write_problems(data, out) == 5
    values = [row["value"] for row in csv.DictReader(out.open())]
    assert values == ['\'=HYPERLINK("http://x")', "'+1", "'@SUM(A1)", "'-3", "plain"]


# --- dates with offsets, NA, mixed formats and oversized value maps (issue 18) ---------------------------

DATE_CELLS = st.sampled_from(
    ["2020-06-01", "6/1/2020", "6/1/2020 21:00", "2020-06-01T21:00:00-04:00", "2020-06-01 21:00:00Z",
     "2020-06-01T21:00:00+05:30", "2020-06-01 21:00:00-0400", "31/12/2020", "2020-13-45", "21:00-04:00",
     "NA", "N/A", "NULL", "#N/A", "", " "]
) | HOSTILE_TEXT  # fmt: skip
RACE_CELLS = st.sampled_from(["White", "Black or African American", "Hispanic or Latino", "W", "NA", ""])
DATE_FORMATS = st.sampled_from(
    [None, "%Y-%m-%d", "%m/%d/%Y", "%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z"]
)
RACE_VALUES = st.sampled_from(["white", "black", "hispanic", "other", "unknown", ""])


@BOUNDED
@given(
    rows=st.lists(st.tuples(DATE_CELLS, DATE_CELLS, RACE_CELLS), min_size=1, max_size=8),
    date_format=DATE_FORMATS,
    tz=st.sampled_from([None, "America/New_York", "Asia/Kolkata"]),
    values=st.dictionaries(HOSTILE_TEXT | RACE_CELLS, RACE_VALUES, max_size=3)
    | st.dictionaries(st.text(min_size=1, max_size=12), RACE_VALUES, min_size=200, max_size=600),
    default=st.none() | RACE_VALUES,
)
def test_offsets_na_mixed_formats_and_huge_value_maps_load_or_say_where(
    rows, date_format, tz, values, default
):
    """A column of mixed date formats, UTC offsets (with and without a declared zone), missing markers, and a
    value map of hundreds of codes with or without `else`: a report, or one clear error naming the place."""
    race = {"from": "race", "values": values, **({} if default is None else {"else": default})}
    doc = {
        "columns": {
            "date": {"from": "when", **({"format": date_format} if date_format else {})},
            "time": {"from": "clock"},
            "subject_race": race,
        },
        **({"params": {"tz": tz}} if tz else {}),
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stops.csv"
        with path.open("w", newline="", encoding="utf-8", errors="surrogatepass") as f:
            writer = csv.writer(f)
            writer.writerow(["when", "clock", "race"])
            writer.writerows(rows)
        try:
            mapping = Mapping.from_dict(doc)
        except InputError as error:
            _assert_clear(error)
            return
        try:
            with load_stops(path, mapping, hash_key="k") as data:
                assert data.con.execute("SELECT count(*) FROM stops").fetchone()[0] == data.n_rows
                if default is not None:
                    assert "subject_race" not in data.validation.unmapped_values()
        except InputError as error:
            _assert_clear(error)
            if "UTC offset" in error.reason:  # the place and what to do
                assert error.file and error.row and error.column in ("when", "clock") and "tz" in error.reason
