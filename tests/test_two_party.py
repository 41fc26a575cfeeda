"""Both parties merged: unit returns and the departments' 评分表, each field taken from its filler.

Every folder here is made by the real writers (famscore template's unit form and 评分表), read by the
real batch (worker processes, spool) and scored by famscore.scoring.score_batch.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from famscore.batch import read_folder, score_folder
from famscore.batch.pool import START_METHOD_ENV
from famscore.entry_sheet import META_SHEET, META_UNIT, REVIEW_SHEET
from famscore.scheme.model import Scheme
from famscore.scoring import BatchResult, UnitResult, score_batch
from famscore.templates import (
    build_template,
    fill_template,
    review_filename,
    template_filename,
    write_review_form,
)

LoadMd = Callable[[str], Scheme]
GENERATED = "2024-01-15 09:00:00"
UNITS = ["新华街道", "江苏路街道", "新泾镇（虹桥）"]

# A1: 核定率 (家发科 verifies) ≥95 → 10, else 家发科's 评定分; A2: 6 − 2 × 信访件数 (信访办 holds them);
# A3: 4 unless the unit says it held no publicity. Each item has a 自评分 (自评 是).
SCHEME = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 测试考评 |
| 年度 | 2023 |
| 版本 | {version} |
| 主要指标满分 | 20 |
| 自评 | 是 |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 | 评分标准 | 考核部门 |
|---|---|---|---|---|---|---|
| A | 家庭发展 | | 20 | | | |
| A1 | | 药具发放 | 10 | | 核定完成率≥95%得10分，其他由家发科视情况评分。 | 家发科 |
| A2 | | 信访 | 6 | | 每件信访扣2分。 | 信访办 |
| A3 | | 宣传 | 4 | | 未开展宣传的扣4分。 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 | 最小值 | 最大值 | 选项 | 必填 | 填报说明 | 填报方 |
|---|---|---|---|---|---|---|---|---|---|---|
| A1_完成率 | A1 | 药具发放完成率 | 百分比 | % | | 100 | | | | 单位 |
| A1_核定率 | A1 | 核定完成率 | 百分比 | % | | 100 | | | 按信息系统数据核定 | 家发科 |
| A1_评定分 | A1 | 其他情况的评定分 | 评分 | | | 10 | | 否 | | |
| A2_件数 | A2 | 信访件数 | 整数 | 件 | 0 | | | | | {petitions} |
| A3_开展 | A3 | 是否开展宣传 | 是否 | | | | | | | |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_核定率 | ≥95:10；其他:A1_评定分 |
| A2 | 满分 | | |
| A2 | 计次扣分 | A2_件数 | 每次=2 |
| A3 | 满分 | | |
| A3 | 逐项扣分 | A3_开展 | 每项=4 |
"""

UNIT_VALUES = {
    "新华街道": {"A1_完成率": 98, "A3_开展": "是", "自评.A1": 10, "自评.A2": 6, "自评.A3": 4},
    "江苏路街道": {"A1_完成率": 96, "A3_开展": "是", "自评.A1": 10, "自评.A2": 6, "自评.A3": 4},
    "新泾镇（虹桥）": {"A1_完成率": 90, "A3_开展": "否", "自评.A1": 8, "自评.A2": 4, "自评.A3": 4},
}
FAMILY = {  # 家发科
    "新华街道": {"A1_核定率": 97},
    "江苏路街道": {"A1_核定率": 93, "A1_评定分": 7.5},  # verified below 95: judged
    "新泾镇（虹桥）": {"A1_核定率": 88, "A1_评定分": 6},
}
PETITIONS = {"新华街道": {"A2_件数": 0}, "江苏路街道": {"A2_件数": 1}, "新泾镇（虹桥）": {"A2_件数": 2}}
# By hand: 新华 10 + 6 + 4 = 20; 江苏路 7.5 + 4 + 4 = 15.5; 新泾镇 6 + 2 + 0 = 8.
TOTALS = {"新华街道": "20", "江苏路街道": "15.5", "新泾镇（虹桥）": "8"}


@pytest.fixture
def scheme(load_md: LoadMd) -> Scheme:
    return load_md(SCHEME.format(version="1", petitions="信访办"))


