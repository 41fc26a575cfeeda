"""The summary workbook: puts its sheets together, in one atomic write beside the audit CSV when there is one."""

# Written with xlsxwriter, every sheet strictly row by row. Text goes to the shared-strings table, as
# Excel and WPS write it: many WPS releases refuse a workbook whose text is all inline (xlsxwriter's
# constant-memory mode) and Windows search cannot index one. Shared strings mean xlsxwriter holds every
# cell until the file is closed (~80 bytes a cell, measured); above SHARED_STRINGS_CELLS cells (far past
# the point where the audit goes to a CSV) constant-memory mode keeps memory flat instead, and that
# workbook has inline text. Every string goes
# through `famscore.outputs.safe.write_text` (text cells, illegal characters removed, over-long text cut
# and reported on the 问题 sheet). Numbers are written as numbers with the scheme's decimals. Each sheet
# has its own module: rank, notice, matrix, audit, problems, facts; layout names them.

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from famscore.errors import Problem
from famscore.outputs.audit import (
    audit_csv_path,
    audit_csv_target,
    audit_csv_writer,
    audit_in_workbook,
    audit_pointer,
    audit_sheets,
    no_verify,
)
from famscore.outputs.facts import scheme_sheet
from famscore.outputs.layout import (
    SHEET_AUDIT,
    SHEET_MATRIX,
    SHEET_NOTICE,
    SHEET_PROBLEMS,
    SHEET_RANK,
    SHEET_SCHEME,
    SHEETS,
)
from famscore.outputs.matrix import matrix_sheet
from famscore.outputs.notice import notice_sheet
from famscore.outputs.problems import problems_sheet
from famscore.outputs.rank import rank_sheet
from famscore.outputs.safe import OutputSet, verify_xlsx
from famscore.outputs.selfcheck import SHEET_SELF, has_self_check, self_check_sheet
from famscore.outputs.xlsx import Formats, Notes, Sheet
from famscore.scheme.model import Scheme
from famscore.scoring import BatchResult

# Cells written with shared strings (held in memory until the workbook closes); more stream inline.
# 10,000 units of the changning example (24 items, the audit in a CSV) are ~470,000 cells, written with
# ~40 MB more than inline (benchmarks/summary_write.py); 40,000 units, ~1.9 million, stay inline.
SHARED_STRINGS_CELLS = 1_000_000

# cli.score still asks here where the audit went; the decision is audit.audit_csv_target.
__all__ = ["audit_csv_path", "audit_in_workbook", "summary_writer", "write_summary"]


# Arial, not the theme's Calibri: LibreOffice and WPS on Linux (common in Chinese offices) have Liberation
# Sans with Arial's metrics but often no Calibri substitute, and a column is as wide as its font's
# digits: under a wider stand-in the printed page shrinks to fit and the text with it. Chinese text
# falls back to the system's CJK font either way. Not a theme font ('none'), so Excel keeps it.
DEFAULT_FONT = {"font_name": "Arial", "font_size": 10, "font_scheme": "none"}


def summary_cells(batch: BatchResult) -> int:
    """About how many cells the summary holds: 排名, 得分明细 and 自评与核定 rows, and the audit when
    it stays in."""
    return cells_for(batch.scheme, len(batch.units), len(batch.problems), audit_in_workbook(batch))


def cells_for(scheme: Scheme, units: int, problems: int, audit: bool) -> int:
    items = len(scheme.items)
    per_unit = items + len(scheme.categories) + 16 + (8 * items if audit else 0)
    if scheme.settings.self_assessment:  # 自评与核定: a row of 7 cells per item and one for the totals
        per_unit += 7 * (items + 1)
    return units * per_unit + 8 * problems


def shared_strings(batch: BatchResult) -> bool:
    """Whether the summary's text goes to the shared-strings table (else inline, memory flat)."""
    return summary_cells(batch) <= SHARED_STRINGS_CELLS


def page_title(scheme: Scheme) -> str:
    """The scheme's title with its year, for page headers: '长宁区…考评表（2023 年度）'."""
    year = scheme.settings.year
    if year and str(year) not in scheme.title:
        return f"{scheme.title}（{year} 年度）"
    return scheme.title


