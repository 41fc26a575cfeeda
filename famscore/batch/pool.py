"""The worker pool: files read in isolated processes (retry, timeout, memory limit, fork/spawn), in job order."""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing as mp
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from famscore import interrupt
from famscore.messages import Msg
from famscore.returns import ReturnData, read_return
from famscore.scheme.model import Scheme

FILE_TIMEOUT = 60.0  # seconds one return may take before its worker is stopped (a return takes ~0.05 s)
# How long a new worker may take to start (import, load the scheme) before its first file is counted as
# hung; the per-file limit counts only from when the worker is ready.
START_ALLOWANCE = 60.0
READY = -1  # the index of the message a worker sends when it is ready for files
# Bytes of address space a worker may add to what it inherited (POSIX only). A return needs tens of MB;
# calamine asking for more aborts the worker, which costs only that file.
MEMORY_LIMIT = 2 * 1024**3
PARENT_CHECK = 1.0  # seconds an idle worker waits for a job before checking its parent is alive
GATHER = 0.003  # seconds the parent lets results gather while every worker has work queued
IN_FLIGHT = 8  # jobs queued in each worker: it goes on to the next file without waiting for the parent
SMALL_BATCH = 24  # below this one worker is enough: starting a second costs more than it saves
CRASHED = "crashed"  # how a file failed, for failed_return
TIMED_OUT = "timed out"


def default_workers(count: int) -> int:
    if count < SMALL_BATCH:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _address_space() -> int:
    """Bytes of address space this process uses now (0 when unknown)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


# Set to 1 to run a worker as on Windows, without a memory cap (tests and CI exercise that path here).
NO_MEMORY_LIMIT_ENV = "FAMSCORE_NO_MEMORY_LIMIT"


def _limit_memory() -> bool:
    """Cap this worker's address space; False when no cap could be set (Windows, macOS).

    Without a cap a worker must not let calamine parse a sheet unchecked: a 30 KB file declaring a far
    cell makes it allocate gigabytes (3 GB and 20 s for A1:CV1000000) before the range is seen.
    """
    if os.environ.get(NO_MEMORY_LIMIT_ENV, "").strip() not in ("", "0"):
        return False
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        return False
    used = _address_space()
    if not used:
        return False  # no /proc (macOS): its huge reserved address space makes RLIMIT_AS unusable
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    # On top of what was inherited: a forked worker starts as big as the parent is.
    limit = used + MEMORY_LIMIT
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        return False
    return True


def _quiet_stderr() -> None:
    """A reader that aborts prints a Rust backtrace; the user gets a one-line message per file instead."""
    if os.environ.get("FAMSCORE_DEBUG"):
        return
    faulthandler.disable()  # a crash here is contained and reported; no Python traceback dump either
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


# Called as reader(path, state, display name, contained=...), like read_return; `state` is what
# `prepare(scheme, spool_dir)` made once in the worker (the scheme itself without `prepare`).
Reader = Callable[..., Any]
Prepare = Callable[[Scheme, str], Any]


Job = tuple[int, str, str, bool]  # index, path, display name, contained (see read_return)


def _worker(
    conn: Connection,
    scheme: Scheme | None,
    scheme_path: str,
    reader: Reader,
    prepare: Prepare | None = None,
    spool_dir: str = "",
    parent: int = 0,
) -> None:
    interrupt.in_child(parent)
    # Uncapped, every file gets the full pre-parse checks (famscore.safety.scan_sheet) that a capped
    # worker skips: the whole-sheet scan costs about a read, far less than gigabytes and a minute.
    capped = _limit_memory()
    _quiet_stderr()
    if scheme is None:  # spawned: nothing inherited, the scheme is loaded again
        from famscore.scheme.loader import load_scheme

        scheme = load_scheme(scheme_path)
    state = prepare(scheme, spool_dir) if prepare is not None else scheme
    conn.send((READY, None))  # the parent starts the first file's clock now, not at the spawn
    while True:
        # A parent that died sends no last None, and a forked worker holds copies of the parent's
        # pipe ends (its own, its elder siblings'), so no end of file comes either: check the parent.
        if not conn.poll(PARENT_CHECK):
            if interrupt.parent_gone(parent):
                return
            continue
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        index, path, name, contained = job
        conn.send((index, reader(Path(path), state, name, contained=contained and capped)))


class _Slot:
    """One worker process and the jobs handed to it, oldest (the one it is reading now) first."""

    def __init__(
        self, ctx: Any, scheme: Scheme, reader: Reader, prepare: Prepare | None, spool_dir: str
    ) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        # A forked worker inherits the scheme as it is; a spawned one gets its path and loads it.
        inherited = scheme if ctx.get_start_method() == "fork" else None
        self.process = ctx.Process(
            target=_worker,
            args=(child, inherited, scheme.path, reader, prepare, spool_dir, os.getpid()),
            daemon=True,
        )
        with interrupt.held():
            self.process.start()
        child.close()
        self.jobs: deque[Job] = deque()
        # A spawned worker imports famscore and loads the scheme before its first file (0.2–1 s, more on
        # a loaded machine): the per-file clock starts when it says it is ready, not when it is started.
        self.ready = False
        self.born = time.monotonic()
        self.started = 0.0  # when the worker began the oldest job

    def overdue(self, now: float, timeout: float) -> bool:
        """The oldest job has taken longer than `timeout` (or the worker never became ready)."""
        if not self.ready:
            return now - self.born > timeout + START_ALLOWANCE
        return now - self.started > timeout

    def give(self, job: Job) -> bool:
        """Hand the worker a job; False when it is already dead (the caller replaces it)."""
        if not self.jobs and self.ready:
            self.started = time.monotonic()
        self.jobs.append(job)
        try:
            self.conn.send(job)
        except (OSError, ValueError):
            return False
        return True

    def done(self) -> None:
        """The oldest job's result arrived: the worker went straight on to the next one."""
        self.jobs.popleft()
        self.started = time.monotonic()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(1)
        self.conn.close()


