"""The typed view of results the terminal renders, built from a fresh batch or read back from a summary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from famscore.rules.flags import Effect, Flag
from famscore.scheme.model import BONUS
from famscore.scoring import PENDING, BatchResult, UnitResult

RANKED = "已排名"  # status of a unit that is graded and ranked (JSON `status`)
PENDING_SUFFIX = "，不参加定级和排名"  # how UnitResult.pending_reason ends


def flag_text(flag: Flag) -> str:
    """A veto flag as every output words it: '取消评优（发生较大生产安全事故）'."""
    return f"{flag.effect.value}（{flag.reason}）"


def read_flag(text: str) -> Flag | None:
    """The flag `flag_text` wrote, or None when `text` is not one (a note, a 待定 line)."""
    for effect in Effect:
        head = effect.value + "（"
        if text.startswith(head) and text.endswith("）"):
            return Flag(effect, text[len(head) : -1])
    return None


def marks(unit: UnitResult) -> list[str]:
    """A unit's flags and notes in words, flags first: the JSON `flags` and the workbook's 标记."""
    return [flag_text(f) for f in unit.flags] + unit.notes


@dataclass(frozen=True)
class Band:
    name: str
    lower: Decimal | None


@dataclass(frozen=True)
class SchemeFacts:
    """What the results say about the scheme and the run (the summary's 考评表 sheet)."""

    title: str
    version: str
    fingerprint: str
    year: int | None
    decimals: int
    main_points: Decimal | None
    bonus_points: Decimal | None
    bands: tuple[Band, ...]
    grade_basis: str
    rank_basis: str
    famscore_version: str = ""
    generated_at: str = ""  # '' for a batch scored just now
    returns: int | None = None
    unit_kind: str = ""  # 考核对象, e.g. 街道（镇）: the notice's 主送
    roster: tuple[str, ...] = ()  # the units file's names in order, () when scored without one


@dataclass(frozen=True)
class CategoryHead:
    id: str  # '' when read back from a summary (which does not record it)
    name: str
    points: Decimal | None
    bonus: bool = False


@dataclass(frozen=True)
class UnitView:
    rank: int | None
    unit: str
    file: str
    categories: tuple[Decimal | None, ...]  # in the order of SummaryView.categories
    main: Decimal | None
    bonus: Decimal | None
    total: Decimal | None
    grade: str
    flags: tuple[Flag, ...]
    notes: tuple[str, ...]  # remarks beside the flags (a bonus over its cap)
    complete: bool
    held: str  # why the return's identity is in doubt, '' when it is not
    reason: str  # why the unit is 待定 ('' when ranked)

    @property
    def rankable(self) -> bool:
        return self.complete and not self.held

    @property
    def status(self) -> str:
        return RANKED if self.rankable else PENDING


@dataclass(frozen=True)
class SummaryView:
    """Results as the terminal shows them: the scheme's facts, its categories and the units in rank order.

    `units` may be the first few of `unit_count` (a table of 40,000 units shows the top 60); `counts`
    are of all of them: units per band (every band, empty ones too), then any other grade (待定) met.
    """

    scheme: SchemeFacts
    categories: tuple[CategoryHead, ...]
    units: tuple[UnitView, ...]
    unit_count: int
    counts: tuple[tuple[str, int], ...]
    path: str = ""  # the summary workbook read back, '' for a fresh batch

    def grade_counts(self) -> dict[str, int]:
        return dict(self.counts)


def grade_counts(bands: tuple[Band, ...], grades: Iterable[str]) -> tuple[tuple[str, int], ...]:
    counts = {b.name: 0 for b in bands}
    for grade in grades:
        counts[grade] = counts.get(grade, 0) + 1
    return tuple(counts.items())


@dataclass(frozen=True)
class BreakdownRow:
    """One line of a unit's breakdown: a category with its subtotal, or an item with its reason."""

    id: str
    name: str
    points: Decimal | None
    score: Decimal | None
    explanation: str = ""
    category: bool = False


def facts_of(batch: BatchResult) -> SchemeFacts:
    scheme = batch.scheme
    s = scheme.settings
    return SchemeFacts(
        title=s.title,
        version=s.version,
        fingerprint=scheme.fingerprint,
        year=s.year,
        decimals=s.decimals,
        main_points=s.main_points,
        bonus_points=s.bonus_points,
        bands=tuple(Band(b.name, b.lower) for b in scheme.bands),
        grade_basis=s.grade_basis,
        rank_basis=s.rank_basis,
        returns=batch.files,
        unit_kind=s.unit_kind,
        roster=batch.roster,
    )


def unit_view(batch: BatchResult, unit: UnitResult) -> UnitView:
    return UnitView(
        rank=unit.rank,
        unit=unit.unit,
        file=unit.file,
        categories=tuple(unit.categories.get(c.id) for c in batch.scheme.categories),
        main=unit.main,
        bonus=unit.bonus,
        total=unit.total,
        grade=unit.grade,
        flags=tuple(unit.flags),
        notes=tuple(unit.notes),
        complete=unit.complete,
        held="；".join(unit.held),
        reason=unit.pending_reason() if not unit.rankable else "",
    )


def view_of_batch(batch: BatchResult, limit: int | None = None) -> SummaryView:
    """The view of a batch scored just now, of its first `limit` units when given (counts of all)."""
    facts = facts_of(batch)
    shown = batch.units if limit is None else batch.units[:limit]
    return SummaryView(
        scheme=facts,
        categories=tuple(
            CategoryHead(c.id, c.name, c.points, c.kind == BONUS) for c in batch.scheme.categories
        ),
        units=tuple(unit_view(batch, u) for u in shown),
        unit_count=len(batch.units),
        counts=grade_counts(facts.bands, (u.grade for u in batch.units)),
    )


def breakdown_of(batch: BatchResult, unit: UnitResult) -> list[BreakdownRow]:
    """A unit scored just now, category by category, item by item."""
    rows = []
    for cat in batch.scheme.categories:
        rows.append(BreakdownRow(cat.id, cat.name, cat.points, unit.categories.get(cat.id), category=True))
        for item in cat.items:
            s = unit.item(item.id)
            rows.append(BreakdownRow(item.id, item.name, item.points, s.score, s.explanation))
    return rows
