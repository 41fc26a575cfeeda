"""One call for a whole batch: list the folder, read and score in workers, check identities, rank."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from famscore.batch.folder import list_returns
from famscore.batch.job import JobResult, Receiver, prepare, read_and_score
from famscore.batch.pool import default_workers, read_in_workers
from famscore.batch.spool import Spool
from famscore.errors import FamscoreError, Problem, joined
from famscore.messages import Msg
from famscore.returns import ReturnData
from famscore.reviews import ReviewData
from famscore.scheme.model import Scheme
from famscore.scoring import BatchResult, score_batch

Progress = Callable[[int, int], None]


class NoReturns(FamscoreError):
    """The folder holds no file that could be a return: an empty result would rank nobody."""

    def __init__(self, folder: Path, notes: list[Problem]) -> None:
        super().__init__(joined(*Msg.CLI_NO_RETURNS.render(folder=folder)), folder)
        self.code, self.fields = Msg.CLI_NO_RETURNS.code, {"folder": folder}
        self.notes = notes


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """A batch allocates millions of long-lived objects and no cycles worth collecting: the cyclic
    collector's full passes over them cost more than the whole scoring at 40,000 returns. Afterwards
    what the batch made is frozen, so the outputs' collections do not walk it either."""
    if not gc.isenabled():  # an enclosing batch has the policy already
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.freeze()


def read_folder(
    folder: Path,
    scheme: Scheme,
    progress: Progress | None = None,
    workers: int | None = None,
    spool: bool = False,
    reviews: Path | None = None,
) -> tuple[list[JobResult], list[Problem]]:
    """Read and score every return in `folder` in worker processes; `progress(done, total)` after each.

    With `spool`, workers keep each return's details (values, explanations) in a temporary file the
    batch owns and send back only its scores; the results then load their details when asked.
    `reviews`: a second folder with the departments' 评分表. A 评分表 is told from a unit's return by
    its _meta wherever it is, and read in the workers like the returns (JobResult.review).
    """
    files, notes = list_returns(folder)
    jobs = [(path, path.relative_to(folder).as_posix()) for path in files]
    if reviews is not None:
        more, more_notes = list_returns(reviews)
        inside = _nested(folder, reviews)  # one folder within the other: a file is listed once
        seen = {path.resolve() for path in files} if inside else set()
        jobs += [
            (path, f"{reviews.name}/{path.relative_to(reviews).as_posix()}")
            for path in more
            if not inside or path.resolve() not in seen
        ]
        notes += [p for p in more_notes if p not in notes]
    count = workers if workers is not None else default_workers(len(jobs))
    spooled = Spool(scheme) if spool and jobs else None
    # Largest files first (a 评分表 of 10,000 rows is a few hundred returns' work): they then overlap
    # the many small returns instead of holding up the end of the batch. Results keep the listing order.
    order = sorted(range(len(jobs)), key=lambda i: -_size(jobs[i][0]))
    with no_cyclic_gc():
        results = read_in_workers(
            [jobs[i] for i in order],
            scheme,
            count,
            progress,
            reader=read_and_score,
            prepare=prepare,
            spool_dir=spooled.folder if spooled is not None else "",
            receive=Receiver(scheme, spooled),
        )
    if len(results) == len(order):
        placed: list[JobResult] = [results[0]] * len(results) if results else []
        for position, index in enumerate(order):
            placed[index] = results[position]
        results = placed
    return results, notes


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the reader reports it


def _nested(one: Path, other: Path) -> bool:
    a, b = one.resolve(), other.resolve()
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def score_folder(
    scheme: Scheme,
    folder: Path,
    units: Sequence[str] | None = None,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
    spool: bool = True,
    reviews: Path | None = None,
) -> BatchResult:
    """Every return in `folder` read, checked and scored; identities checked against the roster
    `units` (None: no roster); units graded and ranked. Raises NoReturns for a folder without returns.

    Two-party schemes: the departments' 评分表 are found among the returns or in `reviews`, and each
    field is taken from its filler (famscore.scoring.score_batch, famscore.merge).
    """
    with no_cyclic_gc():
        results, notes = read_folder(folder, scheme, progress, workers, spool, reviews)
        if all(_not_a_return(result.data) or result.review is not None for result in results):
            # Only a covering letter, a scan or an archive: no return was there to read.
            raise NoReturns(folder, notes + [p for result in results for p in result.data.problems])
        # A two-party scheme always merges: a folder without 评分表 is then one problem per department.
        found: list[ReviewData] | None = [] if scheme.two_party else None
        return score_batch(scheme, results, list(units) if units is not None else None, notes, found)


_NOT_RETURNS = {Msg.RETURN_NOT_SPREADSHEET.code, Msg.ARCHIVE_NOT_READ.code}


def _not_a_return(data: ReturnData) -> bool:
    """A file that was never a return: not a spreadsheet by its content, or an archive."""
    return not data.readable and bool(data.problems) and all(p.code in _NOT_RETURNS for p in data.problems)
