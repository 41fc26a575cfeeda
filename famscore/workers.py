"""Reads returns in worker processes: both cores busy, and a reader crash costs only its own file."""

from __future__ import annotations

import contextlib
import faulthandler
import gc
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
from famscore.returns import ReturnData, read_return
from famscore.scheme.model import Scheme

FILE_TIMEOUT = 60.0  # seconds one return may take before its worker is stopped (a return takes ~0.05 s)
# Bytes of address space a worker may add to what it inherited (POSIX only). A return needs tens of MB;
# calamine asking for more aborts the worker, which costs only that file.
MEMORY_LIMIT = 2 * 1024**3
PARENT_CHECK = 1.0  # seconds an idle worker waits for a job before checking its parent is alive
GATHER = 0.003  # seconds the parent lets results gather while every worker has work queued
IN_FLIGHT = 8  # jobs queued in each worker: it goes on to the next file without waiting for the parent
SMALL_BATCH = 24  # below this one worker is enough: starting a second costs more than it saves
CRASHED = "读取该文件时读取程序异常退出（文件可能已损坏或含有恶意内容）"
TIMED_OUT = "读取该文件超过 {seconds} 秒仍未完成，已停止"
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"

_SCHEME: Scheme | None = None  # the worker's copy, inherited on fork or loaded on spawn
_SPOOL: Any = None  # the worker's spool file for unit details (see read_and_score)
# Item scores by inputs, per scheme, shared by the returns this process scores (see score_rows).
_MEMO: dict[str, dict] = {}


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


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the per-file timeout still bounds a runaway read
        return
    used = _address_space()
    if not used:
        return  # no /proc (macOS): its huge reserved address space makes RLIMIT_AS unusable
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    # On top of what was inherited: a forked worker starts as big as the parent is.
    limit = used + MEMORY_LIMIT
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


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


def read_and_score(path: Path, scheme: Scheme, name: str, *, contained: bool = False) -> ReturnData:
    """Read one return and score it in the same process (see famscore.scoring.score_rows)."""
    from famscore.scoring import calculation_problems, score_rows, summarise

    data = read_return(path, scheme, name, contained=contained)
    if data.readable:
        data.scores = score_rows(scheme, data.values, _MEMO.setdefault(scheme.fingerprint, {}))
        data.totals = summarise(scheme, data.scores)
        if not data.totals.complete:  # name what stopped an item while the cells are known
            data.problems.extend(calculation_problems(scheme, data, data.scores))
        if _SPOOL is not None:
            _spool(data)
    data.cells = {}  # addresses served the reader's own messages; nothing downstream needs them
    return data


def _spool(data: ReturnData) -> None:
    """Write the bulky details to this worker's spool and send back only the numbers: the parent
    then holds a few hundred bytes per unit instead of every explanation and typed value."""
    import pickle

    record = pickle.dumps(
        (data.scores, data.values, data.raw, data.remarks), protocol=pickle.HIGHEST_PROTOCOL
    )
    offset = _SPOOL.seek(0, os.SEEK_END)
    _SPOOL.write(record)
    data.spool = (_SPOOL.name, offset, len(record))
    data.scores, data.values, data.raw, data.remarks = [], {}, {}, {}


# Called as reader(path, scheme, display name, contained=...), like read_return.
Reader = Callable[..., ReturnData]


def _spool_dir() -> str:
    """A private folder for the workers' spool files, removed when this process exits."""
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="famscore-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _share_strings(data: ReturnData, canonical: dict[str, str]) -> ReturnData:
    """Unpickled results bring their own copy of every field id and explanation; at 40,000 returns
    those copies are most of the memory, so keys become the scheme's own strings and texts are interned.
    """

    def rekey(values: dict[str, object]) -> dict[str, object]:
        return {canonical.get(k, k): v for k, v in values.items()}

    data.values, data.raw = rekey(data.values), rekey(data.raw)
    data.cells = {}  # addresses served the reader's own messages; nothing downstream needs them
    data.remarks = rekey(data.remarks)
    data.scores = [
        (canonical.get(i, sys.intern(i)), score, sys.intern(text), flags, missing)
        for i, score, text, flags, missing in data.scores
    ]
    return data


Job = tuple[int, str, str, bool]  # index, path, display name, contained (see read_return)


