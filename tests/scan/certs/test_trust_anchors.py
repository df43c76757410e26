"""Self-signatures of trust anchors are not judged by their hash (QS212); the root's key
still is, and so is every signature a CA makes on another certificate."""

from __future__ import annotations

from pathlib import Path

import pytest

from qscan.model import SIGNATURE_ROLES
from tests.scan.certs.conftest import scan_folder

SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")


@pytest.mark.skipif(not SYSTEM_BUNDLE.exists(), reason="no system CA bundle (ca-certificates)")
@pytest.mark.filterwarnings("ignore:Parsed a serial number")
def test_system_ca_store_roots_are_judged_by_their_keys_not_their_self_signatures(tmp_path):
    bundle = tmp_path / "ca-certificates.crt"
    bundle.write_bytes(SYSTEM_BUNDLE.read_bytes())
    inventory = scan_folder(tmp_path)
    signatures = [f for f in inventory.findings if f.context.get("role") in SIGNATURE_ROLES]
    keys = [f for f in inventory.findings if f.context.get("role") == "public key"]
    assert len(signatures) > 100 and len(keys) == len(signatures)
    roots = [f for f in signatures if f.context["self_signed"] and f.context["is_ca"]]
    assert len(roots) == len(signatures)  # a trust store holds roots only
    assert {f.verdict.rule for f in roots} == {"QS212"}
    assert {f.verdict.severity for f in roots} == {"info"}
    assert any(f.params.get("hash") == "SHA-1" for f in roots)
    key_rules = {f.verdict.rule for f in keys}
    assert key_rules <= {"QS200", "QS201", "QS203"} and "QS201" in key_rules
    assert not any(f.verdict.rule == "QS205" for f in inventory.findings)
