"""The data dictionary page's content: the engine's dictionary (continuum.analysis.dictionary) under the
platform's names for tables and for the analysis form's fields."""

from dataclasses import dataclass

from continuum.analysis import dictionary as engine_dictionary

from . import engine
from .mappings import field_label
from .models import TableType


@dataclass(frozen=True)
class Field:
    label: str
    default: str
    type: str
    doc: str


@dataclass(frozen=True)
class Analysis:
    name: str
    needs: tuple[str, ...]
    fields: list[Field]


@dataclass(frozen=True)
class Table:
    kind: str
    label: str
    columns: list[engine_dictionary.ColumnEntry]
    analyses: list[Analysis]


def tables() -> list[Table]:
    """The tables the engine has a standard schema for, in the order of the platform's table kinds."""
    known = set(engine_dictionary.tables())
    out = []
    for kind in TableType:
        name = engine.table_name(kind.value)
        if name not in known:
            continue
        out.append(Table(kind.value, kind.label, engine_dictionary.table_columns(name), _analyses(name)))
    return out


def _analyses(table: str) -> list[Analysis]:
    return [
        Analysis(
            name,
            engine_dictionary.NEEDS.get(name, ()),
            [
                Field(field_label(p.name), p.default_text, p.type, p.doc)
                for p in engine_dictionary.parameters(name)
            ],
        )
        for name in engine_dictionary.analyses_of(table)
    ]
