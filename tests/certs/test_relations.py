"""Chain relations within a bundle and across the files of one scan; stable fingerprints."""

from __future__ import annotations

from pathlib import Path

from qscan.model import Finding
from tests.certs import builders as b
from tests.certs.conftest import scan_folder
from tests.certs.corpus import chain


def _keys(findings: list[Finding], path: str) -> list[Finding]:
    return [
        f
        for f in findings
        if f.location.path == path and f.location.component.endswith("public key")
    ]


def test_bundle_relations_are_verified_signatures(tmp_path: Path) -> None:
    leaf, inter, root = chain()
    (tmp_path / "bundle.pem").write_bytes(b.pem(leaf) + b.pem(inter) + b.pem(root))
    found = _keys(scan_folder(tmp_path).findings, "bundle.pem")
    by_index = {f.context["chain_index"]: f.context for f in found}
    assert by_index[0]["issued_by"] == by_index[1]["sha256"]
    assert by_index[1]["issued_by"] == by_index[2]["sha256"]
    assert by_index[0]["issued_by_match"] == "signature"
    assert "issued_by" not in by_index[2] and by_index[2]["self_signed"] is True
    assert by_index[2]["is_ca"] is True and by_index[0]["is_ca"] is False


def test_relations_across_files_in_both_orders(tmp_path: Path) -> None:
    leaf, inter, root = chain()
    # walked in name order: a-leaf before its issuer (waits), z-leaf after it (direct)
    (tmp_path / "a-leaf.pem").write_bytes(b.pem(leaf))
    (tmp_path / "m-intermediate.der").write_bytes(b.der(inter))
    (tmp_path / "n-root.pem").write_bytes(b.pem(root))
    (tmp_path / "z-leaf.pem").write_bytes(b.pem(leaf))
    findings = scan_folder(tmp_path).findings
    inter_sha = _keys(findings, "m-intermediate.der")[0].context["sha256"]
    for path in ("a-leaf.pem", "z-leaf.pem"):
        for finding in (f for f in findings if f.location.path == path):
            assert finding.context["issued_by"] == inter_sha
            assert finding.context["issued_by_match"] == "key-id"
    assert (
        _keys(findings, "m-intermediate.der")[0].context["issued_by"]
        == (_keys(findings, "n-root.pem")[0].context["sha256"])
    )


def test_fingerprint_survives_moving_the_block(tmp_path: Path) -> None:
    cert = b.pem(b.self_signed("stable.example", b.ec_key("P-256")))
    (tmp_path / "c.pem").write_bytes(cert)
    before = {
        f.location.component: (f.fingerprint, f.location.line)
        for f in scan_folder(tmp_path).findings
    }
    (tmp_path / "c.pem").write_bytes(b"# a comment\n\nsome notes\n" + cert)
    after = {
        f.location.component: (f.fingerprint, f.location.line)
        for f in scan_folder(tmp_path).findings
    }
    assert {k: v[0] for k, v in before.items()} == {k: v[0] for k, v in after.items()}
    assert {v[1] for v in before.values()} == {1} and {v[1] for v in after.values()} == {4}


def test_rsa_signature_size_is_known_without_the_issuer(tmp_path: Path) -> None:
    ca_key = b.rsa_key(3072)
    leaf = b.certificate("leaf.example", b.ec_key("P-256").public_key(), "Absent CA", ca_key)
    (tmp_path / "leaf.pem").write_bytes(b.pem(leaf))
    (sig,) = [
        f for f in scan_folder(tmp_path).findings if f.location.component == "certificate signature"
    ]
    assert sig.algorithm == "RSA" and sig.params["bits"] == 3072
    assert sig.verdict is not None and sig.verdict.severity == "low"
