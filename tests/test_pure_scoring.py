"""famscore.scoring is pure: a unit is scored from values in memory without touching a file."""

from __future__ import annotations

import builtins
import io
import os
from pathlib import Path

import pytest

from famscore.returns import ReturnData
from famscore.scheme.loader import load_scheme
from famscore.scoring import UnitDetails, score_batch

SCHEME = Path(__file__).resolve().parent.parent / "examples" / "changning-2023" / "考评表.xlsx"


def test_a_unit_is_scored_from_values_in_memory_without_the_file_system(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scheme = load_scheme(SCHEME)
    from famscore.batch import read_folder

    results, _ = read_folder(SCHEME.parent / "returns", scheme, workers=1)
    # The unit's return merged with the departments' 评分表: every value the unit is scored from.
    expected = score_batch(scheme, results).units[0]
    read = next(r.data for r in results if r.data.unit == expected.unit)
    values = dict(expected.values)
    score_batch(scheme, [ReturnData(read.file, read.path, unit=read.unit)])  # every lazy import done

    def no_files(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"scoring touched the file system: {args!r}")

    data = ReturnData(read.file, read.path, unit=read.unit, unit_from="_meta", values=values)
    with monkeypatch.context() as patch:
        for module, name in ((builtins, "open"), (io, "open"), (os, "open"), (os, "stat"), (os, "scandir")):
            patch.setattr(module, name, no_files)
        unit = score_batch(scheme, [data]).units[0]
        items = [(s.item.id, s.score, s.explanation) for s in unit.items]
    assert isinstance(unit.details, UnitDetails)
    assert (unit.total, unit.grade, unit.complete) == (expected.total, expected.grade, True)
    assert items == [(s.item.id, s.score, s.explanation) for s in expected.items]
