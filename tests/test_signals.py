"""Stopping `famscore score` mid-read: exit code, one Chinese line, no child or temporary file left behind.

The command runs as a real process (`python -m famscore`) on a few hundred returns, with TMPDIR set to
a fresh folder; the signal is sent once its workers have scored their first returns.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from famscore import interrupt
from famscore.cli import app
from famscore.outputs import writeall

ROOT = Path(__file__).resolve().parent.parent
CHANGNING = ROOT / "examples" / "changning-2023"
SCHEME = CHANGNING / "考评表.xlsx"
# Copies of the 10 example unit returns: reading takes seconds, long enough to be interrupted. The
# two-party returns are small (the departments' fields are in their 评分表, left out here), so 100.
COPIES = 100


def default_signals() -> None:
    """Run in the child before famscore starts: the signals as a terminal gives them. Under nohup or a
    background shell the test runner itself ignores SIGHUP/SIGINT, and famscore rightly keeps an
    inherited 'ignore' (tests/test_entry.py checks that), which is not what these tests are about."""
    for signum in (signal.SIGHUP, signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("many") / "回表"
    folder.mkdir()
    for copy in range(COPIES):
        for source in sorted((CHANGNING / "returns").glob("*.xlsx")):
            if source.name.startswith("评分表"):
                continue
            shutil.copy(source, folder / f"{copy:02d}_{source.name}")
    return folder


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # the task ended meanwhile
            found.update(int(n) for n in task.read_text().split())
    return found


def alive(pid: int) -> bool:
    """Running, or stopped; a zombie (dead, waiting for whoever adopted it to reap it) is not alive."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def reading(pid: int, tmp: Path, deadline: float) -> set[int]:
    """The worker pids once some worker has scored a return (its spool file has a record)."""
    while time.monotonic() < deadline:
        workers = children(pid)
        if workers and any(p.stat().st_size for p in tmp.rglob("w*.bin")):
            return workers
        time.sleep(0.01)
    raise AssertionError("famscore score did not start reading in time")


def earlier_summary(tmp_path: Path) -> tuple[Path, bytes]:
    """The summary an earlier run left at the output path, which an interrupted run must not touch."""
    summary = tmp_path / "输出" / "汇总.xlsx"
    summary.parent.mkdir()
    result = CliRunner().invoke(app, ["score", str(SCHEME), str(CHANGNING / "returns"), "-o", str(summary)])
    assert result.exit_code == 0, result.output
    return summary, summary.read_bytes()


@pytest.mark.parametrize(
    ("signum", "group", "said"),
    [
        (signal.SIGTERM, False, "已中断（收到终止信号 SIGTERM），没有写出任何文件，原有的输出文件没有改动。"),
        # A terminal's Ctrl-C reaches every process in the foreground group, workers included.
        (signal.SIGINT, True, "已中断（按下了 Ctrl-C），没有写出任何文件，原有的输出文件没有改动。"),
        (signal.SIGHUP, False, "已中断（收到挂断信号 SIGHUP），没有写出任何文件，原有的输出文件没有改动。"),
    ],
    ids=["SIGTERM", "SIGINT", "SIGHUP"],
)
def test_a_signal_mid_read_stops_everything_and_leaves_nothing(
    many: Path, tmp_path: Path, signum: int, group: bool, said: str
) -> None:
    summary, before = earlier_summary(tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "COLUMNS": "200"}
    command = [sys.executable, "-m", "famscore", "score", str(SCHEME), str(many), "-o", str(summary)]
    with (tmp_path / "out.txt").open("wb") as out, (tmp_path / "err.txt").open("wb") as err:
        process = subprocess.Popen(
            command, stdout=out, stderr=err, env=env, start_new_session=True, preexec_fn=default_signals
        )
        try:
            workers = reading(process.pid, tmp, time.monotonic() + 60)
            if group:
                os.killpg(process.pid, signum)
            else:
                os.kill(process.pid, signum)
            code = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    stderr = (tmp_path / "err.txt").read_text(encoding="utf-8")
    assert code == 128 + signum, stderr
    assert said in stderr
    assert "Traceback" not in stderr + (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "Aborted" not in stderr  # Click's English for KeyboardInterrupt
    deadline = time.monotonic() + 5
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [w for w in workers if alive(w)]
    assert list(tmp.iterdir()) == []
    assert summary.read_bytes() == before
    assert [p.name for p in summary.parent.iterdir()] == [summary.name]  # no temporary file beside it


def test_workers_die_with_a_parent_that_is_killed_outright(many: Path, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    command = [
        sys.executable,
        "-m",
        "famscore",
        "score",
        str(SCHEME),
        str(many),
        "-o",
        str(tmp_path / "s.xlsx"),
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
        preexec_fn=default_signals,
    )
    try:
        workers = reading(process.pid, tmp, time.monotonic() + 60)
        process.kill()  # no handler runs: only the workers' own watch on their parent can end them
        process.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if alive(w)]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_an_interrupted_write_stops_the_side_output_helper_and_removes_its_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """The JSON is written in a helper process while the summary is written here; a signal then."""
    target = tmp_path / "结果.json"
    target.write_text("{}", encoding="utf-8")

    def slow_json(_batch: object) -> Callable[[Path], None]:
        def writer(temp: Path) -> None:
            temp.write_text("{", encoding="utf-8")
            time.sleep(60)

        return writer

    def interrupted_summary(_temp: Path) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if any(p.stat().st_size for p in tmp_path.glob(".结果.json.*.tmp")):
                break
            time.sleep(0.01)
        assert any(p.stat().st_size for p in tmp_path.glob(".结果.json.*.tmp")), "the helper never wrote"
        raise interrupt.Interrupted(signal.SIGTERM)

    class Batch:
        units = [None] * writeall.PARALLEL_UNITS

    monkeypatch.setenv(
        "FAMSCORE_START_METHOD", "fork"
    )  # the side-output helper is a fork, also in the spawn pass
    monkeypatch.setattr(writeall, "json_writer", slow_json)
    monkeypatch.setattr(writeall, "summary_writer", lambda *_a, **_k: (interrupted_summary, None))
    monkeypatch.setattr(writeall, "audit_csv_target", lambda _batch, _summary: None)
    before = set(mp.active_children())
    start = time.monotonic()
    with pytest.raises(interrupt.Interrupted):
        writeall.write_outputs(
            Batch(),  # type: ignore[arg-type]
            tmp_path / "汇总.xlsx",
            target,
            generated_at="",
            famscore_version="",
            notes=[],
        )
    assert time.monotonic() - start < 15  # stopped, not waited for
    assert set(mp.active_children()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["结果.json"]
    assert target.read_text(encoding="utf-8") == "{}"
    assert "Traceback" not in capfd.readouterr().err


def test_a_signal_during_the_final_cleanup_is_raised_only_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(interrupt, "_FIRED", False)
    stop_children = interrupt.stop_children

    def signalled_meanwhile() -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.01)  # the handler runs here, in the middle of the cleanup
        stop_children()

    monkeypatch.setattr(interrupt, "stop_children", signalled_meanwhile)
    previous = signal.signal(signal.SIGTERM, interrupt._raise)
    try:
        with pytest.raises(interrupt.Interrupted) as caught, interrupt.private_temp() as folder:
            assert Path(folder).parent == tmp_path and tempfile.gettempdir() == folder
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert caught.value.exit_code == 143
    assert list(tmp_path.iterdir()) == []
    assert tempfile.tempdir == str(tmp_path)
