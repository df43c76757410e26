"""The CI gate never mistakes its own failure for a finding: a hostile configuration
input or option value is exit 2 with one line on stderr naming the file and line; a scan
that lost targets to the machine's limits is exit 3 under --strict, whatever its findings,
and says so."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from qscan.assess.engine import assess
from qscan.assess.gate import EXIT_INCOMPLETE, GateConfig, evaluate
from qscan.cli import main
from qscan.cli.common import write_output
from qscan.model import RESOURCE_LIMIT, Finding, Inventory, Location, ScanError
from qscan.render import RENDERERS, RenderOptions
from tests.hostile.test_config import BOMB, NESTED_JSON, WAIVER


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    folder = tmp_path / "tree"
    folder.mkdir()
    (folder / "app.py").write_text("import hashlib\nhashlib.md5(b'x')\n")
    return folder


def _run(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stderr.splitlines()


def _file(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("option", "name", "content", "line"),
    [
        ("--waivers", "w.yaml", WAIVER + "    expires: 2027-02-30\n", 5),
        ("--waivers", "bomb.yaml", BOMB, 2),
        (
            "--waivers",
            "types.yaml",
            "- fingerprint: 7\n  justification: x\n  owner: y\n  expires: 2027-01-01\n",
            1,
        ),
        ("--baseline", "nested.json", NESTED_JSON, None),
        ("--password-file", "pw.txt", b"good\n\xff\xfe\n", 2),
        ("--targets-file", "targets.txt", b"127.0.0.1:443\n\xc3(\n", 2),
        ("--estate", "estate.yaml", BOMB, 2),
    ],
)
def test_bad_configuration_file_is_exit_2_with_one_line(
    tmp_path: Path, tree: Path, option: str, name: str, content: str | bytes, line: int | None
) -> None:
    path = _file(tmp_path, name, content)
    targets = [] if option in ("--estate", "--targets-file") else [str(tree)]
    code, stderr = _run("scan", *targets, option, path, "--format", "json", "--output", "-")
    assert code == 2
    assert len(stderr) == 1, stderr
    expected = f"qscan: error: {path}:{line}: " if line else f"qscan: error: {path}: "
    assert stderr[0].startswith(expected), stderr[0]


def test_output_naming_a_folder_is_exit_2_before_the_scan(tmp_path: Path, tree: Path) -> None:
    code, stderr = _run("scan", str(tree), "--format", "json", "--output", str(tmp_path))
    assert code == 2 and len(stderr) == 1 and "is a folder" in stderr[0]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--timeout", "0"),
        ("--timeout", "-1"),
        ("--concurrency", "0"),
        ("--concurrency", "-5"),
        ("--per-host", "0"),
        ("--rate", "0"),
        ("--rate", "-1"),
        ("--max-file-size", "0"),
        ("--max-file-size", "-1"),
        ("--retries", "-1"),
        ("--file-timeout", "-1"),
        ("--workers", "-1"),
    ],
)
def test_option_values_are_validated(tree: Path, option: str, value: str) -> None:
    result = CliRunner().invoke(main, ["scan", str(tree), option, value])
    assert result.exit_code == 2
    assert option in result.output or option in result.stderr


def test_output_written_beside_and_renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "inventory.json"
    target.write_text("previous\n")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output("new\n", str(target))
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["inventory.json"]


def test_output_to_a_fifo_writes_into_it_and_keeps_it(tmp_path: Path) -> None:
    """A special file (like /dev/null) is written, never renamed over."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_output("through the pipe\n", str(fifo))
    reader.join(timeout=10)
    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_output_through_a_symlink_updates_the_file_and_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("previous\n")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    write_output("new\n", str(link))
    assert link.is_symlink()
    assert real.read_text() == "new\n"


def _lost_inventory() -> Inventory:
    finding = Finding(
        algorithm="RSA",
        function="signature",
        asset="key",
        location=Location(target="k.pem", path="k.pem"),
        params={"bits": 1024},
    )
    lost = ScanError(
        target="ssh://10.0.0.9:22",
        kind=RESOURCE_LIMIT,
        message="no file descriptor was free",
        host="10.0.0.9",
        port=22,
    )
    return assess(Inventory(findings=[finding], errors=[lost], policy="nist-ir-8547"))


def test_lost_targets_make_strict_exit_3_whatever_the_findings() -> None:
    inventory = _lost_inventory()
    assert evaluate(inventory, GateConfig(fail_on="low")).exit_code == 1
    assert evaluate(inventory, GateConfig(fail_on="low", strict=True)).exit_code == EXIT_INCOMPLETE


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_summary_says_targets_were_lost(fmt: str) -> None:
    out = RENDERERS[fmt](_lost_inventory(), RenderOptions())
    assert (
        "1 target lost to" in out or "1 scan target lost to" in out
    ) and "resource limits" in out
