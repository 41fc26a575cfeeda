"""Values + scheme -> unit results with subtotals, bonus, grade, flags and shared ranks (pure: no files)."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple, Protocol

from famscore.errors import Problem
from famscore.merge import DepartmentValues, merge_reviews
from famscore.messages import Msg
from famscore.names import KnownUnits, file_stem_key, name_key, other_unit_named, roster_typos
from famscore.numbers import fmt
from famscore.returns import ReturnData
from famscore.reviews import ReviewData
from famscore.rules.engine import ItemScore, score_item
from famscore.rules.flags import Effect, Flag
from famscore.scheme.format import self_score_id
from famscore.scheme.model import BASIS_TOTAL, BONUS, MAIN, Item, Scheme

PENDING = "待定"  # grade of a unit with unscored items: it cannot be graded honestly


_NO_SOURCES: Mapping[str, str] = MappingProxyType({})


class UnitDetails(NamedTuple):
    """A unit's bulky details: item scores with explanations, typed values, values as typed, remarks.

    In memory it is its own Details (`load` gives itself).
    """

    items: list[ItemScore]
    values: dict[str, object]
    raw: dict[str, str]
    remarks: dict[str, str]
    # field id -> where its value was read, in words ("回表 填报!D12", "评分表_公共卫生科.xlsx 评分表!F7");
    # empty until the two-party reader fills it.
    sources: Mapping[str, str] = _NO_SOURCES

    def load(self) -> UnitDetails:
        return self


class Details(Protocol):
    """Where a unit's details are: in memory (UnitDetails), or somewhere only the batch knows how to
    load from (famscore.batch.spool.SpoolRef), so this module never opens a file."""

    def load(self) -> UnitDetails: ...


class Scored(Protocol):
    """A return with what was computed where it was read (famscore.batch.job.JobResult is one)."""

    @property
    def data(self) -> ReturnData: ...

    @property
    def totals(self) -> Totals | None: ...  # None: nothing could be read

    @property
    def details(self) -> Details | None: ...


def _no_details() -> Details:
    return UnitDetails([], {}, {}, {})


@dataclass
class UnitResult:
    """One unit's result. Its details (item explanations and the values typed) come through
    `details`: in memory, or for large batches loaded on first use from wherever the batch keeps them,
    so 40,000 units do not hold 40,000 sets of explanations in memory."""

    unit: str
    file: str
    scores: tuple[Decimal | None, ...]  # item scores in scheme order, always in memory
    categories: dict[str, Decimal | None]
    main: Decimal
    bonus: Decimal
    bonus_raw: Decimal
    total: Decimal
    grade: str
    flags: list[Flag]  # veto flags, as data; outputs word them
    complete: bool
    rank: int | None = None
    # Why the return's identity is in doubt (another scheme, file name of another unit, two returns,
    # not on the roster): the unit is then 待定, outside the ranking and the notice, in every output.
    held: list[str] = field(default_factory=list)
    # Bookkeeping remarks shown beside the flags (a bonus over its cap), already in words.
    notes: list[str] = field(default_factory=list)
    details: Details = field(default_factory=_no_details, repr=False)
    claims: tuple[Decimal | None, ...] = ()  # 自评分 in scheme order (claims_of), kept in memory

    @property
    def items(self) -> list[ItemScore]:
        return self.details.load().items

    @property
    def values(self) -> dict[str, object]:
        return self.details.load().values

    @property
    def raw(self) -> dict[str, str]:
        return self.details.load().raw

    @property
    def remarks(self) -> dict[str, str]:
        return self.details.load().remarks

    @property
    def sources(self) -> Mapping[str, str]:
        return self.details.load().sources

    def self_score(self, item_id: str) -> Decimal | None:
        """The unit's own claim for the item (设置 自评 是), or None: never part of the score."""
        value = self.values.get(self_score_id(item_id))
        return value if isinstance(value, Decimal) else None

    @property
    def self_total(self) -> Decimal | None:
        """The sum of the unit's 自评分, or None when it gave none."""
        claims = [claim for claim in self.claims if claim is not None]
        return sum(claims, Decimal(0)) if claims else None

    @property
    def rankable(self) -> bool:
        """Graded and ranked: every item scored and nothing in doubt about whose return it is."""
        return self.complete and not self.held

    def pending_reason(self) -> str:
        """Why the unit is 待定 ('' when it is ranked), the same words in every output."""
        reasons = list(self.held)
        if not self.complete:
            missing = [s.item.name for s in self.items if s.score is None]
            more = "等" if len(missing) > 5 else ""
            reasons.append(f"有 {len(missing)} 项无法计分（{'、'.join(missing[:5])}{more}）")
        return "；".join(reasons) + "，不参加定级和排名" if reasons else ""

    @property
    def forced_last(self) -> bool:
        return any(f.effect is Effect.LAST for f in self.flags)

    @property
    def no_top(self) -> bool:
        return any(f.effect is Effect.NO_TOP for f in self.flags)

    def item(self, item_id: str) -> ItemScore:
        return next(s for s in self.items if s.item.id == item_id)


