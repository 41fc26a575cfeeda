"""Interval algebra on Decimal numbers (membership, union, containment, overlap, gaps) for tier conditions."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Interval", "gaps", "is_covered", "union"]


@dataclass(frozen=True)
class Interval:
    """The numbers between `lo` and `hi`; a None end is unbounded, a closed end belongs to the interval."""

    lo: Decimal | None
    lo_closed: bool
    hi: Decimal | None
    hi_closed: bool

    def contains(self, v: Decimal) -> bool:
        if self.lo is not None and (v < self.lo or (v == self.lo and not self.lo_closed)):
            return False
        return not (self.hi is not None and (v > self.hi or (v == self.hi and not self.hi_closed)))

    def includes(self, inner: Interval) -> bool:
        """True when every number in `inner` is in this interval."""
        lo_ok = self.lo is None or (
            inner.lo is not None
            and (inner.lo > self.lo or (inner.lo == self.lo and (self.lo_closed or not inner.lo_closed)))
        )
        hi_ok = self.hi is None or (
            inner.hi is not None
            and (inner.hi < self.hi or (inner.hi == self.hi and (self.hi_closed or not inner.hi_closed)))
        )
        return lo_ok and hi_ok

    def overlaps(self, other: Interval) -> bool:
        """True when some number is in both."""
        first, second = sorted((self, other), key=_start)
        if first.hi is None or second.lo is None:
            return True
        return second.lo < first.hi or (second.lo == first.hi and first.hi_closed and second.lo_closed)


def _start(i: Interval) -> tuple[bool, Decimal, bool]:
    """Sort key: unbounded-below first, then by lower end, a closed end before an open one.

    The closed one first, so that a union of (95, ∞) and [95, 95] starts at 95 inclusive.
    """
    return (i.lo is not None, i.lo if i.lo is not None else Decimal(0), not i.lo_closed)


def _touches(a: Interval, b: Interval) -> bool:
    """a starts no later than b; do they overlap or meet without a hole?"""
    if a.hi is None or b.lo is None:
        return True
    return b.lo < a.hi or (b.lo == a.hi and (a.hi_closed or b.lo_closed))


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """The union as a sorted list of disjoint intervals with holes between them."""
    merged: list[Interval] = []
    for i in sorted(intervals, key=_start):
        if merged and _touches(merged[-1], i):
            last = merged[-1]
            if last.hi is None or (
                i.hi is not None and (i.hi < last.hi or (i.hi == last.hi and last.hi_closed))
            ):
                hi, hi_closed = last.hi, last.hi_closed
            else:
                hi, hi_closed = i.hi, i.hi_closed
            merged[-1] = Interval(last.lo, last.lo_closed, hi, hi_closed)
        else:
            merged.append(i)
    return merged


def is_covered(inner: Interval, others: Iterable[Interval]) -> bool:
    """True when every number in `inner` is in the union of `others`."""
    return any(m.includes(inner) for m in union(others))


def gaps(intervals: Iterable[Interval], *, integer: bool) -> list[tuple[Decimal, Decimal]]:
    """The holes between the intervals' union, as (end of one, start of the next).

    With `integer`, a hole no whole number falls into (≤3 then ≥4) is no hole.
    """
    holes = []
    for a, b in itertools.pairwise(union(intervals)):
        # Disjoint pieces of a union: only the first can be unbounded below, only the last above.
        if a.hi is None or b.lo is None:
            continue
        if integer:
            first = math.floor(a.hi) + 1 if a.hi_closed or a.hi != a.hi.to_integral_value() else int(a.hi)
            last = math.ceil(b.lo) - 1 if b.lo_closed or b.lo != b.lo.to_integral_value() else int(b.lo)
            if first > last:
                continue
        holes.append((a.hi, b.lo))
    return holes
