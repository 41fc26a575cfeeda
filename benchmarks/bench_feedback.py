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
    from famscore.outputs.feedback import BatchSource, plan_feedback, write_feedback_files
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
    start = time.perf_counter()
    source = BatchSource(batch)
    targets = plan_feedback(source, source.facts, WORK, [("回表文件夹", EXAMPLE / "returns")])
    if args.workers:
        import famscore.batch.pool as pool

        pool.default_workers = lambda count: args.workers  # type: ignore[assignment]
    write_feedback_files(source, targets)
    wall = time.perf_counter() - start
    written = len(list(WORK.glob("*.xlsx")))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{written} 份反馈表：{wall:.1f} 秒，每秒 {written / wall:.0f} 份"
        f"（{os.cpu_count()} 核，开始时负载 {load:.1f}）"
    )


if __name__ == "__main__":
    main()
