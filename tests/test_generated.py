"""Committed workbooks under examples/ and templates/ are exactly what the generators make now."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_examples import build_all  # noqa: E402


def workbook_content(path: Path) -> dict[str, object]:
    """What a user sees: sheets, visibility, values, merges, validations, protection, widths."""
    book = openpyxl.load_workbook(path)
    content: dict[str, object] = {}
    for sheet in book.worksheets:
        content[sheet.title] = {
            "state": sheet.sheet_state,
            "cells": [[c.value for c in row] for row in sheet.iter_rows()],
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "validations": sorted(
                (
                    str(v.sqref),
                    v.type or "",
                    v.formula1 or "",
                    v.formula2 or "",
                    v.prompt or "",
                    v.error or "",
                )
                for v in sheet.data_validations.dataValidation
            ),
            "protected": sheet.protection.sheet,
            "unlocked": sorted(
                c.coordinate for row in sheet.iter_rows() for c in row if c.protection.locked is False
            ),
            "freeze": sheet.freeze_panes,
        }
    return content


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("rebuilt")
    return out, build_all(out)


def test_every_generated_workbook_is_committed_and_current(rebuilt: tuple[Path, list[Path]]) -> None:
    out, written = rebuilt
    assert written, "the generators wrote nothing"
    stale = []
    for fresh in written:
        relative = fresh.relative_to(out)
        committed = ROOT / relative
        assert committed.exists(), (
            f"{relative} is generated but not committed: run python scripts/build_examples.py"
        )
        if workbook_content(committed) != workbook_content(fresh):
            stale.append(str(relative))
    assert not stale, f"out of date, run python scripts/build_examples.py: {stale}"


def test_no_stray_workbooks_under_examples(rebuilt: tuple[Path, list[Path]]) -> None:
    out, written = rebuilt
    generated = {p.relative_to(out) for p in written}
    committed = {
        p.relative_to(ROOT)
        for folder in ("examples", "templates")
        for p in (ROOT / folder).rglob("*.xlsx")
        if "计分汇总" not in p.name
    }
    assert committed - generated == set(), "workbooks committed that no generator makes"
