"""Every rule kind a scheme can use, one small class each, registered by its Chinese name."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import ClassVar, Self, TypeAlias

from famscore.messages import Msg
from famscore.numbers import fmt, to_decimal
from famscore.rules.base import (
    MissingInput,
    Part,
    Rule,
    RuleSpec,
    RuleSpecError,
    field_list,
    normalise,
    number_param,
    optional_number_param,
    parse_keyvalues,
    points_number,
    register,
    split_entries,
    unknown,
)
from famscore.rules.expr import Expression, ExpressionError
from famscore.rules.flags import Effect, Flag
from famscore.rules.intervals import Interval, gaps, is_covered
from famscore.scheme.format import COL_FIELDS, COL_PARAMS
from famscore.scheme.model import (
    CHOICE,
    DATE,
    INTEGER,
    NUMERIC_TYPES,
    PERCENT,
    VETO_LAST,
    VETO_NO_TOP,
    YESNO,
    Field,
    Item,
)

OTHER_WORDS = ("其他", "其它", "否则")
NEVER = "未完成"  # a date field's value when the thing was never done


def _value(values: Mapping[str, object], fid: str) -> object:
    value = values.get(fid)
    if value is None:
        raise MissingInput(fid)
    return value


def _number(values: Mapping[str, object], fid: str) -> Decimal:
    value = _value(values, fid)
    if not isinstance(value, Decimal):
        raise MissingInput(fid)
    return value


def _label(f: Field) -> str:
    return f.label or f.id


def _with_unit(value: Decimal, f: Field | None) -> str:
    return _fmt_unit(value, f.unit if f is not None else "")


@dataclass(frozen=True)
class Fixed:
    """A tier's or level's result given as fixed points."""

    points: Decimal

    def resolve(self, values: Mapping[str, object]) -> tuple[Decimal, str]:
        return self.points, f"得 {fmt(self.points)} 分"

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return self.points, self.points

    def field_ids(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class FromField:
    """A tier's or level's result given as the value of a judged field (其他:B3_评分)."""

    field: Field

    def resolve(self, values: Mapping[str, object]) -> tuple[Decimal, str]:
        judged = _number(values, self.field.id)
        return judged, f"按「{_label(self.field)}」评定 {fmt(judged)} 分"

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return self.field.minimum, self.field.maximum

    def field_ids(self) -> tuple[str, ...]:
        return (self.field.id,)


Outcome: TypeAlias = Fixed | FromField


def _outcome(text: str, fields: Mapping[str, Field]) -> Outcome:
    number = points_number(text)
    if number is not None:
        return Fixed(number)
    target = fields.get(text)
    if target is None:
        msg, near = unknown(Msg.RULE_OUTCOME_UNKNOWN, Msg.RULE_OUTCOME_UNKNOWN_NEAR, text, fields)
        raise RuleSpecError(COL_PARAMS, msg, text=text, near=near)
    if target.type not in NUMERIC_TYPES or target.maximum is None:
        raise RuleSpecError(COL_PARAMS, Msg.RULE_OUTCOME_FIELD_UNBOUNDED, text=text)
    return FromField(target)


@dataclass(frozen=True)
class Measure:
    """The number a rule judges: one field's value, or an expression over numeric fields."""

    expr: Expression
    fields: tuple[Field, ...]  # every field `expr` reads

    @classmethod
    def parse(cls, spec: RuleSpec, fields: Mapping[str, Field]) -> Measure:
        """The 字段 column of a numeric rule: one field id, or an expression over field ids."""
        text = normalise(spec.fields)
        if not text:
            raise RuleSpecError(COL_FIELDS, Msg.RULE_MEASURE_MISSING, kind=spec.kind)
        try:
            expr = Expression(text)
        except ExpressionError as exc:
            raise RuleSpecError(COL_FIELDS, exc.msg, **exc.fields) from exc
        used = []
        for name in expr.names:
            f = fields.get(name)
            if f is None:
                msg, near = unknown(Msg.RULE_FIELD_UNKNOWN, Msg.RULE_FIELD_UNKNOWN_NEAR, name, fields)
                raise RuleSpecError(COL_FIELDS, msg, id=name, near=near)
            if f.type not in NUMERIC_TYPES:
                raise RuleSpecError(COL_FIELDS, Msg.RULE_FIELD_NOT_NUMERIC, name=name)
            used.append(f)
        return cls(expr, tuple(used))

    def read(self, values: Mapping[str, object]) -> tuple[Decimal, str]:
        """The value and how it was found, for the explanation."""
        value = self.expr.evaluate(values)
        if self.expr.is_single_field:
            f = self.fields[0]  # the one field the expression names
            return value, f"「{_label(f)}」{_with_unit(value, f)}"
        labels = {f.id: _label(f) for f in self.fields}
        return (
            value,
            f"{self.expr.describe(values, labels)} = {fmt(value.quantize(Decimal('0.0001')).normalize())}",
        )


