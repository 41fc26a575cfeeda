"""Reads returns in worker processes: both cores busy, and a reader crash costs only its own file."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path

from famscore.returns import ReturnData, read_return
from famscore.scheme.model import Scheme

FILE_TIMEOUT = 60.0  # seconds one return may take before its worker is stopped
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space per worker (POSIX only)
SMALL_BATCH = 24  # below this one worker is enough: starting a second costs more than it saves

_SCHEME: Scheme | None = None  # the worker's copy, inherited on fork or loaded on spawn


def default_workers(count: int) -> int:
    if count < SMALL_BATCH:
        return 1
    return max(1, min(os.cpu_count() or 1, 8))


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the per-file timeout still bounds a runaway read
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


Reader = Callable[[Path, Scheme, str], ReturnData]


def _worker(conn: Connection, scheme_path: str, reader: Reader) -> None:
    global _SCHEME
    _limit_memory()
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

    def __init__(self, ctx: mp.context.BaseContext, scheme_path: str, reader: Reader) -> None:
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_worker, args=(child, scheme_path, reader), daemon=True)
        self.process.start()
        child.close()
        self.job: tuple[int, str, str] | None = None
        self.started = 0.0

    def give(self, job: tuple[int, str, str]) -> None:
        self.job, self.started = job, time.monotonic()
        self.conn.send(job)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(1)
        self.conn.close()


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
    queue = [(i, str(p), name) for i, (p, name) in enumerate(jobs)]
    queue.reverse()
    slots = [_Slot(ctx, scheme.path, reader) for _ in range(min(workers, total))]
    done = 0

    def feed(slot: _Slot) -> None:
        if queue:
            slot.give(queue.pop())
        else:
            slot.job = None

    try:
        for slot in slots:
            feed(slot)
        while any(s.job is not None for s in slots):
            busy = [s for s in slots if s.job is not None]
            ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=1.0)
            now = time.monotonic()
            for n, slot in enumerate(slots):
                if slot.job is None:
                    continue
                failure = ""
                if slot.conn in ready:
                    try:
                        index, data = slot.conn.recv()
                    except (EOFError, OSError):
                        failure = "读取该文件时读取程序异常退出"
                    else:
                        results[index] = data
                        done += 1
                        if progress is not None:
                            progress(done, total)
                        feed(slot)
                        continue
                elif slot.process.sentinel in ready or not slot.process.is_alive():
                    failure = "读取该文件时读取程序异常退出（文件可能已损坏或含有恶意内容）"
                elif now - slot.started > timeout:
                    failure = f"读取该文件超过 {int(timeout)} 秒仍未完成，已停止"
                if failure:
                    index, path, name = slot.job
                    data = ReturnData(name, path, readable=False)
                    data.problem(
                        "", "", failure + "，本文件未计分", "请用 Excel 或 WPS 打开后另存为 .xlsx 再发回"
                    )
                    results[index] = data
                    done += 1
                    if progress is not None:
                        progress(done, total)
                    slot.stop()
                    slots[n] = _Slot(ctx, scheme.path, reader)
                    feed(slots[n])
        for slot in slots:
            if slot.process.is_alive():
                slot.conn.send(None)
    finally:
        for slot in slots:
            slot.process.join(0.5)
            slot.stop()
    return [r for r in results if r is not None]
