"""Reading a summary workbook back into the typed view (famscore show / explain)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.errors import UsageError
from famscore.messages import Msg
from famscore.names import name_key
from famscore.numbers import round_half_up, to_decimal
from famscore.outputs import layout as L
from famscore.outputs.audit import audit_csv_path
from famscore.outputs.safe import say
from famscore.outputs.view import (
    PENDING_SUFFIX,
    Band,
    BreakdownRow,
    CategoryHead,
    SchemeFacts,
    SummaryView,
    UnitView,
    grade_counts,
    read_flag,
)
from famscore.scoring import PENDING
from famscore.workbook import cell_at, cell_text, clean_text


def read_summary(path: Path | str) -> SummaryView:
    """Read the 排名 and 考评表 sheets of a summary workbook back, for `famscore show` and `explain`.

    Scores are Decimals rounded to the scheme's decimals. Raises UsageError when the file is not a
    readable famscore summary.
    """
    source = Path(path)
    book = _open(source)
    try:
        rank_rows = book.get_sheet_by_name(L.SHEET_RANK).to_python(skip_empty_area=False)
        scheme_rows = book.get_sheet_by_name(L.SHEET_SCHEME).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for damaged files
        raise _unreadable(source, exc) from exc
    facts = _read_scheme_rows(scheme_rows)
    categories, units = _read_rank_rows(rank_rows, facts.decimals, source)
    counts = grade_counts(facts.bands, (u.grade for u in units))
    return SummaryView(facts, categories, units, len(units), counts, str(source))


def _unreadable(source: Path, exc: Exception) -> UsageError:
    return UsageError(say(Msg.SUMMARY_UNREADABLE, name=source.name, kind=type(exc).__name__), source)


def _open(source: Path) -> Any:
    """The summary workbook opened with calamine, after checking it is one."""
    import python_calamine as calamine

    from famscore.safety import sniff

    if not source.is_file():
        raise UsageError(say(Msg.SUMMARY_NOT_FOUND, path=source), source)
    try:
        kind = sniff(source)
        if kind != "zip":
            raise UsageError(say(Msg.SUMMARY_NOT_XLSX, name=source.name), source)
        book = calamine.CalamineWorkbook.from_path(str(source))
        for needed in (L.SHEET_RANK, L.SHEET_SCHEME):
            if needed not in book.sheet_names:
                raise UsageError(say(Msg.SUMMARY_NOT_FAMSCORE, name=source.name, missing=needed), source)
    except UsageError:
        raise
    except Exception as exc:  # calamine raises several types for damaged files
        raise _unreadable(source, exc) from exc
    return book


def _read_scheme_rows(rows: list[list[Any]]) -> SchemeFacts:
    facts: dict[str, str] = {}
    found: list[tuple[str, Decimal | None]] = []
    for row in rows[1:]:
        key = clean_text(cell_at(row, 0))
        if key == L.K_BAND:
            name = cell_text(cell_at(row, 1))
            if name and name != L.K_NO_BANDS:
                found.append((name, to_decimal(cell_at(row, 2))))
        elif key:
            facts.setdefault(key, cell_text(cell_at(row, 1)))
    decimals_value = to_decimal(facts.get(L.K_DECIMALS, ""))
    decimals = int(decimals_value) if decimals_value is not None else 2
    bands = tuple(Band(name, None if lower is None else _exact(lower, decimals)) for name, lower in found)
    year = to_decimal(facts.get(L.K_YEAR, ""))
    returns = to_decimal(facts.get(L.K_RETURNS, ""))
    return SchemeFacts(
        title=facts.get(L.K_TITLE, ""),
        version=facts.get(L.K_VERSION, ""),
        fingerprint=facts.get(L.K_FINGERPRINT, ""),
        year=int(year) if year is not None else None,
        decimals=decimals,
        main_points=to_decimal(facts.get(L.K_MAIN_POINTS, "")),
        bonus_points=to_decimal(facts.get(L.K_BONUS_POINTS, "")),
        bands=bands,
        grade_basis=facts.get(L.K_GRADE_BASIS, ""),
        rank_basis=facts.get(L.K_RANK_BASIS, ""),
        famscore_version=facts.get(L.K_VERSION_OF, ""),
        generated_at=facts.get(L.K_GENERATED, ""),
        returns=int(returns) if returns is not None else None,
        unit_kind=facts.get(L.K_UNIT_KIND, ""),
        roster=tuple(n for n in facts.get(L.K_ROSTER, "").split("\n") if n.strip()),
    )


def _exact(value: Decimal, decimals: int) -> Decimal:
    return round_half_up(value, decimals)


# The part of UnitResult.pending_reason that says items are unscored (always its last part).
_UNSCORED = re.compile(r"(^|；)有 \d+ 项无法计分（[^\n]*）$")


def _read_rank_rows(
    rows: list[list[Any]], decimals: int, source: Path
) -> tuple[tuple[CategoryHead, ...], tuple[UnitView, ...]]:
    if not rows:
        raise UsageError(say(Msg.SUMMARY_SHEET_EMPTY, name=source.name, tab=L.SHEET_RANK), source)
    # The header is the first row naming 单位: a title row stands above it since 0.3.
    start = next((i for i, r in enumerate(rows[:5]) if L.H_UNIT in (clean_text(c) for c in r)), 0)
    rows = rows[start:]
    header = []
    for value in rows[0]:
        text = clean_text(value)
        if not text:
            break  # the band counts sit to the right, after an empty column
        header.append(text)

    def find(name: str, prefix: bool = False) -> int | None:
        for index, text in enumerate(header):
            if text == name or (prefix and text.startswith(name)):
                return index
        return None

    unit_col, main_col = find(L.H_UNIT), find(L.H_MAIN, prefix=True)
    if unit_col is None or main_col is None or find(L.H_TOTAL) is None:
        raise UsageError(say(Msg.SUMMARY_NO_HEADERS, name=source.name, tab=L.SHEET_RANK), source)
    rank_col, bonus_col, total_col = find(L.H_RANK), find(L.H_BONUS, prefix=True), find(L.H_TOTAL)
    grade_col, flags_col, file_col = find(L.H_GRADE), find(L.H_FLAGS), find(L.H_FILE)
    category_cols = list(range(unit_col + 1, main_col))
    categories = tuple(CategoryHead("", *L.read_category_header(header[i])) for i in category_cols)
    zero = Decimal(0).quantize(Decimal(1).scaleb(-decimals))
    # Without a 附加分 column the bonus is the one bonus category's subtotal (layout.bonus_column).
    bonus_cats = [i for i, c in zip(category_cols, categories, strict=True) if c.bonus]
    if bonus_col is None and len(bonus_cats) == 1:
        bonus_col = bonus_cats[0]

    def number(row: list[Any], index: int | None) -> Decimal | None:
        value = to_decimal(cell_at(row, index)) if index is not None else None
        return None if value is None else _exact(value, decimals)

    units = []
    for row in rows[1:]:
        cells = [cell_at(row, i) for i in range(len(header))]
        if all(c in ("", None) for c in cells):
            break  # end of the table
        rank = to_decimal(cell_at(row, rank_col)) if rank_col is not None else None
        subtotals = tuple(number(row, i) for i in category_cols)
        flags, notes, reason = [], [], ""
        for line in cell_text(cell_at(row, flags_col)).split("\n"):
            if not line.strip():
                continue
            flag = read_flag(line)
            if flag is not None:
                flags.append(flag)
            elif line.startswith(f"{PENDING}："):
                reason = line[len(PENDING) + 1 :]
            else:
                notes.append(line)
        # A category's subtotal is blank exactly when one of its items could not be scored.
        complete = None not in subtotals
        held = reason.removesuffix(PENDING_SUFFIX)
        if not complete:
            held = _UNSCORED.sub("", held)
        units.append(
            UnitView(
                rank=int(rank) if rank is not None else None,
                unit=cell_text(cell_at(row, unit_col)),
                file=cell_text(cell_at(row, file_col)),
                categories=subtotals,
                main=number(row, main_col),
                bonus=number(row, bonus_col) or zero,
                total=number(row, total_col),
                grade=cell_text(cell_at(row, grade_col)),
                flags=tuple(flags),
                notes=tuple(notes),
                complete=complete,
                held=held if reason else "",
                reason=reason,
            )
        )
    return categories, tuple(units)


def read_breakdown(path: Path | str, summary: SummaryView, unit: UnitView) -> list[BreakdownRow]:
    """One unit's audit rows from a summary, with its category subtotals where the items can be placed.

    Reads the 计分过程 sheets, or the CSV beside the workbook when the audit was split out; [] when
    the unit has none. The summary does not record which items belong to which category, but a
    category's points are the sum of its items' (the scheme loader checks it) and items are in scheme
    order, so consecutive items are taken until their maxima reach the category's points; if that
    does not account for every item exactly, the items are shown without categories.
    """
    return place_items(summary, unit, _audit_rows(Path(path), unit.unit), matrix_groups(Path(path)))


def read_breakdowns(path: Path | str, summary: SummaryView) -> dict[str, list[BreakdownRow]]:
    """Every unit's breakdown as `read_breakdown` gives it, keyed by famscore.names.name_key, reading
    the audit once (the notice needs all of them)."""
    table = _audit_table(Path(path))
    groups = matrix_groups(Path(path))
    found: dict[str, list[BreakdownRow]] = {}
    for unit in summary.units:
        key = name_key(unit.unit)
        found[key] = place_items(summary, unit, table.get(key, []), groups)
    return found


def place_items(
    summary: SummaryView,
    unit: UnitView,
    items: list[BreakdownRow],
    groups: dict[str, tuple[str, str]] | None = None,
) -> list[BreakdownRow]:
    """A unit's audit rows under their categories, as `read_breakdown` places them.

    `groups`: the 得分明细 sheet's categories per item (matrix_groups); without them, by points."""
    heads = summary.categories
    if not items or not heads:
        return items
    grouped = _grouped(groups, summary, unit, items) if groups else None
    if grouped is not None:
        return grouped
    if any(c.points is None for c in heads):
        return items
    rows: list[BreakdownRow] = []
    position = 0
    for index, head in enumerate(heads):
        taken = Decimal(0)
        rows.append(BreakdownRow(head.id, head.name, head.points, unit.categories[index], category=True))
        while position < len(items) and (taken < (head.points or 0) or index == len(heads) - 1):
            if items[position].points is None:
                return items
            taken += items[position].points or 0
            rows.append(items[position])
            position += 1
        if taken != head.points:
            return items
    return rows if position == len(items) else items


