"""Builds the offline Windows bundle a clerk unzips: wheels for CPython 3.11–3.13 and drag-and-drop .bat files.

Run on any machine with internet access to the package registry:

    python scripts/build_windows_bundle.py -o dist/famscore-windows.zip

The zip holds `wheels/` (famscore and every dependency, win_amd64 or pure Python, for CPython 3.11, 3.12
and 3.13), `安装.bat` (creates a virtual environment beside itself and installs from `wheels/` with
--no-index, so the clerk's machine needs no internet), three .bat files to drop a file or folder on
(检查考评表, 生成填报表, 计分), the blank scheme and a short 使用说明.txt. The .bat files are written in
GBK with CRLF line ends: cmd.exe on Chinese Windows reads batch files in the console's code page (936).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
PLATFORM = "win_amd64"
BAT_ENCODING = "gbk"
VENV = "famscore-env"

# Every .bat starts in its own folder (%~dp0) whatever folder the clerk dropped from, and ends with
# `pause` so the window stays open long enough to read what famscore said.
_HEAD = '@echo off\r\nchcp 936 >nul\r\ncd /d "%~dp0"\r\n'

INSTALL_BAT = (
    _HEAD + "echo 正在安装 famscore（不需要联网）……\r\n"
    "where py >nul 2>nul\r\n"
    "if errorlevel 1 (\r\n"
    "  echo 没有找到 Python。请先安装 Python 3.11、3.12 或 3.13（安装时勾选“Add python.exe to PATH”）。\r\n"
    "  pause\r\n"
    "  exit /b 1\r\n"
    ")\r\n"
    f"py -3 -m venv {VENV}\r\n"
    f"if errorlevel 1 goto failed\r\n"
    f'"{VENV}\\Scripts\\python.exe" -m pip install --no-index --find-links wheels famscore\r\n'
    "if errorlevel 1 goto failed\r\n"
    "echo.\r\n"
    "echo 安装完成。把考评表或回表文件夹拖到下面三个 .bat 文件上即可使用。\r\n"
    "pause\r\n"
    "exit /b 0\r\n"
    ":failed\r\n"
    "echo 安装没有成功，请把本窗口的内容截图发给技术支持。\r\n"
    "pause\r\n"
    "exit /b 1\r\n"
)


def _drop_bat(what: str, command: str, usage: str) -> str:
    """A .bat that runs one famscore command on the file or folder dropped on it (%1)."""
    famscore = f'"%~dp0{VENV}\\Scripts\\famscore.exe"'
    return (
        _HEAD + 'if "%~1"=="" (\r\n'
        f"  echo 请把{what}拖到本文件的图标上。{usage}\r\n"
        "  pause\r\n"
        "  exit /b 2\r\n"
        ")\r\n"
        f"if not exist {famscore} (\r\n"
        "  echo 还没有安装 famscore：请先双击“安装.bat”。\r\n"
        "  pause\r\n"
        "  exit /b 2\r\n"
        ")\r\n"
        f"{famscore} {command}\r\n"
        "echo.\r\n"
        "pause\r\n"
    )


BATS = {
    "安装.bat": INSTALL_BAT,
    "检查考评表.bat": _drop_bat("考评表（.xlsx）", 'check "%~1"', "检查结果显示在本窗口。"),
    "生成填报表.bat": _drop_bat(
        "考评表（.xlsx）",
        'template "%~1" --units-file "%~dp1单位名单.txt" -o "%~dp1填报表"',
        "单位名单请放在考评表旁边，文件名为“单位名单.txt”，每行一个单位；填报表生成在考评表旁边的“填报表”文件夹。",
    ),
    "计分.bat": _drop_bat(
        "回表文件夹",
        'score "%~dp1考评表.xlsx" "%~1" --units-file "%~dp1单位名单.txt"',
        "考评表（考评表.xlsx）和单位名单（单位名单.txt）请放在回表文件夹旁边；汇总工作簿写在回表文件夹旁边。",
    ),
}

GUIDE = """famscore 离线安装包（Windows）

1. 安装 Python 3.11、3.12 或 3.13（64 位），安装时勾选“Add python.exe to PATH”。
2. 双击“安装.bat”。不需要联网，famscore 装在本文件夹的 famscore-env 中。
3. 使用时把文件或文件夹拖到对应的 .bat 图标上：
   - 检查考评表.bat：拖入考评表，检查是否可以使用；
   - 生成填报表.bat：拖入考评表，为“单位名单.txt”中的每个单位生成填报表；
   - 计分.bat：拖入回表文件夹，计分并写出汇总工作簿（考评表.xlsx、单位名单.txt 放在回表文件夹旁边）。
4. 新写考评表可从“考评表模板.xlsx”开始。
"""


def bat_bytes(text: str) -> bytes:
    """A .bat as cmd.exe on Chinese Windows reads it: GBK, CRLF line ends."""
    return text.encode(BAT_ENCODING)


def build_wheel(out: Path) -> Path:
    """famscore's own wheel, built from this checkout."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)], check=True
    )
    return next(out.glob("famscore-*.whl"))


def download_dependencies(wheel: Path, out: Path, pythons: tuple[str, ...] = PYTHONS) -> None:
    """Every dependency of `wheel` as win_amd64 or pure-Python wheels, for each CPython in `pythons`."""
    for version in pythons:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--only-binary=:all:",
                "--platform",
                PLATFORM,
                "--implementation",
                "cp",
                "--python-version",
                version,
                "-d",
                str(out),
                str(wheel),
            ],
            check=True,
        )


def write_bundle(target: Path, wheels: list[Path], blank_scheme: Path) -> Path:
    """The zip a clerk unzips: wheels/, the .bat files, the blank scheme and the guide."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".~{target.name}")
    with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as bundle:
        for wheel in sorted(wheels, key=lambda p: p.name):
            bundle.write(wheel, f"famscore/wheels/{wheel.name}")
        for name, text in BATS.items():
            bundle.writestr(f"famscore/{name}", bat_bytes(text))
        bundle.writestr("famscore/使用说明.txt", GUIDE.replace("\n", "\r\n").encode("utf-8-sig"))
        bundle.write(blank_scheme, "famscore/考评表模板.xlsx")
    temp.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成 Windows 离线安装包（需要能访问软件包仓库）")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "dist" / "famscore-windows.zip")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        wheels = Path(work)
        wheel = build_wheel(wheels)
        download_dependencies(wheel, wheels)
        bundle = write_bundle(
            args.output, sorted(wheels.glob("*.whl")), ROOT / "templates" / "考评表模板.xlsx"
        )
    print(bundle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
