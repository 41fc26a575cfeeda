"""Reads returns in worker processes: both cores busy, and a reader crash costs only its own file."""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from famscore.returns import ReturnData, read_return
from famscore.scheme.model import Scheme

FILE_TIMEOUT = 60.0  # seconds one return may take before its worker is stopped (a return takes ~0.05 s)
# Bytes of address space a worker may add to what it inherited (POSIX only). A return needs tens of MB;
# calamine asking for more aborts the worker, which costs only that file.
MEMORY_LIMIT = 2 * 1024**3
SMALL_BATCH = 24  # below this one worker is enough: starting a second costs more than it saves
CRASHED = "读取该文件时读取程序异常退出（文件可能已损坏或含有恶意内容）"
TIMED_OUT = "读取该文件超过 {seconds} 秒仍未完成，已停止"
RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"

_SCHEME: Scheme | None = None  # the worker's copy, inherited on fork or loaded on spawn
_SPOOL: Any = None  # the worker's spool file for unit details (see read_and_score)


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


def read_and_score(path: Path, scheme: Scheme, name: str) -> ReturnData:
    """Read one return and score its items in the same process (see famscore.scoring.score_rows)."""
    from famscore.scoring import score_rows

    data = read_return(path, scheme, name)
    if data.readable:
        data.scores = score_rows(scheme, data.values)
        # What a unit typed is kept only where it differs from how the parsed value prints (９６％, 0.95,
        # …); the audit shows the value itself otherwise, and 40,000 units × 50 fields of copies add up.
        data.raw = {k: v for k, v in data.raw.items() if not _prints_as(data.values.get(k), v)}
        if _SPOOL is not None:
            _spool(data)
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
    data.scores = [(i, score, "", flags, missing) for i, score, _text, flags, missing in data.scores]
    data.values, data.raw, data.remarks, data.cells = {}, {}, {}, {}


Reader = Callable[[Path, Scheme, str], ReturnData]


def _prints_as(value: object, typed: str) -> bool:
    from decimal import Decimal

    from famscore.numbers import fmt

    if isinstance(value, Decimal):
        shown = fmt(value)
        return typed == shown or (typed.endswith(".0") and typed[:-2] == shown)
    if isinstance(value, str):
        return typed == value
    return False


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


def _worker(conn: Connection, scheme_path: str, reader: Reader, spool_dir: str = "") -> None:
    global _SCHEME, _SPOOL
    _limit_memory()
    _quiet_stderr()
    if spool_dir:
        # Unbuffered: every record is on disk when its result is sent, even if this worker dies later.
        _SPOOL = open(os.path.join(spool_dir, f"w{os.getpid()}.bin"), "ab", buffering=0)  # noqa: SIM115
    if _SCHEME is None:
        from famscore.scheme.loader import load_scheme

        _SCHEME = load_scheme(scheme_path)
    while True:
        job = conn.recv()
        if job is None:
            return
        index, path, name = job
        conn.send((index, reader(Path(path), _SCHEME, name)))


class _Slot:
    """One worker process and the file it is reading now."""

    def __init__(
        self, ctx: mp.context.BaseContext, scheme_path: str, reader: Reader, spool_dir: str = ""
    ) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_worker, args=(child, scheme_path, reader, spool_dir), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple[int, str, str] | None = None
        self.started = 0.0

    def give(self, job: tuple[int, str, str]) -> bool:
        """Hand the worker a job; False when it is already dead (the caller replaces it)."""
        self.job, self.started = job, time.monotonic()
        try:
            self.conn.send(job)
        except (OSError, ValueError):
            return False
        return True

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(1)
        self.conn.close()


def _failed(job: tuple[int, str, str], failure: str) -> ReturnData:
    _index, path, name = job
    data = ReturnData(name, path, readable=False)
    data.problem("", "", failure + "，本文件未计分", RESAVE)
    return data


def _context() -> mp.context.BaseContext:
    # fork shares the loaded scheme for free; elsewhere each worker loads it once.
    if sys.platform.startswith("linux"):
        return mp.get_context("fork")
    return mp.get_context("spawn")


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

    `reader` must be a module-level function (it is sent to spawned workers).
    """
    global _SCHEME
    total = len(jobs)
    results: list[ReturnData | None] = [None] * total
    if not total:
        return []
    ctx = _context()
    _SCHEME = scheme  # inherited by forked workers
    spool_dir = _spool_dir() if spool else ""
    queue = [(i, str(p), name) for i, (p, name) in enumerate(jobs)]
    queue.reverse()
    slots = [_Slot(ctx, scheme.path, reader, spool_dir) for _ in range(max(1, min(workers, total)))]
    done = 0

    canonical = {fid: fid for fid in scheme.fields}

    def finish(index: int, data: ReturnData) -> None:
        nonlocal done
        results[index] = _share_strings(data, canonical)
        done += 1
        if progress is not None:
            progress(done, total)

    def feed(n: int) -> None:
        """Give slot n the next job, replacing a worker that died between jobs (once per job)."""
        while queue:
            job = queue.pop()
            if slots[n].give(job):
                return
            slots[n].stop()
            slots[n] = _Slot(ctx, scheme.path, reader, spool_dir)
            if slots[n].give(job):
                return
            finish(job[0], _failed(job, CRASHED))
        slots[n].job = None

    try:
        for n in range(len(slots)):
            feed(n)
        while any(s.job is not None for s in slots):
            busy = [s for s in slots if s.job is not None]
            ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=0.2)
            now = time.monotonic()
            for n, slot in enumerate(slots):
                if slot.job is None:
                    continue
                failure = ""
                if slot.conn in ready:
                    try:
                        index, data = slot.conn.recv()
                    except Exception:  # EOF from a dead worker, or a result that cannot be unpickled
                        failure = CRASHED
                    else:
                        finish(index, data)
                        feed(n)
                        continue
                elif slot.process.sentinel in ready or not slot.process.is_alive():
                    failure = CRASHED
                elif now - slot.started > timeout:
                    failure = TIMED_OUT.format(seconds=f"{timeout:g}")
                if failure:
                    finish(slot.job[0], _failed(slot.job, failure))
                    slot.stop()
                    slots[n] = _Slot(ctx, scheme.path, reader, spool_dir)
                    feed(n)
        for slot in slots:
            if slot.process.is_alive():
                with contextlib.suppress(OSError, ValueError):
                    slot.conn.send(None)
    finally:
        for slot in slots:
            slot.process.join(0.5)
            slot.stop()
    return [r for r in results if r is not None]
