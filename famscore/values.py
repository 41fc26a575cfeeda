"""Turns what a unit typed into a typed value for its field, or says precisely why not."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from famscore.errors import ERROR, WARNING
from famscore.messages import VALUE_NOT_SCORED, Msg
from famscore.numbers import (
    MAX_PLACES,
    WHY_DECIMAL_COMMA,
    WHY_INVALID,
    WHY_NOT_A_NUMBER,
    WHY_OUT_OF_RANGE,
    WHY_SEPARATOR,
    decimal_point,
    fmt,
    number_error,
    range_text,
    to_decimal,
)
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
from famscore.text import header_key, normalise

YES, NO = "是", "否"  # how a yes/no value is written: the template's list, outputs
YES_WORDS = {YES, "是的", "有", "√", "✓", "✔", "☑", "Y", "YES", "TRUE", "1", "对", "已完成", "完成"}
NO_WORDS = {NO, "不是", "无", "没有", "×", "✗", "✘", "☒", "X", "N", "NO", "FALSE", "0", "未完成"}
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
DATE_FIX = Msg.VALUE_NOT_A_DATE.detail.fix.format(never=NEVER)
# A number in a date field is an Excel day serial only within the field's plausible years.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# 2024-08-15, 2024/8/15, 2024.8.15, 2024年8月15日, with a time of day as some exports add
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # 20240815
_NO_FIELDS: Mapping[str, object] = {}  # shared by every Parsed without a message: never written to
# Why a number is refused (numbers.number_error) -> what the catalogue calls it.
_REFUSED = {
    WHY_NOT_A_NUMBER: Msg.VALUE_NOT_A_NUMBER,
    WHY_INVALID: Msg.VALUE_INVALID_NUMBER,
    WHY_OUT_OF_RANGE: Msg.VALUE_BEYOND_FORMAT,
    WHY_DECIMAL_COMMA: Msg.VALUE_DECIMAL_COMMA,
    WHY_SEPARATOR: Msg.VALUE_SEPARATOR,
}


class Parsed(NamedTuple):
    """A parsed cell: `value` is None when blank or invalid; `msg` and its `fields` say why.

    A NamedTuple: one is made per field of every return, and the reader remembers them across returns,
    so the field's label is not in here: the reader adds it (`label=`) when it reports the problem.
    `warning` is stored, not rendered on demand, because the reader checks it on every cell.
    """

    value: object = None
    msg: Msg | None = None
    fields: Mapping[str, object] = _NO_FIELDS
    warning: str = ""  # the message, when msg is a warning (as error is for an error)

    @property
    def error(self) -> str:
        """The message without the field's label and the reader's 本项暂不计分 (as before the catalogue)."""
        if self.msg is None or self.msg.detail.severity != ERROR:
            return ""
        return _bare(self.msg.render(label="", **self.fields)[0])

    @property
    def fix(self) -> str:
        return "" if self.msg is None else self.msg.render(label="", **self.fields)[1]


def _bare(text: str) -> str:
    return text.removeprefix("：").removesuffix(VALUE_NOT_SCORED)


def _refuse(msg: Msg, **fields: object) -> Parsed:
    if msg.detail.severity == WARNING:
        return Parsed(None, msg, fields, _bare(msg.render(label="", **fields)[0]))
    return Parsed(None, msg, fields)


_BLANK = Parsed()


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and normalise(raw) == "")


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
        return _refuse(Msg.VALUE_NO_RESULT)
    if isinstance(raw, str) and normalise(raw).startswith("#"):
        return _refuse(Msg.VALUE_ERROR_CELL, text=normalise(raw))
    if field.type in NUMERIC_TYPES:
        return _number(field, raw, cell_format)
    if field.type == YESNO:
        return _yes_no(raw)
    if field.type == CHOICE:
        return _choice(field, raw)
    if field.type == DATE:
        return _date(field, raw)
    if field.type == TEXT:
        return Parsed(normalise(raw))
    return _refuse(Msg.VALUE_UNKNOWN_TYPE, type=field.type)


def shown(value: object) -> str:
    """How outputs print a parsed value: 95.5, 是/否, 2024-08-15, the text itself."""
    if isinstance(value, bool):
        return YES if value else NO
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
        return _refuse(Msg.VALUE_LOGICAL)
    typed_unit = ""
    if isinstance(raw, (int, float, Decimal)):
        # A percent-formatted cell holds the fraction: 12.3456 % is 0.123456, two more decimals.
        places = MAX_PLACES + 2 if cell_format == PERCENT_FORMAT else MAX_PLACES
        number = to_decimal(raw, places)
        if number is None:
            why = number_error(raw, places)
            return _refuse(_REFUSED[why], typed=_typed_number(raw), **_range_hint(field))
    elif isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        # calamine gives a date for any number in a date-formatted cell: 95 shows as 1900-04-04.
        return _refuse(Msg.VALUE_DATE_CELL, shown=_date_shown(raw))
    else:
        cell_format = PLAIN  # text says what it says, whatever the cell's format
        typed = normalise(raw)
        text = typed
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                typed_unit = suffix
                text = text[: -len(suffix)].rstrip()
                break
        number = to_decimal(text)
        if number is None:
            return _not_a_number(field, typed, text)
    if field.type == PERCENT and typed_unit in _RATE_UNITS:
        unit = (field.unit or "%").strip() or "%"
        if typed_unit != unit:
            return _refuse(Msg.VALUE_WRONG_UNIT, typed=typed, typed_unit=typed_unit, unit=unit)
    typed_number = number
    if cell_format == PERCENT_FORMAT and number:  # 0 reads the same either way
        if not scales_percent(field):
            if field.unit:
                return _refuse(Msg.VALUE_PERCENT_CELL_IN_UNIT, shown=fmt(number * 100), unit=field.unit)
            return _refuse(Msg.VALUE_PERCENT_CELL_NOT_PERCENT, shown=fmt(number * 100))
        number = number * 100  # Excel keeps 95% as 0.95: what the unit saw is 95
    elif scales_percent(field) and not typed_unit:
        read = _percent_reading(field, number, cell_format)
        if isinstance(read, Parsed):
            return read
        number = read
    if number is not typed_number and to_decimal(number) is None:  # a fraction scaled past the range
        return _refuse(Msg.VALUE_SCALED_BEYOND_FORMAT, number=fmt(number), **_range_hint(field))
    if field.type == INTEGER and number != number.to_integral_value():
        return _refuse(Msg.VALUE_NOT_INTEGER, number=fmt(number))
    if _allowed(field, number):
        return Parsed(number)
    percent_cell = cell_format == PERCENT_FORMAT
    if field.minimum is not None and number < field.minimum:
        below = Msg.VALUE_PERCENT_CELL_BELOW_MINIMUM if percent_cell else Msg.VALUE_BELOW_MINIMUM
        return _refuse(below, number=fmt(number), minimum=fmt(field.minimum), **_range_hint(field))
    above = Msg.VALUE_PERCENT_CELL_ABOVE_MAXIMUM if percent_cell else Msg.VALUE_ABOVE_MAXIMUM
    return _refuse(above, number=fmt(number), maximum=fmt(field.maximum), **_range_hint(field))


def _not_a_number(field: Field, typed: str, text: str) -> Parsed:
    """Typed text that is no accepted number: why, and the decimal point where a comma stands for one."""
    msg = _REFUSED[number_error(text)]
    point = decimal_point(text)
    if point and msg in (Msg.VALUE_DECIMAL_COMMA, Msg.VALUE_SEPARATOR):
        separator = msg is Msg.VALUE_SEPARATOR
        return _refuse(Msg.VALUE_SEPARATOR_OR_POINT if separator else msg, typed=typed, point=point)
    return _refuse(msg, typed=typed, **_range_hint(field))


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
    # .xls/.ods: whether the cell is formatted as a percentage cannot be read
    msg = Msg.VALUE_PERCENT_AMBIGUOUS if cell_format == PLAIN else Msg.VALUE_PERCENT_AMBIGUOUS_OLD_FORMAT
    return _refuse(msg, typed=fmt(number), scaled=fmt(scaled))


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


def _range_hint(field: Field) -> dict[str, str]:
    """The fields of the catalogue's range hint (请填写{kind}{range}{rule}) for `field`."""
    bounds = range_text(field.minimum, field.maximum)  # the form's hint says it in the same words
    both = field.minimum is not None and field.maximum is not None
    span = f"，{'范围 ' if both else ''}{bounds}" if bounds else ""
    kind = "整数" if field.type == INTEGER else "数值"
    extra = "；" + percent_rule(field) if scales_percent(field) else ""
    return {"kind": kind, "range": span, "rule": extra}


