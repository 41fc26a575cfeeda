"""DuckDB over a results folder: the tables as views, and the queries behind read_results, history, compare."""

# Each table of the folder is one view over its Parquet files (hive partitions give `year`; files of
# different batches are unioned by column name, so a table written by an older famscore with fewer
# columns still reads). The README's example queries run on the same views:
#
#     con = famscore.analysis.query.connect("历年结果")
#     con.sql("select year, category, avg(score) from items group by all order by all")

from __future__ import annotations

from pathlib import Path
from typing import Any

from famscore.analysis.arrow import need_extra
from famscore.analysis.tables import TABLES
from famscore.errors import UsageError
from famscore.messages import Msg
from famscore.outputs.safe import say


def tables_in(folder: Path) -> list[str]:
    """The tables `folder` has files for."""
    return [t for t in TABLES if any((folder / t).glob("year=*/*.parquet"))]


def connect(folder: Path | str) -> Any:
    """An in-memory DuckDB connection with one view per table of the results folder `folder`."""
    need_extra("duckdb")
    import duckdb

    root = Path(folder)
    present = tables_in(root)
    if "units" not in present:
        raise UsageError(say(Msg.RESULTS_FOLDER_EMPTY, folder=root), root)
    con = duckdb.connect()
    for table in present:
        pattern = (root / table).resolve().as_posix().replace("'", "''") + "/year=*/*.parquet"
        con.execute(
            f"create view {table} as select * from read_parquet('{pattern}', "
            "hive_partitioning = true, union_by_name = true)"
        )
    return con


# A unit across years: by its roster code when it has one (a unit renamed keeps its code), else by name.
HISTORY_SQL = """
select year, coalesce(nullif(unit_code, ''), unit) as who, unit, unit_code, total, grade, rank
from units
order by who, year
"""


def history_rows(folder: Path | str) -> list[tuple[Any, ...]]:
    """(year, key, unit, unit_code, total, grade, rank) of every unit and year, by key then year."""
    return connect(folder).execute(HISTORY_SQL).fetchall()  # type: ignore[no-any-return]


# The README's example queries (its 结果文件夹 section shows them verbatim; tests run them).
EXAMPLES = {
    "各年各部分平均得分（趋势）": """
select year, category, round(avg(score), 2) as average
from categories
group by year, category
order by category, year
""",
    "连续两年低于「一般」的单位": """
with low as (
    select u.year, coalesce(nullif(u.unit_code, ''), u.unit) as who, u.unit
    from units u join batches b using (year, fingerprint)
    where list_position(b.bands, u.grade) > list_position(b.bands, '一般')
)
select this.who, this.unit, last.year as last_year, this.year
from low this join low last on last.who = this.who and last.year = this.year - 1
order by this.year, this.who
""",
    "各考核部门的指标平均得分": """
select year, department, round(avg(score), 2) as average, round(avg(score / max), 4) as rate
from items
group by year, department
order by year, department
""",
}
