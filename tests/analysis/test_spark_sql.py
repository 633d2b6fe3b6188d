"""The DuckDB-to-Spark translation of reduction expressions, where the two engines' functions differ (no JVM:
the Spark results themselves are checked in test_spark.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlglot")
pytestmark = pytest.mark.spark

from continuum.analysis.errors import InputError  # noqa: E402
from continuum.analysis.spark_sql import spark_sql  # noqa: E402


@pytest.mark.parametrize(
    ("duck", "spark"),
    [
        ("dayofweek(date)", "(DAYOFWEEK(date) - 1)"),  # DuckDB: Sunday = 0
        ("subject_race[_i]", "TRY_ELEMENT_AT(subject_race, _i)"),  # 1-based, NULL out of range
        ("hour(time)", "EXTRACT(HOUR FROM time)"),  # Spark's hour() refuses TIME
        ("epoch(t)", "(UNIX_MICROS(CAST(t AS TIMESTAMP)) / CAST(1000000 AS DOUBLE))"),  # fractional seconds
        ("to_hours(k)", "MAKE_DT_INTERVAL(0, k)"),
        ("x / 60.0", "x / CAST(60.0 AS DOUBLE)"),  # DOUBLE, not Spark's DECIMAL arithmetic
        ("array_length(l)", "SIZE(l)"),
        ("\"odd name\" = 'it''s'", "`odd name` = 'it\\'s'"),
        (
            "hour(t0 + to_hours(dayofweek(d)))",
            "EXTRACT(HOUR FROM t0 + MAKE_DT_INTERVAL(0, (DAYOFWEEK(d) - 1)))",
        ),
    ],
)
def test_translation(duck, spark):
    assert spark_sql(duck) == spark


def test_untranslatable_expression_is_a_clear_error():
    with pytest.raises(InputError, match="cannot translate expression for Spark: 'a = = b'"):
        spark_sql("a = = b")