@dataclass
class BatchResult:
    scheme: Scheme
    units: list[UnitResult]
    problems: list[Problem]
    files: int = 0  # unit returns (and other files) read, 评分表 not counted
    roster: tuple[str, ...] = ()  # the units file's names in its order (outputs list units so); () without
    reviews: int = 0  # departments' 评分表 read

    def grade_counts(self) -> dict[str, int]:
        counts = {b.name: 0 for b in self.scheme.bands}
        for unit in self.units:
            counts[unit.grade] = counts.get(unit.grade, 0) + 1
        return counts


def basis_score(unit: UnitResult, basis: str) -> Decimal:
    return unit.total if basis == BASIS_TOTAL else unit.main


# An item score without its Item, small to send back from a worker process.
ScoreRow = tuple[str, Decimal | None, str, tuple[Flag, ...], tuple[str, ...]]


class Totals(NamedTuple):
    """What a unit's ranking needs from its item scores, computed where the return was read."""

    scores: tuple[Decimal | None, ...]  # in scheme order
    categories: dict[str, Decimal | None]
    main: Decimal
    bonus_raw: Decimal
    flags: tuple[Flag, ...]
    complete: bool
    claims: tuple[Decimal | None, ...] = ()  # the unit's 自评分 in scheme order; () without 自评


def summarise(scheme: Scheme, rows: list[ScoreRow], values: Mapping[str, object] | None = None) -> Totals:
    """Subtotals, main and bonus sums and veto flags of one unit's score rows (in scheme order), and
    with the unit's `values` its 自评分 (claims_of)."""
    scores = tuple(row[1] for row in rows)
    categories: dict[str, Decimal | None] = {}
    main = bonus_raw = Decimal(0)
    position = 0
    for cat in scheme.categories:
        subtotal: Decimal | None = Decimal(0)
        for _item in cat.items:
            score = scores[position]
            position += 1
            if score is None:
                subtotal = None
                continue
            if subtotal is not None:
                subtotal += score
            if cat.kind == BONUS:
                bonus_raw += score
            elif cat.kind == MAIN:
                main += score
        categories[cat.id] = subtotal
    flags = tuple(flag for row in rows for flag in row[3])
    claims = claims_of(scheme, values) if values is not None else ()
    return Totals(scores, categories, main, bonus_raw, flags, None not in scores, claims)


