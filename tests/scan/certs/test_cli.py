"""`python -m qscan scan FOLDER --format json --output -` on the generated case folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.scan.certs import corpus

ROOT = Path(__file__).resolve().parents[3]


def test_scan_folder_to_json_on_stdout(
    case_folder: Path, tmp_path: Path, validate_inventory
) -> None:
    passwords = tmp_path / "passwords.txt"
    passwords.write_text(f"{corpus.PASSWORD}\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("QSCAN_PASSWORDS", None)
    result = subprocess.run(
        [sys.executable, "-m", "qscan", "scan", str(case_folder), "--format", "json", "--output", "-",
         "--password-file", str(passwords)],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    doc = json.loads(result.stdout)
    validate_inventory(doc)
    assert doc["schema"] == "qscan/inventory@1"
    assert doc["targets"] == [str(case_folder)]
    by_path: dict[str, list[dict]] = {}
    for finding in doc["findings"]:
        assert (
            finding["fingerprint"] and finding["verdict"]["status"] and finding["verdict"]["rule"]
        )
        assert finding["location"]["target"] == str(case_folder)
        by_path.setdefault(finding["location"]["path"], []).append(finding)
    leaf = next(
        f for f in by_path["rsa2048.pem"] if f["location"]["component"] == "certificate public key"
    )
    assert leaf["algorithm"] == "RSA" and leaf["params"] == {
        "bits": 2048,
        "oid": "1.2.840.113549.1.1.1",
    }
    assert leaf["asset"] == "certificate" and leaf["location"]["line"] == 1
    assert leaf["context"]["subject"] == "CN=rsa2048.example,O=qscan tests"
    assert leaf["verdict"]["deadline"] == "2030-12-31"
    assert [e["kind"] for e in doc["errors"]] == ["locked-keystore"]
    assert doc["errors"][0]["path"] == "locked.p12"
    # private key material never appears in the output
    assert b"PRIVATE KEY-----\n" not in result.stdout and b"MII" not in result.stdout
