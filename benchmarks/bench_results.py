"""What the results folder (`famscore score … --results DIR`) costs, and DuckDB over five years of it.

    python benchmarks/bench_results.py                         # N = 10000, 40000
    python benchmarks/bench_results.py --sizes 2000 --repeat 3
    python benchmarks/bench_results.py --startup /work/main    # start-up of `famscore score` vs another tree

For each N (returns generated as benchmarks/bench.py does) it runs `famscore score … --json … --quiet`
without and with `--results`, interleaved, keeping the fastest of each, and prints both wall times, the
share the results folder adds, peak memory (the process tree) and the folder's rows and bytes per table.
For the largest N it then copies the year's files into five years (year=2019 … 2023) and times the
README's example queries, the history query and reading one year back as pandas, all through DuckDB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import DEFAULT_SCHEME, WORK, TreeMemory, generate

YEARS = (2019, 2020, 2021, 2022, 2023)


def score(scheme: Path, folder: Path, results: Path | None) -> tuple[float, int]:
    out = folder.parent / f"{folder.name}_计分汇总.xlsx"
    command = [
        sys.executable, "-m", "famscore", "score", str(scheme), str(folder), "-o", str(out),
        "--json", str(out.with_suffix(".json")), "--quiet",
    ]  # fmt: skip
    if results is not None:
        shutil.rmtree(results, ignore_errors=True)
        command += ["--results", str(results)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    memory = TreeMemory(process.pid)
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    peak = memory.stop()
    if process.returncode not in (0, 1):
        raise SystemExit(f"famscore score failed ({process.returncode}):\n{stderr.decode()[-2000:]}")
    return elapsed, peak


def folder_sizes(results: Path) -> dict[str, tuple[int, int]]:
    """Rows and bytes of each table of a results folder."""
    import pyarrow.parquet as pq

    sizes = {}
    for table in sorted(p.name for p in results.iterdir() if p.is_dir()):
        files = list((results / table).glob("year=*/*.parquet"))
        rows = sum(pq.read_metadata(f).num_rows for f in files)
        sizes[table] = (rows, sum(f.stat().st_size for f in files))
    return sizes


def print_sizes(title: str, sizes: dict[str, tuple[int, int]]) -> None:
    print(f"  {title}: " + "; ".join(f"{t} {r:,} rows {b / 2**20:.1f} MB" for t, (r, b) in sizes.items()))
    rows = sum(r for r, _ in sizes.values())
    total = sum(b for _, b in sizes.values())
    print(f"  total: {rows:,} rows, {total / 2**20:.1f} MB")


def five_years(results: Path, into: Path) -> Path:
    """The one year of `results` copied into five (the same rows under each year)."""
    shutil.rmtree(into, ignore_errors=True)
    for source in results.glob("*/year=*/*.parquet"):
        table = source.parent.parent.name
        for year in YEARS:
            target = into / table / f"year={year}" / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return into


def queries(folder: Path) -> None:
    from famscore.analysis.query import EXAMPLES, HISTORY_SQL, connect
    from famscore.analysis.results import read_results

    con = connect(folder)
    for title, sql in [*EXAMPLES.items(), ("history（每个单位历年总分）", HISTORY_SQL)]:
        start = time.perf_counter()
        rows = con.sql(sql).fetchall()
        print(f"  {time.perf_counter() - start:6.2f} s  {len(rows):>9,} rows  {title}")
    start = time.perf_counter()
    frame = read_results(folder, YEARS[-1]).to_frame("items")
    print(
        f"  {time.perf_counter() - start:6.2f} s  {len(frame):>9,} rows  read_results(…, {YEARS[-1]}).to_frame('items')"
    )


def startup(other: Path, repeat: int) -> None:
    """`famscore score` on the 10-unit example here and in `other` (a checkout), interleaved."""
    example = Path(__file__).resolve().parent.parent / "examples" / "changning-2023"
    times: dict[str, list[float]] = {"this tree": [], str(other): []}
    out = WORK / "startup"
    out.mkdir(parents=True, exist_ok=True)
    for _ in range(repeat):
        for label, tree in (("this tree", None), (str(other), other)):
            env = dict(os.environ)
            if tree is not None:
                env["PYTHONPATH"] = str(tree)
            command = [
                sys.executable, "-m", "famscore", "score", str(example / "考评表.xlsx"), str(example / "returns"),
                "-o", str(out / "s.xlsx"), "--quiet",
            ]  # fmt: skip
            start = time.perf_counter()
            subprocess.run(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
            )
            times[label].append(time.perf_counter() - start)
    for label, found in times.items():
        print(
            f"  {label}: median {statistics.median(found):.3f} s, fastest {min(found):.3f} s ({repeat} runs)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,40000")
    parser.add_argument("--scheme", type=Path, default=DEFAULT_SCHEME)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--startup", type=Path, help="another checkout to compare start-up time with")
    args = parser.parse_args()
    if args.startup is not None:
        print("start-up of `famscore score` (10 returns, whole process):")
        startup(args.startup, max(args.repeat, 10))
        return
    print(f"cores: {os.cpu_count()}; python {sys.version.split()[0]}")
    largest = None
    for n in [int(s) for s in args.sizes.split(",")]:
        folder = WORK / f"returns_{n}"
        generate(args.scheme, n, folder)
        results = WORK / f"results_{n}"
        plain = with_results = float("inf")
        plain_peak = results_peak = 0
        for _ in range(max(1, args.repeat)):
            took, peak = score(args.scheme, folder, None)
            plain, plain_peak = min(plain, took), max(plain_peak, peak)
            took, peak = score(args.scheme, folder, results)
            with_results, results_peak = min(with_results, took), max(results_peak, peak)
        print(
            f"N={n}: without --results {plain:.2f} s ({plain_peak / 2**20:.0f} MB); "
            f"with {with_results:.2f} s ({results_peak / 2**20:.0f} MB): "
            f"+{(with_results / plain - 1) * 100:.1f} %"
        )
        print_sizes("results folder", folder_sizes(results))
        largest = results
    if largest is not None:
        many = five_years(largest, WORK / "results_5_years")
        print(f"five years ({', '.join(map(str, YEARS))}) of the largest N:")
        print_sizes("results folder", folder_sizes(many))
        queries(many)


if __name__ == "__main__":
    main()
