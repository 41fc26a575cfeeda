"""The long-format result tables (units, categories, items, inputs, problems): columns and rows, no pandas."""

# One definition of every table famscore hands to analysts: the results folder's Parquet files, the
# frames of `read_results(...).to_frame(table)` and the DuckDB queries all use these names and types.
# Rows are plain tuples in column order; numbers are the Decimals the scorer computed.

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from famscore.errors import joined
from famscore.names import name_key
from famscore.scheme.format import SELF_SCORE_PREFIX, self_score_id
from famscore.scheme.model import BONUS, Scheme
from famscore.scoring import PENDING, BatchResult

# Column kinds: text, whole number, exact decimal, yes/no, list of texts.
STR, INT, DEC, BOOL, LIST = "str", "int", "dec", "bool", "list"

Columns = tuple[tuple[str, str], ...]

TABLES: dict[str, Columns] = {
    # One row per batch: the facts the other tables share (the scheme's decimals and bands).
    "batches": (
        ("year", INT),
        ("title", STR),
        ("version", STR),
        ("fingerprint", STR),
        ("decimals", INT),
        ("scale", INT),
        ("bands", LIST),  # best first
        ("band_lowers", LIST),  # each band's lower bound as written, "" for none
        ("units", INT),
    ),
    "units": (
        ("year", INT),
        ("title", STR),
        ("version", STR),
        ("fingerprint", STR),
        ("unit", STR),
        ("unit_code", STR),
        ("file", STR),
        ("rank", INT),
        ("main", DEC),
        ("bonus", DEC),
        ("total", DEC),
        ("grade", STR),
        ("flags", LIST),
        ("complete", BOOL),
        ("status", STR),
        ("reason", STR),
        ("self_total", DEC),
    ),
    "categories": (
        ("year", INT),
        ("fingerprint", STR),
        ("unit", STR),
        ("unit_code", STR),
        ("category_id", STR),
        ("category", STR),
        ("bonus", BOOL),
        ("max", DEC),
        ("score", DEC),
    ),
    "items": (
        ("year", INT),
        ("fingerprint", STR),
        ("unit", STR),
        ("unit_code", STR),
        ("category_id", STR),
        ("category", STR),
        ("item_id", STR),
        ("item", STR),
        ("department", STR),
        ("max", DEC),
        ("score", DEC),
        ("self_score", DEC),
        ("rule", STR),
        ("explanation", STR),
    ),
    "inputs": (
        ("year", INT),
        ("fingerprint", STR),
        ("unit", STR),
        ("unit_code", STR),
        ("item_id", STR),
        ("field_id", STR),
        ("label", STR),
        ("raw", STR),
        ("value", STR),
        ("source", STR),
        ("filler", STR),
        ("remark", STR),
    ),
    "problems": (
        ("year", INT),
        ("fingerprint", STR),
        ("file", STR),
        ("sheet", STR),
        ("cell", STR),
        ("row", INT),
        ("column", INT),
        ("level", STR),
        ("code", STR),
        ("message", STR),
    ),
}
UNIT_TABLES = ("units", "categories", "items", "inputs")  # one row or more per unit


def column_names(table: str) -> tuple[str, ...]:
    return tuple(name for name, _ in TABLES[table])


@dataclass(frozen=True)
class BatchFacts:
    """What every row of one batch shares: its year and scheme, and how its numbers are written."""

    year: int | None
    title: str
    version: str
    fingerprint: str
    decimals: int
    bands: tuple[tuple[str, Decimal | None], ...]  # best first, as the scheme lists them
    scale: int  # decimal places every number of the batch fits in exactly (at least `decimals`)

    def row(self, units: int) -> tuple[Any, ...]:
        """The batch's row of the `batches` table."""
        lowers = ["" if lower is None else str(lower) for _, lower in self.bands]
        names = [name for name, _ in self.bands]
        return (
            self.year,
            self.title,
            self.version,
            self.fingerprint,
            self.decimals,
            self.scale,
            names,
            lowers,
            units,
        )

    @property
    def batch_id(self) -> str:
        """The batch's name in a results folder: one batch per year and scheme (see folder.py)."""
        return self.fingerprint[:16] or "unknown"


