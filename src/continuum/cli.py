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
            raise InputError(f"unknown parameter {key!r}; this analysis takes {', '.join(allowed)}")
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


class _Analyses(typer.core.TyperGroup):
    """`continuum analyze NAME ...`: one command per analysis (so each has its own --help), and an unknown name
    is the engine's one-line error naming the valid ones, not click's usage box."""

    def resolve_command(self, ctx: typer.Context, args: list[str]):  # type: ignore[override]
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            from continuum.analysis.analyses import ANALYSES

            _fail(InputError(f"unknown analysis {args[0]!r}; choose from {', '.join(ANALYSES)}"))
        return super().resolve_command(ctx, args)


analyze_app = typer.Typer(
    cls=_Analyses,
    help="Run one analysis and write DIR/result.json and DIR/report.html. "
    "`continuum analyze ANALYSIS --help` lists its parameters and the columns it needs; "
    "`continuum methods ANALYSIS` (the pages in docs/methods) says how it works: model, defaults, caveats.",
    no_args_is_help=True,
)
app.add_typer(analyze_app, name="analyze")


def _analysis_help(name: str) -> tuple[str, str]:
    """An analysis's help: its docstring's first sentence, then its table, needed columns and parameters with
    their defaults (from the data dictionary, so the help cannot drift from what the analysis takes)."""
    from continuum.analysis.analyses import ANALYSES, TABLE_OF
    from continuum.analysis.dictionary import NEEDS, parameters

    doc = (inspect.getdoc(ANALYSES[name]) or name).split("\n\n")[0].replace("\n", " ")
    table = TABLE_OF.get(name, "stops")
    lines = [
        f"Reads {table.replace('_', ' ')} data (`continuum data columns {table}`); needs the standard "
        f"column(s) {', '.join(NEEDS.get(name, ())) or 'none'}.",
        "",
        "Parameters (--param NAME=VALUE; a mapping's \\[params] sets them too):",
        "",
    ]
    for p in parameters(name):
        lines.append(f"* {p.name} = {p.default_text} ({p.type}){': ' + p.doc if p.doc else ''}")
        lines.append("")
    return doc, "\n".join(lines)


def _param_hint(exc: InputError) -> InputError:
    """The engine names the parameters that would get past an error; the CLI says how to set them."""
    if not exc.params:
        return exc
    how = ", ".join(f"--param {p}=..." for p in exc.params)
    return InputError(
        f"{exc.reason} (set with {how})", file=exc.file, row=exc.row, column=exc.column, value=exc.value
    )


def _run_analysis(
    analysis: str,
    file: str,
    out_dir: Path,
    mapping: str | None,
    param: list[str] | None,
    benchmark: Path | None,
    engine: str,
    master: str | None,
    stage: Path | None,
) -> None:
    from continuum.analysis.analyses import ANALYSES, TABLE_OF
    from continuum.analysis.load import load_table
    from continuum.analysis.render import report_page

    try:
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
        _fail(_param_hint(exc))
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


def _analysis_command(analysis: str):
    def command(
        file: Annotated[
            str,
            typer.Argument(
                help="data file: CSV, Excel or Parquet; with --engine spark and no --mapping, the standardized "
                "table: a Parquet/CSV file or directory, local or any Spark filesystem"
            ),
        ],
        out_dir: Annotated[Path, typer.Option("--out", help="directory for result.json and report.html")],
        mapping: Annotated[
            str | None, typer.Option(help="mapping TOML, or the name of a shipped mapping")
        ] = None,
        param: Annotated[
            list[str] | None, typer.Option("--param", help="NAME=VALUE, repeatable (parameters below)")
        ] = None,
        benchmark: Annotated[Path | None, typer.Option(help="population CSV of group counts")] = None,
        engine: Annotated[
            str,
            typer.Option(
                help="where rows are reduced: duckdb (this machine) or spark (local mode or a cluster)"
            ),
        ] = "duckdb",
        master: Annotated[
            str | None,
            typer.Option(
                help="Spark master URL (spark://, yarn, k8s://) or sc:// (Spark Connect); else SPARK_REMOTE"
            ),
        ] = None,
        stage: Annotated[
            Path | None,
            typer.Option(help="with spark and --mapping: where the mapped table is staged for Spark"),
        ] = None,
    ) -> None:
        _run_analysis(analysis, file, out_dir, mapping, param, benchmark, engine, master, stage)

    return command


def _register_analyses() -> None:
    from continuum.analysis.analyses import ANALYSES

    for name in ANALYSES:
        doc, epilog = _analysis_help(name)
        analyze_app.command(name, help=doc, epilog=epilog)(_analysis_command(name))


_register_analyses()


@data_app.command("columns")
def data_columns(
    table: Annotated[
        str | None, typer.Argument(help="stops, use_of_force, arrests, calls, ois, crashes or personnel")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the whole dictionary as JSON")] = False,
) -> None:
    """The data dictionary: a table's standard columns (type, values, which analyses need them) and its
    analyses' parameters with their defaults; every table when none is named."""
    from continuum.analysis import dictionary

    if as_json:
        typer.echo(json.dumps(dictionary.as_dict(), indent=2, default=str))
        return
    try:
        names = [table] if table else dictionary.tables()
        for name in names:
            _print_table(name, dictionary.table_columns(name))
            if table:
                _print_parameters(dictionary.analyses_of(name))
    except InputError as exc:
        _fail(exc)


def _print_table(name: str, columns: list) -> None:
    table = Table(title=f"{name}: standard columns", title_justify="left")
    table.add_column("column", no_wrap=True)
    for c in ("type", "values", "needed by", "notes"):
        table.add_column(c, overflow="fold")
    for c in columns:
        kind = c.kind + (" (list per row)" if c.list_per_row else "")
        table.add_row(c.name, kind, ", ".join(c.values), ", ".join(c.needed_by), c.doc)
    out.print(table)


def _print_parameters(analyses: list[str]) -> None:
    from continuum.analysis.dictionary import parameters

    for name in analyses:
        table = Table(title=f"{name}: parameters (--param NAME=VALUE)", title_justify="left")
        table.add_column("parameter", no_wrap=True)
        for c in ("default", "type", "meaning"):
            table.add_column(c, overflow="fold")
        for p in parameters(name):
            table.add_row(p.name, p.default_text, p.type, p.doc)
        out.print(table)


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
    strict: Annotated[
        bool, typer.Option("--strict", help="exit with status 1 when any cell could not be converted")
    ] = False,
) -> None:
    """Load through the mapping and report every value that could not be converted, by row and column.

    Exits 0 when the file loads (problem cells are reported, not fatal) unless --strict: then any problem
    cell exits 1, so a script or CI step stops on a file that is not clean."""
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
    else:
        _print_report(report)
    if strict and report.n_problem_cells:
        err.print(
            f"[bold red]error:[/] {file}: {report.n_problem_cells:,} cells could not be converted (--strict)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=1)


def _print_report(report) -> None:
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
