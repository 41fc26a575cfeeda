"""Each unit's feedback workbook: its scores item by item, its values, the district's picture and a reply column."""

# Built from a batch scored just now (`batch_feedback`) or from a summary workbook read back
# (`summary_feedback`), laid out as a famscore.outputs.pages Page, and written one file per unit
# (`write_feedback`: in worker processes for large runs, every file a temporary file of the caller's
# OutputSet until all are written). The hidden _meta sheet records the scores shown and a checksum of
# them, so famscore.objections can tell a returned workbook whose scores were edited.

from __future__ import annotations

import contextlib
import functools
import hashlib
import multiprocessing as mp
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from famscore import interrupt
from famscore.errors import OutputError, UsageError, cell_name
from famscore.messages import Msg
from famscore.names import name_key
from famscore.numbers import fmt, round_half_up, to_decimal
from famscore.outputs.pages import Frame, Grid, Page, Prototype, Sheet
from famscore.outputs.safe import OutputSet, failure_message, say
from famscore.outputs.view import (
    BreakdownRow,
    SchemeFacts,
    UnitView,
    facts_of,
    flag_text,
    grade_counts,
    unit_view,
)
from famscore.outputs.xlsx import ERROR_FILL, HEADER_FILL, number_format, wrapped_lines
from famscore.scheme.format import BASIS_TOTAL, SELF_SCORE_LABEL
from famscore.scheme.model import BONUS
from famscore.scoring import PENDING, BatchResult, UnitResult

FEEDBACK_SHEET = "反馈"
VALUES_SHEET = "填报数据"
META_SHEET = "_meta"
KIND = "反馈表"
REPLY_HEADER = "异议说明"
# _meta keys (column A) and the header of its table of checked cells.
M_KIND, M_TITLE, M_VERSION, M_FINGERPRINT, M_YEAR = "类型", "考评表标题", "版本", "指纹", "年度"
M_UNIT, M_DECIMALS, M_CHECKSUM = "单位", "小数位数", "校验码"
M_OTHER, M_SIGNER, M_PHONE, M_DATE = "其他意见单元格", "填报人单元格", "联系电话单元格", "日期单元格"
M_TABLE = ("单元格", "内容", "指标编号", "指标名称", "异议单元格")
OTHER_ITEM = "其他意见"  # the item named for the free reply below the table

CATEGORY_FILL = "B4C6E7"
LABEL_FILL = "DDEBF7"
REPLY_FILL = "FFF2CC"
FONT = "宋体"
LINE = 13.5  # points per line of 10 pt text
# Columns: 编号 指标 满分 自评分 核定分 失分 计分说明 全区平均 全区最高 异议说明
# At fit-to-width on A4 portrait these ~96 characters print at 97 %, so 10 pt text stays above 9 pt.
WIDTHS = (5.0, 15.0, 5.5, 5.5, 5.5, 5.0, 25.0, 6.0, 6.0, 18.0)
C_ID, C_NAME, C_POINTS, C_SELF, C_SCORE, C_LOST, C_WHY, C_AVG, C_MAX, C_REPLY = range(10)
TABLE_HEADERS = (
    "编号",
    "指标",
    "满分",
    "自评分",
    "核定分",
    "失分",
    "计分说明",
    "全区平均",
    "全区最高",
    REPLY_HEADER,
)
VALUE_WIDTHS = (6.0, 26.0, 22.0, 16.0, 28.0)
VALUE_HEADERS = ("编号", "填报项目", "单位填报", "核定值", "来源")
VALUE_ROW = 2  # 0-based row of the 填报数据 table's header
TABLE_ROW = 8  # 0-based row of the score table's header (printed atop every page)
PARALLEL_UNITS = 200  # below this one process writes them all: starting workers costs more


@dataclass(frozen=True)
class Line:
    """One line of the score table: a category with its subtotals, or an item with its reason."""

    id: str
    name: str
    points: Decimal | None
    self_score: Decimal | None
    score: Decimal | None
    explanation: str
    average: Decimal | None
    highest: Decimal | None
    category: bool = False
    bonus: bool = False

    @property
    def lost(self) -> Decimal | None:
        if self.bonus or self.score is None or self.points is None or self.score >= self.points:
            return None
        return self.points - self.score


@dataclass(frozen=True)
class Reported:
    """One value of the unit: as reported, as used in scoring, and where it was read."""

    item: str
    label: str
    reported: str
    verified: str
    source: str


@dataclass(frozen=True)
class District:
    """The district's picture, the same in every unit's workbook: no other unit's inputs or names."""

    ranked: int
    counts: tuple[tuple[str, int], ...]
    averages: tuple[tuple[Decimal | None, Decimal | None], ...]  # main, bonus, total: average, highest


