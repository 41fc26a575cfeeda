"""Remembered item scores (score_rows with a memo) are exactly the scores computed afresh."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from famscore.rules.kinds import NEVER
from famscore.scheme.loader import load_scheme
from famscore.scheme.model import CHOICE, DATE, INTEGER, TEXT, YESNO, Field, Scheme
from famscore.scoring import score_rows, summarise

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SLUGS = sorted(p.name for p in EXAMPLES.iterdir() if (p / "考评表.xlsx").exists())


@pytest.fixture(scope="module", params=SLUGS)
def slug(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def scheme(slug: str) -> Scheme:
    return load_scheme(EXAMPLES / slug / "考评表.xlsx")


def values_for(f: Field) -> st.SearchStrategy[object]:
    """Few distinct values per field, as in a real batch, so that units share inputs and the memo hits;
    None (blank or invalid) and Decimals equal in value but not in exponent (96 and 96.0) included."""
    if f.type == YESNO:
        return st.sampled_from([True, False, None])
    if f.type == CHOICE:
        return st.sampled_from([*f.choices, None])
    if f.type == DATE:
        return st.sampled_from([dt.date(2023, 4, 1), dt.date(2023, 8, 15), NEVER, None])
    if f.type == TEXT:
        return st.sampled_from(["", "说明", None])
    low = f.minimum if f.minimum is not None else Decimal(0)
    high = f.maximum if f.maximum is not None else low + 10
    picks = [low, high, (low + high) / 2, high - 1 if high - 1 >= low else low]
    if f.type == INTEGER:
        picks = [p.to_integral_value() for p in picks]
    return st.sampled_from([*picks, picks[1].quantize(Decimal("0.0")), None])


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_a_shared_memo_gives_the_rows_computed_afresh(scheme: Scheme, data: st.DataObject) -> None:
    units = data.draw(
        st.lists(st.fixed_dictionaries({fid: values_for(f) for fid, f in scheme.fields.items()}), min_size=2)
    )
    memo: dict = {}
    for values in units:
        remembered = score_rows(scheme, values, memo)
        assert remembered == score_rows(scheme, values)
        assert summarise(scheme, remembered) == summarise(scheme, score_rows(scheme, values))
    assert memo  # the memo was used, not bypassed


def test_cells_parsed_before_read_the_same_as_afresh(slug: str, scheme: Scheme) -> None:
    from famscore.batch.memo import Memos
    from famscore.returns import read_return

    paths = sorted((EXAMPLES / slug / "returns").glob("*.xlsx"))

    def read_all(memo: dict | None) -> list[tuple[object, ...]]:
        out = []
        for path in paths:
            data = read_return(path, scheme, memo=memo)
            out.append((data.values, data.raw, data.remarks, data.problems))
        return out

    memos = Memos()
    first = read_all(memos.cells)  # fills the memo: every example unit shares some cells with another
    assert memos.cells
    again = read_all(memos.cells)
    assert again == first == read_all(_Forgetful())  # every cell parsed afresh
    assert read_all(None) == first  # a return read alone has a memo of its own


class _Forgetful(dict):
    def __setitem__(self, key: object, value: object) -> None:
        pass
