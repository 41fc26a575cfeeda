"""The workbooks built from a scheme: each unit's 填报表 and each department's 评分表; and filling them in for tests."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from famscore.entry_sheet import (
    CRITERIA_HEADER,
    ENTRY_SHEET,
    GUIDE_SHEET,
    HEADER_SEARCH_ROWS,
    HINT_HEADER,
    KEY_HEADER,
    LABEL_HEADER,
    LISTS_SHEET,
    META_DEPARTMENT,
    META_FAMSCORE,
    META_FINGERPRINT,
    META_GENERATED,
    META_SHEET,
    META_TITLE,
    META_TYPE,
    META_UNIT,
    META_VERSION,
    META_YEAR,
    POINTS_HEADER,
    REFERENCE_PREFIX,
    REMARK_HEADER,
    REVIEW_SHEET,
    TYPE_REVIEW,
    UNIT_NAME_HEADER,
    VALUE_HEADER,
    find_header,
)
from famscore.errors import OutputError, Problem, UsageError
from famscore.messages import Msg
from famscore.numbers import MAX_DIGITS, MAX_PLACES, fmt
from famscore.rules.kinds import NEVER
from famscore.scheme.model import (
    BONUS,
    CHOICE,
    DATE,
    INTEGER,
    NUMBER,
    PERCENT,
    READ_FRACTION,
    SCORE,
    TEXT,
    YESNO,
    Field,
    Scheme,
)
from famscore.text import clip, xml_safe
from famscore.text import width as text_width
from famscore.units import one_line
from famscore.values import NO, YES, percent_rule, scales_percent

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# 宋体 is on every Chinese Windows and in WPS; row heights below are estimated for it at 11 pt.
FONT_NAME = "宋体"
BLANK_UNIT = "空白"
REQUIRED_MARK = "* "


def display_width(text: str) -> int:
    """Width in 宋体, which draws East Asian ambiguous characters (×, “”, ①) wide, unlike Calibri."""
    return text_width(text, ambiguous_wide=True)


# Columns of the 填报 sheet: header and width in Excel units (a CJK character is about 2).
COLUMNS: tuple[tuple[str, int], ...] = (
    (KEY_HEADER, 16),
    (LABEL_HEADER, 30),
    (HINT_HEADER, 32),
    (VALUE_HEADER, 14),
    (REMARK_HEADER, 18),
    (POINTS_HEADER, 6),
    (CRITERIA_HEADER, 56),
)
COL = {header: index for index, (header, _) in enumerate(COLUMNS, start=1)}
TITLE_ROW, INFO_ROW, HEADER_ROW = 1, 2, 3

# Inline dropdown lists are limited to 255 characters by Excel; longer ones (and any holding a
# comma or quote, which the inline syntax cannot escape) go to the hidden _lists sheet.
INLINE_LIST_LIMIT = 200
# The reader's numeric range (famscore.numbers): the template stops what the reader would refuse.
UNBOUNDED = Decimal(10) ** MAX_DIGITS - Decimal(1).scaleb(-MAX_PLACES)
# The block under the field rows for who filled the form in and the unit's stamp (not scored, not read).
DATE_FORMAT = "yyyy-mm-dd"
SIGNATURE_HEADING = "填报信息（不计分）"
SIGNER_LABEL, PHONE_LABEL, SIGNED_DATE_LABEL = "填报人", "联系电话", "填报日期"
SIGNATURE_FIELDS = ((SIGNER_LABEL, "@"), (PHONE_LABEL, "@"), (SIGNED_DATE_LABEL, DATE_FORMAT))
STAMP_LABEL = "单位（盖章）"
LINE_HEIGHT = 15.0  # points per wrapped line at 11 pt, CJK fallback fonts included
ROW_PADDING = 4.0

# Colours: header, category and item heading rows, and the cells a unit fills in.
HEADER_FILL = "4F6D8F"
CATEGORY_FILL = "B4C6E7"
ITEM_FILL = "DDEBF7"
VALUE_FILL = "FFF2CC"
KEY_FONT_COLOUR = "808080"
BORDER_COLOUR = "A6A6A6"

WINDOWS_ILLEGAL = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))} | {
    f"LPT{i}" for i in range(1, 10)
}
# File names: 255 bytes is the limit of every common filesystem; a margin is left for the " (1)" a mail
# client or a copy adds, and few enough characters that the whole path stays under Windows' 260.
MAX_NAME_BYTES = 200
MAX_NAME_CHARS = 100
UNIT_KEEP_CHARS = 40  # of a unit name, when a name must be cut; the title gives way first
HASH_TAIL = re.compile(r"~[0-9a-f]{8}$")  # marks a cut name: a hash of the full title and unit


# ---------------------------------------------------------------- names and unit lists


def safe_filename_part(text: str) -> str:
    """`text` usable in a Windows file name: no <>:"/\\|?* or control characters, no trailing dots."""
    cleaned = WINDOWS_ILLEGAL.sub("", unicodedata.normalize("NFC", text))
    cleaned = " ".join(cleaned.split()).strip(" .")
    return "_" + cleaned if cleaned.upper() in WINDOWS_RESERVED else cleaned


