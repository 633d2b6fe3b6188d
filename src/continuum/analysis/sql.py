"""Tiny helpers for building DuckDB SQL safely from names and values we don't control."""

from __future__ import annotations


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return "'" + str(value).replace("'", "''") + "'"


def in_list(values: object) -> str:
    return "(" + ", ".join(lit(v) for v in values) + ")"  # type: ignore[union-attr]
