"""The 考评表 sheet: the scheme's facts and the run's, as the summary records them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from famscore.outputs.layout import K_BAND
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
        ("标题", s.title, None),
        ("年度", str(s.year) if s.year else "", None),
        ("考核对象", s.unit_kind, None),
        ("版本", s.version, None),
        ("指纹", scheme.fingerprint, None),
        ("小数位数", s.decimals, None),
        ("主要指标满分", s.main_points, None),
        ("附加分上限", s.bonus_points, None),
    ]
    for band in scheme.bands:
        rows.append((K_BAND, band.name, band.lower if band.lower is not None else "其余"))
    if not scheme.bands:
        rows.append((K_BAND, "不定级", None))
    rows += [
        ("定级依据", s.grade_basis if scheme.bands else "", None),
        ("排名依据", s.rank_basis, None),
        ("说明", s.note, None),
        ("考评表文件", Path(scheme.path).name if scheme.path else "", None),
        ("famscore 版本", famscore_version, None),
        ("生成时间", generated_at, None),
        ("回表数", batch.files, None),
        ("计分单位数", len(batch.units), None),
        ("参加排名单位数", ranked, None),
        ("问题数", f"错误 {errors} 处，警告 {len(batch.problems) - errors} 处", None),
    ]
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
    sheet.finish(freeze=(1, 0))