def template_filename(scheme: Scheme, unit: str | None) -> str:
    """'{标题}_{年度}_{单位}.xlsx'; '{标题}_{年度}_空白.xlsx' for the blank workbook.

    A name longer than MAX_NAME_CHARS characters or MAX_NAME_BYTES bytes (UTF-8) is cut, title first,
    and ends in '~' and a hash of the full title and unit, so that cut names stay apart. The unit is
    recognised from the workbook's _meta, not from the name.
    """
    title = safe_filename_part(scheme.title) or "填报表"
    year = [str(scheme.settings.year)] if scheme.settings.year is not None else []
    name = safe_filename_part(unit) if unit is not None else BLANK_UNIT
    if not name:
        raise UsageError(one_line(Msg.TEMPLATE_UNIT_NOT_A_FILE_NAME, unit=unit), None)
    full = "_".join([title, *year, name]) + ".xlsx"
    if _name_fits(full):
        return full
    digest = hashlib.sha1(f"{scheme.title}\x00{unit}".encode()).hexdigest()[:8]
    tail = f"~{digest}.xlsx"
    name = _cut(name, UNIT_KEEP_CHARS, MAX_NAME_BYTES // 2)
    fixed = "_" + "_".join([*year, name]) + tail
    title = _cut(title, MAX_NAME_CHARS - len(fixed), MAX_NAME_BYTES - len(fixed.encode()))
    return (title or "填报表") + fixed


def _name_fits(name: str) -> bool:
    return len(name) <= MAX_NAME_CHARS and len(name.encode()) <= MAX_NAME_BYTES


def _cut(text: str, chars: int, size: int) -> str:
    """The longest start of `text` within `chars` characters and `size` UTF-8 bytes."""
    text = text[: max(chars, 0)]
    while len(text.encode()) > size:
        text = text[:-1]
    return text.rstrip(" .")


# ---------------------------------------------------------------- building


def build_templates(
    scheme: Scheme,
    units: Iterable[str],
    out_dir: Path | str,
    generated: str | None = None,
    *,
    unit_only: bool = True,
) -> list[Path]:
    """One workbook per unit in `out_dir` (one blank workbook when `units` is empty), with the fields
    the unit fills (see build_template); the departments' fields are in their 评分表."""
    planned = template_paths(scheme, units, out_dir)
    generated = generated or _now()
    return [build_template(scheme, unit, path, generated, unit_only=unit_only) for unit, path in planned]


def template_paths(
    scheme: Scheme, units: Iterable[str], out_dir: Path | str
) -> list[tuple[str | None, Path]]:
    """Each unit (None: the blank workbook) and the file build_templates writes for it."""
    out_dir = Path(out_dir)
    wanted: list[str | None] = list(units) or [None]
    names: dict[str, str | None] = {}
    for unit in wanted:
        name = template_filename(scheme, unit)
        if name.lower() in names:
            raise UsageError(
                one_line(Msg.TEMPLATE_SAME_FILE_NAME, unit=unit, other=names[name.lower()], name=name), None
            )
        names[name.lower()] = unit
    return [(unit, out_dir / template_filename(scheme, unit)) for unit in wanted]


def build_template(
    scheme: Scheme,
    unit: str | None,
    path: Path | str,
    generated: str | None = None,
    *,
    unit_only: bool = False,
) -> Path:
    """Write the data-entry workbook for `unit` (None: a blank one) to `path`, atomically.

    `unit_only`: only the fields whose 填报方 is 单位 (and the 自评分 rows); otherwise every field, as
    the one-party form always had them.
    """
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    path = Path(path)
    book = Workbook()
    guide = cast("Worksheet", book.active)  # a new workbook has one sheet
    guide.title = GUIDE_SHEET
    entry = book.create_sheet(ENTRY_SHEET)
    lists = _ChoiceLists(book)
    _write_entry_sheet(entry, scheme, unit, lists, unit_only)
    _write_guide_sheet(guide, scheme, unit, unit_only)
    _write_meta_sheet(book.create_sheet(META_SHEET), scheme, unit, generated or _now())
    lists.finish()
    book.active = 0
    # Sheets cannot be renamed, moved, deleted or unhidden by accident; no password, so a
    # commission clerk can still lift it (审阅 → 保护工作簿).
    book.security = WorkbookProtection(lockStructure=True)
    book.properties.title = xml_safe(f"{scheme.title} 填报表")
    book.properties.subject = xml_safe(unit or BLANK_UNIT)
    book.properties.creator = "famscore"
    return _save_atomically(book, path)


def _now() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def _save_atomically(book: Any, path: Path) -> Path:
    """Save through a verified temporary file, with the user's umask; every OSError in Chinese."""
    from famscore.outputs.safe import atomic_write

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(
            one_line(Msg.TEMPLATE_FOLDER_NOT_MADE, folder=path.parent, reason=reason), path
        ) from exc
    return atomic_write(path, book.save)


@dataclass
class _Styles:
    """openpyxl style objects, built once per workbook (imports stay out of module start-up)."""

    thin: Any
    header_font: Any
    header_fill: Any
    category_font: Any
    category_fill: Any
    item_font: Any
    item_fill: Any
    value_fill: Any
    key_font: Any
    body_font: Any
    title_font: Any
    wrap_top: Any
    centre: Any

    @classmethod
    def make(cls) -> _Styles:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        side = Side(style="thin", color=BORDER_COLOUR)
        return cls(
            thin=Border(left=side, right=side, top=side, bottom=side),
            header_font=Font(name=FONT_NAME, bold=True, color="FFFFFF"),
            header_fill=PatternFill("solid", fgColor=HEADER_FILL),
            category_font=Font(name=FONT_NAME, bold=True, size=12),
            category_fill=PatternFill("solid", fgColor=CATEGORY_FILL),
            item_font=Font(name=FONT_NAME, bold=True),
            item_fill=PatternFill("solid", fgColor=ITEM_FILL),
            value_fill=PatternFill("solid", fgColor=VALUE_FILL),
            key_font=Font(name=FONT_NAME, color=KEY_FONT_COLOUR, size=9),
            body_font=Font(name=FONT_NAME),
            title_font=Font(name=FONT_NAME, bold=True, size=14),
            wrap_top=Alignment(wrap_text=True, vertical="top"),
            centre=Alignment(horizontal="center", vertical="top", wrap_text=True),
        )


def _write_entry_sheet(
    sheet: Worksheet, scheme: Scheme, unit: str | None, lists: _ChoiceLists, unit_only: bool = False
) -> None:
    from openpyxl.styles import Alignment, Protection
    from openpyxl.utils import get_column_letter

    styles = _Styles.make()
    last_col = len(COLUMNS)
    widths = _column_widths(scheme)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width

    title = f"{scheme.title} 填报表"
    _put_text(sheet.cell(TITLE_ROW, 1), title).font = styles.title_font
    sheet.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=last_col)
    sheet.row_dimensions[TITLE_ROW].height = 24
    info = (
        f"填报单位：{unit or '（空白表：发回前请在文件名中写明单位名称）'}　　"
        f"考评表版本：{scheme.version}　　只在黄色单元格中填写；带 * 的为必填项"
    )
    info_cell = _put_text(sheet.cell(INFO_ROW, 1), info)
    info_cell.alignment, info_cell.font = Alignment(vertical="center"), styles.body_font
    sheet.merge_cells(start_row=INFO_ROW, start_column=1, end_row=INFO_ROW, end_column=last_col)
    sheet.row_dimensions[INFO_ROW].height = 20

    for col, (header, _) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col, header)
        cell.font, cell.fill, cell.border = styles.header_font, styles.header_fill, styles.thin
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[HEADER_ROW].height = 22

    row = HEADER_ROW + 1
    unlocked = Protection(locked=False)
    for cat in scheme.categories:
        label = f"{cat.id}　{cat.name}" + ("（附加分）" if cat.kind == BONUS else "")
        _heading_row(sheet, row, label, cat.points, "", styles.category_font, styles.category_fill, styles)
        sheet.row_dimensions[row].height = _height([(label, widths[1])], minimum=20)
        row += 1
        for item in cat.items:
            criteria = item.criteria
            if item.department:
                criteria = (
                    f"{criteria}\n（考核部门：{item.department}）"
                    if criteria
                    else f"考核部门：{item.department}"
                )
            name = f"{item.id}　{item.name}"
            _heading_row(sheet, row, name, item.points, criteria, styles.item_font, styles.item_fill, styles)
            sheet.row_dimensions[row].height = _height(
                [(name, widths[COL[LABEL_HEADER] - 1]), (criteria, widths[COL[CRITERIA_HEADER] - 1])]
            )
            row += 1
            every = scheme.fields_of(item.id)
            fields = [f for f in every if f.by_unit] if unit_only else every
            judged = [f for f in every if f not in fields]
            for f in fields:
                _field_row(sheet, row, f, lists, styles, unlocked)
                hint = type_hint(f)
                sheet.row_dimensions[row].height = _height(
                    [(_label(f), widths[COL[LABEL_HEADER] - 1]), (hint, widths[COL[HINT_HEADER] - 1])]
                )
                row += 1
            if judged or not fields:
                # A row without 字段编号 (the reader skips it): what the unit does not fill, and who does.
                judges = "、".join(dict.fromkeys(f.filler for f in judged))
                names = "、".join(f.label or f.id for f in judged)
                note = f"（由考核部门 {judges} 在评分表中填写：{names}）" if judged else "（本项无需填报）"
                cell = _put_text(sheet.cell(row, COL[LABEL_HEADER]), note)
                for col in range(1, last_col + 1):
                    sheet.cell(row, col).border = styles.thin
                    sheet.cell(row, col).font = styles.body_font
                cell.alignment = styles.wrap_top
                sheet.row_dimensions[row].height = _height([(note, widths[COL[LABEL_HEADER] - 1])])
                row += 1

    last_row = _signature_block(sheet, row + 1, styles, unlocked)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    _protect(sheet)
    _print_setup(sheet, scheme, unit, repeat=f"{HEADER_ROW}:{HEADER_ROW}")
    sheet.print_area = f"A1:{get_column_letter(last_col)}{last_row}"