@dataclass(frozen=True)
class Feedback:
    """Everything one unit's feedback workbook shows."""

    facts: SchemeFacts
    unit: UnitView
    lines: tuple[Line, ...]
    values: tuple[Reported, ...]
    district: District
    has_bonus: bool
    missing: str = ""  # what the source did not record, in words ('' from a batch)


# ---------------------------------------------------------------- from a batch or a summary


class Source(Protocol):
    """The feedback of a run, unit by unit (the units' names known up front for the file names)."""

    @property
    def names(self) -> list[str]: ...

    def get(self, index: int) -> Feedback: ...


def _stats(scores: Iterable[Decimal | None], decimals: int) -> tuple[Decimal | None, Decimal | None]:
    known = [s for s in scores if s is not None]
    if not known:
        return None, None
    return round_half_up(sum(known, Decimal(0)) / len(known), decimals), max(known)


class BatchSource:
    """Feedback of a batch scored just now; each unit's details are loaded only when its turn comes."""

    def __init__(self, batch: BatchResult) -> None:
        self.batch = batch
        scheme = batch.scheme
        decimals = scheme.settings.decimals
        ranked = [u for u in batch.units if u.rankable]
        self.facts = facts_of(batch)
        self.item_stats = [_stats((u.scores[i] for u in ranked), decimals) for i in range(len(scheme.items))]
        self.category_stats = {
            c.id: _stats((u.categories.get(c.id) for u in ranked), decimals) for c in scheme.categories
        }
        counts = grade_counts(self.facts.bands, (u.grade for u in batch.units))
        self.district = District(
            len(ranked),
            counts,
            tuple(_stats((getattr(u, k) for u in ranked), decimals) for k in ("main", "bonus", "total")),
        )
        self.has_bonus = bool(scheme.settings.bonus_points) or any(c.kind == BONUS for c in scheme.categories)

    @property
    def names(self) -> list[str]:
        return [u.unit for u in self.batch.units]

    def get(self, index: int) -> Feedback:
        unit = self.batch.units[index]
        return Feedback(
            self.facts,
            unit_view(self.batch, unit),
            tuple(self._lines(unit)),
            tuple(self._values(unit)),
            self.district,
            self.has_bonus,
        )

    def _lines(self, unit: UnitResult) -> Iterable[Line]:
        position = 0
        items = unit.items
        for cat in self.batch.scheme.categories:
            claims = [unit.self_score(item.id) for item in cat.items]
            known = [c for c in claims if c is not None]
            average, highest = self.category_stats[cat.id]
            bonus = cat.kind == BONUS
            yield Line(
                cat.id,
                cat.name,
                cat.points,
                sum(known, Decimal(0)) if known else None,
                unit.categories.get(cat.id),
                "",
                average,
                highest,
                category=True,
                bonus=bonus,
            )
            for item, claim in zip(cat.items, claims, strict=True):
                scored = items[position]
                average, highest = self.item_stats[position]
                position += 1
                yield Line(
                    item.id,
                    item.name,
                    item.points,
                    claim,
                    scored.score,
                    scored.explanation,
                    average,
                    highest,
                    bonus=bonus,
                )

    def _values(self, unit: UnitResult) -> Iterable[Reported]:
        from famscore.values import shown

        values, raw, sources = unit.values, unit.raw, unit.sources
        where = "回表"
        for f in self.batch.scheme.fields.values():
            if f.self_score:
                continue  # shown in the 自评分 column
            value = values.get(f.id)
            verified = shown(value) if value is not None else ""
            reported = raw.get(f.id, "") or verified or "（未填）"
            yield Reported(f.item_id, f.label, reported, verified or "—", sources.get(f.id) or where)


class ListSource:
    """Feedback built beforehand (from a summary, or sent to a spawned worker)."""

    def __init__(self, feedbacks: Sequence[Feedback]) -> None:
        self.feedbacks = list(feedbacks)

    @property
    def names(self) -> list[str]:
        return [f.unit.unit for f in self.feedbacks]

    def get(self, index: int) -> Feedback:
        return self.feedbacks[index]


SUMMARY_MISSING = "本表由汇总工作簿生成：汇总工作簿只记录了各指标的填报值原文，没有记录核定值和读取的单元格"
# A summary whose audit went to a CSV beside it, copied without that CSV.
NO_AUDIT = "汇总工作簿中没有这个单位的计分过程（计分过程较大时另存为汇总工作簿旁边的 CSV 文件，请把它和汇总工作簿放在一起后重新生成），各项得分无法列出"


