"""The famscore command line: the only module that prints or exits."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from famscore.errors import FamscoreError, Problem

app = typer.Typer(
    name="famscore",
    help="卫健委年度考评批量计分：检查考评表、生成填报表、汇总计分、定级排名。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
out = Console()
err = Console(stderr=True)

SchemeArg = Annotated[
    Path,
    typer.Argument(metavar="考评表", help="考评表工作簿（.xlsx/.xls/.ods）", exists=True, dir_okay=False),
]


def _version(value: bool) -> None:
    if value:
        from famscore import __version__

        out.print(f"famscore {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", help="显示版本号后退出", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """卫健委年度考评批量计分：检查考评表、生成填报表、汇总计分、定级排名。"""


def print_problems(problems: list[Problem]) -> None:
    from famscore.outputs.terminal import problems_table

    if problems:
        err.print(problems_table(problems))


def fail(exc: FamscoreError) -> typer.Exit:
    err.print(f"[bold red]错误[/]：{exc.path + '：' if exc.path else ''}{exc.message}")
    return typer.Exit(exc.exit_code)


@app.command()
def check(scheme: SchemeArg) -> None:
    """检查考评表：打印指标树和分值，列出全部问题（工作表、行、列和改法）。

    考评表有错误时退出码为 2；只有警告时为 0。

    示例：famscore check examples/changning-2023/考评表.xlsx
    """
    from famscore.outputs.terminal import scheme_tree
    from famscore.scheme.loader import check_scheme

    loaded, problems = check_scheme(scheme)
    if loaded is not None:
        out.print(scheme_tree(loaded))
    print_problems(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if errors:
        err.print(f"[bold red]考评表有 {errors} 处错误、{warnings} 处警告，无法使用。[/]")
        raise typer.Exit(2)
    note = f"，{warnings} 处警告" if warnings else ""
    out.print(f"[bold green]考评表可以使用[/]（指纹 {loaded.fingerprint}{note}）。")


def main() -> None:
    try:
        app()
    except FamscoreError as exc:
        raise SystemExit(fail(exc).exit_code) from None
