"""Writes the example returns: each unit's figures in examples/<slug>/returns.md, filled into the
data-entry workbook `famscore template` makes, as examples/<slug>/returns/<template file name>; and the
figures the departments fill (a field whose 填报方 is a 考核部门) into one 评分表 per department, as
examples/<slug>/returns/评分表_<部门>.xlsx — both parties' files in the one folder `famscore score` reads.

Run through `python scripts/build_examples.py` (which calls build_returns); tests/test_generated.py checks
the committed returns are current and tests/test_golden.py checks their scores against hand calculations.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from stable import stable_bytes

from famscore.scheme.loader import load_scheme
from famscore.scheme.model import Scheme
from famscore.templates import (
    build_template,
    fill_template,
    review_filename,
    template_filename,
    write_review_form,
)
from famscore.units import read_units_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCHEME_FILE = "考评表.xlsx"
DATA_FILE = "returns.md"
UNITS_FILE = "units.txt"
RETURNS_DIR = "returns"
KEY_HEADER, LABEL_HEADER = "字段编号", "填报项目"
# When the commission sent the templates out: fixed, so that rebuilding gives the same workbooks.
GENERATED = {"qingpu-2020": "2020-12-01 09:00:00"}
DEFAULT_GENERATED = "2023-12-01 09:00:00"

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}")


def read_returns_table(path: Path) -> tuple[list[str], dict[str, dict[str, object]]]:
    """The `| 字段编号 | 填报项目 | 单位… |` table of a returns.md: its field ids, and {unit: {field id: value}}.

    A blank cell is a field the unit left empty (absent from its dict). Numbers become int/float,
    2024-08-15 a date; anything else (是/否, a choice, 未完成) stays text, as a person would type it.
    """
    units: list[str] | None = None
    fields: list[str] = []
    values: dict[str, dict[str, object]] = {}
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped.startswith("|") or _SEPARATOR.match(stripped):
            continue
        cells = _split_row(stripped)
        if units is None:
            if cells[:2] != [KEY_HEADER, LABEL_HEADER]:
                raise ValueError(f"{path} 第 {line_no} 行：表头应以「{KEY_HEADER} | {LABEL_HEADER}」开头")
            units = cells[2:]
            if len(set(units)) != len(units) or not all(units):
                raise ValueError(f"{path} 第 {line_no} 行：单位名称为空或重复")
            values = {unit: {} for unit in units}
            continue
        if len(cells) != len(units) + 2:
            raise ValueError(f"{path} 第 {line_no} 行：应有 {len(units) + 2} 列，实有 {len(cells)} 列")
        field_id = cells[0]
        if field_id in fields:
            raise ValueError(f"{path} 第 {line_no} 行：字段「{field_id}」重复")
        fields.append(field_id)
        for unit, text in zip(units, cells[2:], strict=True):
            if text:
                values[unit][field_id] = _typed(text)
    if units is None:
        raise ValueError(f"{path}：没有找到「{KEY_HEADER}」表格")
    return fields, values


def _split_row(line: str) -> list[str]:
    body = line.strip().removeprefix("|").removesuffix("|")
    return [part.strip() for part in body.split("|")]


def _typed(text: str) -> object:
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    if _DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    return text


def _check(slug: str, scheme: Scheme, fields: list[str], units: list[str], expected: list[str]) -> None:
    """returns.md must name the units of units.txt, in order, and have one row per field of the scheme."""
    if units != expected:
        raise ValueError(f"{slug}：{DATA_FILE} 的单位列与 {UNITS_FILE} 不一致：{units} / {expected}")
    unknown = [fid for fid in fields if fid not in scheme.fields]
    missing = [fid for fid in scheme.fields if fid not in fields]
    if unknown or missing:
        raise ValueError(f"{slug}：{DATA_FILE} 中不在考评表的字段 {unknown}，缺少的字段 {missing}")


def build_returns(out_root: Path = ROOT) -> list[Path]:
    """Fill every example's returns into `out_root`/examples/<slug>/returns/; return the files written.

    The scheme is the one just written under `out_root` when there is one (build_all writes the schemes
    first), so the returns always carry the current scheme's fingerprint.
    """
    written: list[Path] = []
    for source in sorted(EXAMPLES.glob(f"*/{DATA_FILE}")):
        slug = source.parent.name
        scheme_path = out_root / "examples" / slug / SCHEME_FILE
        scheme = load_scheme(scheme_path if scheme_path.is_file() else source.parent / SCHEME_FILE)
        fields, table = read_returns_table(source)
        _check(slug, scheme, fields, list(table), read_units_file(source.parent / UNITS_FILE))
        target = out_root / "examples" / slug / RETURNS_DIR
        generated = GENERATED.get(slug, DEFAULT_GENERATED)
        made: list[Path] = []
        two_party = scheme.two_party
        with tempfile.TemporaryDirectory() as scratch:
            for unit, values in table.items():
                name = template_filename(scheme, unit)
                blank = build_template(
                    scheme, unit, Path(scratch) / name, generated=generated, unit_only=two_party
                )
                own = {fid: v for fid, v in values.items() if scheme.fields[fid].by_unit}
                made.append(stable_bytes(fill_template(blank, own, target / name), generated))
        for department in scheme.departments:
            theirs = {
                unit: {fid: v for fid, v in values.items() if scheme.fields[fid].filler == department}
                for unit, values in table.items()
            }
            path = target / review_filename(department)
            write_review_form(scheme, list(table), department, path, theirs, generated=generated)
            made.append(stable_bytes(path, generated))
        for stale in target.glob("*.xlsx"):
            if stale not in made:  # a unit renamed or dropped from returns.md
                stale.unlink()
        written.extend(made)
    return written


if __name__ == "__main__":
    for path in build_returns():
        print(path.relative_to(ROOT))
