"""Each unit's feedback workbook and the objections collected from them, opened as a user's software would."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from famscore.cli import app
from famscore.outputs import feedback as F
from famscore.outputs.objections import collect_objections
from famscore.outputs.pages import Prototype, write_page
from famscore.outputs.safe import OutputSet
from famscore.outputs.summary import write_summary
from famscore.outputs.xlsx import ERROR_FILL
from famscore.returns import ReturnData
from famscore.scheme.model import Scheme
from famscore.scoring import BatchResult, score_batch

SCHEME = """
## 设置
| 项目 | 内容 |
|---|---|
| 标题 | 长宁区2023年度计划生育工作目标管理责任制考评 |
| 年度 | 2023 |
| 版本 | 2023-1 |
| 主要指标满分 | 10 |
| 附加分满分 | 10 |
| 自评 | 是 |

## 等级
| 等级 | 最低分 |
|---|---|
| 优秀 | 9 |
| 良好 | 8 |
| 不合格 | |

## 指标
| 编号 | 一级指标 | 二级指标 | 分值 | 计分类别 |
|---|---|---|---|---|
| A | 计生服务 | | 10 | |
| A1 | | 免费药具 | 8 | |
| A2 | | 出生个案信息核实 | 2 | |
| B | 创新工作 | | 10 | 附加 |
| B1 | | 工作创新 | 10 | |

## 字段
| 字段编号 | 指标编号 | 填报项目 | 类型 | 单位 |
|---|---|---|---|---|
| A1_rate | A1 | 药具发放率 | 数值 | 分 |
| A2_rate | A2 | 核实率 | 百分比 | % |
| B1_n | B1 | 创新项目数 | 整数 | 项 |

