"""Returned feedback workbooks read back: each unit's replies per item, from workbooks whose scores are as sent."""

# A feedback workbook (famscore.outputs.feedback) records in its hidden _meta every score cell it shows
# and a checksum of that record. A returned workbook is trusted only when the record still matches its
# checksum and every recorded cell still shows what was sent; otherwise it is reported at the changed
# cell and its replies are left out, so the commission never answers a reply to scores it did not give.

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.errors import Problem, column_number
from famscore.messages import Msg
from famscore.numbers import round_half_up, to_decimal
from famscore.outputs import feedback as F
from famscore.workbook import cell_at, cell_text, find_sheet


@dataclass(frozen=True)
class Objection:
    """One reply: the unit, the item it is about, the score sent, what the unit wrote, who wrote it."""

    unit: str
    item: str  # item id, '' for the free reply below the table
    name: str  # item name, or OTHER_ITEM
    score: str  # as the workbook showed it
    reply: str
    signer: str
    phone: str
    date: str
    file: str


@dataclass
class Collected:
    """What a folder of returned feedback workbooks gave: the replies, the problems, the files read."""

    objections: list[Objection] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0
    trusted: int = 0  # feedback workbooks whose replies were taken


def collect_objections(folder: Path, fingerprint: str = "") -> Collected:
    """Every reply in the feedback workbooks under `folder` (checked against the scheme's `fingerprint`
    when given). Files that are no feedback workbook, cannot be read, or were edited are problems."""
    from famscore.batch.folder import list_returns

    files, notes = list_returns(folder)
    found = Collected(problems=list(notes))
    for path in files:
        found.files += 1
        display = _display(path, folder)
        objections, problems = read_feedback(path, display, fingerprint)
        found.problems.extend(problems)
        if not any(p.is_error for p in problems):
            found.trusted += 1
            found.objections.extend(objections)
    _twice(found)
    return found


