"""The Spark reducer gives the DuckDB reducer's results (to 1e-9) for every analysis with a reduction step, on
the real Rhode Island and New Jersey files and on generated data: both for a raw file mapped in DuckDB and
reduced by Spark, and for the engine's standardized Parquet/CSV read by Spark alone.

One local SparkSession serves the whole module (starting the JVM is the slow part)."""

from __future__ import annotations

import math
import shutil
import subprocess

import pytest

pytest.importorskip("pyspark")
pytestmark = pytest.mark.spark

from continuum.analysis.analyses import (  # noqa: E402
    arrests,
    officer_benchmark,
    outcome_test,
    rates,
    staffing,
    use_of_force,
    veil_of_darkness,
)
from continuum.analysis.errors import InputError  # noqa: E402
from continuum.analysis.load import load_stops, load_table  # noqa: E402
from continuum.analysis.mapping import Mapping  # noqa: E402
from continuum.analysis.reduce import DuckDBReducer, Reduction  # noqa: E402
from continuum.analysis.synthetic import generate_stops  # noqa: E402
from continuum.analysis.synthetic_tables import (  # noqa: E402
    USE_OF_FORCE_MAPPING,
    generate_arrests,
    generate_calls,
    generate_use_of_force,
)

from .conftest import DATA, LAT, LNG, TZ  # noqa: E402

NJ = DATA / "nj_use_of_force_2020-10_2021-02.csv"
VEIL = {"lat": LAT, "lng": LNG, "tz": TZ}


