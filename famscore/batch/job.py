"""One file in a worker: read it, score it, spool its details; and what the parent makes of the result."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from famscore.batch.memo import Memos
from famscore.batch.spool import Place, Spool, SpoolWriter
from famscore.merge import slim
from famscore.returns import ReturnData, read_return
from famscore.reviews import ReviewData, read_review
from famscore.scheme.model import Scheme
from famscore.scoring import (
    Details,
    ScoreRow,
    SharedNumbers,
    Split,
    Totals,
    UnitDetails,
    calculation_problems,
    expand_rows,
    score_rows,
    summarise,
    unit_sources,
)


@dataclass
class JobResult:
    """A return as a worker sends it back: the ReturnData, its totals, and its score rows or, when
    spooled, where its details were written. In the parent, `details` says where they are now."""

    data: ReturnData
    totals: Totals | None = None  # None: nothing could be read
    rows: list[ScoreRow] = field(default_factory=list)
    place: Place | None = None
    details: Details | None = None
    # Two-party schemes: the unit's own values the department items read (the parent scores those
    # items after the merge); None for a one-party scheme.
    inputs: dict[str, object] | None = None
    review: ReviewData | None = None  # the file was a department's 评分表, read as one
    sources: dict[str, str] = field(default_factory=dict)  # unspooled only: where each value was read


@dataclass
class Worker:
    """What one worker process keeps across its files: the scheme, its memos and its spool file."""

    scheme: Scheme
    memos: Memos
    spool: SpoolWriter | None
    split: Split | None = None  # two-party: the department fields and items


def prepare(scheme: Scheme, spool_dir: str) -> Worker:
    """Made once in each worker (famscore.batch.pool calls it)."""
    split = Split(scheme) if scheme.two_party else None
    return Worker(scheme, Memos(), SpoolWriter(spool_dir) if spool_dir else None, split)


def read_and_score(path: Path, worker: Worker, name: str, *, contained: bool = False) -> JobResult:
    """Read one return and score it in the same process, so scoring spreads over the cores too.

    A department's 评分表 found among the returns is read as one here too: the parent merges them.
    """
    scheme = worker.scheme
    data = read_return(path, scheme, name, contained=contained, memo=worker.memos.cells)
    if data.review_form:
        return JobResult(data, review=read_review(path, scheme, name, contained=contained))
    if not data.readable:
        data.cells = {}
        return JobResult(data)
    split = worker.split
    inputs = split.separate(data) if split is not None else None
    rows = score_rows(scheme, data.values, worker.memos.scores)
    if split is not None:
        rows = split.blank_rows(rows)
    totals = summarise(scheme, rows, data.values)
    if not totals.complete:  # name what stopped an item while the cells are known
        skip = split.positions if split is not None else ()
        data.problems.extend(calculation_problems(scheme, data, rows, skip))
    sources = unit_sources(data)
    data.cells = {}  # addresses served the reader's own messages and the sources
    if worker.spool is None:
        return JobResult(data, totals, rows, inputs=inputs, sources=sources)
    # The bulky details go to the spool and only the numbers come back: the parent then holds a few
    # hundred bytes per unit instead of every explanation and typed value.
    place = worker.spool.write(rows, data.values, data.raw, data.remarks, sources)
    data.values, data.raw, data.remarks = {}, {}, {}
    return JobResult(data, totals, [], place, inputs=inputs)


class Receiver:
    """Turns what workers send back into JobResults the parent keeps (famscore.batch.pool `receive`)."""

    def __init__(self, scheme: Scheme, spool: Spool | None) -> None:
        self.scheme = scheme
        self.spool = spool
        self.canonical = {fid: fid for fid in scheme.fields}
        self.numbers = SharedNumbers()

    def __call__(self, result: JobResult | ReturnData) -> JobResult:
        if isinstance(result, ReturnData):  # a file whose worker died or hung
            return JobResult(result)
        if result.review is not None:
            result.review = slim(result.review)  # the values only, kept until the outputs are written
            return result
        self._share_strings(result)
        data = result.data
        if result.place is not None and self.spool is not None:
            result.details = self.spool.ref(result.place)
        elif result.totals is not None:
            result.details = UnitDetails(
                expand_rows(self.scheme, result.rows), data.values, data.raw, data.remarks, result.sources
            )
            result.sources = {}
        result.rows = []  # the rows became ItemScores (or stay in the spool); one copy, not two
        return result

    def _share_strings(self, result: JobResult) -> None:
        """Unpickled results bring their own copy of every field id and explanation; at 40,000 returns
        those copies are most of the memory, so keys become the scheme's own strings and texts are
        interned."""
        canonical = self.canonical

        def rekey(values: dict[str, object]) -> dict[str, object]:
            return {canonical.get(k, k): v for k, v in values.items()}

        data = result.data
        if result.totals is not None:
            result.totals = self.numbers.totals(result.totals)
        data.values = rekey(data.values)
        data.raw = {canonical.get(k, k): v for k, v in data.raw.items()}
        data.remarks = {canonical.get(k, k): v for k, v in data.remarks.items()}
        data.cells = {}
        result.rows = [
            (canonical.get(i, sys.intern(i)), score, sys.intern(text), flags, missing)
            for i, score, text, flags, missing in result.rows
        ]
