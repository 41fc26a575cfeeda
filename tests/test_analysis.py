"""Results for analysts: the results folder, read_results and its frames, NDJSON, unit codes."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from decimal import Decimal as D
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import famscore
from famscore.analysis.results import Results
from famscore.cli import app
from famscore.outputs.readback import read_breakdown, read_summary
from famscore.units import read_unit_codes

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"
# Every backend installed: polars is not in the analysis extra (pandas and Arrow are).
BACKENDS = ["pandas", "arrow"] + (["polars"] if importlib.util.find_spec("polars") else [])


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 长宁 example scored once with every analysts' output, a roster with codes, into one folder."""
    folder = tmp_path_factory.mktemp("scored")
    roster = folder / "名单.csv"
    names = (CHANGNING / "units.txt").read_text(encoding="utf-8").split()
    roster.write_text(
        "单位名称,单位代码\n" + "".join(f"{n},C{i:03d}\n" for i, n in enumerate(names, 1)), encoding="utf-8"
    )
    code, output = run(
        "score",
        CHANGNING / "考评表.xlsx",
        CHANGNING / "returns",
        "-o",
        folder / "汇总.xlsx",
        "--json",
        folder / "结果.json",
        "--results",
        folder / "历年",
        "--units-file",
        roster,
        "-q",
    )
    assert code == 0, output
    return folder


def _items(frame: object, backend: str) -> list[tuple[str, str, Decimal, Decimal | None]]:
    if backend == "pandas":
        rows = frame[["unit", "item_id", "max", "score"]].itertuples(index=False)  # type: ignore[index]
    elif backend == "polars":
        rows = frame.select(["unit", "item_id", "max", "score"]).iter_rows()  # type: ignore[attr-defined]
    else:
        table = frame.select(["unit", "item_id", "max", "score"]).to_pylist()  # type: ignore[attr-defined]
        rows = [tuple(r.values()) for r in table]
    return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize("backend", BACKENDS)
def test_items_from_the_results_folder_equal_the_summary_exactly(scored: Path, backend: str) -> None:
    summary = read_summary(scored / "汇总.xlsx")
    expected = []
    for unit in summary.units:
        rows = read_breakdown(scored / "汇总.xlsx", summary, unit)
        expected += [(unit.unit, r.id, r.points, r.score) for r in rows if not r.category]
    got = _items(famscore.read_results(scored / "历年").to_frame("items", backend=backend), backend)
    assert len(got) == len(expected) == 10 * len(famscore.load_scheme(CHANGNING / "考评表.xlsx").items)
    assert got == expected  # Decimal == Decimal: exact, whatever the scale
    assert all(isinstance(score, Decimal) for _, _, _, score in got)


def test_the_three_sources_give_the_same_tables(scored: Path) -> None:
    folder = famscore.read_results(scored / "历年")
    from_json = famscore.read_results(scored / "结果.json")
    from_summary = famscore.read_results(scored / "汇总.xlsx")
    for table in ("units", "items", "categories"):
        keep = ("unit", "rank", "main", "total", "grade", "item_id", "max", "score", "category")
        rows = [
            [{k: v for k, v in r.items() if k in keep} for r in source.rows(table)]
            for source in (folder, from_json, from_summary)
        ]
        assert rows[0] == rows[1] == rows[2], table
    assert [r["unit_code"] for r in folder.rows("units")] == [r["unit_code"] for r in from_json.rows("units")]
    assert folder.rows("units")[0]["unit_code"].startswith("C")


def test_frame_types(scored: Path) -> None:
    results = famscore.read_results(scored / "历年")
    units = results.to_frame("units")
    assert str(units["rank"].dtype) == "Int64" and str(units["year"].dtype) == "Int64"
    grades = units["grade"].dtype
    assert grades.ordered and list(grades.categories) == ["待定", "不合格", "一般", "良好", "优秀"]
    assert (units["grade"] >= "良好").sum() == sum(1 for g in units["grade"] if g in ("良好", "优秀"))
    assert {"fingerprint", "version", "title"} <= set(units.columns)
    assert isinstance(units["total"][0], Decimal)
    arrow = results.to_frame("items", backend="arrow")
    assert str(arrow.schema.field("score").type) == "decimal128(18, 2)"
    if "polars" in BACKENDS:
        import polars as pl

        polars = results.to_frame("units", backend="polars")
        assert polars.schema["grade"] == pl.Enum(["待定", "不合格", "一般", "良好", "优秀"])


