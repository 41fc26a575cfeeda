"""End-to-end speed and memory of `famscore score` against a bare python-calamine baseline.

    python benchmarks/bench.py                      # N = 10, 200, 2000, 10000
    python benchmarks/bench.py --sizes 10,200,2000,10000,40000
    python benchmarks/bench.py --repeat 3                 # fastest of 3 interleaved runs of each
    python benchmarks/bench.py --sizes 10000 --two-party  # with the departments' 评分表 and without

For each N it generates N realistic returns for an example scheme (real templates from
`famscore template`, filled with varied values), then in the same run times
  1. baseline: open each file with python-calamine and read its 填报 sheet (one process);
  2. read+score: famscore's reading, checking and scoring (famscore.batch.score_folder), in process;
  3. end to end: the `famscore score` command in a subprocess, summary workbook and JSON included;
and prints wall time, returns per second, peak memory (the whole process tree) and ratios to the baseline.

A two-party scheme (the examples: departments fill the judged fields) gets unit forms with the unit's
fields only and one 评分表 per department with a row per unit, in a folder of their own (`--reviews`).
`--two-party` then also times `famscore score` on the same returns without those 评分表 (every
department item pending), the comparison issue 12 asks for: the merge should cost within 15 %.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
DEFAULT_SCHEME = ROOT / "examples" / "changning-2023" / "考评表.xlsx"
PLACEHOLDER_UNIT = "UNITPLACEHOLDER"
PLACEHOLDER_BASE = 9_000_000


def generate(scheme_path: Path, count: int, folder: Path, seed: int = 2023) -> list[Path]:
    """N returns made by the real template code, varied at the zip level (fast enough for 40,000)."""
    from famscore.scheme.loader import load_scheme
    from famscore.templates import build_template, fill_template

    scheme = load_scheme(scheme_path)
    marker = _marker(folder)
    if marker.exists() and marker.read_text() == f"{count} {scheme.fingerprint}":
        return sorted(folder.glob("*.xlsx"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    blank = folder.parent / f"_blank_{count}.xlsx"
    base = folder.parent / f"_base_{count}.xlsx"
    build_template(
        scheme, PLACEHOLDER_UNIT, blank, generated="2026-01-01 00:00:00", unit_only=scheme.two_party
    )
    vetoes = {
        fid for item in scheme.items for rule in item.rules if rule.kind == "否决" for fid in rule.field_ids()
    }
    values: dict[str, object] = {}
    numeric: dict[int, object] = {}
    for k, f in enumerate(scheme.fields.values()):
        if not f.by_unit:
            continue  # a department's field: on its 评分表 (generate_reviews)
        if f.is_numeric:
            values[f.id] = PLACEHOLDER_BASE + k
            numeric[PLACEHOLDER_BASE + k] = f
        elif f.type == "是否":
            values[f.id] = "否" if f.id in vetoes else "是"
        elif f.type == "选项":
            values[f.id] = f.choices[0]
        elif f.type == "日期":
            values[f.id] = "2024-03-31"
    fill_template(blank, values, base, unit=PLACEHOLDER_UNIT)
    with zipfile.ZipFile(base) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    blank.unlink()
    base.unlink()
    rng = random.Random(seed)
    pattern = re.compile(rb"<v>(9\d{6})</v>")

    def value_for(match: re.Match[bytes]) -> bytes:
        f = numeric.get(int(match.group(1)))
        if f is None:
            return match.group(0)
        low = float(f.minimum) if f.minimum is not None else 0.0
        high = float(f.maximum) if f.maximum is not None else low + 10
        if f.type == "整数":
            number: float = rng.choice([low, low, low, min(high, low + 1), min(high, low + 3)])
        elif f.type == "百分比":
            number = round(rng.uniform(max(low, 80.0), min(high, 100.0)), 1)
        elif f.type == "评分":
            number = round(rng.uniform(high * 0.6, high) * 2) / 2
        else:
            number = round(rng.uniform(low, high), 1)
        return b"<v>" + repr(number).encode() + b"</v>"

    paths = []
    for i in range(count):
        unit = unit_name(i).encode()
        path = folder / f"return_{i + 1:05d}.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info, data in members:
                if info.filename.endswith(".xml"):
                    data = data.replace(PLACEHOLDER_UNIT.encode(), unit)
                    if info.filename.startswith("xl/worksheets/"):
                        data = pattern.sub(value_for, data)
                out.writestr(info, data)
        paths.append(path)
    marker.write_text(f"{count} {scheme.fingerprint}")
    return paths


def _marker(folder: Path) -> Path:
    # Beside the folder, not in it: famscore would report a hidden file in the returns as a problem.
    return folder.with_name(folder.name + ".complete")


def unit_name(i: int) -> str:
    return f"第{i + 1:05d}街道"


def generate_reviews(scheme_path: Path, count: int, folder: Path, seed: int = 2024) -> Path | None:
    """One 评分表 per department of a two-party scheme, a row per unit of `generate`, filled with
    varied valid values by the real writer (None for a scheme every field of which is the unit's)."""
    from famscore.scheme.loader import load_scheme
    from famscore.templates import review_filename, write_review_form

    scheme = load_scheme(scheme_path)
    if not scheme.two_party:
        return None
    marker = _marker(folder)
    if marker.exists() and marker.read_text() == f"{count} {scheme.fingerprint}":
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    units = [unit_name(i) for i in range(count)]
    vetoes = {
        fid for item in scheme.items for rule in item.rules if rule.kind == "否决" for fid in rule.field_ids()
    }
    for department in scheme.departments:
        fields = scheme.filled_by(department)
        values: dict[str, dict[str, object]] = {}
        for unit in units:
            filled: dict[str, object] = {}
            for f in fields:
                low = float(f.minimum) if f.minimum is not None else 0.0
                high = float(f.maximum) if f.maximum is not None else low + 10
                if f.type == "评分":
                    filled[f.id] = round(rng.uniform(high * 0.6, high) * 2) / 2
                elif f.type == "整数":
                    filled[f.id] = int(rng.choice([low, low, low, min(high, low + 1)]))
                elif f.type == "百分比":
                    filled[f.id] = round(rng.uniform(max(low, 80.0), min(high, 100.0)), 1)
                elif f.type == "是否":
                    filled[f.id] = "否" if f.id in vetoes else "是"
                elif f.type == "选项":
                    filled[f.id] = f.choices[0]
                elif f.is_numeric:
                    filled[f.id] = round(rng.uniform(low, high), 1)
            values[unit] = filled
        write_review_form(scheme, units, department, folder / review_filename(department), values)
    marker.write_text(f"{count} {scheme.fingerprint}")
    return folder


def baseline(paths: list[Path]) -> float:
    """Bare python-calamine: open each file and read its 填报 sheet, nothing else."""
    import python_calamine

    start = time.perf_counter()
    for path in paths:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        book.get_sheet_by_name("填报").to_python()
    return time.perf_counter() - start


def read_and_score(scheme_path: Path, folder: Path, reviews: Path | None = None) -> tuple[float, int]:
    from famscore.batch import score_folder
    from famscore.scheme.loader import load_scheme

    start = time.perf_counter()
    scheme = load_scheme(scheme_path)
    batch = score_folder(scheme, folder, reviews=reviews)  # as `famscore score` reads and scores
    elapsed = time.perf_counter() - start
    return elapsed, sum(u.complete for u in batch.units)


class TreeMemory:
    """Peak memory (proportional set size) of a process and all its descendants, sampled from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            # A process may end between listing and reading: it then has no children to count.
            with contextlib.suppress(OSError):
                for task in Path(f"/proc/{pid}/task").glob("*/children"):
                    with contextlib.suppress(OSError):
                        todo.extend(int(c) for c in task.read_text().split())
        return pids

    def _run(self) -> None:
        # PSS, not RSS: forked workers share the parent's pages, and RSS would count them once per process.
        while not self._stop.is_set():
            total = 0
            for pid in self._tree():
                with contextlib.suppress(OSError, IndexError, ValueError):
                    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                        if line.startswith("Pss:"):
                            total += int(line.split()[1]) * 1024
                            break
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def end_to_end(scheme_path: Path, folder: Path, reviews: Path | None = None) -> tuple[float, int, int]:
    out = folder.parent / f"{folder.name}_计分汇总.xlsx"
    command = [
        sys.executable,
        "-m",
        "famscore",
        "score",
        str(scheme_path),
        str(folder),
        "-o",
        str(out),
        "--json",
        str(out.with_suffix(".json")),
        "--quiet",
        *(["--reviews", str(reviews)] if reviews is not None else []),
    ]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = TreeMemory(process.pid)
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    peak = memory.stop()
    if process.returncode not in (0, 1):
        raise SystemExit(f"famscore score failed ({process.returncode}):\n{stderr.decode()[-2000:]}")
    return elapsed, peak, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,200,2000,10000")
    parser.add_argument("--scheme", type=Path, default=DEFAULT_SCHEME)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each measurement this many times, interleaved, and keep the fastest of each "
        "(a shared virtual machine's speed drifts by tens of per cent within minutes)",
    )
    parser.add_argument(
        "--two-party",
        action="store_true",
        help="also time the same returns without the departments' 评分表 (issue 12: within 15 %%)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"scheme: {args.scheme.relative_to(ROOT) if args.scheme.is_relative_to(ROOT) else args.scheme}; "
        f"cores: {os.cpu_count()}; python {sys.version.split()[0]}"
    )
    header = (
        f"{'N':>6} | {'baseline s':>10} | {'read+score s':>12} | {'ratio':>5} | "
        f"{'end-to-end s':>12} | {'returns/s':>9} | {'ratio':>5} | {'peak MB':>7}"
    )
    print(header)
    print("-" * len(header))
    pairs = []
    for n in sizes:
        folder = WORK / f"returns_{n}"
        paths = generate(args.scheme, n, folder)
        reviews = generate_reviews(args.scheme, n, WORK / f"reviews_{n}")
        base = scored_time = e2e = alone = float("inf")
        peak = alone_peak = 0
        for _ in range(max(1, args.repeat)):
            base = min(base, baseline(paths))
            took, complete = read_and_score(args.scheme, folder, reviews)
            if complete != n:
                raise SystemExit(f"only {complete} of {n} returns scored completely")
            scored_time = min(scored_time, took)
            took, memory, _ = end_to_end(args.scheme, folder, reviews)
            e2e, peak = min(e2e, took), max(peak, memory)
            if args.two_party and reviews is not None:
                took, memory, _ = end_to_end(args.scheme, folder)  # the same returns, no 评分表
                alone, alone_peak = min(alone, took), max(alone_peak, memory)
        print(
            f"{n:>6} | {base:>10.2f} | {scored_time:>12.2f} | {scored_time / base:>5.2f} | "
            f"{e2e:>12.2f} | {n / e2e:>9.0f} | {e2e / base:>5.2f} | {peak / 2**20:>7.0f}"
        )
        if args.two_party and reviews is not None:
            pairs.append((n, len(list(reviews.glob("*.xlsx"))), alone, e2e, alone_peak, peak))
    if pairs:
        print()
        header = (
            f"{'N':>6} | {'评分表':>4} | {'without s':>9} | {'with s':>7} | {'ratio':>5} | "
            f"{'without MB':>10} | {'with MB':>7}"
        )
        print(header)
        print("-" * len(header))
        for n, count, without, with_reviews, without_peak, with_peak in pairs:
            print(
                f"{n:>6} | {count:>7} | {without:>9.2f} | {with_reviews:>7.2f} | {with_reviews / without:>5.2f} | "
                f"{without_peak / 2**20:>10.0f} | {with_peak / 2**20:>7.0f}"
            )


if __name__ == "__main__":
    main()
