"""The results folder: long-format Parquet tables, partitioned by year, that accumulate batch by batch."""

# Layout (`famscore score … --results DIR`, `famscore export SUMMARY -o DIR`)::
#
#     DIR/batches/year=2023/<batch>.parquet     one row: the scheme's title, version, decimals, bands
#     DIR/units/year=2023/<batch>.parquet       one row per unit
#     DIR/categories/year=2023/<batch>.parquet  unit × category
#     DIR/items/year=2023/<batch>.parquet       unit × item
#     DIR/inputs/year=2023/<batch>.parquet      unit × field
#     DIR/problems/year=2023/<batch>.parquet    one row per problem
#
# Hive style: `year` is the folder, not a column of the files (DuckDB, Polars, pyarrow, Spark and pandas
# all read it back as a column). <batch> is the first 16 hex digits of the scheme's fingerprint: a batch
# is one year and one scheme. Scoring the same year with the same scheme again replaces that batch's six
# files (no duplicated rows); another scheme in the same year (a district's own, or a corrected scheme)
# adds a batch beside it — delete the old files to drop a batch. Columns are those of tables.TABLES; scores
# are Parquet DECIMAL(18, s), s the scheme's decimals (more when a maximum is written with more places).
#
# The files are written while the batch is written: a unit's details are loaded once, its rows go to all
# four unit tables, and every ROW_GROUP_UNITS units become one row group (500: about 12,000 item rows), so memory stays flat at any size.
# They go through the same OutputSet as the summary: temporary files first, replaced together at the end.

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from famscore.analysis.arrow import arrow_schema, record_batch
from famscore.analysis.tables import (
    TABLES,
    BatchFacts,
    batch_rows,
    facts_of_scheme,
    problem_rows,
)
from famscore.errors import OutputError, UsageError
from famscore.messages import Msg
from famscore.outputs.safe import OutputSet, say

if TYPE_CHECKING:
    from famscore.analysis.results import Results
    from famscore.scoring import BatchResult

ROW_GROUP_UNITS = 500

Chunk = dict[str, list[tuple[Any, ...]]]  # table -> rows (year first, as tables.TABLES)


def results_targets(folder: Path, facts: BatchFacts) -> dict[str, Path]:
    """Where one batch's tables go in the results folder `folder`."""
    return {table: folder / table / f"year={facts.year}" / f"{facts.batch_id}.parquet" for table in TABLES}


def results_plan(folder: Path, facts: BatchFacts) -> list[tuple[str, Path]]:
    """The results folder's files as plan_outputs takes them; refuses a scheme without a year."""
    if facts.year is None:
        raise UsageError(say(Msg.RESULTS_NEED_YEAR, folder=folder), folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(say(Msg.RESULTS_NOT_FOLDER, folder=folder), folder)
    return [(f"结果文件夹 {table} 表", path) for table, path in results_targets(folder, facts).items()]


def write_tables(temps: dict[str, Path], facts: BatchFacts, chunks: Iterable[Chunk]) -> dict[str, int]:
    """Stream `chunks` into one Parquet file per table at `temps`; returns the rows written per table."""
    import pyarrow.parquet as pq

    schemas = {table: arrow_schema(table, facts.scale) for table in temps}
    written = dict.fromkeys(temps, 0)
    pending: Chunk = {table: [] for table in temps}
    writers = {
        table: pq.ParquetWriter(str(temps[table]), schemas[table], compression="zstd") for table in temps
    }
    try:

        def flush() -> None:
            for table, rows in pending.items():
                if rows:
                    writers[table].write_batch(record_batch(table, rows, schemas[table], 1))
                    written[table] += len(rows)
                    rows.clear()

        for units, chunk in enumerate(chunks, start=1):
            for table, rows in chunk.items():
                pending[table].extend(rows)
            if units % ROW_GROUP_UNITS == 0:
                flush()
        flush()
    finally:
        for writer in writers.values():
            writer.close()
    return written


def verify_parquet(expected: dict[str, int], table: str) -> Callable[[Path], None]:
    def verify(path: Path) -> None:
        import pyarrow.parquet as pq

        try:
            rows = pq.read_metadata(str(path)).num_rows
        except Exception as exc:  # pyarrow raises several types for a damaged file
            raise OutputError(say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why=type(exc).__name__)) from exc
        if table in expected and rows != expected[table]:
            why = f"{rows} 行，应为 {expected[table]} 行"
            raise OutputError(say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why=why))

    return verify


def results_job(
    outputs: OutputSet,
    folder: Path,
    facts: BatchFacts,
    chunks: Callable[[], Iterable[Chunk]],
    units: int | None = None,
) -> tuple[Path, Callable[[Path], object], Callable[[Path], None]]:
    """The results folder as one job of an OutputSet: (target, writer, verify) like any output.

    The job's target is the units file; the other tables' temporary files are reserved here, written
    by the same writer (in one pass over the units) and finished by the units file's verify, so the
    batch's files are replaced with the batch's other outputs, or not at all.
    """
    targets = results_targets(folder, facts)
    for target in targets.values():
        target.parent.mkdir(parents=True, exist_ok=True)
    temps = {table: outputs.reserve(target) for table, target in targets.items()}
    main = targets["units"]
    # The writer may run in a forked process: only what is known before writing is checked after.
    expected = {"units": units} if units is not None else {}

    def writer(temp: Path) -> None:
        write_tables({**temps, "units": temp}, facts, chunks())

    def verify(temp: Path) -> None:
        verify_parquet(expected, "units")(temp)
        for table, target in targets.items():
            if target != main:
                outputs.finish(target, verify_parquet(expected, table))

    return main, writer, verify


def batch_results_job(
    outputs: OutputSet, folder: Path, batch: BatchResult, codes: Mapping[str, str] | None = None
) -> tuple[Path, Callable[[Path], object], Callable[[Path], None]]:
    """The results folder of a batch scored just now (see results_job)."""
    facts = facts_of_scheme(batch.scheme)

    def chunks() -> Iterator[Chunk]:
        first = True
        for rows in batch_rows(batch, codes):
            chunk: Chunk = {
                "units": [rows.units],
                "categories": rows.categories,
                "items": rows.items,
                "inputs": rows.inputs,
            }
            if first:
                chunk["problems"] = problem_rows(batch)
                chunk["batches"] = [facts.row(len(batch.units))]
                first = False
            yield chunk
        if first:
            yield {"problems": problem_rows(batch), "batches": [facts.row(0)]}

    return results_job(outputs, folder, facts, chunks, len(batch.units))


def results_chunks(tables: Chunk) -> Callable[[], Iterable[Chunk]]:
    """The tables of Results read back (a summary, a JSON) as the chunks of one batch (see results_job)."""
    return lambda: [{name: rows for name, rows in tables.items() if name in TABLES}]


def write_results_folder(results: Results, folder: Path) -> list[Path]:
    """Results read back (a summary, a JSON; or built by hand) into the results folder `folder`, each
    of its batches replacing that year's and scheme's files. Plan the paths first (results_plan)."""
    with OutputSet() as outputs:
        for batch in results.batches:
            one = results.for_batch(batch)
            target, writer, verify = results_job(
                outputs, folder, batch, results_chunks(one.tables), len(one.table("units"))
            )
            outputs.write(target, writer, verify)
        return outputs.commit()
