"""Continuum's analysis engine: standard schemas, mappings, validation and analyses. No Django here.

Flow: ``load_stops(file, mapping)`` reads CSV/Excel/Parquet into DuckDB in the standard (OPP) schema and
validates every converted cell; an analysis (``continuum.analysis.analyses.ANALYSES``) reduces the rows to
sufficient statistics through a ``Reducer`` (``reduce.DuckDBReducer``; the only code that touches rows) and
fits on that small table; it returns a ``Result`` (JSON, HTML). The CLI is ``continuum analyze``.
Other tables (use of force, arrests, calls for service, shootings, crashes, personnel; ``tables.py``) load the
same way with ``load_table(file, mapping, table=...)``; ``analyses.TABLE_OF`` says which table each analysis reads.
"""

ENGINE_VERSION = "0.1.0"