# ---------------------------------------------------------------- base parts


@register
@dataclass(frozen=True, kw_only=True)
class FullMarks(Rule):
    """满分: the item's points (or 分值=N) before any deduction."""

    kind: ClassVar[str] = "满分"
    aliases: ClassVar[tuple[str, ...]] = ("基础分",)
    points: Decimal

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        if normalise(spec.fields):
            raise RuleSpecError(COL_FIELDS, Msg.RULE_FULL_READS_NO_FIELD)
        params = parse_keyvalues(spec.params, {"分值"})
        points = optional_number_param(params, "分值")
        return cls(spec=spec, points=item.points if points is None else points)

    def field_ids(self) -> tuple[str, ...]:
        return ()

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return self.points, self.points

    def score(self, values: Mapping[str, object]) -> Part:
        return Part(self.points, f"基础分 {fmt(self.points)}")


@register
@dataclass(frozen=True, kw_only=True)
class Judged(Rule):
    """评分: a score judged by the assessing department, bounded by its field's range."""

    kind: ClassVar[str] = "评分"
    aliases: ClassVar[tuple[str, ...]] = ("酌情评分",)
    field: Field  # numeric, with a maximum

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        (f,) = field_list(spec, fields, allowed_types=NUMERIC_TYPES, maximum=1)
        if f.maximum is None:
            raise RuleSpecError(COL_FIELDS, Msg.RULE_SCORE_FIELD_UNBOUNDED, id=f.id)
        parse_keyvalues(spec.params, set())
        return cls(spec=spec, field=f)

    def field_ids(self) -> tuple[str, ...]:
        return (self.field.id,)

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        f = self.field
        return (f.minimum if f.minimum is not None else Decimal(0)), f.maximum

    def score(self, values: Mapping[str, object]) -> Part:
        f = self.field
        v = _number(values, f.id)
        return Part(v, f"「{_label(f)}」评定 {fmt(v)} 分（满分 {fmt(f.maximum)}）")


@dataclass(frozen=True)
class Condition:
    """One tier condition: the numbers it matches, and `text` as the author wrote it."""

    text: str
    interval: Interval
    is_range: bool = False  # written as a range or one number (90-94, =90), not as ≥ / ≤


_OPS = {
    ">=": (True, True),
    "≥": (True, True),
    ">": (True, False),
    "<=": (False, True),
    "≤": (False, True),
    "<": (False, False),
}
_COND = re.compile(r"^(>=|<=|≥|≤|>|<|=)?\s*(-?[\d.]+)\s*$")
_RANGE = re.compile(r"^(-?[\d.]+)\s*[-~–至到]\s*(-?[\d.]+)$")


_WORD_OPS = (("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"))


def _units(measure: Measure) -> tuple[str, ...]:
    """The unit a condition may carry: the measured field's own (个, 人次, /10万), % for a percent field.

    Only for a single field: an expression's result has no unit of its own.
    """
    if not measure.expr.is_single_field:
        return ()
    (f,) = measure.fields
    units = [f.unit] if f.unit else []
    if f.type == PERCENT:
        units += ["%", "％"]
    return tuple(dict.fromkeys(units))