def _signature_block(sheet: Worksheet, first: int, styles: _Styles, unlocked: Any) -> int:
    """Who filled the form in, and the unit's stamp, below the field rows; the last row written.

    Not scored and never read: these rows have nothing in the 字段编号 column, which the reader skips.
    The entries span 单位/类型 to 备注, so they are wide enough for a name, a phone number or a date.
    """
    from openpyxl.styles import Alignment

    last_col = len(COLUMNS)
    heading = first
    for col in range(1, last_col + 1):
        cell = sheet.cell(heading, col)
        cell.fill, cell.border, cell.font = styles.item_fill, styles.thin, styles.body_font
    _put_text(sheet.cell(heading, COL[LABEL_HEADER]), SIGNATURE_HEADING).font = styles.item_font
    sheet.row_dimensions[heading].height = 20
    entry_first, entry_last = COL[HINT_HEADER], COL[REMARK_HEADER]
    for offset, (label, number_format) in enumerate(SIGNATURE_FIELDS, start=1):
        row = heading + offset
        for col in range(1, last_col + 1):
            cell = sheet.cell(row, col)
            cell.border, cell.font, cell.alignment = styles.thin, styles.body_font, styles.wrap_top
        _put_text(sheet.cell(row, COL[LABEL_HEADER]), label)
        entry = sheet.cell(row, entry_first)
        entry.fill, entry.protection, entry.number_format = styles.value_fill, unlocked, number_format
        sheet.merge_cells(start_row=row, start_column=entry_first, end_row=row, end_column=entry_last)
        sheet.row_dimensions[row].height = 22
        if number_format == DATE_FORMAT:
            validation = _signature_date_validation(label)
            sheet.add_data_validation(validation)
            validation.add(entry.coordinate)
    stamp = heading + len(SIGNATURE_FIELDS) + 1
    for col in range(1, last_col + 1):
        cell = sheet.cell(stamp, col)
        cell.border, cell.font = styles.thin, styles.body_font
    _put_text(sheet.cell(stamp, COL[LABEL_HEADER]), STAMP_LABEL).alignment = Alignment(vertical="center")
    sheet.merge_cells(start_row=stamp, start_column=entry_first, end_row=stamp, end_column=last_col)
    sheet.row_dimensions[stamp].height = 72  # room for a round seal of about 4 cm
    return stamp


