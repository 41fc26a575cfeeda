"""The 考评表 sheet: the scheme's facts and the run's, as the summary records them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from famscore.outputs import layout as L
from famscore.outputs.safe import EXCEL_CELL_LIMIT
from famscore.outputs.xlsx import Column, Sheet
from famscore.scoring import BatchResult


def scheme_sheet(sheet: Sheet, batch: BatchResult, generated_at: str, famscore_version: str) -> None:
    scheme = batch.scheme
    s = scheme.settings
    formats = sheet.formats
    sheet.header(
        0, [Column("项目", "text", 16, 10), Column("内容", "wrap", 70, 20), Column("最低分", "num", 10, 8)]
    )
    ranked = sum(1 for u in batch.units if u.rankable)
    errors = sum(1 for p in batch.problems if p.is_error)
    rows: list[tuple[str, object, object]] = [
        (L.K_TITLE, s.title, None),
        (L.K_YEAR, str(s.year) if s.year else "", None),
        (L.K_UNIT_KIND, s.unit_kind, None),
        (L.K_VERSION, s.version, None),
        (L.K_FINGERPRINT, scheme.fingerprint, None),
        (L.K_DECIMALS, s.decimals, None),
        (L.K_MAIN_POINTS, s.main_points, None),
        (L.K_BONUS_POINTS, s.bonus_points, None),
    ]
    for band in scheme.bands:
        rows.append((L.K_BAND, band.name, band.lower if band.lower is not None else L.K_LAST_BAND))
    if not scheme.bands:
        rows.append((L.K_BAND, L.K_NO_BANDS, None))
    rows += [
        (L.K_GRADE_BASIS, s.grade_basis if scheme.bands else "", None),
        (L.K_RANK_BASIS, s.rank_basis, None),
        (L.K_NOTE, s.note, None),
        (L.K_SCHEME_FILE, Path(scheme.path).name if scheme.path else "", None),
        (L.K_VERSION_OF, famscore_version, None),
        (L.K_GENERATED, generated_at, None),
        (L.K_RETURNS, batch.files, None),
        (L.K_UNITS, len(batch.units), None),
        (L.K_RANKED, ranked, None),
        (L.K_PROBLEMS, f"错误 {errors} 处，警告 {len(batch.problems) - errors} 处", None),
    ]
    roster = "\n".join(batch.roster)
    if roster and len(roster.encode("utf-16-le")) // 2 <= EXCEL_CELL_LIMIT:  # else no order, not a cut one
        rows.append((L.K_ROSTER, roster, None))
    label, wrap, num = formats.get("text", "DDEBF7", bold=True), formats.get("wrap"), formats.get("num")
    for row, (key, value, extra) in enumerate(rows, start=1):
        sheet.text(row, 0, key, label)
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            sheet.number(row, 1, value, formats.get("text") if isinstance(value, int) else num)
        else:
            sheet.text(row, 1, value, wrap)
        if isinstance(extra, Decimal):
            sheet.number(row, 2, extra, num)
        elif extra is not None:
            sheet.text(row, 2, extra, formats.get("center"))
    sheet.finish(freeze=(1, 0), portrait=True)  # three narrow columns: a list, printed upright