def matrix_groups(source: Path) -> dict[str, tuple[str, str]] | None:
    """item id -> (category id, category header) from the 得分明细 sheet's row of categories over its
    items (written since 0.3), or None when the sheet has no such row."""
    try:
        rows = _open(source).get_sheet_by_name(L.SHEET_MATRIX).to_python(skip_empty_area=False)
    except Exception:  # an older summary, or one without the sheet: fall back to the points
        return None
    if len(rows) < 2 or clean_text(cell_at(rows[0], 0)) != L.M_CATEGORY:
        return None
    groups: dict[str, tuple[str, str]] = {}
    current: tuple[str, str] | None = None
    for col in range(1, len(rows[1])):
        band = clean_text(cell_at(rows[0], col))
        if band:
            current = L.read_matrix_group(band) if band != L.M_SUM else None
        item_id = clean_text(cell_at(rows[1], col)).partition(" ")[0]
        if current is not None and item_id:
            groups[item_id] = current
    return groups


def _grouped(
    groups: dict[str, tuple[str, str]], summary: SummaryView, unit: UnitView, items: list[BreakdownRow]
) -> list[BreakdownRow] | None:
    """The breakdown placed by the 得分明细 categories, or None when they do not fit the audit."""
    if any(i.id not in groups for i in items):
        return None
    order = list(dict.fromkeys(groups.values()))  # the categories in the 排名 sheet's order
    names = [h.name for h in summary.categories]
    out: list[BreakdownRow] = []
    seen: tuple[str, str] | None = None
    for item in items:
        group = groups[item.id]
        if group != seen:
            seen = group
            category_id, header = group
            name, points, _bonus = L.read_category_header(header)
            if len(order) == len(names):
                subtotal = unit.categories[order.index(group)]
            else:  # a category without items has no band: match by name
                subtotal = unit.categories[names.index(name)] if name in names else None
            out.append(BreakdownRow(category_id, name, points, subtotal, category=True))
        out.append(item)
    return out