## 规则
| 指标编号 | 规则类型 | 字段 | 参数 |
|---|---|---|---|
| A1 | 分档 | A1_rate | ≥95:8；≥90:6；≥85:4；≥80:2；其他:0 |
| A2 | 满分 | | |
| A2 | 低于标准扣分 | A2_rate | 标准=98；每=1；扣=0.2；方式=按比例 |
| B1 | 计次加分 | B1_n | 每次=5；上限=10 |
"""

UNIT = "华阳街道"


def _return(unit: str, a1: str, a2: str, b1: str | None, claims: dict[str, str] | None = None) -> ReturnData:
    data = ReturnData(f"{unit}.xlsx", f"/returns/{unit}.xlsx")
    data.unit = unit
    data.values = {"A1_rate": Decimal(a1), "A2_rate": Decimal(a2)}
    data.raw = {"A1_rate": a1, "A2_rate": f"{a2}%"}
    if b1 is not None:
        data.values["B1_n"] = Decimal(b1)
        data.raw["B1_n"] = b1
    for item, claim in (claims or {}).items():
        data.values[f"自评.{item}"] = Decimal(claim)
        data.raw[f"自评.{item}"] = claim
    return data


@pytest.fixture
def scheme(load_md: Callable[[str], Scheme]) -> Scheme:
    return load_md(SCHEME)


@pytest.fixture
def batch(scheme: Scheme) -> BatchResult:
    returns = [
        _return("天山街道", "96", "96.5", "1"),  # 8 + 1.7 = 9.7, +5 → 14.7, 优秀
        _return(UNIT, "94.5", "98.5", "0", {"A1": "8", "A2": "2"}),  # 6 + 2 = 8 → 良好, total 8
        _return("程桥街道", "85", "96", "2"),  # 4 + 1.6 = 5.6, +10 → 15.6, 不合格
        _return("新泾镇", "96", "98", None),  # B1 missing → 待定
    ]
    return score_batch(scheme, returns)


def _write(source: F.Source, facts: F.SchemeFacts, folder: Path) -> dict[str, Path]:
    targets = F.plan_feedback(source, facts, folder, [])
    F.write_feedback_files(source, targets)
    return dict(zip(source.names, targets, strict=True))


@pytest.fixture
def written(batch: BatchResult, tmp_path: Path) -> dict[str, Path]:
    source = F.BatchSource(batch)
    return _write(source, source.facts, tmp_path / "反馈表")


def _row_of(ws: openpyxl.worksheet.worksheet.Worksheet, item: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == item)


def test_one_workbook_per_unit_named_after_it(written: dict[str, Path]) -> None:
    assert sorted(p.name for p in written.values()) == sorted(
        f"{u}_2023年度考核反馈表.xlsx" for u in ("天山街道", UNIT, "程桥街道", "新泾镇")
    )


def test_header_rank_grade_and_distance_to_the_next_band(written: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(written[UNIT])[F.FEEDBACK_SHEET]
    assert ws["A1"].value == "长宁区2023年度计划生育工作目标管理责任制考评"
    assert ws["A2"].value == "2023年度考核结果反馈表"
    assert (ws["A3"].value, ws["C3"].value) == ("单位", UNIT)
    # Ranked by total: 程桥街道 15.6, 天山街道 14.7, 华阳街道 8 (新泾镇 待定).
    assert (ws["G3"].value, ws["H3"].value) == ("排名", "第 3 名 / 3")
    assert (ws["A4"].value, ws["C4"].value, ws["H4"].value) == ("主要指标得分", 8, "良好")
    assert (ws["A5"].value, ws["C5"].value) == ("附加分", 0)
    # 优秀 begins at 9 (主要指标得分): 9 − (6 + 2) = 1.
    assert ws["H5"].value == "距「优秀」还差 1 分（按主要指标得分）"
    assert (ws["A6"].value, ws["C6"].value) == ("总分", 8)
    low = openpyxl.load_workbook(written["程桥街道"])[F.FEEDBACK_SHEET]
    assert low["H5"].value == "距「良好」还差 2.4 分（按主要指标得分）"  # 8 − (4 + 1.6)
    top = openpyxl.load_workbook(written["天山街道"])[F.FEEDBACK_SHEET]
    assert top["H5"].value == "已是最高等级「优秀」"


def test_pending_unit_gets_its_workbook_with_the_reason(written: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(written["新泾镇"])[F.FEEDBACK_SHEET]
    assert ws["H3"].value == "待定（不参加排名）"
    assert ws["H4"].value == "待定"
    assert "有 1 项无法计分（工作创新）" in ws["H6"].value
    assert ws.cell(_row_of(ws, "B1"), F.C_SCORE + 1).value == "未计分"


def test_items_under_categories_with_self_verified_lost_and_district(written: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(written[UNIT])[F.FEEDBACK_SHEET]
    assert [ws.cell(F.TABLE_ROW + 1, c).value for c in range(1, 11)] == list(F.TABLE_HEADERS)
    ids = [ws.cell(r, 1).value for r in range(F.TABLE_ROW + 2, F.TABLE_ROW + 7)]
    assert ids == ["A", "A1", "A2", "B", "B1"]

    def line(item: str) -> list[object]:
        return [ws.cell(_row_of(ws, item), c).value for c in range(1, 11)]

    # 编号 指标 满分 自评分 核定分 失分 说明 全区平均 全区最高 异议说明
    a1 = line("A1")
    assert a1[:6] == ["A1", "免费药具", 8, 8, 6, 2]
    assert "6" in a1[6]
    assert a1[7:] == [6, 8, None]  # ranked units' A1: 8, 6, 4
    assert line("A2")[:6] == ["A2", "出生个案信息核实", 2, 2, 2, None]
    category = line("A")
    assert category[:6] == ["A", "计生服务", 10, 10, 8, 2]  # subtotals, 自评分 8 + 2
    assert category[7:9] == [pytest.approx(7.77), 9.7]  # (9.7 + 8 + 5.6) / 3 = 7.77
    assert line("B1")[2:6] == [10, None, 0, None]  # a bonus not earned is not a loss
    lost = ws.cell(_row_of(ws, "A1"), F.C_SCORE + 1)
    kept = ws.cell(_row_of(ws, "A2"), F.C_SCORE + 1)
    assert lost.fill.fgColor.rgb.endswith(ERROR_FILL)
    assert not (kept.fill.fgColor.rgb or "").endswith(ERROR_FILL)
    totals = {ws.cell(r, 1).value: ws.cell(r, F.C_SCORE + 1).value for r in range(1, ws.max_row + 1)}
    assert (totals["主要指标得分"], totals["附加分"], totals["总分"]) == (8, 0, 8)


def test_values_as_reported_and_verified_with_their_source(written: dict[str, Path]) -> None:
    ws = openpyxl.load_workbook(written[UNIT])[F.VALUES_SHEET]
    header = [ws.cell(F.VALUE_ROW + 1, c).value for c in range(1, 6)]
    assert header == list(F.VALUE_HEADERS)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=F.VALUE_ROW + 2)]
    assert rows == [
        ["A1", "药具发放率", "94.5", "94.5", "回表"],
        ["A2", "核实率", "98.5%", "98.5", "回表"],
        ["B1", "创新项目数", "0", "0", "回表"],
    ]
    assert f"{UNIT}.xlsx" in ws["A2"].value


def test_district_picture_names_no_other_unit(written: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(written[UNIT])
    texts = [str(c.value) for ws in book.worksheets if ws.title != F.META_SHEET for row in ws for c in row]
    assert not any(other in t for t in texts for other in ("天山街道", "程桥街道", "新泾镇"))
    assert any(
        "参加排名的 3 个单位中：优秀 1 个、良好 1 个、不合格 1 个；另有 1 个单位待定" in t for t in texts
    )


def test_only_the_reply_cells_are_unlocked(written: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(written[UNIT])
    ws = book[F.FEEDBACK_SHEET]
    assert ws.protection.sheet and book[F.VALUES_SHEET].protection.sheet
    row = _row_of(ws, "A1")
    assert ws.cell(row, F.C_REPLY + 1).protection.locked is False
    assert ws.cell(row, F.C_SCORE + 1).protection.locked is True
    unlocked = {c.coordinate for r in ws.iter_rows() for c in r if c.protection.locked is False}
    meta = dict(book[F.META_SHEET].iter_rows(max_col=2, values_only=True))
    contact = {meta[k] for k in (F.M_OTHER, F.M_SIGNER, F.M_PHONE, F.M_DATE)}
    replies = {f"J{_row_of(ws, i)}" for i in ("A1", "A2", "B1")}
    assert {c for c in unlocked if c[0] == "J" and ws[c].value is None} >= replies
    assert contact <= unlocked
    merged_tail = {
        c.coordinate for m in ws.merged_cells.ranges for c in list(m.cells)[1:] for c in [ws.cell(*c)]
    }
    assert unlocked - merged_tail == replies | contact


def test_page_setup_a4_portrait_fit_width_header_footer(written: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(written[UNIT])
    for name, repeat in ((F.FEEDBACK_SHEET, F.TABLE_ROW), (F.VALUES_SHEET, F.VALUE_ROW)):
        ws = book[name]
        assert ws.page_setup.orientation == "portrait"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        # fitToWidth 1 is the default, which xlsxwriter leaves unwritten (openpyxl then reads None).
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_title_rows == f"${repeat + 1}:${repeat + 1}"
        assert ws.oddHeader.left.text == UNIT
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        # Fit to the width of A4 (8.27 in) between the margins: a column of width w is 7w + 5 pixels.
        columns = [d.width for d in ws.column_dimensions.values() for _ in range(d.min, d.max + 1)]
        assert len(columns) == ws.max_column
        printable = (8.27 - ws.page_margins.left - ws.page_margins.right) * 72
        scale = min(1.0, printable / sum((7 * w + 5) * 0.75 for w in columns))
        sizes = {c.font.sz for row in ws.iter_rows() for c in row if c.value is not None}
        assert min(sizes) * scale >= 9


def test_meta_records_kind_scheme_unit_and_checksum(written: dict[str, Path], scheme: Scheme) -> None:
    book = openpyxl.load_workbook(written[UNIT])
    meta = book[F.META_SHEET]
    assert meta.sheet_state == "hidden"
    rows = [tuple("" if v is None else str(v) for v in r) for r in meta.iter_rows(values_only=True)]
    keys = dict(r[:2] for r in rows if r and r[0])
    assert keys[F.M_KIND] == F.KIND
    assert (keys[F.M_TITLE], keys[F.M_VERSION]) == (scheme.title, scheme.version)
    assert keys[F.M_FINGERPRINT] == scheme.fingerprint
    assert keys[F.M_UNIT] == UNIT
    records = [r[:5] for r in rows[rows.index(F.M_TABLE) + 1 :]]
    assert ("E11", "6", "A1", "免费药具", "J11") in records
    assert keys[F.M_CHECKSUM] == F.checksum(scheme.fingerprint, UNIT, records)


def test_prototype_writes_the_same_workbook_as_xlsxwriter(batch: BatchResult, tmp_path: Path) -> None:
    source = F.BatchSource(batch)
    prototype = Prototype.of(F.feedback_page(source.get(0)))
    page = F.feedback_page(source.get(3), prototype.frame)
    prototype.write(page, tmp_path / "fast.xlsx")
    write_page(page, tmp_path / "slow.xlsx")
    fast, slow = (
        openpyxl.load_workbook(tmp_path / "fast.xlsx"),
        openpyxl.load_workbook(tmp_path / "slow.xlsx"),
    )
    assert fast.sheetnames == slow.sheetnames
    for a, b in zip(fast.worksheets, slow.worksheets, strict=True):
        assert a.sheet_state == b.sheet_state
        assert sorted(map(str, a.merged_cells.ranges)) == sorted(map(str, b.merged_cells.ranges))
        assert (a.oddHeader.left.text, a.oddFooter.center.text) == (
            b.oddHeader.left.text,
            b.oddFooter.center.text,
        )
        assert {r: d.height for r, d in a.row_dimensions.items() if d.height} == {
            r: d.height for r, d in b.row_dimensions.items() if d.height
        }
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
            for x, y in zip(row_a, row_b, strict=True):
                look = (
                    x.value,
                    x.number_format,
                    x.font.b,
                    x.font.sz,
                    x.fill.fgColor.rgb,
                    x.protection.locked,
                )
                assert look == (
                    y.value,
                    y.number_format,
                    y.font.b,
                    y.font.sz,
                    y.fill.fgColor.rgb,
                    y.protection.locked,
                )


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_write_the_same_files(
    batch: BatchResult, tmp_path: Path, method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAMSCORE_START_METHOD", method)
    monkeypatch.setattr(F, "PARALLEL_UNITS", 0)
    monkeypatch.setattr(F, "CHUNK", 1)  # four chunks dealt to two workers
    source = F.BatchSource(batch)
    targets = F.plan_feedback(source, source.facts, tmp_path / "w", [])
    F.make_folder(tmp_path / "w")
    with OutputSet() as outputs:
        F.write_feedback(source, targets, outputs, workers=2)
        outputs.commit()
    alone = _write(source, source.facts, tmp_path / "one")
    for unit, target in zip(source.names, targets, strict=True):
        a, b = openpyxl.load_workbook(target), openpyxl.load_workbook(alone[unit])
        for x, y in zip(a.worksheets, b.worksheets, strict=True):
            assert list(x.values) == list(y.values)
    assert not [p for p in (tmp_path / "w").iterdir() if p.name.startswith(".")]  # no temporary files


def test_from_a_summary_with_what_it_records(batch: BatchResult, tmp_path: Path) -> None:
    summary = write_summary(
        batch, tmp_path / "汇总.xlsx", generated_at="2024-02-18 09:00", famscore_version="9"
    )
    source = F.summary_source(summary)
    written = _write(source, source.get(0).facts, tmp_path / "fb")
    ws = openpyxl.load_workbook(written[UNIT])[F.FEEDBACK_SHEET]
    assert ws["H3"].value == "第 3 名 / 3"
    assert ws["H5"].value == "距「优秀」还差 1 分（按主要指标得分）"
    row = _row_of(ws, "A1")
    assert [ws.cell(row, c).value for c in range(3, 10) if c != 7] == [8, 8, 6, 2, 6, 8]
    category = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "计生服务")
    assert [ws.cell(category, c).value for c in range(3, 7)] == [10, 10, 8, 2]
    values = openpyxl.load_workbook(written[UNIT])[F.VALUES_SHEET]
    assert F.SUMMARY_MISSING in values["A2"].value
    assert [c.value for c in values[F.VALUE_ROW + 2]][:3] == ["A1", "药具发放率", "94.5"]


def test_from_a_summary_without_its_audit_csv_says_so(
    batch: BatchResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import famscore.outputs.audit as audit

    monkeypatch.setattr(audit, "AUDIT_ROWS_IN_WORKBOOK", 0)  # the audit goes to a CSV beside it
    summary = write_summary(
        batch, tmp_path / "汇总.xlsx", generated_at="2024-02-18 09:00", famscore_version="9"
    )
    audit.audit_csv_path(summary).unlink()  # copied without it
    source = F.summary_source(summary)
    ws = openpyxl.load_workbook(_write(source, source.get(0).facts, tmp_path / "fb")[UNIT])[F.FEEDBACK_SHEET]
    assert ws.cell(F.TABLE_ROW + 2, 1).value == F.NO_AUDIT + "。"
    assert ws["C4"].value == 8  # the 排名 sheet still gives the totals


# ---------------------------------------------------------------- objections


def _reply(path: Path, out: Path, replies: dict[str, str], edit: tuple[str, object] | None = None) -> None:
    """What a unit does: types replies in the yellow cells (and, for the test, edits a cell)."""
    book = openpyxl.load_workbook(path)
    ws = book[F.FEEDBACK_SHEET]
    meta = dict(book[F.META_SHEET].iter_rows(max_col=2, values_only=True))
    for item, text in replies.items():
        if item == F.OTHER_ITEM:
            ws[meta[F.M_OTHER]] = text
        else:
            ws.cell(_row_of(ws, item), F.C_REPLY + 1, text)
    ws[meta[F.M_SIGNER]] = "张三"
    ws[meta[F.M_PHONE]] = "021-12345678"
    if edit is not None:
        ws[edit[0]] = edit[1]
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)


def test_objections_round_trip(written: dict[str, Path], scheme: Scheme, tmp_path: Path) -> None:
    back = tmp_path / "发回"
    _reply(written[UNIT], back / written[UNIT].name, {"A1": "发放率应为 95.2%", F.OTHER_ITEM: "请复核"})
    _reply(written["天山街道"], back / written["天山街道"].name, {})
    found = collect_objections(back, scheme.fingerprint)
    assert found.problems == []
    assert (found.files, found.trusted) == (2, 2)
    rows = [(o.unit, o.item, o.name, o.score, o.reply, o.signer, o.phone) for o in found.objections]
    assert rows == [
        (UNIT, "A1", "免费药具", "6", "发放率应为 95.2%", "张三", "021-12345678"),
        (UNIT, "", F.OTHER_ITEM, "", "请复核", "张三", "021-12345678"),
    ]


def test_edited_score_is_reported_at_its_cell_and_not_trusted(
    written: dict[str, Path], scheme: Scheme, tmp_path: Path
) -> None:
    back = tmp_path / "发回"
    _reply(written[UNIT], back / "a.xlsx", {"A1": "应得满分"}, edit=("E11", 8))
    found = collect_objections(back, scheme.fingerprint)
    assert found.objections == []
    [problem] = found.problems
    assert (problem.code, problem.file, problem.sheet, problem.cell) == (
        "FEEDBACK_SCORE_EDITED",
        "a.xlsx",
        F.FEEDBACK_SHEET,
        "E11",
    )
    assert "发出时为 6，现在为 8" in problem.message


def test_edited_record_and_other_scheme_are_not_trusted(written: dict[str, Path], tmp_path: Path) -> None:
    back = tmp_path / "发回"
    book = openpyxl.load_workbook(written[UNIT])
    meta = book[F.META_SHEET]
    row = next(r for r in meta.iter_rows() if r[2].value == "A1")
    row[1].value = "8"  # the record edited to match an edited score
    book[F.FEEDBACK_SHEET]["E11"] = 8
    back.mkdir()
    book.save(back / "a.xlsx")
    found = collect_objections(back)
    assert [p.code for p in found.problems] == ["FEEDBACK_META_EDITED"]
    other = collect_objections(written[UNIT].parent, "another-fingerprint")
    assert {p.code for p in other.problems} == {"FEEDBACK_OTHER_SCHEME"}
    assert other.objections == []


def test_wrong_files_are_located_problems(
    written: dict[str, Path], batch: BatchResult, tmp_path: Path
) -> None:
    back = tmp_path / "发回"
    back.mkdir()
    (back / "说明.txt").write_text("请查收", encoding="utf-8")
    (back / "坏.xlsx").write_bytes(b"PK\x03\x04 cut off")
    write_summary(batch, back / "汇总.xlsx", generated_at="2024-02-18 09:00", famscore_version="9")
    _reply(written[UNIT], back / "好.xlsx", {"A2": "无异议"})
    found = collect_objections(back)
    codes = {p.file: p.code for p in found.problems}
    assert codes == {
        "说明.txt": "FEEDBACK_NOT_SPREADSHEET",
        "坏.xlsx": "FEEDBACK_UNREADABLE",
        "汇总.xlsx": "FEEDBACK_NOT_ONE",
    }
    assert [o.reply for o in found.objections] == ["无异议"]


# ---------------------------------------------------------------- commands


@pytest.fixture
def files(batch: BatchResult, scheme: Scheme, tmp_path: Path) -> Path:
    return write_summary(batch, tmp_path / "汇总.xlsx", generated_at="2024-02-18 09:00", famscore_version="9")


def test_cli_feedback_objections_and_explain(files: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["feedback", str(files), "-o", str(tmp_path / "fb")])
    assert result.exit_code == 0, result.output
    assert "已生成 4 个单位的反馈表" in result.output
    made = tmp_path / "fb" / f"{UNIT}_2023年度考核反馈表.xlsx"
    _reply(made, tmp_path / "back" / made.name, {"A1": "有异议"})
    out = tmp_path / "异议汇总.xlsx"
    result = runner.invoke(app, ["objections", str(tmp_path / "back"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["异议汇总"]
    assert [c.value for c in sheet[2]][:5] == [UNIT, "A1", "免费药具", "6", "有异议"]
    inside = tmp_path / "back" / "异议汇总.xlsx"
    result = runner.invoke(app, ["objections", str(tmp_path / "back"), "-o", str(inside)])
    assert result.exit_code == 2 and not inside.exists()
    one = tmp_path / "one.xlsx"
    result = runner.invoke(app, ["explain", str(files), "--unit", UNIT, "-o", str(one)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(one)[F.FEEDBACK_SHEET]["C3"].value == UNIT


def test_cli_score_feedback_never_among_the_returns(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "changning-2023"
    runner = CliRunner()
    args = [
        "score",
        str(example / "考评表.xlsx"),
        str(example / "returns"),
        "-q",
        "-o",
        str(tmp_path / "s.xlsx"),
    ]
    result = runner.invoke(app, [*args, "--feedback", str(example / "returns" / "fb")])
    assert result.exit_code == 2
    assert not (example / "returns" / "fb").exists()
    result = runner.invoke(app, [*args, "--feedback", str(tmp_path / "fb")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "fb").glob("*.xlsx"))) == 10


@pytest.mark.parametrize("command", ["feedback", "objections"])
def test_commands_have_chinese_help_and_a_readme_line(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "示例：famscore " + command in result.output
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"famscore {command} " in readme


def test_feedback_from_a_scheme_without_returns_says_what_to_add(scheme: Scheme, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["feedback", scheme.path, "-o", str(tmp_path / "fb")])
    assert result.exit_code == 2
    assert "从考评表生成反馈表还要给出回表文件夹" in " ".join(result.output.split())
    assert not (tmp_path / "fb").exists()


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice 或 poppler 未安装",
)
def test_libreoffice_prints_it_on_a4_with_unit_and_page_numbers(
    written: dict[str, Path], tmp_path: Path
) -> None:
    import subprocess

    profile = tmp_path / "profile"  # a private LibreOffice profile: runs in parallel do not share one
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(written[UNIT]),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / written[UNIT].with_suffix(".pdf").name
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "595.3" in info and "841.89" in info  # A4 portrait, in points
    pages = [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for n in range(1, int(info.split("Pages:")[1].split()[0]) + 1)
    ]
    assert len(pages) == 2  # the scores on one page, the values on the next
    assert "距「优秀」还差1分" in "".join(pages[0].split()) and "异议说明" in pages[0]
    assert "填报数据及来源" in pages[1]
    for number, text in enumerate(pages, start=1):
        assert UNIT in text.split("\n")[0]  # the page header
        assert f"第{number}页共2页" in "".join(text.split())  # pdftotext keeps only some spaces


def test_feedback_from_returns_takes_reviews_from_their_own_folder_and_says_when_one_is_missing(
    tmp_path: Path,
) -> None:
    import shutil

    example = Path(__file__).resolve().parent.parent / "examples" / "changning-2023"
    returns, reviews = tmp_path / "回表", tmp_path / "评分表"
    returns.mkdir()
    reviews.mkdir()
    for source in (example / "returns").glob("*.xlsx"):
        shutil.copy(source, (reviews if source.name.startswith("评分表_") else returns) / source.name)
    scheme = str(example / "考评表.xlsx")
    runner = CliRunner()
    given = runner.invoke(
        app, ["feedback", scheme, str(returns), "--reviews", str(reviews), "-o", str(tmp_path / "a")]
    )
    assert given.exit_code == 0, given.output
    assert len(list((tmp_path / "a").glob("*.xlsx"))) == 10
    missing = runner.invoke(app, ["feedback", scheme, str(returns), "-o", str(tmp_path / "b")])
    assert missing.exit_code == 1
    assert "没有收到「委信访办」的评分表" in missing.output.replace("\n", "").replace("│", "").replace(
        " ", ""
    )