def _signature_date_validation(label: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    return DataValidation(
        type="date",
        operator="between",
        formula1="DATE(2000,1,1)",
        formula2="DATE(2099,12,31)",
        allow_blank=True,
        showInputMessage=True,
        showErrorMessage=True,
        errorStyle="stop",
        promptTitle=label,
        errorTitle="填写有误",
        prompt="请填写日期，如 2024-08-15。",
        error="请填写日期（如 2024-08-15）。",
    )


def _heading_row(
    sheet: Worksheet,
    row: int,
    label: str,
    points: Decimal,
    criteria: str,
    font: Any,
    fill: Any,
    styles: _Styles,
) -> None:
    for col in range(1, len(COLUMNS) + 1):
        cell = sheet.cell(row, col)
        cell.fill, cell.border, cell.alignment = fill, styles.thin, styles.wrap_top
        cell.font = styles.body_font
    name = _put_text(sheet.cell(row, COL[LABEL_HEADER]), label)
    name.font = font
    points_cell = sheet.cell(row, COL[POINTS_HEADER], _number(points))
    points_cell.font, points_cell.alignment = font, styles.centre
    if criteria:
        _put_text(sheet.cell(row, COL[CRITERIA_HEADER]), criteria)


def _field_row(
    sheet: Worksheet, row: int, f: Field, lists: _ChoiceLists, styles: _Styles, unlocked: Any
) -> None:
    key = _put_text(sheet.cell(row, COL[KEY_HEADER]), f.id)
    key.font = styles.key_font
    _put_text(sheet.cell(row, COL[LABEL_HEADER]), _label(f))
    _put_text(sheet.cell(row, COL[HINT_HEADER]), type_hint(f))
    for col in range(1, len(COLUMNS) + 1):
        cell = sheet.cell(row, col)
        cell.border, cell.alignment = styles.thin, styles.wrap_top
        if col != COL[KEY_HEADER]:
            cell.font = styles.body_font
    for header in (VALUE_HEADER, REMARK_HEADER):
        cell = sheet.cell(row, COL[header])
        cell.fill, cell.protection = styles.value_fill, unlocked
    value = sheet.cell(row, COL[VALUE_HEADER])
    if f.type == DATE:
        value.number_format = DATE_FORMAT
    elif f.type in (TEXT, CHOICE, YESNO):
        value.number_format = "@"
    sheet.cell(row, COL[REMARK_HEADER]).number_format = "@"
    validation = _validation(f, value.coordinate, lists)
    sheet.add_data_validation(validation)
    validation.add(value.coordinate)


def _label(f: Field) -> str:
    return (REQUIRED_MARK if f.required else "") + (f.label or f.id)


def type_hint(f: Field) -> str:
    """What the 单位/类型 column says about a field: its type, unit, range and the scheme's help text."""
    span = _span(f)
    if f.type == PERCENT:
        unit = f.unit if f.unit and f.unit != "%" else "%"
        typed = "0.95" if f.reading == READ_FRACTION and unit == "%" else "95"  # the scheme's 读法
        hint = f"{unit}（填 {typed} 表示 95{unit}）" + (f"，{span}" if span else "")
    elif f.type == SCORE:
        hint = f"评分（{span or '分'}）"
    elif f.type in (NUMBER, INTEGER):
        kind = "整数" if f.type == INTEGER else "数值"
        extras = [x for x in (f.unit and f"单位：{f.unit}", span) if x]
        hint = kind + (f"（{'，'.join(extras)}）" if extras else "")
    elif f.type == YESNO:
        hint = "是/否"
    elif f.type == CHOICE:
        hint = "选择：" + "／".join(f.choices) if f.choices else "下拉选择"
    elif f.type == DATE:
        hint = f"日期（如 2024-08-15；从未完成填「{NEVER}」）"
    else:
        hint = "文字"
    return f"{hint}\n{f.help}" if f.help else hint


def _span(f: Field) -> str:
    low, high = f.minimum, f.maximum
    unit = "分" if f.type == SCORE else ""
    if low is not None and high is not None:
        return f"{fmt(low)}～{fmt(high)}{unit}"
    if low is not None:
        return f"不小于 {fmt(low)}{unit}" if low != 0 or f.type not in (PERCENT, SCORE) else ""
    if high is not None:
        return f"不大于 {fmt(high)}{unit}"
    return ""


def _validation(f: Field, address: str, lists: _ChoiceLists, with_help: bool = False) -> Any:
    """The Excel data validation for a field's value cell, with a Chinese prompt and error alert.

    `with_help`: the prompt starts with the field's 填报说明 (a 评分表 has no column for it).
    """
    validation = _bare_validation(f, address, lists)
    if with_help and f.help:
        validation.prompt = clip(xml_safe(f"{f.help}\n{validation.prompt or ''}"), 250)
    return validation


def _bare_validation(f: Field, address: str, lists: _ChoiceLists) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    title = clip(xml_safe(f.label or f.id), 32)
    common: dict[str, Any] = {
        "allow_blank": True,
        "showInputMessage": True,
        "showErrorMessage": True,
        "errorStyle": "stop",
        "promptTitle": title,
        "errorTitle": "填写有误",
    }
    if f.type in (YESNO, CHOICE):
        choices = (YES, NO) if f.type == YESNO else f.choices
        source = lists.source(choices)
        prompt = "请点单元格右侧的下拉箭头选择：" + "、".join(choices)
        error = "请从下拉列表中选择：" + "、".join(choices)
        return DataValidation(
            type="list",
            formula1=source,
            prompt=clip(xml_safe(prompt), 250),
            error=clip(xml_safe(error), 220),
            **common,
        )
    if f.type == DATE:
        first, last = f"DATE({f.years[0]},1,1)", f"DATE({f.years[1]},12,31)"  # the years the reader accepts
        formula = f'OR({address}="{NEVER}",AND(ISNUMBER({address}),{address}>={first},{address}<={last}))'

        prompt = f"请填写日期，如 2024-08-15；始终没有完成的填「{NEVER}」。"
        error = f"请填写日期（如 2024-08-15），或填「{NEVER}」。"
        return DataValidation(type="custom", formula1=formula, prompt=prompt, error=error, **common)
    if f.type == TEXT:
        return DataValidation(
            type="textLength",
            operator="lessThanOrEqual",
            formula1="2000",
            prompt="可填写文字说明（不参与计分）。",
            error="文字过长，请精简到 2000 字以内。",
            **common,
        )
    kind: Literal["whole", "decimal"] = "whole" if f.type == INTEGER else "decimal"
    operator: Literal["between", "greaterThanOrEqual", "lessThanOrEqual"]
    low, high = f.minimum, f.maximum
    if low is not None and high is not None:
        operator, formula1, formula2 = "between", fmt(low), fmt(high)
    elif low is not None:
        operator, formula1, formula2 = "greaterThanOrEqual", fmt(low), None
    elif high is not None:
        operator, formula1, formula2 = "lessThanOrEqual", fmt(high), None
    else:
        operator, formula1, formula2 = "between", fmt(-UNBOUNDED), fmt(UNBOUNDED)
    noun = "整数" if f.type == INTEGER else "数值"
    span = _span(f) if (low is not None or high is not None) else ""
    wanted = f"{noun}（{span}）" if span else noun
    # the reader's rule for 0.95 and 95, worded once in famscore.values
    percent = percent_rule(f) + "。" if scales_percent(f) else ""
    unit = f"单位：{f.unit}。" if f.unit and not scales_percent(f) else ""
    prompt = f"请填写{wanted}。{percent}{unit}"
    error = f"应填写{wanted}。{percent}请核对后重新填写。"
    return DataValidation(
        type=kind,
        operator=operator,
        formula1=formula1,
        formula2=formula2,
        prompt=clip(xml_safe(prompt), 250),
        error=clip(xml_safe(error), 220),
        **common,
    )


class _ChoiceLists:
    """Dropdown sources: short lists inline, others as ranges on the hidden _lists sheet."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.sheet: Any = None
        self.ranges: dict[tuple[str, ...], str] = {}

    def source(self, choices: tuple[str, ...]) -> str:
        inline = ",".join(choices)
        if len(inline) <= INLINE_LIST_LIMIT and not any("," in c or '"' in c for c in choices):
            return f'"{inline}"'
        if choices not in self.ranges:
            from openpyxl.utils import get_column_letter

            if self.sheet is None:
                self.sheet = self.book.create_sheet(LISTS_SHEET)
            col = len(self.ranges) + 1
            letter = get_column_letter(col)
            for row, choice in enumerate(choices, start=1):
                _put_text(self.sheet.cell(row, col), choice)
            self.sheet.column_dimensions[letter].width = min(60, max(display_width(c) for c in choices) + 2)
            self.ranges[choices] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${len(choices)}"
        return self.ranges[choices]

    def finish(self) -> None:
        if self.sheet is not None:
            self.sheet.sheet_state = "hidden"
            _protect(self.sheet)


def _write_guide_sheet(sheet: Worksheet, scheme: Scheme, unit: str | None, unit_only: bool = False) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.column_dimensions["A"].width = 100
    who = unit or "（空白表）"
    lines: list[tuple[str, Any]] = [
        (f"{scheme.title} 填报说明", Font(name=FONT_NAME, bold=True, size=14)),
        (f"填报单位：{who}", Font(name=FONT_NAME, bold=True, size=12)),
        (f"考评表版本：{scheme.version}", None),
        ("", None),
        ("填报步骤", Font(name=FONT_NAME, bold=True)),
    ]
    steps = [
        f"打开「{ENTRY_SHEET}」工作表，只在黄色单元格中填写：「{VALUE_HEADER}」列填数据，"
        f"「{REMARK_HEADER}」列可写需要说明的情况。其他单元格已锁定，不能修改。",
        "带 * 的是必填项；其余可以留空。",
        "百分比填百分数：完成率 95% 填 95（填 95% 也可以），不要填 0.95。",
        f"日期写成 2024-08-15 这样的格式；始终没有完成的，填「{NEVER}」。",
        "“是/否”和选项类的单元格，点单元格右侧的下拉箭头选择。",
        "数值有范围限制，超出范围时会弹出提示，请核对后重新填写。每一项的评分标准列在表格右侧，供填写时对照。",
        f"不要修改工作表名称，不要插入、删除或移动行，不要改动「{KEY_HEADER}」列——计分程序靠它识别每一项。",
        f"表格末尾的「{SIGNATURE_HEADING}」填写{SIGNER_LABEL}、{PHONE_LABEL}和{SIGNED_DATE_LABEL}；"
        f"需要纸质件的，打印后在「{STAMP_LABEL}」栏加盖公章。",
        "填好后直接保存（保持 .xlsx 格式），按要求发回。",
    ]
    if unit_only and scheme.two_party:
        steps.insert(
            -1,
            "写着「由考核部门……在评分表中填写」的项目，由考核部门核定或评分，本单位不需要填写。",
        )
    if scheme.settings.self_assessment and any(f.self_score for f in scheme.fields.values()):
        steps.insert(
            -1,
            "每个项目的「自评分」填本单位按评分标准给自己评的分（0 到该项分值）；"
            "自评分只供考核部门对照，不计入得分，最终以考核部门核定的分数为准。",
        )
    if unit is None:
        steps.append(
            f"这是空白填报表：发回前请把文件名末尾的「{BLANK_UNIT}」改成本单位名称，"
            f"例如 {template_filename(scheme, '某某街道')}。"
        )
    lines += [(f"{n}. {text}", None) for n, text in enumerate(steps, start=1)]
    for row, (text, font) in enumerate(lines, start=1):
        cell = _put_text(sheet.cell(row, 1), text) if text else sheet.cell(row, 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = font or Font(name=FONT_NAME)
        sheet.row_dimensions[row].height = _height([(text, 100)], minimum=22 if font else 18)
    _protect(sheet)
    _print_setup(sheet, scheme, unit, repeat=None)


def _write_meta_sheet(sheet: Worksheet, scheme: Scheme, unit: str | None, generated: str) -> None:
    from famscore import __version__

    rows = [
        (META_TITLE, scheme.title),
        (META_YEAR, "" if scheme.settings.year is None else str(scheme.settings.year)),
        (META_VERSION, scheme.version),
        (META_FINGERPRINT, scheme.fingerprint),
        (META_UNIT, unit or ""),
        (META_FAMSCORE, __version__),
        (META_GENERATED, generated),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        sheet.cell(row, 1, key)
        if value:
            _put_text(sheet.cell(row, 2), value)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 60
    sheet.sheet_state = "hidden"
    _protect(sheet)


def _protect(sheet: Worksheet) -> None:
    """Protected without a password: only unlocked cells can be edited; columns and rows resize."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False


def _print_setup(sheet: Worksheet, scheme: Scheme, unit: str | None, repeat: str | None) -> None:
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.header = sheet.page_margins.footer = 0.3
    if repeat:
        sheet.print_title_rows = repeat
    header: Any = sheet.oddHeader  # openpyxl makes them with the sheet; typed as optional
    footer: Any = sheet.oddFooter
    header.left.text = _header_text(unit or "空白填报表")
    header.right.text = _header_text(f"版本 {scheme.version}")
    footer.center.text = "第 &P 页，共 &N 页"


def _header_text(text: str) -> str:
    return xml_safe(text).replace("&", "&&")  # '&' starts a code in Excel header text


# ---------------------------------------------------------------- cell helpers and sizing


def _put_text(cell: Any, value: object) -> Any:
    """Store `value` as a text cell: never a formula ('=…') or error ('#N/A'), no XML-illegal chars."""
    cell.value = xml_safe(str(value))
    cell.data_type = "s"
    return cell


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _lines(text: str, width: float) -> int:
    usable = max(width - 1.5, 4)
    return sum(max(1, math.ceil(display_width(part) * 1.05 / usable)) for part in text.split("\n"))


def _height(cells: list[tuple[str, float]], minimum: float = 18) -> float:
    lines = max((_lines(text, width) for text, width in cells if text), default=1)
    return max(minimum, lines * LINE_HEIGHT + ROW_PADDING)


def _column_widths(scheme: Scheme) -> list[int]:
    widths = [width for _, width in COLUMNS]
    key_width = max((display_width(f.id) for f in scheme.fields.values()), default=8)
    # field ids are in a 9 pt font; allow them the room they need, within reason
    widths[COL[KEY_HEADER] - 1] = min(28, max(10, math.ceil(key_width * 0.85) + 2))
    return widths


# ---------------------------------------------------------------- filling in (tests, example returns)


def fill_template(
    path: Path | str,
    values: Mapping[str, object],
    out: Path | str,
    unit: str | None = None,
    remarks: Mapping[str, str] | None = None,
) -> Path:
    """Copy the template at `path` to `out` with `values` (field id -> value) in the 填报值 cells.

    The header row and columns are found by header text. An unknown field id raises KeyError.
    `unit` replaces the unit named in _meta and on the sheets (for example returns from a blank
    template); `remarks` fills the 备注 cells.
    """
    from openpyxl import load_workbook

    from famscore.safety import require_defused_openpyxl

    require_defused_openpyxl()  # the workbook may have been round-tripped through other hands

    book = load_workbook(path)
    sheet = book[ENTRY_SHEET]
    header = find_header(
        [list(cells) for cells in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)]
    )
    if header is None:
        raise KeyError(f"{ENTRY_SHEET}: no header row with {KEY_HEADER} and {VALUE_HEADER}")
    rows: dict[str, int] = {}
    for row in range(header.row + 2, sheet.max_row + 1):
        key = sheet.cell(row, header.key + 1).value
        if key is not None and str(key).strip():
            rows[str(key).strip()] = row
    for source in (values, remarks or {}):
        for key in source:
            if key not in rows:
                raise KeyError(key)
    for key, value in values.items():
        _set(sheet.cell(rows[key], header.value + 1), value)
    if remarks:
        if header.remark is None:
            raise KeyError(REMARK_HEADER)
        for key, text in remarks.items():
            _set(sheet.cell(rows[key], header.remark + 1), text)
    if unit is not None:
        _rename_unit(book, unit)
    return _save_atomically(book, Path(out))


