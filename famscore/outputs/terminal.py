"""Rich renderables for the terminal: the scheme tree, problem lists and ranked tables."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from famscore.errors import Problem
from famscore.numbers import fmt
from famscore.scheme.model import BONUS, Scheme


def scheme_tree(scheme: Scheme) -> Tree:
    s = scheme.settings
    head = Text.assemble((s.title, "bold"), f"  版本 {s.version}")
    tree = Tree(head)
    main = tree.add(f"主要指标 {fmt(s.main_points)} 分")
    bonus = tree.add(f"附加分 上限 {fmt(s.bonus_points)} 分") if s.bonus_points else None
    for cat in scheme.categories:
        parent = bonus if cat.kind == BONUS and bonus is not None else main
        branch = parent.add(Text.assemble((f"{cat.id} {cat.name}", "bold"), f"（{fmt(cat.points)} 分）"))
        for item in cat.items:
            kinds = "、".join(dict.fromkeys(r.kind for r in item.rules)) or "无规则"
            floor = "，可为负分" if item.floor is None else ""
            branch.add(Text.assemble(f"{item.id} {item.name} ", (f"{fmt(item.points)} 分", "cyan"),
                                     (f"  [{kinds}{floor}]", "dim")))
    if scheme.bands:
        bands = "、".join(
            f"{b.name} ≥{fmt(b.lower)}" if b.lower is not None else f"{b.name}（其余）" for b in scheme.bands
        )
        tree.add(f"等级（按{s.grade_basis}）：{bands}")
    else:
        tree.add("不定级")
    return tree


def problems_table(problems: list[Problem]) -> Table:
    table = Table(title=f"问题 {len(problems)} 处", title_justify="left", show_lines=False)
    table.add_column("级别", no_wrap=True)
    table.add_column("文件", overflow="fold")
    table.add_column("工作表", no_wrap=True)
    table.add_column("位置", no_wrap=True)
    table.add_column("问题与改法", overflow="fold")
    for p in problems:
        style = "red" if p.is_error else "yellow"
        text = f"{p.message}。{p.fix}" if p.fix else p.message
        table.add_row(Text(p.severity, style=style), p.file, p.sheet, p.cell, text)
    return table
