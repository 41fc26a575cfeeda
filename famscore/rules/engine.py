"""Scores one item from a unit's values: sum its rules, clamp, round, and say why."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from famscore.numbers import fmt, round_half_up
from famscore.rules.base import MissingInput, Part
from famscore.rules.flags import Flag
from famscore.scheme.model import Item


class ItemScore(NamedTuple):
    """An item's score, or None with `missing` naming the fields that stopped it.

    A NamedTuple, not a dataclass: a batch builds one per unit × item (400,000 at 10,000 units).
    """

    item: Item
    score: Decimal | None
    explanation: str
    flags: tuple[Flag, ...] = ()
    missing: tuple[str, ...] = ()


def score_item(item: Item, values: Mapping[str, object], decimals: int = 2) -> ItemScore:
    """Pure: the same item and values always give the same score and explanation."""
    parts: list[Part] = []
    missing: list[str] = []
    for rule in item.rules:
        try:
            parts.append(rule.score(values))
        except MissingInput as exc:
            missing.append(exc.field_id)
        except ZeroDivisionError as exc:
            # `missing` names the divisor's fields where known: the values a unit has to check.
            culprits = getattr(exc, "field_ids", ()) or tuple(rule.field_ids())
            return ItemScore(item, None, f"无法计分：{exc}", missing=culprits)
    if missing:
        names = "、".join(dict.fromkeys(missing))
        return ItemScore(
            item, None, f"无法计分：缺少或无效的填报值（{names}）", missing=tuple(dict.fromkeys(missing))
        )
    raw = sum((p.points for p in parts), Decimal(0))
    texts = [p.text for p in parts]
    score = raw
    if score > item.points:
        texts.append(f"合计 {fmt(raw)} 超过本项分值 {fmt(item.points)}，按 {fmt(item.points)} 分计")
        score = item.points
    elif item.floor is not None and score < item.floor:
        texts.append(f"合计 {fmt(raw)}，本项最低 {fmt(item.floor)} 分，按 {fmt(item.floor)} 分计")
        score = item.floor
    elif score < 0:
        texts.append(f"合计 {fmt(raw)}（本项扣分上不封顶，可为负分）")
    rounded = round_half_up(score, decimals)
    if rounded != score:
        texts.append(f"四舍五入为 {fmt(rounded)}")
    explanation = "；".join(texts) + f" → {fmt(rounded)} 分"
    flags = tuple(p.flag for p in parts if p.flag is not None)
    return ItemScore(item, rounded, explanation, flags)