def _set(cell: Any, value: object) -> None:
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = YES if value else NO
    elif isinstance(value, Decimal):
        cell.value = _number(value)
    elif isinstance(value, dt.date | dt.datetime | int | float):
        cell.value = value
    else:
        _put_text(cell, value)


def _rename_unit(book: Any, unit: str) -> None:
    meta = book[META_SHEET]
    for row in range(1, meta.max_row + 1):
        if meta.cell(row, 1).value == META_UNIT:
            _put_text(meta.cell(row, 2), unit)
            break
    else:
        meta.append([META_UNIT])
        _put_text(meta.cell(meta.max_row, 2), unit)
    book.properties.subject = unit
    entry = book[ENTRY_SHEET]
    info = entry.cell(INFO_ROW, 1)
    if isinstance(info.value, str) and info.value.startswith("填报单位："):
        _put_text(info, re.sub(r"^填报单位：.*?　　", lambda _: f"填报单位：{unit}　　", info.value))
    guide = book[GUIDE_SHEET]
    for row in range(1, guide.max_row + 1):
        cell = guide.cell(row, 1)
        if isinstance(cell.value, str) and cell.value.startswith("填报单位："):
            _put_text(cell, f"填报单位：{unit}")
        elif isinstance(cell.value, str) and "这是空白填报表" in cell.value:
            cell.value = None
    for sheet in (entry, guide):
        sheet.oddHeader.left.text = _header_text(unit)


# ---------------------------------------------------------------- the department's 评分表

REVIEW_FILE_PREFIX = "评分表"
REVIEW_ITEM_ROW, REVIEW_LABEL_ROW, REVIEW_KEY_ROW = 3, 4, 5  # under the title and info rows
REVIEW_FIRST_ROW = REVIEW_KEY_ROW + 1
REVIEW_NUMBER_COL, REVIEW_UNIT_COL, REVIEW_FIRST_FIELD_COL = 1, 2, 3
REVIEW_BLANK_ROWS = 30  # rows of a 评分表 made without a roster, the unit names typed by the department
REFERENCE_FILL = "D9D9D9"
REFERENCE_FONT_COLOUR = "404040"
REVIEW_KEY_FILL = "F2F2F2"
# Column widths (Excel units) one landscape A4 page holds at about 60 %: a wider grid (the units' own
# figures shown beside the department's) prints on several pages across, each repeating the units.
REVIEW_PAGE_WIDTH = 250


