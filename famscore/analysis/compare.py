"""Year over year: two years' results matched unit by unit and item by item, and the comparison workbook."""

# Units are matched by the roster's unit code when both years have one (a unit renamed keeps its code),
# else by name (name_key: 新泾镇（虹桥） and 新泾镇(虹桥) are one). Items are matched by id, or through a
# mapping of last year's ids to this year's (--map): an item only this year is 新增, only last year 删去;
# an item whose maximum changed is shown with both maxima and no change (满分变化), never compared as if
# the points meant the same.

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.analysis.results import Results, read_results
from famscore.errors import UsageError
from famscore.messages import Msg
from famscore.names import name_key
from famscore.outputs.safe import say

SAME, NEW, GONE, MAX_CHANGED = "可比", "新增", "删去", "满分变化"
TOP = 10  # rows of 进步最大


@dataclass(frozen=True)
class UnitChange:
    unit: str  # this year's name (last year's when the unit is gone)
    unit_code: str
    last_name: str  # '' when the unit is new; differs from `unit` when it was renamed
    last_total: Decimal | None
    this_total: Decimal | None
    last_grade: str | None
    this_grade: str | None
    last_rank: int | None
    this_rank: int | None

    @property
    def change(self) -> Decimal | None:
        if self.last_total is None or self.this_total is None:
            return None
        return self.this_total - self.last_total

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive: moved up)."""
        if self.last_rank is None or self.this_rank is None:
            return None
        return self.last_rank - self.this_rank


@dataclass(frozen=True)
class ItemChange:
    unit: str
    unit_code: str
    item_id: str  # this year's id (last year's when the item is gone)
    last_id: str
    item: str
    last_max: Decimal | None
    this_max: Decimal | None
    last_score: Decimal | None
    this_score: Decimal | None
    status: str  # SAME, NEW, GONE, MAX_CHANGED

    @property
    def change(self) -> Decimal | None:
        if self.status != SAME or self.last_score is None or self.this_score is None:
            return None
        return self.this_score - self.last_score

    @property
    def lost_both(self) -> bool:
        """Points lost in both years on an item that means the same in both."""
        return (
            self.status == SAME
            and None not in (self.last_score, self.this_score, self.this_max)
            and self.last_score < self.this_max  # type: ignore[operator]
            and self.this_score < self.this_max  # type: ignore[operator]
        )


@dataclass
class Comparison:
    last_year: int | None
    this_year: int | None
    last_source: str
    this_source: str
    units: list[UnitChange] = field(default_factory=list)
    items: list[ItemChange] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    decimals: int = 2

    @property
    def last_label(self) -> str:
        """Last year as the headers name it: 2022, or 去年 when the results do not say."""
        return str(self.last_year) if self.last_year is not None else "去年"

    @property
    def this_label(self) -> str:
        return str(self.this_year) if self.this_year is not None else "今年"

    def most_improved(self, count: int = TOP) -> list[UnitChange]:
        moved = [u for u in self.units if u.change is not None]
        return sorted(moved, key=lambda u: (-u.change, u.unit))[:count]  # type: ignore[operator]

    def losing(self) -> list[ItemChange]:
        """Items a unit lost points on in both years, the most lost first."""

        def lost(c: ItemChange) -> Decimal:
            return Decimal((c.this_max or 0) * 2 - (c.last_score or 0) - (c.this_score or 0))

        return sorted((c for c in self.items if c.lost_both), key=lambda c: (-lost(c), c.unit, c.item_id))


def read_map(path: Path) -> dict[str, str]:
    """Last year's item ids to this year's, one pair a line: 旧编号|新编号 (or a comma or tab).

    A first line of headers (旧编号|新编号) and blank lines are skipped; a line that is not a pair, or
    an id mapped twice, is a UsageError naming the line.
    """
    mapping: dict[str, str] = {}
    seen_new: set[str] = set()
    text = path.read_bytes()
    try:
        lines = text.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        lines = text.decode("gb18030", errors="replace").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").replace("\t", "|").replace(",", "|").split("|")]
        if len(parts) != 2 or not all(parts):
            raise UsageError(say(Msg.COMPARE_MAP_BAD_LINE, path=path, line=number, text=line.strip()), path)
        old, new = parts
        if number == 1 and "编号" in old:
            continue
        for taken, key in ((mapping, old), (seen_new, new)):
            if key in taken:
                raise UsageError(say(Msg.COMPARE_MAP_DUPLICATE, path=path, line=number, id=key), path)
        mapping[old] = new
        seen_new.add(new)
    return mapping


def load_pair(last: Path, this: Path) -> tuple[Results, Results]:
    """The two years to compare: a results folder gives its latest year as THIS, and as LAST its latest
    year before THIS's (so one folder given twice compares its last two years)."""
    this_all = read_results(this)
    this_years = this_all.years
    this_results = this_all.for_year(this_years[-1]) if this.is_dir() and this_years else this_all
    this_year = this_results.years[-1] if this_results.years else None
    if not last.is_dir():
        return read_results(last), this_results
    last_all = this_all if last.resolve() == this.resolve() else read_results(last)
    earlier = [y for y in last_all.years if this_year is None or y < this_year]
    if not earlier:
        raise UsageError(say(Msg.COMPARE_NO_EARLIER_YEAR, folder=last, year=this_year), last)
    return last_all.for_year(earlier[-1]), this_results