def _condition(text: str, units: tuple[str, ...] = ()) -> Condition:
    text = text.strip()
    # The measured field's unit written after the number, as on the paper table: 3.5-4.5个, ≥95%.
    for unit in units:
        if text.endswith(unit) and text[: -len(unit)].strip():
            text = text[: -len(unit)].strip()
            break
    # 以上/以下 include the number itself (民法典第 1259 条): "95以上" is ≥95, never "=95".
    for suffix, op in _WORD_OPS:
        if text.endswith(suffix):
            body = text[: -len(suffix)].strip()
            text = body if body[:1] in ("<", ">", "=", "≤", "≥") else f"{op}{body}"
            break
    m = _RANGE.match(text)
    if m:
        lo, hi = to_decimal(m.group(1)), to_decimal(m.group(2))
        if lo is None or hi is None or lo > hi:
            raise RuleSpecError(COL_PARAMS, Msg.RULE_TIER_RANGE_INVALID, text=text)
        return Condition(text, Interval(lo, True, hi, True), is_range=True)
    m = _COND.match(text)
    if not m:
        raise RuleSpecError(COL_PARAMS, Msg.RULE_TIER_CONDITION_UNKNOWN, text=text)
    op, number = m.group(1) or "=", to_decimal(m.group(2))
    if number is None:
        raise RuleSpecError(COL_PARAMS, Msg.RULE_TIER_NUMBER_UNKNOWN, text=text)
    if op == "=":
        return Condition(text, Interval(number, True, number, True), is_range=True)
    lower, closed = _OPS[op]
    if lower:
        return Condition(text, Interval(number, closed, None, False))
    return Condition(text, Interval(None, False, number, closed))


@register
@dataclass(frozen=True, kw_only=True)
class Tiers(Rule):
    """分档: the first tier whose condition the value meets gives the points."""

    kind: ClassVar[str] = "分档"
    aliases: ClassVar[tuple[str, ...]] = ("分档计分",)
    measure: Measure
    tiers: tuple[tuple[Condition, Outcome], ...]  # in the order written; the first match wins
    other: Outcome

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        measure = Measure.parse(spec, fields)
        units = _units(measure)
        tiers: list[tuple[Condition, Outcome]] = []
        other: Outcome | None = None
        entries = split_entries(spec.params)
        if not entries:
            raise RuleSpecError(COL_PARAMS, Msg.RULE_TIERS_MISSING)
        for n, entry in enumerate(entries, start=1):
            if ":" not in entry:
                raise RuleSpecError(COL_PARAMS, Msg.RULE_TIER_NO_COLON, n=n, entry=entry)
            cond_text, _, out_text = entry.rpartition(":")
            outcome = _outcome(out_text.strip(), fields)
            if cond_text.strip() in OTHER_WORDS:
                if n != len(entries):
                    raise RuleSpecError(COL_PARAMS, Msg.RULE_TIER_OTHER_NOT_LAST)
                other = outcome
                continue
            cond = _condition(cond_text, units)
            earlier = [c for c, _ in tiers]
            if earlier and is_covered(cond.interval, [c.interval for c in earlier]):
                raise RuleSpecError(COL_PARAMS, Msg.RULE_TIER_NEVER_HIT, n=n, condition=cond.text)
            for m, prev in enumerate(earlier, start=1):
                if cond.is_range and prev.is_range and cond.interval.overlaps(prev.interval):
                    raise RuleSpecError(
                        COL_PARAMS,
                        Msg.RULE_TIER_OVERLAP,
                        n=n,
                        condition=cond.text,
                        previous_n=m,
                        previous=prev.text,
                    )
            tiers.append((cond, outcome))
        if other is None:
            raise RuleSpecError(COL_PARAMS, Msg.RULE_TIER_OTHER_MISSING)
        integer = all(f.type == INTEGER for f in measure.fields) and measure.expr.is_single_field
        holes = gaps([c.interval for c, _ in tiers], integer=integer)
        if holes:
            lo, hi = holes[0]
            raise RuleSpecError(COL_PARAMS, Msg.RULE_TIER_GAP, low=fmt(lo), high=fmt(hi))
        return cls(spec=spec, measure=measure, tiers=tuple(tiers), other=other)

    def _outcomes(self) -> list[Outcome]:
        return [o for _, o in self.tiers] + [self.other]

    def field_ids(self) -> tuple[str, ...]:
        extra = [fid for o in self._outcomes() for fid in o.field_ids()]
        return tuple(dict.fromkeys([*(f.id for f in self.measure.fields), *extra]))

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return _outcome_bounds(self._outcomes())

    def score(self, values: Mapping[str, object]) -> Part:
        value, shown = self.measure.read(values)
        for cond, outcome in self.tiers:
            if cond.interval.contains(value):
                points, how = outcome.resolve(values)
                return Part(points, f"{shown}，符合「{cond.text}」档，{how}")
        points, how = self.other.resolve(values)
        return Part(points, f"{shown}，未达到任何档位，按「其他」{how}")


