"""Turns what a unit typed into a typed value for its field, or says precisely why not."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from famscore.numbers import fmt, to_decimal
from famscore.rules.kinds import NEVER
from famscore.scheme.model import (
    CHOICE,
    DATE,
    INTEGER,
    NUMERIC_TYPES,
    PERCENT,
    TEXT,
    YESNO,
    Field,
)

YES_WORDS = {"是", "是的", "有", "√", "✓", "✔", "☑", "Y", "YES", "TRUE", "1", "对", "已完成", "完成"}
NO_WORDS = {"否", "不是", "无", "没有", "×", "✗", "✘", "☒", "X", "N", "NO", "FALSE", "0", "未完成"}
NEVER_WORDS = {"未完成", "未下达", "未办理", "无", "没有", "从未"}
PERCENT_RULE = (
    "百分比填百分数：95% 填 95（也可填 95%）；填 0 到 1 之间的小数（如 0.95）时按 95% 计，并提示核对"
)
PERCENT_UNITS = ("", "%")  # a 百分比 field in ‰ or 1/10万 takes its number as written: 0.5‰ is a rate
# Units a number may carry when typed as text; stripped before parsing ("3人", "95%").
_SUFFIXES = ("%", "‰", "/10万", "分", "人次", "人", "次", "件", "篇", "项", "个", "名")
_RATE_UNITS = ("%", "‰", "/10万")
DATE_FIX = f"请填写日期，如 2024-08-15；从未完成的填「{NEVER}」"
# Excel day serials for 1955..2100: anything else numeric in a date cell is not a date.
_SERIAL_MIN, _SERIAL_MAX = 20000, 73051
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# 2024-08-15, 2024/8/15, 2024.8.15, 2024年8月15日, with a time of day as some exports add
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # 20240815
_INVISIBLE = dict.fromkeys(map(ord, "\ufe0e\ufe0f\u200b\u200c\u200d\u2060\ufeff"))


class Parsed(NamedTuple):
    """A parsed cell: `value` is None when blank or invalid; `error`/`warning` say why.

    A NamedTuple: one is made per field of every return.
    """

    value: object = None
    error: str = ""
    fix: str = ""
    warning: str = ""


_BLANK = Parsed()


def normalise_text(raw: object) -> str:
    """NFKC folds full-width digits and ％; control characters and stray spaces go."""
    text = raw if isinstance(raw, str) else str(raw)
    if text.isascii() and text.isprintable():
        return text.strip()  # most cells: nothing to fold, and this runs for every cell of every return
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = "".join(ch for ch in text if ch >= " " or ch in "\t\n")
    return text.strip()


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and normalise_text(raw) == "")


def parse_value(field: Field, raw: object) -> Parsed:
    """Parse `raw` (as python-calamine returns a cell) for `field`; blank gives Parsed()."""
    if type(raw) is float and raw == raw and field.type in NUMERIC_TYPES:
        return _number(field, raw)  # a number cell: most cells of every return
    if is_blank(raw):
        return _BLANK
    if isinstance(raw, float) and raw != raw:  # NaN: an error cell or a formula without a result
        return Parsed(error="单元格是错误值或没有计算结果的公式", fix="请填写数值本身，不要用公式")
    if isinstance(raw, str) and normalise_text(raw).startswith("#"):
        return Parsed(error=f"单元格是错误值「{normalise_text(raw)}」", fix="请改正公式或直接填写数值")
    if field.type in NUMERIC_TYPES:
        return _number(field, raw)
    if field.type == YESNO:
        return _yes_no(raw)
    if field.type == CHOICE:
        return _choice(field, raw)
    if field.type == DATE:
        return _date(raw)
    if field.type == TEXT:
        return Parsed(normalise_text(raw))
    return Parsed(error=f"未知字段类型「{field.type}」")


def shown(value: object) -> str:
    """How outputs print a parsed value: 95.5, 是/否, 2024-08-15, the text itself."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


def scales_percent(field: Field) -> bool:
    """Whether PERCENT_RULE applies: a 百分比 field in per cent (not ‰ or 1/10万)."""
    return field.type == PERCENT and (field.unit or "").strip() in PERCENT_UNITS


