"""Rich renderables for the terminal: the scheme tree, problem lists and ranked tables."""

# Every string that comes from input (scheme text, unit names, file names, values quoted in messages)
# enters a renderable as a `Text`, never as a str: Rich reads a str as markup, so a unit named '[/]'
# would crash the command and '[link=...]' would print a clickable link.

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from famscore.errors import Problem
from famscore.numbers import fmt
from famscore.outputs.view import BreakdownRow, SummaryView, UnitView, flag_text, view_of_batch
from famscore.scheme.model import BONUS, Scheme
from famscore.scoring import BatchResult, UnitResult

# C0/C1 control characters, ESC among them: printed raw, an escape sequence in a cell would colour
# the terminal, move the cursor or make a link (OSC 8) just as markup would.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """Input text safe to print: control characters shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", text)


def plain(value: object, style: str = "") -> Text:
    """Input text as itself in the terminal: never markup, never an escape sequence."""
    return Text(clean(str(value)), style=style)


def assemble(*parts: str | tuple[str, str]) -> Text:
    """Text.assemble of input text, each part cleaned (see `plain`)."""
    return Text.assemble(*(clean(p) if isinstance(p, str) else (clean(p[0]), p[1]) for p in parts))


def scheme_tree(scheme: Scheme) -> Tree:
    s = scheme.settings
    head = assemble((s.title, "bold"), f"  版本 {s.version}")
    tree = Tree(head)
    main = tree.add(plain(f"主要指标 {fmt(s.main_points)} 分"))
    bonus = tree.add(plain(f"附加分 上限 {fmt(s.bonus_points)} 分")) if s.bonus_points else None
    for cat in scheme.categories:
        parent = bonus if cat.kind == BONUS and bonus is not None else main
        branch = parent.add(assemble((f"{cat.id} {cat.name}", "bold"), f"（{fmt(cat.points)} 分）"))
        for item in cat.items:
            kinds = "、".join(dict.fromkeys(r.kind for r in item.rules)) or "无规则"
            floor = "，可为负分" if item.floor is None else ""
            branch.add(
                assemble(
                    f"{item.id} {item.name} ",
                    (f"{fmt(item.points)} 分", "cyan"),
                    (f"  [{kinds}{floor}]", "dim"),
                )
            )
    if scheme.bands:
        bands = "、".join(
            f"{b.name} ≥{fmt(b.lower)}" if b.lower is not None else f"{b.name}（其余）" for b in scheme.bands
        )
        tree.add(plain(f"等级（按{s.grade_basis}）：{bands}"))
    else:
        tree.add(plain("不定级"))
    return tree


PROBLEM_ROWS = 50  # more rows scroll away unread and cost seconds to lay out


def problem_tally(problems: Sequence[Problem]) -> str:
    """How many problems, in the one wording the table's title and the last line share.

    '8 处（错误 7 处，警告 1 处）', '7 处错误', '1 处警告': the title once counted warnings and the
    last line did not (8 vs 7 for one batch), which read as a problem lost between them.
    """
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if errors and warnings:
        return f"{len(problems)} 处（错误 {errors} 处，警告 {warnings} 处）"
    return f"{errors} 处错误" if errors else f"{warnings} 处警告"


def problems_table(problems: list[Problem], limit: int = PROBLEM_ROWS, full_list: str = "") -> Table:
    """The first `limit` problems; the caption gives the total and `full_list`, where all of them are."""
    table = Table(title=f"问题：{problem_tally(problems)}", title_justify="left", show_lines=False)
    table.add_column("级别", no_wrap=True)
    table.add_column("文件", overflow="fold")
    table.add_column("工作表", no_wrap=True)
    table.add_column("位置", no_wrap=True)
    table.add_column("问题与改法", overflow="fold")
    for p in problems[:limit]:
        style = "red" if p.is_error else "yellow"
        text = f"{p.message}。{p.fix}" if p.fix else p.message
        table.add_row(
            plain(p.severity, style=style), plain(p.file), plain(p.sheet), plain(p.cell), plain(text)
        )
    if len(problems) > limit:
        where = f"，全部问题见{full_list}" if full_list else ""
        table.caption = plain(f"只显示前 {limit} 处；共 {len(problems)} 处问题{where}", style="table.caption")
        table.caption_justify = "left"
    return table


GRADE_STYLES = ("bold green", "cyan", "yellow", "magenta", "red")


def band_style(names: list[str], grade: str) -> str:
    """Top band green, last band red, those between graded; anything else (待定) dim."""
    if grade not in names:
        return "dim"
    index = names.index(grade)
    if index == len(names) - 1 and len(names) > 1:
        return "bold red"
    return GRADE_STYLES[min(index, len(GRADE_STYLES) - 2)]