def _outcome_bounds(outcomes: list[Outcome]) -> tuple[Decimal | None, Decimal | None]:
    lows, highs = zip(*(o.bounds() for o in outcomes), strict=True)
    low = None if any(v is None for v in lows) else min(v for v in lows if v is not None)
    high = None if any(v is None for v in highs) else max(v for v in highs if v is not None)
    return low, high


@register
@dataclass(frozen=True, kw_only=True)
class Level(Rule):
    """选档: the unit's chosen level maps to points (or to a judged field for 其他)."""

    kind: ClassVar[str] = "选档"
    aliases: ClassVar[tuple[str, ...]] = ("等级",)
    field: Field  # a 选项 field
    outcomes: Mapping[str, Outcome]  # by choice as the field lists it, or by a word of OTHER_WORDS
    fallback: Outcome | None  # the 其他 outcome, for every choice not listed

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        (f,) = field_list(spec, fields, allowed_types=(CHOICE,), maximum=1)
        mapping: dict[str, Outcome] = {}
        folded = {normalise(c): c for c in f.choices}
        for entry in split_entries(spec.params):
            if ":" not in entry:
                raise RuleSpecError(COL_PARAMS, Msg.RULE_LEVEL_NO_COLON, entry=entry)
            choice, _, out = entry.rpartition(":")
            # Parameters are NFKC-folded; choices keep the author's full-width punctuation.
            choice = folded.get(normalise(choice), choice.strip())
            if choice in mapping:
                raise RuleSpecError(COL_PARAMS, Msg.RULE_LEVEL_TWICE, choice=choice)
            if choice not in f.choices and choice not in OTHER_WORDS:
                raise RuleSpecError(
                    COL_PARAMS,
                    Msg.RULE_LEVEL_NOT_A_CHOICE,
                    choice=choice,
                    id=f.id,
                    accepted="、".join(f.choices),
                )
            mapping[choice] = _outcome(out.strip(), fields)
        fallback = next((mapping[w] for w in OTHER_WORDS if w in mapping), None)
        missing = [c for c in f.choices if c not in mapping]
        if missing and fallback is None:
            raise RuleSpecError(COL_PARAMS, Msg.RULE_LEVEL_CHOICES_MISSING, missing="、".join(missing))
        return cls(spec=spec, field=f, outcomes=mapping, fallback=fallback)

    def field_ids(self) -> tuple[str, ...]:
        extra = [fid for o in self.outcomes.values() for fid in o.field_ids()]
        return tuple(dict.fromkeys([self.field.id, *extra]))

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return _outcome_bounds(list(self.outcomes.values()))

    def score(self, values: Mapping[str, object]) -> Part:
        f = self.field
        choice = str(_value(values, f.id))
        outcome = self.outcomes.get(choice, self.fallback)
        if outcome is None:  # not one of the field's choices: the reader lets none through
            raise MissingInput(f.id)
        points, how = outcome.resolve(values)
        return Part(points, f"「{_label(f)}」为「{choice}」，{how}")


# ---------------------------------------------------------------- deductions and additions


class GapMode(Enum):
    """How a distance from the standard turns into a deduction (方式=…)."""

    PROPORTIONAL = "按比例"  # half a step short costs half the amount
    WHOLE_STEPS = "按整档"  # only whole steps cost
    ONCE = "一次性"  # any shortfall costs the amount once