def _number(field: Field, raw: object) -> Parsed:
    warning = ""
    typed_unit = ""
    if isinstance(raw, bool):
        return Parsed(error="应填数值，却是逻辑值", fix="请填写数值")
    if isinstance(raw, (int, float, Decimal)):
        number = to_decimal(raw)
    else:
        text = normalise_text(raw).replace(" ", "")
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                typed_unit = suffix
                text = text[: -len(suffix)]
                break
        number = to_decimal(text)
        if number is None:
            return Parsed(error=f"「{normalise_text(raw)}」不是数值", fix=_range_hint(field))
    if number is None:
        return Parsed(error="不是有效的数值", fix=_range_hint(field))
    if field.type == PERCENT and typed_unit in _RATE_UNITS:
        unit = (field.unit or "%").strip() or "%"
        if typed_unit != unit:
            return Parsed(
                error=f"填写的「{normalise_text(raw)}」单位是 {typed_unit}，本项的单位是 {unit}",
                fix=f"请换算成 {unit} 后只填写数值",
            )
    if scales_percent(field) and not typed_unit:
        if 0 < number < 1:
            # Excel stores a cell formatted as 95% as 0.95; units also type 0.95 by habit.
            scaled = number * 100
            warning = (
                f"填写的 {fmt(number)} 按 {fmt(scaled)}% 计算；"
                f"如果本意是 {fmt(number)}%，请填写「{fmt(number)}%」"
            )
            number = scaled
        elif number == 1:
            # 100% typed into a cell Excel formats as a percentage is stored as 1.
            warning = "填写的 1 按 1% 计算；如果本意是 100%，请填写 100"
    if field.type == INTEGER and number != number.to_integral_value():
        return Parsed(error=f"「{fmt(number)}」不是整数", fix="人次、件数、名次等请填写整数")
    if field.minimum is not None and number < field.minimum:
        return Parsed(error=f"{fmt(number)} 小于最小值 {fmt(field.minimum)}", fix=_range_hint(field))
    if field.maximum is not None and number > field.maximum:
        return Parsed(error=f"{fmt(number)} 超过最大值 {fmt(field.maximum)}", fix=_range_hint(field))
    return Parsed(number, warning=warning)


def _range_hint(field: Field) -> str:
    low = fmt(field.minimum) if field.minimum is not None else ""
    high = fmt(field.maximum) if field.maximum is not None else ""
    span = f"，范围 {low or '不限'}～{high or '不限'}" if (low or high) else ""
    kind = "整数" if field.type == INTEGER else "数值"
    extra = "；" + PERCENT_RULE if scales_percent(field) else ""
    return f"请填写{kind}{span}{extra}"


def _yes_no(raw: object) -> Parsed:
    if isinstance(raw, bool):
        return Parsed(raw)
    text = normalise_text(raw).upper()
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return Parsed(bool(raw))
    if text in YES_WORDS:
        return Parsed(True)
    if text in NO_WORDS:
        return Parsed(False)
    return Parsed(
        error=f"「{normalise_text(raw)}」不是“是/否”", fix="请填写 是 或 否（也可填 有/无、√/×、Y/N）"
    )


def _choice(field: Field, raw: object) -> Parsed:
    text = normalise_text(raw)
    if text in field.choices:
        return Parsed(text)
    squashed = {"".join(normalise_text(c).split()): c for c in field.choices}
    key = "".join(text.split())
    if key in squashed:
        return Parsed(squashed[key])
    return Parsed(error=f"「{text}」不是可选项", fix=f"请从下拉列表中选择：{'、'.join(field.choices)}")


def _date(raw: object) -> Parsed:
    if isinstance(raw, dt.datetime):
        return Parsed(raw.date())
    if isinstance(raw, dt.date):
        return Parsed(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if _SERIAL_MIN <= raw <= _SERIAL_MAX:
            return Parsed(_EXCEL_EPOCH + dt.timedelta(days=int(raw)))
        if not float(raw).is_integer():
            return Parsed(error=f"「{raw}」不是日期", fix=DATE_FIX)
        raw = str(int(raw))  # 20240815 typed as a number
    text = normalise_text(raw)
    if text in NEVER_WORDS:
        return Parsed(NEVER)
    m = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if m:
        try:
            return Parsed(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
        except ValueError:
            pass
    number = to_decimal(text)
    if number is not None and _SERIAL_MIN <= number <= _SERIAL_MAX:
        return Parsed(_EXCEL_EPOCH + dt.timedelta(days=int(number)))
    return Parsed(error=f"「{text}」不是日期", fix=DATE_FIX)
