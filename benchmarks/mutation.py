"""Mutation testing of the core (`make mutation`): mutmut mutates the modules named in pyproject's
`[tool.mutmut] only_mutate`, runs for each mutant the selected tests that reach the mutated function, and this
script turns its verdicts into a score per module, written to benchmarks/results/mutation.json and .md.

Score = killed / (mutants - equivalent - text-only). Equivalent mutants (a change no test can observe, such as
clipping a Wilson bound at 2 instead of 1 when it never exceeds 1) are listed, each with its reason, in
benchmarks/mutation_equivalent.toml with the change each was listed for; they are reported, not counted, and not
run. With `exclude_text_only = true` there, a mutant that changes only the words inside a message (a string
literal of several words: mutmut's "XX...XX" or a change of case) is reported as text-only, and neither counted
nor run; a one-word literal (a field, column or key name) is not a message and counts: tests pin what a rule
decides, not each sentence.
Not part of `make test`: it takes minutes. `make mutation ARGS="'continuum.intake.screening*'"` runs a subset
and updates those mutants' verdicts (benchmarks/results/mutation_verdicts.json), keeping the others from the last
run; naming the survivors of the last run re-checks just them after new tests.
"""

from __future__ import annotations

import contextlib
import difflib
import fnmatch
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import time
import tokenize
import tomllib
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.toml"
NOTES = (
    ROOT / "benchmarks" / "mutation_notes.md"
)  # kept by hand (summary, before/after); put at the top of the .md
KILLERS = RESULTS / "mutation_killers.json"  # the test that killed each mutant, tried first in the next run
RUNS = (
    ROOT / "mutants" / "mutation-runs.jsonl"
)  # each mutant's killer and time in this run (tests/conftest.py)
TARGET = 0.95
SKIPPED = 34  # mutmut's exit code for "skipped": set on mutants not worth running (set_aside)
# mutmut's name for a mutant: module path, then x_<function> or xǁClassǁmethod, then __mutmut_<n>.
NAME = re.compile(r"^\s*(?P<name>(?P<module>[\w.]+)\.x[_ǁ].*__mutmut_\d+): (?P<status>[\w ]+)$")