@dataclass(frozen=True)
class Reported:
    """One unit's return as a 评分表 shows it (grey, locked): its values by field id, and its file."""

    unit: str
    file: str
    values: Mapping[str, object]


@dataclass(frozen=True)
class _Column:
    """One grid column: the field, and whether it only shows what the unit reported (grey)."""

    field: Field
    reference: bool

    @property
    def key(self) -> str:
        return REFERENCE_PREFIX + self.field.id if self.reference else self.field.id


def review_filename(department: str) -> str:
    """'评分表_<考核部门>.xlsx', usable on Windows; a department is recognised by _meta, not this name."""
    name = safe_filename_part(department)
    if not name:
        raise UsageError(one_line(Msg.TEMPLATE_DEPARTMENT_NOT_A_FILE_NAME, department=department), None)
    full = f"{REVIEW_FILE_PREFIX}_{name}.xlsx"
    if _name_fits(full):
        return full
    digest = hashlib.sha1(department.encode()).hexdigest()[:8]
    tail = f"~{digest}.xlsx"
    prefix = f"{REVIEW_FILE_PREFIX}_"
    room = MAX_NAME_CHARS - len(prefix) - len(tail)
    return prefix + _cut(name, room, MAX_NAME_BYTES - len((prefix + tail).encode())) + tail


def review_paths(scheme: Scheme, out_dir: Path | str) -> list[tuple[str, Path]]:
    """Each department of the scheme and the 评分表 build_review_forms writes for it, in scheme order."""
    out_dir = Path(out_dir)
    names: dict[str, str] = {}
    planned = []
    for department in scheme.departments:
        name = review_filename(department)
        if name.lower() in names:
            words = {"department": department, "other": names[name.lower()], "name": name}
            raise UsageError(one_line(Msg.TEMPLATE_SAME_REVIEW_FILE_NAME, **words), None)
        names[name.lower()] = department
        planned.append((department, out_dir / name))
    return planned


def build_review_forms(
    scheme: Scheme,
    units: Iterable[str],
    out_dir: Path | str,
    generated: str | None = None,
    reported: Mapping[str, Reported] | None = None,
) -> list[Path]:
    """One 评分表 per department of the scheme in `out_dir` (none when every field is the unit's).

    `reported`: the units' returns so far, keyed by famscore.names.name_key of the unit (see
    reported_values); each 评分表 then shows them grey beside the department's columns.
    """
    units = list(units)
    generated = generated or _now()
    return [
        write_review_form(scheme, units, department, path, generated=generated, reported=reported)
        for department, path in review_paths(scheme, out_dir)
    ]


def write_review_form(
    scheme: Scheme,
    units: Iterable[str],
    department: str,
    path: Path | str,
    values: Mapping[str, Mapping[str, object]] | None = None,
    *,
    reported: Mapping[str, Reported] | None = None,
    generated: str | None = None,
) -> Path:
    """Write `department`'s 评分表 (one row per unit, in the order given) to `path`, atomically.

    `values` pre-fills the department's cells: {unit as in `units`: {field id: value}} (for examples and
    tests; a value is written as fill_template writes it). A unit not in `units`, or a field the
    department does not fill, raises KeyError. `reported`: see build_review_forms.
    """
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    if department not in scheme.departments:
        raise KeyError(department)
    units = list(units)
    columns = _review_columns(scheme, department, reported is not None)
    own = {c.field.id for c in columns if not c.reference}
    for unit, filled in (values or {}).items():
        if unit not in units:
            raise KeyError(unit)
        for key in filled:
            if key not in own:
                raise KeyError(key)
    book = Workbook()
    guide = cast("Worksheet", book.active)
    guide.title = GUIDE_SHEET
    grid = book.create_sheet(REVIEW_SHEET)
    lists = _ChoiceLists(book)
    _write_review_grid(grid, scheme, department, units, columns, lists, values or {}, reported)
    _write_review_guide(guide, scheme, department, columns)
    _write_review_meta(book.create_sheet(META_SHEET), scheme, department, generated or _now())
    lists.finish()
    book.active = 1  # the grid: what the department fills in
    book.security = WorkbookProtection(lockStructure=True)
    book.properties.title = xml_safe(f"{scheme.title} 评分表")
    book.properties.subject = xml_safe(department)
    book.properties.creator = "famscore"
    return _save_atomically(book, Path(path))


def _review_columns(scheme: Scheme, department: str, with_reported: bool) -> list[_Column]:
    """The department's fields, item by item; with the units' own fields and 自评分 before them."""
    columns: list[_Column] = []
    for item in scheme.items:
        fields = scheme.fields_of(item.id)
        own = [f for f in fields if f.filler == department]
        if not own:
            continue
        if with_reported:
            columns += [_Column(f, True) for f in fields if f.by_unit and not f.self_score]
            columns += [_Column(f, True) for f in fields if f.self_score]
        columns += [_Column(f, False) for f in own]
    return columns


def _column_label(column: _Column) -> str:
    f = column.field
    if f.self_score:
        return "单位自评分"
    unit = f.unit or ("%" if f.type == PERCENT else "分" if f.type == SCORE else "")
    text = (f.label or f.id) + (f"（{unit}）" if unit else "")
    return f"单位填报：{text}" if column.reference else (REQUIRED_MARK if f.required else "") + text


def _column_width(column: _Column) -> int:
    f = column.field
    if f.type == TEXT:
        return 30
    if f.type == CHOICE:
        return min(30, max(12, max((display_width(c) for c in f.choices), default=8) + 3))
    return 14 if column.reference else 13