def summary_source(path: Path, units: Sequence[str] | None = None) -> ListSource:
    """Feedback from a summary workbook: its 排名 sheet and its audit (计分过程 sheets or CSV).

    `units` (names) limits it to those units. Raises UsageError when the file is no summary.
    """
    from famscore.outputs import layout as L
    from famscore.outputs.readback import audit_table, matrix_groups, place_items, read_summary
    from famscore.workbook import cell_at, cell_text

    summary = read_summary(path)
    decimals = summary.scheme.decimals
    headers = [c.header for c in L.AUDIT_COLUMNS]
    column = {h: i for i, h in enumerate(headers)}
    rows_of: dict[str, list[tuple[BreakdownRow, str]]] = {}
    for cells in audit_table(Path(path)):
        name = cell_text(cell_at(cells, 0)).removeprefix("'")
        item = BreakdownRow(
            cell_text(cell_at(cells, column[L.A_ITEM_ID])),
            cell_text(cell_at(cells, column[L.A_ITEM_NAME])),
            to_decimal(cell_at(cells, column[L.A_POINTS])),
            _exact(to_decimal(cell_at(cells, column[L.A_SCORE])), decimals),
            cell_text(cell_at(cells, column[L.A_EXPLANATION])),
        )
        inputs = cell_text(cell_at(cells, column[L.A_INPUTS])).removeprefix("'")
        rows_of.setdefault(name_key(name), []).append((item, inputs))
    ranked = [u for u in summary.units if u.rankable]
    groups = matrix_groups(Path(path))
    placed = {
        name_key(u.unit): place_items(summary, u, [r for r, _ in rows_of.get(name_key(u.unit), [])], groups)
        for u in summary.units
    }
    stats: dict[tuple[int, str], tuple[Decimal | None, Decimal | None]] = {}
    for index in range(max((len(p) for p in placed.values()), default=0)):
        at = [placed[name_key(u.unit)][index] for u in ranked if len(placed[name_key(u.unit)]) > index]
        for item_id in {r.id for r in at}:
            stats[(index, item_id)] = _stats((r.score for r in at if r.id == item_id), decimals)
    district = District(
        len(ranked),
        summary.counts,
        tuple(_stats((getattr(u, k) for u in ranked), decimals) for k in ("main", "bonus", "total")),
    )
    has_bonus = any(c.bonus for c in summary.categories) or bool(summary.scheme.bonus_points)
    wanted = {name_key(u) for u in units} if units is not None else None
    feedbacks = []
    for unit in summary.units:
        key = name_key(unit.unit)
        if wanted is not None and key not in wanted:
            continue
        typed = {r.id: text for r, text in rows_of.get(key, [])}
        bonus = False
        lines = []
        for index, row in enumerate(placed[key]):
            if row.category:
                head = next((c for c in summary.categories if c.name == row.name), None)
                bonus = bool(head and head.bonus)
            claim = None if row.category else _self_claim(typed.get(row.id, ""))
            average, highest = stats.get((index, row.id), (None, None))
            lines.append(
                Line(
                    row.id,
                    row.name,
                    row.points,
                    claim,
                    row.score,
                    row.explanation,
                    average,
                    highest,
                    category=row.category,
                    bonus=bonus,
                )
            )
        lines = _category_claims(lines)
        values = [
            Reported(row.id, label, value, "", "回表")
            for row in placed[key]
            if not row.category
            for label, value in _inputs(typed.get(row.id, ""))
            if label != SELF_SCORE_LABEL
        ]
        feedbacks.append(
            Feedback(
                summary.scheme,
                unit,
                tuple(lines),
                tuple(values),
                district,
                has_bonus,
                SUMMARY_MISSING if lines else NO_AUDIT,
            )
        )
    return ListSource(feedbacks)


def _exact(value: Decimal | None, decimals: int) -> Decimal | None:
    return None if value is None else round_half_up(value, decimals)


def _inputs(text: str) -> list[tuple[str, str]]:
    """The audit's 填报值 'label=value；label=value' back into pairs (a value holding '；' stays whole)."""
    pairs: list[tuple[str, str]] = []
    for part in text.split("；") if text else []:
        label, eq, value = part.partition("=")
        if eq and label:
            pairs.append((label, value))
        elif pairs:
            pairs[-1] = (pairs[-1][0], pairs[-1][1] + "；" + part)
    return pairs


def _self_claim(text: str) -> Decimal | None:
    for label, value in _inputs(text):
        if label == SELF_SCORE_LABEL:
            return to_decimal(value)
    return None


def _category_claims(lines: list[Line]) -> list[Line]:
    """Category lines read back get the sum of their items' 自评分."""
    import dataclasses

    out = list(lines)
    for index, line in enumerate(out):
        if not line.category:
            continue
        claims = []
        for item in out[index + 1 :]:
            if item.category:
                break
            if item.self_score is not None:
                claims.append(item.self_score)
        if claims:
            out[index] = dataclasses.replace(line, self_score=sum(claims, Decimal(0)))
    return out


# ---------------------------------------------------------------- words


def rank_text(unit: UnitView, ranked: int) -> str:
    """'第 3 名 / 10'; a 待定 unit is not ranked."""
    if unit.rank is None:
        return f"{PENDING}（不参加排名）"
    return f"第 {unit.rank} 名 / {ranked}"


