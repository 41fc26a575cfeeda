"""Veto flags as data: what a veto does to a unit (`Effect`) and the scheme's words for why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from famscore.scheme.model import VETO_LAST, VETO_NO_TOP


class Effect(Enum):
    """What a veto does; the value is the word authors write after 后果= (and outputs show)."""

    NO_TOP = VETO_NO_TOP  # 取消评优: never in the top band
    LAST = VETO_LAST  # 排名末位: ranked after every other unit


@dataclass(frozen=True)
class Flag:
    """A veto that struck a unit: its effect and the reason in the seed's words (the field's label)."""

    effect: Effect
    reason: str