def ranking_table(source: BatchResult | SummaryView, limit: int | None = 60) -> Table:
    """The ranked grade table (rank, unit, main, bonus, total, grade, marks), the one renderer for a
    batch scored just now and a summary read back (`limit`: rows shown; None shows all)."""
    view = source if isinstance(source, SummaryView) else view_of_batch(source, limit)
    s = view.scheme
    names = [b.name for b in s.bands]
    d = s.decimals
    title = (
        f"{s.title}  版本 {s.version}（{s.generated_at} 计分）" if s.generated_at else f"{s.title}  计分结果"
    )
    table = Table(title=plain(title, style="bold"), header_style="bold")
    table.add_column("名次", justify="right", no_wrap=True)
    table.add_column("单位", no_wrap=True)
    table.add_column("主要指标", justify="right", no_wrap=True)
    if s.bonus_points:
        table.add_column("附加分", justify="right", no_wrap=True)
    table.add_column("总分", justify="right", no_wrap=True)
    if names:
        table.add_column("等级", no_wrap=True)
    table.add_column("标记", overflow="fold", min_width=8)
    caption = f"满分：主要指标 {_points(s.main_points)}" + (
        f"，附加分 {_points(s.bonus_points)}" if s.bonus_points else ""
    )
    caption += f"；按{s.grade_basis}定级，按{s.rank_basis}排名" if names else f"；按{s.rank_basis}排名"
    shown = view.units if limit is None else view.units[:limit]
    for unit in shown:
        row: list[Any] = [
            str(unit.rank) if unit.rank is not None else "—",
            plain(unit.unit),
            _num(unit.main, d),
        ]
        if s.bonus_points:
            row.append(_num(unit.bonus, d))
        row.append(plain(_num(unit.total, d), style="bold"))
        if names:
            row.append(plain(unit.grade, style=band_style(names, unit.grade)))
        # The workbook carries the full flag text; the terminal keeps the effect so columns stay aligned.
        notes = [f.effect.value for f in unit.flags] + list(unit.notes)
        if not unit.complete:
            notes.insert(0, "有未计分项")
        if unit.held:
            notes.insert(0, f"待定：{unit.held}")
        row.append(plain("；".join(notes), style="red" if notes else ""))
        table.add_row(*row)
    if len(shown) < view.unit_count:
        caption += f"\n只显示前 {limit} 名；共 {view.unit_count} 个单位，完整排名见汇总工作簿"
    table.caption = plain(caption, style="table.caption")
    return table


def band_counts(source: BatchResult | SummaryView) -> Text:
    """'等级分布：优秀 3  良好 5 …' in the bands' colours."""
    view = source if isinstance(source, SummaryView) else view_of_batch(source, limit=0)
    names = [b.name for b in view.scheme.bands]
    text = plain("等级分布：")
    for n, (name, count) in enumerate(view.grade_counts().items()):
        if n:
            text.append("  ")
        text.append(clean(f"{name} {count}"), style=band_style(names, name))
    return text


def _num(value: Decimal | None, decimals: int) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


def _points(value: Decimal | None) -> str:
    return "—" if value is None else fmt(value)


def self_scores(batch: BatchResult, unit: UnitResult) -> dict[str, Decimal | None] | None:
    """The unit's 自评分 by item id, total under '' (None when the scheme has no 自评)."""
    if not batch.scheme.settings.self_assessment:
        return None
    claims: dict[str, Decimal | None] = {item.id: unit.self_score(item.id) for item in batch.scheme.items}
    claims[""] = unit.self_total
    return claims


def unit_breakdown(
    view: SummaryView,
    unit: UnitView,
    rows: list[BreakdownRow],
    claims: dict[str, Decimal | None] | None = None,
) -> Table:
    """One unit item by item with the reason for each score (famscore explain), the one renderer for
    a batch scored just now and a summary read back. `claims` (self_scores): the unit's 自评分 are
    shown beside the verified scores (核定分)."""
    d = view.scheme.decimals
    title = f"{unit.unit}  总分 {_num(unit.total, d)}"
    if claims is not None:
        title += f"（自评 {_num(claims.get(''), d)}）"
    if unit.grade:
        title += f"  {unit.grade}"
    if unit.rank is not None:
        title += f"  第 {unit.rank} 名"
    for flag in [*map(flag_text, unit.flags), *unit.notes]:
        title += f"\n⚠ {flag}"
    if not unit.rankable:
        title += f"\n⚠ 待定：{unit.reason}"
    table = Table(title=plain(title, style="bold"), show_lines=True, header_style="bold")
    table.add_column("编号", no_wrap=True)
    table.add_column("指标", overflow="fold", max_width=18)
    table.add_column("满分", justify="right", no_wrap=True)
    if claims is not None:
        table.add_column("自评分", justify="right", no_wrap=True)
    table.add_column("核定分" if claims is not None else "得分", justify="right", no_wrap=True)
    table.add_column("计分说明", overflow="fold")
    for row in rows:
        claim = [] if claims is None else [plain("" if row.category else _num(claims.get(row.id), d))]
        if row.category:
            table.add_row(
                plain(row.id, style="bold"),
                plain(row.name, style="bold"),
                _points(row.points),
                *claim,
                plain(_num(row.score, d), style="bold"),
                "",
                style="on grey15",
            )
            continue
        if row.score is None:
            score = plain("未计分", style="bold red")
        else:
            low = row.points is not None and row.score < row.points
            score = plain(_num(row.score, d), style="red" if low else "green")
        table.add_row(
            plain(row.id), plain(row.name), _points(row.points), *claim, score, plain(row.explanation)
        )
    return table