def test_inputs_carry_raw_text_value_and_filler(scored: Path) -> None:
    inputs = famscore.read_results(scored / "历年").rows("inputs")
    scheme = famscore.load_scheme(CHANGNING / "考评表.xlsx")
    assert len(inputs) == 10 * len(scheme.fields)
    first = next(r for r in inputs if r["field_id"] == "A3_名次" and r["unit"] == "新华街道")
    assert first["value"] == "2" and first["filler"] == scheme.fields["A3_名次"].filler
    assert first["item_id"] == "A3"


def test_the_partition_and_file_name_and_a_rerun_replaces_the_batch(scored: Path, tmp_path: Path) -> None:
    fingerprint = famscore.load_scheme(CHANGNING / "考评表.xlsx").fingerprint
    files = sorted(p.relative_to(scored / "历年").as_posix() for p in (scored / "历年").rglob("*.parquet"))
    tables = ["batches", "categories", "inputs", "items", "problems", "units"]
    assert files == [f"{t}/year=2023/{fingerprint[:16]}.parquet" for t in tables]
    assert pq.read_schema(scored / "历年" / files[-1]).names[0] == "title"  # year is the folder only
    folder = tmp_path / "历年"
    shutil.copytree(scored / "历年", folder)
    code, output = run("export", scored / "汇总.xlsx", "-o", folder)
    assert code == 0, output
    assert len(famscore.read_results(folder).rows("units")) == 10  # replaced, not doubled
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet")) == files
    assert not [p for p in folder.rglob("*") if p.name.endswith(".tmp")]


def test_export_from_json_and_the_roster_codes(scored: Path, tmp_path: Path) -> None:
    code, output = run("export", scored / "结果.json", "-o", tmp_path / "R")
    assert code == 0, output
    back = famscore.read_results(tmp_path / "R")
    assert [r["total"] for r in back.rows("units")] == [
        r["total"] for r in famscore.read_results(scored / "汇总.xlsx").rows("units")
    ]
    codes = read_unit_codes(scored / "名单.csv")
    assert {r["unit_code"] for r in back.rows("units")} == set(codes.values())


def test_export_refuses_a_file_as_its_folder(scored: Path) -> None:
    code, output = run("export", scored / "汇总.xlsx", "-o", scored / "汇总.xlsx")
    assert code == 2 and "汇总.xlsx" in output


def test_read_results_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(famscore.FamscoreError):
        famscore.read_results(tmp_path / "a.txt")
    with pytest.raises(famscore.FamscoreError):
        famscore.read_results(tmp_path)  # a folder without results


