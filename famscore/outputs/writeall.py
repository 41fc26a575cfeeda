"""Writes the summary workbook, the audit CSV and the JSON as one batch, on every core where that pays."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from famscore import interrupt
from famscore.batch.pool import start_method
from famscore.errors import OutputError, Problem
from famscore.messages import Msg
from famscore.outputs.audit import audit_csv_path, audit_csv_target, audit_csv_writer, no_verify
from famscore.outputs.jsonout import json_writer, verify_json_lines
from famscore.outputs.safe import OutputSet, failure_message, say, verify_json
from famscore.outputs.summary import summary_writer
from famscore.scoring import BatchResult

# Below this many units each output takes well under a second and a process costs more than it saves.
PARALLEL_UNITS = 1000
SPLIT_UNITS = 20_000

Job = tuple[Path, Callable[[Path], object], Callable[[Path], None]]  # target, writer, verify


def output_paths(summary: Path, json_file: Path | None) -> list[tuple[str, Path]]:
    """Every file `famscore score` may write, with what it is: the plan checked before any work."""
    paths = [("汇总工作簿", summary), ("计分过程 CSV（单位较多时写出）", audit_csv_path(summary))]
    if json_file is not None:
        paths.append(("JSON 结果", json_file))
    return paths


def write_outputs(
    batch: BatchResult,
    summary: Path,
    json_file: Path | None,
    *,
    generated_at: str,
    famscore_version: str,
    notes: list[Problem],
    notice: Job | None = None,
    feedback: list[Path] | None = None,
    results: Path | None = None,
    codes: Mapping[str, str] | None = None,
    json_lines: bool = False,
) -> list[Path]:
    """Every output of `famscore score`; returns the paths written. Raises OutputError on failure.

    `notice` is the results notice (famscore.outputs.notice_docx), written with the others.
    `feedback`: each unit's feedback workbook target, in the batch's unit order (famscore score
    --feedback; outputs.feedback.plan_feedback), written in the same batch.

    All outputs are written to temporary files beside their targets and verified; only then are the
    targets replaced, together. On any failure no target is replaced and no temporary file is left.
    """
    collected: list[Problem] = []
    writer, verify = summary_writer(
        batch, summary, generated_at=generated_at, famscore_version=famscore_version, collected=collected
    )
    side: list[Job] = []
    csv_path = audit_csv_target(batch, summary)
    if csv_path is not None:
        side.append((csv_path, audit_csv_writer(batch), no_verify))
    if json_file is not None:
        # Only what is asked for is passed, so json_writer's plain form stays the one most runs use.
        asked: dict[str, Any] = {"codes": codes} if codes else {}
        if json_lines:
            asked["lines"] = True
        json_job = json_writer(batch, **asked)
        side.append((json_file, json_job, verify_json_lines if json_lines else verify_json))
    with OutputSet() as outputs:
        if results is not None:
            from famscore.analysis.folder import batch_results_job

            side.append(batch_results_job(outputs, results, batch, codes))
        # fork shares the scored batch for free; spawning would have to pickle all of it.
        if start_method() == "fork" and len(batch.units) >= PARALLEL_UNITS and side:
            _write_parallel(outputs, (summary, writer, verify), side, len(batch.units))
        else:
            outputs.write(summary, writer, verify)
            for target, job, check in side:
                outputs.write(target, job, check)
        if notice is not None:
            outputs.write(*notice)
        if feedback:
            from famscore.outputs.feedback import BatchSource, make_folder, write_feedback

            make_folder(feedback[0].parent)
            write_feedback(BatchSource(batch), feedback, outputs)
        written = outputs.commit()
    notes.extend(collected)
    return written


def _write_parallel(outputs: OutputSet, main: Job, side: list[Job], units: int) -> None:
    # Up to SPLIT_UNITS each side output gets its own process, spreading the work over the cores.
    # Past that one process does them all: every forked process builds its own copies of the units'
    # details as it writes them, and at 40,000 units memory, not time, is the limit.
    # The temporary files are made here, so this process removes them whatever becomes of the workers.
    staged = [(target, outputs.reserve(target), job, check) for target, job, check in side]
    ctx = mp.get_context("fork")
    groups = [[s] for s in staged] if units <= SPLIT_UNITS else [staged]
    running = []
    try:
        for group in groups:
            receive, send = ctx.Pipe(duplex=False)
            jobs = [(target, temp, job) for target, temp, job, _ in group]
            process = ctx.Process(target=_run, args=(jobs, send, os.getpid()), daemon=True)
            with interrupt.held():
                process.start()
            send.close()
            running.append((process, receive, group))
        failure: OutputError | None = None
        try:
            outputs.write(*main)
        except OutputError as exc:
            failure = exc
        for process, receive, group in running:
            try:
                message = receive.recv()
            except EOFError:
                message = say(Msg.OUTPUT_HELPER_DIED, targets="、".join(str(target) for target, *_ in group))
            process.join()
            if failure is None:
                try:
                    if message:
                        raise OutputError(message, group[0][0])
                    for target, _, _, check in group:
                        outputs.finish(target, check)
                except OutputError as exc:
                    failure = OutputError(exc.message + outputs.nothing_written(), exc.path)
        if failure is not None:
            raise failure
    finally:
        # Interrupted: a helper still writing is asked to stop, then killed; its temporary file is
        # this process's to remove (OutputSet).
        for process, receive, _ in running:
            if process.is_alive():
                process.terminate()
                process.join(2)
                if process.is_alive():
                    process.kill()
            process.join()
            receive.close()


def _run(
    jobs: list[tuple[Path, Path, Callable[[Path], object]]], send: mp.connection.Connection, parent: int = 0
) -> None:
    # SIGTERM (from the parent, or the kernel when the parent dies) unwinds the write; the parent,
    # which asked, needs no answer and removes the temporary files.
    interrupt.in_child(parent, raise_on_term=True)
    with contextlib.suppress(interrupt.Interrupted):
        _write_jobs(jobs, send)


def _write_jobs(
    jobs: list[tuple[Path, Path, Callable[[Path], object]]], send: mp.connection.Connection
) -> None:
    try:
        for target, temp, job in jobs:
            try:
                job(temp)
            except OutputError as exc:
                send.send(exc.message)
                return
            except Exception as exc:  # reported in the parent as this output's failure
                send.send(
                    failure_message(target, exc)
                    or say(Msg.OUTPUT_WRITE_FAILED, target=target, kind=type(exc).__name__, error=exc)
                )
                return
        send.send("")
    finally:
        send.close()
