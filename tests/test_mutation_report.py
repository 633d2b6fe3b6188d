"""`make mutation`'s bookkeeping (benchmarks/mutation.py): which mutants count, and which verdicts a run keeps.
The mutants themselves come from mutmut; here each function is given their diffs and verdicts directly."""

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "mutation.py"


@pytest.fixture
def mutation(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location("mutation_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "RESULTS", tmp_path)
    monkeypatch.setattr(module, "EQUIVALENT", tmp_path / "equivalent.toml")
    monkeypatch.setattr(module, "KILLERS", tmp_path / "mutation_killers.json")
    monkeypatch.setattr(module, "RUNS", tmp_path / "mutation-runs.jsonl")
    return module


def diff(before: str, after: str) -> list[str]:
    return ["--- a.py", "+++ a.py", f"-{before}", f"+{after}"]


def test_a_message_s_words_are_text_only_but_a_field_name_is_code(mutation, monkeypatch):
    diffs = {
        "m.x_f__mutmut_1": diff('raise ValueError("No stops in it")', 'raise ValueError("XXNo stops in itXX")'),
        "m.x_f__mutmut_2": diff('row["corrects"] = 1', 'row["XXcorrectsXX"] = 1'),
        "m.x_f__mutmut_3": diff('raise ValueError("No stops")', 'raise TypeError("No stops")'),
    }  # fmt: skip
    monkeypatch.setattr(mutation, "_diff", diffs.__getitem__)
    assert [mutation.text_only(name) for name in diffs] == [True, False, False]


def test_a_partial_run_keeps_the_other_verdicts_and_a_whole_run_starts_afresh(mutation):
    (mutation.RESULTS / "mutation_verdicts.json").write_text(
        json.dumps(
            {"m.x_f__mutmut_1": "survived", "m.x_f__mutmut_2": "killed", "m.x_gone__mutmut_1": "killed"}
        )
    )
    found = {"m.x_f__mutmut_1": "killed", "m.x_f__mutmut_2": "not checked", "m.x_f__mutmut_3": "not checked"}
    assert mutation.kept(found, whole=False) == {"m.x_f__mutmut_1": "killed", "m.x_f__mutmut_2": "killed"}
    assert mutation.kept(found, whole=True) == {"m.x_f__mutmut_1": "killed"}
    assert mutation.kept({}, whole=True) == {"m.x_f__mutmut_1": "killed"}  # nothing to ask: left as it was


def test_an_equivalent_counts_only_while_mutmut_makes_the_change_it_was_listed_for(mutation, monkeypatch):
    mutation.EQUIVALENT.write_text(
        '[equivalent."m.x_f__mutmut_1"]\nreason = "same"\nchange = ["-a = 1", "+a = 1.0"]\n'
        '[equivalent."m.x_f__mutmut_2"]\nreason = "same"\nchange = ["-b = 1", "+b = 1.0"]\n'
    )
    now = {"m.x_f__mutmut_1": diff("a = 1", "a = 1.0"), "m.x_f__mutmut_2": diff("b = 1", "b = 2")}
    monkeypatch.setattr(mutation, "_diff", now.__getitem__)
    assert mutation.equivalent() == {"m.x_f__mutmut_1": "same"}
    assert mutation.stale() == ["m.x_f__mutmut_2"]
    table = mutation.score(
        {"m.x_f__mutmut_1": "skipped", "m.x_f__mutmut_2": "survived"}, mutation.equivalent(), True
    )
    assert (table["m"]["equivalent"], table["m"]["survived"], table["m"]["score"]) == (1, 1, 0.0)


def test_a_run_keeps_the_test_that_killed_each_mutant_still_killed(mutation):
    """The killers order the next run's tests: one for a mutant that now survives, or is gone, would only cost
    time; a partial run keeps the killers of the mutants it did not run."""
    mutation.KILLERS.write_text(
        json.dumps({"m.x_f__mutmut_1": "tests/a.py::old", "m.x_f__mutmut_2": "tests/a.py::two"})
    )
    runs = [
        {"mutant": "m.x_f__mutmut_1", "test": "tests/a.py::new", "cpu": 0.2},
        {"mutant": "m.x_f__mutmut_3", "test": None, "cpu": 3.0},  # survived: every test ran, none failed
    ]
    mutation.RUNS.write_text("".join(json.dumps(run) + "\n" for run in runs))
    found = {"m.x_f__mutmut_1": "killed", "m.x_f__mutmut_2": "not checked", "m.x_f__mutmut_3": "survived"}
    (mutation.RESULTS / "mutation_verdicts.json").write_text(json.dumps({"m.x_f__mutmut_2": "killed"}))
    mutation.kept(found, whole=False)
    assert json.loads(mutation.KILLERS.read_text()) == {
        "m.x_f__mutmut_1": "tests/a.py::new",
        "m.x_f__mutmut_2": "tests/a.py::two",
    }
    assert mutation.durations() == {"m.x_f__mutmut_1": 0.2, "m.x_f__mutmut_3": 3.0}
    mutation.kept(found, whole=True)
    assert json.loads(mutation.KILLERS.read_text()) == {"m.x_f__mutmut_1": "tests/a.py::new"}


def test_a_mutant_s_diff_is_read_from_mutmut_s_index_of_its_lines(mutation, monkeypatch, tmp_path):
    """What `mutmut show` prints, without parsing the file: both copies named as the original function, a
    method dedented, so that a listed equivalent's change compares equal to the one recorded."""
    mutated = tmp_path / "mutants" / "src" / "m.py"
    mutated.parent.mkdir(parents=True)
    mutated.write_text(
        "import os\n"
        "def x_f__mutmut_orig(a, b=1):\n    return a + b\n"
        "def x_f__mutmut_1(a, b=2):\n    return a + b\n"
        "class C:\n"
        "    def xǁCǁg__mutmut_orig(self):\n        return 1\n"
        "    def xǁCǁg__mutmut_1(self):\n        return 2\n"
    )
    spans = {"x_f__mutmut_orig": [2, 3], "x_f__mutmut_1": [4, 5], "xǁCǁg__mutmut_orig": [7, 8],
             "xǁCǁg__mutmut_1": [9, 10]}  # fmt: skip
    (tmp_path / "mutants" / "src" / "m.py.spans").write_text(json.dumps({"version": 1, "spans": spans}))
    monkeypatch.setattr(mutation, "ROOT", tmp_path)
    monkeypatch.setattr(mutation, "_sources", lambda: {"m": "src/m.py"})
    assert mutation.change("m.x_f__mutmut_1") == ["-def f(a, b=1):", "+def f(a, b=2):"]
    assert mutation.change("m.xǁCǁg__mutmut_1") == ["-    return 1", "+    return 2"]
    assert mutation._diff("m.x_f__mutmut_1")[:2] == ["--- src/m.py", "+++ src/m.py"]


def test_a_mutant_s_tests_run_its_function_s_last_killers_first_then_the_rest_each_fastest_first(
    monkeypatch, tmp_path
):
    from tests import conftest

    killers = tmp_path / "killers.json"
    killers.write_text(
        json.dumps({"m.x_f__mutmut_1": "t::c", "m.x_f__mutmut_2": "t::b", "m.x_g__mutmut_1": "t::e"})
    )
    took = {"t::a": 0.5, "t::b": 0.2, "t::c": 0.9, "t::d": 0.1}  # t::e: not timed, so last
    (tmp_path / "mutmut-stats.json").write_text(json.dumps({"duration_by_test": took}))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CONTINUUM_MUTATION_KILLERS", str(killers))
    monkeypatch.setenv("MUTANT_UNDER_TEST", "m.x_f__mutmut_1")
    conftest._mutmut_killers.cache_clear()  # read once per process: here, from this test's files
    conftest._mutmut_timings.cache_clear()

    class Item:
        def __init__(self, nodeid):
            self.nodeid = nodeid

    items = [Item(f"t::{name}") for name in "abcde"]
    try:
        conftest.pytest_collection_modifyitems(None, items)
    finally:
        conftest._mutmut_killers.cache_clear()
        conftest._mutmut_timings.cache_clear()
    assert [item.nodeid for item in items] == ["t::b", "t::c", "t::d", "t::a", "t::e"]


def test_a_report_alone_keeps_the_last_run_s_time_and_says_it_is_that_run_s(mutation, monkeypatch, capsys):
    """`--report-only` runs no mutant: the report it rebuilds shows the verdicts of the last run, so it shows
    that run's time too, not none."""
    monkeypatch.setattr(mutation, "NOTES", mutation.RESULTS / "notes.md")
    monkeypatch.setattr(mutation, "verdicts", dict)  # no mutmut copy to ask
    monkeypatch.setattr(mutation, "file_seconds", dict)
    monkeypatch.setattr(mutation, "run_mutmut", lambda names: pytest.fail("--report-only ran mutmut"))
    monkeypatch.setattr(mutation.sys, "argv", ["mutation.py", "--report-only"])
    (mutation.RESULTS / "mutation_verdicts.json").write_text(json.dumps({"m.x_f__mutmut_1": "killed"}))
    (mutation.RESULTS / "mutation.json").write_text(json.dumps({"seconds": 1322, "modules": {}}))
    assert mutation.main() == 0
    assert json.loads((mutation.RESULTS / "mutation.json").read_text())["seconds"] == 1322
    header = (mutation.RESULTS / "mutation.md").read_text().splitlines()[0]
    assert header == (
        "# Mutation score per module (mutmut; the last run, 22.0 min; report rebuilt from its verdicts; target 95%)"
    )
    assert "| `m` | - | 1 | 1 | 0 | 0 | 0 | 0 | 100.0% | 0 |" in capsys.readouterr().out
