"""Time and memory of writing the summary workbook with shared strings against inline strings.

    python benchmarks/summary_write.py                     # N = 2000, 10000
    python benchmarks/summary_write.py --sizes 10000 --repeat 3

For each N it scores N generated returns once (benchmarks/bench.py's generator, the changning
example), then writes the summary workbook alternately the two ways xlsxwriter can store text, each
in a fresh forked process so its peak memory is its own:
  - inline: constant-memory mode, every text inline in the sheet (what famscore wrote before 0.3;
    many WPS releases refuse such files);
  - shared: the shared-strings table, as Excel and WPS write it (what famscore writes now up to
    famscore.outputs.summary.SHARED_STRINGS_CELLS cells).
It prints the fastest time of each, their ratio and each one's peak resident memory. The scoring is
not timed: only the workbook differs. Run `bench.py` for the end-to-end figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import DEFAULT_SCHEME, WORK, generate


def _write(batch: object, path: Path, shared: bool) -> tuple[float, int]:
    """Write the summary in a forked child; returns (seconds, the child's peak RSS in bytes)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: write once, report, leave without cleanup handlers
        os.close(read_end)
        from famscore.outputs import summary

        if not shared:
            summary.SHARED_STRINGS_CELLS = -1
        start = time.perf_counter()
        summary.write_summary(batch, path, generated_at="bench", famscore_version="bench")  # type: ignore[arg-type]
        took = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        os.write(write_end, f"{took} {peak}".encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        took_text, peak_text = pipe.read().split()
    os.waitpid(pid, 0)
    return float(took_text), int(peak_text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()

    from famscore.batch import score_folder
    from famscore.outputs.summary import summary_cells
    from famscore.scheme.loader import load_scheme

    scheme = load_scheme(DEFAULT_SCHEME)
    print(
        f"{'N':>6} | {'cells':>8} | {'inline s':>8} | {'shared s':>8} | {'ratio':>5} | {'inline MB':>9} | {'shared MB':>9}"
    )
    for n in (int(s) for s in args.sizes.split(",")):
        folder = WORK / f"returns_{n}"
        generate(DEFAULT_SCHEME, n, folder)
        batch = score_folder(scheme, folder)
        out = WORK / f"summary_{n}.xlsx"
        best = {True: float("inf"), False: float("inf")}
        peak = {True: 0, False: 0}
        for _ in range(max(1, args.repeat)):
            for shared in (False, True):
                took, memory = _write(batch, out, shared)
                best[shared] = min(best[shared], took)
                peak[shared] = max(peak[shared], memory)
        print(
            f"{n:>6} | {summary_cells(batch):>8} | {best[False]:>8.2f} | {best[True]:>8.2f} | "
            f"{best[True] / best[False]:>5.2f} | {peak[False] / 2**20:>9.0f} | {peak[True] / 2**20:>9.0f}"
        )


if __name__ == "__main__":
    main()