def distance_text(facts: SchemeFacts, unit: UnitView) -> str:
    """How far the unit is from the next grade band up: '距「优秀」还差 1.5 分'."""
    if not facts.bands:
        return "不定级"
    if not unit.rankable:
        return f"{PENDING}，不定级"
    names = [b.name for b in facts.bands]
    if unit.grade not in names:
        return ""
    index = names.index(unit.grade)
    if index == 0:
        return f"已是最高等级「{names[0]}」"
    above = facts.bands[index - 1]
    basis_name = BASIS_TOTAL if facts.grade_basis == BASIS_TOTAL else "主要指标得分"
    basis = unit.total if facts.grade_basis == BASIS_TOTAL else unit.main
    if above.lower is None or basis is None:
        return ""
    gap = above.lower - basis
    if gap <= 0:  # 取消评优: the score reaches the band, the flag keeps the unit out of it
        return f"{basis_name}已达「{above.name}」，因取消评优不能评为「{above.name}」"
    return f"距「{above.name}」还差 {fmt(gap)} 分（按{basis_name}）"


def remarks_text(unit: UnitView) -> str:
    parts = [flag_text(f) for f in unit.flags] + list(unit.notes)
    if not unit.rankable:
        parts.append(f"{PENDING}：{unit.reason}")
    return "；".join(parts) or "无"


def counts_text(district: District) -> str:
    shown = "、".join(f"{name} {count} 个" for name, count in district.counts if name != PENDING)
    pending = dict(district.counts).get(PENDING, 0)
    text = f"参加排名的 {district.ranked} 个单位中：{shown or '不定级'}"
    return text + (f"；另有 {pending} 个单位待定，不参加定级和排名。" if pending else "。")


# ---------------------------------------------------------------- the page


def frame_of(facts: SchemeFacts) -> Frame:
    """The layout every unit's page of one run shares (formats carry the scheme's decimals)."""
    number = number_format(facts.decimals)
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "text_wrap": True}
    box = {**base, "border": 1, "border_color": "808080"}
    formats: dict[str, dict[str, Any]] = {
        "title": {**base, "bold": True, "font_size": 14, "align": "center"},
        "subtitle": {**base, "font_size": 11, "align": "center"},
        "section": {**base, "bold": True, "font_size": 11},
        "note": {**base, "font_color": "404040"},
        "label": {**box, "bold": True, "bg_color": LABEL_FILL},
        "value": {**box},
        "value_num": {**box, "num_format": number, "align": "left"},
        "value_strong": {**box, "bold": True},
        "head": {**box, "bold": True, "bg_color": HEADER_FILL, "font_color": "FFFFFF", "align": "center"},
        "cat": {**box, "bold": True, "bg_color": CATEGORY_FILL},
        "cat_num": {**box, "bold": True, "bg_color": CATEGORY_FILL, "num_format": number},
        "text": {**box},
        "center": {**box, "align": "center"},
        "num": {**box, "num_format": number},
        "lost": {**box, "bg_color": ERROR_FILL, "font_color": "9C0006"},
        "lost_center": {**box, "bg_color": ERROR_FILL, "font_color": "9C0006", "align": "center"},
        "lost_num": {**box, "bg_color": ERROR_FILL, "font_color": "9C0006", "num_format": number},
        "total": {**box, "bold": True, "bg_color": LABEL_FILL},
        "total_num": {**box, "bold": True, "bg_color": LABEL_FILL, "num_format": number},
        "reply": {**box, "locked": False, "bg_color": REPLY_FILL},
    }
    year = f"{facts.year}年度" if facts.year else ""
    sheets = (Sheet(FEEDBACK_SHEET, WIDTHS, TABLE_ROW), Sheet(VALUES_SHEET, VALUE_WIDTHS, VALUE_ROW))
    return Frame(formats, sheets, META_SHEET, f"{facts.title} {year}考核结果反馈表")


@functools.lru_cache(maxsize=16_384)
def _lines(text: str, width: int) -> int:
    return wrapped_lines(text, width)


def _height(grid: Grid, row: int, texts: Iterable[tuple[str, float]], minimum: float = 18.0) -> None:
    lines = max((_lines(t, int(w)) for t, w in texts if t), default=1)
    grid.heights[row] = max(minimum, LINE * lines + 5)


def _span(first: int, last: int) -> float:
    return sum(WIDTHS[first : last + 1])


