"""The engine's loader for tables it has no schema for (keep and hash lists), which the platform calls rather
than reading files itself (issue 18, item 7)."""

from __future__ import annotations

import duckdb
import pytest

from continuum.analysis.errors import InputError
from continuum.analysis.kept import kept_columns, write_kept
from continuum.analysis.load import hash_officer_id

BODY = "\ufeffcase,district,badge,victim_name\n1,North,B7,Jane Doe\n2,,B7,John Roe\n3,South,,\n"


def test_kept_columns_are_written_officers_hashed_and_the_rest_dropped(tmp_path):
    raw, out = tmp_path / "other.csv", tmp_path / "out.parquet"
    raw.write_text(BODY, encoding="utf-8")
    summary, n = write_kept(raw, kept_columns({"keep": ["case", "district"], "hash": ["badge"]}), "key", out)
    rows = duckdb.sql(f"SELECT * FROM '{out}' ORDER BY \"case\"").fetchall()
    assert n == 3 and [r[:2] for r in rows] == [("1", "North"), ("2", None), ("3", "South")]
    assert [r[2] for r in rows] == [hash_officer_id("B7", b"key")] * 2 + [None]
    assert duckdb.sql(f"DESCRIBE SELECT * FROM '{out}'").fetchall()[2][0] == "badge_hash"
    assert summary["dropped_columns"] == ["victim_name"]
    assert {c["column"]: (c["blank"], c["distinct"]) for c in summary["columns"]} == {
        "case": (0, 3), "district": (1, 2)}  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "message", "column"),
    [
        ({"keep": ["nope", "none"]}, "maps nothing", None),
        ({"keep": ["case", "nope"]}, "not in the file: nope; the file has case, district", "nope"),
    ],
)
def test_columns_not_in_the_file_are_named_with_the_files_own(tmp_path, spec, message, column):
    raw = tmp_path / "other.csv"
    raw.write_text(BODY, encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught:
        write_kept(raw, kept_columns(spec), "key", tmp_path / "o.parquet")
    assert caught.value.file == str(raw) and caught.value.column == column


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"keep": "case"}, "keep must be a list of column names"),
        ({"keep": [], "hash": []}, "keeps no column"),
        ({"keep": ["a"], "columns": {}}, "unknown keys"),
        ({"hash": [1]}, "hash must be a list"),
    ],
)
def test_a_malformed_spec_says_what_is_expected(doc, message):
    with pytest.raises(InputError, match=message):
        kept_columns(doc)


def test_a_draft_hashes_officers_drops_civilians_and_reads_back():
    from continuum.analysis.kept import draft_kept
    from continuum.analysis.mapping import parse_toml

    text = draft_kept(["case", "Officer Badge", "victim_name", 'odd "quoted" name', "district"])
    spec = kept_columns(parse_toml(text))
    assert spec.keep == ("case", "district") and spec.hash == ("Officer Badge",)
    assert "Dropped as civilian personal identifiers: victim_name" in text
