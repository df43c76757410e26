"""The CLI front door for endpoints: --targets-file, --profile, --sni, JSON output."""

import json

import pytest
from click.testing import CliRunner

from qscan.cli import main
from tests.scan.tls.servers import pyopenssl_server

pytestmark = pytest.mark.slow


def test_targets_file_and_profile(chains, tmp_path, validate_inventory):
    with pyopenssl_server(chains["rsa"]) as pq, pyopenssl_server(chains["ecdsa"]) as other:
        targets = tmp_path / "targets.txt"
        targets.write_text(f"# estate\n{pq.address}\n\ntls://{other.address}  # second\n")
        out = tmp_path / "inv.json"
        result = CliRunner().invoke(
            main,
            [
                "scan",
                "--targets-file",
                str(targets),
                "--profile",
                "quick",
                "--timeout",
                "3",
                "--format",
                "json",
                "--output",
                str(out),
                "--quiet",
            ],
        )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    validate_inventory(doc)
    assert not doc["errors"]
    endpoints = [
        f for f in doc["findings"] if f["location"]["component"].endswith("(modern client)")
    ]
    assert sorted(f["location"]["port"] for f in endpoints) == sorted([pq.port, other.port])
    assert all(f["verdict"]["rule"] == "QS112" for f in endpoints)
    assert all(f["context"]["endpoint"]["connections"] > 0 for f in endpoints)
