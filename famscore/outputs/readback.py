"""Reading a summary workbook back (famscore show / explain)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.errors import UsageError
from famscore.names import name_key
from famscore.numbers import round_half_up, to_decimal
from famscore.outputs.audit import audit_csv_path
from famscore.outputs.layout import (
    AUDIT_COLUMNS,
    H_BONUS,
    H_FILE,
    H_FLAGS,
    H_GRADE,
    H_MAIN,
    H_RANK,
    H_TOTAL,
    H_UNIT,
    K_BAND,
    SHEET_AUDIT,
    SHEET_RANK,
    SHEET_SCHEME,
)


def read_summary(path: Path | str) -> dict[str, Any]:
    """Read the 排名 and 考评表 sheets of a summary workbook back, for `famscore show`.

    Returns {"path", "scheme": {title, version, fingerprint, year, decimals, bands: [{name, lower}],
    grade_basis, rank_basis, famscore_version, generated_at, returns}, "categories": [header, ...],
    "units": [{rank, unit, categories: {header: Decimal|None}, main, bonus, total, grade, flags, file}]}
    with scores as Decimals rounded to the scheme's decimals. Raises UsageError when the file is not
    a readable famscore summary.
    """
    import python_calamine as calamine

    from famscore.safety import sniff

    source = Path(path)
    if not source.is_file():
        raise UsageError(f"找不到汇总表「{source}」，请检查路径", source)
    try:
        kind = sniff(source)
        if kind != "zip":
            raise UsageError(
                f"「{source.name}」不是 .xlsx 汇总表，请指定 famscore score 生成的汇总表", source
            )
        book = calamine.CalamineWorkbook.from_path(str(source))
        names = book.sheet_names
        for needed in (SHEET_RANK, SHEET_SCHEME):
            if needed not in names:
                raise UsageError(
                    f"「{source.name}」不是 famscore 生成的汇总表（缺少工作表「{needed}」）", source
                )
        rank_rows = book.get_sheet_by_name(SHEET_RANK).to_python(skip_empty_area=False)
        scheme_rows = book.get_sheet_by_name(SHEET_SCHEME).to_python(skip_empty_area=False)
    except UsageError:
        raise
    except Exception as exc:  # calamine raises several types for damaged files
        raise UsageError(
            f"无法读取汇总表「{source.name}」（{type(exc).__name__}），请重新生成", source
        ) from exc
    scheme = _read_scheme_rows(scheme_rows)
    categories, units = _read_rank_rows(rank_rows, scheme["decimals"], source)
    return {"path": str(source), "scheme": scheme, "categories": categories, "units": units}


def _cell(row: list, index: int | None) -> object:
    if index is None or index >= len(row):
        return ""
    return row[index]


def _str(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_scheme_rows(rows: list[list]) -> dict[str, Any]:
    facts: dict[str, str] = {}
    bands: list[dict[str, Any]] = []
    for row in rows[1:]:
        key = _str(_cell(row, 0)).strip()
        if key == K_BAND:
            name = _str(_cell(row, 1))
            if name and name != "不定级":
                bands.append({"name": name, "lower": to_decimal(_cell(row, 2))})
        elif key:
            facts.setdefault(key, _str(_cell(row, 1)))
    decimals_value = to_decimal(facts.get("小数位数", ""))
    decimals = int(decimals_value) if decimals_value is not None else 2
    for band in bands:
        if band["lower"] is not None:
            band["lower"] = _exact(band["lower"], decimals)
    year = to_decimal(facts.get("年度", ""))
    returns = to_decimal(facts.get("回表数", ""))
    return {
        "title": facts.get("标题", ""),
        "version": facts.get("版本", ""),
        "fingerprint": facts.get("指纹", ""),
        "year": int(year) if year is not None else None,
        "decimals": decimals,
        "bands": bands,
        "grade_basis": facts.get("定级依据", ""),
        "rank_basis": facts.get("排名依据", ""),
        "famscore_version": facts.get("famscore 版本", ""),
        "generated_at": facts.get("生成时间", ""),
        "returns": int(returns) if returns is not None else None,
    }


def _exact(value: Decimal, decimals: int) -> Decimal:
    return round_half_up(value, decimals)


def _read_rank_rows(rows: list[list], decimals: int, source: Path) -> tuple[list[str], list[dict[str, Any]]]:
    if not rows:
        raise UsageError(f"「{source.name}」的「{SHEET_RANK}」工作表是空的，请重新生成汇总表", source)
    header = []
    for value in rows[0]:
        text = _str(value).strip()
        if not text:
            break  # the band counts sit to the right, after an empty column
        header.append(text)

    def find(name: str, prefix: bool = False) -> int | None:
        for index, text in enumerate(header):
            if text == name or (prefix and text.startswith(name)):
                return index
        return None

    unit_col, main_col = find(H_UNIT), find(H_MAIN, prefix=True)
    if unit_col is None or main_col is None or find(H_TOTAL) is None:
        raise UsageError(
            f"「{source.name}」的「{SHEET_RANK}」工作表缺少表头（单位/主要指标得分/总分），"
            "请用 famscore score 重新生成汇总表",
            source,
        )
    cols = {
        "rank": find(H_RANK),
        "bonus": find(H_BONUS, prefix=True),
        "total": find(H_TOTAL),
        "grade": find(H_GRADE),
        "flags": find(H_FLAGS),
        "file": find(H_FILE),
    }
    category_cols = list(range(unit_col + 1, main_col))
    categories = [header[i] for i in category_cols]

    def number(row: list, index: int | None) -> Decimal | None:
        value = to_decimal(_cell(row, index)) if index is not None else None
        return None if value is None else _exact(value, decimals)

    units = []
    for row in rows[1:]:
        cells = [_cell(row, i) for i in range(len(header))]
        if all(c in ("", None) for c in cells):
            break  # end of the table
        rank = to_decimal(_cell(row, cols["rank"])) if cols["rank"] is not None else None
        flags = _str(_cell(row, cols["flags"]))
        units.append(
            {
                "rank": int(rank) if rank is not None else None,
                "unit": _str(_cell(row, unit_col)),
                "categories": {header[i]: number(row, i) for i in category_cols},
                "main": number(row, main_col),
                "bonus": number(row, cols["bonus"]) or Decimal(0).quantize(Decimal(1).scaleb(-decimals)),
                "total": number(row, cols["total"]),
                "grade": _str(_cell(row, cols["grade"])),
                "flags": [f for f in flags.split("\n") if f.strip()],
                "file": _str(_cell(row, cols["file"])),
            }
        )
    return categories, units


def read_audit(path: Path | str, unit: str) -> list[dict[str, str]]:
    """One unit's audit rows (指标编号, 指标名称, 满分, 得分, 填报值, 备注, 计分说明) from a summary.

    Reads the 计分过程 sheets, or the CSV beside the workbook when the audit was split out.
    Raises UsageError when the file is not a famscore summary.
    """
    import csv

    import python_calamine as calamine

    read_summary(path)  # validates that this is a summary and gives the same messages if not
    source = Path(path)
    book = calamine.CalamineWorkbook.from_path(str(source))
    headers = [c.header for c in AUDIT_COLUMNS]
    rows: list[list[object]] = []
    sheets = [n for n in book.sheet_names if n.startswith(SHEET_AUDIT)]
    for name in sheets:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if data and [_str(c) for c in data[0][: len(headers)]] == headers:
            rows.extend(data[1:])
    if not rows and audit_csv_path(source).is_file():
        with audit_csv_path(source).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            rows = [list(r) for r in reader]
    found = []
    wanted = name_key(unit)
    for row in rows:
        name = _str(_cell(row, 0))
        if name.startswith("'"):
            name = name[1:]
        if name_key(name) == wanted:
            found.append({h: _str(_cell(row, i)) for i, h in enumerate(headers)})
    return found
