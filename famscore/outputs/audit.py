"""The audit trail (计分过程): one row per unit × item, in the workbook or, when large, a CSV beside it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from famscore.numbers import fmt
from famscore.outputs.layout import AUDIT_COLUMNS, SHEET_AUDIT
from famscore.outputs.safe import clean_text
from famscore.outputs.xlsx import ERROR_FILL, Column, Formats, Notes, Sheet
from famscore.scoring import BatchResult, UnitResult
from famscore.values import shown

MAX_ROWS = 1_048_576  # Excel's row limit: the audit sheet continues on 计分过程2, 计分过程3, ...

# Above this many unit × item rows the audit goes to a CSV beside the workbook: xlsxwriter manages
# ~100,000 cells a second, so 10,000 units × 40 items in the workbook would take most of a minute.
AUDIT_ROWS_IN_WORKBOOK = 20_000


def audit_csv_path(path: Path | str) -> Path:
    """Where the audit goes when it is too large for the workbook."""
    path = Path(path)
    return path.with_name(f"{path.stem}_计分过程.csv")


def audit_in_workbook(batch: BatchResult) -> bool:
    """Whether the audit fits the workbook (else `audit_csv_target` says where it goes)."""
    return len(batch.units) * len(batch.scheme.items) <= AUDIT_ROWS_IN_WORKBOOK


def audit_csv_target(batch: BatchResult, summary: Path | str) -> Path | None:
    """The one decision about the audit: the CSV beside `summary` it goes to, or None when it stays
    in the workbook's 计分过程 sheet. The summary writer, the output batch and the CLI all ask here."""
    return None if audit_in_workbook(batch) else audit_csv_path(summary)


def no_verify(path: Path) -> None:
    """CSV has no structure to check; a write that failed has already raised."""


def audit_sheets(book: Any, formats: Formats, first: Sheet, batch: BatchResult, notes: Notes) -> int:
    """Stream one row per unit × item; returns how many continuation sheets were needed."""
    scheme = batch.scheme
    fields_of = {item.id: scheme.fields_of(item.id) for item in scheme.items}
    sheet = first
    sheet.header(0, AUDIT_COLUMNS)
    extra = 0
    row = 0
    text, wrap, center = formats.get("text"), formats.get("wrap"), formats.get("center")
    num, missing = formats.get("num"), formats.get("num", ERROR_FILL)
    for unit in batch.units:
        values, raw, remarks, sources = unit.values, unit.raw, unit.remarks, _department_sources(batch, unit)
        for score in unit.items:
            row += 1
            if row >= MAX_ROWS:
                _finish_audit(sheet, row - 1)
                extra += 1
                sheet = Sheet(book, formats, f"{SHEET_AUDIT}{extra + 1}", notes)
                sheet.header(0, AUDIT_COLUMNS)
                row = 1
            item = score.item
            fields = fields_of[item.id]
            sheet.text(row, 0, unit.unit, text)
            sheet.text(row, 1, item.id, center)
            sheet.text(row, 2, item.name, wrap)
            sheet.number(row, 3, item.points, num)
            sheet.number(row, 4, score.score, missing if score.score is None else num)
            sheet.text(row, 5, _inputs(values, raw, fields, sources), wrap)
            sheet.text(row, 6, _remarks(remarks, fields), wrap)
            sheet.text(row, 7, score.explanation, wrap)
    _finish_audit(sheet, row)
    return extra


def audit_pointer(sheet: Sheet, batch: BatchResult, csv_path: Path) -> None:
    rows = len(batch.units) * len(batch.scheme.items)
    sheet.header(0, [Column("说明", "wrap", 100, 20)])
    sheet.text(
        1,
        0,
        f"单位 × 指标共 {rows} 行，超过 {AUDIT_ROWS_IN_WORKBOOK} 行；为保证速度，计分过程另存为同一文件夹中的"
        f"「{csv_path.name}」（UTF-8 编码，Excel/WPS 可直接打开），各列与本表相同。",
        sheet.formats.get("wrap"),
    )
    sheet.finish(freeze=(1, 0))


def audit_csv_writer(batch: BatchResult) -> Callable[[Path], None]:
    return lambda temp: _audit_csv(batch, temp)


def _audit_csv(batch: BatchResult, path: Path) -> None:
    """The audit as CSV: streamed, every value text, formula-looking text defused with a leading '."""
    import csv

    scheme = batch.scheme
    fields_of = {item.id: scheme.fields_of(item.id) for item in scheme.items}
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow([c.header for c in AUDIT_COLUMNS])
        for unit in batch.units:
            name = _csv_text(unit.unit)
            values, raw, remarks = unit.values, unit.raw, unit.remarks
            sources = _department_sources(batch, unit)
            for score in unit.items:
                item = score.item
                fields = fields_of[item.id]
                out.writerow(
                    [
                        name,
                        item.id,
                        item.name,
                        fmt(item.points),
                        "" if score.score is None else fmt(score.score),
                        _csv_text(_inputs(values, raw, fields, sources)),
                        _csv_text(_remarks(remarks, fields)),
                        score.explanation,
                    ]
                )


def _csv_text(text: str) -> str:
    # Excel runs CSV cells beginning with = + - @ as formulas (CSV injection); a leading ' keeps them text.
    text = clean_text(text).text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _finish_audit(sheet: Sheet, last_row: int) -> None:
    sheet.ws.autofilter(0, 0, max(last_row, 1), len(AUDIT_COLUMNS) - 1)
    sheet.finish(freeze=(1, 2))


def _inputs(
    values: dict[str, object], raw: dict[str, str], fields: list, sources: Mapping[str, str] | None = None
) -> str:
    """The values feeding one item, as 'label=value' joined: the same text in the sheet and the CSV.

    A value a department filled names its 评分表 file and cell: 'label=3（评分表_家发科.xlsx 评分表!F7）'.
    """
    sources = sources or {}
    return "；".join(
        f"{f.label}={_entered(values, raw, f.id)}" + (f"（{sources[f.id]}）" if f.id in sources else "")
        for f in fields
    )


def _department_sources(batch: BatchResult, unit: UnitResult) -> Mapping[str, str]:
    """Where each department value of the unit was read (two-party schemes only; {} otherwise)."""
    if not batch.scheme.two_party:
        return {}
    fields = batch.scheme.fields
    return {fid: where for fid, where in unit.sources.items() if fid in fields and not fields[fid].by_unit}


def _entered(values: dict[str, object], raw: dict[str, str], field_id: str) -> str:
    typed = raw.get(field_id, "")
    if typed != "":
        return typed
    value = values.get(field_id)
    return "（未填）" if value is None else shown(value)


def _remarks(remarks: dict[str, str], fields: list) -> str:
    """A single remark as it was written; several as 'label：remark' joined."""
    found = [(f.label, remarks[f.id]) for f in fields if remarks.get(f.id)]
    if len(found) == 1:
        return found[0][1]
    return "；".join(f"{label}：{remark}" for label, remark in found)