def _key_of(rows: list[dict[str, Any]]) -> Callable[[dict[str, Any]], str]:
    return lambda r: r["unit_code"] or name_key(r["unit"])


def compare(last: Results, this: Results, mapping: dict[str, str] | None = None) -> Comparison:
    """Unit by unit and item by item, `this` year against `last` (see the module comment)."""
    mapping = mapping or {}
    result = Comparison(
        last.years[-1] if last.years else None,
        this.years[-1] if this.years else None,
        last.path,
        this.path,
        mapping=mapping,
        decimals=max((b.decimals for b in (*last.batches, *this.batches)), default=2),
    )
    last_units, this_units = last.rows("units"), this.rows("units")
    # A unit is matched by code when both years give it one, else by name.
    by_code = {u["unit_code"]: u for u in last_units if u["unit_code"]}
    by_name = {name_key(u["unit"]): u for u in last_units}
    matched: dict[int, dict[str, Any]] = {}
    used: set[int] = set()
    for index, unit in enumerate(this_units):
        found = by_code.get(unit["unit_code"]) if unit["unit_code"] else None
        if found is None:
            candidate = by_name.get(name_key(unit["unit"]))
            # A name now used by a unit with another code is another unit.
            if candidate is not None and not (
                candidate["unit_code"] and unit["unit_code"] and candidate["unit_code"] != unit["unit_code"]
            ):
                found = candidate
        if found is not None and id(found) not in used:
            matched[index] = found
            used.add(id(found))
    last_items = _items_by_unit(last)
    this_items = _items_by_unit(this)
    for index, unit in enumerate(this_units):
        before = matched.get(index)
        result.units.append(
            UnitChange(
                unit=unit["unit"],
                unit_code=unit["unit_code"],
                last_name=before["unit"] if before else "",
                last_total=before["total"] if before else None,
                this_total=unit["total"],
                last_grade=before["grade"] if before else None,
                this_grade=unit["grade"],
                last_rank=before["rank"] if before else None,
                this_rank=unit["rank"],
            )
        )
        if before is not None:
            result.items += _item_changes(
                unit, last_items.get(_unit_id(before), []), this_items.get(_unit_id(unit), []), mapping
            )
    for unit in last_units:
        if id(unit) not in used:
            result.units.append(
                UnitChange(
                    unit["unit"], unit["unit_code"], unit["unit"], unit["total"], None, unit["grade"], None,
                    unit["rank"], None,
                )
            )  # fmt: skip
    return result


def _unit_id(unit: dict[str, Any]) -> tuple[str, str]:
    return unit["fingerprint"], unit["unit"]


def _items_by_unit(results: Results) -> dict[tuple[str, str], list[dict[str, Any]]]:
    found: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in results.rows("items"):
        found.setdefault((row["fingerprint"], row["unit"]), []).append(row)
    return found


def _item_changes(
    unit: dict[str, Any], last: list[dict[str, Any]], this: list[dict[str, Any]], mapping: dict[str, str]
) -> list[ItemChange]:
    before = {mapping.get(r["item_id"], r["item_id"]): r for r in last}
    changes = []
    for row in this:
        old = before.pop(row["item_id"], None)
        if old is None:
            status = NEW
        elif old["max"] != row["max"]:
            status = MAX_CHANGED
        else:
            status = SAME
        changes.append(
            ItemChange(
                unit["unit"],
                unit["unit_code"],
                row["item_id"],
                old["item_id"] if old else "",
                row["item"],
                old["max"] if old else None,
                row["max"],
                old["score"] if old else None,
                row["score"],
                status,
            )
        )
    for old in before.values():
        changes.append(
            ItemChange(
                unit["unit"], unit["unit_code"], old["item_id"], old["item_id"], old["item"], old["max"], None,
                old["score"], None, GONE,
            )
        )  # fmt: skip
    return changes
