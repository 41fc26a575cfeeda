"""Spooled details (large batches) give exactly the results that in-memory details give."""

from __future__ import annotations

from pathlib import Path

import pytest

from famscore.returns import read_folder
from famscore.scheme.loader import load_scheme
from famscore.scoring import score_batch

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("slug", ["changning-2023", "city-2023"])
def test_spooled_batch_matches_in_memory_batch(slug: str) -> None:
    folder = ROOT / "examples" / slug
    scheme = load_scheme(folder / "考评表.xlsx")
    plain = score_batch(scheme, *reversed(read_folder(folder / "returns", scheme, workers=2)[::-1]))
    data, notes = read_folder(folder / "returns", scheme, workers=2, spool=True)
    assert all(d.spool is not None and d.values == {} for d in data)
    spooled = score_batch(scheme, data, None, notes)

    def view(batch):
        return [
            (
                u.unit,
                u.rank,
                u.total,
                u.grade,
                u.flags,
                u.scores,
                [(s.item.id, s.score, s.explanation) for s in u.items],
                u.values,
                u.raw,
                u.remarks,
            )
            for u in batch.units
        ]

    assert view(spooled) == view(plain)
    assert spooled.units[0].details is None and spooled.units[0].spool is not None
