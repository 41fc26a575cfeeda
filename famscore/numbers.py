"""Decimal helpers shared by every stage: parsing, half-up rounding and display."""

from __future__ import annotations

import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

# The numbers the format accepts, in a return or a scheme (docs/scheme-format.md): |x| < 10^12 with at
# most 6 decimals. Anything within it survives every rule's arithmetic without overflow or rounding.
MAX_DIGITS = 12  # |x| < 10 ** MAX_DIGITS
MAX_PLACES = 6
RANGE_TEXT = "绝对值小于 1 万亿（10^12），最多 6 位小数"
# 1,000 / 12,345 / 1,234,567.5: a comma is a thousands separator only in well-formed groups of three.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SEPARATORS = ",，、"
_DECIMAL_COMMA = re.compile(r"[+-]?\d+[,，、]\d{1,2}")  # 3,5: a decimal comma, not a thousands separator
_ONE_SEPARATOR = re.compile(r"([+-]?\d+)[,，、](\d+)")  # 3,5 or 1234,567: a point was probably meant
# Why a number is refused (number_error): the catalogue (famscore.messages) builds its sentences from these.
WHY_OUT_OF_RANGE = f"超出可接受的数值范围（{RANGE_TEXT}）"
WHY_INVALID = "不是有效的数值"
WHY_DECIMAL_COMMA = "不是数值：小数点请用“.”，千位分隔符只能每三位一个"
WHY_SEPARATOR = "不是数值：逗号、顿号只能作千位分隔符（如 12,345）"
WHY_NOT_A_NUMBER = "不是数值"
POINT_FIX = "小数点请用“.”，如 {point}；千位分隔符只能每三位一个，如 1,000，也可不写"
# Rounding a sum of bounded parts never needs more digits than this: quantize cannot fail.
_WIDE = Context(prec=200, rounding=ROUND_HALF_UP)


def to_decimal(value: object, places: int = MAX_PLACES) -> Decimal | None:
    """A Decimal from a number or numeric text, or None when it is not an accepted number.

    Accepted: within the format's range (MAX_DIGITS, `places` decimals), written plainly or with
    well-formed thousands separators; number_error says why anything else is refused.
    Floats go through repr so that 0.1 becomes Decimal('0.1'), not its binary expansion.
    """
    number = _decimal(value)
    return number if number is not None and _in_range(number, places) else None


def number_error(value: object, places: int = MAX_PLACES) -> str:
    """Why `value` is not an accepted number (for a message), or '' when it is one."""
    number = _decimal(value)
    if number is not None:
        return "" if _in_range(number, places) else WHY_OUT_OF_RANGE
    if isinstance(value, (bool, int, float, Decimal)) or value is None:
        return WHY_INVALID
    text = _fold(str(value))
    if any(sep in text for sep in _SEPARATORS):
        return WHY_DECIMAL_COMMA if _DECIMAL_COMMA.fullmatch(text) else WHY_SEPARATOR
    return WHY_NOT_A_NUMBER


def decimal_point(value: object) -> str:
    """`value` with its one comma as a decimal point ('3,5' -> '3.5'), or '' when that is not the fix."""
    found = _ONE_SEPARATOR.fullmatch(_fold(str(value)))
    return f"{found.group(1)}.{found.group(2)}" if found else ""


def _fold(text: str) -> str:
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text).strip()


def _decimal(value: object) -> Decimal | None:
    """The exact Decimal `value` states, whatever its size; None when it is not a number."""
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
    text = _fold(str(value))
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    elif not _PLAIN.fullmatch(text):
        return None  # Decimal itself would take '1_000', ' 5', 'Infinity'; the format does not
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _in_range(number: Decimal, places: int) -> bool:
    """|number| < 10^MAX_DIGITS with at most `places` decimals; never raises, whatever the exponent."""
    if number.is_zero():
        return True
    if number.adjusted() >= MAX_DIGITS:
        return False
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= -places:
        return True  # the usual case: no more decimals written than allowed
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return -(exponent + trailing) <= places


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """四舍五入 to the scheme's decimals."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP, context=_WIDE)


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


def range_text(low: Decimal | None, high: Decimal | None, unit: str = "") -> str:
    """A field's allowed range in the one wording the form's hint and the value error share.

    '0～100分', '不小于 0', '不大于 5'; '' without bounds. (The error once said 范围 0～不限 where the form
    said 不小于 0.)
    """
    if low is not None and high is not None:
        return f"{fmt(low)}～{fmt(high)}{unit}"
    if low is not None:
        return f"不小于 {fmt(low)}{unit}"
    if high is not None:
        return f"不大于 {fmt(high)}{unit}"
    return ""
