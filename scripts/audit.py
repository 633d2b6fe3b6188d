"""`make audit`: known vulnerabilities in the pinned Python and npm dependencies.

Both tools need an advisory database on the network (PyPI's JSON API for pip-audit, the npm registry's audit
endpoint). Where it cannot be reached they report little or nothing and still exit 0, which reads as a clean
result; this script says plainly what was not checked. Exit 1: a known vulnerability; 2: something could not
be checked; 0: everything checked and clean."""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = REPO / ".venv" / "bin"
FOUND, UNCHECKED, CLEAN = 1, 2, 0


def python() -> int:
    freeze = subprocess.run([BIN / "python", "-m", "pip", "freeze", "--exclude-editable"],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    packages = [line for line in freeze.splitlines() if "==" in line]
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as requirements:
        requirements.write(freeze)
        requirements.flush()
        run = subprocess.run(
            [BIN / "pip-audit", "--progress-spinner", "off", "--disable-pip", "--no-deps", "-r", requirements.name],
            capture_output=True, text=True,
        )  # fmt: skip
    output = run.stdout + run.stderr
    unchecked = re.findall(r"^(\S+)\s+Dependency not found on PyPI and could not be audited", output, re.M)
    found = re.search(r"Found (\d+) known vulnerabilit", output)
    if found:
        print(output.strip())
        print(f"python: {found.group(1)} known vulnerabilities (above)")
        return FOUND
    if run.returncode != 0 and not unchecked:
        print(output.strip())
        print(
            "python: NOT CHECKED: pip-audit failed (above); PyPI's advisory data may be unreachable from here"
        )
        return UNCHECKED
    if unchecked:
        print(f"python: NOT CHECKED for {len(unchecked)} of {len(packages)} packages: PyPI's advisory data could "
              "not be reached from here (run `make audit` where https://pypi.org is reachable)")  # fmt: skip
        return UNCHECKED
    print(f"python: no known vulnerabilities in {len(packages)} pinned packages")
    return CLEAN


def npm() -> int:
    run = subprocess.run(["npm", "audit", "--json"], cwd=REPO / "frontend", capture_output=True, text=True)
    try:
        report = json.loads(run.stdout or "{}")
    except ValueError:
        report = {}
    counts = report.get("metadata", {}).get("vulnerabilities")
    if not isinstance(counts, dict):
        reason = report.get("message") or (report.get("error") or {}).get("summary") or "no answer"
        print(f"npm: NOT CHECKED: the registry's audit endpoint could not be used from here ({reason})")
        return UNCHECKED
    total = sum(v for k, v in counts.items() if k != "total" and isinstance(v, int))
    if total:
        print(subprocess.run(["npm", "audit"], cwd=REPO / "frontend", capture_output=True, text=True).stdout)
        print(f"npm: {total} known vulnerabilities (above)")
        return FOUND
    print("npm: no known vulnerabilities in the front-end packages")
    return CLEAN


def main() -> int:
    results = [python(), npm()]
    if FOUND in results:
        return FOUND
    return UNCHECKED if UNCHECKED in results else CLEAN


if __name__ == "__main__":
    sys.exit(main())
