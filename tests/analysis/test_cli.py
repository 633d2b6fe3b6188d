"""The CLI, driven through typer's CliRunner, on the Rhode Island file and on generated data."""

from __future__ import annotations

import json
import tomllib

import pytest
from typer.testing import CliRunner

from continuum.analysis.synthetic import generate_stops
from continuum.cli import app

runner = CliRunner()
REQUIRED = {"analysis", "estimates", "n_used", "n_excluded", "params", "input_sha256", "engine_version"}


def run(*args: str):
    return runner.invoke(app, list(args))


def test_veil_of_darkness_on_ri_file(ri_path, tmp_path):
    res = run(
        "analyze",
        "veil-of-darkness",
        str(ri_path),
        "--mapping",
        "ri_state_police",
        "--param",
        "lat=41.70",
        "--param",
        "lng=-71.50",
        "--param",
        "tz=America/New_York",
        "--out",
        str(tmp_path),
    )
    assert res.exit_code == 0, res.output
    out = json.loads((tmp_path / "result.json").read_text())
    assert set(out) >= REQUIRED
    assert set(out["estimates"]["is_dark"]) >= {"coef", "se", "ci95", "odds_ratio"}
    assert out["n_used"] + out["n_excluded"]["total"] == 27917
    import hashlib

    assert out["input_sha256"] == hashlib.sha256(ri_path.read_bytes()).hexdigest()
    html = (tmp_path / "report.html").read_text()
    assert '<html lang="en">' in html and "<title>" in html
    assert "<svg" in html and 'role="img"' in html and "<figcaption>" in html and "<table>" in html


@pytest.mark.parametrize(
    ("analysis", "params"),
    [
        ("rates", []),
        # OPP's default (50 searches per group in 3 districts) leaves no RI district: relaxed here
        ("outcome-test", ["--param", "groups=black,white", "--param", "min_searches=10"]),
        (
            "threshold-test",
            [
                "--param",
                "groups=black,white",
                "--param",
                "min_searches=10",
                "--param",
                "draws=150",
                "--param",
                "warmup=150",
                "--param",
                "chains=1",
            ],
        ),
    ],
)
def test_other_analyses_on_ri_file(ri_path, tmp_path, analysis, params):
    res = run(
        "analyze", analysis, str(ri_path), "--mapping", "ri_state_police", "--out", str(tmp_path), *params
    )
    assert res.exit_code == 0, res.output
    out = json.loads((tmp_path / "result.json").read_text())
    assert out["analysis"] == analysis
    assert out["n_used"] + out["n_excluded"]["total"] == 27917


def test_all_analyses_on_generated_data(tmp_path):
    path = generate_stops(tmp_path / "gen.parquet", 20000, officers=40)
    for analysis, params in [
        ("rates", []),
        (
            "veil-of-darkness",
            ["--param", "lat=41.7", "--param", "lng=-71.5", "--param", "tz=America/New_York"],
        ),
        ("outcome-test", ["--param", "min_searches=5"]),
        ("officer-benchmark", ["--param", "match=district"]),
        (
            "threshold-test",
            [
                "--param",
                "min_searches=5",
                "--param",
                "draws=100",
                "--param",
                "warmup=100",
                "--param",
                "chains=1",
            ],
        ),
    ]:
        res = run("analyze", analysis, str(path), "--out", str(tmp_path / analysis), *params)
        assert res.exit_code == 0, (analysis, res.output)
        out = json.loads((tmp_path / analysis / "result.json").read_text())
        assert out["n_used"] > 0
        assert out["n_used"] + out["n_excluded"]["total"] == 20000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "rates", "/no/such.csv", "--out", "OUT"], "file not found"),
        (["analyze", "nonsense", "RI", "--out", "OUT"], "unknown analysis"),
        (
            [
                "analyze",
                "rates",
                "RI",
                "--mapping",
                "ri_state_police",
                "--param",
                "colour=blue",
                "--out",
                "OUT",
            ],
            "unknown parameter",
        ),
        (
            ["analyze", "officer-benchmark", "RI", "--mapping", "ri_state_police", "--out", "OUT"],
            "officer_id_hash",
        ),
        (["analyze", "rates", "RI", "--out", "OUT"], "the mapping does not provide"),
        (
            ["analyze", "threshold-test", "RI", "--mapping", "ri_state_police", "--out", "OUT"],
            "no data meets OPP's eligibility",
        ),
    ],
)
def test_bad_input_exits_non_zero_with_one_line(ri_path, tmp_path, args, message):
    args = [str(ri_path) if a == "RI" else str(tmp_path / "o") if a == "OUT" else a for a in args]
    res = run(*args)
    assert res.exit_code != 0
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and message in lines[0], res.output
    assert not (tmp_path / "o" / "result.json").exists()


def test_profile_drafts_a_mapping_that_loads(ri_path, tmp_path):
    draft = tmp_path / "draft.toml"
    res = run("data", "profile", str(ri_path), "--out", str(draft))
    assert res.exit_code == 0, res.output
    doc = tomllib.loads(draft.read_text())
    assert doc["columns"]["subject_race"]["from"] == "driver_race"
    assert doc["columns"]["subject_race"]["values"]["Black"] == "black"
    assert doc["columns"]["date"]["format"] == "%Y-%m-%d"
    res = run("data", "validate", str(ri_path), "--mapping", str(draft), "--json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    # the draft leaves search_type codes it cannot guess unmapped, and they are counted and listed
    values = {i["value"] for i in report["issues"] if i["column"] == "search_basis"}
    assert "Inventory" in values


def test_validate_writes_every_problem(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("subject_race,date\nwhite,2020-01-01\npurple,2020-02-30\n")
    res = run("data", "validate", str(path), "--problems", str(tmp_path / "p.csv"))
    assert res.exit_code == 0, res.output
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert lines[0] == "row,column,source_column,value,reason"
    assert len(lines) == 3 and all(ln.startswith("2,") for ln in lines[1:])


def test_rates_with_benchmark_population(ri_path, tmp_path):
    pop = tmp_path / "pop.csv"
    pop.write_text("subject_race,population\nwhite,800000\nblack,60000\n")
    res = run(
        "analyze",
        "rates",
        str(ri_path),
        "--mapping",
        "ri_state_police",
        "--benchmark",
        str(pop),
        "--out",
        str(tmp_path / "o"),
    )
    assert res.exit_code == 0, res.output
    out = json.loads((tmp_path / "o" / "result.json").read_text())
    black = out["estimates"]["black"]
    assert black["stop_rate"]["per_1000"] == 1000 * black["stops"] / 60000
    assert out["params"]["benchmark"] == {"white": 800000.0, "black": 60000.0}
    assert "stops per 1,000" in (tmp_path / "o" / "report.html").read_text()


def test_analyze_help_points_to_the_methods_pages():
    result = run("analyze", "--help")
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # the terminal's width wraps lines anywhere
    assert "continuum methods ANALYSIS" in text and "docs/methods" in text


def test_methods_prints_an_analysis_page_and_lists_them_all():
    from continuum.analysis.analyses import ANALYSES

    page = run("methods", "staffing")
    assert page.exit_code == 0, page.output
    assert "Wilson & Weiss" in page.output and "Service times assumed" in page.output
    listing = run("methods")
    assert listing.exit_code == 0
    lines = listing.output.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == list(ANALYSES)
    assert any(line.startswith("veil-of-darkness:") and line.endswith("veil.md") for line in lines)
    unknown = run("methods", "nope")
    assert unknown.exit_code == 2 and "unknown analysis" in unknown.output
