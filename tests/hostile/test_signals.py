"""A killed scan leaves no worker process behind: the workers end with the scanning
process, and the caller's stderr pipe closes at once (a CI job does not hang on it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.files import _jceks, _sealed_object, _secret_entry

QSCAN = [sys.executable, "-m", "qscan"]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        pytest.skip("/proc/PID/task/PID/children is not available")
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture(scope="module")
def slow_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough files for worker processes, each keystore taking seconds of password
    attempts (within the limits: 2 million iterations per derivation)."""
    root = tmp_path_factory.mktemp("slow-tree")
    store = _jceks([_secret_entry("k", _sealed_object(b"saltsalt", 2_000_000))])
    for i in range(240):
        (root / f"store-{i:03}.jceks").write_bytes(store)
    return root


def _scan_with_workers(tree: Path, output: str) -> tuple[subprocess.Popen[bytes], list[int]]:
    """A multi-process scan of the slow tree, once its workers are busy."""
    env = {**os.environ, "QSCAN_PASSWORDS": "one:two"}
    command = [*QSCAN, "scan", str(tree), "--workers", "3", "--format", "json", "--output", output]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 10
    workers: list[int] = []
    while len(workers) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = _children(process.pid)
    assert len(workers) >= 2, "the scan never started its workers"
    time.sleep(0.3)  # the workers are busy deriving keys
    return process, workers


def _gone_within(workers: list[int], started: float, seconds: float = 1.5) -> bool:
    while [pid for pid in workers if _alive(pid)] and time.monotonic() - started < seconds:
        time.sleep(0.05)
    return not [pid for pid in workers if _alive(pid)]


def test_killed_scan_leaves_no_worker_holding_stderr(slow_tree: Path) -> None:
    process, workers = _scan_with_workers(slow_tree, "-")
    process.send_signal(signal.SIGKILL)
    process.wait(5)
    started = time.monotonic()
    assert process.stderr is not None
    process.stderr.read()  # returns once no process holds the pipe any more
    assert time.monotonic() - started < 1.5
    assert _gone_within(workers, started)


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
)
def test_signal_exit_code_stops_workers_and_keeps_the_previous_output(
    slow_tree: Path, tmp_path: Path, signum: int, code: int, said: str
) -> None:
    output = tmp_path / "inventory.json"
    output.write_text("the previous inventory\n")
    process, workers = _scan_with_workers(slow_tree, str(output))
    started = time.monotonic()
    process.send_signal(signum)
    assert process.wait(5) == code
    assert process.stderr is not None
    stderr = process.stderr.read().decode()
    assert said in stderr and "Traceback" not in stderr, stderr
    assert time.monotonic() - started < 1.5
    assert _gone_within(workers, started)
    assert output.read_text() == "the previous inventory\n"
    assert [p.name for p in tmp_path.iterdir()] == ["inventory.json"]
