"""A Reduction's DuckDB SQL expressions, translated to Spark SQL.

sqlglot does the transpiling; the rewrites below cover the places where the same-looking function means
something else in Spark, so that the Spark reduction gives the DuckDB reduction's numbers exactly:

- ``dayofweek``: DuckDB counts 0 = Sunday, Spark 1 = Sunday;
- ``list[i]``: 1-based and NULL out of range in DuckDB; Spark's brackets are 0-based and raise;
- ``epoch(ts)``: DuckDB keeps fractional seconds, Spark's ``unix_timestamp`` truncates them;
- ``hour(time)``: Spark's ``hour`` does not take a TIME value; ``extract`` does;
- ``to_hours(k)``: no such function in Spark (a day-time interval instead);
- a decimal literal (``60.0``) is DOUBLE arithmetic in DuckDB but exact DECIMAL in Spark.
"""

from __future__ import annotations

from functools import lru_cache

import sqlglot
from sqlglot import exp

from .errors import InputError


def _double(node: exp.Expression) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build("DOUBLE"))


def _t(node: exp.Expression) -> exp.Expression:
    return node.transform(_rewrite)


def _rewrite(node: exp.Expression) -> exp.Expression:
    """Pre-order: a node replaced here has its operands rewritten by ``_t`` (transform does not revisit them)."""
    if isinstance(node, exp.DayOfWeek):
        return exp.Paren(
            this=exp.Sub(this=exp.DayOfWeek(this=_t(node.this)), expression=exp.Literal.number(1))
        )
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        return exp.Anonymous(this="TRY_ELEMENT_AT", expressions=[_t(node.this), _t(node.expressions[0])])
    if isinstance(node, exp.TimeToUnix):
        micros = exp.Anonymous(
            this="UNIX_MICROS",
            expressions=[exp.Cast(this=_t(node.this), to=exp.DataType.build("TIMESTAMP"))],
        )
        return exp.Paren(this=exp.Div(this=micros, expression=_double(exp.Literal.number(1_000_000))))
    if isinstance(node, exp.Hour):
        return exp.Extract(this=exp.var("HOUR"), expression=_t(node.this))
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "to_hours":
        return exp.Anonymous(
            this="MAKE_DT_INTERVAL", expressions=[exp.Literal.number(0), _t(node.expressions[0])]
        )
    if isinstance(node, exp.Literal) and not node.is_string and any(c in node.this for c in ".eE"):
        return _double(node)
    return node


@lru_cache(maxsize=4096)
def spark_sql(expr: str) -> str:
    """One DuckDB SQL expression as Spark SQL with the same meaning."""
    try:
        tree = sqlglot.parse_one(expr, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise InputError(f"cannot translate expression for Spark: {expr!r} ({exc})") from exc
    return tree.transform(_rewrite).sql(dialect="spark")
