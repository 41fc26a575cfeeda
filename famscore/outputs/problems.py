"""The 问题 sheet: every problem of the run with the unit it concerns, then the notes on cleaned text."""

from __future__ import annotations

from famscore.errors import Problem
from famscore.outputs.layout import H_UNIT
from famscore.outputs.xlsx import ERROR_FILL, WARNING_FILL, Column, Notes, Sheet


def problems_sheet(
    sheet: Sheet, problems: list[Problem], notes: Notes, units: dict[str, str] | None = None
) -> list[Problem]:
    """Input problems, then the notes on cleaned text; returns those notes.

    `units` names the unit of each return file scored (UnitResult.file -> unit): a problem in that
    file gets its unit in the first column, so a clerk can sort and filter by unit; problems of no
    one return (the roster, a file that could not be read) leave it blank.
    """
    formats = sheet.formats
    units = units or {}
    columns = [
        Column(H_UNIT, "text", 20, 8),
        Column("文件", "text", 30, 10),
        Column("工作表", "text", 14, 8),
        Column("位置", "center", 10, 6),
        Column("级别", "center", 6, 6),
        Column("问题", "wrap", 60, 20),
        Column("处理办法", "wrap", 40, 12),
    ]
    sheet.header(0, columns)
    row = 0
    taken = notes.take()
    batch = [*problems, *taken]
    while batch:
        for problem in batch:
            row += 1
            fill = ERROR_FILL if problem.is_error else WARNING_FILL
            red = problem.is_error
            sheet.text(row, 0, _unit_of(problem.file, units), formats.get("text", fill, red=red))
            sheet.text(row, 1, problem.file, formats.get("text", fill, red=red))
            sheet.text(row, 2, problem.sheet, formats.get("text", fill, red=red))
            sheet.text(row, 3, problem.cell, formats.get("center", fill, red=red))
            sheet.text(row, 4, problem.severity, formats.get("center", fill, bold=True, red=red))
            sheet.text(row, 5, problem.message, formats.get("wrap", fill, red=red))
            sheet.text(row, 6, problem.fix, formats.get("wrap", fill, red=red))
        batch = notes.take()  # problem texts that themselves had to be cleaned
        taken.extend(batch)
    if row == 0:
        row = 1
        sheet.text(row, 0, "没有发现问题", formats.get("text"))
    sheet.ws.autofilter(0, 0, row, len(columns) - 1)
    sheet.finish(freeze=(1, 0))
    return taken


def _unit_of(file: str, units: dict[str, str]) -> str:
    """The unit of the return `file`; for a problem about several returns (scoring names them
    'a.xlsx、b.xlsx 等 4 个文件'), the one unit those of them scored belong to, if there is one."""
    if file in units:
        return units[file]
    named = {units.get(name.split(" 等 ")[0], "") for name in file.split("、")} - {""}
    return named.pop() if len(named) == 1 else ""
