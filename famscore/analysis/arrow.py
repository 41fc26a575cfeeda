"""The Arrow side of the result tables: their schemas, rows to record batches, the extra's check."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from famscore.analysis.tables import DEC, INT, LIST, STR, TABLES, places
from famscore.errors import UsageError
from famscore.messages import Msg
from famscore.numbers import round_half_up
from famscore.outputs.safe import say

if TYPE_CHECKING:
    import pyarrow as pa

EXTRA = "pip install 'famscore[analysis]'"


def need_extra(*modules: str) -> None:
    """Refuse (UsageError) when a module of the analysis extra is not installed."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(say(Msg.ANALYSIS_EXTRA_MISSING, modules="、".join(missing), command=EXTRA))


def arrow_schema(table: str, scale: int, with_year: bool = False) -> pa.Schema:
    import pyarrow as pa

    types = {
        STR: pa.string(),
        INT: pa.int64(),
        DEC: pa.decimal128(18, scale),
        "bool": pa.bool_(),
        LIST: pa.list_(pa.string()),
    }
    return pa.schema([(name, types[kind]) for name, kind in TABLES[table] if with_year or name != "year"])


def record_batch(table: str, rows: list[tuple[Any, ...]], schema: pa.Schema, skip: int) -> pa.RecordBatch:
    """`rows` (full rows, year first) as Arrow columns of `schema`, leaving out the first `skip`."""
    import pyarrow as pa

    columns = list(zip(*rows, strict=True)) if rows else [() for _ in TABLES[table]]
    arrays = [_array(col, f.type) for col, f in zip(columns[skip:], schema, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _array(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    import pyarrow as pa

    try:
        return pa.array(values, type=kind)
    except pa.ArrowInvalid:
        if not pa.types.is_decimal(kind):
            raise
    # A value with more places than the column (a 自评分 typed as 3.333): rounded half up to the
    # column's places, as the scheme's decimals round every score.
    return pa.array([_rounded(v, kind.scale) for v in values], type=kind)


def _rounded(value: Decimal | None, scale: int) -> Decimal | None:
    if value is None or places(value) <= scale:
        return value
    return round_half_up(value, scale)
