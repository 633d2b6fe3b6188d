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