def _yes_no(raw: object) -> Parsed:
    if isinstance(raw, bool):
        return Parsed(raw)
    text = normalise(raw).upper()
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return Parsed(bool(raw))
    if text in YES_WORDS:
        return Parsed(True)
    if text in NO_WORDS:
        return Parsed(False)
    return _refuse(Msg.VALUE_NOT_YES_NO, typed=normalise(raw))


def _choice(field: Field, raw: object) -> Parsed:
    text = normalise(raw)
    if text in field.choices:
        return Parsed(text)
    squashed = {header_key(c): c for c in field.choices}
    key = "".join(text.split())
    if key in squashed:
        return Parsed(squashed[key])
    return _refuse(Msg.VALUE_NOT_A_CHOICE, typed=text, choices="、".join(field.choices))


def _date(field: Field, raw: object) -> Parsed:
    low, high = field.years
    if isinstance(raw, (dt.date, dt.datetime)):
        day = raw.date() if isinstance(raw, dt.datetime) else raw
        if low <= day.year <= high:
            return Parsed(day)
        return _refuse(Msg.VALUE_DATE_OUT_OF_RANGE, day=day.isoformat(), low=low, high=high, never=NEVER)
    if isinstance(raw, dt.time | dt.timedelta):
        return _refuse(Msg.VALUE_TIME_NOT_DATE, shown=str(raw), never=NEVER)
    serials = (_serial(dt.date(low, 1, 1)), _serial(dt.date(high, 12, 31)))
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if serials[0] <= raw <= serials[1] and float(raw).is_integer():
            return Parsed(_EXCEL_EPOCH + dt.timedelta(days=int(raw)))
        if not float(raw).is_integer() or abs(raw) >= 1e12:
            return _refuse(Msg.VALUE_NOT_A_DATE, typed=_typed_number(raw), never=NEVER)
        raw = str(int(raw))  # 20240815 typed as a number
    text = normalise(raw)
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
    return _refuse(Msg.VALUE_NOT_A_DATE, typed=text, never=NEVER)


def _serial(day: dt.date) -> int:
    return (day - _EXCEL_EPOCH).days