def _java() -> bool:
    java = shutil.which("java")
    return bool(java) and subprocess.run([java, "-version"], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def spark():
    if not _java():
        pytest.skip("the Spark tests need Java 17+")
    from continuum.analysis.spark_data import session

    s = session("local[2]")
    s.conf.set("spark.sql.shuffle.partitions", "2")
    yield s
    s.stop()


def same(a, b, path: str = "") -> None:
    """Equal structure, equal text, numbers equal to a relative 1e-9 (sums may add in another order)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), f"{path}: keys {list(a)} != {list(b)}"
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list | tuple):
        assert isinstance(b, list | tuple) and len(a) == len(b), f"{path}: {a} != {b}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, int | float) and not isinstance(b, bool):
        assert (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (
            f"{path}: {a} != {b}"
        )
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def both(data, fn, **params):
    """The analysis on DuckDB, then the same loaded data handed to Spark: both results as dicts."""
    from continuum.analysis.spark_data import use_spark

    duck = fn(data, **params).to_dict()
    use_spark(data, spark=_session())
    try:
        sp = fn(data, **params).to_dict()
    finally:
        data.reducer = None
    return duck, sp


def _session():
    from continuum.analysis.spark_data import session

    return session("local[2]")


# --- real data: Rhode Island stops, New Jersey use of force ---


@pytest.fixture(scope="module")
def ri(spark, ri_path):
    data = load_stops(ri_path, "ri_state_police")
    yield data
    data.close()


@pytest.mark.parametrize(
    ("fn", "params"),
    [
        (rates, {}),
        (veil_of_darkness, VEIL),
        (veil_of_darkness, {**VEIL, "geography": "district", "dst": True}),
        (outcome_test, {"groups": "black,white", "min_searches": 10}),
    ],
    ids=["rates", "veil", "veil-district-dst", "outcome"],
)
def test_rhode_island_same_as_duckdb(ri, fn, params):
    """(The RI file has no officer ids: the officer benchmark runs on generated stops below.)"""
    duck, sp = both(ri, fn, **params)
    assert duck["n_used"] > 200
    same(duck, sp)


def test_new_jersey_use_of_force_same_as_duckdb(spark):
    with load_table(NJ, "nj_use_of_force", table="use_of_force", hash_key="k") as nj:
        duck, sp = both(nj, use_of_force, arrests=20000, calls=1_000_000)
    assert (
        duck["estimates"]["reports"] > 5000 and duck["estimates"]["subjects"] > duck["estimates"]["reports"]
    )
    same(duck, sp)


# --- generated data, including the engine's standardized Parquet and CSV read by Spark alone ---


@pytest.fixture(scope="module")
def stops(spark, tmp_path_factory):
    path = generate_stops(
        tmp_path_factory.mktemp("stops") / "stops.parquet", 60_000, districts=4, officers=40
    )
    data = load_stops(path)
    yield data
    data.close()


@pytest.mark.parametrize(
    ("fn", "params"),
    [
        (rates, {}),
        (veil_of_darkness, {**VEIL, "geography": "district", "interact_time_geography": True}),
        (outcome_test, {}),
        (officer_benchmark, {}),
    ],
    ids=["rates", "veil", "outcome", "officers"],
)
def test_generated_stops_same_as_duckdb(stops, fn, params):
    duck, sp = both(stops, fn, **params)
    same(duck, sp)


def test_generated_staffing_arrests_and_force_same_as_duckdb(spark, tmp_path):
    calls = load_table(generate_calls(tmp_path / "calls.parquet", 8_000), table="calls")
    with calls:
        duck, sp = both(calls, staffing)
    assert duck["n_excluded"]["reasons"]["duplicate unit row (same call, unit and dispatch time)"] > 0
    same(duck, sp)
    with load_table(generate_arrests(tmp_path / "arrests.parquet", 5_000), table="arrests") as arr:
        same(*both(arr, arrests, population=100_000))
    uof = generate_use_of_force(tmp_path / "uof.parquet", 3_000)
    mapping = Mapping.from_dict(USE_OF_FORCE_MAPPING)
    with load_table(uof, mapping, table="use_of_force", hash_key="k") as force:
        same(*both(force, use_of_force))


def _standardize(data, out, fmt: str) -> str:
    """The table as the platform stores it: standard columns, no row numbers."""
    data.con.execute(
        f"COPY (SELECT * EXCLUDE (_row) FROM {data.table} ORDER BY _row) TO '{out}' (FORMAT {fmt})"
    )
    return str(out)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_standardized_file_read_by_spark_alone(spark, ri, tmp_path, fmt):
    from continuum.analysis.spark_data import spark_table

    path = _standardize(ri, tmp_path / f"ri.{fmt}", fmt)
    sp_data = spark_table(path, "stops", spark=spark)
    assert sp_data.n_rows == ri.n_rows and sp_data.validation.n_problem_cells == 0
    for fn, params in (
        (rates, {}),
        (veil_of_darkness, VEIL),
        (outcome_test, {"groups": "black,white", "min_searches": 10}),
    ):
        duck, sp = fn(ri, **params).to_dict(), fn(sp_data, **params).to_dict()
        for key in ("estimates", "n_used", "n_excluded", "counts", "tables"):
            same(duck[key], sp[key], key)


def test_partitioned_parquet_and_lists_read_by_spark_alone(spark, tmp_path):
    """A directory of Parquet partitioned by month (the layout the README recommends), with list columns."""
    from continuum.analysis.spark_data import spark_table

    with load_table(NJ, "nj_use_of_force", table="use_of_force", hash_key="k") as nj:
        out = tmp_path / "uof"
        nj.con.execute(
            f"COPY (SELECT * EXCLUDE (_row), strftime(date, '%Y-%m') AS month FROM use_of_force) TO '{out}' "
            "(FORMAT parquet, PARTITION_BY (month))"
        )
        duck = use_of_force(nj, arrests=20000).to_dict()
        sp = use_of_force(spark_table(out, "use_of_force", spark=spark), arrests=20000).to_dict()
    for key in ("estimates", "n_used", "n_excluded", "counts", "tables"):
        same(duck[key], sp[key], key)


def test_standardized_csv_cells_that_do_not_convert_are_counted(spark, tmp_path):
    from continuum.analysis.spark_data import spark_table

    p = tmp_path / "s.csv"
    p.write_text(
        "date,time,subject_race,search_conducted\n2020-01-01,10:00:00,white,true\nsoon,25:99,black,maybe\n"
    )
    data = spark_table(p, "stops", spark=spark)
    assert data.validation.unmapped_values() == {
        "date": {"soon": 1},
        "search_conducted": {"maybe": 1},
        "time": {"25:99": 1},
    }
    assert rates(data).n_used == 2


def test_spark_errors_are_clear(spark, tmp_path):
    from continuum.analysis.spark_data import spark_table
    from continuum.analysis.spark_reduce import SparkReducer

    p = tmp_path / "other.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="no column matches the standard stops schema"):
        spark_table(p, "stops", spark=spark)
    with pytest.raises(InputError, match="Spark cannot read it"):
        spark_table(tmp_path / "missing.parquet", "stops", spark=spark)
    red = SparkReducer(spark.range(3), "stops")
    with pytest.raises(InputError, match="holds table 'stops', not 'calls'"):
        red.reduce("calls", Reduction(keys={}, sums={}))


def test_reduced_tables_equal_row_for_row(ri):
    """Below the analyses: the grouped table itself, with lookups, derived columns, explode and collapse."""
    from continuum.analysis.spark_data import use_spark

    spec = Reduction(
        keys={"weekday": "dayofweek(date)", "hour": "hour(time)", "race": "subject_race"},
        sums={"searched": "CAST(search_conducted AS INTEGER)", "minute": "minute(time) / 60.0"},
        exclusions=[("no date", "date IS NULL"), ("no time", "time IS NULL")],
        derived={"d2": "date"},
        explode=("k", "range(1, 3)"),
    )
    duck = DuckDBReducer(ri.con).reduce("stops", spec)
    spark_red = use_spark(ri, spark=_session()).reducer
    ri.reducer = None
    sp = spark_red.reduce("stops", spec)
    assert duck.excluded == sp.excluded and duck.n_used == sp.n_used == 2 * (
        ri.n_rows - sum(duck.excluded.values())
    )
    assert list(duck.table.columns) == list(sp.table.columns)
    same(duck.table.to_dict("list"), sp.table.to_dict("list"))
    assert spark_red.extent("stops", "date") == DuckDBReducer(ri.con).extent("stops", "date")


def test_cli_engine_spark_writes_the_duckdb_result(spark, ri_path, tmp_path):
    import json

    from typer.testing import CliRunner

    from continuum.cli import app

    args = ["analyze", "veil-of-darkness", str(ri_path), "--mapping", "ri_state_police"]
    args += [f"--param={k}={v}" for k, v in VEIL.items()]
    runner = CliRunner()
    duck = runner.invoke(app, [*args, "--out", str(tmp_path / "duck")])
    sp = runner.invoke(
        app, [*args, "--engine", "spark", "--master", "local[2]", "--out", str(tmp_path / "sp")]
    )
    assert duck.exit_code == 0 and sp.exit_code == 0, sp.output
    same(*(json.loads((tmp_path / d / "result.json").read_text()) for d in ("duck", "sp")))
    bad = runner.invoke(app, [*args, "--engine", "spork", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "unknown engine 'spork'; choose duckdb or spark" in bad.output
    bad = runner.invoke(app, [*args, "--master", "local[2]", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "--master and --stage go with --engine spark" in bad.output
