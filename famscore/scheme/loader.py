"""Reads a scheme workbook into a Scheme, checking everything in one pass."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.errors import Problem, SchemeError
from famscore.messages import Msg
from famscore.numbers import fmt, number_error, to_decimal
from famscore.rules import RuleSpec, RuleSpecError, kinds, primary_kinds
from famscore.rules.base import unknown
from famscore.rules.kinds import Level
from famscore.scheme.format import (
    BANDS,
    BASIS_MAIN,
    BASIS_TOTAL,
    BONUS,
    CHOICE,
    CHOICES,
    COL_BAND,
    COL_CATEGORY,
    COL_CHOICE,
    COL_CONTENT,
    COL_CRITERIA,
    COL_DEPARTMENT,
    COL_FIELD_ID,
    COL_FIELDS,
    COL_FILLER,
    COL_HELP,
    COL_ID,
    COL_ITEM,
    COL_ITEM_ID,
    COL_KIND,
    COL_LABEL,
    COL_LIST,
    COL_LOWEST,
    COL_MAX,
    COL_MIN,
    COL_NOTE,
    COL_PARAMS,
    COL_POINTS,
    COL_READING,
    COL_REQUIRED,
    COL_RULE_KIND,
    COL_SETTING,
    COL_TYPE,
    COL_UNIT,
    DATE,
    FIELD_TYPES,
    FIELDS,
    FILLER_UNIT,
    HEADERS,
    INDICATORS,
    INTEGER,
    MAIN,
    NEGATIVE_WORDS,
    NO,
    NUMERIC_TYPES,
    OPTIONAL_SHEETS,
    PERCENT,
    READ_AS_TYPED,
    READ_FRACTION,
    READINGS,
    REQUIRED_NO,
    REQUIRED_YES,
    RULES,
    SCORE,
    SELF_SCORE_LABEL,
    SET_BONUS_POINTS,
    SET_DECIMALS,
    SET_GRADE_BASIS,
    SET_MAIN_POINTS,
    SET_NOTE,
    SET_RANK_BASIS,
    SET_SELF_ASSESSMENT,
    SET_TARGET,
    SET_TITLE,
    SET_VERSION,
    SET_YEAR,
    SETTING_KEYS,
    SETTINGS,
    TEXT,
    YES,
    YESNO,
    self_score_id,
)
from famscore.scheme.model import (
    Band,
    Category,
    Field,
    Item,
    Scheme,
    Settings,
    Source,
    split_departments,
)
from famscore.workbook import (
    Table,
    best_header_row,
    clean_text,
    find_sheet,
    is_blank,
    listed_sheets,
    near_sheet,
    open_workbook,
    read_table,
)

# Field ids appear inside 算式 (托位总数/总人口*1000), so they must be identifier-like.
FIELD_ID = re.compile(r"^[^\W\d]\w*$")


class _Collector:
    """Accumulates problems with their place; the loader never stops at the first one."""

    def __init__(self, path: Path) -> None:
        self.file = path.name
        self.problems: list[Problem] = []

    def add(
        self, msg: Msg, sheet: str, row: int | None = None, column: int | None = None, **fields: Any
    ) -> None:
        """Record `msg` at `sheet`, `row`, `column` (1-based, as Excel numbers them) with its fields."""
        self.problems.append(msg.problem(self.file, sheet, row, column, **fields))

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)


def load_scheme(path: Path | str) -> Scheme:
    """The scheme in `path`; raises SchemeError listing every error (warnings ride on the Scheme)."""
    path = Path(path)
    out = _Collector(path)
    if not path.is_file():
        out.add(Msg.SCHEME_FILE_MISSING, "", None, None)
        raise SchemeError(path, out.problems)
    try:
        book = open_workbook(path)
    except Exception as exc:  # calamine raises several unrelated types for unreadable files
        out.add(Msg.SCHEME_UNREADABLE, "", None, None, error=type(exc).__name__)
        raise SchemeError(path, out.problems) from None

    tables: dict[str, Table | None] = {}
    for sheet, headers in HEADERS.items():
        actual = find_sheet(book.sheet_names, sheet)
        if actual is None:
            if sheet not in OPTIONAL_SHEETS:
                near = near_sheet(book.sheet_names, sheet)
                if near is not None:
                    out.add(Msg.SCHEME_SHEET_MISSING_NEAR, sheet, wanted=sheet, near=near)
                else:
                    out.add(
                        Msg.SCHEME_SHEET_MISSING, sheet, wanted=sheet, names=listed_sheets(book.sheet_names)
                    )
            tables[sheet] = None
            continue
        table = read_table(book, actual, headers)
        if table is None:
            row, missing = best_header_row(book, actual, headers)
            out.add(
                Msg.SCHEME_HEADERS_MISSING,
                actual,
                row,
                None,
                missing="、".join(missing),
                headers="、".join(headers),
            )
        tables[sheet] = table

    settings = _settings(tables[SETTINGS], out)
    bands = _bands(tables[BANDS], out)
    choice_lists = _choice_lists(tables[CHOICES], out)
    categories = _indicators(tables[INDICATORS], out)
    _check_not_empty(tables[INDICATORS], categories, out)
    item_by_id = {item.id: item for cat in categories for item in cat.items}
    year = settings.year if settings is not None else None
    fields = _fields(tables[FIELDS], item_by_id, choice_lists, out, year)
    categories = _rules(tables[RULES], categories, fields, out)
    if settings is not None:
        settings = _check_points(settings, tables[SETTINGS], categories, out)
        _check_bands_fit(settings, bands, out)
    _check_usage(categories, fields, out)
    _check_level_fillers(categories, fields, tables[FIELDS], out)
    if settings is not None and settings.self_assessment:
        fields = _self_fields(categories, fields)

    if out.failed or settings is None:
        raise SchemeError(path, out.problems)
    fingerprint = _fingerprint(book, tables)
    return Scheme(
        settings, tuple(bands), tuple(categories), fields, fingerprint, str(path), tuple(out.problems)
    )


def check_scheme(path: Path | str) -> tuple[Scheme | None, list[Problem]]:
    """For `famscore check`: the scheme if usable, and every problem (errors and warnings)."""
    try:
        scheme = load_scheme(path)
    except SchemeError as exc:
        return None, exc.problems
    return scheme, list(scheme.warnings)


# ---------------------------------------------------------------- sheets


def _settings(table: Table | None, out: _Collector) -> Settings | None:
    if table is None:
        return None
    values: dict[str, tuple[str, int]] = {}
    notes: list[str] = []
    value_col = table.column_number(COL_CONTENT)
    for row, cells in table:
        key = table.key(cells, COL_SETTING)
        if not key:
            continue
        value = table.text(cells, COL_CONTENT)
        if key == SET_NOTE:
            if value:
                notes.append(value)
            continue
        if key not in SETTING_KEYS:
            out.add(
                Msg.SCHEME_SETTING_UNKNOWN,
                table.sheet,
                row,
                table.column_number(COL_SETTING),
                key=key,
                accepted="、".join(SETTING_KEYS),
            )
            continue
        if key in values:
            out.add(Msg.SCHEME_SETTING_TWICE, table.sheet, row, table.column_number(COL_SETTING), key=key)
        values[key] = (value, row)

    def need(key: str) -> tuple[str, int | None]:
        value, row = values.get(key, ("", None))
        if not value:
            out.add(Msg.SCHEME_SETTING_MISSING, table.sheet, row, value_col if row else None, key=key)
        return value, row

    title, _ = need(SET_TITLE)
    version, _ = need(SET_VERSION)
    year_text, year_row = values.get(SET_YEAR, ("", None))
    year = None
    if year_text:
        year_number = to_decimal(year_text)
        if year_number is None or year_number != int(year_number) or not 1900 <= year_number <= 2200:
            out.add(Msg.SCHEME_YEAR_INVALID, table.sheet, year_row, value_col, text=year_text)
        else:
            year = int(year_number)
    decimals = 2
    dec_text, dec_row = values.get(SET_DECIMALS, ("", None))
    if dec_text:
        number = to_decimal(dec_text)
        if number is None or number != int(number) or not 0 <= number <= 6:
            out.add(Msg.SCHEME_DECIMALS_INVALID, table.sheet, dec_row, value_col, text=dec_text)
        else:
            decimals = int(number)
    main_text, main_row = need(SET_MAIN_POINTS)
    main_points = _number(main_text) if main_text else None
    if main_text and (main_points is None or main_points <= 0):
        why = _refused(_bare(main_text)) if main_points is None else "不是正数"
        out.add(Msg.SCHEME_MAIN_POINTS_INVALID, table.sheet, main_row, value_col, text=main_text, why=why)
    bonus_text, bonus_row = values.get(SET_BONUS_POINTS, ("", None))
    bonus_points = _number(bonus_text) if bonus_text else Decimal(0)
    if bonus_points is None or bonus_points < 0:
        why = _refused(_bare(bonus_text)) if bonus_points is None else "不是数值"
        out.add(Msg.SCHEME_BONUS_POINTS_INVALID, table.sheet, bonus_row, value_col, text=bonus_text, why=why)
        bonus_points = Decimal(0)
    grade_basis = _basis(values, SET_GRADE_BASIS, BASIS_MAIN, table, value_col, out)
    rank_basis = _basis(values, SET_RANK_BASIS, BASIS_TOTAL, table, value_col, out)
    self_text, self_row = values.get(SET_SELF_ASSESSMENT, ("", None))
    if self_text not in ("", YES, NO):
        out.add(Msg.SCHEME_SELF_ASSESSMENT_INVALID, table.sheet, self_row, value_col, text=self_text)
    if not title or not version or main_points is None or main_points <= 0:
        return None
    return Settings(
        title,
        year,
        values.get(SET_TARGET, ("", 0))[0],
        version,
        decimals,
        main_points,
        bonus_points,
        grade_basis,
        rank_basis,
        "\n".join(notes),
        self_text == YES,
    )


def _basis(
    values: dict[str, tuple[str, int]], key: str, default: str, table: Table, col: int | None, out: _Collector
) -> str:
    text, row = values.get(key, ("", None))
    if not text:
        return default
    if text not in (BASIS_MAIN, BASIS_TOTAL):
        out.add(
            Msg.SCHEME_BASIS_UNKNOWN,
            table.sheet,
            row,
            col,
            key=key,
            text=text,
            main=BASIS_MAIN,
            total=BASIS_TOTAL,
        )
        return default
    return text


def _bands(table: Table | None, out: _Collector) -> list[Band]:
    if table is None:
        return []
    bands: list[Band] = []
    col = table.column_number(COL_LOWEST)
    for row, cells in table:
        name = table.text(cells, COL_BAND)
        lower_text = table.key(cells, COL_LOWEST)
        if not name and not lower_text:
            continue
        if not name:
            out.add(Msg.SCHEME_BAND_NAME_EMPTY, table.sheet, row, table.column_number(COL_BAND))
            continue
        lower = _number(lower_text) if lower_text else None
        if lower_text and lower is None:
            out.add(
                Msg.SCHEME_BAND_LOWEST_INVALID,
                table.sheet,
                row,
                col,
                text=lower_text,
                why=_refused(_bare(lower_text)),
            )
            continue
        if any(b.name == name for b in bands):
            out.add(Msg.SCHEME_BAND_TWICE, table.sheet, row, table.column_number(COL_BAND), name=name)
        if bands and bands[-1].lower is None:
            out.add(Msg.SCHEME_BAND_OPEN_NOT_LAST, table.sheet, row, col, name=bands[-1].name)
        elif bands and lower is not None and bands[-1].lower is not None and lower >= bands[-1].lower:
            out.add(
                Msg.SCHEME_BAND_ORDER,
                table.sheet,
                row,
                col,
                name=name,
                lowest=fmt(lower),
                previous=bands[-1].name,
                previous_lowest=fmt(bands[-1].lower),
            )
        bands.append(Band(name, lower, table.text(cells, COL_NOTE), Source(table.sheet, row)))
    return bands


def _choice_lists(table: Table | None, out: _Collector) -> dict[str, list[str]]:
    lists: dict[str, list[str]] = defaultdict(list)
    if table is None:
        return lists
    current = ""
    for row, cells in table:
        name = table.key(cells, COL_LIST) or current
        value = table.text(cells, COL_CHOICE)
        if not value:
            continue
        if not name:
            out.add(Msg.SCHEME_CHOICE_WITHOUT_LIST, table.sheet, row, table.column_number(COL_LIST))
            continue
        current = name
        if value in lists[name]:
            out.add(
                Msg.SCHEME_CHOICE_TWICE,
                table.sheet,
                row,
                table.column_number(COL_CHOICE),
                list=name,
                choice=value,
            )
        lists[name].append(value)
    return lists


def _indicators(table: Table | None, out: _Collector) -> list[Category]:
    if table is None:
        return []
    col = table.column_number
    categories: list[Category] = []
    items: dict[str, list[Item]] = defaultdict(list)
    seen: dict[str, int] = {}
    for row, cells in table:
        if is_blank(cells):
            continue
        ident = table.key(cells, COL_ID)
        cat_name = table.text(cells, COL_CATEGORY)
        item_name = table.text(cells, COL_ITEM)
        points_text = table.key(cells, COL_POINTS)
        if not ident:
            out.add(Msg.SCHEME_INDICATOR_ID_EMPTY, table.sheet, row, col(COL_ID))
            continue
        if ident in seen:
            out.add(
                Msg.SCHEME_INDICATOR_ID_TWICE, table.sheet, row, col(COL_ID), id=ident, first_row=seen[ident]
            )
            continue
        seen[ident] = row
        points = _number(points_text)
        if points is None or points <= 0:
            why = _refused(_bare(points_text)) if points is None and points_text else "不是正数"
            out.add(Msg.SCHEME_POINTS_INVALID, table.sheet, row, col(COL_POINTS), text=points_text, why=why)
            points = Decimal(0)
        if cat_name and item_name:
            out.add(Msg.SCHEME_INDICATOR_BOTH_LEVELS, table.sheet, row, col(COL_ITEM))
            continue
        if cat_name:
            kind = table.key(cells, COL_KIND) or MAIN
            if kind not in (MAIN, BONUS):
                out.add(
                    Msg.SCHEME_CATEGORY_KIND_UNKNOWN,
                    table.sheet,
                    row,
                    col(COL_KIND),
                    kind=kind,
                    main=MAIN,
                    bonus=BONUS,
                )
                kind = MAIN
            categories.append(Category(ident, cat_name, points, kind, (), Source(table.sheet, row)))
            continue
        if not item_name:
            out.add(Msg.SCHEME_INDICATOR_NAME_EMPTY, table.sheet, row, col(COL_ITEM))
            continue
        if not categories:
            out.add(Msg.SCHEME_ITEM_WITHOUT_CATEGORY, table.sheet, row, col(COL_CATEGORY), name=item_name)
            continue
        floor_text = table.key(cells, COL_LOWEST)
        floor: Decimal | None = Decimal(0)
        if floor_text in NEGATIVE_WORDS:
            floor = None
        elif floor_text:
            floor = _number(floor_text)
            if floor is None:
                out.add(
                    Msg.SCHEME_ITEM_FLOOR_INVALID,
                    table.sheet,
                    row,
                    col(COL_LOWEST),
                    text=floor_text,
                    why=_why(_bare(floor_text)),
                )
                floor = Decimal(0)
        cat = categories[-1]
        items[cat.id].append(
            Item(
                ident,
                cat.id,
                item_name,
                points,
                cat.kind,
                floor,
                table.text(cells, COL_CRITERIA),
                table.text(cells, COL_DEPARTMENT),
                table.text(cells, COL_NOTE),
                (),
                Source(table.sheet, row),
            )
        )
    return [replace(cat, items=tuple(items[cat.id])) for cat in categories]


def _fields(
    table: Table | None,
    items: dict[str, Item],
    choice_lists: dict[str, list[str]],
    out: _Collector,
    year: int | None = None,
) -> dict[str, Field]:
    # A date outside these years is a slip (1 typed into a date cell reads as 1900-01-01), not a date.
    years = (year - 10, year + 10) if year is not None else (2000, 2100)
    fields: dict[str, Field] = {}
    if table is None:
        return fields
    col = table.column_number
    for row, cells in table:
        if is_blank(cells):
            continue
        fid = table.key(cells, COL_FIELD_ID)
        item_id = table.key(cells, COL_ITEM_ID)
        label = table.text(cells, COL_LABEL)
        ftype = table.key(cells, COL_TYPE)
        if not fid:
            out.add(Msg.SCHEME_FIELD_ID_EMPTY, table.sheet, row, col(COL_FIELD_ID))
            continue
        if not FIELD_ID.match(fid):
            out.add(Msg.SCHEME_FIELD_ID_INVALID, table.sheet, row, col(COL_FIELD_ID), id=fid)
            continue
        if fid in fields:
            out.add(Msg.SCHEME_FIELD_ID_TWICE, table.sheet, row, col(COL_FIELD_ID), id=fid)
            continue
        if item_id not in items:
            msg, near = unknown(Msg.SCHEME_ITEM_ID_UNKNOWN, Msg.SCHEME_ITEM_ID_UNKNOWN_NEAR, item_id, items)
            out.add(msg, table.sheet, row, col(COL_ITEM_ID), id=item_id, near=near)
            continue
        if ftype not in FIELD_TYPES:
            out.add(
                Msg.SCHEME_FIELD_TYPE_UNKNOWN,
                table.sheet,
                row,
                col(COL_TYPE),
                type=ftype,
                accepted="、".join(FIELD_TYPES),
            )
            continue
        minimum = _bound(table, cells, row, COL_MIN, out, ftype == PERCENT)
        maximum = _bound(table, cells, row, COL_MAX, out, ftype == PERCENT)
        if ftype in (YESNO, CHOICE, DATE, TEXT) and (minimum is not None or maximum is not None):
            out.add(Msg.SCHEME_FIELD_RANGE_NOT_ALLOWED, table.sheet, row, col(COL_MIN), type=ftype)
        if ftype == SCORE and minimum is None:
            minimum = Decimal(0)
        if ftype == PERCENT and minimum is None:
            minimum = Decimal(0)
        if ftype == INTEGER:
            for bound in (minimum, maximum):
                if bound is not None and bound != int(bound):
                    out.add(Msg.SCHEME_FIELD_RANGE_NOT_INTEGER, table.sheet, row, col(COL_MIN))
        if minimum is not None and maximum is not None and minimum > maximum:
            out.add(
                Msg.SCHEME_FIELD_RANGE_REVERSED,
                table.sheet,
                row,
                col(COL_MAX),
                maximum=fmt(maximum),
                minimum=fmt(minimum),
            )
        choices: tuple[str, ...] = ()
        list_name = table.text(cells, COL_CHOICE)
        if ftype == CHOICE:
            if not list_name:
                out.add(Msg.SCHEME_FIELD_LIST_MISSING, table.sheet, row, col(COL_CHOICE))
            elif list_name not in choice_lists:
                msg, near = unknown(
                    Msg.SCHEME_FIELD_LIST_UNKNOWN, Msg.SCHEME_FIELD_LIST_UNKNOWN_NEAR, list_name, choice_lists
                )
                out.add(msg, table.sheet, row, col(COL_CHOICE), list=list_name, near=near)
            else:
                choices = tuple(choice_lists[list_name])
        elif list_name:
            out.add(Msg.SCHEME_FIELD_LIST_UNUSED, table.sheet, row, col(COL_CHOICE), type=ftype)
        required_text = table.key(cells, COL_REQUIRED)
        if required_text not in ("", REQUIRED_YES, REQUIRED_NO):
            out.add(
                Msg.SCHEME_FIELD_REQUIRED_UNKNOWN, table.sheet, row, col(COL_REQUIRED), text=required_text
            )
        reading = table.key(cells, COL_READING)
        if reading and (ftype != PERCENT or reading not in READINGS):
            msg = Msg.SCHEME_READING_UNKNOWN if reading not in READINGS else Msg.SCHEME_READING_NOT_PERCENT
            out.add(
                msg,
                table.sheet,
                row,
                col(COL_READING),
                reading=reading,
                as_typed=READ_AS_TYPED,
                fraction=READ_FRACTION,
            )
            reading = ""
        fields[fid] = Field(
            fid,
            item_id,
            label,
            ftype,
            table.text(cells, COL_UNIT),
            minimum,
            maximum,
            choices,
            list_name,
            required_text != REQUIRED_NO,
            table.text(cells, COL_HELP),
            Source(table.sheet, row),
            reading,
            years,
            _filler(table, cells, row, fid, ftype, items[item_id], out),
            note=table.text(cells, COL_NOTE),
        )
    return fields


def _filler(table: Table, cells: Any, row: int, fid: str, ftype: str, item: Item, out: _Collector) -> str:
    """Who fills the field: as written, else the item's one department for a judged (评分) field, else 单位.

    Only 评分 is judged by its type: whether a 选项's levels are facts or judgement (选档 "效果显著" vs
    a contest rank) is in the seed's words, so such a field goes to a department only when written so.
    """
    written = table.text(cells, COL_FILLER)
    departments = item.departments
    column = table.column_number(COL_FILLER)
    if written:
        several = split_departments(written)
        if len(several) > 1:
            # One field, one filler: the value is taken from exactly one 评分表 (named after it).
            out.add(
                Msg.SCHEME_FILLER_SEVERAL, table.sheet, row, column, id=fid, filler=written, first=several[0]
            )
            return written
        if written != FILLER_UNIT and departments and written not in departments:
            out.add(
                Msg.SCHEME_FILLER_NOT_DEPARTMENT,
                table.sheet,
                row,
                column,
                id=fid,
                filler=written,
                name=item.name,
                departments="、".join(departments),
            )
        return written
    if ftype != SCORE or not departments:
        return FILLER_UNIT
    if len(departments) > 1:
        out.add(
            Msg.SCHEME_FILLER_AMBIGUOUS,
            table.sheet,
            row,
            column or table.column_number(COL_FIELD_ID),
            id=fid,
            name=item.name,
            departments="、".join(departments),
            first=departments[0],
        )
    return departments[0]


def _self_fields(categories: list[Category], fields: dict[str, Field]) -> dict[str, Field]:
    """`fields` in the 字段 sheet's order, each item's 自评分 (0 to its points, optional) after the item's
    last field; an item without fields has its 自评分 at the end, in 指标 order."""
    items = {item.id: item for cat in categories for item in cat.items}
    last = {f.item_id: f.id for f in fields.values()}
    out: dict[str, Field] = {}
    for f in fields.values():
        out[f.id] = f
        if last[f.item_id] == f.id:
            out[self_score_id(f.item_id)] = _self_field(items[f.item_id])
    for item in items.values():
        out.setdefault(self_score_id(item.id), _self_field(item))
    return out


def _self_field(item: Item) -> Field:
    return Field(
        self_score_id(item.id),
        item.id,
        SELF_SCORE_LABEL,
        SCORE,
        "分",
        Decimal(0),
        item.points,
        required=False,
        help=f"本单位对「{item.name}」的自评分（0～{fmt(item.points)} 分），不计入考核得分",
        source=item.source,
        self_score=True,
    )


# A clerk writes points as on paper ("15分", "3.5分") and a percent bound as "98%" (a percent field's
# 98 is 98%): the unit is dropped before the number is read. Not 元/个: those would be a different field.
_POINTS_UNIT = ("分",)
_PERCENT_UNITS = ("分", "%", "％")


def _bare(text: str, percent: bool = False) -> str:
    """`text` without one trailing 分 (or %, for a percent bound), when a number is left before it."""
    for unit in _PERCENT_UNITS if percent else _POINTS_UNIT:
        if text.endswith(unit) and text[: -len(unit)].strip():
            return text[: -len(unit)].strip()
    return text


def _number(text: str, percent: bool = False) -> Decimal | None:
    """A number the scheme expects, written plainly or with its unit ("15分"; "98%" for a percent bound)."""
    return to_decimal(_bare(text, percent))


def _refused(text: str) -> str:
    """'不是数值', or why a number is refused ('超出可接受的数值范围…', a comma for a decimal point)."""
    return number_error(text) or "不是数值"


def _why(text: str) -> str:
    why = number_error(text)
    return f"（{why}）" if why.startswith("超出") else ""


def _bound(
    table: Table, cells: list[object], row: int, header: str, out: _Collector, percent: bool = False
) -> Decimal | None:
    text = table.key(cells, header)
    if not text:
        return None
    number = _number(text, percent)
    if number is None:
        out.add(
            Msg.SCHEME_FIELD_BOUND_INVALID,
            table.sheet,
            row,
            table.column_number(header),
            header=header,
            text=text,
            why=_refused(_bare(text, percent)),
        )
    return number


def _rules(
    table: Table | None, categories: list[Category], fields: dict[str, Field], out: _Collector
) -> list[Category]:
    if table is None:
        return categories
    col = table.column_number
    registry = kinds()
    by_item: dict[str, list] = defaultdict(list)
    item_by_id = {item.id: item for cat in categories for item in cat.items}
    for row, cells in table:
        if is_blank(cells):
            continue
        item_id = table.key(cells, COL_ITEM_ID)
        kind = table.key(cells, COL_RULE_KIND)
        item = item_by_id.get(item_id)
        if item is None:
            msg, near = unknown(
                Msg.SCHEME_ITEM_ID_UNKNOWN, Msg.SCHEME_ITEM_ID_UNKNOWN_NEAR, item_id, item_by_id
            )
            out.add(msg, table.sheet, row, col(COL_ITEM_ID), id=item_id, near=near)
            continue
        cls = registry.get(kind)
        if cls is None:
            out.add(
                Msg.SCHEME_RULE_KIND_UNKNOWN,
                table.sheet,
                row,
                col(COL_RULE_KIND),
                kind=kind,
                accepted="、".join(primary_kinds()),
            )
            continue
        spec = RuleSpec(
            item_id,
            kind,
            table.text(cells, COL_FIELDS),
            table.text(cells, COL_PARAMS),
            table.text(cells, COL_NOTE),
            table.sheet,
            row,
        )
        try:
            by_item[item_id].append(cls.parse(spec, item, fields))
        except RuleSpecError as exc:
            out.add(exc.msg, table.sheet, row, col(exc.column), **exc.fields)
    result = []
    for cat in categories:
        items = []
        for item in cat.items:
            rules = tuple(by_item.get(item.id, ()))
            items.append(replace(item, rules=rules))
        result.append(replace(cat, items=tuple(items)))
    return result


# ---------------------------------------------------------------- cross-sheet checks


def _setting_cell(table: Table | None, key: str) -> tuple[str, int | None, int | None]:
    """Sheet, row and 内容 column of a setting, so a mismatch points at the cell to change."""
    if table is None:
        return SETTINGS, None, None
    for row, cells in table:
        if table.key(cells, COL_SETTING) == key:
            return table.sheet, row, table.column_number(COL_CONTENT)
    return table.sheet, None, None


def _check_points(
    settings: Settings, settings_table: Table | None, categories: list[Category], out: _Collector
) -> Settings:
    for cat in categories:
        src = cat.source
        assert src is not None
        if not cat.items:
            out.add(Msg.SCHEME_CATEGORY_EMPTY, src.sheet, src.row, None, name=cat.name)
            continue
        total = sum((i.points for i in cat.items), Decimal(0))
        if total != cat.points:
            out.add(
                Msg.SCHEME_CATEGORY_POINTS_MISMATCH,
                src.sheet,
                src.row,
                None,
                name=cat.name,
                points=fmt(cat.points),
                total=fmt(total),
            )
    main = sum((c.points for c in categories if c.kind == MAIN), Decimal(0))
    if categories and main != settings.main_points:
        out.add(
            Msg.SCHEME_MAIN_POINTS_MISMATCH,
            *_setting_cell(settings_table, SET_MAIN_POINTS),
            points=fmt(settings.main_points),
            total=fmt(main),
        )
    bonus = sum((c.points for c in categories if c.kind == BONUS), Decimal(0))
    if bonus and not settings.bonus_points:
        out.add(Msg.SCHEME_BONUS_POINTS_MISSING, SETTINGS, None, None, total=fmt(bonus))
        settings = replace(settings, bonus_points=bonus)
    elif settings.bonus_points and not bonus:
        out.add(Msg.SCHEME_BONUS_POINTS_UNUSED, *_setting_cell(settings_table, SET_BONUS_POINTS))
    return settings


def _check_not_empty(table: Table | None, categories: list[Category], out: _Collector) -> None:
    """A 指标 sheet with no rows at all (the blank template) is an error: else it would score every unit 0."""
    if table is None or categories or any(p.sheet == table.sheet for p in out.problems):
        return
    out.add(Msg.SCHEME_NO_ITEMS, table.sheet, table.header_row + 1, table.column_number(COL_ID))


def _check_bands_fit(settings: Settings, bands: list[Band], out: _Collector) -> None:
    for band in bands:
        if band.lower is not None and band.lower > settings.main_points + (
            settings.bonus_points if settings.grade_basis == BASIS_TOTAL else 0
        ):
            src = band.source
            out.add(
                Msg.SCHEME_BAND_ABOVE_MAXIMUM,
                src.sheet if src else BANDS,
                src.row if src else None,
                None,
                name=band.name,
                lowest=fmt(band.lower),
            )


def _check_usage(categories: list[Category], fields: dict[str, Field], out: _Collector) -> None:
    used: set[str] = set()
    for cat in categories:
        for item in cat.items:
            src = item.source
            assert src is not None
            if not item.rules:
                out.add(Msg.SCHEME_ITEM_WITHOUT_RULES, src.sheet, src.row, None, name=item.name, id=item.id)
                continue
            for rule in item.rules:
                used.update(rule.field_ids())
            _check_rule_bounds(item, out)
    for f in fields.values():
        if f.id not in used and f.source is not None and f.type != TEXT:
            out.add(Msg.SCHEME_FIELD_UNUSED, f.source.sheet, f.source.row, None, id=f.id)


def _check_level_fillers(
    categories: list[Category], fields: dict[str, Field], table: Table | None, out: _Collector
) -> None:
    """A 选档 whose level one party picks while the other fills the 其他 score: if a department judges the
    其他 case, the unit could still pick the top level itself (the blank default does exactly this)."""
    if table is None:
        return
    column = table.column_number(COL_FILLER) or table.column_number(COL_FIELD_ID)
    for cat in categories:
        for item in cat.items:
            for rule in item.rules:
                if not isinstance(rule, Level):
                    continue
                level = fields[rule.field.id]
                judged = (fields[fid] for fid in rule.field_ids() if fid != level.id and fid in fields)
                other = next((f for f in judged if f.filler != level.filler), None)
                if other is None or level.source is None:
                    continue
                out.add(
                    Msg.SCHEME_FILLER_LEVEL_SPLIT,
                    level.source.sheet,
                    level.source.row,
                    column,
                    id=level.id,
                    filler=level.filler,
                    judged=other.id,
                    judged_by=other.filler,
                )


def _check_rule_bounds(item: Item, out: _Collector) -> None:
    highs = [rule.bounds()[1] for rule in item.rules]
    rows = "、".join(str(r.spec.row) for r in item.rules)
    src = item.source
    assert src is not None
    if any(h is None for h in highs):
        out.add(
            Msg.SCHEME_RULES_UNBOUNDED,
            RULES,
            item.rules[0].spec.row,
            None,
            name=item.name,
            id=item.id,
            points=fmt(item.points),
        )
        return
    most = sum((h for h in highs if h is not None), Decimal(0))
    if most > item.points:
        out.add(
            Msg.SCHEME_RULES_ABOVE_POINTS,
            RULES,
            item.rules[0].spec.row,
            None,
            name=item.name,
            id=item.id,
            points=fmt(item.points),
            rows=rows,
            most=fmt(most),
            indicator_row=src.row,
        )
    elif most < item.points:
        out.add(
            Msg.SCHEME_RULES_BELOW_POINTS,
            RULES,
            item.rules[0].spec.row,
            None,
            name=item.name,
            id=item.id,
            points=fmt(item.points),
            rows=rows,
            most=fmt(most),
        )


def _fingerprint(book: object, tables: dict[str, Table | None]) -> str:
    """Identifies the scheme's content (not its file bytes): re-saving in WPS keeps it."""
    content = {
        name: [[clean_text(c) for c in cells] for _, cells in table.rows if not is_blank(cells)]
        for name, table in sorted(tables.items())
        if table is not None
    }
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()[:16]


__all__ = ["NUMERIC_TYPES", "check_scheme", "load_scheme"]
