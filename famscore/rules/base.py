"""The rule contract, the registry of rule kinds, and parameter parsing shared by all kinds."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Self, TypeVar

from famscore.errors import Problem
from famscore.messages import Msg
from famscore.numbers import number_error, to_decimal
from famscore.rules.expr import MissingInput
from famscore.rules.flags import Flag
from famscore.scheme.format import COL_FIELDS, COL_PARAMS
from famscore.scheme.model import Field, Item
from famscore.text import clip, closest, normalise

__all__ = [
    "MissingInput",
    "Part",
    "Rule",
    "RuleSpec",
    "RuleSpecError",
    "kinds",
    "register",
]


@dataclass(frozen=True)
class RuleSpec:
    """One row of the 规则 sheet, as written."""

    item_id: str
    kind: str
    fields: str
    params: str
    note: str
    sheet: str
    row: int


class RuleSpecError(ValueError):
    """A rule row is wrong; `column` names the 规则 sheet column to fix, `msg` and `fields` what is wrong.

    A plain `message` and `fix` are carried as Msg.SCHEME_RULE_INVALID.
    """

    def __init__(self, column: str, message: str | Msg, fix: str = "", **fields: Any) -> None:
        if isinstance(message, Msg):
            self.msg, self.fields = message, fields
        else:
            self.msg, self.fields = Msg.SCHEME_RULE_INVALID, {"message": message, "fix": fix}
        self.message, self.fix = self.msg.render(**self.fields)
        super().__init__(self.message)
        self.column = column


@dataclass(frozen=True)
class Part:
    """What one rule contributed to an item: points (negative for deductions) and why."""

    points: Decimal
    text: str
    flag: Flag | None = None  # a veto outcome (取消评优 / 排名末位), None when none


@dataclass(frozen=True, kw_only=True)
class Rule(ABC):
    """A scoring rule: its parameters parsed and checked once from its row, then a pure function of values.

    Each kind is a frozen dataclass whose typed attributes are its parameters.
    """

    kind: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    spec: RuleSpec

    @classmethod
    @abstractmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        """The rule a 规则 row describes; a RuleSpecError names the column to fix."""

    @abstractmethod
    def field_ids(self) -> tuple[str, ...]:
        """Every field this rule may read."""

    @abstractmethod
    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """Least and most this rule can contribute; None means unbounded."""

    @abstractmethod
    def score(self, values: Mapping[str, object]) -> Part:
        """Pure: what this rule gives for a unit's values; MissingInput when a value it needs is absent."""


_REGISTRY: dict[str, type[Rule]] = {}
_R = TypeVar("_R", bound=Rule)


def register(cls: type[_R]) -> type[_R]:
    for name in (cls.kind, *cls.aliases):
        _REGISTRY[name] = cls
    return cls


def kinds() -> dict[str, type[Rule]]:
    """Rule kinds by the Chinese name authors write (aliases included)."""
    return dict(_REGISTRY)


def primary_kinds() -> list[str]:
    return list(dict.fromkeys(cls.kind for cls in _REGISTRY.values()))


# ---------------------------------------------------------------- parameter text helpers

_SPLIT = re.compile(r"[;\n]+")


def split_entries(text: str) -> list[str]:
    return [e.strip() for e in _SPLIT.split(normalise(text)) if e.strip()]


def parse_keyvalues(text: str, allowed: set[str]) -> dict[str, str]:
    """'标准=98；每=1；扣=0.2' -> {'标准': '98', ...}; unknown keys are an error."""
    result: dict[str, str] = {}
    for entry in split_entries(text):
        if "=" not in entry:
            raise RuleSpecError(
                COL_PARAMS, Msg.RULE_PARAM_NO_EQUALS, entry=entry, accepted="、".join(sorted(allowed))
            )
        key, _, value = entry.partition("=")
        key, value = key.strip(), value.strip()
        if key not in allowed:
            raise RuleSpecError(
                COL_PARAMS, Msg.RULE_PARAM_UNKNOWN, key=key, accepted="、".join(sorted(allowed))
            )
        if key in result:
            raise RuleSpecError(COL_PARAMS, Msg.RULE_PARAM_TWICE, key=key)
        result[key] = value
    return result


def points_number(text: str) -> Decimal | None:
    """Points as written on the paper table: '8', '1.5分' (one trailing 分 is the unit, not the number)."""
    text = text.strip()
    if text.endswith("分") and text[:-1].strip():
        text = text[:-1].strip()
    return to_decimal(text)


def number_param(params: Mapping[str, str], key: str, *, positive: bool = True) -> Decimal:
    """A required numeric parameter ('98', '0.2', '3分', '95%')."""
    number = optional_number_param(params, key, positive=positive)
    if number is None:
        raise RuleSpecError(COL_PARAMS, Msg.RULE_PARAM_MISSING, key=key)
    return number