def feedback_page(feedback: Feedback, frame: Frame | None = None) -> Page:
    """Lay out one unit's workbook (the checksum of the scores shown goes into its _meta)."""
    facts, unit, district = feedback.facts, feedback.unit, feedback.district
    grid = Grid()
    year = f"{facts.year}年度" if facts.year else ""
    checked: list[tuple[str, str, str, str, str]] = []  # cell, content, item id, item name, reply cell

    def check(row: int, col: int, value: Decimal | str | None, item: str = "", name: str = "") -> None:
        content = value if isinstance(value, str) else fmt(value)
        reply = cell_name(row + 1, C_REPLY + 1) if item else ""
        checked.append((cell_name(row + 1, col + 1), content, item, name, reply))

    last = len(WIDTHS) - 1
    grid.merge(0, 0, last, facts.title, "title")
    grid.heights[0] = 24 if len(facts.title) <= 40 else 40
    grid.merge(1, 0, last, f"{year}考核结果反馈表", "subtitle")
    grid.heights[1] = 20
    # The header block: label A:B, value C:F, label G, value H:J.
    rank = rank_text(unit, district.ranked)
    pairs: list[tuple[str, Decimal | str | None, str, str]] = [
        ("单位", unit.unit, "排名", rank),
        ("主要指标得分", unit.main, "等级", unit.grade or "不定级"),
        (
            "附加分" if feedback.has_bonus else "总分",
            unit.bonus if feedback.has_bonus else unit.total,
            "距上一等级",
            distance_text(facts, unit),
        ),
        ("总分", unit.total, "说明", remarks_text(unit)),
    ]
    if not feedback.has_bonus:
        pairs[3] = ("", None, "说明", remarks_text(unit))
    row = 2
    for left, value, right, text in pairs:
        grid.merge(row, 0, 1, left, "label" if left else "value")
        strong = "value_num" if isinstance(value, Decimal) else "value_strong"
        grid.merge(row, 2, 5, value, strong)
        grid.put(row, 6, right, "label")
        grid.merge(row, 7, last, text, "value_strong" if right in ("排名", "等级") else "value")
        if left and left != "单位":
            check(row, 2, value)
        if right in ("排名", "等级"):
            check(row, 7, text)
        _height(grid, row, [(text, _span(7, last)), (str(value or ""), _span(2, 5))], 20)
        row += 1
    row += 1
    grid.merge(row, 0, last, "一、各项得分", "section")
    grid.heights[row] = 20
    row += 1
    header_row = row
    for col, text in enumerate(TABLE_HEADERS):
        grid.put(row, col, text, "head")
    grid.heights[row] = 30
    row += 1
    for line in feedback.lines:
        _score_line(grid, row, line, check)
        _height(grid, row, [(line.name, WIDTHS[C_NAME]), (line.explanation, WIDTHS[C_WHY])], 18)
        row += 1
    if not feedback.lines:
        grid.merge(row, 0, len(WIDTHS) - 1, feedback.missing + "。", "value")
        _height(grid, row, [(feedback.missing, _span(0, len(WIDTHS) - 1))], 18)
        row += 1
    for label, value, points, stats in _total_lines(feedback):
        grid.merge(row, 0, 1, label, "total")
        grid.put(row, C_POINTS, points, "total_num")
        grid.put(row, C_SELF, None, "total_num")
        grid.put(row, C_SCORE, value, "total_num")
        grid.put(row, C_LOST, None, "total_num")
        grid.put(row, C_WHY, None, "total")
        grid.put(row, C_AVG, stats[0], "total_num")
        grid.put(row, C_MAX, stats[1], "total_num")
        grid.put(row, C_REPLY, None, "total")
        check(row, C_SCORE, value)
        grid.heights[row] = 18
        row += 1
    grid.merge(
        row,
        0,
        last,
        "红色底纹的指标有失分。全区平均、全区最高为参加排名的单位的得分，不含其他单位的填报内容。",
        "note",
    )
    grid.heights[row] = 16
    row += 2
    grid.merge(row, 0, last, "二、全区等级分布（供参考）", "section")
    grid.heights[row] = 20
    row += 1
    text = counts_text(district)
    grid.merge(row, 0, last, text, "value")
    _height(grid, row, [(text, _span(0, last))], 20)
    row += 2
    grid.merge(row, 0, last, "三、异议和联系方式", "section")
    grid.heights[row] = 20
    row += 1
    guide = (
        "如对得分有异议，请在上表「异议说明」列（黄色格子）对应指标的行内写明理由，其他意见写在下面；"
        "填写联系人后保存，把本文件发回。其他格子已锁定，不能修改。"
    )
    grid.merge(row, 0, last, guide, "note")
    _height(grid, row, [(guide, _span(0, last))], 18)
    row += 1
    grid.merge(row, 0, 1, OTHER_ITEM, "label")
    grid.merge(row, 2, last, None, "reply")
    grid.heights[row] = 60
    other = cell_name(row + 1, 3)
    row += 1
    grid.merge(row, 0, 1, "填报人", "label")
    grid.merge(row, 2, 5, None, "reply")
    grid.put(row, 6, "联系电话", "label")
    grid.merge(row, 7, last, None, "reply")
    grid.heights[row] = 22
    signer, phone = cell_name(row + 1, 3), cell_name(row + 1, 8)
    row += 1
    grid.merge(row, 0, 1, "日期", "label")
    grid.merge(row, 2, 5, None, "reply")
    grid.heights[row] = 22
    date = cell_name(row + 1, 3)
    assert header_row == TABLE_ROW  # the frame repeats this row on every printed page
    return Page(
        frame or frame_of(facts),
        [grid, _values_grid(feedback)],
        header=unit.unit,
        header_right=facts.title,
        meta=_meta(feedback, checked, (other, signer, phone, date)),
    )


