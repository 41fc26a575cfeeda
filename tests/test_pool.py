"""The worker pool's per-file clock: a slow-starting worker (spawn on a loaded machine) is not a hung file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from famscore.batch.pool import read_in_workers
from famscore.returns import ReturnData
from famscore.scheme.loader import load_scheme
from famscore.scheme.model import Scheme

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"


def slow_start(scheme: Scheme, _spool_dir: str) -> Scheme:
    time.sleep(1.5)  # longer than the per-file limit below: start-up must not count against a file
    return scheme


def name_only(path: Path, scheme: Scheme, name: str, *, contained: bool = False) -> ReturnData:
    return ReturnData(name, str(path))


def hang(path: Path, scheme: Scheme, name: str, *, contained: bool = False) -> ReturnData:
    time.sleep(30)
    return ReturnData(name, str(path))


@pytest.mark.parametrize("workers", [1, 2])
def test_the_clock_starts_when_the_worker_is_ready(workers: int) -> None:
    scheme = load_scheme(CHANGNING / "考评表.xlsx")
    jobs = [(path, path.name) for path in sorted((CHANGNING / "returns").glob("*.xlsx"))[:3]]
    results = read_in_workers(jobs, scheme, workers, timeout=1, reader=name_only, prepare=slow_start)
    assert [r.problems for r in results] == [[], [], []]
    assert [r.file for r in results] == [name for _, name in jobs]


def test_a_file_that_hangs_after_the_start_is_still_stopped() -> None:
    scheme = load_scheme(CHANGNING / "考评表.xlsx")
    jobs = [(path, path.name) for path in sorted((CHANGNING / "returns").glob("*.xlsx"))[:1]]
    started = time.monotonic()
    results = read_in_workers(jobs, scheme, 1, timeout=1, reader=hang, prepare=slow_start)
    assert [p.code for p in results[0].problems] == ["RETURN_READ_TIMED_OUT"]
    assert time.monotonic() - started < 10