def run_mutmut(names: list[str]) -> float:
    """Run mutmut from a clean `mutants/` copy; the engine tests find the shared data through the environment.

    The web tests run once per mutant, and creating a test database took most of each run (migrating: half a
    minute on a busy machine; checking the migrations of a kept one: 0.9 s): the database is migrated once
    here, and each run starts from a copy of it (tests/conftest.py's django_db_setup)."""
    shared = str((ROOT / ".." / "shared" / "data").resolve())
    env = dict(os.environ, DEBUG="1", CONTINUUM_MUTATION="1", CONTINUUM_SHARED_DATA=shared)
    started = time.monotonic()
    subprocess.run(["rm", "-rf", str(ROOT / "mutants")], check=True)
    with tempfile.TemporaryDirectory(prefix="continuum-mutation-") as folder:
        template = Path(folder) / "template.sqlite3"
        manage = f"{sys.executable} manage.py {{}} --verbosity 0"  # what Django's test database setup does
        migrating = subprocess.Popen(  # beside the generation of the mutants, which needs no database
            ["sh", "-c", " && ".join(manage.format(command) for command in ("migrate", "createcachetable"))],
            cwd=ROOT, env=dict(env, PYTHONPATH=str(ROOT / "src"), DATABASE_URL=f"sqlite:///{template}"),
        )  # fmt: skip
        env["CONTINUUM_TEST_DB_TEMPLATE"] = str(template)
        env["CONTINUUM_MUTATION_KILLERS"] = str(KILLERS)  # tests/conftest.py: the last run's killers first
        env["CONTINUUM_MUTATION_LOG"] = str(RUNS)  # and each mutant's killer and time in this one
        generate()
        _phase("mutants generated", started)
        wanted = set_aside(names)
        _phase("text-only and equivalent mutants set aside", started)
        if migrating.wait():
            raise SystemExit("Migrating the mutation run's test database failed (its error is above).")
        _phase("test database migrated", started)
        if wanted or not names:  # no names: every mutant not set aside; names all set aside: nothing to run
            subprocess.run([sys.executable, __file__, "--mutmut-run", *wanted], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def _stats_in_two(runner) -> int:
    """mutmut's stats run (ForkServerRunner.collect_stats), in two processes at once, each on half the test
    files (by their time in the last run): mutmut runs it in one, on one of the two cores."""
    from mutmut.configuration import config
    from mutmut.models.results import StatsResult
    from mutmut.state import state

    def run(files: list[str]) -> dict:
        exit_code = runner.test_runner_class(**runner.test_runner_args).run_stats(tests=files)
        return StatsResult(
            exit_code=exit_code,
            tests_by_mangled_function_name=dict(state().tests_by_mangled_function_name),
            duration_by_test=dict(state().duration_by_test),
            stats_time=state().stats_time or 0.0,
            function_dependencies=dict(state().function_dependencies),
        ).to_dict()

    files = config().pytest_add_cli_args_test_selection
    took = last_file_seconds()
    halves: tuple[list[str], list[str]] = ([], [])
    load = [0.0, 0.0]
    longest_first = sorted(files, key=lambda path: -took.get(path, 1.0))
    for path in longest_first:  # each to the lighter half
        lighter = load.index(min(load))
        halves[lighter].append(path)
        load[lighter] += took.get(path, 1.0)
    exit_code = 0
    results = _side_by_side([functools.partial(run, half) for half in halves])
    for result in map(StatsResult.from_dict, results):
        for function, tests in result.tests_by_mangled_function_name.items():
            state().tests_by_mangled_function_name[function] |= tests
        state().duration_by_test.update(result.duration_by_test)
        state().function_dependencies.update(result.function_dependencies)
        state().stats_time = (state().stats_time or 0.0) + result.stats_time
        exit_code = exit_code or result.exit_code
    return exit_code


def _side_by_side(jobs: list) -> list:
    """Run each job in a process forked for it, all at once, and return their results in order (mutmut's
    run_in_fork_with_result, several at a time)."""
    import pickle
    import traceback

    children = []
    for job in jobs:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:
                result = {"ok": True, "value": job()}
            except BaseException:
                result = {"ok": False, "error": traceback.format_exc()}
            with os.fdopen(write, "wb") as out:
                pickle.dump(result, out)
            os._exit(0)
        os.close(write)
        children.append((pid, read))
    results = []
    for pid, read in children:  # read before waiting: a result larger than the pipe holds waits to be read
        with os.fdopen(read, "rb") as out:
            result = pickle.load(out)
        os.waitpid(pid, 0)
        if not result["ok"]:
            raise ChildProcessError(result["error"])
        results.append(result["value"])
    return results


def last_report() -> dict:
    """What the last run wrote to benchmarks/results/mutation.json (nothing before a first run)."""
    path = RESULTS / "mutation.json"
    return json.loads(path.read_text()) if path.exists() else {}


def last_file_seconds() -> dict[str, float]:
    """Each selected test file's time in the last stats run, to split the next one in two even halves."""
    return last_report().get("test_file_seconds", {})


def file_seconds() -> dict[str, float]:
    """Each selected test file's time in this run's stats run (mutmut-stats.json): its tests' own time, and a
    twentieth of a second for each test's setting up, which mutmut does not time."""
    path = ROOT / "mutants" / "mutmut-stats.json"
    took: Counter = Counter()
    stats = json.loads(path.read_text()) if path.exists() else {}
    for test, seconds in stats.get("duration_by_test", {}).items():
        took[test.partition("::")[0]] += seconds + 0.05
    return {path: round(seconds, 1) for path, seconds in sorted(took.items())}


def _phase(what: str, started: float) -> None:
    print(f"[{time.monotonic() - started:6.0f} s] {what}", file=sys.stderr, flush=True)


def mutmut_run(names: list[str]) -> int:
    """`mutmut run` (mutmut 3.8) without its clean run when it has just collected its stats: that step runs
    every selected test once more, unmutated, to see them pass (2 to 3 minutes on one core while the other
    waits), and the stats run it follows has run all of them and stops the run if one fails."""
    from mutmut import __main__ as cli
    from mutmut.workers.isolation import ForkServerRunner

    full_stats = []
    collect = cli.run_stats_collection

    def run_stats_collection(runner, tests=None):
        started = time.monotonic()
        collect(runner, tests)
        full_stats.append(tests is None)
        _phase("mutmut's stats run (each selected test once, noting which functions it reaches)", started)

    clean = ForkServerRunner.run_clean_tests

    def run_clean_tests(self, tests):
        return 0 if full_stats == [True] else clean(self, tests)

    stats = ForkServerRunner.collect_stats

    def collect_stats(self, tests):
        if tests:  # only the tests new since a kept mutants/ was made: as mutmut does it
            return stats(self, tests)
        return _stats_in_two(self)

    cli.run_stats_collection = run_stats_collection
    ForkServerRunner.run_clean_tests = run_clean_tests
    ForkServerRunner.collect_stats = collect_stats
    return cli.cli(["run", *names], standalone_mode=False) or 0


def generate() -> None:
    """mutmut's first step as `mutmut run` takes it (mutmut 3.8), alone: the mutants are written, no test runs
    yet, so that the mutants no test needs to run can be set aside first. `mutmut run` then finds them made."""
    from mutmut import __main__ as cli
    from mutmut.mutation.trampoline import set_mutant_under_test

    os.chdir(ROOT)
    set_mutant_under_test("mutant_generation")
    (ROOT / "mutants").mkdir(exist_ok=True)
    with contextlib.redirect_stdout(StringIO()):  # it names every file it copies
        cli.copy_src_dir()
        cli.copy_also_copy_files()
        cli.setup_source_paths()
        cli.store_lines_covered_by_tests()
        cli.create_mutants(os.cpu_count() or 2)
    os.environ.pop("MUTANT_UNDER_TEST", None)  # not for the `mutmut run` that follows


def set_aside(names: list[str]) -> list[str]:
    """Mark as skipped, before any test runs, the mutants whose verdict cannot count: text-only ones (with
    `exclude_text_only`) and the equivalents whose listed change is still the change mutmut makes. Most of
    them survive, and a survivor costs every test that reaches its function (10-20 s for a web function). A
    run of some mutants (names or patterns) gets the patterns expanded to the names that are left."""
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.utils.file_utils import walk_mutatable_files

    skip_text = settings().get("exclude_text_only", False)
    same = equivalent()
    exact = {name for name in names if not any(c in name for c in "*?[")}
    patterns = [name for name in names if name not in exact]
    wanted = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        if not data.exit_code_by_key:
            continue
        for name in data.exit_code_by_key:
            if name in same or (skip_text and text_only(name)):
                data.exit_code_by_key[name] = SKIPPED
            elif name in exact or any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns):
                wanted.append(name)
        data.save()
    return wanted