def _write_review_grid(
    sheet: Worksheet,
    scheme: Scheme,
    department: str,
    units: list[str],
    columns: list[_Column],
    lists: _ChoiceLists,
    values: Mapping[str, Mapping[str, object]],
    reported: Mapping[str, Reported] | None,
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from famscore.names import name_key

    styles = _Styles.make()
    reference_fill = PatternFill("solid", fgColor=REFERENCE_FILL)
    key_fill = PatternFill("solid", fgColor=REVIEW_KEY_FILL)
    header_centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    first, last_col = REVIEW_FIRST_FIELD_COL, REVIEW_FIRST_FIELD_COL + len(columns) - 1
    last_col = max(last_col, REVIEW_UNIT_COL)
    unit_width = min(30, max([12, *(display_width(u) + 3 for u in units)]))
    widths = {REVIEW_NUMBER_COL: 8, REVIEW_UNIT_COL: unit_width}
    widths.update({first + i: _column_width(c) for i, c in enumerate(columns)})
    col = first
    for item_id, group in _groups(columns):  # room for a short item heading on one line (bold: wider)
        item = scheme.item(item_id)
        heading = display_width(f"{item.id}　{item.name}（{fmt(item.points)}分）")
        wanted = min(32, math.ceil(heading * 1.15) + 3)
        group_cols = range(col, col + len(group))
        short = wanted - sum(widths[c] for c in group_cols)
        for c in group_cols:
            widths[c] += max(0, math.ceil(short / len(group)))
        col += len(group)
    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = width

    info_width = sum(widths.values())
    pages_across = max(1, math.ceil(info_width / REVIEW_PAGE_WIDTH))
    # Over one page the title and info rows are merged and wrap; over several, a merge would be cut
    # at the page edge, so they stay in column A and run on over the empty cells beside it.
    _put_text(sheet.cell(TITLE_ROW, 1), f"{scheme.title} 评分表（{department}）").font = styles.title_font
    sheet.row_dimensions[TITLE_ROW].height = 24
    grey = "；灰色列是各单位填报的数据和自评分，只供对照" if reported is not None else ""
    info = (
        f"考核部门：{department}　　考评表版本：{scheme.version}　　"
        f"每个单位一行，只在黄色单元格中填写{grey}；带 * 的为必填项，留空的该单位本项待定"
    )
    info_cell = _put_text(sheet.cell(INFO_ROW, 1), info)
    info_cell.font = styles.body_font
    info_cell.alignment = Alignment(vertical="center", wrap_text=pages_across == 1)
    if pages_across == 1:
        for row in (TITLE_ROW, INFO_ROW):
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        # a line to spare: merged cells wrap a little earlier than the estimate
        sheet.row_dimensions[INFO_ROW].height = _height([(info, info_width - 4)], minimum=20)
    else:
        sheet.row_dimensions[INFO_ROW].height = 20

    # Row A: the item over its columns; row B: each column's label; the key row: what the reader reads.
    for col, text in ((REVIEW_NUMBER_COL, "序号"), (REVIEW_UNIT_COL, "单位")):
        _put_text(sheet.cell(REVIEW_ITEM_ROW, col), text)
        sheet.merge_cells(
            start_row=REVIEW_ITEM_ROW, start_column=col, end_row=REVIEW_LABEL_ROW, end_column=col
        )
    item_lines: list[tuple[str, float]] = []
    label_lines: list[tuple[str, float]] = []
    col = first
    for item_id, group in _groups(columns):
        item = scheme.item(item_id)
        text = f"{item.id}　{item.name}（{fmt(item.points)}分）"
        _put_text(sheet.cell(REVIEW_ITEM_ROW, col), text)
        span = len(group)
        if span > 1:
            sheet.merge_cells(
                start_row=REVIEW_ITEM_ROW,
                start_column=col,
                end_row=REVIEW_ITEM_ROW,
                end_column=col + span - 1,
            )
        item_lines.append((text, sum(widths[c] for c in range(col, col + span))))
        col += span
    for offset, column in enumerate(columns):
        label = _column_label(column)
        _put_text(sheet.cell(REVIEW_LABEL_ROW, first + offset), label)
        label_lines.append((label, widths[first + offset]))
    for col in range(1, last_col + 1):
        for row in (REVIEW_ITEM_ROW, REVIEW_LABEL_ROW):
            cell = sheet.cell(row, col)
            cell.font, cell.fill, cell.border, cell.alignment = (
                styles.header_font,
                styles.header_fill,
                styles.thin,
                header_centre,
            )
    for offset, column in enumerate(columns):
        if column.reference:  # the unit's own figures: grey under the blue, so they read as not to be typed
            cell = sheet.cell(REVIEW_LABEL_ROW, first + offset)
            cell.fill, cell.font = (
                reference_fill,
                Font(name=FONT_NAME, bold=True, color=REFERENCE_FONT_COLOUR),
            )
    sheet.row_dimensions[REVIEW_ITEM_ROW].height = _height(item_lines, minimum=22)
    sheet.row_dimensions[REVIEW_LABEL_ROW].height = _height(label_lines, minimum=22)
    keys = [(REVIEW_NUMBER_COL, KEY_HEADER), (REVIEW_UNIT_COL, UNIT_NAME_HEADER)]
    keys += [(first + offset, column.key) for offset, column in enumerate(columns)]
    for col, key in keys:
        cell = _put_text(sheet.cell(REVIEW_KEY_ROW, col), key)
        cell.font, cell.fill, cell.border = styles.key_font, key_fill, styles.thin
        cell.alignment = Alignment(horizontal="center", vertical="center", shrink_to_fit=True)
    sheet.row_dimensions[REVIEW_KEY_ROW].height = 14

    rows = units or [""] * REVIEW_BLANK_ROWS
    last_row = REVIEW_FIRST_ROW + len(rows) - 1
    shown = reported or {}
    styled: list[Any] = []  # the first row's cell styles, copied to the others (hashing them is slow)
    for index, unit in enumerate(rows):
        row = REVIEW_FIRST_ROW + index
        cells: list[Any] = [sheet.cell(row, col) for col in range(1, first + len(columns))]
        if styled:
            for cell, style in zip(cells, styled, strict=True):
                cell._style = copy.copy(style)
        else:
            _style_review_row(cells, columns, styles, unit == "")
            styled = [cell._style for cell in cells]
        cells[REVIEW_NUMBER_COL - 1].value = index + 1
        if unit:
            _put_text(cells[REVIEW_UNIT_COL - 1], unit)
        filled = values.get(unit, {})
        report = shown.get(name_key(unit)) if unit else None
        for offset, column in enumerate(columns):
            fid, cell = column.field.id, cells[first - 1 + offset]
            if column.reference:
                if report is not None and fid in report.values:
                    _set(cell, report.values[fid])
            elif fid in filled:
                _set(cell, filled[fid])
        sheet.row_dimensions[row].height = _height([(unit, unit_width)], minimum=20)
    for offset, column in enumerate(columns):
        if column.reference:
            continue
        letter = get_column_letter(first + offset)
        validation = _validation(column.field, f"{letter}{REVIEW_FIRST_ROW}", lists, with_help=True)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}{REVIEW_FIRST_ROW}:{letter}{last_row}")

    sheet.freeze_panes = sheet.cell(REVIEW_FIRST_ROW, first).coordinate
    _protect(sheet)
    _print_setup(sheet, scheme, department, repeat=f"{REVIEW_ITEM_ROW}:{REVIEW_KEY_ROW}")
    sheet.page_setup.fitToWidth = pages_across
    sheet.print_title_cols = f"A:{get_column_letter(REVIEW_UNIT_COL)}"
    if pages_across == 1:
        sheet.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    else:  # the unmerged title would be cut at column B on the pages after the first: it goes on top
        sheet.print_area = f"A{REVIEW_ITEM_ROW}:{get_column_letter(last_col)}{last_row}"
        header: Any = sheet.oddHeader
        header.center.text = _header_text(f"{scheme.title} 评分表（{department}）")


