"""Mutation testing of the core (`make mutation`): mutmut mutates the modules named in pyproject's
`[tool.mutmut] only_mutate`, runs for each mutant the selected tests that reach the mutated function, and this
script turns its verdicts into a score per module, written to benchmarks/results/mutation.json and .md.

Score = killed / (mutants - equivalent). Equivalent mutants (a change no test can observe, such as clipping a
Wilson bound at 2 instead of 1 when it never exceeds 1) are listed, each with its reason, in
benchmarks/mutation_equivalent.toml; they are reported, not counted. Not part of `make test`: it takes minutes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.toml"
TARGET = 0.95
# mutmut's name for a mutant: module path, then x_<function> or xǁClassǁmethod, then __mutmut_<n>.
NAME = re.compile(r"^\s*(?P<name>(?P<module>[\w.]+)\.x[_ǁ].*__mutmut_\d+): (?P<status>[\w ]+)$")


def run_mutmut() -> float:
    """Run mutmut from a clean `mutants/` copy; the engine tests find the shared data through the environment."""
    env = dict(os.environ, DEBUG="1", CONTINUUM_SHARED_DATA=str((ROOT / ".." / "shared" / "data").resolve()))
    started = time.monotonic()
    subprocess.run(["rm", "-rf", str(ROOT / "mutants")], check=True)
    subprocess.run([sys.executable, "-m", "mutmut", "run"], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


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


def equivalent() -> dict[str, str]:
    data = tomllib.loads(EQUIVALENT.read_text()) if EQUIVALENT.exists() else {}
    return {name: entry["reason"] for name, entry in data.get("equivalent", {}).items()}


def score(found: dict[str, str], same: dict[str, str]) -> dict[str, dict]:
    per_module: dict[str, Counter] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    for name, status in found.items():
        module = NAME.match(f"{name}: x")["module"]
        if name in same:
            per_module[module]["equivalent"] += 1
            continue
        per_module[module][status] += 1
        if status != "killed":
            survivors[module].append(f"{name} ({status})")
    table = {}
    for module, counts in sorted(per_module.items()):
        total = sum(counts.values())
        counted = total - counts["equivalent"]
        table[module] = {
            "mutants": total,
            "killed": counts["killed"],
            "survived": counts["survived"],
            "timeout": counts["timeout"],
            "other": counted - counts["killed"] - counts["survived"] - counts["timeout"],
            "equivalent": counts["equivalent"],
            "score": round(counts["killed"] / counted, 4) if counted else 1.0,
            "not_killed": sorted(survivors[module]),
        }
    return table


def write(table: dict[str, dict], seconds: float, same: dict[str, str]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "mutation.json").write_text(
        json.dumps({"seconds": round(seconds), "modules": table}, indent=2)
    )
    lines = [
        f"# Mutation score per module (mutmut; {seconds / 60:.1f} min; target {TARGET:.0%})",
        "",
        "| module | mutants | killed | survived | timeout | equivalent | score |",
        "|---|---|---|---|---|---|---|",
    ]
    for module, row in table.items():
        mark = "" if row["score"] >= TARGET else " (below target)"
        lines.append(
            f"| `{module}` | {row['mutants']} | {row['killed']} | {row['survived']} | {row['timeout']} | "
            f"{row['equivalent']} | {row['score']:.1%}{mark} |"
        )
    lines += ["", "## Not killed", ""]
    for row in table.values():
        lines += [f"- {name}" for name in row["not_killed"]]
    lines += ["", "## Equivalent (not counted)", ""]
    lines += [f"- `{name}`: {reason}" for name, reason in sorted(same.items())]
    (RESULTS / "mutation.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[: 4 + len(table)]))


def main() -> int:
    seconds = run_mutmut() if "--report-only" not in sys.argv else 0.0
    same = equivalent()
    table = score(verdicts(), same)
    write(table, seconds, same)
    return 0 if all(row["score"] >= TARGET for row in table.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
