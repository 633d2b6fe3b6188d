"""The CLI for the second set of analyses: use of force on the New Jersey file, staffing on generated CAD rows,
and a mapping written for another table refused with a one-line reason."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from continuum.analysis.synthetic_tables import generate_calls
from continuum.cli import app

from .conftest import DATA

runner = CliRunner()
NJ = DATA / "nj_use_of_force_2020-10_2021-02.csv"


def test_use_of_force_from_cli(tmp_path):
    res = runner.invoke(
        app,
        ["analyze", "use-of-force", str(NJ), "--mapping", "nj_use_of_force", "--param", "arrests=20000",
         "--out", str(tmp_path)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads((tmp_path / "result.json").read_text())
    assert out["estimates"]["reports"] == 5513
    assert out["estimates"]["rates"]["per_1000_arrests"]["rate"] == 5513 / 20
    assert out["params"]["mapping"] == "nj_use_of_force"
    assert "<svg" in (tmp_path / "report.html").read_text()


def test_staffing_from_cli_on_generated_calls(tmp_path):
    calls = generate_calls(tmp_path / "calls.parquet", 20_000)
    res = runner.invoke(
        app, ["analyze", "staffing", str(calls), "--param", "target=0.5", "--out", str(tmp_path / "o")]
    )
    assert res.exit_code == 0, res.output
    out = json.loads((tmp_path / "o" / "result.json").read_text())
    e = out["estimates"]
    assert e["proactive_target"] == 0.5
    assert set(e["shifts"]) == {"06:00", "14:00", "22:00"}
    assert out["n_excluded"]["reasons"]["duplicate unit row (same call, unit and dispatch time)"] > 0
    assert e["data_problems"]["cleared_missing_imputed"] > 0


def test_mapping_for_another_table_is_refused(tmp_path):
    res = runner.invoke(
        app, ["analyze", "staffing", str(NJ), "--mapping", "nj_use_of_force", "--out", str(tmp_path)]
    )
    assert res.exit_code == 2
    assert "is for 'use_of_force' data, not 'calls'" in res.output
