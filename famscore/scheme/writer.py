"""Writes a scheme workbook from rows per sheet (for the blank template and the examples)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from famscore.scheme.loader import BANDS, CHOICES, FIELDS, INDICATORS, RULES, SETTINGS

# Column order per sheet, as authors see it; widths in Excel character units (a CJK char ~ 2).
COLUMNS: dict[str, list[tuple[str, int]]] = {
    SETTINGS: [("项目", 16), ("内容", 70)],
    BANDS: [("等级", 12), ("最低分", 10), ("说明", 50)],
    INDICATORS: [
        ("编号", 8),
        ("一级指标", 28),
        ("二级指标", 26),
        ("分值", 8),
        ("计分类别", 10),
        ("最低分", 8),
        ("评分标准", 70),
        ("考核部门", 16),
        ("说明", 40),
    ],
    FIELDS: [
        ("字段编号", 22),
        ("指标编号", 10),
        ("填报项目", 36),
        ("类型", 8),
        ("单位", 8),
        ("最小值", 8),
        ("最大值", 8),
        ("选项", 16),
        ("必填", 6),
        ("填报说明", 50),
        ("读法", 8),
    ],
    CHOICES: [("列表", 20), ("选项", 30)],
    RULES: [("指标编号", 10), ("规则类型", 14), ("字段", 36), ("参数", 50), ("说明", 50)],
}
# Written only when some row fills them, so that schemes without them keep their columns.
OPTIONAL = {"读法"}
WRAPPED = {"内容", "评分标准", "说明", "填报说明", "参数", "一级指标", "二级指标", "填报项目", "字段"}


def write_scheme(sheets: Mapping[str, Sequence[Mapping[str, object]]], path: Path | str) -> Path:
    """Write `sheets` (sheet name -> rows of header -> value) as a formatted scheme workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    path = Path(path)
    book = Workbook()
    book.remove(book.active)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="4F6D8F")
    category_fill = PatternFill("solid", fgColor="DCE6F1")
    for name, columns in COLUMNS.items():
        rows = sheets.get(name, [])
        columns = [c for c in columns if c[0] not in OPTIONAL or any(row.get(c[0]) for row in rows)]
        unknown = {k for row in rows for k in row if row[k] not in ("", None)} - {h for h, _ in columns}
        if unknown:
            raise ValueError(f"{name}: unknown columns {sorted(unknown)}")
        sheet = book.create_sheet(name)
        sheet.append([h for h, _ in columns])
        for col, (_header, width) in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=col)
            cell.font, cell.fill = header_font, header_fill
            sheet.column_dimensions[cell.column_letter].width = width
        for row in rows:
            sheet.append([row.get(h) for h, _ in columns])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text such as '=3' must stay text, not become a formula
            if name == INDICATORS and row.get("一级指标"):
                for cell in sheet[sheet.max_row]:
                    cell.fill = category_fill
                    cell.font = Font(bold=True)
        for col, (header, _) in enumerate(columns, start=1):
            if header in WRAPPED:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    book.properties.title = str(
        next((r["内容"] for r in sheets.get(SETTINGS, []) if r.get("项目") == "标题"), "")
    )
    book.properties.creator = "famscore"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
