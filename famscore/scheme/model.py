"""The scheme as frozen dataclasses: settings, bands, categories, items, fields and rules."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

# The words of the workbook (field types, 计分类别, 读法, 定级依据) live with the rest of its vocabulary.
from famscore.scheme.format import (
    BASIS_MAIN,
    BASIS_TOTAL,
    BONUS,
    CHOICE,
    DATE,
    DEPARTMENT_SEPARATORS,
    FIELD_TYPES,
    FILLER_UNIT,
    INTEGER,
    MAIN,
    NUMBER,
    NUMERIC_TYPES,
    PERCENT,
    READ_AS_TYPED,
    READ_FRACTION,
    READINGS,
    SCORE,
    TEXT,
    YESNO,
)


class Rule(Protocol):
    """What the model asks of a rule (famscore.rules.base.Rule is one): the model sits below the rules,
    so it names only this much of them."""

    @property
    def kind(self) -> str: ...

    @property
    def spec(self) -> Any: ...  # famscore.rules.RuleSpec: where the rule is written

    def bounds(self) -> Any: ...

    def field_ids(self) -> Iterable[str]: ...

    def score(self, values: Mapping[str, object]) -> Any: ...


VETO_NO_TOP = "取消评优"
VETO_LAST = "排名末位"


@dataclass(frozen=True)
class Source:
    """Where a scheme element was written: sheet and Excel row, for messages."""

    sheet: str
    row: int


@dataclass(frozen=True)
class Band:
    name: str
    lower: Decimal | None  # None: everything below the previous band
    note: str = ""
    source: Source | None = None


@dataclass(frozen=True)
class Field:
    id: str
    item_id: str
    label: str
    type: str
    unit: str = ""
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[str, ...] = ()
    choice_list: str = ""
    required: bool = True
    help: str = ""
    source: Source | None = None
    reading: str = ""  # READ_AS_TYPED, READ_FRACTION or "" (百分比 fields only)
    years: tuple[int, int] = (2000, 2100)  # plausible years of a 日期 field's dates
    # Who fills it: FILLER_UNIT (the unit's own form) or a 考核部门 (that department's 评分表).
    filler: str = FILLER_UNIT
    self_score: bool = False  # the item's 自评分 (format.self_score_id): read and shown, never scored
    note: str = ""  # 字段 说明: the author's note, e.g. why this 填报方 where the seed is not explicit

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def by_unit(self) -> bool:
        return self.filler == FILLER_UNIT


@dataclass(frozen=True)
class Item:
    id: str
    category_id: str
    name: str
    points: Decimal
    kind: str  # MAIN or BONUS, inherited from the category
    floor: Decimal | None  # None: may go negative (上不封顶)
    criteria: str = ""
    department: str = ""
    note: str = ""
    rules: tuple[Rule, ...] = ()
    source: Source | None = None

    @property
    def departments(self) -> tuple[str, ...]:
        """The 考核部门 cell split into departments ("委信访办/老龄家发科" is two)."""
        return split_departments(self.department)

    @functools.cached_property
    def input_ids(self) -> tuple[str, ...]:
        """Every field the item's rules may read, in rule order: its score depends on these alone."""
        return tuple(dict.fromkeys(fid for rule in self.rules for fid in rule.field_ids()))


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    points: Decimal
    kind: str
    items: tuple[Item, ...] = ()
    source: Source | None = None


@dataclass(frozen=True)
class Settings:
    title: str
    year: int | None
    unit_kind: str
    version: str
    decimals: int = 2
    main_points: Decimal = Decimal(100)
    bonus_points: Decimal = Decimal(0)
    grade_basis: str = BASIS_MAIN
    rank_basis: str = BASIS_TOTAL
    note: str = ""
    self_assessment: bool = False  # 设置 自评 是: unit forms carry a 自评分 cell per item


@dataclass(frozen=True)
class Scheme:
    settings: Settings
    bands: tuple[Band, ...]
    categories: tuple[Category, ...]
    fields: dict[str, Field]
    fingerprint: str
    path: str = ""
    warnings: tuple = field(default=())  # tuple[Problem, ...] found while loading

    @functools.cached_property
    def items(self) -> tuple[Item, ...]:
        # Asked for once per unit scored; the scheme is frozen, so the tuple never changes.
        return tuple(item for cat in self.categories for item in cat.items)

    @property
    def title(self) -> str:
        return self.settings.title

    @property
    def version(self) -> str:
        return self.settings.version

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def fields_of(self, item_id: str) -> list[Field]:
        return [f for f in self.fields.values() if f.item_id == item_id]

    @functools.cached_property
    def departments(self) -> tuple[str, ...]:
        """Every department that fills a field, in the order their first field appears: one 评分表 each."""
        return tuple(dict.fromkeys(f.filler for f in self.fields.values() if not f.by_unit))

    @property
    def two_party(self) -> bool:
        return bool(self.departments)

    def filled_by(self, filler: str) -> list[Field]:
        """The fields `filler` (FILLER_UNIT or a department) fills, in scheme order (自评分 included for 单位)."""
        return [f for f in self.fields.values() if f.filler == filler]

    def self_field(self, item_id: str) -> Field | None:
        """The item's 自评分 field, when the scheme asks for self-assessment."""
        for f in self.fields_of(item_id):
            if f.self_score:
                return f
        return None

    def grade_for(self, score: Decimal) -> str:
        for band in self.bands:
            if band.lower is None or score >= band.lower:
                return band.name
        return ""


def split_departments(text: str) -> tuple[str, ...]:
    """ "委信访办/老龄家发科" -> ("委信访办", "老龄家发科"); blank -> ()."""
    for sep in DEPARTMENT_SEPARATORS[1:]:
        text = text.replace(sep, DEPARTMENT_SEPARATORS[0])
    return tuple(dict.fromkeys(p.strip() for p in text.split(DEPARTMENT_SEPARATORS[0]) if p.strip()))


__all__ = [
    "BASIS_MAIN",
    "BASIS_TOTAL",
    "BONUS",
    "CHOICE",
    "DATE",
    "FIELD_TYPES",
    "FILLER_UNIT",
    "INTEGER",
    "MAIN",
    "NUMBER",
    "NUMERIC_TYPES",
    "PERCENT",
    "READINGS",
    "READ_AS_TYPED",
    "READ_FRACTION",
    "SCORE",
    "TEXT",
    "VETO_LAST",
    "VETO_NO_TOP",
    "YESNO",
    "Band",
    "Category",
    "Field",
    "Item",
    "Scheme",
    "Settings",
    "Source",
    "split_departments",
]
