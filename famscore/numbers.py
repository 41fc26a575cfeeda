"""Decimal helpers shared by every stage: parsing, half-up rounding and display."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def to_decimal(value: object) -> Decimal | None:
    """A Decimal from a number or numeric text, or None when it is not a number.

    Floats go through repr so that 0.1 becomes Decimal('0.1'), not its binary expansion.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
    text = str(value).strip().replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """四舍五入 to the scheme's decimals."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


_ONE = Decimal(1)


# Every explanation, audit row and output cell prints numbers, mostly the same few: remembered per
# type (typed=True keeps True apart from 1); equal Decimals print alike whatever their exponent.
@functools.lru_cache(maxsize=65_536, typed=True)
def fmt(value: Decimal | int | None) -> str:
    """Plain display of a number: no exponent, no trailing zeros ('1.70' -> '1.7')."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if value == 0:
        return "0"
    if value == value.to_integral_value():
        return str(value.quantize(_ONE))
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