def failed_return(path: str, name: str, failure: str, timeout: float = FILE_TIMEOUT) -> ReturnData:
    """The unreadable ReturnData of a file whose worker died (`CRASHED`) or hung (`TIMED_OUT`)."""
    data = ReturnData(name, path, readable=False)
    if failure == CRASHED:
        data.problems.append(Msg.RETURN_READER_CRASHED.problem(name))
    else:
        data.problems.append(Msg.RETURN_READ_TIMED_OUT.problem(name, seconds=f"{timeout:g}"))
    return data


START_METHOD_ENV = "FAMSCORE_START_METHOD"  # "spawn" runs Linux the way Windows and macOS run


def start_method() -> str:
    """How worker processes start: fork on Linux, spawn elsewhere, or what FAMSCORE_START_METHOD says.

    fork shares the loaded scheme for free; spawn is what Windows has, so CI forces it once to keep
    the Windows path tested.
    """
    forced = os.environ.get(START_METHOD_ENV, "").strip().lower()
    if forced in mp.get_all_start_methods():
        return forced
    return "fork" if sys.platform.startswith("linux") else "spawn"


def _context() -> Any:
    return mp.get_context(start_method())


def read_in_workers(
    jobs: Sequence[tuple[Path, str]],
    scheme: Scheme,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    timeout: float = FILE_TIMEOUT,
    reader: Reader = read_return,
    *,
    prepare: Prepare | None = None,
    spool_dir: str = "",
    receive: Callable[[Any], Any] | None = None,
) -> list[Any]:
    """Read (path, display name) jobs; results come back in job order whatever happens to a worker.

    Each worker has up to IN_FLIGHT jobs queued, so it never waits for the parent between files. A
    file whose worker dies is read once more in a new worker, with every pre-parse check
    (`contained=False`), which turns a calamine abort into the precise reason (a worker without a
    memory cap reads every file that way from the start); if it dies again, or
    takes longer than `timeout`, that file alone is reported (an unreadable ReturnData), and the files queued behind it are handed out again. `reader` and `prepare` must be
    module-level functions (they are sent to spawned workers); `receive` sees each result as it
    arrives in the parent.
    """
    total = len(jobs)
    results: list[Any] = [None] * total
    if not total:
        return []
    ctx = _context()
    queue: list[Job] = [(i, str(p), name, True) for i, (p, name) in enumerate(jobs)]
    queue.reverse()  # popped from the end
    slots: list[_Slot] = []  # filled inside the try below, so an interrupted start still stops them
    done = 0
    finished = False

    def finish(index: int, result: Any) -> None:
        nonlocal done
        results[index] = receive(result) if receive is not None else result
        done += 1
        if progress is not None:
            progress(done, total)

    def give_up(job: Job, failure: str) -> None:
        index, path, name, _contained = job
        finish(index, failed_return(path, name, failure, timeout))

    def new_slot() -> _Slot:
        return _Slot(ctx, scheme, reader, prepare, spool_dir)

    def replace(n: int) -> None:
        """A new worker in slot n; the jobs the old one had not finished go back to the queue."""
        queue.extend(reversed(slots[n].jobs))
        slots[n].stop()
        slots[n] = new_slot()

    def feed(n: int) -> None:
        """Top up slot n, replacing a worker that died between jobs (once per job)."""
        while queue and len(slots[n].jobs) < IN_FLIGHT:
            job = queue.pop()
            if slots[n].give(job):
                continue
            slots[n].jobs.pop()
            replace(n)
            if not slots[n].give(job):
                slots[n].jobs.pop()
                give_up(job, CRASHED)

    def fail(n: int, failure: str) -> None:
        job = slots[n].jobs.popleft()
        if failure == CRASHED and job[3]:
            queue.append((job[0], job[1], job[2], False))  # read once more, carefully
        else:
            give_up(job, failure)
        replace(n)

    try:
        for _ in range(max(1, min(workers, total))):
            slots.append(new_slot())
        for n in range(len(slots)):
            feed(n)
        while any(s.jobs for s in slots):
            busy = [s for s in slots if s.jobs]
            if all(len(s.jobs) > 1 for s in busy):
                # Every worker has its next file already: let results gather rather than wake per file.
                time.sleep(GATHER)
            ready = set(wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=0.2))
            now = time.monotonic()
            for n, slot in enumerate(slots):
                if not slot.jobs:
                    feed(n)
                    continue
                if slot.conn in ready:
                    try:
                        while slot.jobs and slot.conn.poll():
                            index, result = slot.conn.recv()
                            if index == READY:
                                slot.ready, slot.started = True, time.monotonic()
                                continue
                            slot.done()
                            finish(index, result)
                    except Exception:  # EOF from a dead worker, or a result that cannot be unpickled
                        fail(n, CRASHED)
                    feed(n)
                elif slot.process.sentinel in ready or not slot.process.is_alive():
                    fail(n, CRASHED)
                    feed(n)
                elif slot.overdue(now, timeout):
                    fail(n, TIMED_OUT)
                    feed(n)
        for slot in slots:
            if slot.process.is_alive():
                with contextlib.suppress(OSError, ValueError):
                    slot.conn.send(None)
        finished = True
    finally:
        # Interrupted (or failed): the workers are killed at once, not waited for.
        for slot in slots:
            if finished:
                slot.process.join(0.5)
            slot.stop()
    return [r for r in results if r is not None]
