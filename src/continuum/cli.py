"""The `continuum` command line: analyses and data checks, without Django."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from continuum.analysis.errors import InputError

app = typer.Typer(
    help="Continuum: analysis engine for police data.", no_args_is_help=True, pretty_exceptions_enable=False
)
data_app = typer.Typer(help="Inspect and check data files.", no_args_is_help=True)
app.add_typer(data_app, name="data")
err = Console(stderr=True)
out = Console()


def _fail(exc: InputError) -> None:
    err.print(f"[bold red]error:[/] {exc.one_line()}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _parse_params(items: list[str], fn: Any) -> dict[str, Any]:
    sig = inspect.signature(fn)
    params: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise InputError(f"--param {item!r} is not key=value")
        key, value = (s.strip() for s in item.split("=", 1))
        key = key.replace("-", "_")
        if key not in sig.parameters or key in ("data", "reducer"):
            allowed = [p for p in sig.parameters if p not in ("data", "reducer", "benchmark")]
            raise InputError(f"unknown parameter {key!r}; this analysis takes {allowed}")
        default = sig.parameters[key].default
        params[key] = _coerce(key, value, default)
    return params


def _coerce(key: str, value: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return value.lower() in ("true", "1", "yes")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float) or key in ("lat", "lng"):
            return float(value)
    except ValueError as exc:
        raise InputError(f"--param {key}={value!r}: expected {type(default).__name__}") from exc
    return None if value.lower() in ("none", "") else value


@app.command()
def analyze(
    analysis: Annotated[
        str,
        typer.Argument(
            help="rates | veil-of-darkness | outcome-test | threshold-test | officer-benchmark | use-of-force"
            " | arrests | ois | crashes | staffing | personnel (how each works: continuum methods ANALYSIS)"
        ),
    ],
    file: Annotated[
        str,
        typer.Argument(
            help="data file (stops, use of force, calls...): CSV, Excel or Parquet; with --engine spark and no "
            "--mapping, the standardized table: a Parquet/CSV file or directory, local or any Spark filesystem"
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="directory for result.json and report.html")],
    mapping: Annotated[
        str | None, typer.Option(help="mapping TOML, or the name of a shipped mapping")
    ] = None,
    param: Annotated[list[str] | None, typer.Option("--param", help="key=value, repeatable")] = None,
    benchmark: Annotated[Path | None, typer.Option(help="population CSV of group counts")] = None,
    engine: Annotated[
        str,
        typer.Option(help="where rows are reduced: duckdb (this machine) or spark (local mode or a cluster)"),
    ] = "duckdb",
    master: Annotated[
        str | None,
        typer.Option(
            help="Spark master URL (spark://, yarn, k8s://) or sc:// (Spark Connect); else SPARK_REMOTE"
        ),
    ] = None,
    stage: Annotated[
        Path | None, typer.Option(help="with spark and --mapping: where the mapped table is staged for Spark")
    ] = None,
) -> None:
    """Run one analysis and write DIR/result.json and DIR/report.html.

    How each analysis works (model, defaults, caveats and warnings): `continuum methods ANALYSIS`, the page
    docs/methods/<module>.md in the repository, or /methods/ANALYSIS/ on the platform.
    """
    from continuum.analysis.analyses import ANALYSES, TABLE_OF
    from continuum.analysis.load import load_table
    from continuum.analysis.render import report_page

    try:
        if analysis not in ANALYSES:
            raise InputError(f"unknown analysis {analysis!r}; choose from {sorted(ANALYSES)}")
        fn = ANALYSES[analysis]
        if engine not in ("duckdb", "spark"):
            raise InputError(f"unknown engine {engine!r}; choose duckdb or spark")
        if engine == "duckdb" and (master or stage):
            raise InputError("--master and --stage go with --engine spark")
        params = _parse_params(param or [], fn)
        if benchmark is not None:
            if "benchmark" not in inspect.signature(fn).parameters:
                raise InputError(f"{analysis} does not take --benchmark")
            params["benchmark"] = benchmark
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("loading and validating", total=3)
            kind = TABLE_OF.get(analysis, "stops")
            if engine == "spark":
                from continuum.analysis.spark_data import load_spark

                data = load_spark(file, mapping, table=kind, master=master, stage=stage)
            else:
                data = load_table(Path(file), mapping, table=kind)
            progress.update(task, advance=1, description=f"running {analysis}")
            try:
                result = fn(data, **params)
            finally:
                data.close()
            progress.update(task, advance=1, description="writing results")
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / "result.json").write_text(result.to_json(), encoding="utf-8")
            (out_dir / "report.html").write_text(report_page(result), encoding="utf-8")
            progress.update(task, advance=1)
    except InputError as exc:
        _fail(exc)
        return
    for warning in result.warnings:  # first, before any number
        out.print(f"[bold yellow]WARNING:[/] {warning}", highlight=False, soft_wrap=True)
    out.print(
        f"{analysis}: {result.n_used:,} rows used, {sum(result.n_excluded.values()):,} excluded "
        f"-> {out_dir / 'result.json'}"
    )
    if analysis == "veil-of-darkness":
        d = result.estimates["is_dark"]
        if d is None:  # the fit did not converge or separated: its first caveat says why
            out.print(result.caveats[0], highlight=False, soft_wrap=True)
        else:
            out.print(f"is_dark coef {d['coef']:.4f} (se {d['se']:.4f}), odds ratio {d['odds_ratio']:.3f}")


def methods_dir() -> Path:
    """docs/methods of the checkout this package runs from, or CONTINUUM_METHODS_DIR."""
    import os

    import continuum

    default = Path(continuum.__file__).resolve().parents[2] / "docs" / "methods"
    return Path(os.environ.get("CONTINUUM_METHODS_DIR") or default)


@app.command()
def methods(
    analysis: Annotated[str | None, typer.Argument(help="an analysis; without one, list the pages")] = None,
) -> None:
    """How an analysis works: its methods page (model, defaults, literature, what each warning means)."""
    from rich.markdown import Markdown

    from continuum.analysis.analyses import ANALYSES

    where = methods_dir()
    if analysis is None:
        for name, fn in ANALYSES.items():
            page = where / f"{fn.__module__.rsplit('.', 1)[-1]}.md"
            out.print(f"{name}: {page if page.is_file() else 'no methods page yet'}", highlight=False)
        return
    if analysis not in ANALYSES:
        _fail(InputError(f"unknown analysis {analysis!r}; choose from {sorted(ANALYSES)}"))
    page = where / f"{ANALYSES[analysis].__module__.rsplit('.', 1)[-1]}.md"
    if not page.is_file():
        _fail(InputError(f"no methods page for {analysis}", file=str(page)))
    out.print(Markdown(page.read_text(encoding="utf-8")))


@data_app.command("profile")
def data_profile(
    file: Annotated[Path, typer.Argument(help="file to profile")],
    out_file: Annotated[Path | None, typer.Option("--out", help="write the mapping draft here")] = None,
) -> None:
    """Propose a mapping draft (TOML) from the file's header and values."""
    from continuum.analysis.profile import profile

    try:
        toml, prof = profile(file)
    except InputError as exc:
        _fail(exc)
        return
    table = Table(title=f"columns of {file.name}")
    for c in ("column", "distinct", "blank", "top values"):
        table.add_column(c)
    for col, p in prof.items():
        table.add_row(col, str(p["distinct"]), str(p["blank"]), ", ".join(v for v, _ in p["top"][:5]))
    err.print(table)
    if out_file:
        out_file.write_text(toml, encoding="utf-8")
        err.print(f"draft mapping written to {out_file}")
    else:
        typer.echo(toml)


