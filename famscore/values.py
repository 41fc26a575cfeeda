"""Turns what a unit typed into a typed value for its field, or says precisely why not."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from famscore.numbers import MAX_PLACES, fmt, number_error, number_fix, to_decimal
from famscore.rules.kinds import NEVER
from famscore.scheme.model import (
    CHOICE,
    DATE,
    INTEGER,
    NUMERIC_TYPES,
    PERCENT,
    READ_AS_TYPED,
    READ_FRACTION,
    TEXT,
    YESNO,
    Field,
)

YES_WORDS = {"是", "是的", "有", "√", "✓", "✔", "☑", "Y", "YES", "TRUE", "1", "对", "已完成", "完成"}
NO_WORDS = {"否", "不是", "无", "没有", "×", "✗", "✘", "☒", "X", "N", "NO", "FALSE", "0", "未完成"}
NEVER_WORDS = {"未完成", "未下达", "未办理", "无", "没有", "从未"}
PERCENT_RULE = "百分比填百分数：95% 填 95（也可填 95%）；0 到 1 之间的数请带 %，如 0.8%"
# Number format classes of a value cell, as the reader found them (see parse_value).
PLAIN = ""  # General, a number format: the number is what the unit typed
PERCENT_FORMAT = "%"  # 0%, 0.00%: Excel keeps 95% as 0.95
UNKNOWN_FORMAT = "?"  # .xls/.ods: calamine does not say
_FINE = 30  # decimals to show a refused number with
PERCENT_UNITS = ("", "%")  # a 百分比 field in ‰ or 1/10万 takes its number as written: 0.5‰ is a rate
# Units a number may carry when typed as text; stripped before parsing ("3人", "95%").
_SUFFIXES = ("%", "‰", "/10万", "分", "人次", "人", "次", "件", "篇", "项", "个", "名")
_RATE_UNITS = ("%", "‰", "/10万")
DATE_FIX = f"请填写日期，如 2024-08-15；从未完成的填「{NEVER}」"
# A number in a date field is an Excel day serial only within the field's plausible years.
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


def parse_value(field: Field, raw: object, cell_format: str = PLAIN) -> Parsed:
    """Parse `raw` (as python-calamine returns a cell) for `field`; blank gives Parsed().

    `cell_format` is the number format class of the cell (PLAIN, PERCENT_FORMAT, or UNKNOWN_FORMAT
    where the reader cannot tell): a number in a percent-formatted cell is a fraction.
    """
    if type(raw) is float and raw == raw and field.type in NUMERIC_TYPES:
        return _number(field, raw, cell_format)  # a number cell: most cells of every return
    if is_blank(raw):
        return _BLANK
    if isinstance(raw, float) and raw != raw:  # NaN: an error cell or a formula without a result
        return Parsed(error="单元格是错误值或没有计算结果的公式", fix="请填写数值本身，不要用公式")
    if isinstance(raw, str) and normalise_text(raw).startswith("#"):
        return Parsed(error=f"单元格是错误值「{normalise_text(raw)}」", fix="请改正公式或直接填写数值")
    if field.type in NUMERIC_TYPES:
        return _number(field, raw, cell_format)
    if field.type == YESNO:
        return _yes_no(raw)
    if field.type == CHOICE:
        return _choice(field, raw)
    if field.type == DATE:
        return _date(field, raw)
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


def percent_rule(field: Field) -> str:
    """PERCENT_RULE as it applies to `field`, whose scheme may state a reading (读法)."""
    if field.reading == READ_AS_TYPED:
        return "百分比填百分数：95% 填 95，0.8% 填 0.8（也可填 0.8%）"
    if field.reading == READ_FRACTION:
        return "百分比填小数：95% 填 0.95（也可填 95%）"
    return PERCENT_RULE


def scales_percent(field: Field) -> bool:
    """Whether PERCENT_RULE applies: a 百分比 field in per cent (not ‰ or 1/10万)."""
    return field.type == PERCENT and (field.unit or "").strip() in PERCENT_UNITS


def _number(field: Field, raw: object, cell_format: str = PLAIN) -> Parsed:
    if isinstance(raw, bool):
        return Parsed(error="应填数值，却是逻辑值", fix="请填写数值")
    typed_unit = ""
    if isinstance(raw, (int, float, Decimal)):
        # A percent-formatted cell holds the fraction: 12.3456 % is 0.123456, two more decimals.
        places = MAX_PLACES + 2 if cell_format == PERCENT_FORMAT else MAX_PLACES
        number = to_decimal(raw, places)
        if number is None:
            why = number_error(raw, places)
            return Parsed(error=f"「{_typed_number(raw)}」{why}", fix=_range_hint(field))
    elif isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        # calamine gives a date for any number in a date-formatted cell: 95 shows as 1900-04-04.
        return Parsed(
            error=f"单元格是日期/时间格式（显示为 {_date_shown(raw)}），本项应填数值",
            fix="请把单元格格式改为“常规”，再重新填写数值",
        )
    else:
        cell_format = PLAIN  # text says what it says, whatever the cell's format
        typed = normalise_text(raw)
        text = typed
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                typed_unit = suffix
                text = text[: -len(suffix)].rstrip()
                break
        number = to_decimal(text)
        if number is None:
            why = number_error(text)
            return Parsed(error=f"「{typed}」{why}", fix=number_fix(text) or _range_hint(field))
    if field.type == PERCENT and typed_unit in _RATE_UNITS:
        unit = (field.unit or "%").strip() or "%"
        if typed_unit != unit:
            return Parsed(
                error=f"填写的「{typed}」单位是 {typed_unit}，本项的单位是 {unit}",
                fix=f"请换算成 {unit} 后只填写数值",
            )
    typed_number = number
    if cell_format == PERCENT_FORMAT and number:  # 0 reads the same either way
        if not scales_percent(field):
            unit = f"单位是 {field.unit}" if field.unit else "不是百分比"
            return Parsed(
                error=f"单元格是百分比格式（显示为 {fmt(number * 100)}%），本项{unit}",
                fix=f"请把单元格格式改为“常规”，再填写数值{f'（单位 {field.unit}）' if field.unit else ''}",
            )
        number = number * 100  # Excel keeps 95% as 0.95: what the unit saw is 95
    elif scales_percent(field) and not typed_unit:
        read = _percent_reading(field, number, cell_format)
        if isinstance(read, Parsed):
            return read
        number = read
    if number is not typed_number and to_decimal(number) is None:  # a fraction scaled past the range
        return Parsed(error=f"{fmt(number)} {number_error(number)}", fix=_range_hint(field))
    if field.type == INTEGER and number != number.to_integral_value():
        return Parsed(error=f"「{fmt(number)}」不是整数", fix="人次、件数、名次等请填写整数")
    if _allowed(field, number):
        return Parsed(number)
    seen = (
        f"单元格是百分比格式，显示为 {fmt(number)}%，" if cell_format == PERCENT_FORMAT else f"{fmt(number)} "
    )
    if field.minimum is not None and number < field.minimum:
        return Parsed(error=f"{seen}小于最小值 {fmt(field.minimum)}", fix=_range_hint(field))
    return Parsed(error=f"{seen}超过最大值 {fmt(field.maximum)}", fix=_range_hint(field))


def _percent_reading(field: Field, number: Decimal, cell_format: str) -> Decimal | Parsed:
    """A number in a plain cell of a per-cent field: as typed (95 is 95 %) unless it is a fraction.

    0 < x <= 1 may be either (0.8 % or 80 %; 1 % or 100 %, which Excel stores as 1 in a 0% cell). The
    field's range decides when it allows only one reading, the scheme's 读法 when it states one;
    otherwise it is an error: a wrong pick would change the score without anyone noticing.
    """
    if field.reading == READ_FRACTION:
        return number * 100
    if not 0 < number <= 1 or (field.reading == READ_AS_TYPED and cell_format == PLAIN):
        return number
    scaled = number * 100
    as_typed, as_fraction = _allowed(field, number), _allowed(field, scaled)
    if as_typed and not as_fraction:
        return number
    if as_fraction and not as_typed:
        return scaled
    if not as_typed:
        return number  # neither fits: the range check says so
    a, b = fmt(number), fmt(scaled)
    if cell_format == PLAIN:
        fix = f"填 {b} 表示 {b}%，或填 {a}% 表示 {a}%"
    else:  # .xls/.ods: whether the cell is formatted as a percentage cannot be read
        fix = f"请把文件另存为 .xlsx 后发回（.xls/.ods 文件读不出单元格的百分比格式），或填 {b} 表示 {b}%"
    return Parsed(error=f"填写的 {a} 可以读作 {a}% 也可以读作 {b}%，无法确定", fix=fix)


def _allowed(field: Field, number: Decimal) -> bool:
    low, high = field.minimum, field.maximum
    return (low is None or number >= low) and (high is None or number <= high)


def _typed_number(raw: object) -> str:
    """A refused number as the unit typed it: 0.1234567 rather than its float repr where possible."""
    number = to_decimal(raw, _FINE)
    return fmt(number) if number is not None else repr(raw)


def _date_shown(raw: object) -> str:
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        return raw.date().isoformat()
    return str(raw)


def _range_hint(field: Field) -> str:
    low = fmt(field.minimum) if field.minimum is not None else ""
    high = fmt(field.maximum) if field.maximum is not None else ""
    span = f"，范围 {low or '不限'}～{high or '不限'}" if (low or high) else ""
    kind = "整数" if field.type == INTEGER else "数值"
    extra = "；" + percent_rule(field) if scales_percent(field) else ""
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


def _date(field: Field, raw: object) -> Parsed:
    low, high = field.years
    if isinstance(raw, (dt.date, dt.datetime)):
        day = raw.date() if isinstance(raw, dt.datetime) else raw
        if low <= day.year <= high:
            return Parsed(day)
        return Parsed(
            error=f"日期 {day.isoformat()} 不在合理范围（{low}～{high} 年）内",
            fix="日期格式的单元格里填数字（如 1）会显示成 1900 年前后的日期；" + DATE_FIX,
        )
    if isinstance(raw, dt.time | dt.timedelta):
        return Parsed(error=f"单元格是时间格式（显示为 {raw}），不是日期", fix=DATE_FIX)
    serials = (_serial(dt.date(low, 1, 1)), _serial(dt.date(high, 12, 31)))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if serials[0] <= raw <= serials[1] and float(raw).is_integer():
            return Parsed(_EXCEL_EPOCH + dt.timedelta(days=int(raw)))
        if not float(raw).is_integer() or abs(raw) >= 1e12:
            return Parsed(error=f"「{_typed_number(raw)}」不是日期", fix=DATE_FIX)
        raw = str(int(raw))  # 20240815 typed as a number
    text = normalise_text(raw)
    if text in NEVER_WORDS:
        return Parsed(NEVER)
    m = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if m:
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
        else:
            return _date(field, day)
    number = to_decimal(text)
    if number is not None and serials[0] <= number <= serials[1] and number == int(number):
        return Parsed(_EXCEL_EPOCH + dt.timedelta(days=int(number)))
    return Parsed(error=f"「{text}」不是日期", fix=DATE_FIX)


def _serial(day: dt.date) -> int:
    return (day - _EXCEL_EPOCH).days