def unit_form(
    scheme: Scheme, unit: str, folder: Path, values: dict[str, object], *, full: bool = False
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = template_filename(scheme, unit)
    blank = build_template(scheme, unit, folder / f"_blank_{name}", GENERATED, unit_only=not full)
    path = fill_template(blank, values, folder / name)
    blank.unlink()
    return path


def review_form(
    scheme: Scheme,
    department: str,
    folder: Path,
    values: dict[str, dict[str, object]],
    name: str = "",
    units: list[str] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or review_filename(department))
    return write_review_form(scheme, units or UNITS, department, path, values, generated=GENERATED)


def two_party_folder(scheme: Scheme, folder: Path, *, family: bool = True, petitions: bool = True) -> Path:
    for unit, values in UNIT_VALUES.items():
        unit_form(scheme, unit, folder, values)
    if family:
        review_form(scheme, "家发科", folder, FAMILY)
    if petitions:
        review_form(scheme, "信访办", folder, PETITIONS)
    return folder


def score(scheme: Scheme, folder: Path, **kwargs: object) -> BatchResult:
    return score_folder(scheme, folder, UNITS, workers=1, **kwargs)  # type: ignore[arg-type]


def unit(batch: BatchResult, name: str) -> UnitResult:
    return next(u for u in batch.units if u.unit == name)


def codes(batch: BatchResult) -> list[str]:
    return [p.code for p in batch.problems]


def cell_of(path: Path, unit_name: str, field_id: str) -> str:
    """Where a 评分表 holds a unit's field, found the way a clerk would: by the id row and the unit's row."""
    sheet = load_workbook(path)[REVIEW_SHEET]
    column = row = None
    for line in sheet.iter_rows():
        for c in line:
            if c.value == field_id:
                column = c.column_letter
            if c.value == unit_name:
                row = c.row
    assert column and row
    return f"{column}{row}"


def edit_review(path: Path, unit_name: str, field_id: str, value: object, out: Path | None = None) -> Path:
    book = load_workbook(path)
    book[REVIEW_SHEET][cell_of(path, unit_name, field_id)].value = value
    book.save(out or path)
    return out or path


# ---------------------------------------------------------------- the merge


def test_each_field_comes_from_its_filler_and_the_scores_are_the_hand_worked_ones(
    scheme: Scheme, tmp_path: Path
) -> None:
    batch = score(scheme, two_party_folder(scheme, tmp_path / "回表"))
    assert batch.problems == []
    assert batch.files == 3  # the 评分表 are not returns
    assert {u.unit: u.total for u in batch.units} == {k: Decimal(v) for k, v in TOTALS.items()}
    jiangsu = unit(batch, "江苏路街道")
    assert [s.score for s in jiangsu.items] == [Decimal("7.5"), Decimal(4), Decimal(4)]
    # The unit's own claim is kept beside the verified score, never in it.
    assert jiangsu.self_score("A1") == Decimal(10) and jiangsu.self_total == Decimal(20)
    # Where each value was read: the unit's return for its figures, the 评分表 file and cell for the rest.
    review = tmp_path / "回表" / review_filename("家发科")
    assert (
        jiangsu.sources["A1_核定率"]
        == f"评分表_家发科.xlsx 评分表!{cell_of(review, '江苏路街道', 'A1_核定率')}"
    )
    assert jiangsu.sources["A1_完成率"].startswith("回表 填报!D")
    assert jiangsu.values["A2_件数"] == 1


def test_reviews_in_a_folder_of_their_own(scheme: Scheme, tmp_path: Path) -> None:
    returns = two_party_folder(scheme, tmp_path / "回表", family=False, petitions=False)
    reviews = tmp_path / "评分表"
    review_form(scheme, "家发科", reviews, FAMILY)
    review_form(scheme, "信访办", reviews, PETITIONS)
    batch = score(scheme, returns, reviews=reviews)
    assert batch.problems == []
    assert {u.unit: u.total for u in batch.units} == {k: Decimal(v) for k, v in TOTALS.items()}
    assert unit(batch, "新华街道").sources["A2_件数"].startswith("评分表/评分表_信访办.xlsx 评分表!")


def test_moving_a_value_from_the_return_into_a_review_changes_nothing(
    load_md: LoadMd, tmp_path: Path
) -> None:
    by_unit = load_md(SCHEME.format(version="1", petitions="单位"))  # the unit reports its petitions
    by_office = load_md(SCHEME.format(version="1", petitions="信访办"))
    assert by_unit.departments == ("家发科",)
    one = tmp_path / "单位填"
    for name, values in UNIT_VALUES.items():
        unit_form(by_unit, name, one, {**values, **PETITIONS[name]})
    review_form(by_unit, "家发科", one, FAMILY)
    other = two_party_folder(by_office, tmp_path / "部门填")
    first, second = score(by_unit, one), score(by_office, other)
    assert first.problems == second.problems == []
    for a, b in zip(first.units, second.units, strict=True):
        assert (a.unit, a.scores, a.total, a.rank) == (b.unit, b.scores, b.total, b.rank)
        assert [s.explanation for s in a.items] == [s.explanation for s in b.items]


def test_a_review_cell_changes_exactly_its_item(scheme: Scheme, tmp_path: Path) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表")
    before = score(scheme, folder)
    edit_review(folder / review_filename("信访办"), "新华街道", "A2_件数", 2)
    after = score(scheme, folder)
    assert after.problems == []
    for a, b in zip(before.units, after.units, strict=True):
        changed = [s.item.id for s, t in zip(a.items, b.items, strict=True) if s.score != t.score]
        assert changed == (["A2"] if a.unit == "新华街道" else [])
    assert unit(after, "新华街道").item("A2").score == Decimal(2)


def test_spawned_workers_merge_the_same_way(
    scheme: Scheme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表")
    forked = score_folder(scheme, folder, UNITS, workers=2)
    monkeypatch.setenv(START_METHOD_ENV, "spawn")
    spawned = score_folder(scheme, folder, UNITS, workers=2)
    assert spawned.problems == forked.problems == []
    assert [(u.unit, u.scores, u.total, dict(u.sources)) for u in spawned.units] == [
        (u.unit, u.scores, u.total, dict(u.sources)) for u in forked.units
    ]


def test_spooled_and_in_memory_details_agree(scheme: Scheme, tmp_path: Path) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表")
    spooled = score_folder(scheme, folder, UNITS, workers=1, spool=True)
    memory = score_folder(scheme, folder, UNITS, workers=1, spool=False)
    for a, b in zip(spooled.units, memory.units, strict=True):
        assert (a.items, a.values, dict(a.sources)) == (b.items, b.values, dict(b.sources))


def test_returns_given_as_data_merge_with_reviews_given_as_data(scheme: Scheme, tmp_path: Path) -> None:
    from famscore.returns import read_return
    from famscore.reviews import read_review

    folder = two_party_folder(scheme, tmp_path / "回表")
    returns = [read_return(folder / template_filename(scheme, u), scheme) for u in UNITS]
    reviews = [read_review(folder / review_filename(d), scheme) for d in scheme.departments]
    batch = score_batch(scheme, returns, UNITS, reviews=reviews)
    assert batch.problems == []
    assert {u.unit: u.total for u in batch.units} == {k: Decimal(v) for k, v in TOTALS.items()}


# ---------------------------------------------------------------- problems


def test_a_missing_review_is_one_problem_and_its_items_are_pending_for_every_unit(
    scheme: Scheme, tmp_path: Path
) -> None:
    batch = score(scheme, two_party_folder(scheme, tmp_path / "回表", petitions=False))
    assert codes(batch) == ["MERGE_REVIEW_MISSING"]  # one, not one per unit or per field
    problem = batch.problems[0]
    assert "信访办" in problem.message and "「信访」" in problem.message and problem.fix
    for u in batch.units:
        assert u.item("A2").score is None  # pending, not 0
        assert u.item("A1").score is not None and u.grade in ("", "待定") and u.rank is None
        assert "信访" in u.pending_reason()


def test_a_blank_review_cell_is_located_there_and_leaves_that_item_pending(
    scheme: Scheme, tmp_path: Path
) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表")
    review = folder / review_filename("信访办")
    edit_review(review, "江苏路街道", "A2_件数", None)
    batch = score(scheme, folder)
    blank = [p for p in batch.problems if p.code == "MERGE_REVIEW_BLANK"]
    assert len(blank) == 1
    assert (blank[0].file, blank[0].sheet, blank[0].cell) == (
        review.name,
        REVIEW_SHEET,
        cell_of(review, "江苏路街道", "A2_件数"),
    )
    assert "江苏路街道" in blank[0].message and "信访办" in blank[0].fix
    assert unit(batch, "江苏路街道").item("A2").score is None
    assert unit(batch, "新华街道").item("A2").score == Decimal(6)


def test_an_optional_blank_the_item_does_not_need_is_no_problem(scheme: Scheme, tmp_path: Path) -> None:
    # 新华街道's 核定率 is 97: the 评定分 left blank is not needed.
    batch = score(scheme, two_party_folder(scheme, tmp_path / "回表"))
    assert "A1_评定分" not in unit(batch, "新华街道").values and batch.problems == []


def test_two_reviews_that_disagree_are_a_conflict_naming_both(scheme: Scheme, tmp_path: Path) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表")
    first = folder / review_filename("信访办")
    second = edit_review(first, "新泾镇（虹桥）", "A2_件数", 0, folder / "评分表_信访办（修改）.xlsx")
    batch = score(scheme, folder)
    conflict = [p for p in batch.problems if p.code == "MERGE_REVIEW_CONFLICT"]
    assert len(conflict) == 1
    where = cell_of(first, "新泾镇（虹桥）", "A2_件数")
    assert f"{first.name} 评分表!{where} 为 2" in conflict[0].message
    assert f"{second.name} 评分表!{where} 为 0" in conflict[0].message
    assert unit(batch, "新泾镇（虹桥）").item("A2").score is None
    assert unit(batch, "新华街道").item("A2").score == Decimal(6)  # the cells they agree on are used


def test_identical_copies_of_a_review_are_fine(scheme: Scheme, tmp_path: Path) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表")
    shutil.copy(folder / review_filename("信访办"), folder / "评分表_信访办 - 副本.xlsx")
    batch = score(scheme, folder)
    assert batch.problems == []
    assert {u.unit: u.total for u in batch.units} == {k: Decimal(v) for k, v in TOTALS.items()}


def test_a_review_row_for_a_unit_not_on_the_roster(scheme: Scheme, tmp_path: Path) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表", petitions=False)
    review_form(
        scheme, "信访办", folder, {**PETITIONS, "天山街道": {"A2_件数": 0}}, units=[*UNITS, "天山街道"]
    )
    batch = score(scheme, folder)
    assert codes(batch) == ["MERGE_REVIEW_UNIT_NOT_ON_ROSTER"]
    assert "天山街道" in batch.problems[0].message and batch.problems[0].file == review_filename("信访办")
    assert batch.problems[0].row is not None


def test_a_roster_unit_missing_from_a_review(scheme: Scheme, tmp_path: Path) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表", petitions=False)
    review_form(scheme, "信访办", folder, {u: PETITIONS[u] for u in UNITS[:2]}, units=UNITS[:2])
    batch = score(scheme, folder)
    assert codes(batch) == ["MERGE_REVIEW_UNITS_MISSING", "UNIT_INCOMPLETE"]
    assert "新泾镇（虹桥）" in batch.problems[0].message and "「信访」" in batch.problems[0].message
    assert unit(batch, "新泾镇（虹桥）").item("A2").score is None
    assert unit(batch, "新华街道").item("A2").score == Decimal(6)


def test_a_department_value_in_an_old_form_is_ignored_with_a_warning(scheme: Scheme, tmp_path: Path) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表")
    # 新华街道 sends the old form with every field, and awards itself no petitions against 信访办's 2.
    unit_form(
        scheme, "新华街道", folder, {**UNIT_VALUES["新华街道"], "A1_核定率": 100, "A2_件数": 0}, full=True
    )
    edit_review(folder / review_filename("信访办"), "新华街道", "A2_件数", 2)
    batch = score(scheme, folder)
    assert codes(batch) == ["MERGE_RETURN_DEPARTMENT_FIELDS"]
    warning = batch.problems[0]
    assert warning.severity == "警告" and warning.file == template_filename(scheme, "新华街道")
    assert "A1_核定率" in warning.message and "A2_件数" in warning.message and "评分表为准" in warning.message
    xinhua = unit(batch, "新华街道")
    assert xinhua.item("A2").score == Decimal(2) and xinhua.values["A2_件数"] == 2
    assert xinhua.sources["A2_件数"].startswith("评分表_信访办.xlsx")


def test_a_review_of_another_version_is_not_used_and_says_why(
    load_md: LoadMd, scheme: Scheme, tmp_path: Path
) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表", petitions=False)
    old = load_md(SCHEME.format(version="0", petitions="信访办"))
    review_form(old, "信访办", folder, PETITIONS)
    batch = score(scheme, folder)
    assert codes(batch) == ["REVIEW_OTHER_VERSION", "MERGE_REVIEW_MISSING"]
    assert review_filename("信访办") in batch.problems[1].message  # the missing department names the file
    assert all(u.item("A2").score is None for u in batch.units)


def test_a_unit_known_only_from_its_file_name_still_gets_its_department_values(
    scheme: Scheme, tmp_path: Path
) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表")
    path = folder / template_filename(scheme, "江苏路街道")
    book = load_workbook(path)
    meta = book[META_SHEET]
    for row in meta.iter_rows():
        if row[0].value == META_UNIT:
            row[1].value = None
    book.save(path)
    batch = score(scheme, folder)
    assert codes(batch) == ["RETURN_UNIT_FROM_FILE_NAME"]
    assert unit(batch, "江苏路街道").total == Decimal(TOTALS["江苏路街道"])


def test_a_scheme_every_field_of_the_unit_scores_as_before_without_reviews(
    load_md: LoadMd, tmp_path: Path
) -> None:
    text = SCHEME.format(version="1", petitions="单位").replace(
        "| 家发科 |\n| A1_评定分", "| 单位 |\n| A1_评定分"
    )
    text = text.replace("| 否 | | |\n", "| 否 | | 单位 |\n")
    one_party = load_md(text)
    assert not one_party.two_party
    folder = tmp_path / "回表"
    for name, values in UNIT_VALUES.items():
        unit_form(one_party, name, folder, {**values, **FAMILY[name], **PETITIONS[name]})
    batch = score(one_party, folder)
    assert batch.problems == []
    assert {u.unit: u.total for u in batch.units} == {k: Decimal(v) for k, v in TOTALS.items()}


def test_read_folder_hands_back_the_reviews_it_found(scheme: Scheme, tmp_path: Path) -> None:
    folder = two_party_folder(scheme, tmp_path / "回表")
    results, notes = read_folder(folder, scheme, workers=1)
    assert notes == []
    assert sorted(r.review.department for r in results if r.review is not None) == ["信访办", "家发科"]
    assert all(r.data.review_form == (r.review is not None) for r in results)


# ---------------------------------------------------------------- 自评 vs 核定 in every output


def run_score(scheme_path: Path, folder: Path, out: Path, *more: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    from famscore.cli import app

    args = [
        "score",
        str(scheme_path),
        str(folder),
        "-o",
        str(out / "汇总.xlsx"),
        "--json",
        str(out / "r.json"),
    ]
    result = CliRunner().invoke(app, [*args, *more])
    return result.exit_code, result.output


def test_summary_json_audit_and_explain_show_the_claim_beside_the_verified_score(
    scheme_file: Callable[[str], Path], tmp_path: Path
) -> None:
    import json

    from typer.testing import CliRunner

    from famscore.cli import app
    from famscore.outputs.audit import audit_csv_path
    from famscore.outputs.selfcheck import LARGE_FILL, SHEET_SELF

    path = scheme_file(SCHEME.format(version="1", petitions="信访办"))
    from famscore.scheme.loader import load_scheme

    scheme = load_scheme(path)
    folder = two_party_folder(scheme, tmp_path / "回表")
    code, output = run_score(path, folder, tmp_path)
    assert code == 0, output
    book = load_workbook(tmp_path / "汇总.xlsx")
    assert book.sheetnames.index(SHEET_SELF) == book.sheetnames.index("得分明细") + 1
    sheet = book[SHEET_SELF]
    assert "差额 = 自评分 − 核定分" in sheet["A1"].value and "2 分" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == ["单位", "指标编号", "指标名称", "满分", "自评分", "核定分", "差额"]
    rows = {(r[0].value, r[1].value, r[2].value): r for r in sheet.iter_rows(min_row=3)}
    # 江苏路街道 claims 10 on A1 against a verified 7.5: 2.5 over, highlighted; A3 4 and 4: not.
    a1 = rows[("江苏路街道", "A1", "药具发放")]
    assert [c.value for c in a1[4:]] == [10, 7.5, 2.5]
    assert a1[6].fill.fgColor.rgb.endswith(LARGE_FILL)
    a3 = rows[("江苏路街道", "A3", "宣传")]
    assert [c.value for c in a3[4:]] == [4, 4, 0] and not a3[6].fill.fgColor.rgb.endswith(LARGE_FILL)
    # 新泾镇 claims 4 on A2 (6 points) against 2: 2 off is large; its total 16 against 8.
    assert rows[("新泾镇（虹桥）", "A2", "信访")][6].value == 2
    total = rows[("新泾镇（虹桥）", None, "合计")]
    assert [c.value for c in total[4:]] == [16, 8, 8]

    payload = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    jiangsu = next(u for u in payload["units"] if u["unit"] == "江苏路街道")
    assert jiangsu["self_total"] == 20 and jiangsu["total"] == 15.5
    assert [(i["id"], i["self_score"], i["score"]) for i in jiangsu["items"]] == [
        ("A1", 10, 7.5),
        ("A2", 6, 4),
        ("A3", 4, 4),
    ]

    audit = book["计分过程"]
    found = [r for r in audit.iter_rows(min_row=2, values_only=True) if r[0] == "江苏路街道" and r[1] == "A1"]
    review = folder / review_filename("家发科")
    assert (
        f"核定完成率=93（评分表_家发科.xlsx 评分表!{cell_of(review, '江苏路街道', 'A1_核定率')}）"
        in found[0][5]
    )
    assert "药具发放完成率=96；" in found[0][5] and "药具发放完成率=96（" not in found[0][5]

    result = CliRunner().invoke(app, ["explain", str(path), str(folder), "--unit", "江苏路街道"])
    assert result.exit_code == 0, result.output
    assert "自评分" in result.output and "核定分" in result.output and "（自评 20.00）" in result.output
    assert not audit_csv_path(tmp_path / "汇总.xlsx").exists()


def test_without_self_assessment_none_of_it_appears(
    load_md: LoadMd, scheme_file: Callable[[str], Path], tmp_path: Path
) -> None:
    import json

    from typer.testing import CliRunner

    from famscore.cli import app
    from famscore.outputs.selfcheck import SHEET_SELF
    from famscore.scheme.loader import load_scheme

    path = scheme_file(
        SCHEME.format(version="1", petitions="信访办").replace("| 自评 | 是 |", "| 自评 | 否 |")
    )
    scheme = load_scheme(path)
    assert not scheme.settings.self_assessment
    folder = tmp_path / "回表"
    for name, values in UNIT_VALUES.items():
        unit_form(scheme, name, folder, {k: v for k, v in values.items() if not k.startswith("自评.")})
    review_form(scheme, "家发科", folder, FAMILY)
    review_form(scheme, "信访办", folder, PETITIONS)
    code, output = run_score(path, folder, tmp_path)
    assert code == 0, output
    assert SHEET_SELF not in load_workbook(tmp_path / "汇总.xlsx").sheetnames
    payload = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert all(
        "self_total" not in u and all("self_score" not in i for i in u["items"]) for u in payload["units"]
    )
    result = CliRunner().invoke(app, ["explain", str(path), str(folder), "--unit", "新华街道"])
    assert result.exit_code == 0 and "自评分" not in result.output and "得分" in result.output


def test_score_takes_a_reviews_folder_and_refuses_writing_into_it(
    scheme_file: Callable[[str], Path], tmp_path: Path
) -> None:
    from famscore.scheme.loader import load_scheme

    path = scheme_file(SCHEME.format(version="1", petitions="信访办"))
    scheme = load_scheme(path)
    returns = two_party_folder(scheme, tmp_path / "回表", family=False, petitions=False)
    reviews = tmp_path / "评分表"
    review_form(scheme, "家发科", reviews, FAMILY)
    review_form(scheme, "信访办", reviews, PETITIONS)
    code, output = run_score(path, returns, tmp_path, "--reviews", str(reviews))
    assert code == 0, output
    target = reviews / review_filename("信访办")
    before = target.read_bytes()
    from typer.testing import CliRunner

    from famscore.cli import app

    result = CliRunner().invoke(
        app, ["score", str(path), str(returns), "--reviews", str(reviews), "-o", str(target)]
    )
    assert result.exit_code == 2 and target.read_bytes() == before


def test_score_says_how_many_returns_and_reviews_it_read(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from famscore.cli import app

    example = Path(__file__).resolve().parent.parent / "examples" / "changning-2023"
    result = CliRunner().invoke(
        app,
        ["score", str(example / "考评表.xlsx"), str(example / "returns"), "-o", str(tmp_path / "汇总.xlsx")],
    )
    assert result.exit_code == 0, result.output
    assert "已读取 10 份回表和 5 份评分表，10 个单位完整计分。" in result.output


def test_every_unit_of_the_example_has_its_self_check_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sheet writes rows past the first unit's straight to the worksheet, and takes the claims from
    # UnitResult.claims (kept with the scores), not from the spooled details: every row must still
    # say what the unit claimed and what was verified, item by item, with the first unit's layout.
    from famscore.outputs import selfcheck
    from famscore.outputs.selfcheck import SHEET_SELF
    from famscore.outputs.summary import write_summary
    from famscore.outputs.xlsx import Column
    from famscore.scheme.loader import load_scheme

    # A narrow 指标名称 column, so that the longer names wrap and their rows need a height.
    columns = list(selfcheck.COLUMNS)
    columns[2] = Column("指标名称", "wrap", 12, 10)
    monkeypatch.setattr(selfcheck, "COLUMNS", columns)
    example = Path(__file__).resolve().parent.parent / "examples" / "changning-2023"
    scheme = load_scheme(example / "考评表.xlsx")
    spooled = score_folder(scheme, example / "returns", workers=2, spool=True)
    in_memory = score_folder(scheme, example / "returns", workers=1, spool=False)
    for one, other in zip(spooled.units, in_memory.units, strict=True):
        assert one.claims == other.claims == tuple(one.self_score(item.id) for item in scheme.items)
        assert one.self_total == other.self_total is not None
    write_summary(spooled, tmp_path / "汇总.xlsx", generated_at=GENERATED, famscore_version="test")
    sheet = load_workbook(tmp_path / "汇总.xlsx")[SHEET_SELF]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    per_unit = len(scheme.items) + 1
    assert len(rows) == per_unit * len(spooled.units) == 240
    heights = [sheet.row_dimensions[r].height for r in range(3, 3 + per_unit)]
    for index, unit in enumerate(spooled.units):
        block = rows[index * per_unit : (index + 1) * per_unit]
        for item, claim, verified, row in zip(scheme.items, unit.claims, unit.scores, block, strict=False):
            assert claim is not None and verified is not None
            assert row == (
                unit.unit,
                item.id,
                item.name,
                float(item.points),
                float(claim),
                float(verified),
                float(claim - verified),
            ), (unit.unit, item.id)
        assert block[-1][0] == unit.unit and block[-1][2] == "合计"
        assert block[-1][4:] == (
            float(unit.self_total),
            float(unit.total),
            float(unit.self_total - unit.total),
        )
        first = 3 + index * per_unit
        assert [sheet.row_dimensions[r].height for r in range(first, first + per_unit)] == heights
    # A name of several lines makes its rows taller in every unit, not only the first.
    assert any(height is not None for height in heights) and None in heights


def test_the_batch_keeps_one_object_per_distinct_score(tmp_path: Path) -> None:
    # Memory per unit: scores, claims and subtotals come back from the workers as fresh Decimals (46 a
    # unit, 104 bytes each); the batch keeps one object per distinct value, told apart by text (one
    # table where the workers' results are received, one where the department items are scored).
    from famscore.batch.job import Receiver
    from famscore.scheme.loader import load_scheme

    example = Path(__file__).resolve().parent.parent / "examples" / "changning-2023"
    scheme = load_scheme(example / "考评表.xlsx")
    batch = score_folder(scheme, example / "returns", workers=2, spool=True)
    numbers = [
        n for u in batch.units for n in (*u.scores, *u.claims, *u.categories.values()) if n is not None
    ]
    distinct = len({str(n) for n in numbers})
    assert distinct * 4 < len(numbers)  # many repeats to share
    assert len({id(n) for n in numbers}) <= 2 * distinct
    shared = Receiver(scheme, None).numbers
    five, five_point_oh = shared.one(Decimal("5")), shared.one(Decimal("5.0"))
    assert five == five_point_oh and str(five) == "5" and str(five_point_oh) == "5.0"
    assert shared.one(Decimal("5")) is five and shared.each((None, Decimal("5"))) == (None, five)
