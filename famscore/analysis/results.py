"""read_results: a summary workbook, a JSON result or a results folder as one typed object with frames."""

# `Results.to_frame(table)` gives a pandas DataFrame (or `backend="arrow"` a pyarrow Table, `"polars"` a
# Polars DataFrame) of one of tables.TABLES. pandas, pyarrow and polars are imported only inside these
# calls. Types: `year` and `rank` nullable integers (pandas Int64); scores exact decimals (Arrow
# decimal128 with the scheme's decimals; pandas holds decimal.Decimal objects, Polars Decimal); `grade`
# an ordered categorical of the bands from the lowest to the best (待定 below all), so `grade >= "良好"`
# selects 良好 and better; `fingerprint` and `version` are ordinary columns.

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from famscore.analysis.tables import DEC, INT, STR, TABLES, BatchFacts, column_names, places
from famscore.errors import UsageError
from famscore.messages import Msg
from famscore.outputs.safe import say
from famscore.scoring import PENDING

BACKENDS = ("pandas", "arrow", "polars")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")


@dataclass
class Results:
    """Results of one batch or many (a results folder holds every year written to it)."""

    batches: tuple[BatchFacts, ...]
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    path: str = ""
    # A results folder's tables are read when first asked for (through DuckDB), of `year` when given.
    folder: Path | None = None
    year: int | None = None
    _con: Any = field(default=None, repr=False, compare=False)

    def table(self, name: str) -> list[tuple[Any, ...]]:
        """The rows of table `name` (full tuples in column order)."""
        name = _table(name)
        if name not in self.tables:
            self.tables[name] = _folder_rows(self._connect(), name, self.year) if self.folder else []
        return self.tables[name]

    def _connect(self) -> Any:
        """The DuckDB connection to the results folder, made once."""
        from famscore.analysis.query import connect

        if self._con is None and self.folder is not None:
            self._con = connect(self.folder)
        return self._con

    def _all(self) -> dict[str, list[tuple[Any, ...]]]:
        return {name: self.table(name) for name in TABLES}

    @property
    def years(self) -> list[int]:
        return sorted({b.year for b in self.batches if b.year is not None})

    def rows(self, table: str) -> list[dict[str, Any]]:
        """The rows of `table` as dicts (numbers as Decimal, year and rank as int or None)."""
        names = column_names(_table(table))
        return [dict(zip(names, row, strict=True)) for row in self.table(table)]

    def for_year(self, year: int) -> Results:
        """The results of one year only."""
        kept = tuple(b for b in self.batches if b.year == year)
        tables = {name: [r for r in rows if r[0] == year] for name, rows in self.tables.items()}
        return Results(kept, tables, self.path, self.folder, year, self._con)

    def for_batch(self, batch: BatchFacts) -> Results:
        """The results of one batch (one year and scheme) only."""
        tables = {}
        for name, rows in self._all().items():
            at = column_names(name).index("fingerprint")
            tables[name] = [r for r in rows if r[0] == batch.year and r[at] == batch.fingerprint]
        return Results((batch,), tables, self.path)

    def with_codes(self, codes: dict[str, str]) -> Results:
        """The results with the roster's unit codes (by name_key) where they have none."""
        from famscore.names import name_key

        tables = {}
        for name, rows in self._all().items():
            names = column_names(name)
            if "unit_code" not in names:
                tables[name] = rows
                continue
            unit_at, code_at = names.index("unit"), names.index("unit_code")
            tables[name] = [
                (*r[:code_at], r[code_at] or codes.get(name_key(r[unit_at]), ""), *r[code_at + 1 :])
                for r in rows
            ]
        return Results(self.batches, tables, self.path)

    def grades(self) -> list[str]:
        """Every grade, lowest first (待定 below all): the order of the `grade` categorical."""
        order: list[str] = []
        for batch in sorted(self.batches, key=lambda b: b.year or 0, reverse=True):
            for name, _ in reversed(batch.bands):
                if name not in order:
                    order.append(name)
        return [PENDING, *[g for g in order if g != PENDING]]

    def scale(self) -> int:
        return max((b.scale for b in self.batches), default=2)

    def to_arrow(self, table: str = "units") -> Any:
        """`table` as a pyarrow Table (see the module comment for the types)."""
        import pyarrow as pa

        from famscore.analysis.arrow import arrow_schema, record_batch

        name = _table(table)
        schema = arrow_schema(name, self.scale(), with_year=True)
        if self.folder is not None and name not in self.tables:
            arrow = _folder_arrow(self._connect(), name, self.year).cast(schema)
        else:
            rows = [_fit(row, name, self.scale()) for row in self.table(name)]
            arrow = pa.Table.from_batches([record_batch(name, rows, schema, 0)], schema=schema)
        if "grade" in schema.names:
            grades = self.grades()
            index = {g: i for i, g in enumerate(grades)}
            column = arrow.column("grade").to_pylist()
            for g in column:
                if g is not None and g not in index:
                    index[g] = len(grades)
                    grades.append(g)
            codes = pa.array([index.get(g) if g is not None else None for g in column], pa.int16())
            dictionary = pa.DictionaryArray.from_arrays(codes, pa.array(grades, pa.string()), ordered=True)
            arrow = arrow.set_column(schema.get_field_index("grade"), "grade", dictionary)
        return arrow

    def to_frame(self, table: str = "units", backend: str = "pandas") -> Any:
        """`table` (units, categories, items, inputs, problems, batches) as a DataFrame of `backend`."""
        if backend not in BACKENDS:
            raise UsageError(say(Msg.RESULTS_NO_BACKEND, name=backend, names="、".join(BACKENDS)))
        from famscore.analysis.arrow import need_extra

        need_extra("pyarrow", *({"pandas": ["pandas"], "polars": ["polars"]}.get(backend, [])))
        arrow = self.to_arrow(table)
        if backend == "arrow":
            return arrow
        if backend == "polars":
            import polars as pl

            frame: Any = pl.from_arrow(arrow)
            if "grade" in arrow.column_names:
                frame = frame.with_columns(pl.col("grade").cast(pl.String).cast(pl.Enum(self.grades())))
            return frame
        import pandas as pd
        import pyarrow as pa

        frame = arrow.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        if "grade" in frame.columns:
            frame["grade"] = frame["grade"].astype(pd.CategoricalDtype(self.grades(), ordered=True))
        return frame