class SharedNumbers:
    """One Decimal object per distinct value, keyed by its text (so 5 and 5.0 stay apart). A batch's
    scores, claims and subtotals take a few dozen values, but every unpickled or summed one is a new
    object of 104 bytes: 46 a unit, most of what a unit costs the parent."""

    def __init__(self) -> None:
        self._table: dict[str, Decimal] = {}

    def one(self, value: Decimal | None) -> Decimal | None:
        return None if value is None else self._table.setdefault(str(value), value)

    def each(self, values: tuple[Decimal | None, ...]) -> tuple[Decimal | None, ...]:
        return tuple(map(self.one, values))

    def totals(self, totals: Totals) -> Totals:
        """`totals` with its scores, claims and subtotals shared."""
        return totals._replace(
            scores=self.each(totals.scores),
            claims=self.each(totals.claims),
            categories={k: self.one(v) for k, v in totals.categories.items()},
        )


def claims_of(scheme: Scheme, values: Mapping[str, object]) -> tuple[Decimal | None, ...]:
    """The unit's own claims (自评分) in scheme order, () for a scheme without 自评. They travel with
    the scores, so the 自评与核定 sheet and the totals never load a spooled unit's details."""
    if not scheme.settings.self_assessment:
        return ()
    claims = (values.get(self_score_id(item.id)) for item in scheme.items)
    return tuple(claim if isinstance(claim, Decimal) else None for claim in claims)


MEMO_LIMIT = 100_000  # remembered item scores per process (a few tens of MB at most)


def score_rows(
    scheme: Scheme,
    values: Mapping[str, object],
    memo: dict[tuple[Any, ...], Any] | None = None,
    positions: Iterable[int] | None = None,
) -> list[ScoreRow]:
    """Every item's score for one unit, in a compact picklable form (computed in the worker).

    An item's score is a pure function of the values of the fields its rules read, and across a
    batch most items see the same few inputs (no incidents, 是, the same level), so `memo` keeps
    each row by item and inputs: equal inputs give the very same row, explanation string included.
    """
    decimals = scheme.settings.decimals
    items = scheme.items if positions is None else [scheme.items[i] for i in positions]

    def scored(item: Item) -> ScoreRow:
        s = score_item(item, values, decimals)
        return (item.id, s.score, s.explanation, s.flags, s.missing)

    if memo is None:
        return [scored(item) for item in items]
    rows: list[ScoreRow] = []
    for item in items:
        key = (item.id, *(values.get(fid) for fid in item.input_ids))
        row = memo.get(key)
        if row is None:
            row = scored(item)
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[key] = row
        rows.append(row)
    return rows


def calculation_problems(
    scheme: Scheme, data: ReturnData, rows: list[ScoreRow], skip: Iterable[int] = ()
) -> list[Problem]:
    """A located error for each item left unscored by something no reader message names.

    A value refused where it was read is already an error at its cell; a division by zero, or an
    optional field left blank that a calculation needs, is named here: the item, its fields and
    their values, at the cell to check (so "改正上面列出的问题" always has something listed).
    """
    from famscore.values import shown

    reported = {p.cell for p in data.problems if p.is_error and p.cell}
    labels = {f.id: f.label or f.id for f in scheme.fields.values()}
    problems = []
    skipped = set(skip)
    for position, (item, row) in enumerate(zip(scheme.items, rows, strict=True)):
        _id, score, explanation, _flags, fields = row
        if score is not None or position in skipped:
            continue
        unreported = [fid for fid in fields if not _reported(data, fid, reported)]
        if fields and not unreported:
            continue
        named = "、".join(
            f"{labels.get(fid, fid)} = {shown(data.values[fid])}"
            if fid in data.values
            else f"{labels.get(fid, fid)}（未填）"
            for fid in fields
        )
        cell = next((data.cells[fid] for fid in unreported if fid in data.cells), "")
        blank = [labels.get(fid, fid) for fid in unreported if fid not in data.values]
        message = Msg.ITEM_NOT_SCORED_BLANK if blank else Msg.ITEM_NOT_SCORED
        problems.append(
            message.problem(
                data.file,
                data.sheet,
                cell=cell,
                item=item.name,
                id=item.id,
                explanation=explanation.removesuffix("。"),
                named=f"：{named}" if named else "",
                blank="、".join(blank),
            )
        )
    return problems