def _shape(lines: list[str]) -> list[tuple[int, str]] | None:
    """The tokens of some source lines with the text of every string literal blanked, or None if they don't
    tokenize on their own (a fragment of a longer statement is wrapped in parentheses first)."""
    source = "(\n" + "\n".join(line.strip() for line in lines) + "\n)\n"
    try:
        tokens = list(tokenize.generate_tokens(StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    text = {tokenize.STRING, tokenize.FSTRING_MIDDLE}
    return [
        (t.type, "" if t.type in text and _words(t.string) else t.string)
        for t in tokens
        if t.type not in (tokenize.NL, tokenize.NEWLINE)
    ]


def _words(literal: str) -> bool:
    """A message (words with spaces between them), not a name: a field or column name changed (`"corrects"` to
    `"XXcorrectsXX"`) changes what the code does, and must be killed like any other mutant."""
    return " " in literal.strip("'\"").strip()


@functools.cache
def _sources() -> dict[str, str]:
    """Each mutated module's source file, as mutmut names it (src/continuum/analysis/stats.py)."""
    from mutmut.utils.file_utils import walk_mutatable_files

    os.chdir(ROOT)
    found = {}
    for path in walk_mutatable_files():
        dotted = Path(path).with_suffix("").relative_to("src").as_posix().replace("/", ".")
        found[dotted.removesuffix(".__init__")] = str(path)
    return found


@functools.cache
def _diff(name: str) -> list[str]:
    """The diff `mutmut show <name>` prints, read straight from the lines mutmut's index gives the function's
    original and mutated copies. mutmut parses both with libcst to print them: 28 ms a mutant, 3 minutes for
    the 7,000 that `set_aside` looks at before each run; this takes a fraction of a millisecond and prints the
    same lines (checked against mutmut's own on every mutant of the core)."""
    module = NAME.match(f"{name}: x")["module"]
    try:
        lines, spans = _mutated(module)
        generated = name.rpartition(".")[2]
        original = generated.rpartition("__mutmut_")[0] + "__mutmut_orig"
        plain = generated.rpartition("__mutmut_")[0].rpartition("ǁ")[2].removeprefix("x_")
        texts = []
        for function in (original, generated):
            start, end = spans[function]
            text = textwrap.dedent("\n".join(lines[start - 1 : end])).strip()
            texts.append(
                re.sub(rf"\bdef {re.escape(function)}\(", f"def {plain}(", text, count=1).split("\n")
            )
        path = _sources()[module]
        return list(difflib.unified_diff(*texts, fromfile=path, tofile=path, lineterm=""))
    except (KeyError, OSError, ValueError):  # no index (another mutmut version): ask mutmut
        from mutmut.mutation.diff_apply import get_diff_for_mutant

        os.chdir(ROOT)
        return get_diff_for_mutant(name, path=_sources()[module]).splitlines()


@functools.cache
def _mutated(module: str) -> tuple[list[str], dict[str, list[int]]]:
    """A module's mutated copy, as lines, and mutmut's index of the lines each function copy occupies."""
    copy = ROOT / "mutants" / _sources()[module]
    spans = json.loads(Path(f"{copy}.spans").read_text())["spans"]
    return copy.read_text().split("\n"), spans


def text_only(name: str) -> bool:
    """True when the mutant changes nothing but the words inside string literals."""
    lines = change(name)
    removed = [line[1:] for line in lines if line.startswith("-")]
    added = [line[1:] for line in lines if line.startswith("+")]
    if not removed or not added:
        return False
    before, after = _shape(removed), _shape(added)
    return before is not None and before == after


def _runs() -> list[dict]:
    """Each mutant's run in this run, as tests/conftest.py writes it down: its killer (or None) and its time."""
    return [json.loads(line) for line in RUNS.read_text().splitlines()] if RUNS.exists() else []


def durations() -> dict[str, float]:
    """The processor time each mutant's run took in this run, in seconds."""
    return {entry["mutant"]: entry["cpu"] for entry in _runs()}


def verdicts() -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    found = {}
    for line in out.stdout.splitlines():
        if match := NAME.match(line):
            found[match["name"]] = match["status"].strip()
    return found


def settings() -> dict:
    return tomllib.loads(EQUIVALENT.read_text()) if EQUIVALENT.exists() else {}


def change(name: str) -> list[str]:
    """The lines a mutant removes and adds, as listed with an equivalent mutant."""
    return [line for line in _diff(name) if line[:1] in "+-" and not line.startswith(("---", "+++"))]


def equivalent() -> dict[str, str]:
    """The listed equivalent mutants that still make the change they were listed for. mutmut numbers a
    function's mutants in order, so an edit to the function can give a listed name another change: such a
    name is not equivalent any more, and is run and counted like any other (and named by `stale()`)."""
    listed = settings().get("equivalent", {})
    return {
        name: e["reason"] for name, e in listed.items() if "change" not in e or _current(name) == e["change"]
    }


def stale() -> list[str]:
    listed = settings().get("equivalent", {})
    return sorted(name for name, e in listed.items() if "change" in e and _current(name) != e["change"])


def _current(name: str) -> list[str] | None:
    try:
        return change(name)
    except Exception:  # the mutant is gone (its function renamed or removed)
        return None


def score(found: dict[str, str], same: dict[str, str], skip_text: bool) -> dict[str, dict]:
    per_module: dict[str, Counter] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    wording: dict[str, list[str]] = defaultdict(list)
    for name, status in found.items():
        if status == "not checked":
            continue
        module = NAME.match(f"{name}: x")["module"]
        if name in same:
            per_module[module]["equivalent"] += 1
            continue
        if skip_text and status != "killed" and text_only(name):
            per_module[module]["text-only"] += 1
            wording[module].append(name)
            continue
        per_module[module][status] += 1
        if status != "killed":
            survivors[module].append(f"{name} ({status})")
    table = {}
    for module, counts in sorted(per_module.items()):
        total = sum(counts.values())
        counted = total - counts["equivalent"] - counts["text-only"]
        table[module] = {
            "mutants": total,
            "killed": counts["killed"],
            "survived": counts["survived"],
            "timeout": counts["timeout"],
            "other": counted - counts["killed"] - counts["survived"] - counts["timeout"],
            "equivalent": counts["equivalent"],
            "text_only": counts["text-only"],
            "score": round(counts["killed"] / counted, 4) if counted else 1.0,
            "not_killed": sorted(survivors[module]),
            "text_only_names": sorted(wording[module]),
        }
    return table


def last_seconds() -> float:
    """The time of the run whose verdicts the report shows, as the last report wrote it down."""
    return last_report().get("seconds", 0)


def write(table: dict[str, dict], seconds: float, same: dict[str, str], rebuilt: bool = False) -> None:
    """`rebuilt` (`--report-only`): no mutant ran, so the time shown stays the last run's, said as such."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    files = file_seconds() or last_file_seconds()
    (RESULTS / "mutation.json").write_text(
        json.dumps({"seconds": round(seconds), "modules": table, "test_file_seconds": files}, indent=2)
    )
    notes = [*NOTES.read_text().rstrip().splitlines(), ""] if NOTES.exists() else []
    took = f"{seconds / 60:.1f} min" if seconds else "time not recorded"
    lines = [
        *notes,
        f"# Mutation score per module (mutmut; "
        f"{f'the last run, {took}; report rebuilt from its verdicts' if rebuilt else took}; target {TARGET:.0%})",
        "",
        '"generated": the mutants mutmut makes of the module now; "checked": those with a verdict (from this run',
        "or kept from an earlier one). A module checked only in part has a score over what was checked.",
        '"seconds run": the processor time its mutants\' runs took in this run, from their fork to their end.',
        "",
        "| module | generated | checked | killed | survived | timeout | equivalent | text-only | score | "
        "seconds run |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for module, row in table.items():
        mark = "" if row["score"] >= TARGET else " (below target)"
        if not row["mutants"]:
            mark = " (not checked)"
        lines.append(
            f"| `{module}` | {row.get('generated', '-')} | {row['mutants']} | {row['killed']} | {row['survived']} | "
            f"{row['timeout']} | {row['equivalent']} | {row['text_only']} | {row['score']:.1%}{mark} | "
            f"{row.get('seconds', 0):.0f} |"
        )
    lines += ["", "## Not killed", ""]
    for row in table.values():
        lines += [f"- {name}" for name in row["not_killed"]]
    lines += ["", "## Text-only (a message's words changed; not counted)", ""]
    for row in table.values():
        lines += [f"- {name}" for name in row["text_only_names"]]
    lines += ["", "## Equivalent (not counted)", ""]
    lines += [f"- `{name}`: {reason}" for name, reason in sorted(same.items())]
    if gone := stale():
        lines += [
            "",
            "## Listed equivalent for a change mutmut no longer makes (run and counted; list anew)",
            "",
        ]
        lines += [f"- `{name}`" for name in gone]
    (RESULTS / "mutation.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[len(notes) : len(notes) + 8 + len(table)]))


def merged(table: dict[str, dict], generated: Counter) -> dict[str, dict]:
    """Every module mutmut mutates now, with how many mutants it makes of each: a module without a verdict is
    shown as not checked. Without a mutmut copy to ask (no `mutants/`), the last run's rows stay."""
    if not generated:
        return dict(sorted({**last_report().get("modules", {}), **table}.items()))
    empty = {"mutants": 0, "killed": 0, "survived": 0, "timeout": 0, "other": 0, "equivalent": 0, "text_only": 0,
             "score": 1.0, "not_killed": [], "text_only_names": []}  # fmt: skip
    return {module: {"generated": n, **table.get(module, empty)} for module, n in sorted(generated.items())}


def kept(found: dict[str, str], whole: bool) -> dict[str, str]:
    """The verdict on every mutant from the last runs: a run of every mutant (`whole`) starts afresh; a run on
    some mutants (by module, or by name, such as the survivors of the last run after new tests) replaces their
    verdicts and keeps the others', and so does a report alone (`--report-only`)."""
    path = RESULTS / "mutation_verdicts.json"
    if not found:  # no mutmut copy to ask (`--report-only` without `mutants/`): the verdicts stay as they are
        return json.loads(path.read_text()) if path.exists() else {}
    earlier = json.loads(path.read_text()) if not whole and path.exists() else {}
    # a verdict on a mutant the code no longer has (a function renamed, split or removed) is dropped
    earlier = {name: status for name, status in earlier.items() if name in found}
    now = {name: status for name, status in found.items() if status != "not checked"}
    every = dict(sorted({**earlier, **now}.items()))
    path.write_text(json.dumps(every, indent=0, ensure_ascii=False) + "\n")
    record_killers(every, whole)
    return every


def record_killers(every: dict[str, str], whole: bool) -> None:
    """Keep the test that killed each killed mutant (benchmarks/results/mutation_killers.json): tests/conftest.py
    runs it first when the mutant is run again. It only orders the tests; the verdict is the run's own."""
    earlier = json.loads(KILLERS.read_text()) if not whole and KILLERS.exists() else {}
    now = {entry["mutant"]: entry["test"].removeprefix("mutants/") for entry in _runs() if entry["test"]}
    killers = {name: test for name, test in {**earlier, **now}.items() if every.get(name) == "killed"}
    KILLERS.write_text(json.dumps(dict(sorted(killers.items())), indent=0, ensure_ascii=False) + "\n")


def record_changes() -> int:
    """Write under each listed equivalent lacking one the change mutmut makes now (`--record-changes`, after a
    run, with `mutants/` present), so that a later edit giving the name another change is noticed."""
    listed = settings().get("equivalent", {})
    out, count, name = [], 0, None
    for line in EQUIVALENT.read_text().splitlines():
        out.append(line)
        if header := re.match(r'^\[equivalent\."(?P<name>[^"]+)"\]$', line):
            name = header["name"]
            continue
        lines = (
            _current(name) if name and line.startswith("reason = ") and "change" not in listed[name] else None
        )
        if lines is not None:
            out.append("change = [" + ", ".join(json.dumps(x, ensure_ascii=False) for x in lines) + "]")
            count += 1
    EQUIVALENT.write_text("\n".join(out) + "\n")
    print(f"recorded the change of {count} equivalent mutants")
    return 0


def main() -> int:
    if "--record-changes" in sys.argv:
        return record_changes()
    if sys.argv[1:2] == ["--mutmut-run"]:
        return mutmut_run(sys.argv[2:])
    names = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    rebuilt = "--report-only" in sys.argv
    seconds = last_seconds() if rebuilt else run_mutmut(names)
    same = equivalent()
    found = verdicts()
    generated = Counter(NAME.match(f"{name}: x")["module"] for name in found)
    whole = not names and not rebuilt
    table = score(kept(found, whole), same, skip_text=settings().get("exclude_text_only", False))
    table = merged(table, generated)
    took = durations()
    for module, row in table.items():  # where a run's time goes: the mutants of this module, run this time
        row["seconds"] = round(sum(t for name, t in took.items() if name.startswith(f"{module}.x")), 1)
    write(table, seconds, same, rebuilt)
    return 0 if all(row["score"] >= TARGET and row["mutants"] for row in table.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