def _table(table: str) -> str:
    if table not in TABLES:
        raise UsageError(say(Msg.RESULTS_NO_TABLE, name=table, names="、".join(TABLES)))
    return table


def _fit(row: tuple[Any, ...], table: str, scale: int) -> tuple[Any, ...]:
    """Numbers of a row read from text (a summary, JSON) as Decimals an Arrow decimal of `scale` takes."""
    out = list(row)
    for index, (_, kind) in enumerate(TABLES[table]):
        value = out[index]
        if kind == DEC and value is not None and not isinstance(value, Decimal):
            out[index] = Decimal(str(value))
        elif kind == INT and isinstance(value, Decimal):
            out[index] = int(value)
        elif kind == STR and value is not None and not isinstance(value, str):
            out[index] = str(value)
    return tuple(out)


def read_results(path: Path | str, year: int | None = None) -> Results:
    """A summary workbook (.xlsx), a JSON result (--json, also NDJSON) or a results folder (--results),
    read as Results; with `year`, only that year's. A UsageError when `path` is none of them."""
    source = Path(path)
    if source.is_dir():
        results = read_folder(source, year)
    elif source.suffix.lower() in JSON_SUFFIXES:
        results = read_json(source)
    elif source.suffix.lower() in (".xlsx", ".xlsm"):
        results = read_summary_results(source)
    else:
        raise UsageError(say(Msg.RESULTS_UNKNOWN_KIND, path=source), source)
    return results.for_year(year) if year is not None and not source.is_dir() else results


# ---------------------------------------------------------------- results folder


def read_folder(folder: Path, year: int | None = None) -> Results:
    """A results folder (every year, or `year`'s) as Results; its tables are read when asked for."""
    results = Results((), {}, str(folder), folder, year)
    results.batches = tuple(_facts(row) for row in results.table("batches"))
    return results


