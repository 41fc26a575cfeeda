"""Every rule kind a scheme can use, one small class each, registered by its Chinese name."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from famscore.numbers import fmt, to_decimal
from famscore.rules.base import (
    MissingInput,
    Part,
    Rule,
    RuleSpec,
    RuleSpecError,
    field_list,
    near_miss,
    normalise,
    number_param,
    parse_keyvalues,
    register,
    split_entries,
)
from famscore.rules.expr import Expression, ExpressionError
from famscore.scheme.model import (
    CHOICE,
    DATE,
    INTEGER,
    NUMERIC_TYPES,
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
class Outcome:
    """A tier's or level's result: fixed points, or the value of a judged field."""

    points: Decimal | None
    field: Field | None = None

    def resolve(self, values: Mapping[str, object]) -> tuple[Decimal, str]:
        if self.field is None:
            assert self.points is not None
            return self.points, f"得 {fmt(self.points)} 分"
        judged = _number(values, self.field.id)
        return judged, f"按「{_label(self.field)}」评定 {fmt(judged)} 分"

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        if self.field is None:
            return self.points, self.points
        return self.field.minimum, self.field.maximum


def _outcome(text: str, fields: Mapping[str, Field]) -> Outcome:
    number = to_decimal(text)
    if number is not None:
        return Outcome(number)
    target = fields.get(text)
    if target is None:
        raise RuleSpecError("参数", f"得分「{text}」既不是数值也不是字段编号", near_miss(text, fields))
    if target.type not in NUMERIC_TYPES or target.maximum is None:
        raise RuleSpecError("参数", f"评定字段「{text}」须为带最大值的数值字段", "在「字段」表写明它的最大值")
    return Outcome(None, target)


def _source_fields(spec: RuleSpec, fields: Mapping[str, Field]) -> tuple[Expression, tuple[Field, ...]]:
    """The 字段 column of a numeric rule: one field id, or an expression over field ids."""
    text = normalise(spec.fields)
    if not text:
        raise RuleSpecError(
            "字段", f"「{spec.kind}」规则需要填写字段编号或算式", "例如 B3_rate，或 托位总数/总人口*1000"
        )
    try:
        expr = Expression(text)
    except ExpressionError as exc:
        raise RuleSpecError("字段", str(exc), "算式只能用字段编号、数字、+ - × ÷ 和括号") from exc
    used = []
    for name in expr.names:
        f = fields.get(name)
        if f is None:
            raise RuleSpecError("字段", f"字段「{name}」在「字段」表中不存在", near_miss(name, fields))
        if f.type not in NUMERIC_TYPES:
            raise RuleSpecError(
                "字段", f"字段「{name}」不是数值类型，不能参与计算", "数值/整数/百分比/评分类型才能参与计算"
            )
        used.append(f)
    return expr, tuple(used)


def _describe_source(
    expr: Expression, used: tuple[Field, ...], values: Mapping[str, object]
) -> tuple[Decimal, str]:
    value = expr.evaluate(values)
    if expr.is_single_field:
        # `used` may hold several fields (信息报送: one per month); name the one this expression reads.
        f = next(u for u in used if u.id == expr.names[0])
        return value, f"「{_label(f)}」{_with_unit(value, f)}"
    labels = {f.id: _label(f) for f in used}
    return value, f"{expr.describe(values, labels)} = {fmt(value.quantize(Decimal('0.0001')).normalize())}"


# ---------------------------------------------------------------- base parts


@register
@dataclass(frozen=True)
class FullMarks(Rule):
    """满分: the item's points (or 分值=N) before any deduction."""

    kind: ClassVar[str] = "满分"
    aliases: ClassVar[tuple[str, ...]] = ("基础分",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        if normalise(spec.fields):
            raise RuleSpecError("字段", "「满分」规则不读取字段", "请清空「字段」列")
        params = parse_keyvalues(spec.params, {"分值"})
        points = number_param(params, "分值", required=False, default=item.points)
        return cls(item, spec, (), {"points": points})

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        points = self.options["points"]
        assert isinstance(points, Decimal)
        return points, points

    def score(self, values: Mapping[str, object]) -> Part:
        points = self.options["points"]
        assert isinstance(points, Decimal)
        return Part(points, f"基础分 {fmt(points)}")


@register
@dataclass(frozen=True)
class Judged(Rule):
    """评分: a score judged by the assessing department, bounded by its field's range."""

    kind: ClassVar[str] = "评分"
    aliases: ClassVar[tuple[str, ...]] = ("酌情评分",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        (f,) = field_list(spec, fields, allowed_types=NUMERIC_TYPES, maximum=1)
        if f.maximum is None:
            raise RuleSpecError(
                "字段", f"评分字段「{f.id}」没有最大值", "在「字段」表写明最大值（本部分的满分）"
            )
        parse_keyvalues(spec.params, set())
        return cls(item, spec, (f,))

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        f = self.fields[0]
        return (f.minimum if f.minimum is not None else Decimal(0)), f.maximum

    def score(self, values: Mapping[str, object]) -> Part:
        f = self.fields[0]
        v = _number(values, f.id)
        return Part(v, f"「{_label(f)}」评定 {fmt(v)} 分（满分 {fmt(f.maximum)}）")


@dataclass(frozen=True)
class Condition:
    """One tier condition as an interval; `text` is how the author wrote it."""

    text: str
    lo: Decimal | None
    lo_closed: bool
    hi: Decimal | None
    hi_closed: bool
    is_range: bool = False

    def matches(self, v: Decimal) -> bool:
        if self.lo is not None and (v < self.lo or (v == self.lo and not self.lo_closed)):
            return False
        return not (self.hi is not None and (v > self.hi or (v == self.hi and not self.hi_closed)))

    def covered_by(self, others: list[Condition]) -> bool:
        """True when every value this condition matches is matched by the union of others."""
        merged = _merge(others)
        return any(_contains(m, self) for m in merged)


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


def _condition(text: str) -> Condition:
    text = text.strip()
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
            raise RuleSpecError("参数", f"档位「{text}」的区间不对", "区间写成 小-大，例如 90-94")
        return Condition(text, lo, True, hi, True, is_range=True)
    m = _COND.match(text)
    if not m:
        raise RuleSpecError("参数", f"档位条件「{text}」无法识别", "请写成 ≥95、<80、90-94 或 其他")
    op, number = m.group(1) or "=", to_decimal(m.group(2))
    if number is None:
        raise RuleSpecError("参数", f"档位条件「{text}」中的数值无法识别", "请写成 ≥95 这样的形式")
    if op == "=":
        return Condition(text, number, True, number, True, is_range=True)
    lower, closed = _OPS[op]
    if lower:
        return Condition(text, number, closed, None, False)
    return Condition(text, None, False, number, closed)


def _key(c: Condition) -> tuple[bool, Decimal]:
    return (c.lo is not None, c.lo if c.lo is not None else Decimal(0))


def _merge(conds: list[Condition]) -> list[Condition]:
    """Union of intervals as a sorted list of disjoint intervals."""
    ordered = sorted(conds, key=_key)
    merged: list[Condition] = []
    for c in ordered:
        if merged and _touches(merged[-1], c):
            last = merged[-1]
            if last.hi is None or (
                c.hi is not None and (c.hi < last.hi or (c.hi == last.hi and last.hi_closed))
            ):
                hi, hi_closed = last.hi, last.hi_closed
            else:
                hi, hi_closed = c.hi, c.hi_closed
            merged[-1] = Condition(last.text, last.lo, last.lo_closed, hi, hi_closed)
        else:
            merged.append(c)
    return merged


def _touches(a: Condition, b: Condition) -> bool:
    """a starts no later than b; do they overlap or meet without a hole?"""
    if a.hi is None or b.lo is None:
        return True
    return b.lo < a.hi or (b.lo == a.hi and (a.hi_closed or b.lo_closed))


def _contains(outer: Condition, inner: Condition) -> bool:
    lo_ok = outer.lo is None or (
        inner.lo is not None
        and (inner.lo > outer.lo or (inner.lo == outer.lo and (outer.lo_closed or not inner.lo_closed)))
    )
    hi_ok = outer.hi is None or (
        inner.hi is not None
        and (inner.hi < outer.hi or (inner.hi == outer.hi and (outer.hi_closed or not inner.hi_closed)))
    )
    return lo_ok and hi_ok


def _overlaps(a: Condition, b: Condition) -> bool:
    first, second = sorted((a, b), key=_key)
    if first.hi is None or second.lo is None:
        return True
    return second.lo < first.hi or (second.lo == first.hi and first.hi_closed and second.lo_closed)


def _holes(conds: list[Condition], integer: bool) -> list[tuple[Decimal, Decimal]]:
    merged = _merge(conds)
    holes = []
    for a, b in itertools.pairwise(merged):
        assert a.hi is not None and b.lo is not None
        if integer:
            first = math.floor(a.hi) + 1 if a.hi_closed or a.hi != a.hi.to_integral_value() else int(a.hi)
            last = math.ceil(b.lo) - 1 if b.lo_closed or b.lo != b.lo.to_integral_value() else int(b.lo)
            if first > last:
                continue
        holes.append((a.hi, b.lo))
    return holes


@register
@dataclass(frozen=True)
class Tiers(Rule):
    """分档: the first tier whose condition the value meets gives the points."""

    kind: ClassVar[str] = "分档"
    aliases: ClassVar[tuple[str, ...]] = ("分档计分",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        expr, used = _source_fields(spec, fields)
        tiers: list[tuple[Condition, Outcome]] = []
        other: Outcome | None = None
        entries = split_entries(spec.params)
        if not entries:
            raise RuleSpecError("参数", "分档规则没有写档位", "例如 ≥95:8；≥90:6；其他:0")
        for n, entry in enumerate(entries, start=1):
            if ":" not in entry:
                raise RuleSpecError("参数", f"第 {n} 档「{entry}」缺少冒号", "每档写成 条件:得分，例如 ≥95:8")
            cond_text, _, out_text = entry.rpartition(":")
            outcome = _outcome(out_text.strip(), fields)
            if cond_text.strip() in OTHER_WORDS:
                if n != len(entries):
                    raise RuleSpecError("参数", "「其他」档必须写在最后", "把「其他:…」移到末尾")
                other = outcome
                continue
            cond = _condition(cond_text)
            earlier = [c for c, _ in tiers]
            if earlier and cond.covered_by(earlier):
                raise RuleSpecError(
                    "参数",
                    f"第 {n} 档「{cond.text}」与前面的档位重叠，永远不会命中",
                    "检查档位顺序：≥ 档从高到低写，≤ 档从低到高写",
                )
            for m, prev in enumerate(earlier, start=1):
                if cond.is_range and prev.is_range and _overlaps(cond, prev):
                    raise RuleSpecError(
                        "参数",
                        f"第 {n} 档「{cond.text}」与第 {m} 档「{prev.text}」重叠",
                        "区间不能重叠，例如 1-3、4-7、8-10",
                    )
            tiers.append((cond, outcome))
        if other is None:
            raise RuleSpecError(
                "参数", "分档缺少「其他」档：不在任何档位的数值得几分？", "在末尾加上「其他:0」"
            )
        integer = all(f.type == INTEGER for f in used) and expr.is_single_field
        holes = _holes([c for c, _ in tiers], integer)
        if holes:
            lo, hi = holes[0]
            raise RuleSpecError(
                "参数",
                f"档位之间有空档：{fmt(lo)} 与 {fmt(hi)} 之间的数值不落在任何档（会按「其他」计分）",
                "用下限写档位（如 ≥95:8；≥90:6），或让区间首尾相接",
            )
        return cls(item, spec, used, {"expr": expr, "tiers": tuple(tiers), "other": other})

    def field_ids(self) -> tuple[str, ...]:
        extra = [o.field.id for _, o in self._all() if o.field is not None]
        return tuple(dict.fromkeys([*(f.id for f in self.fields), *extra]))

    def _all(self) -> list[tuple[str, Outcome]]:
        tiers = self.options["tiers"]
        other = self.options["other"]
        assert isinstance(tiers, tuple) and isinstance(other, Outcome)
        return [(c.text, o) for c, o in tiers] + [("其他", other)]

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return _outcome_bounds([o for _, o in self._all()])

    def score(self, values: Mapping[str, object]) -> Part:
        expr = self.options["expr"]
        assert isinstance(expr, Expression)
        value, shown = _describe_source(expr, self.fields, values)
        for cond, outcome in self.options["tiers"]:  # type: ignore[attr-defined]
            if cond.matches(value):
                points, how = outcome.resolve(values)
                return Part(points, f"{shown}，符合「{cond.text}」档，{how}")
        outcome = self.options["other"]
        assert isinstance(outcome, Outcome)
        points, how = outcome.resolve(values)
        return Part(points, f"{shown}，未达到任何档位，按「其他」{how}")


def _outcome_bounds(outcomes: list[Outcome]) -> tuple[Decimal | None, Decimal | None]:
    lows, highs = zip(*(o.bounds() for o in outcomes), strict=True)
    low = None if any(v is None for v in lows) else min(v for v in lows if v is not None)
    high = None if any(v is None for v in highs) else max(v for v in highs if v is not None)
    return low, high


@register
@dataclass(frozen=True)
class Level(Rule):
    """选档: the unit's chosen level maps to points (or to a judged field for 其他)."""

    kind: ClassVar[str] = "选档"
    aliases: ClassVar[tuple[str, ...]] = ("等级",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        (f,) = field_list(spec, fields, allowed_types=(CHOICE,), maximum=1)
        mapping: dict[str, Outcome] = {}
        folded = {normalise(c): c for c in f.choices}
        for entry in split_entries(spec.params):
            if ":" not in entry:
                raise RuleSpecError("参数", f"「{entry}」缺少冒号", "每项写成 选项:得分，例如 全面实施:6")
            choice, _, out = entry.rpartition(":")
            # Parameters are NFKC-folded; choices keep the author's full-width punctuation.
            choice = folded.get(normalise(choice), choice.strip())
            if choice in mapping:
                raise RuleSpecError("参数", f"选项「{choice}」写了两次", "每个选项只写一次")
            if choice not in f.choices and choice not in OTHER_WORDS:
                raise RuleSpecError(
                    "参数", f"「{choice}」不在字段「{f.id}」的选项中", f"可选：{'、'.join(f.choices)}"
                )
            mapping[choice] = _outcome(out.strip(), fields)
        fallback = next((mapping[w] for w in OTHER_WORDS if w in mapping), None)
        missing = [c for c in f.choices if c not in mapping]
        if missing and fallback is None:
            raise RuleSpecError(
                "参数", f"选项「{'、'.join(missing)}」没有对应得分", "为每个选项写得分，或加「其他:分值」"
            )
        return cls(item, spec, (f,), {"mapping": mapping, "fallback": fallback})

    def field_ids(self) -> tuple[str, ...]:
        mapping = self.options["mapping"]
        assert isinstance(mapping, dict)
        extra = [o.field.id for o in mapping.values() if o.field is not None]
        return tuple(dict.fromkeys([self.fields[0].id, *extra]))

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        mapping = self.options["mapping"]
        assert isinstance(mapping, dict)
        return _outcome_bounds(list(mapping.values()))

    def score(self, values: Mapping[str, object]) -> Part:
        f = self.fields[0]
        choice = str(_value(values, f.id))
        mapping = self.options["mapping"]
        assert isinstance(mapping, dict)
        outcome = mapping.get(choice) or self.options["fallback"]
        assert isinstance(outcome, Outcome)
        points, how = outcome.resolve(values)
        return Part(points, f"「{_label(f)}」为「{choice}」，{how}")


# ---------------------------------------------------------------- deductions and additions


@dataclass(frozen=True)
class _Gap(Rule):
    """Shared by 低于标准扣分 / 高于标准扣分: deduct for the distance from a standard."""

    below: ClassVar[bool] = True
    MODES: ClassVar[tuple[str, ...]] = ("按比例", "按整档", "一次性")

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        params = parse_keyvalues(spec.params, {"标准", "每", "扣", "方式", "最多扣"})
        mode = params.get("方式", "")
        if mode not in cls.MODES:
            raise RuleSpecError(
                "参数",
                "没有写明扣分方式" if not mode else f"扣分方式「{mode}」无法识别",
                "请写 方式=按比例（差 0.5 扣一半）、方式=按整档（满一档才扣）或 方式=一次性（未达标扣一次）",
            )
        standard = number_param(params, "标准", positive=False)
        step = number_param(params, "每", required=False, default=Decimal(1))
        amount = number_param(params, "扣")
        cap = number_param(params, "最多扣", required=False)
        text = normalise(spec.fields)
        ids = [p for p in re.split(r"[,、]+", text) if p.strip()]
        # several fields: shortfalls add up (信息报送: each month's missing reports); a comma inside
        # brackets belongs to an expression such as min(覆盖率, 准确率), not to a list of fields.
        if len(ids) > 1 and "(" not in text:
            used = field_list(spec, fields, allowed_types=NUMERIC_TYPES)
            exprs = tuple(Expression(f.id) for f in used)
        else:
            expr, used = _source_fields(spec, fields)
            exprs = (expr,)
        return cls(
            item,
            spec,
            used,
            {"exprs": exprs, "standard": standard, "step": step, "amount": amount, "mode": mode, "cap": cap},
        )

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        cap = self.options["cap"]
        if isinstance(cap, Decimal):
            return -cap, Decimal(0)
        if self.options["mode"] == "一次性":
            amount = self.options["amount"]
            assert isinstance(amount, Decimal)
            return -amount, Decimal(0)
        return None, Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        o = self.options
        standard, step, amount, mode = o["standard"], o["step"], o["amount"], o["mode"]
        assert isinstance(standard, Decimal) and isinstance(step, Decimal) and isinstance(amount, Decimal)
        gap = Decimal(0)
        shown = []
        for expr in o["exprs"]:  # type: ignore[attr-defined]
            value, text = _describe_source(expr, self.fields, values)
            diff = (standard - value) if self.below else (value - standard)
            gap += max(diff, Decimal(0))
            shown.append(text)
        word = "低于" if self.below else "高于"
        what = "、".join(shown)
        unit = self.fields[0].unit if len(self.fields) == 1 else ""
        if gap <= 0:
            return Part(Decimal(0), f"{what}，未{word}标准 {_fmt_unit(standard, unit)}，不扣分")
        if mode == "一次性":
            deduct, how = amount, f"扣 {fmt(amount)} 分"
        elif mode == "按整档":
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
        cap = o["cap"]
        if isinstance(cap, Decimal) and deduct > cap:
            deduct, how = cap, f"{how}，本条最多扣 {fmt(cap)} 分"
        lead = f"{what}，{word}标准 {_fmt_unit(standard, unit)}" + (
            f"，差 {fmt(gap)}" if len(shown) > 1 or mode != "一次性" else ""
        )
        return Part(-deduct, f"{lead}，{how}")


def _fmt_unit(value: Decimal, unit: str) -> str:
    # %, ‰ and rate units such as /10万 attach to the number: 3.1‰, 15.2/10万; others follow a space.
    if unit in ("%", "‰") or unit.startswith("/"):
        return f"{fmt(value)}{unit}"
    return f"{fmt(value)} {unit}" if unit else fmt(value)


@register
@dataclass(frozen=True)
class BelowStandard(_Gap):
    """低于标准扣分: e.g. 完成率每低于 98% 一个百分点扣 0.2 分."""

    kind: ClassVar[str] = "低于标准扣分"
    aliases: ClassVar[tuple[str, ...]] = ("低于扣分",)
    below: ClassVar[bool] = True


@register
@dataclass(frozen=True)
class AboveStandard(_Gap):
    """高于标准扣分: e.g. 孕产妇死亡率高于 14.5/10万 扣 3 分."""

    kind: ClassVar[str] = "高于标准扣分"
    aliases: ClassVar[tuple[str, ...]] = ("高于扣分",)
    below: ClassVar[bool] = False


@register
@dataclass(frozen=True)
class PerCount(Rule):
    """计次扣分: so many points per person, time or case counted."""

    kind: ClassVar[str] = "计次扣分"
    aliases: ClassVar[tuple[str, ...]] = ("每次扣分",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        (f,) = field_list(spec, fields, allowed_types=NUMERIC_TYPES, maximum=1)
        params = parse_keyvalues(spec.params, {"每次"})
        return cls(item, spec, (f,), {"each": number_param(params, "每次")})

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        each, f = self.options["each"], self.fields[0]
        assert isinstance(each, Decimal)
        return (None if f.maximum is None else -f.maximum * each), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        f, each = self.fields[0], self.options["each"]
        assert isinstance(each, Decimal)
        count = _number(values, f.id)
        unit = f.unit or "次"
        if count == 0:
            return Part(Decimal(0), f"「{_label(f)}」0 {unit}，不扣分")
        return Part(
            -count * each, f"「{_label(f)}」{fmt(count)} {unit} × {fmt(each)} = 扣 {fmt(count * each)} 分"
        )


@register
@dataclass(frozen=True)
class PerCountBonus(Rule):
    """计次加分: so many points per counted achievement, up to a cap."""

    kind: ClassVar[str] = "计次加分"
    aliases: ClassVar[tuple[str, ...]] = ("每项加分",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        (f,) = field_list(spec, fields, allowed_types=NUMERIC_TYPES, maximum=1)
        params = parse_keyvalues(spec.params, {"每次", "上限"})
        return cls(
            item,
            spec,
            (f,),
            {"each": number_param(params, "每次"), "cap": number_param(params, "上限", required=False)},
        )

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        each, cap, f = self.options["each"], self.options["cap"], self.fields[0]
        assert isinstance(each, Decimal)
        if isinstance(cap, Decimal):
            return Decimal(0), cap
        return Decimal(0), (None if f.maximum is None else f.maximum * each)

    def score(self, values: Mapping[str, object]) -> Part:
        f, each, cap = self.fields[0], self.options["each"], self.options["cap"]
        assert isinstance(each, Decimal)
        count = _number(values, f.id)
        points = count * each
        text = f"「{_label(f)}」{fmt(count)} {f.unit or '项'} × {fmt(each)} = {fmt(points)} 分"
        if isinstance(cap, Decimal) and points > cap:
            points, text = cap, f"{text}，以 {fmt(cap)} 分为止"
        return Part(points, text)


@register
@dataclass(frozen=True)
class JudgedDeduction(Rule):
    """酌情扣分: a deduction the assessing department judges (视情扣 1-8 分)."""

    kind: ClassVar[str] = "酌情扣分"
    aliases: ClassVar[tuple[str, ...]] = ("视情扣分",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        (f,) = field_list(spec, fields, allowed_types=NUMERIC_TYPES, maximum=1)
        if f.minimum is None or f.minimum < 0:
            raise RuleSpecError(
                "字段", f"扣分字段「{f.id}」的最小值应为 0", "扣分填正数，在「字段」表写最小值 0"
            )
        parse_keyvalues(spec.params, set())
        return cls(item, spec, (f,))

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        f = self.fields[0]
        return (None if f.maximum is None else -f.maximum), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        f = self.fields[0]
        v = _number(values, f.id)
        if v == 0:
            return Part(Decimal(0), f"「{_label(f)}」未扣分")
        return Part(-v, f"「{_label(f)}」扣 {fmt(v)} 分")


@register
@dataclass(frozen=True)
class Checklist(Rule):
    """逐项扣分: each listed requirement answered 否 costs the same points."""

    kind: ClassVar[str] = "逐项扣分"
    aliases: ClassVar[tuple[str, ...]] = ("未达要求扣分",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        used = field_list(spec, fields, allowed_types=(YESNO,))
        params = parse_keyvalues(spec.params, {"每项"})
        return cls(item, spec, used, {"each": number_param(params, "每项")})

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        each = self.options["each"]
        assert isinstance(each, Decimal)
        return -each * len(self.fields), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        each = self.options["each"]
        assert isinstance(each, Decimal)
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
@dataclass(frozen=True)
class Deadlines(Rule):
    """期限扣分: each deadline missed (or never met) costs its points; they add up."""

    kind: ClassVar[str] = "期限扣分"
    aliases: ClassVar[tuple[str, ...]] = ("逾期扣分",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        (f,) = field_list(spec, fields, allowed_types=(DATE,), maximum=1)
        deadlines: list[tuple[dt.date, Decimal]] = []
        for entry in split_entries(spec.params):
            day_text, _, amount_text = entry.rpartition(":")
            try:
                day = dt.date.fromisoformat(day_text.strip().replace("/", "-"))
            except ValueError as exc:
                raise RuleSpecError(
                    "参数", f"期限「{entry}」的日期无法识别", "每个期限写成 2024-04-30:1.5"
                ) from exc
            amount = to_decimal(amount_text)
            if amount is None or amount <= 0:
                raise RuleSpecError("参数", f"期限「{entry}」的扣分无法识别", "每个期限写成 2024-04-30:1.5")
            deadlines.append((day, amount))
        if not deadlines:
            raise RuleSpecError("参数", "期限扣分规则没有写期限", "例如 2024-04-30:1.5；2024-07-31:1.5")
        if [d for d, _ in deadlines] != sorted(d for d, _ in deadlines):
            raise RuleSpecError("参数", "期限应按日期从早到晚写", "调整期限的先后顺序")
        return cls(item, spec, (f,), {"deadlines": tuple(deadlines)})

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        deadlines = self.options["deadlines"]
        assert isinstance(deadlines, tuple)
        return -sum((a for _, a in deadlines), Decimal(0)), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        f = self.fields[0]
        done = _value(values, f.id)
        deadlines = self.options["deadlines"]
        assert isinstance(deadlines, tuple)
        if done == NEVER:
            missed = list(deadlines)
            lead = f"「{_label(f)}」未完成"
        else:
            assert isinstance(done, dt.date)
            missed = [(d, a) for d, a in deadlines if done > d]
            lead = f"「{_label(f)}」为 {done.isoformat()}"
        if not missed:
            return Part(Decimal(0), f"{lead}，未逾期，不扣分")
        total = sum((a for _, a in missed), Decimal(0))
        detail = "、".join(f"{d.isoformat()} 前未完成扣 {fmt(a)}" for d, a in missed)
        return Part(-total, f"{lead}，{detail}，共扣 {fmt(total)} 分")


@register
@dataclass(frozen=True)
class Veto(Rule):
    """否决: a yes/no fact that forces an outcome (取消评优 or 排名末位), shown everywhere."""

    kind: ClassVar[str] = "否决"
    aliases: ClassVar[tuple[str, ...]] = ("一票否决",)

    @classmethod
    def parse(cls, spec: RuleSpec, item: Item, fields: Mapping[str, Field]) -> Rule:
        (f,) = field_list(spec, fields, allowed_types=(YESNO,), maximum=1)
        params = parse_keyvalues(spec.params, {"后果"})
        effect = params.get("后果", "")
        if effect not in (VETO_NO_TOP, VETO_LAST):
            raise RuleSpecError(
                "参数",
                "否决规则没有写明后果" if not effect else f"后果「{effect}」无法识别",
                f"请写 后果={VETO_NO_TOP}（不能评为最高等级）或 后果={VETO_LAST}（排在最后）",
            )
        return cls(item, spec, (f,), {"effect": effect})

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        return Decimal(0), Decimal(0)

    def score(self, values: Mapping[str, object]) -> Part:
        f = self.fields[0]
        effect = self.options["effect"]
        assert isinstance(effect, str)
        if _value(values, f.id) is True:
            return Part(Decimal(0), f"「{_label(f)}」为是 → {effect}", flag=f"{effect}（{_label(f)}）")
        return Part(Decimal(0), f"「{_label(f)}」为否")