def _reported(data: ReturnData, fid: str, cells: set[str]) -> bool:
    """Whether the reader already gave an error about field `fid` (at its cell, or naming it)."""
    cell = data.cells.get(fid)
    if cell is not None:
        return cell in cells
    return any(p.is_error and f"（{fid}）" in p.message for p in data.problems)


def expand_rows(scheme: Scheme, rows: list[ScoreRow]) -> list[ItemScore]:
    """Score rows back into ItemScores with their Items."""
    items = {item.id: item for item in scheme.items}
    # Many units share an explanation word for word; interning keeps one copy (memory at 40,000 units).
    return [
        ItemScore(items[i], score, sys.intern(text), flags, missing)
        for i, score, text, flags, missing in rows
    ]


def score_unit(
    scheme: Scheme, data: ReturnData, totals: Totals | None = None, details: Details | None = None
) -> UnitResult:
    """A unit's result; `totals` and `details` are what was computed where the return was read, else
    the return is scored here."""
    if totals is None or details is None:
        rows = score_rows(scheme, data.values)
        totals = summarise(scheme, rows, data.values)
        # shared, not copied: the ReturnData goes away after scoring
        details = UnitDetails(expand_rows(scheme, rows), data.values, data.raw, data.remarks)
    cap = scheme.settings.bonus_points
    bonus_raw = totals.bonus_raw
    bonus = min(bonus_raw, cap) if cap else bonus_raw
    result = UnitResult(
        unit=data.unit,
        file=data.file,
        scores=totals.scores,
        categories=totals.categories,
        main=totals.main,
        bonus=bonus,
        bonus_raw=bonus_raw,
        total=totals.main + bonus,
        grade="",
        flags=list(totals.flags),
        complete=totals.complete,
        details=details,
        claims=totals.claims,
    )
    result.grade = grade_of(scheme, result)
    if bonus != bonus_raw:
        result.notes.append(f"附加分 {fmt(bonus_raw)} 超过上限 {fmt(cap)}，按 {fmt(cap)} 计")
    return result


def grade_of(scheme: Scheme, unit: UnitResult) -> str:
    if not scheme.bands:
        return ""
    if not unit.rankable:
        return PENDING
    grade = scheme.grade_for(basis_score(unit, scheme.settings.grade_basis))
    names = [b.name for b in scheme.bands]
    if unit.no_top and grade == names[0] and len(names) > 1:
        return names[1]
    return grade


def rank_units(scheme: Scheme, units: list[UnitResult]) -> list[UnitResult]:
    """Ranks shared on ties (1, 2, 2, 4); forced-last units after all others; 待定 units unranked.

    The order of the input never matters: ties are listed by unit name.
    """
    basis = scheme.settings.rank_basis
    ranked = sorted(
        (u for u in units if u.rankable),
        key=lambda u: (u.forced_last, -basis_score(u, basis), u.unit, u.file),
    )
    previous: tuple[bool, Decimal] | None = None
    for position, unit in enumerate(ranked, start=1):
        key = (unit.forced_last, basis_score(unit, basis))
        if key != previous:
            unit.rank = position
            previous = key
        else:
            unit.rank = ranked[position - 2].rank
    rest = sorted((u for u in units if not u.rankable), key=lambda u: (u.unit, u.file))
    for unit in rest:
        unit.rank = None
    return ranked + rest


LISTED_FILES = 3  # files named in a problem about several returns; the rest are counted


def _files(names: list[str]) -> str:
    shown = "、".join(names[:LISTED_FILES])
    return f"{shown} 等 {len(names)} 个文件" if len(names) > LISTED_FILES else shown


class _InMemory(NamedTuple):
    data: ReturnData
    totals: Totals | None
    details: Details | None
    inputs: dict[str, object] | None = None


def unit_sources(data: ReturnData) -> dict[str, str]:
    """Field id -> where the unit's return holds its value ('回表 填报!D12'), for the audit."""
    where = f"回表 {data.sheet}!"
    return {fid: where + cell for fid, cell in data.cells.items() if fid in data.values}


