"""Writes the summary workbook, the audit CSV and the JSON together, on every core where that pays."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from pathlib import Path

from famscore.errors import OutputError, Problem
from famscore.outputs.jsonout import write_json
from famscore.outputs.summary import audit_csv_path, audit_in_workbook, write_audit_csv, write_summary
from famscore.scoring import BatchResult
from famscore.workers import start_method

# Below this many units each output takes well under a second and a process costs more than it saves.
PARALLEL_UNITS = 1000
SPLIT_UNITS = 20_000


def write_outputs(
    batch: BatchResult,
    summary: Path,
    json_file: Path | None,
    *,
    generated_at: str,
    famscore_version: str,
    notes: list[Problem],
) -> list[Path]:
    """Every output of `famscore score`; returns the paths written. Raises OutputError on failure."""
    side: list[tuple[Callable[[], object], Path]] = []
    if not audit_in_workbook(batch):
        csv_path = audit_csv_path(summary)
        side.append((lambda: write_audit_csv(batch, csv_path), csv_path))
    if json_file is not None:
        target = json_file
        side.append((lambda: write_json(batch, target), target))
    # fork shares the scored batch for free; spawning would have to pickle all of it.
    parallel = start_method() == "fork" and len(batch.units) >= PARALLEL_UNITS and side
    if not parallel:
        write_summary(
            batch, summary, generated_at=generated_at, famscore_version=famscore_version, notes=notes
        )
        for job, _ in side:
            job()
        return [summary, *(path for _, path in side)]
    # Up to SPLIT_UNITS each side output gets its own process, spreading the work over the cores.
    # Past that one process does them all: every forked process builds its own copies of the units'
    # details as it writes them, and at 40,000 units memory, not time, is the limit.
    ctx = mp.get_context("fork")
    groups = [[job] for job, _ in side] if len(batch.units) <= SPLIT_UNITS else [[job for job, _ in side]]
    running = []
    for jobs in groups:
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_run, args=(jobs, send), daemon=True)
        process.start()
        send.close()
        running.append((process, receive))
    failure: OutputError | None = None
    try:
        write_summary(
            batch,
            summary,
            generated_at=generated_at,
            famscore_version=famscore_version,
            notes=notes,
            write_csv=False,
        )
    except OutputError as exc:
        failure = exc
    for process, receive in running:
        try:
            message = receive.recv()
        except EOFError:
            message = "写出 " + "、".join(str(p) for _, p in side) + " 时程序异常退出"
        process.join()
        if message and failure is None:
            failure = OutputError(message, side[0][1])
    if failure is not None:
        raise failure
    return [summary, *(path for _, path in side)]


def _run(jobs: list[Callable[[], object]], send: mp.connection.Connection) -> None:
    try:
        for job in jobs:
            job()
    except OutputError as exc:
        send.send(exc.message)
    except Exception as exc:  # reported in the parent as this output's failure
        send.send(f"写出时出错（{type(exc).__name__}：{exc}）")
    else:
        send.send("")
    finally:
        send.close()
