"""The offline Windows bundle: its layout, the .bat texts cmd.exe will read, and an offline install."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from build_windows_bundle import BATS, bat_bytes, build_wheel, write_bundle  # noqa: E402

BLANK = ROOT / "templates" / "考评表模板.xlsx"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheels"))


@pytest.mark.parametrize("name", sorted(BATS))
def test_every_bat_is_gbk_crlf_and_keeps_its_window_open(name: str) -> None:
    data = bat_bytes(BATS[name])
    text = data.decode("gbk")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only: cmd.exe mis-reads labels after bare LF
    lines = text.split("\r\n")
    assert lines[0] == "@echo off"
    assert "pause" in lines
    # An ASCII ")" in an echo inside an if-block would end the block early.
    assert not [line for line in lines if line.strip().startswith("echo") and ")" in line]


@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("检查考评表.bat", 'check "%~1"'),
        ("生成填报表.bat", 'template "%~1"'),
        ("计分.bat", 'score "%~dp1考评表.xlsx" "%~1"'),
    ],
)
def test_drop_bats_pass_the_dropped_path(name: str, command: str) -> None:
    assert command in BATS[name]
    assert BATS[name].rstrip().endswith("pause")


def test_install_bat_installs_offline_into_its_own_environment() -> None:
    text = BATS["安装.bat"]
    assert "--no-index --find-links wheels famscore" in text
    assert "py -3 -m venv famscore-env" in text


def test_the_bundle_holds_wheels_bats_guide_and_blank_scheme(tmp_path: Path, wheel: Path) -> None:
    bundle = write_bundle(tmp_path / "famscore-windows.zip", [wheel], BLANK)
    names = set(zipfile.ZipFile(bundle).namelist())
    assert f"famscore/wheels/{wheel.name}" in names
    assert {f"famscore/{name}" for name in BATS} <= names
    assert {"famscore/使用说明.txt", "famscore/考评表模板.xlsx"} <= names


def test_the_wheel_ships_the_blank_scheme_and_installs_offline(tmp_path: Path, wheel: Path) -> None:
    assert "famscore/resources/考评表模板.xlsx" in zipfile.ZipFile(wheel).namelist()
    env = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    # Pure-Python part only: the compiled dependencies in the real bundle are win_amd64 wheels.
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-index",
            "--no-deps",
            "--find-links",
            wheel.parent,
            "famscore",
        ],
        check=True,
    )
    shipped = subprocess.run(
        [
            python,
            "-c",
            "import importlib.resources as r; print(r.files('famscore.resources').joinpath('考评表模板.xlsx').is_file())",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert shipped.stdout.strip() == "True"