@dataclass(frozen=True, kw_only=True)
class _Gap(Rule):
    """Shared by 低于标准扣分 / 高于标准扣分: deduct for the distance from a standard."""

    below: ClassVar[bool] = True
    measures: tuple[Measure, ...]  # several fields: their shortfalls add up
    standard: Decimal
    step: Decimal
    amount: Decimal
    mode: GapMode
    cap: Decimal | None

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        params = parse_keyvalues(spec.params, {"标准", "每", "扣", "方式", "最多扣"})
        mode_text = params.get("方式", "")
        try:
            mode = GapMode(mode_text)
        except ValueError:
            msg = Msg.RULE_DEDUCTION_MODE_UNKNOWN if mode_text else Msg.RULE_DEDUCTION_MODE_MISSING
            raise RuleSpecError(COL_PARAMS, msg, mode=mode_text) from None
        standard = number_param(params, "标准", positive=False)
        step = optional_number_param(params, "每")
        amount = number_param(params, "扣")
        cap = optional_number_param(params, "最多扣")
        text = normalise(spec.fields)
        ids = [p for p in re.split(r"[,、]+", text) if p.strip()]
        # several fields: shortfalls add up (信息报送: each month's missing reports); a comma inside
        # brackets belongs to an expression such as min(覆盖率, 准确率), not to a list of fields.
        if len(ids) > 1 and "(" not in text:
            used = field_list(spec, fields, allowed_types=NUMERIC_TYPES)
            measures = tuple(Measure(Expression(f.id), (f,)) for f in used)
        else:
            measures = (Measure.parse(spec, fields),)
        return cls(
            spec=spec,
            measures=measures,
            standard=standard,
            step=Decimal(1) if step is None else step,
            amount=amount,
            mode=mode,
            cap=cap,
        )

    def field_ids(self) -> tuple[str, ...]:
        return tuple(f.id for m in self.measures for f in m.fields)

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        if self.cap is not None:
            return -self.cap, Decimal(0)
        if self.mode is GapMode.ONCE:
            return -self.amount, Decimal(0)
        return None, Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        standard, step, amount, mode = self.standard, self.step, self.amount, self.mode
        gap = Decimal(0)
        shown = []
        for measure in self.measures:
            value, text = measure.read(values)
            diff = (standard - value) if self.below else (value - standard)
            gap += max(diff, Decimal(0))
            shown.append(text)
        word = "低于" if self.below else "高于"
        what = "、".join(shown)
        read = [f for m in self.measures for f in m.fields]
        unit = read[0].unit if len(read) == 1 else ""
        if gap <= 0:
            return Part(Decimal(0), f"{what}，未{word}标准 {_fmt_unit(standard, unit)}，不扣分")
        if mode is GapMode.ONCE:
            deduct, how = amount, f"扣 {fmt(amount)} 分"
        elif mode is GapMode.WHOLE_STEPS:
            steps = (gap / step).to_integral_value(rounding="ROUND_FLOOR")
            if steps == 0:
                return Part(
                    Decimal(0),
                    f"{what}，{word}标准 {_fmt_unit(standard, unit)}，差 {fmt(gap)}，不足一档（每档 {fmt(step)}），不扣分",
                )
            deduct, how = (
                steps * amount,
                f"满 {fmt(steps)} 档（每档 {fmt(step)}）× {fmt(amount)} = 扣 {fmt(steps * amount)} 分",
            )
        else:
            deduct = gap / step * amount
            how = f"按比例 {fmt(gap)} ÷ {fmt(step)} × {fmt(amount)} = 扣 {fmt(deduct)} 分"
        cap = self.cap
        if cap is not None and deduct > cap:
            deduct, how = cap, f"{how}，本条最多扣 {fmt(cap)} 分"
        lead = f"{what}，{word}标准 {_fmt_unit(standard, unit)}" + (
            f"，差 {fmt(gap)}" if len(shown) > 1 or mode is not GapMode.ONCE else ""
        )
        return Part(-deduct, f"{lead}，{how}")


def _fmt_unit(value: Decimal, unit: str) -> str:
    # %, ‰ and rate units such as /10万 attach to the number: 3.1‰, 15.2/10万; others follow a space.
    if unit in ("%", "‰") or unit.startswith("/"):
        return f"{fmt(value)}{unit}"
    return f"{fmt(value)} {unit}" if unit else fmt(value)


@register
@dataclass(frozen=True, kw_only=True)
class BelowStandard(_Gap):
    """低于标准扣分: e.g. 完成率每低于 98% 一个百分点扣 0.2 分."""

    kind: ClassVar[str] = "低于标准扣分"
    aliases: ClassVar[tuple[str, ...]] = ("低于扣分",)
    below: ClassVar[bool] = True


@register
@dataclass(frozen=True, kw_only=True)
class AboveStandard(_Gap):
    """高于标准扣分: e.g. 孕产妇死亡率高于 14.5/10万 扣 3 分."""

    kind: ClassVar[str] = "高于标准扣分"
    aliases: ClassVar[tuple[str, ...]] = ("高于扣分",)
    below: ClassVar[bool] = False


