"""Scheme sheets written as markdown tables (one `## 工作表` section each), for examples and tests."""

from __future__ import annotations

import re
from pathlib import Path

from famscore.numbers import to_decimal

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")


def parse_markdown_sheets(text: str) -> dict[str, list[dict[str, object]]]:
    """`## 名称` headings followed by a pipe table -> {名称: [{表头: 值}]}.

    Numeric cells become int/float so that the written workbook holds numbers, as an author's would.
    `\\|` stands for a literal pipe and `<br>` for a line break inside a cell.
    """
    sheets: dict[str, list[dict[str, object]]] = {}
    current: str | None = None
    headers: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if heading:
            current, headers = heading.group(1), None
            sheets.setdefault(current, [])
            continue
        if current is None or not stripped.startswith("|"):
            if not stripped:
                headers = None if headers is None else headers
            continue
        if _SEPARATOR.match(stripped):
            continue
        cells = _split_row(stripped)
        if headers is None:
            headers = cells
            continue
        row: dict[str, object] = {}
        for header, cell in zip(headers, cells, strict=False):
            if cell != "":
                row[header] = _typed(cell)
        sheets[current].append(row)
    return sheets


def read_markdown_sheets(path: Path | str) -> dict[str, list[dict[str, object]]]:
    return parse_markdown_sheets(Path(path).read_text(encoding="utf-8"))


def _split_row(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    parts = re.split(r"(?<!\\)\|", body)
    return [p.strip().replace("\\|", "|").replace("<br>", "\n") for p in parts]


def _typed(cell: str) -> object:
    number = to_decimal(cell) if re.fullmatch(r"-?\d+(\.\d+)?", cell) else None
    if number is None:
        return cell
    return int(number) if number == int(number) and "." not in cell else float(cell)
