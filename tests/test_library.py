"""The library API (`import qscan`, docs/library.md): the example runs, scan_async works on
a running event loop against a real TLS server, and the results match the CLI's."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import qscan
from qscan.cli import main
from tests.scan.tls.servers import make_chain, python_ssl_server

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def test_the_example_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "library_example.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "20 findings, 0 errors" in result.stdout
    assert "saved and loaded again: same findings" in result.stdout
    assert "under cnsa-2.0 (scanned inside an event loop): 20 findings" in result.stdout


def test_scan_async_inside_a_running_loop_against_a_tls_server(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, "rsa")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    async def service(address: str) -> qscan.Inventory:
        beat = asyncio.create_task(ticker())
        try:
            return await qscan.scan_async([address, str(chain.certfile)], timeout=3)
        finally:
            beat.cancel()

    with python_ssl_server(chain) as server:
        inventory = asyncio.run(service(server.address))
    assert ticks > 0, "the scan blocked the caller's event loop"
    assert not inventory.errors
    hosts = {f.location.host for f in inventory.findings if f.location.host}
    assert hosts == {"127.0.0.1"}
    assert any(f.location.path for f in inventory.findings)
    assert all(f.verdict is not None for f in inventory.findings)
    negotiated = [f for f in inventory.findings if f.location.component.startswith("tls1.3")]
    assert negotiated


def test_library_and_cli_write_the_same_inventory(tmp_path: Path) -> None:
    out = tmp_path / "cli.json"
    result = CliRunner().invoke(
        main, ["scan", str(EXAMPLES / "pki"), "--format", "json", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    from_cli = qscan.load_inventory(out)
    from_library = qscan.scan(str(EXAMPLES / "pki"))
    from_library.scanned_at = from_cli.scanned_at
    assert qscan.render(from_library, "json") == out.read_text(encoding="utf-8")
    assert from_library.to_json() == from_cli.to_json()


def test_assess_again_under_another_policy() -> None:
    inventory = qscan.scan(EXAMPLES / "pki")
    before = {f.fingerprint: f.verdict.deadline for f in inventory.findings if f.verdict}
    qscan.assess(inventory, "cnsa-2.0")
    assert inventory.policy == "cnsa-2.0"
    after = {f.fingerprint: f.verdict.deadline for f in inventory.findings if f.verdict}
    assert before.keys() == after.keys() and before != after


def test_clear_errors_for_unknown_options_and_formats() -> None:
    with pytest.raises(TypeError, match="unknown scan option.*timout"):
        qscan.scan("examples", timout=3)
    inventory = qscan.Inventory()
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        qscan.render(inventory, "pdf")
    assert set(qscan.FORMATS) == {"cbom", "csv", "html", "json", "md", "sarif", "text"}
    with pytest.raises(qscan.TargetError):
        qscan.parse_target("tls://")


def test_import_qscan_loads_the_library_on_first_use():
    import subprocess
    import sys

    probe = (
        "import sys, qscan; before = 'qscan.pipeline' in sys.modules; "
        "import qscan.render.markdown, qscan.scan.registry, qscan.assess.rules; "
        "print(before, callable(qscan.scan), callable(qscan.render), callable(qscan.assess), "
        "qscan.Finding.__module__, 'qscan.pipeline' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout
    assert out.split() == ["False", "True", "True", "True", "qscan.model", "True"]
    assert set(qscan.__all__) <= set(dir(qscan))
    assert all(getattr(qscan, name) is not None for name in qscan.__all__)