def _folder_select(con: Any, table: str, year: int | None) -> str:
    """The query for `table`'s columns (null for a column its files lack), of `year` when given."""
    have = {row[0] for row in con.execute(f"describe {table}").fetchall()} if _has_view(con, table) else None
    if have is None:
        names = ", ".join(f'null as "{c}"' for c in column_names(table))
        return f"select {names} where false"
    columns = ", ".join(f'"{c}"' if c in have else f'null as "{c}"' for c in column_names(table))
    where = "" if year is None else f" where year = {int(year)}"
    return f"select {columns} from {table}{where}"


def _has_view(con: Any, table: str) -> bool:
    found = con.execute("select count(*) from duckdb_views() where view_name = ?", [table]).fetchone()
    return bool(found and found[0])


def _folder_rows(con: Any, table: str, year: int | None) -> list[tuple[Any, ...]]:
    return con.execute(_folder_select(con, table, year)).fetchall()  # type: ignore[no-any-return]


def _folder_arrow(con: Any, table: str, year: int | None) -> Any:
    relation = con.sql(_folder_select(con, table, year))
    # DuckDB 2 renamed the relation's arrow() to to_arrow_table().
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    return fetch()


def _facts(row: tuple[Any, ...]) -> BatchFacts:
    year, title, version, fingerprint, decimals, scale, bands, lowers, _units = row
    return BatchFacts(
        year=year,
        title=title or "",
        version=version or "",
        fingerprint=fingerprint or "",
        decimals=int(decimals),
        bands=tuple(
            (name, Decimal(lower) if lower else None) for name, lower in zip(bands, lowers, strict=True)
        ),
        scale=int(scale),
    )


# ---------------------------------------------------------------- JSON


def read_json(path: Path) -> Results:
    """A JSON result of `famscore score --json` (one object, or NDJSON with --json-lines)."""
    try:
        with path.open(encoding="utf-8") as handle:
            head = _head(handle.readline())
            if isinstance(head, dict) and isinstance(head.get("units"), int):  # NDJSON
                units = [json.loads(line, parse_float=Decimal) for line in handle if line.strip()]
                document = {**head, "units": units}
            else:
                handle.seek(0)
                document = json.load(handle, parse_float=Decimal)
    except (OSError, ValueError) as exc:
        raise UsageError(say(Msg.RESULTS_JSON_UNREADABLE, path=path, why=type(exc).__name__), path) from exc
    if not isinstance(document, dict) or "scheme" not in document or "units" not in document:
        raise UsageError(say(Msg.RESULTS_UNKNOWN_KIND, path=path), path)
    return _from_json(document, str(path))


def _head(line: str) -> Any:
    """The first line of an NDJSON result; None when the file is one JSON object (its first line is not)."""
    try:
        return json.loads(line, parse_float=Decimal)
    except ValueError:
        return None


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _from_json(document: dict[str, Any], path: str) -> Results:
    scheme = document["scheme"]
    year = scheme.get("year")
    fingerprint = scheme.get("fingerprint", "")
    bands = tuple((b["name"], _dec(b.get("lower"))) for b in scheme.get("bands", []))
    tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
    numbers: list[Decimal | None] = []
    fields = {f["id"]: f for f in scheme.get("fields", [])}
    for unit in document["units"]:
        code = unit.get("code", "")
        name = unit["unit"]
        main, bonus, total = _dec(unit["main"]), _dec(unit["bonus"]), _dec(unit["total"])
        numbers += [main, bonus, total]
        tables["units"].append(
            (
                year,
                scheme.get("title", ""),
                scheme.get("version", ""),
                fingerprint,
                name,
                code,
                unit.get("file", ""),
                unit.get("rank"),
                main,
                bonus,
                total,
                unit.get("grade"),
                list(unit.get("flags", [])),
                bool(unit.get("complete")),
                unit.get("status", ""),
                unit.get("reason") or "",
                _dec(unit.get("self_total")),
            )
        )
        for cat in unit.get("categories", []):
            points, score = _dec(cat.get("max")), _dec(cat.get("score"))
            numbers += [points, score]
            tables["categories"].append(
                (year, fingerprint, name, code, cat["id"], cat["name"], None, points, score)
            )
        category_of = _category_of(unit.get("categories", []), unit.get("items", []))
        for item in unit.get("items", []):
            points, score, claim = (
                _dec(item.get("max")),
                _dec(item.get("score")),
                _dec(item.get("self_score")),
            )
            numbers += [points, score, claim]
            cat_id, cat_name = category_of.get(item["id"], ("", ""))
            tables["items"].append(
                (
                    year,
                    fingerprint,
                    name,
                    code,
                    cat_id,
                    cat_name,
                    item["id"],
                    item["name"],
                    item.get("department", ""),
                    points,
                    score,
                    claim,
                    item.get("rule", ""),
                    item.get("explanation", ""),
                )
            )
        for value in unit.get("inputs", []):
            known = fields.get(value.get("field", ""), {})
            tables["inputs"].append(
                (
                    year,
                    fingerprint,
                    name,
                    code,
                    known.get("item", ""),
                    value.get("field", ""),
                    known.get("label", ""),
                    value.get("raw", ""),
                    value.get("value", ""),
                    value.get("source", ""),
                    known.get("filler", ""),
                    value.get("remark", ""),
                )
            )
    for p in document.get("problems", []):
        tables["problems"].append(
            (
                year,
                fingerprint,
                p.get("file", ""),
                p.get("sheet", ""),
                p.get("cell", ""),
                p.get("row"),
                p.get("column"),
                p.get("level", ""),
                p.get("code", ""),
                p.get("message", ""),
            )
        )
    decimals = int(scheme.get("decimals", _max_places(numbers)))
    facts = BatchFacts(
        year=year,
        title=scheme.get("title", ""),
        version=scheme.get("version", ""),
        fingerprint=fingerprint,
        decimals=decimals,
        bands=bands,
        scale=max(decimals, _max_places(numbers)),
    )
    tables["batches"].append(facts.row(len(tables["units"])))
    return Results((facts,), tables, path)