def optional_number_param(params: Mapping[str, str], key: str, *, positive: bool = True) -> Decimal | None:
    """A numeric parameter that may be left out (None)."""
    raw = params.get(key)
    if raw is None or raw == "":
        return None
    number = to_decimal(raw.rstrip("%分"))
    if number is None:
        why = number_error(raw.rstrip("%分")) or "不是数值"  # says so when it is out of the format's range
        raise RuleSpecError(COL_PARAMS, Msg.RULE_PARAM_NOT_NUMBER, key=key, raw=raw, why=why)
    if positive and number <= 0:
        raise RuleSpecError(COL_PARAMS, Msg.RULE_PARAM_NOT_POSITIVE, key=key, raw=raw)
    return number


def field_list(
    spec: RuleSpec,
    fields: Mapping[str, Field],
    *,
    allowed_types: tuple[str, ...],
    minimum: int = 1,
    maximum: int | None = None,
) -> tuple[Field, ...]:
    """Resolve the 字段 column (ids separated by commas or 、) and check their types."""
    ids = [p.strip() for p in re.split(r"[,、\s]+", normalise(spec.fields)) if p.strip()]
    if len(ids) < minimum:
        raise RuleSpecError(COL_FIELDS, Msg.RULE_FIELDS_MISSING, kind=spec.kind)
    if maximum is not None and len(ids) > maximum:
        raise RuleSpecError(COL_FIELDS, Msg.RULE_FIELDS_TOO_MANY, kind=spec.kind, most=maximum)
    resolved = []
    for fid in ids:
        resolve = fields.get(fid)
        if resolve is None:
            msg, near = unknown(Msg.RULE_FIELD_UNKNOWN, Msg.RULE_FIELD_UNKNOWN_NEAR, fid, fields)
            raise RuleSpecError(COL_FIELDS, msg, id=clip(fid), near=near)
        if resolve.type not in allowed_types:
            raise RuleSpecError(
                COL_FIELDS,
                Msg.RULE_FIELD_TYPE,
                id=fid,
                type=resolve.type,
                kind=spec.kind,
                accepted="/".join(allowed_types),
            )
        resolved.append(resolve)
    return tuple(resolved)


def unknown(msg: Msg, near_msg: Msg, name: str, known: Iterable[str]) -> tuple[Msg, str]:
    """How to report an unknown id or name: `near_msg` with the name most likely meant when one is
    close, else `msg`; and that name ('' when none)."""
    close = closest(name, known)
    return (msg, "") if close is None else (near_msg, close)


# ---------------------------------------------------------------- knock-on problems at check time

_NAMES = re.compile(r"[^\s,，、;；:：=+\-*/×÷()（）<>≤≥]+")
_UNKNOWN_FIELD = (Msg.RULE_FIELD_UNKNOWN, Msg.RULE_FIELD_UNKNOWN_NEAR)


class Rejections:
    """The rule rows check refused, so that their consequences are not reported again as new problems.

    A refused row leaves its item without that rule and its fields unread: "没有计分规则" and "字段没有被使用"
    would only repeat it. An unknown field id written on several rows is one problem naming those rows.
    """

    def __init__(self) -> None:
        self.items: set[str] = set()  # items with a refused row
        self._names: set[str] = set()  # every word a refused row's 字段 and 参数 hold (field ids among them)
        self._unknown: dict[str, tuple[int, str, list[int]]] = {}  # id -> (problem index, near, rows)

    def row(self, spec: RuleSpec) -> None:
        """A rule row that was refused before its rule was parsed (unknown item or kind)."""
        self.items.add(spec.item_id)
        self._names.update(_NAMES.findall(f"{spec.fields} {spec.params}"))

    def refused(self, spec: RuleSpec, error: RuleSpecError, index: int) -> bool:
        """Record a refused row whose problem would be problems[index]; False when that problem only
        repeats one already reported (the same unknown field id)."""
        self.row(spec)
        if error.msg not in _UNKNOWN_FIELD:
            return True
        name, near = str(error.fields.get("id", "")), str(error.fields.get("near", ""))
        self._names.add(near)  # the field it was probably meant to name is not "unused"
        if name in self._unknown:
            self._unknown[name][2].append(spec.row)
            return False
        self._unknown[name] = (index, near, [spec.row])
        return True

    def tie(self, problems: list[Problem]) -> None:
        """Rewrite each unknown field id's problem to name every row that wrote it."""
        for name, (index, near, rows) in self._unknown.items():
            if len(rows) < 2:
                continue
            first = problems[index]
            msg = Msg.RULE_FIELD_UNKNOWN_ROWS_NEAR if near else Msg.RULE_FIELD_UNKNOWN_ROWS
            problems[index] = msg.problem(
                first.file,
                first.sheet,
                first.row,
                first.column,
                id=name,
                near=near,
                rows="、".join(map(str, rows)),
            )

    def touches(self, item_id: str, fields: Mapping[str, Field]) -> bool:
        """Whether a refused row was meant for `item_id`: written for it, or naming one of its fields
        (a row with a mistyped 指标编号 still names the fields of the item it belongs to)."""
        if item_id in self.items:
            return True
        return any(f.item_id == item_id for name, f in fields.items() if name in self._names)

    def named(self, field_id: str) -> bool:
        """Whether a refused row named `field_id` (so "not used by any rule" would be a knock-on)."""
        return field_id in self._names
