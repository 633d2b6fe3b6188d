"""Bounded work: run one piece of engine work in a child process with a wall-clock and a memory limit.

A small upload can demand unbounded work (a 4 MB Parquet file of 600M rows, an 8 MB workbook that unpacks to
2 GiB). Inside the caller's process nothing can stop it: a thread cannot be killed, and a worker that runs out
of memory dies with every other job it holds. A child process can be: the operating system caps its memory
(RLIMIT_AS), and the parent kills it at the deadline. Children fork from a fork server started once (so each
costs milliseconds, and never forks a process that has threads), with the engine already imported.

Errors cross back as data: an InputError keeps its file, row, column, value and parameters; a limit reached is
an InputError that says which limit, so every caller already shows it as a one-line reason."""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import multiprocessing.util
import os
import resource
import signal
import tempfile
import traceback
from collections.abc import Callable
from typing import Any

from .errors import InputError

SECONDS_ENV, MEMORY_ENV = "CONTINUUM_JOB_SECONDS", "CONTINUUM_JOB_MEMORY_MB"
DEFAULT_SECONDS, DEFAULT_MEMORY_MB = 30 * 60, 6144
PR_SET_PDEATHSIG = 1
SOCKET_FOLDER_MAX = 48  # leaves room for pymp-XXXXXXXX/listener-XXXXXXXX under it
PRELOAD = ["__main__", "continuum.analysis.analyses", "continuum.analysis.load", "continuum.analysis.profile"]

_context: multiprocessing.context.BaseContext | None = None


class LimitReached(InputError):
    """The work needed more time or memory than one job may take."""


class WorkCrashed(RuntimeError):
    """The child raised something other than an InputError: str() is its last line (what a person is shown),
    `details` the whole traceback (for the log)."""

    def __init__(self, details: str):
        lines = details.strip().splitlines()
        super().__init__(lines[-1] if lines else "unknown error")
        self.details = details


def default_seconds() -> float:
    return float(os.environ.get(SECONDS_ENV, DEFAULT_SECONDS))


def default_memory_mb() -> int:
    return int(os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_MB))


def _ctx() -> multiprocessing.context.BaseContext:
    global _context
    if _context is None:
        _short_socket_folder()
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _short_socket_folder() -> None:
    """The fork server listens on a Unix socket in multiprocessing's temporary folder, and a socket's path may
    hold at most 107 bytes: under a deep TMPDIR that folder is made in /tmp instead."""
    if len(tempfile.gettempdir()) <= SOCKET_FOLDER_MAX or not os.path.isdir("/tmp"):
        return
    saved = tempfile.tempdir
    tempfile.tempdir = "/tmp"
    try:
        multiprocessing.util.get_temp_dir()  # made once per process, under the temporary folder of the moment
    finally:
        tempfile.tempdir = saved


def run_bounded[T](
    fn: Callable[..., T], *args: Any, seconds: float | None = None, memory_mb: int | None = None,
    what: str = "This job",
) -> T:  # fmt: skip
    """fn(*args) in a child process; its result, or the InputError it raised, or LimitReached.

    fn and its arguments must be importable and picklable: a module-level function of the engine, paths,
    mappings, dicts. `what` names the work in the limit's message ("This job", "Profiling the file")."""
    setting = f" ({SECONDS_ENV})" if seconds is None else ""
    seconds = default_seconds() if seconds is None else seconds
    memory_mb = default_memory_mb() if memory_mb is None else memory_mb
    env = {k: v for k, v in os.environ.items() if k.startswith("CONTINUUM_")}  # as now, not as at preload
    receive, send = _ctx().Pipe(duplex=False)
    child = _ctx().Process(target=_child, args=(send, memory_mb, env, fn, args), daemon=True)
    child.start()
    send.close()
    try:
        ready = multiprocessing.connection.wait([receive, child.sentinel], timeout=seconds)
        if receive in ready:
            try:
                kind, payload = receive.recv()
            except EOFError:  # the child died after the pipe became readable: judged by its exit below
                kind, payload = "died", None
        elif not ready:
            raise LimitReached(
                f"{what} was stopped after {_duration(seconds)}, the time it may take{setting}; a file this "
                "large or complex needs to be split, or the limit raised"
            )
        else:
            kind, payload = "died", None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receive.close()
    if kind == "ok":
        return payload
    if kind == "input":
        cls = LimitReached if payload.pop("limit", False) else InputError
        raise cls(payload.pop("reason"), **payload)
    if kind == "error":
        raise WorkCrashed(payload)
    if kind == "memory":
        raise LimitReached(
            f"{what} needed more than {memory_mb:,} MB of memory, the most one job may use ({MEMORY_ENV})"
        )
    raise LimitReached(  # killed, or unable even to report: an allocation refused where it can't be caught
        f"{what} stopped before finishing (exit code {child.exitcode}), most likely for want of memory: one job "
        f"may use {memory_mb:,} MB ({MEMORY_ENV})"
    )


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} seconds"


def _child(send, memory_mb: int, env: dict[str, str], fn: Callable[..., Any], args: tuple) -> None:
    _die_with_parent()
    os.environ.update(env)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        message: tuple[str, Any] = ("ok", fn(*args))
    except LimitReached as error:
        message = ("input", _fields(error) | {"limit": True})
    except InputError as error:
        message = ("input", _fields(error))
    except MemoryError:
        message = ("memory", None)
    except Exception as error:  # sent as text: the parent raises it, the traceback names the cause
        text = "".join(traceback.format_exception(error))
        message = ("memory", None) if _out_of_memory(text) else ("error", text)
    try:
        send.send(message)
    except MemoryError:
        send.send(("memory", None))
    finally:
        send.close()


def _die_with_parent() -> None:
    """A worker killed mid-job takes its fork server with it; the work must stop too, not write on unseen."""
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the parent's kill at the deadline still stops it
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _fields(error: InputError) -> dict[str, Any]:
    return {
        "reason": error.reason, "file": error.file, "row": error.row, "column": error.column,
        "value": error.value, "params": error.params,
    }  # fmt: skip


def _out_of_memory(text: str) -> bool:
    """DuckDB and Arrow report a refused allocation as their own errors, not MemoryError."""
    lowered = text.lower()
    return "out of memory" in lowered or "failed to allocate" in lowered or "std::bad_alloc" in lowered