@data_app.command("validate")
def data_validate(
    file: Annotated[Path, typer.Argument(help="file to check")],
    mapping: Annotated[str | None, typer.Option(help="mapping TOML, or a shipped mapping's name")] = None,
    problems: Annotated[Path | None, typer.Option(help="write every problem cell to this CSV")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
) -> None:
    """Load through the mapping and report every value that could not be converted, by row and column."""
    from continuum.analysis.load import load_stops, write_problems

    try:
        with load_stops(file, mapping) as data:
            report = data.validation
            if problems:
                write_problems(data, problems)
    except InputError as exc:
        _fail(exc)
        return
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    table = Table(title=f"{report.n_rows:,} rows; {report.n_problem_cells:,} cells could not be mapped")
    for c in ("column", "source", "value", "count", "reason", "example rows"):
        table.add_column(c)
    for i in report.issues:
        table.add_row(
            i.column,
            i.source_column,
            i.value,
            f"{i.count:,}",
            i.reason,
            ", ".join(map(str, i.example_rows[:5])),
        )
    out.print(table)
    if report.unmapped_columns:
        out.print(f"source columns not used by the mapping: {', '.join(report.unmapped_columns)}")
    for column, n in report.missing_markers.items():
        out.print(f"{column}: {n:,} cells read as missing (a missing marker such as NA)", highlight=False)
    for fold in report.folds:
        out.print(f"folded: {fold.describe()}", highlight=False, soft_wrap=True)


# `continuum backup FILE` / `continuum restore FILE`: these two set Django up when they run, the rest never does.
from continuum.backup.commands import register as register_backup  # noqa: E402

register_backup(app)


if __name__ == "__main__":
    app()