@register
@dataclass(frozen=True, kw_only=True)
class PerCount(Rule):
    """计次扣分: so many points per person, time or case counted."""

    kind: ClassVar[str] = "计次扣分"
    aliases: ClassVar[tuple[str, ...]] = ("每次扣分",)
    field: Field
    each: Decimal

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        (f,) = field_list(spec, fields, allowed_types=NUMERIC_TYPES, maximum=1)
        params = parse_keyvalues(spec.params, {"每次"})
        return cls(spec=spec, field=f, each=number_param(params, "每次"))

    def field_ids(self) -> tuple[str, ...]:
        return (self.field.id,)

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        f = self.field
        return (None if f.maximum is None else -f.maximum * self.each), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        f, each = self.field, self.each
        count = _number(values, f.id)
        unit = f.unit or "次"
        if count == 0:
            return Part(Decimal(0), f"「{_label(f)}」0 {unit}，不扣分")
        return Part(
            -count * each, f"「{_label(f)}」{fmt(count)} {unit} × {fmt(each)} = 扣 {fmt(count * each)} 分"
        )


@register
@dataclass(frozen=True, kw_only=True)
class PerCountBonus(Rule):
    """计次加分: so many points per counted achievement, up to a cap."""

    kind: ClassVar[str] = "计次加分"
    aliases: ClassVar[tuple[str, ...]] = ("每项加分",)
    field: Field
    each: Decimal
    cap: Decimal | None

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        (f,) = field_list(spec, fields, allowed_types=NUMERIC_TYPES, maximum=1)
        params = parse_keyvalues(spec.params, {"每次", "上限"})
        each = number_param(params, "每次")
        return cls(spec=spec, field=f, each=each, cap=optional_number_param(params, "上限"))

    def field_ids(self) -> tuple[str, ...]:
        return (self.field.id,)

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        if self.cap is not None:
            return Decimal(0), self.cap
        f = self.field
        return Decimal(0), (None if f.maximum is None else f.maximum * self.each)

    def score(self, values: Mapping[str, object]) -> Part:
        f, each, cap = self.field, self.each, self.cap
        count = _number(values, f.id)
        points = count * each
        text = f"「{_label(f)}」{fmt(count)} {f.unit or '项'} × {fmt(each)} = {fmt(points)} 分"
        if cap is not None and points > cap:
            points, text = cap, f"{text}，以 {fmt(cap)} 分为止"
        return Part(points, text)


@register
@dataclass(frozen=True, kw_only=True)
class JudgedDeduction(Rule):
    """酌情扣分: a deduction the assessing department judges (视情扣 1-8 分)."""

    kind: ClassVar[str] = "酌情扣分"
    aliases: ClassVar[tuple[str, ...]] = ("视情扣分",)
    field: Field  # numeric, at least 0: the points deducted

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        (f,) = field_list(spec, fields, allowed_types=NUMERIC_TYPES, maximum=1)
        if f.minimum is None or f.minimum < 0:
            raise RuleSpecError(COL_FIELDS, Msg.RULE_DEDUCTION_FIELD_MINIMUM, id=f.id)
        parse_keyvalues(spec.params, set())
        return cls(spec=spec, field=f)

    def field_ids(self) -> tuple[str, ...]:
        return (self.field.id,)

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        f = self.field
        return (None if f.maximum is None else -f.maximum), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        f = self.field
        v = _number(values, f.id)
        if v == 0:
            return Part(Decimal(0), f"「{_label(f)}」未扣分")
        return Part(-v, f"「{_label(f)}」扣 {fmt(v)} 分")


@register
@dataclass(frozen=True, kw_only=True)
class Checklist(Rule):
    """逐项扣分: each listed requirement answered 否 costs the same points."""

    kind: ClassVar[str] = "逐项扣分"
    aliases: ClassVar[tuple[str, ...]] = ("未达要求扣分",)
    fields: tuple[Field, ...]  # 是否 fields, one per requirement
    each: Decimal

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        used = field_list(spec, fields, allowed_types=(YESNO,))
        params = parse_keyvalues(spec.params, {"每项"})
        return cls(spec=spec, fields=used, each=number_param(params, "每项"))

    def field_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.fields)

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return -self.each * len(self.fields), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        each = self.each
        unmet = [f for f in self.fields if _value(values, f.id) is False]
        if not unmet:
            what = (
                f"{len(self.fields)} 项要求均达到"
                if len(self.fields) > 1
                else f"「{_label(self.fields[0])}」已达到"
            )
            return Part(Decimal(0), f"{what}，不扣分")
        names = "、".join(_label(f) for f in unmet)
        return Part(
            -each * len(unmet),
            f"未达到 {len(unmet)} 项（{names}）× {fmt(each)} = 扣 {fmt(each * len(unmet))} 分",
        )


