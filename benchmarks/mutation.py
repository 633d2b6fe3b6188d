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
import fnmatch
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
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
        for command in (["migrate"], ["createcachetable"]):  # what Django's test database setup does
            subprocess.run(
                [sys.executable, "manage.py", *command, "--verbosity", "0"], cwd=ROOT, check=True,
                env=dict(env, PYTHONPATH=str(ROOT / "src"), DATABASE_URL=f"sqlite:///{template}"),
            )  # fmt: skip
        env["CONTINUUM_TEST_DB_TEMPLATE"] = str(template)
        generate()
        wanted = set_aside(names)
        if wanted or not names:  # no names: every mutant not set aside; names all set aside: nothing to run
            subprocess.run([sys.executable, "-m", "mutmut", "run", *wanted], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


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


_SOURCE: dict[str, Path] = {}  # module -> its mutated file, found once


@functools.cache
def _diff(name: str) -> list[str]:
    """`mutmut show <name>`'s diff, read in this process (a `mutmut show` per survivor took seconds each)."""
    try:
        from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant

        os.chdir(ROOT)
        module = NAME.match(f"{name}: x")["module"]
        if module not in _SOURCE:
            _SOURCE[module] = find_mutant(name).path
        return get_diff_for_mutant(name, path=_SOURCE[module]).splitlines()
    except Exception:  # another mutmut version: ask its command line
        return subprocess.run(
            [sys.executable, "-m", "mutmut", "show", name], cwd=ROOT, capture_output=True, text=True
        ).stdout.splitlines()


def text_only(name: str) -> bool:
    """True when the mutant changes nothing but the words inside string literals."""
    lines = change(name)
    removed = [line[1:] for line in lines if line.startswith("-")]
    added = [line[1:] for line in lines if line.startswith("+")]
    if not removed or not added:
        return False
    before, after = _shape(removed), _shape(added)
    return before is not None and before == after


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


def write(table: dict[str, dict], seconds: float, same: dict[str, str]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "mutation.json").write_text(
        json.dumps({"seconds": round(seconds), "modules": table}, indent=2)
    )
    notes = [*NOTES.read_text().rstrip().splitlines(), ""] if NOTES.exists() else []
    lines = [
        *notes,
        f"# Mutation score per module (mutmut; "
        f"{f'{seconds / 60:.1f} min' if seconds else 'the kept verdicts'}; target {TARGET:.0%})",
        "",
        '"generated": the mutants mutmut makes of the module now; "checked": those with a verdict (from this run',
        "or kept from an earlier one). A module checked only in part has a score over what was checked.",
        "",
        "| module | generated | checked | killed | survived | timeout | equivalent | text-only | score |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for module, row in table.items():
        mark = "" if row["score"] >= TARGET else " (below target)"
        if not row["mutants"]:
            mark = " (not checked)"
        lines.append(
            f"| `{module}` | {row.get('generated', '-')} | {row['mutants']} | {row['killed']} | {row['survived']} | "
            f"{row['timeout']} | {row['equivalent']} | {row['text_only']} | {row['score']:.1%}{mark} |"
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
    print("\n".join(lines[len(notes) : len(notes) + 7 + len(table)]))


def merged(table: dict[str, dict], generated: Counter) -> dict[str, dict]:
    """Every module mutmut mutates now, with how many mutants it makes of each: a module without a verdict is
    shown as not checked. Without a mutmut copy to ask (no `mutants/`), the last run's rows stay."""
    if not generated:
        path = RESULTS / "mutation.json"
        earlier = json.loads(path.read_text()).get("modules", {}) if path.exists() else {}
        return dict(sorted({**earlier, **table}.items()))
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
    return every


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
    names = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    seconds = run_mutmut(names) if "--report-only" not in sys.argv else 0.0
    same = equivalent()
    found = verdicts()
    generated = Counter(NAME.match(f"{name}: x")["module"] for name in found)
    whole = not names and "--report-only" not in sys.argv
    table = score(kept(found, whole), same, skip_text=settings().get("exclude_text_only", False))
    table = merged(table, generated)
    write(table, seconds, same)
    return 0 if all(row["score"] >= TARGET and row["mutants"] for row in table.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
