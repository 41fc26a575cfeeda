"""Regenerates every committed workbook under examples/ and templates/ from the readable sources.

Run `python scripts/build_examples.py`; tests/test_generated.py checks the committed files are current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stable import stable_bytes

from famscore.rules import primary_kinds
from famscore.scheme.format import BANDS, CHOICES, FIELDS, INDICATORS, RULES, SETTING_KEYS, SETTINGS
from famscore.scheme.markdown import read_markdown_sheets
from famscore.scheme.starter import STARTER_FILE, write_starter
from famscore.scheme.writer import write_scheme

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TEMPLATES = ROOT / "templates"
SCHEME_FILE = "考评表.xlsx"
BLANK_SCHEME = TEMPLATES / "考评表模板.xlsx"
# The same blank scheme inside the package, so an installed famscore (a wheel, the Windows bundle) has it.
PACKAGED_BLANK_SCHEME = ROOT / "famscore" / "resources" / "考评表模板.xlsx"
# The starter workbook famscore new-scheme writes, shipped as a file too (for copying without the command).
PACKAGED_STARTER = ROOT / "famscore" / "resources" / STARTER_FILE
STAMP = "2026-01-01T00:00:00"  # fixed document times: rebuilding unchanged sources changes no bytes
SETTING_ORDER = tuple(k for k in SETTING_KEYS if k != "说明")


def scheme_rows(source: Path) -> dict[str, list[dict[str, object]]]:
    """A scheme.md (one `## 工作表` markdown table per sheet) as rows per sheet."""
    return read_markdown_sheets(source)


def blank_scheme_rows() -> dict[str, list[dict[str, object]]]:
    """The authors' starting point: every setting named, every sheet with its headers."""
    hints = {
        "标题": "（填写考评表名称）",
        "版本": "1",
        "小数位数": 2,
        "主要指标满分": 100,
        "附加分满分": 0,
        "定级依据": "主要指标得分",
        "排名依据": "总分",
    }
    return {
        SETTINGS: [{"项目": k, "内容": hints.get(k)} for k in SETTING_ORDER]
        + [{"项目": "说明", "内容": "编写方法见 docs/scheme-format.md；写好后运行 famscore check 检查"}],
        BANDS: [],
        INDICATORS: [],
        FIELDS: [],
        CHOICES: [],
        RULES: [],
    }


def scheme_sources() -> list[Path]:
    return sorted(EXAMPLES.glob("*/scheme.md"))


def build_all(out_root: Path = ROOT) -> list[Path]:
    """Write every generated workbook under `out_root` (the repo, or a temp dir for the check)."""
    blank = write_scheme(blank_scheme_rows(), out_root / BLANK_SCHEME.relative_to(ROOT))
    packaged = write_scheme(blank_scheme_rows(), out_root / PACKAGED_BLANK_SCHEME.relative_to(ROOT))
    written = [stable_bytes(blank, STAMP), stable_bytes(packaged, STAMP)]
    starter = write_starter(out_root / PACKAGED_STARTER.relative_to(ROOT), primary_kinds())
    written.append(stable_bytes(starter, STAMP))
    for source in scheme_sources():
        target = out_root / source.parent.relative_to(ROOT) / SCHEME_FILE
        written.append(stable_bytes(write_scheme(scheme_rows(source), target), STAMP))
    for hook in _extra_builders():
        written.extend(hook(out_root))
    return written


def _extra_builders() -> list:
    """Later stages (example returns) register here so one command rebuilds everything."""
    builders = []
    try:
        from build_returns import build_returns  # type: ignore[import-not-found]
    except ImportError:
        return builders
    builders.append(build_returns)
    return builders


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    for path in build_all():
        print(path.relative_to(ROOT))