def _max_places(numbers: Iterable[Decimal | None]) -> int:
    return max((places(n) for n in numbers), default=0)


def _category_of(categories: list[dict[str, Any]], items: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Each item's category, placed as the summary does: items in scheme order fill the categories'
    points one after another ({} when that does not account for every item exactly)."""
    heads = [(c["id"], c["name"], _dec(c.get("max"))) for c in categories]
    points = [(i["id"], _dec(i.get("max"))) for i in items]
    placed = place_items(heads, points)
    return placed or {}


def place_items(
    heads: list[tuple[str, str, Decimal | None]], items: list[tuple[str, Decimal | None]]
) -> dict[str, tuple[str, str]]:
    """Items (id, max) in scheme order assigned to categories (id, name, points) by their points."""
    placed: dict[str, tuple[str, str]] = {}
    position = 0
    for index, (cat_id, cat_name, cat_points) in enumerate(heads):
        if cat_points is None:
            return {}
        taken = Decimal(0)
        while position < len(items) and (taken < cat_points or index == len(heads) - 1):
            item_id, item_points = items[position]
            if item_points is None:
                return {}
            taken += item_points
            placed[item_id] = (cat_id, cat_name)
            position += 1
        if taken != cat_points:
            return {}
    return placed if position == len(items) else {}


# ---------------------------------------------------------------- summary workbook


def read_summary_results(path: Path) -> Results:
    """A summary workbook: its 排名, 考评表, 计分过程 (or the CSV beside it) and 问题 sheets.

    A summary keeps less than the JSON or a results folder: no unit codes, no item categories' ids,
    departments, rule kinds or self scores, and each item's inputs only as the one text 填报值 shows
    (one `inputs` row per unit × item, field_id '').
    """
    from famscore.outputs.readback import read_summary
    from famscore.outputs.view import flag_text

    summary = read_summary(path)
    facts_in = summary.scheme
    year, fingerprint = facts_in.year, facts_in.fingerprint
    heads = summary.categories
    audit = _audit_rows(path)
    tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
    numbers: list[Decimal | None] = []
    for unit in summary.units:
        tables["units"].append(
            (
                year,
                facts_in.title,
                facts_in.version,
                fingerprint,
                unit.unit,
                "",
                unit.file,
                unit.rank,
                unit.main,
                unit.bonus,
                unit.total,
                unit.grade if facts_in.bands else None,
                [*(flag_text(f) for f in unit.flags), *unit.notes],
                unit.complete,
                unit.status,
                unit.reason,
                None,
            )
        )
        for head, score in zip(heads, unit.categories, strict=True):
            numbers += [head.points]
            tables["categories"].append(
                (year, fingerprint, unit.unit, "", head.id, head.name, head.bonus, head.points, score)
            )
        rows = audit.get(unit.unit, [])
        placed = place_items([(h.id, h.name, h.points) for h in heads], [(r[0], r[2]) for r in rows])
        for item_id, item_name, points, score, inputs, remarks, explanation in rows:
            numbers += [points]
            cat_id, cat_name = placed.get(item_id, ("", ""))
            tables["items"].append(
                (
                    year,
                    fingerprint,
                    unit.unit,
                    "",
                    cat_id,
                    cat_name,
                    item_id,
                    item_name,
                    "",
                    points,
                    score,
                    None,
                    "",
                    explanation,
                )
            )
            tables["inputs"].append(
                (year, fingerprint, unit.unit, "", item_id, "", "", inputs, "", "", "", remarks)
            )
    tables["problems"] = [(year, fingerprint, *row) for row in _problem_rows(path)]
    facts = BatchFacts(
        year=year,
        title=facts_in.title,
        version=facts_in.version,
        fingerprint=fingerprint,
        decimals=facts_in.decimals,
        bands=tuple((b.name, b.lower) for b in facts_in.bands),
        scale=max(facts_in.decimals, _max_places(numbers)),
    )
    tables["batches"].append(facts.row(len(tables["units"])))
    return Results((facts,), tables, str(path))


AuditRow = tuple[str, str, Decimal | None, Decimal | None, str, str, str]


def _audit_rows(path: Path) -> dict[str, list[AuditRow]]:
    """Every unit's 计分过程 rows, read once: (item id, name, max, score, 填报值, 备注, 计分说明)."""
    import csv

    import python_calamine as calamine

    from famscore.numbers import round_half_up, to_decimal
    from famscore.outputs import layout as L
    from famscore.outputs.audit import audit_csv_path
    from famscore.workbook import cell_at, cell_text

    headers = [c.header for c in L.AUDIT_COLUMNS]
    book = calamine.CalamineWorkbook.from_path(str(path))
    rows: list[list[Any]] = []
    for name in book.sheet_names:
        if name.startswith(L.SHEET_AUDIT):
            data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if data and [cell_text(c) for c in data[0][: len(headers)]] == headers:
                rows.extend(data[1:])
    if not rows and audit_csv_path(path).is_file():
        with audit_csv_path(path).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            rows = [list(r) for r in reader]
    column = {h: i for i, h in enumerate(headers)}

    def text(row: list[Any], header: str) -> str:
        value = cell_text(cell_at(row, column[header]))
        return value[1:] if value.startswith("'") else value  # the CSV's guard against formulas

    def number(row: list[Any], header: str) -> Decimal | None:
        value = to_decimal(cell_at(row, column[header]))
        return None if value is None else round_half_up(value, 6).normalize()

    found: dict[str, list[AuditRow]] = {}
    for row in rows:
        unit = text(row, L.H_UNIT)
        if not unit:
            continue
        found.setdefault(unit, []).append(
            (
                text(row, L.A_ITEM_ID),
                text(row, L.A_ITEM_NAME),
                number(row, L.A_POINTS),
                number(row, L.A_SCORE),
                text(row, L.A_INPUTS),
                text(row, L.A_REMARKS),
                text(row, L.A_EXPLANATION),
            )
        )
    return found


def _problem_rows(path: Path) -> list[tuple[Any, ...]]:
    """The 问题 sheet: file, sheet, place, level, message and fix (no codes: the summary has none)."""
    import python_calamine as calamine

    from famscore.errors import ERROR
    from famscore.errors import joined as join_fix
    from famscore.outputs import layout as L
    from famscore.workbook import cell_at, cell_text

    book = calamine.CalamineWorkbook.from_path(str(path))
    if L.SHEET_PROBLEMS not in book.sheet_names:
        return []
    data = book.get_sheet_by_name(L.SHEET_PROBLEMS).to_python(skip_empty_area=False)
    found = []
    for row in data[1:]:
        cells = [cell_text(cell_at(row, i)) for i in range(6)]
        if not cells[3]:  # 没有发现问题, or the end of the table
            continue
        level = "error" if cells[3] == str(ERROR) else "warning"
        found.append((cells[0], cells[1], cells[2], None, None, level, "", join_fix(cells[4], cells[5])))
    return found
