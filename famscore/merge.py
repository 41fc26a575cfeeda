"""The departments' 评分表 merged per unit (DepartmentValues), with a located problem for every doubt about them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from famscore.errors import Problem
from famscore.messages import Msg
from famscore.reviews import ReviewData, ReviewValue
from famscore.scheme.model import Field, Scheme

LISTED = 5  # units or items named in one problem; the rest are counted
CONFLICTS_LISTED = 20  # cells two copies of one department's 评分表 disagree on, reported one by one


def _label(fdef: Field) -> str:
    return f"「{fdef.label or fdef.id}」（{fdef.id}）"


def _names(names: list[str]) -> tuple[str, str]:
    return "、".join(names[:LISTED]), f"等 {len(names)} 个" if len(names) > LISTED else ""


def _shown(value: ReviewValue | None) -> str:
    from famscore.values import shown

    return shown(value.value) if value is not None else "空白"


@dataclass
class DepartmentValues:
    """What the departments' 评分表 say, per unit (keyed by famscore.names.name_key).

    Built once in the parent from the ReviewData read, without copying them: a unit's values come from
    the first usable 评分表 of each department that has its row, less the cells in doubt; where each
    value is, in words, only when an output asks.
    """

    scheme: Scheme
    reviews: dict[str, list[ReviewData]]  # department -> its usable 评分表, by file name
    doubtful: dict[str, set[str]] = field(default_factory=dict)  # key -> fields a problem already names
    missing: dict[str, str] = field(default_factory=dict)  # department without a usable 评分表 -> note
    problems: list[Problem] = field(default_factory=list)

    def _rows(self, key: str) -> Iterable[ReviewData]:
        """The 评分表 each department's values for the unit come from."""
        for copies in self.reviews.values():
            chosen = next((r for r in copies if key in r.units), None)
            if chosen is not None:
                yield chosen

    def values_of(self, key: str) -> dict[str, object]:
        doubtful = self.doubtful.get(key, ())
        return {
            fid: cell.value
            for data in self._rows(key)
            for fid, cell in data.values.get(key, {}).items()
            if fid not in doubtful
        }

    def sources_of(self, key: str) -> dict[str, str]:
        """Field id -> '评分表_X.xlsx 评分表!F7' for each department value the unit has."""
        doubtful = self.doubtful.get(key, ())
        return {
            fid: f"{data.file} {data.sheet}!{cell_of(data, key, fid)}"
            for data in self._rows(key)
            for fid in data.values.get(key, {})
            if fid not in doubtful
        }

    def said_once(self, key: str, fid: str) -> bool:
        """Whether a department field missing for the unit is already named by a batch-wide problem
        (its 评分表 missing, the unit's row missing, two copies disagreeing, a value refused)."""
        filler = self.scheme.fields[fid].filler
        if filler in self.missing or fid in self.doubtful.get(key, ()):
            return True
        return not any(key in r.units for r in self.reviews.get(filler, ()))

    def blank_problem(self, key: str, unit: str, fid: str, item: str) -> Problem | None:
        """The 评分表 cell a unit's needed value was left blank in (None when said elsewhere)."""
        if self.said_once(key, fid):
            return None
        fdef = self.scheme.fields[fid]
        data = next(r for r in self.reviews[fdef.filler] if key in r.units)
        cell = cell_of(data, key, fid)
        return Msg.MERGE_REVIEW_BLANK.problem(
            data.file,
            data.sheet,
            cell=cell,
            unit=unit,
            label=_label(fdef),
            item=item,
            department=fdef.filler,
        )

    def check_units(self, roster: Mapping[str, str] | None, returned: Mapping[str, str]) -> list[Problem]:
        """Rows for units not on the roster (or, without one, that sent no return); units with a return
        but no row.

        `roster` and `returned`: unit key -> unit as shown.
        """
        problems: list[Problem] = []
        expected = roster if roster is not None else returned
        for department, copies in self.reviews.items():
            for data in copies:
                for key, (written, row) in data.units.items():
                    if key in expected:
                        continue
                    message = (
                        Msg.MERGE_REVIEW_UNIT_NOT_ON_ROSTER
                        if roster is not None
                        else Msg.MERGE_REVIEW_UNIT_NO_RETURN
                    )
                    problems.append(message.problem(data.file, data.sheet, cell=f"第 {row} 行", unit=written))
            # Only units that are scored: one that sent no return is named for that already.
            absent = [shown for key, shown in returned.items() if not any(key in r.units for r in copies)]
            if absent:
                units, more = _names(absent)
                problems.append(
                    Msg.MERGE_REVIEW_UNITS_MISSING.problem(
                        copies[0].file,
                        copies[0].sheet,
                        count=len(absent),
                        units=units,
                        more=more,
                        items=self.items_of(department),
                        department=department,
                    )
                )
        return problems

    def items_of(self, department: str) -> str:
        """The items a department judges or verifies, as a problem names them."""
        names = [
            f"「{name}」"
            for name in dict.fromkeys(
                self.scheme.item(f.item_id).name for f in self.scheme.filled_by(department)
            )
        ]
        shown, more = _names(names)
        return shown + (f"等 {len(names)} 项" if more else "")