class UnitRows(NamedTuple):
    """One unit's rows of the unit tables."""

    units: tuple[Any, ...]
    categories: list[tuple[Any, ...]]
    items: list[tuple[Any, ...]]
    inputs: list[tuple[Any, ...]]


def places(value: Decimal | None) -> int:
    """Decimal places `value` is written with (0 for whole numbers and None)."""
    if value is None or not value.is_finite():
        return 0
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def facts_of_scheme(scheme: Scheme) -> BatchFacts:
    s = scheme.settings
    scale = max(
        [s.decimals]
        + [places(item.points) for item in scheme.items]
        + [places(cat.points) for cat in scheme.categories]
    )
    return BatchFacts(
        year=s.year,
        title=s.title,
        version=s.version,
        fingerprint=scheme.fingerprint,
        decimals=s.decimals,
        bands=tuple((b.name, b.lower) for b in scheme.bands),
        scale=scale,
    )


def code_of(codes: Mapping[str, str] | None, unit: str) -> str:
    """The roster's code for `unit` ('' when the roster has none), matched as names are (name_key)."""
    return codes.get(name_key(unit), "") if codes else ""


def batch_rows(batch: BatchResult, codes: Mapping[str, str] | None = None) -> Iterator[UnitRows]:
    """Every unit's rows, one unit at a time: a unit's details are loaded (from the spool of a large
    batch) only while its rows are made, so memory stays flat whatever the batch's size."""
    from famscore.outputs.view import RANKED, marks
    from famscore.values import shown

    scheme = batch.scheme
    facts = facts_of_scheme(scheme)
    year, fingerprint = facts.year, facts.fingerprint
    categories = [(c, c.kind == BONUS) for c in scheme.categories]
    category_of = {item.id: cat for cat in scheme.categories for item in cat.items}
    rule_of = {item.id: "、".join(r.kind for r in item.rules) for item in scheme.items}
    fields = list(scheme.fields.values())
    for unit in batch.units:
        code = code_of(codes, unit.unit)
        details = unit.details.load()
        values, raw, remarks, sources = details.values, details.raw, details.remarks, details.sources
        unit_row = (
            year,
            facts.title,
            facts.version,
            fingerprint,
            unit.unit,
            code,
            unit.file,
            unit.rank,
            unit.main,
            unit.bonus,
            unit.total,
            unit.grade if scheme.bands else None,
            marks(unit),
            unit.complete,
            RANKED if unit.rankable else PENDING,
            "" if unit.rankable else unit.pending_reason(),
            _self_total(values),
        )
        cat_rows = [
            (year, fingerprint, unit.unit, code, c.id, c.name, bonus, c.points, unit.categories.get(c.id))
            for c, bonus in categories
        ]
        item_rows = []
        for s in details.items:
            item = s.item
            cat = category_of[item.id]
            claim = values.get(self_score_id(item.id))
            item_rows.append(
                (
                    year,
                    fingerprint,
                    unit.unit,
                    code,
                    cat.id,
                    cat.name,
                    item.id,
                    item.name,
                    item.department,
                    item.points,
                    s.score,
                    claim if isinstance(claim, Decimal) else None,
                    rule_of[item.id],
                    s.explanation,
                )
            )
        input_rows = []
        for f in fields:
            value = values.get(f.id)
            input_rows.append(
                (
                    year,
                    fingerprint,
                    unit.unit,
                    code,
                    f.item_id,
                    f.id,
                    f.label,
                    raw.get(f.id, ""),
                    "" if value is None else shown(value),
                    sources.get(f.id, ""),
                    f.filler,
                    remarks.get(f.id, ""),
                )
            )
        yield UnitRows(unit_row, cat_rows, item_rows, input_rows)


def _self_total(values: Mapping[str, object]) -> Decimal | None:
    claims = [v for k, v in values.items() if k.startswith(SELF_SCORE_PREFIX) and isinstance(v, Decimal)]
    return sum(claims, Decimal(0)) if claims else None


def problem_rows(batch: BatchResult) -> list[tuple[Any, ...]]:
    year, fingerprint = batch.scheme.settings.year, batch.scheme.fingerprint
    return [
        (
            year,
            fingerprint,
            p.file,
            p.sheet,
            p.cell,
            p.row,
            p.column,
            p.level,
            p.code,
            joined(p.message, p.fix),
        )
        for p in batch.problems
    ]