def _score_line(grid: Grid, row: int, line: Line, check: Any) -> None:
    if line.category:
        grid.put(row, C_ID, line.id, "cat")
        grid.put(row, C_NAME, line.name, "cat")
        for col, value in (
            (C_POINTS, line.points),
            (C_SELF, line.self_score),
            (C_SCORE, line.score),
            (C_LOST, line.lost),
            (C_AVG, line.average),
            (C_MAX, line.highest),
        ):
            grid.put(row, col, value, "cat_num")
        grid.put(row, C_WHY, "附加分" if line.bonus else None, "cat")
        grid.put(row, C_REPLY, None, "cat")
        check(row, C_SCORE, line.score)
        return
    lost = line.lost is not None or line.score is None
    grid.put(row, C_ID, line.id, "lost_center" if lost else "center")
    grid.put(row, C_NAME, line.name, "lost" if lost else "text")
    grid.put(row, C_POINTS, line.points, "num")
    grid.put(row, C_SELF, line.self_score, "num")
    if line.score is None:
        grid.put(row, C_SCORE, "未计分", "lost")
    else:
        grid.put(row, C_SCORE, line.score, "lost_num" if lost else "num")
    grid.put(row, C_LOST, line.lost, "lost_num" if lost else "num")
    grid.put(row, C_WHY, line.explanation, "text")
    grid.put(row, C_AVG, line.average, "num")
    grid.put(row, C_MAX, line.highest, "num")
    grid.put(row, C_REPLY, None, "reply")
    check(row, C_SCORE, line.score if line.score is not None else "未计分", line.id, line.name)


def _total_lines(
    feedback: Feedback,
) -> list[tuple[str, Decimal | None, Decimal | None, tuple[Decimal | None, Decimal | None]]]:
    facts, unit, stats = feedback.facts, feedback.unit, feedback.district.averages
    lines = [("主要指标得分", unit.main, facts.main_points, stats[0])]
    if feedback.has_bonus:
        lines.append(("附加分", unit.bonus, facts.bonus_points or None, stats[1]))
        lines.append(("总分", unit.total, None, stats[2]))
    return lines


def _values_grid(feedback: Feedback) -> Grid:
    """The 填报数据 sheet: each value as reported and as used, and where it was read."""
    grid = Grid()
    last = len(VALUE_WIDTHS) - 1
    grid.merge(0, 0, last, f"{feedback.unit.unit} 填报数据及来源", "title")
    grid.heights[0] = 24
    if feedback.missing:
        note = feedback.missing + "。"
    else:
        note = "「核定值」是计分采用的值；「来源」是读取该值的文件和单元格。"
        if feedback.unit.file:
            note += f"回表文件：{feedback.unit.file}。"
    grid.merge(1, 0, last, note, "note")
    _height(grid, 1, [(note, sum(VALUE_WIDTHS))], 16)
    for col, text in enumerate(VALUE_HEADERS):
        grid.put(VALUE_ROW, col, text, "head")
    grid.heights[VALUE_ROW] = 20
    row = VALUE_ROW + 1
    for value in feedback.values:
        texts = (value.item, value.label, value.reported, value.verified, value.source)
        for col, text in enumerate(texts):
            grid.put(row, col, text, "center" if col == 0 else "text")
        _height(grid, row, list(zip(texts, VALUE_WIDTHS, strict=True)))
        row += 1
    if not feedback.values:
        grid.merge(row, 0, last, "（没有填报数据）", "text")
    return grid


def checksum(fingerprint: str, unit: str, records: Iterable[Sequence[str]]) -> str:
    """A hash of the scores a feedback workbook shows: a workbook whose record was edited no longer matches."""
    digest = hashlib.sha256(f"{KIND}\x1e{fingerprint}\x1e{unit}".encode())
    for record in records:
        digest.update(("\x1e" + "\x1f".join(record)).encode())
    return digest.hexdigest()[:32]


