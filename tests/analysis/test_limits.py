"""Bounded work: the child process's result, its errors with their file and row, the time and memory limits,
the environment as it is now; a draft from a bounded sample; workbooks that unpack too far refused unread."""

import os
import time
import zipfile

import duckdb
import pytest

from continuum.analysis.errors import InputError
from continuum.analysis.limits import LimitReached, WorkCrashed, run_bounded
from continuum.analysis.load import load_stops, workbook_unpacked_problem
from continuum.analysis.profile import profile


def test_the_result_comes_back_from_the_child():
    assert run_bounded(sorted, [3, 1, 2]) == [1, 2, 3]


def test_an_input_error_keeps_its_file_and_reason(tmp_path):
    with pytest.raises(InputError) as raised:
        run_bounded(profile, tmp_path / "missing.csv")
    assert not isinstance(raised.value, LimitReached)
    assert raised.value.file == str(tmp_path / "missing.csv") and raised.value.reason == "file not found"


def test_an_input_error_keeps_the_parameters_it_names():
    """The platform turns them into the form's fields: they must survive the trip back from the child."""
    from continuum.analysis.analyses.veil import _float

    with pytest.raises(InputError) as raised:
        run_bounded(_float, "lat", None)
    assert raised.value.params == ("lat",) and "latitude" in raised.value.reason


def test_work_past_the_deadline_is_stopped_with_the_limit_named(monkeypatch):
    started = time.monotonic()
    with pytest.raises(LimitReached) as raised:
        run_bounded(time.sleep, 30, seconds=0.5, what="Drafting a mapping")
    assert time.monotonic() - started < 20  # stopped, not waited for
    assert raised.value.reason.startswith(
        "Drafting a mapping was stopped after 0.5 seconds, the time it may take;"
    )
    monkeypatch.setenv("CONTINUUM_JOB_SECONDS", "0.5")  # a job's limit, from the setting that names it
    with pytest.raises(LimitReached, match=r"the time it may take \(CONTINUUM_JOB_SECONDS\)"):
        run_bounded(time.sleep, 30)


def test_work_past_the_memory_limit_is_refused_and_the_caller_lives_on():
    with pytest.raises(LimitReached) as raised:
        run_bounded(bytearray, 8 * 1024**3, memory_mb=1024)
    assert "more than 1,024 MB of memory" in raised.value.reason
    assert run_bounded(len, "the next piece of work runs") == 27


def test_an_unexpected_error_is_raised_with_the_childs_traceback():
    with pytest.raises(WorkCrashed, match=r"^ValueError: invalid literal") as raised:
        run_bounded(int, "not a number")
    assert "Traceback" not in str(raised.value) and "Traceback" in raised.value.details


def test_the_child_sees_the_environment_as_it_is_when_the_work_starts(monkeypatch):
    run_bounded(len, "")  # the fork server is running before the variable is set
    monkeypatch.setenv("CONTINUUM_WORK_DIR", "/set/after/the/server/started")
    assert run_bounded(os.getenv, "CONTINUUM_WORK_DIR") == "/set/after/the/server/started"


def _csv(path, rows: int):
    path.write_text(
        "stop_date,driver_race\n" + "".join(f"2020-01-{1 + i % 28:02d},{'WB'[i % 2]}\n" for i in range(rows))
    )
    return path


def test_a_draft_reads_a_bounded_sample_and_says_so(tmp_path):
    draft, prof = profile(_csv(tmp_path / "big.csv", 250), sample_rows=100)
    assert "first 100 rows" in draft
    assert sum(n for _, n in prof["driver_race"]["top"]) == 100  # only the sample was counted
    draft, prof = profile(_csv(tmp_path / "small.csv", 99), sample_rows=100)
    assert "first" not in draft and sum(n for _, n in prof["driver_race"]["top"]) == 99


def test_a_parquet_file_of_many_rows_is_sampled_not_read_whole(tmp_path):
    path = tmp_path / "many.parquet"
    duckdb.sql(
        f"COPY (SELECT DATE '2020-01-01' AS stop_date, 'W' AS driver_race FROM range(300000)) TO '{path}'"
    )
    draft, prof = profile(path)
    assert "first 100,000 rows" in draft and prof["driver_race"]["top"] == [("W", 100_000)]


def _workbook(path, padding_bytes: int):
    """A valid-looking XLSX whose sheet XML unpacks to `padding_bytes` of repeated text (a zip bomb in small)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<c>" + "0" * padding_bytes + "</c>")
    return path


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("CONTINUUM_MAX_UNPACKED_MB", "2")
    bomb = _workbook(tmp_path / "bomb.xlsx", 3 * 1024 * 1024)
    assert bomb.stat().st_size < 100_000
    problem = workbook_unpacked_problem(bomb)
    assert problem.startswith("the workbook unpacks to 3 MB, more than the 2 MB")
    with pytest.raises(InputError, match="unpacks to 3 MB") as raised:
        profile(bomb)
    assert raised.value.file == str(bomb)
    with pytest.raises(InputError, match="unpacks to 3 MB"), load_stops(bomb, None):
        pass
    assert workbook_unpacked_problem(_workbook(tmp_path / "fine.xlsx", 1024 * 1024)) is None
