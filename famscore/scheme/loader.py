"""Reads a scheme workbook into a Scheme, checking everything in one pass."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from famscore.errors import ERROR, WARNING, Problem, SchemeError, cell_name
from famscore.numbers import fmt, number_error, to_decimal
from famscore.rules import RuleSpec, RuleSpecError, kinds, primary_kinds
from famscore.rules.base import near_miss
from famscore.scheme.format import (
    BANDS,
    CHOICES,
    COL_BAND,
    COL_CATEGORY,
    COL_CHOICE,
    COL_CONTENT,
    COL_CRITERIA,
    COL_DEPARTMENT,
    COL_FIELD_ID,
    COL_FIELDS,
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
    FIELDS,
    HEADERS,
    INDICATORS,
    NEGATIVE_WORDS,
    OPTIONAL_SHEETS,
    REQUIRED_NO,
    REQUIRED_YES,
    RULES,
    SET_BONUS_POINTS,
    SET_DECIMALS,
    SET_GRADE_BASIS,
    SET_MAIN_POINTS,
    SET_NOTE,
    SET_RANK_BASIS,
    SET_TARGET,
    SET_TITLE,
    SET_VERSION,
    SET_YEAR,
    SETTING_KEYS,
    SETTINGS,
)
from famscore.scheme.model import (
    BASIS_MAIN,
    BASIS_TOTAL,
    BONUS,
    CHOICE,
    DATE,
    FIELD_TYPES,
    INTEGER,
    MAIN,
    NUMERIC_TYPES,
    PERCENT,
    READINGS,
    SCORE,
    TEXT,
    YESNO,
    Band,
    Category,
    Field,
    Item,
    Scheme,
    Settings,
    Source,
)
from famscore.workbook import (
    Table,
    best_header_row,
    clean_text,
    find_sheet,
    is_blank,
    open_workbook,
    read_table,
    suggest_sheet,
)

# Field ids appear inside 算式 (托位总数/总人口*1000), so they must be identifier-like.
FIELD_ID = re.compile(r"^[^\W\d]\w*$")


class _Collector:
    """Accumulates problems with their place; the loader never stops at the first one."""

    def __init__(self, path: Path) -> None:
        self.file = path.name
        self.problems: list[Problem] = []

    def add(
        self,
        sheet: str,
        row: int | None,
        column: int | None,
        message: str,
        fix: str = "",
        severity: str = ERROR,
    ) -> None:
        self.problems.append(Problem(self.file, sheet, cell_name(row, column), severity, message, fix))

    def warn(self, sheet: str, row: int | None, column: int | None, message: str, fix: str = "") -> None:
        self.add(sheet, row, column, message, fix, WARNING)

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)


def load_scheme(path: Path | str) -> Scheme:
    """The scheme in `path`; raises SchemeError listing every error (warnings ride on the Scheme)."""
    path = Path(path)
    out = _Collector(path)
    if not path.is_file():
        out.add("", None, None, "找不到考评表文件", "请检查路径是否正确")
        raise SchemeError(path, out.problems)
    try:
        book = open_workbook(path)
    except Exception as exc:  # calamine raises several unrelated types for unreadable files
        out.add(
            "",
            None,
            None,
            f"无法打开考评表（{type(exc).__name__}）",
            "请确认它是 Excel/WPS 保存的 .xlsx/.xls/.ods 文件，并且没有设置打开密码",
        )
        raise SchemeError(path, out.problems) from None

    tables: dict[str, Table | None] = {}
    for sheet, headers in HEADERS.items():
        actual = find_sheet(book.sheet_names, sheet)
        if actual is None:
            if sheet not in OPTIONAL_SHEETS:
                out.add(sheet, None, None, f"缺少工作表「{sheet}」", suggest_sheet(book.sheet_names, sheet))
            tables[sheet] = None
            continue
        table = read_table(book, actual, headers)
        if table is None:
            row, missing = best_header_row(book, actual, headers)
            out.add(
                actual,
                row,
                None,
                f"找不到表头「{'、'.join(missing)}」",
                f"第一行应包含表头：{'、'.join(headers)}",
            )
        tables[sheet] = table

    settings = _settings(tables[SETTINGS], out)
    bands = _bands(tables[BANDS], out)
    choice_lists = _choice_lists(tables[CHOICES], out)
    categories = _indicators(tables[INDICATORS], out)
    item_by_id = {item.id: item for cat in categories for item in cat.items}
    year = settings.year if settings is not None else None
    fields = _fields(tables[FIELDS], item_by_id, choice_lists, out, year)
    categories = _rules(tables[RULES], categories, fields, out)
    if settings is not None:
        settings = _check_points(settings, tables[SETTINGS], categories, out)
        _check_bands_fit(settings, bands, out)
    _check_usage(categories, fields, out)

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
                table.sheet,
                row,
                table.column_number(COL_SETTING),
                f"不认识的设置项「{key}」",
                f"可用设置项：{'、'.join(SETTING_KEYS)}",
            )
            continue
        if key in values:
            out.add(
                table.sheet,
                row,
                table.column_number(COL_SETTING),
                f"设置项「{key}」写了两次",
                "删除重复的一行",
            )
        values[key] = (value, row)

    def need(key: str) -> tuple[str, int | None]:
        value, row = values.get(key, ("", None))
        if not value:
            out.add(
                table.sheet,
                row,
                value_col if row else None,
                f"缺少设置项「{key}」",
                f"在「项目」列写「{key}」，在「内容」列填写",
            )
        return value, row

    title, _ = need(SET_TITLE)
    version, _ = need(SET_VERSION)
    year_text, year_row = values.get(SET_YEAR, ("", None))
    year = None
    if year_text:
        year_number = to_decimal(year_text)
        if year_number is None or year_number != int(year_number) or not 1900 <= year_number <= 2200:
            out.add(table.sheet, year_row, value_col, f"年度「{year_text}」不是四位数的年份", "例如 2023")
        else:
            year = int(year_number)
    decimals = 2
    dec_text, dec_row = values.get(SET_DECIMALS, ("", None))
    if dec_text:
        number = to_decimal(dec_text)
        if number is None or number != int(number) or not 0 <= number <= 6:
            out.add(table.sheet, dec_row, value_col, f"小数位数「{dec_text}」应为 0 到 6 的整数", "通常写 2")
        else:
            decimals = int(number)
    main_text, main_row = need(SET_MAIN_POINTS)
    main_points = to_decimal(main_text) if main_text else None
    if main_text and (main_points is None or main_points <= 0):
        why = _refused(main_text) if main_points is None else "不是正数"
        out.add(table.sheet, main_row, value_col, f"主要指标满分「{main_text}」{why}", "例如 100")
    bonus_text, bonus_row = values.get(SET_BONUS_POINTS, ("", None))
    bonus_points = to_decimal(bonus_text) if bonus_text else Decimal(0)
    if bonus_points is None or bonus_points < 0:
        why = _refused(bonus_text) if bonus_points is None else "不是数值"
        out.add(table.sheet, bonus_row, value_col, f"附加分满分「{bonus_text}」{why}", "没有附加分时写 0")
        bonus_points = Decimal(0)
    grade_basis = _basis(values, SET_GRADE_BASIS, BASIS_MAIN, table, value_col, out)
    rank_basis = _basis(values, SET_RANK_BASIS, BASIS_TOTAL, table, value_col, out)
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
    )


def _basis(
    values: dict[str, tuple[str, int]], key: str, default: str, table: Table, col: int | None, out: _Collector
) -> str:
    text, row = values.get(key, ("", None))
    if not text:
        return default
    if text not in (BASIS_MAIN, BASIS_TOTAL):
        out.add(table.sheet, row, col, f"{key}「{text}」无法识别", f"请写「{BASIS_MAIN}」或「{BASIS_TOTAL}」")
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
            out.add(table.sheet, row, table.column_number(COL_BAND), "等级名称为空", "填写等级名称，如 优秀")
            continue
        lower = to_decimal(lower_text) if lower_text else None
        if lower_text and lower is None:
            out.add(
                table.sheet,
                row,
                col,
                f"最低分「{lower_text}」{_refused(lower_text)}",
                "填写该等级的最低分（含），最后一档可留空",
            )
            continue
        if any(b.name == name for b in bands):
            out.add(
                table.sheet, row, table.column_number(COL_BAND), f"等级「{name}」重复", "每个等级只写一行"
            )
        if bands and bands[-1].lower is None:
            out.add(
                table.sheet,
                row,
                col,
                f"等级「{bands[-1].name}」最低分为空，应是最后一档",
                "最低分为空的等级放在最后",
            )
        elif bands and lower is not None and bands[-1].lower is not None and lower >= bands[-1].lower:
            out.add(
                table.sheet,
                row,
                col,
                f"等级顺序不对：「{name}」的最低分 {fmt(lower)} 不低于上一档「{bands[-1].name}」的 {fmt(bands[-1].lower)}",
                "等级按最低分从高到低排列",
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
            out.add(
                table.sheet, row, table.column_number(COL_LIST), "选项没有所属列表", "在「列表」列写列表名称"
            )
            continue
        current = name
        if value in lists[name]:
            out.add(
                table.sheet,
                row,
                table.column_number(COL_CHOICE),
                f"列表「{name}」中选项「{value}」重复",
                "删除重复项",
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
            out.add(table.sheet, row, col(COL_ID), "编号为空", "每个一级、二级指标都要有唯一编号")
            continue
        if ident in seen:
            out.add(
                table.sheet,
                row,
                col(COL_ID),
                f"编号「{ident}」重复（第 {seen[ident]} 行已使用）",
                "改为唯一编号",
            )
            continue
        seen[ident] = row
        points = to_decimal(points_text)
        if points is None or points <= 0:
            why = _refused(points_text) if points is None and points_text else "不是正数"
            out.add(table.sheet, row, col(COL_POINTS), f"分值「{points_text}」{why}", "填写该指标的满分")
            points = Decimal(0)
        if cat_name and item_name:
            out.add(
                table.sheet,
                row,
                col(COL_ITEM),
                "同一行同时写了一级指标和二级指标",
                "一级指标单独占一行，其下各二级指标各占一行",
            )
            continue
        if cat_name:
            kind = table.key(cells, COL_KIND) or MAIN
            if kind not in (MAIN, BONUS):
                out.add(
                    table.sheet,
                    row,
                    col(COL_KIND),
                    f"计分类别「{kind}」无法识别",
                    f"请写「{MAIN}」或「{BONUS}」",
                )
                kind = MAIN
            categories.append(Category(ident, cat_name, points, kind, (), Source(table.sheet, row)))
            continue
        if not item_name:
            out.add(table.sheet, row, col(COL_ITEM), "一级指标和二级指标都为空", "填写指标名称，或删除这一行")
            continue
        if not categories:
            out.add(
                table.sheet,
                row,
                col(COL_CATEGORY),
                f"二级指标「{item_name}」前面没有一级指标",
                "先写一行一级指标",
            )
            continue
        floor_text = table.key(cells, COL_LOWEST)
        floor: Decimal | None = Decimal(0)
        if floor_text in NEGATIVE_WORDS:
            floor = None
        elif floor_text:
            floor = to_decimal(floor_text)
            if floor is None:
                out.add(
                    table.sheet,
                    row,
                    col(COL_LOWEST),
                    f"最低分「{floor_text}」无法识别{_why(floor_text)}",
                    "留空表示最低 0 分；写「不限」表示扣分上不封顶、可为负分",
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
            out.add(table.sheet, row, col(COL_FIELD_ID), "字段编号为空", "每个字段都要有唯一编号，如 B3_rate")
            continue
        if not FIELD_ID.match(fid):
            out.add(
                table.sheet,
                row,
                col(COL_FIELD_ID),
                f"字段编号「{fid}」不能用作编号",
                "只用字母、汉字、数字和下划线，且不以数字开头，如 B3_完成率",
            )
            continue
        if fid in fields:
            out.add(table.sheet, row, col(COL_FIELD_ID), f"字段编号「{fid}」重复", "改为唯一编号")
            continue
        if item_id not in items:
            out.add(
                table.sheet,
                row,
                col(COL_ITEM_ID),
                f"指标编号「{item_id}」在「指标」表中不存在",
                near_miss(item_id, items),
            )
            continue
        if ftype not in FIELD_TYPES:
            out.add(
                table.sheet,
                row,
                col(COL_TYPE),
                f"字段类型「{ftype}」无法识别",
                f"可用类型：{'、'.join(FIELD_TYPES)}",
            )
            continue
        minimum = _bound(table, cells, row, COL_MIN, out)
        maximum = _bound(table, cells, row, COL_MAX, out)
        if ftype in (YESNO, CHOICE, DATE, TEXT) and (minimum is not None or maximum is not None):
            out.add(table.sheet, row, col(COL_MIN), f"「{ftype}」类型的字段不能设最小值/最大值", "清空这两列")
        if ftype == SCORE and minimum is None:
            minimum = Decimal(0)
        if ftype == PERCENT and minimum is None:
            minimum = Decimal(0)
        if ftype == INTEGER:
            for bound in (minimum, maximum):
                if bound is not None and bound != int(bound):
                    out.add(table.sheet, row, col(COL_MIN), "整数字段的范围应为整数", "改为整数")
        if minimum is not None and maximum is not None and minimum > maximum:
            out.add(
                table.sheet,
                row,
                col(COL_MAX),
                f"最大值 {fmt(maximum)} 小于最小值 {fmt(minimum)}",
                "交换或改正这两个值",
            )
        choices: tuple[str, ...] = ()
        list_name = table.text(cells, COL_CHOICE)
        if ftype == CHOICE:
            if not list_name:
                out.add(
                    table.sheet,
                    row,
                    col(COL_CHOICE),
                    "选项字段没有指定选项列表",
                    "在「选项」列写「选项」表中的列表名",
                )
            elif list_name not in choice_lists:
                out.add(
                    table.sheet,
                    row,
                    col(COL_CHOICE),
                    f"选项列表「{list_name}」在「选项」表中不存在",
                    near_miss(list_name, choice_lists),
                )
            else:
                choices = tuple(choice_lists[list_name])
        elif list_name:
            out.warn(
                table.sheet,
                row,
                col(COL_CHOICE),
                f"「{ftype}」类型的字段不使用选项列表",
                "清空「选项」列，或把类型改为「选项」",
            )
        required_text = table.key(cells, COL_REQUIRED)
        if required_text not in ("", REQUIRED_YES, REQUIRED_NO):
            out.add(
                table.sheet,
                row,
                col(COL_REQUIRED),
                f"必填「{required_text}」无法识别",
                "写「是」或「否」，留空表示是",
            )
        reading = table.key(cells, COL_READING)
        if reading and (ftype != PERCENT or reading not in READINGS):
            what = f"读法「{reading}」无法识别" if reading not in READINGS else "只有百分比字段能写读法"
            out.add(
                table.sheet,
                row,
                col(COL_READING),
                what,
                f"百分比字段可写「{READINGS[0]}」（0.8 读作 0.8%）或「{READINGS[1]}」（0.8 读作 80%），或留空",
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
        )
    return fields


def _refused(text: str) -> str:
    """'不是数值', or why a number is refused ('超出可接受的数值范围…', a comma for a decimal point)."""
    return number_error(text) or "不是数值"


def _why(text: str) -> str:
    why = number_error(text)
    return f"（{why}）" if why.startswith("超出") else ""


def _bound(table: Table, cells: list[object], row: int, header: str, out: _Collector) -> Decimal | None:
    text = table.key(cells, header)
    if not text:
        return None
    number = to_decimal(text)
    if number is None:
        out.add(
            table.sheet,
            row,
            table.column_number(header),
            f"{header}「{text}」{_refused(text)}",
            "填写数值或留空",
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
            out.add(
                table.sheet,
                row,
                col(COL_ITEM_ID),
                f"指标编号「{item_id}」在「指标」表中不存在",
                near_miss(item_id, item_by_id),
            )
            continue
        cls = registry.get(kind)
        if cls is None:
            out.add(
                table.sheet,
                row,
                col(COL_RULE_KIND),
                f"不认识的规则类型「{kind}」",
                f"可用规则类型：{'、'.join(primary_kinds())}",
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
            out.add(table.sheet, row, col(exc.column), exc.message, exc.fix)
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
            out.add(
                src.sheet, src.row, None, f"一级指标「{cat.name}」下没有二级指标", "在其下方添加二级指标行"
            )
            continue
        total = sum((i.points for i in cat.items), Decimal(0))
        if total != cat.points:
            out.add(
                src.sheet,
                src.row,
                None,
                f"一级指标「{cat.name}」分值为 {fmt(cat.points)}，但其二级指标合计 {fmt(total)}",
                "改正一级指标分值或二级指标分值，使两者相等",
            )
    main = sum((c.points for c in categories if c.kind == MAIN), Decimal(0))
    if categories and main != settings.main_points:
        out.add(
            *_setting_cell(settings_table, SET_MAIN_POINTS),
            f"主要指标满分为 {fmt(settings.main_points)}，但「主要」一级指标合计 {fmt(main)}",
            "改正「设置」表的主要指标满分，或各一级指标的分值",
        )
    bonus = sum((c.points for c in categories if c.kind == BONUS), Decimal(0))
    if bonus and not settings.bonus_points:
        out.warn(
            SETTINGS,
            None,
            None,
            f"有附加分指标（合计 {fmt(bonus)} 分），但没有写附加分满分",
            f"已按 {fmt(bonus)} 分封顶；可在「设置」表写「附加分满分」",
        )
        settings = replace(settings, bonus_points=bonus)
    elif settings.bonus_points and not bonus:
        out.warn(
            *_setting_cell(settings_table, SET_BONUS_POINTS),
            "写了附加分满分，但没有计分类别为「附加」的一级指标",
            "检查「指标」表的计分类别",
        )
    return settings


def _check_bands_fit(settings: Settings, bands: list[Band], out: _Collector) -> None:
    for band in bands:
        if band.lower is not None and band.lower > settings.main_points + (
            settings.bonus_points if settings.grade_basis == BASIS_TOTAL else 0
        ):
            src = band.source
            out.add(
                src.sheet if src else BANDS,
                src.row if src else None,
                None,
                f"等级「{band.name}」的最低分 {fmt(band.lower)} 超过可能的最高分",
                "改正最低分",
            )


def _check_usage(categories: list[Category], fields: dict[str, Field], out: _Collector) -> None:
    used: set[str] = set()
    for cat in categories:
        for item in cat.items:
            src = item.source
            assert src is not None
            if not item.rules:
                out.add(
                    src.sheet,
                    src.row,
                    None,
                    f"二级指标「{item.name}」（{item.id}）没有计分规则",
                    f"在「{RULES}」表为 {item.id} 添加至少一行规则",
                )
                continue
            for rule in item.rules:
                used.update(rule.field_ids())
            _check_rule_bounds(item, out)
    for f in fields.values():
        if f.id not in used and f.source is not None and f.type != TEXT:
            out.warn(
                f.source.sheet,
                f.source.row,
                None,
                f"字段「{f.id}」没有被任何规则使用，填报后不影响得分",
                "如果它只是备注，可把类型改为「文本」",
            )


def _check_rule_bounds(item: Item, out: _Collector) -> None:
    highs = [rule.bounds()[1] for rule in item.rules]
    rows = "、".join(str(r.spec.row) for r in item.rules)
    src = item.source
    assert src is not None
    if any(h is None for h in highs):
        out.warn(
            RULES,
            item.rules[0].spec.row,
            None,
            f"「{item.name}」（{item.id}）的规则得分没有上限，得分将按本项分值 {fmt(item.points)} 封顶",
            "为计次加分写「上限」，或为字段写最大值",
        )
        return
    most = sum((h for h in highs if h is not None), Decimal(0))
    if most > item.points:
        out.warn(
            RULES,
            item.rules[0].spec.row,
            None,
            f"「{item.name}」（{item.id}）本项分值 {fmt(item.points)}，但规则（第 {rows} 行）最多可得 {fmt(most)} 分；"
            f"超出部分将按 {fmt(item.points)} 分封顶",
            f"核对评分标准：改正「{INDICATORS}」表第 {src.row} 行的分值，或规则中的得分",
        )
    elif most < item.points:
        out.warn(
            RULES,
            item.rules[0].spec.row,
            None,
            f"「{item.name}」（{item.id}）本项分值 {fmt(item.points)}，但规则（第 {rows} 行）最多只能得 {fmt(most)} 分",
            "核对评分标准与规则是否一致",
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