def _meta(
    feedback: Feedback, checked: list[tuple[str, str, str, str, str]], cells: tuple[str, str, str, str]
) -> list[tuple[str, ...]]:
    facts = feedback.facts
    rows: list[tuple[str, ...]] = [
        (M_KIND, KIND),
        (M_TITLE, facts.title),
        (M_VERSION, facts.version),
        (M_FINGERPRINT, facts.fingerprint),
        (M_YEAR, str(facts.year or "")),
        (M_UNIT, feedback.unit.unit),
        (M_DECIMALS, str(facts.decimals)),
        (M_CHECKSUM, checksum(facts.fingerprint, feedback.unit.unit, checked)),
        (M_OTHER, cells[0]),
        (M_SIGNER, cells[1]),
        (M_PHONE, cells[2]),
        (M_DATE, cells[3]),
        (),
        M_TABLE,
    ]
    rows.extend(checked)
    return rows


# ---------------------------------------------------------------- file names and writing


def feedback_filename(facts: SchemeFacts, unit: str) -> str:
    """'{单位}_{年度}年度考核反馈表.xlsx' (safe on Windows; a long name cut, ending in a hash)."""
    from famscore.templates import MAX_NAME_BYTES, MAX_NAME_CHARS, UNIT_KEEP_CHARS, safe_filename_part

    name = safe_filename_part(unit)
    if not name:
        raise UsageError(say(Msg.FEEDBACK_UNIT_NOT_A_FILE_NAME, unit=unit), None)
    tail = f"_{facts.year}年度考核反馈表.xlsx" if facts.year else "_考核反馈表.xlsx"
    full = name + tail
    if len(full) <= MAX_NAME_CHARS and len(full.encode()) <= MAX_NAME_BYTES:
        return full
    digest = hashlib.sha1(unit.encode()).hexdigest()[:8]
    cut = name[:UNIT_KEEP_CHARS]
    while len((cut + tail).encode()) > MAX_NAME_BYTES - 10:
        cut = cut[:-1]
    return f"{cut.rstrip(' .')}~{digest}{tail}"


def feedback_paths(source: Source, facts: SchemeFacts, folder: Path) -> list[Path]:
    """Where each unit's workbook goes, in the source's order; names that would collide get a hash."""
    names = [feedback_filename(facts, unit) for unit in source.names]
    seen: dict[str, int] = {}
    for name in names:
        seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
    paths = []
    for unit, name in zip(source.names, names, strict=True):
        if seen[name.casefold()] > 1:
            stem = name.removesuffix(".xlsx")
            name = f"{stem}~{hashlib.sha1(unit.encode()).hexdigest()[:8]}.xlsx"
        paths.append(folder / name)
    return paths


def write_feedback(
    source: Source, targets: Sequence[Path], outputs: OutputSet, workers: int | None = None
) -> None:
    """Write every unit's workbook to its temporary file in `outputs` (committed by the caller).

    Large runs are written in worker processes (the project's start method), dealt out in chunks;
    the temporary files are made here, chunk by chunk while the workers write the chunks before, so
    this process removes them whatever becomes of the workers. Raises OutputError.
    """
    from famscore.batch.pool import default_workers, start_method

    count = len(targets)
    if count == 0:
        return
    prototype = Prototype.of(feedback_page(source.get(0)))
    workers = workers or default_workers(count)
    if count < PARALLEL_UNITS or workers <= 1:
        jobs = [(i, outputs.reserve(t), t) for i, t in enumerate(targets)]
        _write_jobs(source, jobs, prototype)
    else:
        _write_in_workers(source, targets, outputs, prototype, workers, start_method())
    for target in targets:
        outputs.finish(target, _checked)