def _style_review_row(cells: list[Any], columns: list[_Column], styles: _Styles, blank: bool) -> None:
    """Borders, fills, fonts, formats and protection of one unit row of a 评分表 (`blank`: no roster)."""
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    unlocked = Protection(locked=False)
    middle = Alignment(vertical="center", wrap_text=True)
    number, name = cells[REVIEW_NUMBER_COL - 1], cells[REVIEW_UNIT_COL - 1]
    number.alignment = Alignment(horizontal="center", vertical="center")
    number.font, number.border = styles.body_font, styles.thin
    name.font, name.border, name.alignment = styles.item_font, styles.thin, middle
    if blank:  # no roster: the department types the unit names
        name.fill, name.protection, name.number_format = styles.value_fill, unlocked, "@"
    for cell, column in zip(cells[REVIEW_FIRST_FIELD_COL - 1 :], columns, strict=True):
        cell.border, cell.alignment = styles.thin, middle
        f = column.field
        if f.type == DATE:
            cell.number_format = DATE_FORMAT
        elif f.type in (TEXT, CHOICE, YESNO):
            cell.number_format = "@"
        if column.reference:
            cell.fill = PatternFill("solid", fgColor=REFERENCE_FILL)
            cell.font = Font(name=FONT_NAME, color=REFERENCE_FONT_COLOUR)
        else:
            cell.fill, cell.protection, cell.font = styles.value_fill, unlocked, styles.body_font


def _groups(columns: list[_Column]) -> list[tuple[str, list[_Column]]]:
    """The columns in runs of one item each (an item's columns are adjacent)."""
    groups: list[tuple[str, list[_Column]]] = []
    for column in columns:
        if groups and groups[-1][0] == column.field.item_id:
            groups[-1][1].append(column)
        else:
            groups.append((column.field.item_id, [column]))
    return groups


def _write_review_guide(sheet: Worksheet, scheme: Scheme, department: str, columns: list[_Column]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.column_dimensions["A"].width = 100
    bold = Font(name=FONT_NAME, bold=True)
    reference = any(c.reference for c in columns)
    lines: list[tuple[str, Any]] = [
        (f"{scheme.title} 评分表填写说明", Font(name=FONT_NAME, bold=True, size=14)),
        (f"考核部门：{department}", Font(name=FONT_NAME, bold=True, size=12)),
        (f"考评表版本：{scheme.version}", None),
        ("", None),
        ("填写步骤", bold),
    ]
    steps = [
        f"打开「{REVIEW_SHEET}」工作表：每个单位一行，每一列是本部门负责核定或评分的一个项目。"
        "只在黄色单元格中填写，其他单元格已锁定。",
        "带 * 的是必填项。留空的单元格，该单位的这一项暂不计分（待定），请全部填好后再发回。",
        "百分比填百分数：完成率 95% 填 95（填 95% 也可以），不要填 0.95。",
        f"日期写成 2024-08-15 这样的格式；始终没有完成的，填「{NEVER}」。",
        "“是/否”和选项类的单元格，点单元格右侧的下拉箭头选择；数值超出范围时会弹出提示。",
        f"表头下方浅灰色的一行（「{KEY_HEADER}」「{UNIT_NAME_HEADER}」和各列的编号）是计分程序识别每一列用的，"
        "不要改动；不要插入、删除或移动行和列，不要修改工作表名称和单位名称。",
        "填好后直接保存（保持 .xlsx 格式），按要求发回。",
    ]
    if reference:
        steps.insert(
            1,
            "灰色列是各单位在填报表中填写的数据和自评分（生成本表时已交回的），只供核定时对照，"
            "不需要也不能修改；核定的结果填在黄色单元格中。",
        )
    lines += [(f"{n}. {text}", None) for n, text in enumerate(steps, start=1)]
    lines += [("", None), ("本部门负责的项目和评分标准", bold)]
    for item_id, group in _groups([c for c in columns if not c.reference]):
        item = scheme.item(item_id)
        lines.append((f"{item.id}　{item.name}（{fmt(item.points)}分）", bold))
        if item.criteria:
            lines.append((f"评分标准：{item.criteria}", None))
        for column in group:
            f = column.field
            hint = type_hint(f).replace("\n", "；")
            lines.append((f"　· {_label(f)}（{f.id}）：{hint}", None))
    for row, (text, font) in enumerate(lines, start=1):
        cell = _put_text(sheet.cell(row, 1), text) if text else sheet.cell(row, 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = font or Font(name=FONT_NAME)
        sheet.row_dimensions[row].height = _height([(text, 100)], minimum=22 if font else 18)
    _protect(sheet)
    _print_setup(sheet, scheme, department, repeat=None)


def _write_review_meta(sheet: Worksheet, scheme: Scheme, department: str, generated: str) -> None:
    from famscore import __version__

    rows = [
        (META_TITLE, scheme.title),
        (META_YEAR, "" if scheme.settings.year is None else str(scheme.settings.year)),
        (META_VERSION, scheme.version),
        (META_FINGERPRINT, scheme.fingerprint),
        (META_TYPE, TYPE_REVIEW),
        (META_DEPARTMENT, department),
        (META_FAMSCORE, __version__),
        (META_GENERATED, generated),
    ]
    for row, (key, value) in enumerate(rows, start=1):
        sheet.cell(row, 1, key)
        if value:
            _put_text(sheet.cell(row, 2), value)
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 60
    sheet.sheet_state = "hidden"
    _protect(sheet)


def reported_values(
    scheme: Scheme, folder: Path | str, units: Iterable[str]
) -> tuple[dict[str, Reported], list[Problem]]:
    """The units' returns in `folder`, read as `score` reads them, for the grey columns of a 评分表.

    Keyed by famscore.names.name_key of the unit. A return that cannot be read, or is another
    scheme's, a unit with two returns and a unit not in `units` are problems; their cells stay empty.
    """
    from famscore.batch.folder import list_returns
    from famscore.names import name_key
    from famscore.returns import read_return
    from famscore.reviews import is_review_meta

    folder = Path(folder)
    roster = {name_key(u) for u in units}
    files, problems = list_returns(folder)
    found: dict[str, list[Any]] = {}
    for path in files:
        data = read_return(path, scheme, path.relative_to(folder).as_posix())
        if is_review_meta(data.meta):  # a department's 评分表 kept with the returns: not a unit's figures
            continue
        if not data.readable or data.identity:
            problems += [p for p in data.problems if p.is_error]
            problems.append(Msg.TEMPLATE_RETURN_NOT_SHOWN.problem(data.file))
            continue
        key = name_key(data.unit)
        if key not in roster:
            problems.append(Msg.TEMPLATE_RETURN_NOT_ON_ROSTER.problem(data.file, unit=data.unit))
            continue
        found.setdefault(key, []).append(data)
    reported: dict[str, Reported] = {}
    for key, datas in found.items():
        if len(datas) > 1:
            files_named = "、".join(d.file for d in datas)
            unit = datas[0].unit
            problems.append(
                Msg.TEMPLATE_RETURN_TWICE.problem(
                    datas[0].file, unit=unit, count=len(datas), files=files_named
                )
            )
            continue
        data = datas[0]
        kept = {
            fid: v for fid, v in data.values.items() if fid in scheme.fields and scheme.fields[fid].by_unit
        }
        reported[key] = Reported(data.unit, data.file, kept)
    return reported, problems


__all__ = [
    "Reported",
    "build_review_forms",
    "build_template",
    "build_templates",
    "fill_template",
    "reported_values",
    "review_filename",
    "review_paths",
    "template_filename",
    "type_hint",
    "write_review_form",
]