class Split:
    """Which fields the departments fill and which items read them: made once per batch and per worker.

    A two-party unit's return is scored where it is read without the department items (their rows are
    left blank here); the parent scores those items once the 评分表 are merged (famscore.merge).
    """

    def __init__(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.fields = tuple(fid for fid, f in scheme.fields.items() if not f.by_unit)
        theirs = set(self.fields)
        self.positions = tuple(
            i for i, item in enumerate(scheme.items) if any(fid in theirs for fid in item.input_ids)
        )
        # The unit's own values those items read: the only values the parent keeps until it scores them.
        self.inputs = tuple(
            dict.fromkeys(
                fid for i in self.positions for fid in scheme.items[i].input_ids if fid not in theirs
            )
        )

    def separate(self, data: ReturnData) -> dict[str, object]:
        """Drop what the departments fill from a unit's return (an old form), with one warning, and
        give back the unit's values the department items read."""
        typed = [fid for fid in self.fields if fid in data.values or data.raw.get(fid)]
        if typed:
            labels = [f"「{self.scheme.fields[fid].label or fid}」（{fid}）" for fid in typed]
            shown = "、".join(labels[:5]) + (f"等 {len(labels)} 项" if len(labels) > 5 else "")
            data.problems.append(
                Msg.MERGE_RETURN_DEPARTMENT_FIELDS.problem(
                    data.file, data.sheet, cell=data.cells.get(typed[0], ""), labels=shown
                )
            )
            for fid in typed:
                data.values.pop(fid, None)
                data.raw.pop(fid, None)
        for fid in self.fields:
            data.remarks.pop(fid, None)
        return {fid: data.values[fid] for fid in self.inputs if fid in data.values}

    def blank_rows(self, rows: list[ScoreRow]) -> list[ScoreRow]:
        """The unit's rows with the department items left blank: the parent scores them."""
        rows = list(rows)
        for i in self.positions:
            rows[i] = (rows[i][0], None, "", (), ())
        return rows


def _scored_here(scheme: Scheme, data: ReturnData, split: Split | None = None) -> Scored:
    """A return read in this process, scored while its cells are known."""
    if not data.readable:
        return _InMemory(data, None, None)
    inputs = split.separate(data) if split is not None else None
    rows = score_rows(scheme, data.values)
    if split is not None:
        rows = split.blank_rows(rows)
    totals = summarise(scheme, rows, data.values)
    skip = split.positions if split is not None else ()
    data.problems.extend(calculation_problems(scheme, data, rows, skip))
    details = UnitDetails(expand_rows(scheme, rows), data.values, data.raw, data.remarks, unit_sources(data))
    return _InMemory(data, totals, details, inputs)


class MergedDetails:
    """A two-party unit's Details: what was read from its return (in memory or spooled) with the
    department items as scored after the merge, and the 评分表 values and where they are."""

    __slots__ = ("base", "key", "merge", "rows")

    def __init__(self, base: Details, rows: list[ScoreRow], key: str, merge: _Merge) -> None:
        self.base, self.rows, self.key, self.merge = base, rows, key, merge

    def load(self) -> UnitDetails:
        last, details = self.merge.last
        if last is self and details is not None:
            return details
        read = self.base.load()
        items = list(read.items)
        positions = self.merge.split.positions
        if items:
            for position, score in zip(positions, expand_rows(self.merge.scheme, self.rows), strict=True):
                items[position] = score
        departments = self.merge.values
        values = {**read.values, **departments.values_of(self.key)}
        sources = {**read.sources, **departments.sources_of(self.key)}
        details = UnitDetails(items, values, read.raw, read.remarks, sources)
        self.merge.last = (self, details)
        return details


class _Merge:
    """The parent's half of a two-party batch: the merged 评分表 and the department items' scores."""

    def __init__(self, scheme: Scheme, split: Split, values: DepartmentValues) -> None:
        self.scheme, self.split, self.values = scheme, split, values
        self.memo: dict[tuple[Any, ...], Any] = {}
        self.numbers = SharedNumbers()  # as famscore.batch keeps the workers' totals
        self.last: tuple[MergedDetails | None, UnitDetails | None] = (None, None)

    def score(
        self, data: ReturnData, key: str, inputs: Mapping[str, object], totals: Totals, details: Details
    ) -> tuple[Totals, Details, set[int], list[Problem]]:
        """The unit's totals with its department items scored; the positions pending only because a
        department's 评分表 is missing (said once for the batch); the problems to name for this unit."""
        scheme, split = self.scheme, self.split
        values = {**inputs, **self.values.values_of(key)}
        rows = score_rows(scheme, values, self.memo, split.positions)
        scores = list(totals.scores)
        for position, row in zip(split.positions, rows, strict=True):
            scores[position] = row[1]
        summed = summarise(scheme, [(item.id, scores[i], "", (), ()) for i, item in enumerate(scheme.items)])
        flags = totals.flags + tuple(flag for row in rows for flag in row[3])
        merged = self.numbers.totals(summed._replace(flags=flags, claims=totals.claims))
        excused: set[int] = set()
        problems: list[Problem] = []
        for position, row in zip(split.positions, rows, strict=True):
            if row[1] is not None:
                continue
            item = scheme.items[position]
            theirs = [fid for fid in row[4] if fid in scheme.fields and not scheme.fields[fid].by_unit]
            if any(scheme.fields[fid].filler in self.values.missing for fid in theirs):
                excused.add(position)
                continue
            found = [self.values.blank_problem(key, data.unit, fid, item.name) for fid in theirs]
            named = [p for p in found if p is not None]
            problems.extend(named)
            if not theirs or (len(theirs) < len(row[4]) and not named):
                problems.append(
                    Msg.ITEM_NOT_SCORED.problem(
                        data.file,
                        data.sheet,
                        item=item.name,
                        id=item.id,
                        explanation=row[2].removesuffix("。"),
                        named="",
                    )
                )
        return merged, MergedDetails(details, rows, key, self), excused, problems


def score_batch(
    scheme: Scheme,
    returns: Iterable[ReturnData | Scored],
    expected_units: list[str] | None = None,
    extra_problems: Iterable[Problem] = (),
    reviews: Iterable[ReviewData] | None = None,
) -> BatchResult:
    """Score every readable return; report duplicates, strays and units that sent nothing.

    `returns` are ReturnData (scored here) or returns scored where they were read (famscore.batch).
    Units are told apart by famscore.names.name_key (full-width and half-width forms are one name)
    and printed as the roster writes them, else as the first return's _meta does. A unit whose
    return's identity is in doubt is scored but held (UnitResult.held): 待定, never ranked.

    Two-party schemes (Scheme.two_party): the departments' 评分表 are `reviews`, or come among `returns`
    as read by famscore.batch; each field is then taken from its filler (famscore.merge), once the
    unit of every return is settled. With neither, every value is taken from the returns as read.
    """
    problems = list(extra_problems)
    expected_units = list(expected_units) if expected_units else None  # an empty roster is none
    entries = list(returns)
    found = [review for r in entries if (review := _review_of(r)) is not None]
    entries = [r for r in entries if _review_of(r) is None]
    split_here = any(getattr(r, "inputs", None) is not None for r in entries)
    merging = scheme.two_party and (reviews is not None or bool(found) or split_here)
    split = Split(scheme) if merging else None
    all_reviews = [*(reviews or ()), *found]
    for review in all_reviews:
        problems.extend(review.problems)
    scored = {
        id(entry.data): entry
        for entry in (_scored_here(scheme, r, split) if isinstance(r, ReturnData) else r for r in entries)
    }
    ordered = sorted((entry.data for entry in scored.values()), key=lambda d: d.file)
    readable = [data for data in ordered if data.readable]
    held: dict[str, list[str]] = defaultdict(list)
    named: list[Problem] = []
    claimed = _check_file_names(scheme, readable, expected_units, named, held)
    for data in ordered:
        problems.extend(data.problems)
    problems.extend(named)
    count = len(ordered)
    shown: dict[str, str] = {name_key(u): u for u in expected_units or ()}
    by_unit: dict[str, list[ReturnData]] = defaultdict(list)
    for data in readable:
        key = name_key(data.unit)
        data.unit = shown.setdefault(key, data.unit)
        by_unit[key].append(data)
        for reason in data.identity:
            if reason not in held[key]:
                held[key].append(reason)
    chosen: list[ReturnData] = []
    for key, group in by_unit.items():
        chosen.append(group[0])
        if len(group) > 1:
            # One problem per unit, naming a few files: listing every file in every file's problem
            # made 1,000 copies of one return a million-name table.
            unit = group[0].unit
            held[key].append(f"有 {len(group)} 份回表，无法确定采用哪一份")
            files = _files([d.file for d in group])
            problems.append(
                Msg.UNIT_RETURNED_TWICE.problem(group[0].file, unit=unit, count=len(group), files=files)
            )
    if expected_units is not None:
        expected = {name_key(u) for u in expected_units}
        strays = [k for k in sorted(by_unit, key=lambda k: by_unit[k][0].unit) if k not in expected]
        # A roster typo (新华街 for 新华街道) is one problem, not a missing unit and a stray apart.
        typos = roster_typos(
            [u for u in expected_units if name_key(u) not in by_unit and name_key(u) not in claimed],
            [by_unit[k][0].unit for k in strays],
        )
        misspelt = {name_key(u) for u in typos.values()}
        for unit in expected_units:
            key = name_key(unit)
            if key not in by_unit and key not in misspelt:
                who = claimed.get(key)
                note = f"（文件「{who[0]}」的文件名是它的，但 _meta 中的单位是「{who[1]}」）" if who else ""
                problems.append(Msg.UNIT_NOT_RETURNED.problem(unit=unit, note=note))
        for key in strays:
            held[key].append("不在单位名单中")
            files = _files([d.file for d in by_unit[key]])
            unit = by_unit[key][0].unit
            if unit in typos:
                problems.append(Msg.UNIT_ROSTER_TYPO.problem(files, unit=unit, roster_name=typos[unit]))
            else:
                problems.append(Msg.UNIT_NOT_ON_ROSTER.problem(files, unit=unit))
    merge: _Merge | None = None
    if split is not None:
        departments = merge_reviews(scheme, all_reviews)
        merge = _Merge(scheme, split, departments)
        problems.extend(departments.problems)
        roster = {name_key(u): u for u in expected_units} if expected_units is not None else None
        if roster is not None:
            # A unit whose return is already reported as off the roster (or a roster typo) is not
            # reported again for each 评分表 row that names it: one cause, one problem.
            roster.update({k: by_unit[k][0].unit for k in by_unit if k not in roster})
        problems.extend(departments.check_units(roster, {k: g[0].unit for k, g in by_unit.items()}))
    units: list[UnitResult] = []
    excused: dict[int, set[int]] = {}
    for data in chosen:
        entry = scored[id(data)]
        totals, details = entry.totals, entry.details
        if merge is not None and totals is not None and details is not None:
            inputs = getattr(entry, "inputs", None) or {}
            totals, details, excuse, named = merge.score(data, name_key(data.unit), inputs, totals, details)
            problems.extend(named)
        else:
            excuse = set()
        result = score_unit(scheme, data, totals, details)
        excused[id(result)] = excuse
        result.held = held.get(name_key(data.unit), [])
        if result.held:
            result.grade = grade_of(scheme, result)
        units.append(result)
    for result in units:
        if not result.complete:
            # Items pending only because a department's 评分表 is missing were named once for the batch.
            excuse = excused[id(result)]
            missing = [
                item.name
                for i, (item, score) in enumerate(zip(scheme.items, result.scores, strict=True))
                if score is None and i not in excuse
            ]
            if not missing:
                continue
            problems.append(
                Msg.UNIT_INCOMPLETE.problem(
                    result.file,
                    unit=result.unit,
                    count=len(missing),
                    items="、".join(missing[:5]),
                    more="等" if len(missing) > 5 else "",
                )
            )
    return BatchResult(
        scheme, rank_units(scheme, units), problems, count, tuple(expected_units or ()), len(all_reviews)
    )


def _review_of(entry: ReturnData | Scored) -> ReviewData | None:
    """The 评分表 a batch entry is (famscore.batch reads them among the returns), else None."""
    review = getattr(entry, "review", None)
    return review if isinstance(review, ReviewData) else None


def _check_file_names(
    scheme: Scheme,
    returns: list[ReturnData],
    roster: list[str] | None,
    problems: list[Problem],
    held: dict[str, list[str]],
) -> dict[str, tuple[str, str]]:
    """A return whose file name names another unit than its _meta is held (famscore.names has the
    rule); a return whose _meta names no unit takes the one unit its file name names, if any.

    Returns {key of the unit a file name names: (file, _meta unit)} for the units that sent nothing.
    """
    from famscore.errors import UsageError
    from famscore.templates import BLANK_UNIT, template_filename

    metas = [d.unit for d in returns if d.unit_from == "_meta"]
    known = KnownUnits(roster if roster is not None else metas)
    if not returns:
        return {}
    shown: dict[str, str] = {}
    for name in [*(roster or ()), *metas]:
        shown.setdefault(name_key(name), name)
    blank = file_stem_key(template_filename(scheme, None))
    prefix = blank[: -len(name_key(BLANK_UNIT))] if blank.endswith(name_key(BLANK_UNIT)) else ""
    claimed: dict[str, tuple[str, str]] = {}
    for data in returns:
        if data.unit_from != "_meta":
            if data.unit_from == "文件名":
                stem = file_stem_key(data.file)
                if name_key(scheme.title):
                    stem = stem.replace(name_key(scheme.title), "/")
                found = known.named_in(stem)
                if len(found) == 1:
                    _rename(data, shown[found.pop()])
            continue
        stem = file_stem_key(data.file)
        own_stem = ""
        # A template's name, but not simply the prefix and this unit's name: is it its own, shortened?
        if stem.startswith(prefix) and stem[len(prefix) :] != name_key(data.unit):
            with contextlib.suppress(UsageError):  # a unit name no file name can hold
                own_stem = file_stem_key(template_filename(scheme, data.unit))
        other = other_unit_named(
            data.file,
            data.unit,
            known,
            scheme.title,
            own_stem,
            prefix,
            roster=roster is not None,
            not_units=(name_key(BLANK_UNIT),),
            stem=stem,
        )
        if other is None:
            continue
        name = shown.get(other, other)
        claimed.setdefault(other, (data.file, data.unit))
        reason = f"回表文件名是「{name}」的，与 _meta 中的单位不符"
        if reason not in held[name_key(data.unit)]:
            held[name_key(data.unit)].append(reason)
        problems.append(
            Msg.RETURN_NAMES_OTHER_UNIT.problem(
                data.file, "_meta", cell=data.meta_cell, unit=data.unit, name=name
            )
        )
    return claimed


def _rename(data: ReturnData, unit: str) -> None:
    """Take `unit` for a return whose _meta names none, and say so in the reader's warning."""
    guess = f"认定为「{data.unit}」"
    for index, problem in enumerate(data.problems):
        if guess in problem.message:
            message = problem.message.replace(guess, f"认定为「{unit}」")
            data.problems[index] = dataclasses.replace(problem, message=message)
    data.unit = unit