@register
@dataclass(frozen=True, kw_only=True)
class Deadlines(Rule):
    """期限扣分: each deadline missed (or never met) costs its points; they add up."""

    kind: ClassVar[str] = "期限扣分"
    aliases: ClassVar[tuple[str, ...]] = ("逾期扣分",)
    field: Field  # a 日期 field
    deadlines: tuple[tuple[dt.date, Decimal], ...]  # (last day, points), earliest first

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        (f,) = field_list(spec, fields, allowed_types=(DATE,), maximum=1)
        deadlines: list[tuple[dt.date, Decimal]] = []
        for entry in split_entries(spec.params):
            day_text, _, amount_text = entry.rpartition(":")
            try:
                day = dt.date.fromisoformat(day_text.strip().replace("/", "-"))
            except ValueError as exc:
                raise RuleSpecError(COL_PARAMS, Msg.RULE_DEADLINE_DATE_INVALID, entry=entry) from exc
            amount = points_number(amount_text)
            if amount is None or amount <= 0:
                raise RuleSpecError(COL_PARAMS, Msg.RULE_DEADLINE_AMOUNT_INVALID, entry=entry)
            deadlines.append((day, amount))
        if not deadlines:
            raise RuleSpecError(COL_PARAMS, Msg.RULE_DEADLINES_MISSING)
        if [d for d, _ in deadlines] != sorted(d for d, _ in deadlines):
            raise RuleSpecError(COL_PARAMS, Msg.RULE_DEADLINES_ORDER)
        return cls(spec=spec, field=f, deadlines=tuple(deadlines))

    def field_ids(self) -> tuple[str, ...]:
        return (self.field.id,)

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return -sum((a for _, a in self.deadlines), Decimal(0)), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        f = self.field
        done = _value(values, f.id)
        if done == NEVER:
            missed = list(self.deadlines)
            lead = f"「{_label(f)}」未完成"
        elif isinstance(done, dt.date):
            missed = [(d, a) for d, a in self.deadlines if done > d]
            lead = f"「{_label(f)}」为 {done.isoformat()}"
        else:  # neither a date nor 未完成: the reader lets none through
            raise MissingInput(f.id)
        if not missed:
            return Part(Decimal(0), f"{lead}，未逾期，不扣分")
        total = sum((a for _, a in missed), Decimal(0))
        detail = "、".join(f"{d.isoformat()} 前未完成扣 {fmt(a)}" for d, a in missed)
        return Part(-total, f"{lead}，{detail}，共扣 {fmt(total)} 分")


@register
@dataclass(frozen=True, kw_only=True)
class Veto(Rule):
    """否决: a yes/no fact that forces an outcome (取消评优 or 排名末位), shown everywhere."""

    kind: ClassVar[str] = "否决"
    aliases: ClassVar[tuple[str, ...]] = ("一票否决",)
    field: Field  # a 是否 field
    effect: str  # VETO_NO_TOP or VETO_LAST

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Self:
        (f,) = field_list(spec, fields, allowed_types=(YESNO,), maximum=1)
        params = parse_keyvalues(spec.params, {"后果"})
        effect = params.get("后果", "")
        if effect not in (VETO_NO_TOP, VETO_LAST):
            raise RuleSpecError(
                COL_PARAMS,
                "否决规则没有写明后果" if not effect else f"后果「{effect}」无法识别",
                f"请写 后果={VETO_NO_TOP}（不能评为最高等级）或 后果={VETO_LAST}（排在最后）",
            )
        return cls(spec=spec, field=f, effect=effect)

    def field_ids(self) -> tuple[str, ...]:
        return (self.field.id,)

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return Decimal(0), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        f, effect = self.field, self.effect
        if _value(values, f.id) is True:
            return Part(Decimal(0), f"「{_label(f)}」为是 → {effect}", flag=Flag(Effect(effect), _label(f)))
        return Part(Decimal(0), f"「{_label(f)}」为否")
