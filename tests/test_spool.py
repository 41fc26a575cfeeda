"""Spooled details (large batches) give exactly the results that in-memory details give."""

from __future__ import annotations

from pathlib import Path

import pytest

from famscore.batch import read_folder
from famscore.batch.spool import SpoolRef
from famscore.scheme.loader import load_scheme
from famscore.scoring import MergedDetails, UnitDetails, score_batch

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("slug", ["changning-2023", "city-2023"])
def test_spooled_batch_matches_in_memory_batch(slug: str) -> None:
    folder = ROOT / "examples" / slug
    scheme = load_scheme(folder / "考评表.xlsx")
    plain = score_batch(scheme, *reversed(read_folder(folder / "returns", scheme, workers=2)[::-1]))
    data, notes = read_folder(folder / "returns", scheme, workers=2, spool=True)
    returns = [r for r in data if r.review is None]  # the departments' 评分表 come back as read
    assert returns and all(isinstance(r.details, SpoolRef) and r.data.values == {} for r in returns)
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
    # Two-party examples: what the unit's return gave stays in the spool; the 评分表 values join it.
    ref = spooled.units[0].details
    ref = ref.base if isinstance(ref, MergedDetails) else ref
    assert isinstance(ref, SpoolRef)
    memory = plain.units[0].details
    assert isinstance(memory.base if isinstance(memory, MergedDetails) else memory, UnitDetails)
    folder_of_spool = Path(ref.path).parent
    assert folder_of_spool.is_dir()
    ref.spool.close()  # the batch's spool goes with it
    assert not folder_of_spool.exists()
