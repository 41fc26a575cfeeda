"""Workers without a memory cap (Windows, macOS) give every file the full pre-parse checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_markdown_scheme
from test_hostile import GOOD, SCHEME, edit_part, entry_part

from famscore.batch.pool import NO_MEMORY_LIMIT_ENV, read_in_workers
from famscore.returns import ReturnData, read_return
from famscore.scheme.loader import load_scheme
from famscore.scheme.model import Scheme
from famscore.templates import build_template, fill_template

# 52 columns × 400,000 rows: calamine parses it (no abort to retry on) and allocates about 650 MB first.
FAR = '<row r="400000"><c r="AZ400000" t="n"><v>1</v></c></row></sheetData>'
REFUSED = (
    "[错误] 远处街道.xlsx，工作表「填报」：这张工作表的使用范围异常巨大（A1:AZ400000），不像是填报表，"
    "已拒绝读取，本文件未计分。请删除表格中多余的行和列（或多余的内容）后另存，或让该单位重新发送原填报表"
)

# Run in a fresh interpreter so the children's peak memory is this batch's alone.
PROBE = """
import json, resource, sys
from pathlib import Path
from famscore.batch.pool import read_in_workers
from famscore.scheme.loader import load_scheme
if __name__ == "__main__":
    scheme = load_scheme(sys.argv[1])
    results = read_in_workers([(Path(p), Path(p).name) for p in sys.argv[2:]], scheme, 1)
    print(json.dumps({
        "problems": [[p.text() for p in r.problems] for r in results],
        "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
    }))
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    work = tmp_path_factory.mktemp("memory")
    scheme_path = write_markdown_scheme(SCHEME, work / "考评表.xlsx")
    template = build_template(
        load_scheme(scheme_path), None, work / "空白.xlsx", generated="2024-01-15 09:00:00"
    )
    good = fill_template(template, GOOD, work / "新华街道.xlsx", unit="新华街道")
    far = fill_template(template, GOOD, work / "src" / "远处街道.xlsx", unit="远处街道")
    far = edit_part(far, work / "远处街道.xlsx", entry_part(far), lambda t: t.replace("</sheetData>", FAR))
    return scheme_path, good, far


def test_an_uncapped_worker_refuses_a_far_cell_before_calamine_allocates_it(
    files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    scheme_path, good, far = files
    assert far.stat().st_size < 30_000
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    env = {**os.environ, NO_MEMORY_LIMIT_ENV: "1", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, str(probe), str(scheme_path), str(far), str(good)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stdout)
    # The located message, and the good return behind it read as usual.
    assert report["problems"] == [[REFUSED], []]
    # Unchecked, calamine takes ~650 MB for this sheet (3 GB for A1:CV1000000); checked, a worker
    # stays at its usual few tens of MB.
    assert report["child_mb"] < 200, report


def tell_contained(path: Path, scheme: Scheme, name: str, contained: bool = False) -> ReturnData:
    data = read_return(path, scheme, name, contained=contained)
    data.problem("", "", f"contained={contained}")
    return data


@pytest.mark.parametrize(("switch", "contained"), [("1", False), ("0", True)])
def test_the_switch_decides_whether_workers_skip_the_whole_sheet_scan(
    files: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, switch: str, contained: bool
) -> None:
    # With a cap (Linux) the scan is skipped and a calamine abort is retried carefully; without one
    # (FAMSCORE_NO_MEMORY_LIMIT=1 simulates Windows) every file is read with the scan.
    scheme_path, good, _far = files
    monkeypatch.setenv(NO_MEMORY_LIMIT_ENV, switch)
    scheme = load_scheme(scheme_path)
    [data] = read_in_workers([(good, good.name)], scheme, 1, reader=tell_contained)
    assert [p.message for p in data.problems] == [f"contained={contained}"]
