"""Two synthetic years in a results folder: the README's DuckDB queries, history and compare, by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console
from typer.testing import CliRunner

import famscore.cli as cli
from famscore.analysis.compare import GONE, MAX_CHANGED, NEW, SAME, compare, load_pair, read_map
from famscore.analysis.folder import write_results_folder
from famscore.analysis.query import EXAMPLES, connect, history_rows
from famscore.analysis.results import Results, read_results
from famscore.analysis.tables import BatchFacts
from famscore.cli import app
from famscore.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
D = Decimal
BANDS = (("优秀", D(35)), ("良好", D(30)), ("一般", D(20)), ("较差", None))
# item -> (category, max, department), per year: A2's maximum changes, B1 is replaced by B2.
ITEMS = {
    2022: {"A1": ("组织", 10, "甲科"), "A2": ("组织", 10, "乙科"), "B1": ("服务", 20, "甲科")},
    2023: {"A1": ("组织", 10, "甲科"), "A2": ("组织", 15, "乙科"), "B2": ("服务", 20, "乙科")},
}
# unit -> (code, scores in item order); 乙街道 is renamed 新乙街道 in 2023 and keeps its code.
UNITS = {
    2022: {"甲街道": ("001", (8, 10, 12)), "乙街道": ("002", (10, 5, 20)), "丙街道": ("003", (4, 4, 10))},
    2023: {"甲街道": ("001", (9, 14, 15)), "新乙街道": ("002", (10, 6, 20)), "丙街道": ("003", (5, 5, 5))},
}


def grade(total: Decimal) -> str:
    return next(name for name, lower in BANDS if lower is None or total >= lower)


def year_results(year: int) -> Results:
    """One year's results built by hand (totals are the sums; ranks by total)."""
    fingerprint = f"{year}fp"
    facts = BatchFacts(year, f"{year}年度考核", "1", fingerprint, 2, BANDS, 2)
    items = ITEMS[year]
    tables: dict[str, list[tuple]] = {"batches": [facts.row(3)], "units": [], "categories": [], "items": []}
    totals = {name: D(sum(scores)) for name, (_, scores) in UNITS[year].items()}
    ranking = sorted(totals, key=lambda n: -totals[n])
    for name, (code, scores) in UNITS[year].items():
        total = totals[name]
        tables["units"].append(
            (year, facts.title, "1", fingerprint, name, code, f"{name}.xlsx", ranking.index(name) + 1,
             total, D(0), total, grade(total), [], True, "已排名", "", None)
        )  # fmt: skip
        by_category: dict[str, Decimal] = {}
        for (item_id, (category, points, department)), score in zip(items.items(), scores, strict=True):
            tables["items"].append(
                (year, fingerprint, name, code, category, category, item_id, f"指标{item_id}", department,
                 D(points), D(score), None, "评定", "")
            )  # fmt: skip
            by_category[category] = by_category.get(category, D(0)) + score
        for category, score in by_category.items():
            points = sum(D(p) for c, p, _ in items.values() if c == category)
            tables["categories"].append(
                (year, fingerprint, name, code, category, category, False, points, score)
            )
    return Results((facts,), tables, f"{year}")


