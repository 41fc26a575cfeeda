"""Time writing one feedback workbook per unit (`famscore feedback`, `score --feedback`) for N units.

    python benchmarks/bench_feedback.py                 # N = 10000
    python benchmarks/bench_feedback.py --units 2000 --workers 2

The example changning-2023 batch is scored once and its ten units repeated under new names up to N
(every unit with its own items, explanations and values), then every workbook is written into
benchmarks/_work/feedback as one batch, as the commands do (plan, worker processes, OutputSet commit).
Prints wall time, workbooks per second and the machine's load, never asserts: a figure to report.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "changning-2023"
WORK = ROOT / "benchmarks" / "_work" / "feedback"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    from famscore.batch import score_folder
    from famscore.outputs.feedback import BatchSource, make_folder, plan_feedback, write_feedback
    from famscore.outputs.safe import OutputSet
    from famscore.scheme.loader import load_scheme
    from famscore.scoring import rank_units

    scheme = load_scheme(EXAMPLE / "考评表.xlsx")
    batch = score_folder(scheme, EXAMPLE / "returns")
    base = batch.units
    batch.units = rank_units(
        scheme,
        [
            dataclasses.replace(base[i % len(base)], unit=f"{base[i % len(base)].unit}{i:05d}", rank=None)
            for i in range(args.units)
        ],
    )
    shutil.rmtree(WORK, ignore_errors=True)
    if args.workers:
        import famscore.batch.pool as pool

        pool.default_workers = lambda count: args.workers  # type: ignore[assignment]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    cpu = _cpu()
    start = time.perf_counter()
    source = BatchSource(batch)
    targets = plan_feedback(source, source.facts, WORK, [("回表文件夹", EXAMPLE / "returns")])
    make_folder(WORK)
    planned = time.perf_counter()
    with OutputSet() as outputs:
        write_feedback(source, targets, outputs)
        written_at = time.perf_counter()
        outputs.commit()
    end = time.perf_counter()
    parent, children = (b - a for a, b in zip(cpu, _cpu(), strict=True))
    count = len(list(WORK.glob("*.xlsx")))
    print(
        f"{count} 份反馈表：{end - start:.1f} 秒（计划 {planned - start:.1f}，写出 {written_at - planned:.1f}，"
        f"替换 {end - written_at:.1f}），每秒 {count / (end - start):.0f} 份；"
        f"CPU 主进程 {parent:.1f} 秒、写表进程合计 {children:.1f} 秒（每份 {children / count * 1000:.1f} 毫秒）；"
        f"{os.cpu_count()} 核，开始时负载 {load:.1f}"
    )


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children (the workers)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


if __name__ == "__main__":
    main()