def sheet_order(batch: BatchResult) -> tuple[str, ...]:
    """The summary's sheets in tab order: 问题 second when the run found problems, else in SHEETS order;
    自评与核定 after 得分明细 when units assessed themselves (the verified scores, then the claims)."""
    names = list(SHEETS)
    if has_self_check(batch):
        names.insert(names.index(SHEET_MATRIX) + 1, SHEET_SELF)
    if batch.problems:
        names.remove(SHEET_PROBLEMS)
        names.insert(names.index(SHEET_RANK) + 1, SHEET_PROBLEMS)
    return tuple(names)


def write_summary(
    batch: BatchResult,
    path: Path | str,
    *,
    generated_at: str,
    famscore_version: str,
    notes: list[Problem] | None = None,
    write_csv: bool = True,
) -> Path:
    """Write the summary workbook atomically to `path` and return it.

    Output-side warnings (text that had to be cleaned or cut) go to the 问题 sheet and, when `notes`
    is given, are appended to it so the caller can show them too. A large audit goes to
    `audit_csv_path(path)` instead of the 计分过程 sheet, which then says where it is (written here,
    in the same batch as the workbook, unless `write_csv` is False, when the caller writes it).
    """
    target = Path(path)
    collected: list[Problem] = []
    with OutputSet() as outputs:
        csv_path = audit_csv_target(batch, target)
        if csv_path is not None and write_csv:
            outputs.write(csv_path, audit_csv_writer(batch), no_verify)
        writer, verify = summary_writer(
            batch, target, generated_at=generated_at, famscore_version=famscore_version, collected=collected
        )
        outputs.write(target, writer, verify)
        outputs.commit()
    if notes is not None:
        notes.extend(collected)
    return target


def summary_writer(
    batch: BatchResult, target: Path, *, generated_at: str, famscore_version: str, collected: list[Problem]
) -> tuple[Callable[[Path], None], Callable[[Path], None]]:
    """The functions that write the summary workbook for `target` to a temporary file and verify it;
    output-side warnings are appended to `collected`."""
    sheet_count = [0]
    csv_path = audit_csv_target(batch, target)

    def writer(temp: Path) -> None:
        sheet_count[0] = _write(batch, temp, target.name, generated_at, famscore_version, collected, csv_path)

    def verify(temp: Path) -> None:
        parts = [f"xl/worksheets/sheet{i}.xml" for i in range(1, sheet_count[0] + 1)]
        verify_xlsx(temp, parts)

    return writer, verify


def _write(
    batch: BatchResult,
    path: Path,
    file_name: str,
    generated_at: str,
    famscore_version: str,
    collected: list[Problem],
    csv_path: Path | None = None,
) -> int:
    import xlsxwriter

    # xlsxwriter keeps one temporary file per sheet and per part in `tmpdir`, and leaves them behind
    # when a write fails (a full disk): a private folder, removed whatever happens, takes them all.
    with tempfile.TemporaryDirectory(prefix="famscore-xlsx-", ignore_cleanup_errors=True) as parts:
        book = xlsxwriter.Workbook(
            str(path),
            {
                "tmpdir": parts,
                "constant_memory": not shared_strings(batch),
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "default_format_properties": dict(DEFAULT_FONT),
            },
        )
        try:
            title = page_title(batch.scheme)
            formats = Formats(book, batch.scheme.settings.decimals, title)
            notes = Notes(file_name)
            sheets = {name: Sheet(book, formats, name, notes) for name in sheet_order(batch)}
            book.set_properties(
                {
                    "title": batch.scheme.title,
                    "subject": "考评汇总",
                    "comments": f"famscore {famscore_version}，{generated_at}",
                }
            )
            rank_sheet(book, sheets[SHEET_RANK], batch, title)
            notice_sheet(sheets[SHEET_NOTICE], batch, generated_at, famscore_version)
            matrix_sheet(sheets[SHEET_MATRIX], batch)
            if SHEET_SELF in sheets:
                self_check_sheet(sheets[SHEET_SELF], batch)
            if csv_path is None:
                extra = audit_sheets(book, formats, sheets[SHEET_AUDIT], batch, notes)
            else:
                extra = 0
                audit_pointer(sheets[SHEET_AUDIT], batch, csv_path)
            scheme_sheet(sheets[SHEET_SCHEME], batch, generated_at, famscore_version)
            # Last, because it lists the notes the other sheets made.
            units = {u.file: u.unit for u in batch.units}
            collected.extend(problems_sheet(sheets[SHEET_PROBLEMS], batch.problems, notes, units))
            sheets[SHEET_RANK].ws.activate()
        finally:
            book.close()
        return len(sheets) + extra