def audit_table(source: Path) -> list[list[Any]]:
    """Every row of the summary's audit (the 计分过程 sheets, or the CSV beside it), header left out."""
    import csv

    book = _open(source)
    headers = [c.header for c in L.AUDIT_COLUMNS]
    rows: list[list[Any]] = []
    sheets = [n for n in book.sheet_names if n.startswith(L.SHEET_AUDIT)]
    for name in sheets:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if data and [cell_text(c) for c in data[0][: len(headers)]] == headers:
            rows.extend(data[1:])
    if not rows and audit_csv_path(source).is_file():
        with audit_csv_path(source).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            rows = [list(r) for r in reader]
    return rows


def _audit_rows(source: Path, unit: str) -> list[BreakdownRow]:
    return _audit_table(source).get(name_key(unit), [])


def _audit_table(source: Path) -> dict[str, list[BreakdownRow]]:
    """The audit's rows as BreakdownRows, per unit (famscore.names.name_key)."""
    rows = audit_table(source)
    headers = [c.header for c in L.AUDIT_COLUMNS]
    column = {h: i for i, h in enumerate(headers)}
    found: dict[str, list[BreakdownRow]] = {}
    for row in rows:
        name = cell_text(cell_at(row, 0))
        if name.startswith("'"):
            name = name[1:]
        if name:
            found.setdefault(name_key(name), []).append(
                BreakdownRow(
                    cell_text(cell_at(row, column[L.A_ITEM_ID])),
                    cell_text(cell_at(row, column[L.A_ITEM_NAME])),
                    to_decimal(cell_at(row, column[L.A_POINTS])),
                    to_decimal(cell_at(row, column[L.A_SCORE])),
                    cell_text(cell_at(row, column[L.A_EXPLANATION])),
                )
            )
    return found