@pytest.fixture(autouse=True)
def wide_consoles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wide consoles so that table cells are not cut in assertions."""
    monkeypatch.setattr(cli, "out", Console(width=400, force_terminal=False))
    monkeypatch.setattr(cli, "err", Console(width=400, stderr=True, force_terminal=False))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "历年结果"
    for year in (2022, 2023):
        write_results_folder(year_results(year), root)
    return root


def test_the_readme_shows_the_example_queries() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for title, sql in EXAMPLES.items():
        assert title in readme and sql.strip() in readme


def test_trend_per_category(folder: Path) -> None:
    rows = connect(folder).sql(EXAMPLES["各年各部分平均得分（趋势）"]).fetchall()
    # 组织 2022: (18 + 15 + 8) / 3; 2023: (23 + 16 + 10) / 3. 服务 2022: (12 + 20 + 10) / 3; 2023: 40 / 3.
    assert [(y, c, float(a)) for y, c, a in rows] == [
        (2022, "服务", 14.0),
        (2023, "服务", 13.33),
        (2022, "组织", 13.67),
        (2023, "组织", 16.33),
    ]


def test_units_below_average_grade_two_years_running(folder: Path) -> None:
    rows = connect(folder).sql(EXAMPLES["连续两年低于「一般」的单位"]).fetchall()
    assert rows == [("003", "丙街道", 2022, 2023)]  # 18 then 15: 较差 both years; nobody else is


def test_average_item_score_by_department(folder: Path) -> None:
    rows = connect(folder).sql(EXAMPLES["各考核部门的指标平均得分"]).fetchall()
    # 2022 甲科: A1 and B1 of three units (8 + 12 + 10 + 20 + 4 + 10) / 6; 乙科: A2 (10 + 5 + 4) / 3.
    # 2023 甲科: A1 (9 + 10 + 5) / 3; 乙科: A2 and B2 (14 + 15 + 6 + 20 + 5 + 5) / 6.
    assert [(y, d, float(a)) for y, d, a, _ in rows] == [
        (2022, "乙科", 6.33),
        (2022, "甲科", 10.67),
        (2023, "乙科", 10.83),
        (2023, "甲科", 8.0),
    ]


def test_history_follows_a_renamed_unit_by_its_code(folder: Path) -> None:
    rows = history_rows(folder)
    second = [(r[0], r[2], r[4], r[5]) for r in rows if r[1] == "002"]
    assert second == [(2022, "乙街道", D("35.00"), "优秀"), (2023, "新乙街道", D("36.00"), "优秀")]
    result = CliRunner().invoke(app, ["history", str(folder)])
    assert result.exit_code == 0, result.output
    assert "新乙街道（曾用名 乙街道）" in result.output


def test_read_results_of_a_folder_by_year(folder: Path) -> None:
    everything = read_results(folder)
    assert everything.years == [2022, 2023]
    assert [r["total"] for r in read_results(folder, 2022).rows("units")] == [D(30), D(35), D(18)]


def test_compare_matches_units_by_code_and_items_by_id(folder: Path) -> None:
    last, this = load_pair(folder, folder)  # one folder twice: its last two years
    c = compare(last, this)
    assert (c.last_year, c.this_year) == (2022, 2023)
    renamed = next(u for u in c.units if u.unit_code == "002")
    assert (renamed.unit, renamed.last_name, renamed.change) == ("新乙街道", "乙街道", D(1))
    assert (renamed.last_rank, renamed.this_rank, renamed.rank_change) == (1, 2, -1)
    items = {(i.unit, i.item_id): i for i in c.items}
    assert items["甲街道", "A1"].status == SAME and items["甲街道", "A1"].change == D(1)
    changed_max = items["甲街道", "A2"]
    assert (changed_max.status, changed_max.last_max, changed_max.this_max, changed_max.change) == (
        MAX_CHANGED, D(10), D(15), None,
    )  # fmt: skip
    assert items["甲街道", "B2"].status == NEW and items["甲街道", "B2"].last_score is None
    assert items["甲街道", "B1"].status == GONE and items["甲街道", "B1"].this_score is None
    assert [u.unit for u in c.most_improved(1)] == ["甲街道"]  # 30 → 38
    # A1 is the only item with the same maximum: 甲 lost 2 then 1, 丙 6 then 5, 乙 nothing.
    assert [(i.unit, i.item_id) for i in c.losing()] == [("丙街道", "A1"), ("甲街道", "A1")]


def test_compare_with_a_map_compares_a_renumbered_item(folder: Path, tmp_path: Path) -> None:
    table = tmp_path / "对照.txt"
    table.write_text("旧编号|新编号\nB1|B2\n", encoding="utf-8")
    last, this = load_pair(folder, folder)
    c = compare(last, this, read_map(table))
    b2 = next(i for i in c.items if i.unit == "甲街道" and i.item_id == "B2")
    assert (b2.status, b2.last_id, b2.change) == (SAME, "B1", D(3))
    assert not [i for i in c.items if i.status == GONE]


def test_a_bad_map_line_is_named(tmp_path: Path) -> None:
    table = tmp_path / "对照.txt"
    table.write_text("B1|B2\nB3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="第 2 行"):
        read_map(table)
    table.write_text("B1|B2\nB1|B3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="B1"):
        read_map(table)


def test_compare_command_writes_the_workbook(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "对比.xlsx"
    result = CliRunner().invoke(app, ["compare", str(folder), str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["单位对比", "指标对比", "进步最大", "持续失分", "说明"]
    rows = list(book["单位对比"].iter_rows(values_only=True))
    assert rows[0][2:6] == ("2022 名称", "2022 总分", "2023 总分", "总分变化")
    assert rows[2][:6] == ("新乙街道", "002", "乙街道", 35, 36, 1)
    notes = [r[9] for r in book["指标对比"].iter_rows(min_row=2, values_only=True)]
    assert "满分变了，得分不直接比较" in notes
    assert "新乙街道" in result.output


def test_compare_with_no_earlier_year_is_refused(folder: Path, tmp_path: Path) -> None:
    only = tmp_path / "一年"
    write_results_folder(year_results(2023), only)
    result = CliRunner().invoke(app, ["compare", str(only), str(only), "-o", str(tmp_path / "c.xlsx")])
    assert result.exit_code == 2 and "没有早于 2023 年" in result.output