def _display(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return path.name


def _twice(found: Collected) -> None:
    """Two trusted workbooks of one unit: both are kept, and said."""
    files: dict[str, list[str]] = {}
    for objection in found.objections:
        names = files.setdefault(objection.unit, [])
        if objection.file not in names:
            names.append(objection.file)
    for unit, names in files.items():
        if len(names) > 1:
            found.problems.append(Msg.FEEDBACK_TWICE.problem(names[0], unit=unit, files="、".join(names)))


def read_feedback(path: Path, display: str, fingerprint: str = "") -> tuple[list[Objection], list[Problem]]:
    """One returned feedback workbook: its replies, and why it cannot be trusted (errors) if so."""
    from famscore.returns import SPREADSHEET_SUFFIXES
    from famscore.safety import open_return

    opened = open_return(path)
    if opened.book is None and not opened.spreadsheet and path.suffix.lower() not in SPREADSHEET_SUFFIXES:
        # A covering letter or scan sent back beside the workbook is not a broken feedback workbook.
        return [], [
            Msg.FEEDBACK_NOT_SPREADSHEET.problem(display, what=f"（{opened.kind}）" if opened.kind else "")
        ]
    if opened.book is None:
        text, fix = opened.reason
        return [], [Msg.FEEDBACK_UNREADABLE.problem(display, reason=text.rstrip("，。"), fix=fix)]
    book = opened.book
    names = list(book.sheet_names)
    meta_name, sheet_name = find_sheet(names, F.META_SHEET), find_sheet(names, F.FEEDBACK_SHEET)
    try:
        meta_rows = book.get_sheet_by_name(meta_name).to_python(skip_empty_area=False) if meta_name else []
    except Exception:  # calamine raises several types for damaged sheets
        meta_rows = []
    meta = {cell_text(cell_at(r, 0)).strip(): cell_text(cell_at(r, 1)).strip() for r in meta_rows}
    if meta.get(F.M_KIND) != F.KIND or sheet_name is None:
        return [], [Msg.FEEDBACK_NOT_ONE.problem(display)]
    unit = meta.get(F.M_UNIT, "")
    if fingerprint and meta.get(F.M_FINGERPRINT) != fingerprint:
        return [], [
            Msg.FEEDBACK_OTHER_SCHEME.problem(
                display,
                F.META_SHEET,
                unit=unit,
                title=meta.get(F.M_TITLE, ""),
                version=meta.get(F.M_VERSION, ""),
            )
        ]
    records = _records(meta_rows)
    if F.checksum(meta.get(F.M_FINGERPRINT, ""), unit, records) != meta.get(F.M_CHECKSUM):
        return [], [Msg.FEEDBACK_META_EDITED.problem(display, F.META_SHEET, unit=unit)]
    try:
        rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for damaged sheets
        return [], [Msg.FEEDBACK_UNREADABLE.problem(display, reason=type(exc).__name__, fix="")]
    decimals = int(to_decimal(meta.get(F.M_DECIMALS, "")) or 2)
    problems = [
        Msg.FEEDBACK_SCORE_EDITED.problem(
            display, sheet_name, cell=ref, unit=unit, sent=sent, now=now or "（空）"
        )
        for ref, sent, now in _edited(rows, records, decimals)
    ]
    if problems:
        return [], problems

    def at(ref: str) -> str:
        return _text(_cell(rows, ref)) if ref else ""

    contact = (at(meta.get(F.M_SIGNER, "")), at(meta.get(F.M_PHONE, "")), at(meta.get(F.M_DATE, "")))
    objections = []
    for _ref, sent, item, name, reply_ref in records:
        reply = at(reply_ref)
        if item and reply:
            objections.append(Objection(unit, item, name, sent, reply, *contact, display))
    other = at(meta.get(F.M_OTHER, ""))
    if other:
        objections.append(Objection(unit, "", F.OTHER_ITEM, "", other, *contact, display))
    return objections, []


def _records(rows: Sequence[Sequence[Any]]) -> list[tuple[str, str, str, str, str]]:
    """The _meta table of checked cells (after its header row), as written."""
    records: list[tuple[str, str, str, str, str]] = []
    started = False
    for row in rows:
        cells = tuple(cell_text(cell_at(row, i)) for i in range(len(F.M_TABLE)))
        if started:
            if not any(cells):
                break
            records.append(cells)  # type: ignore[arg-type]
        elif cells == F.M_TABLE:
            started = True
    return records


def _edited(
    rows: Sequence[Sequence[Any]], records: Sequence[tuple[str, ...]], decimals: int
) -> list[tuple[str, str, str]]:
    """(cell, as sent, as found) for every recorded cell that no longer shows what was sent."""
    changed = []
    for ref, sent, *_ in records:
        found = _cell(rows, ref)
        if not _same(found, sent, decimals):
            changed.append((ref, sent, _text(found)))
    return changed


def _same(found: object, sent: str, decimals: int) -> bool:
    expected = to_decimal(sent) if sent else None
    if expected is not None and isinstance(found, (int, float)) and not isinstance(found, bool):
        number = to_decimal(found)
        return number is not None and round_half_up(number, decimals) == round_half_up(expected, decimals)
    return _text(found) == sent


def _cell(rows: Sequence[Sequence[Any]], ref: str) -> object:
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    if not letters or not digits:
        return ""
    row = int(digits) - 1
    if row >= len(rows):
        return ""
    return cell_at(rows[row], column_number(letters) - 1)


def _text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return cell_text(value) if value.is_integer() else str(Decimal(repr(value)))
    return cell_text(value).strip()


# ---------------------------------------------------------------- 异议汇总.xlsx

SHEET_OBJECTIONS = "异议汇总"
SHEET_PROBLEMS = "问题"
OBJECTION_COLUMNS = (
    ("单位", "text", 24, 8),
    ("指标编号", "center", 10, 6),
    ("指标", "wrap", 24, 10),
    ("核定分", "center", 8, 6),
    ("异议说明", "wrap", 60, 20),
    ("填报人", "text", 10, 6),
    ("联系电话", "text", 14, 8),
    ("日期", "text", 12, 8),
    ("反馈表文件", "text", 40, 10),
)


def objections_writer(found: Collected) -> Any:
    """The function writing 异议汇总.xlsx to a temporary path (for an OutputSet)."""
    return lambda temp: _write(found, temp)


def _write(found: Collected, path: Path) -> None:
    import xlsxwriter

    from famscore.outputs.problems import problems_sheet
    from famscore.outputs.xlsx import Column, Formats, Notes, Sheet

    book = xlsxwriter.Workbook(
        str(path), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        formats = Formats(book, 2)
        notes = Notes(path.name)
        sheet = Sheet(book, formats, SHEET_OBJECTIONS, notes)
        sheet.header(0, [Column(*c) for c in OBJECTION_COLUMNS])
        kinds = [formats.get(kind) for _, kind, _, _ in OBJECTION_COLUMNS]
        row = 0
        for objection in found.objections:
            row += 1
            values = (
                objection.unit,
                objection.item,
                objection.name,
                objection.score,
                objection.reply,
                objection.signer,
                objection.phone,
                objection.date,
                objection.file,
            )
            for col, value in enumerate(values):
                sheet.text(row, col, value, kinds[col])
        if row == 0:
            row = 1
            sheet.text(row, 0, "没有收到异议", formats.get("text"))
        sheet.ws.autofilter(0, 0, row, len(OBJECTION_COLUMNS) - 1)
        sheet.finish(freeze=(1, 1), last_col=len(OBJECTION_COLUMNS) - 1, last_row=row)
        problems_sheet(Sheet(book, formats, SHEET_PROBLEMS, notes), found.problems, notes)
    finally:
        book.close()