def _worker(conn: Connection, scheme_path: str, reader: Reader, spool_dir: str = "", parent: int = 0) -> None:
    global _SCHEME, _SPOOL
    interrupt.in_child(parent)
    _limit_memory()
    _quiet_stderr()
    if spool_dir:
        # Unbuffered: every record is on disk when its result is sent, even if this worker dies later.
        _SPOOL = open(os.path.join(spool_dir, f"w{os.getpid()}.bin"), "ab", buffering=0)  # noqa: SIM115
    if _SCHEME is None:
        from famscore.scheme.loader import load_scheme

        _SCHEME = load_scheme(scheme_path)
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
        conn.send((index, reader(Path(path), _SCHEME, name, contained=contained)))


class _Slot:
    """One worker process and the jobs handed to it, oldest (the one it is reading now) first."""

    def __init__(
        self, ctx: mp.context.BaseContext, scheme_path: str, reader: Reader, spool_dir: str = ""
    ) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(
            target=_worker, args=(child, scheme_path, reader, spool_dir, os.getpid()), daemon=True
        )
        with interrupt.held():
            self.process.start()
        child.close()
        self.jobs: deque[Job] = deque()
        self.started = 0.0  # when the worker began the oldest job

    def give(self, job: Job) -> bool:
        """Hand the worker a job; False when it is already dead (the caller replaces it)."""
        if not self.jobs:
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


def _failed(job: Job, failure: str) -> ReturnData:
    _index, path, name, _contained = job
    data = ReturnData(name, path, readable=False)
    data.problem("", "", failure + "，本文件未计分", RESAVE)
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


def _context() -> mp.context.BaseContext:
    return mp.get_context(start_method())


def read_in_workers(
    jobs: Sequence[tuple[Path, str]],
    scheme: Scheme,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
    timeout: float = FILE_TIMEOUT,
    reader: Reader = read_return,
    spool: bool = False,
) -> list[ReturnData]:
    """Read (path, display name) jobs; results come back in job order whatever happens to a worker.

    Each worker has up to IN_FLIGHT jobs queued, so it never waits for the parent between files. A
    file whose worker dies is read once more in a new worker, with every pre-parse check
    (`contained=False`), which turns a calamine abort into the precise reason; if it dies again, or
    takes longer than `timeout`, that file alone is reported, and the files queued behind it are
    handed out again. `reader` must be a module-level
    function (it is sent to spawned workers).
    """
    global _SCHEME
    total = len(jobs)
    results: list[ReturnData | None] = [None] * total
    if not total:
        return []
    ctx = _context()
    _SCHEME = scheme  # inherited by forked workers
    spool_dir = _spool_dir() if spool else ""
    queue: list[Job] = [(i, str(p), name, True) for i, (p, name) in enumerate(jobs)]
    queue.reverse()  # popped from the end
    slots: list[_Slot] = []  # filled inside the try below, so an interrupted start still stops them
    done = 0
    finished = False

    canonical = {fid: fid for fid in scheme.fields}

    def finish(index: int, data: ReturnData) -> None:
        nonlocal done
        results[index] = _share_strings(data, canonical)
        done += 1
        if progress is not None:
            progress(done, total)

    def replace(n: int) -> None:
        """A new worker in slot n; the jobs the old one had not finished go back to the queue."""
        queue.extend(reversed(slots[n].jobs))
        slots[n].stop()
        slots[n] = _Slot(ctx, scheme.path, reader, spool_dir)

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
                finish(job[0], _failed(job, CRASHED))

    def fail(n: int, failure: str) -> None:
        job = slots[n].jobs.popleft()
        if failure == CRASHED and job[3]:
            queue.append((job[0], job[1], job[2], False))  # read once more, carefully
        else:
            finish(job[0], _failed(job, failure))
        replace(n)

    # Results are long-lived objects arriving by the thousand, with no cycles worth collecting: the
    # cyclic collector's full passes over them cost more than the scoring at 40,000 returns.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in range(max(1, min(workers, total))):
            slots.append(_Slot(ctx, scheme.path, reader, spool_dir))
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
                            index, data = slot.conn.recv()
                            slot.done()
                            finish(index, data)
                    except Exception:  # EOF from a dead worker, or a result that cannot be unpickled
                        fail(n, CRASHED)
                    feed(n)
                elif slot.process.sentinel in ready or not slot.process.is_alive():
                    fail(n, CRASHED)
                    feed(n)
                elif now - slot.started > timeout:
                    fail(n, TIMED_OUT.format(seconds=f"{timeout:g}"))
                    feed(n)
        for slot in slots:
            if slot.process.is_alive():
                with contextlib.suppress(OSError, ValueError):
                    slot.conn.send(None)
        finished = True
    finally:
        if collecting:
            gc.enable()
        # Interrupted (or failed): the workers are killed at once, not waited for.
        for slot in slots:
            if finished:
                slot.process.join(0.5)
            slot.stop()
    return [r for r in results if r is not None]