def _verify(path: Path) -> None:
    """The written file is a complete zip with its sheets (not re-read for CRCs, as verify_xlsx does
    for small files: that would cost a fifth of the writing, for a file zipfile closed just now)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise OutputError(
            say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why=type(exc).__name__), path
        ) from exc
    if not {"xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} <= names:
        raise OutputError(say(Msg.OUTPUT_VERIFY_FAILED, name=path.name, why="缺少工作表"), path)


def _checked(path: Path) -> None:
    """Workers verified what they wrote (a zip check of 10,000 files here would double the time)."""


Job = tuple[int, Path, Path]  # the unit's index in the source, its temporary file, its target
CHUNK = 200  # units per message to a worker: the parent makes the next chunk's files meanwhile
IN_FLIGHT = 2  # chunks queued per worker, so it never waits for the parent


def _write_jobs(source: Source, jobs: Iterable[Job], prototype: Prototype) -> None:
    for index, temp, target in jobs:
        page = feedback_page(source.get(index), prototype.frame)
        try:
            if page.frame == prototype.frame:
                prototype.write(page, temp)
            else:  # a page laid out differently (it cannot happen within one run): the slow, sure way
                from famscore.outputs.pages import write_page

                write_page(page, temp)
            _verify(temp)
        except OutputError:
            raise
        except Exception as exc:
            message = failure_message(target, exc)
            if message is None:
                raise
            raise OutputError(message, target) from exc


def _write_in_workers(
    source: Source,
    targets: Sequence[Path],
    outputs: OutputSet,
    prototype: Prototype,
    workers: int,
    method: str,
) -> None:
    from multiprocessing.connection import wait

    ctx: Any = mp.get_context(method)
    forked = method == "fork"  # the source is shared as it is; spawned workers get each chunk's feedback
    pending = [range(s, min(s + CHUNK, len(targets))) for s in range(0, len(targets), CHUNK)]
    pending.reverse()
    running: list[tuple[Any, Any]] = []
    queued: dict[Any, int] = {}

    def deal(conn: Any) -> None:
        chunk = pending.pop()
        jobs = [(i, outputs.reserve(targets[i]), targets[i]) for i in chunk]
        if forked:
            conn.send(jobs)
        else:
            part = [source.get(i) for i in chunk]
            conn.send([(part[n], temp, target) for n, (_, temp, target) in enumerate(jobs)])
        queued[conn] = queued.get(conn, 0) + 1

    try:
        for _ in range(min(workers, len(pending))):
            conn, child = ctx.Pipe()
            process = ctx.Process(
                target=_worker, args=(source if forked else None, prototype, child, os.getpid()), daemon=True
            )
            with interrupt.held():
                process.start()
            child.close()
            running.append((process, conn))
        for _ in range(IN_FLIGHT):
            for _process, conn in running:
                if pending:
                    deal(conn)
        failure = ""
        while any(queued.values()):
            ready: list[Any] = wait([c for c, n in queued.items() if n])
            for conn in ready:
                try:
                    message: str = conn.recv()
                except EOFError:
                    message = say(Msg.OUTPUT_HELPER_DIED, targets=f"{len(targets)} 份反馈表")
                    queued[conn] = 0
                else:
                    queued[conn] -= 1
                if message and not failure:
                    failure = message
                    pending.clear()
                if pending:
                    deal(conn)
        for process, conn in running:
            with contextlib.suppress(OSError):
                conn.send(None)
            process.join()
        if failure:
            raise OutputError(failure, None)
    finally:
        for process, conn in running:
            if process.is_alive():
                process.terminate()
                process.join(2)
                if process.is_alive():
                    process.kill()
            process.join()
            conn.close()


def _worker(source: Source | None, prototype: Prototype, conn: Any, parent: int) -> None:
    """Write the chunks the parent sends until it sends None; answer each with '' or what failed."""
    interrupt.in_child(parent, raise_on_term=True)
    with contextlib.suppress(interrupt.Interrupted, EOFError, OSError):
        while (jobs := conn.recv()) is not None:
            try:
                if source is not None:
                    _write_jobs(source, jobs, prototype)
                else:  # spawned: each job carries its unit's feedback
                    part = ListSource([feedback for feedback, _, _ in jobs])
                    _write_jobs(
                        part, [(n, temp, target) for n, (_, temp, target) in enumerate(jobs)], prototype
                    )
                conn.send("")
            except OutputError as exc:
                conn.send(exc.message)
            except Exception as exc:  # reported in the parent as the run's failure
                conn.send(say(Msg.OUTPUT_WRITE_FAILED, target=jobs[0][2], kind=type(exc).__name__, error=exc))


# ---------------------------------------------------------------- the commands' calls


def plan_feedback(
    source: Source, facts: SchemeFacts, folder: Path, inputs: Sequence[tuple[str, Path | str | None]]
) -> list[Path]:
    """Every unit's target in `folder`, refused (UsageError) if any would land on an input.

    The folder is checked once (not among the returns); the only other way a target can be an input
    is to have an input file's name in that folder, so only such targets go through plan_outputs one by
    one (10,000 targets compared pairwise would take longer than writing them; their names are unique).
    """
    from famscore.outputs.safe import plan_outputs

    targets = feedback_paths(source, facts, folder)
    if not targets:
        return targets
    here = folder.resolve()
    names = {
        Path(p).name.casefold()
        for _, p in inputs
        if p is not None and Path(p).is_file() and Path(p).resolve().parent == here
    }
    risky = [t for t in targets[1:] if t.name.casefold() in names]
    plan_outputs([("反馈表", t) for t in [targets[0], *risky]], inputs, folders_exist=False)
    return targets


def write_feedback_files(source: Source, targets: Sequence[Path]) -> list[Path]:
    """Write every unit's workbook as one batch (all replaced together, or none). Raises OutputError."""
    if targets:
        make_folder(targets[0].parent)
    with OutputSet() as outputs:
        write_feedback(source, targets, outputs)
        return outputs.commit()


def write_one(feedback: Feedback, target: Path) -> Path:
    """One unit's workbook (famscore explain -o), written atomically."""
    from famscore.outputs.pages import write_page
    from famscore.outputs.safe import atomic_write

    return atomic_write(target, lambda temp: write_page(feedback_page(feedback), temp))


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = failure_message(folder / "x.xlsx", exc) or str(exc)
        raise OutputError(message, folder) from exc