def cell_of(data: ReviewData, key: str, fid: str) -> str:
    """Where a 评分表 holds a unit's field: its column and the unit's row ('F7')."""
    cell = data.values.get(key, {}).get(fid)
    if cell is not None and cell.cell:
        return cell.cell
    column, row = data.columns.get(fid, ""), data.units[key][1]
    return f"{column}{row}" if column else f"第 {row} 行"


def slim(data: ReviewData) -> ReviewData:
    """The 评分表 as the merge needs it, in a fraction of the memory: one shared ReviewValue per distinct
    value (its cell is found again from the field's column and the unit's row, see cell_of), no blanks
    (a blank is a field with a column and no value). A batch keeps 评分表 of 10,000 rows until its
    outputs are written; the ReviewData read keeps the text and cell of every value."""
    if not data.columns:
        return data  # cells could not be found again without the columns
    shared: dict[tuple[type, str], ReviewValue] = {}
    values: dict[str, dict[str, ReviewValue]] = {}
    packed = data.packed_values()
    if packed is not None:  # as a worker sent it: straight from its table, never unpacked
        table, rows = packed
        by_index: list[ReviewValue | None] = [None] * len(table)
        for key, flat in rows.items():
            found: dict[str, ReviewValue] = {}
            for fid, at, cell in zip(flat[::3], flat[1::3], flat[2::3], strict=True):
                if fid not in data.columns or cell is not None:
                    return data  # a value not at its column and unit row: keep every cell (unpacked)
                same = by_index[at]
                if same is None:
                    value = table[at][0]
                    known = (type(value), str(value))
                    same = shared.get(known)
                    if same is None:
                        same = shared[known] = ReviewValue(value, "", "")
                    by_index[at] = same
                found[fid] = same
            values[key] = found
        return dataclasses.replace(data, values=values, blanks={})
    for key, cells in data.values.items():
        row: dict[str, ReviewValue] = {}
        for fid, cell in cells.items():
            if fid not in data.columns:
                return data
            known = (type(cell.value), str(cell.value))
            same = shared.get(known)
            if same is None:
                same = shared[known] = ReviewValue(cell.value, "", "")
            row[fid] = same
        values[key] = row
    return dataclasses.replace(data, values=values, blanks={})


def merge_reviews(scheme: Scheme, reviews: Iterable[ReviewData]) -> DepartmentValues:
    """Every usable 评分表 merged per unit: copies that agree are one, cells that disagree are a conflict
    (the field left out, so its item is 待定), and a department with no usable 评分表 is one problem.

    A 评分表 of another scheme, year or version, or one that could not be read, is not used (its own
    problems say why); the ReviewData are not changed.
    """
    usable: dict[str, list[ReviewData]] = {}
    unused: dict[str, list[str]] = {d: [] for d in scheme.departments}
    for data in sorted(reviews, key=lambda r: r.file):
        if data.department not in unused:
            continue  # famscore.reviews said the department fills nothing here
        if data.readable and not data.identity:
            usable.setdefault(data.department, []).append(data)
        else:
            unused[data.department].append(data.file)
    merged = DepartmentValues(scheme, {d: usable[d] for d in scheme.departments if d in usable})
    for copies in merged.reviews.values():
        for data in copies:
            for key, cells in data.refused.items():
                merged.doubtful.setdefault(key, set()).update(cells)
        _compare(merged, copies)
    for department in scheme.departments:
        if department in merged.reviews:
            continue
        files = unused[department]
        note = f"（{'、'.join(files)} 没有采用，原因见这些文件的问题）" if files else ""
        merged.missing[department] = note
        merged.problems.append(
            Msg.MERGE_REVIEW_MISSING.problem(
                "", department=department, items=merged.items_of(department), note=note
            )
        )
    return merged


def _compare(merged: DepartmentValues, copies: list[ReviewData]) -> None:
    """Two copies of one department's 评分表: a cell they fill differently is a conflict, and its field is
    left out for the unit (the item 待定); identical copies are one."""
    if len(copies) < 2:
        return
    first = copies[0]
    own = [f.id for f in merged.scheme.filled_by(first.department)]
    conflicts = 0
    for other in copies[1:]:
        for key, (written, _row) in other.units.items():
            base = next((r for r in copies if key in r.units), None)
            if base is None or base is other:
                continue
            theirs, mine = base.values.get(key, {}), other.values.get(key, {})
            for fid in own:
                a, b = theirs.get(fid), mine.get(fid)
                if (a.value if a else None) == (b.value if b else None):
                    continue
                if fid in merged.doubtful.get(key, ()):
                    continue
                merged.doubtful.setdefault(key, set()).add(fid)
                conflicts += 1
                if conflicts > CONFLICTS_LISTED:
                    continue
                here, there = cell_of(other, key, fid), cell_of(base, key, fid)
                merged.problems.append(
                    Msg.MERGE_REVIEW_CONFLICT.problem(
                        other.file,
                        other.sheet,
                        cell=here,
                        department=other.department,
                        unit=written,
                        label=_label(merged.scheme.fields[fid]),
                        here=f"{other.file} {other.sheet}!{here} 为 {_shown(b)}",
                        there=f"{base.file} {base.sheet}!{there} 为 {_shown(a)}",
                    )
                )
    if conflicts > CONFLICTS_LISTED:
        merged.problems.append(
            Msg.MERGE_REVIEW_MORE_CONFLICTS.problem(
                copies[-1].file,
                copies[-1].sheet,
                count=conflicts - CONFLICTS_LISTED,
                department=first.department,
            )
        )