def test_json_has_year_codes_inputs_and_ndjson_matches_it(scored: Path, tmp_path: Path) -> None:
    document = json.loads((scored / "结果.json").read_text(encoding="utf-8"))
    assert document["scheme"]["year"] == 2023
    unit = document["units"][0]
    assert unit["code"].startswith("C") and unit["inputs"][0].keys() == {"field", "raw", "value", "source"}
    fields = {f["id"]: f for f in document["scheme"]["fields"]}
    assert fields[unit["inputs"][0]["field"]].keys() == {"id", "item", "label", "filler"}
    code, output = run(
        "score", CHANGNING / "考评表.xlsx", CHANGNING / "returns", "-o", tmp_path / "s.xlsx",
        "--json", tmp_path / "r.jsonl", "--json-lines", "-q",
    )  # fmt: skip
    assert code == 0, output
    lines = (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()
    head = json.loads(lines[0])
    assert head["units"] == len(lines) - 1 == 10 and head["scheme"] == document["scheme"]
    units = [json.loads(line) for line in lines[1:]]
    assert [{**u, "code": ""} for u in units] == [{**u, "code": ""} for u in document["units"]]
    json_inputs = famscore.read_results(scored / "结果.json").rows("inputs")
    folder_inputs = famscore.read_results(scored / "历年").rows("inputs")
    assert [{**r, "remark": ""} for r in json_inputs] == [{**r, "remark": ""} for r in folder_inputs]
    assert famscore.read_results(tmp_path / "r.jsonl").rows("items") == [
        {**r, "unit_code": ""} for r in famscore.read_results(scored / "结果.json").rows("items")
    ]


def test_json_lines_needs_json(tmp_path: Path) -> None:
    code, _ = run(
        "score", CHANGNING / "考评表.xlsx", CHANGNING / "returns", "-o", tmp_path / "s.xlsx", "--json-lines"
    )
    assert code == 2


def test_unit_codes_are_read_only_from_a_code_column(tmp_path: Path) -> None:
    table = tmp_path / "a.csv"
    table.write_text(
        "序号,单位名称,统一社会信用代码\n1,新华街道,12310105MB2F\n2,江苏街道,\n", encoding="utf-8"
    )
    assert read_unit_codes(table) == {famscore.names.name_key("新华街道"): "12310105MB2F"}  # type: ignore[attr-defined]
    plain = tmp_path / "b.csv"
    plain.write_text("单位名称\n新华街道\n", encoding="utf-8")
    assert read_unit_codes(plain) == {}
    assert read_unit_codes(CHANGNING / "units.txt") == {}


def test_results_outside_the_returns_folder(tmp_path: Path) -> None:
    returns = tmp_path / "回表"
    shutil.copytree(CHANGNING / "returns", returns)
    code, output = run("score", CHANGNING / "考评表.xlsx", returns, "--results", returns / "结果", "-q")
    assert code == 2 and "回表文件夹" in output
    assert not (returns / "结果").exists()


def test_score_does_not_import_the_analysis_libraries(tmp_path: Path) -> None:
    command = [
        sys.executable, "-X", "importtime", "-m", "famscore", "score",
        str(CHANGNING / "考评表.xlsx"), str(CHANGNING / "returns"), "-o", str(tmp_path / "s.xlsx"),
        "--json", str(tmp_path / "r.json"), "-q",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", check=False)
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert "famscore" in imported
    assert not imported & {"pandas", "pyarrow", "duckdb", "polars", "numpy"}
    assert "famscore.analysis" not in done.stderr


def test_results_object_is_typed() -> None:
    assert famscore.read_results is not None
    assert Results.__module__ == "famscore.analysis.results"


@pytest.mark.parametrize("command", ["export", "history", "compare"])
def test_the_analysis_commands_have_chinese_help_with_an_example(command: str) -> None:
    code, output = run(command, "--help")
    assert code == 0
    assert "示例：famscore " + command in output and "显示本帮助后退出" in output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"famscore {command} " in readme


def test_a_value_with_more_places_than_the_column_is_rounded_half_up() -> None:
    from famscore.analysis.arrow import arrow_schema, record_batch

    schema = arrow_schema("units", 2)
    row = (
        2023,
        "t",
        "1",
        "fp",
        "甲",
        "",
        "f",
        1,
        D("1.5"),
        D(0),
        D("1.5"),
        "优秀",
        [],
        True,
        "已排名",
        "",
        D("3.335"),
    )
    batch = record_batch("units", [row], schema, 1)
    assert batch.column(batch.schema.get_field_index("self_total")).to_pylist() == [D("3.34")]
    assert batch.column(batch.schema.get_field_index("total")).to_pylist() == [D("1.50")]


def test_a_results_folder_needs_the_schemes_year(tmp_path: Path) -> None:
    from famscore.analysis.folder import results_plan
    from famscore.analysis.tables import BatchFacts

    with pytest.raises(famscore.FamscoreError, match="年度"):
        results_plan(tmp_path / "R", BatchFacts(None, "t", "1", "fp", 2, (), 2))
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(famscore.FamscoreError, match="是一个文件"):
        results_plan(tmp_path / "file", BatchFacts(2023, "t", "1", "fp", 2, (), 2))
