"""Chain relations within a bundle and across the files of one scan; stable fingerprints."""

from __future__ import annotations

from pathlib import Path

from qscan.model import Finding
from qscan.pipeline import scan
from qscan.scan.interface import ScanOptions
from qscan.targets import parse_target
from tests.scan.certs import builders as b
from tests.scan.certs.conftest import scan_folder
from tests.scan.certs.corpus import chain


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


def _signatures(findings: list[Finding], path: str) -> list[Finding]:
    return [
        f
        for f in findings
        if f.location.path == path and f.location.component.endswith("certificate signature")
    ]


def test_signature_params_do_not_depend_on_the_order_of_files(tmp_path: Path) -> None:
    """The intermediate's P-256 key gives the leaf's ECDSA signature its curve, whether the
    leaf is read before the intermediate (a-) or after it (z-)."""
    leaf, inter, _ = chain()
    (tmp_path / "a-leaf.pem").write_bytes(b.pem(leaf))
    (tmp_path / "m-intermediate.der").write_bytes(b.der(inter))
    (tmp_path / "z-leaf.pem").write_bytes(b.pem(leaf))
    findings = scan_folder(tmp_path).findings
    (early,) = _signatures(findings, "a-leaf.pem")
    (late,) = _signatures(findings, "z-leaf.pem")
    assert early.params == late.params
    assert early.params["curve"] == "P-256" and early.params["bits"] == 256
    assert early.verdict is not None and early.verdict.rule == late.verdict.rule


def test_relations_do_not_depend_on_worker_processes(tmp_path: Path) -> None:
    """Leaves and their issuing CAs spread over a tree large enough to be shared among
    processes: the inventory is the one-process inventory, every leaf related."""
    ca_key = b.ec_key("P-384")
    ca = b.self_signed("Spread CA", ca_key, ca=True)
    for i in range(240):
        leaf = b.certificate(
            f"leaf-{i}.example", b.ec_key("P-256").public_key(), "Spread CA", ca_key, serial=i + 1
        )
        (tmp_path / f"d{i // 40}" / f"leaf-{i:03d}.pem").parent.mkdir(exist_ok=True)
        (tmp_path / f"d{i // 40}" / f"leaf-{i:03d}.pem").write_bytes(b.pem(leaf))
    (tmp_path / "d3" / "ca.pem").write_bytes(b.pem(ca))  # in the middle of the walk

    def inventory(workers: int) -> list[tuple]:
        found = scan([parse_target(str(tmp_path))], ScanOptions(workers=workers), "nist-ir-8547")
        assert found.errors == []
        return [
            (f.location.path, f.location.component, f.fingerprint, f.params, f.context)
            for f in found.findings
        ]

    serial = inventory(1)
    assert inventory(3) == serial
    ca_sha = next(c["sha256"] for p, _, _, _, c in serial if p == "d3/ca.pem")
    leaves = [c for p, _, _, _, c in serial if p != "d3/ca.pem"]
    assert len(leaves) == 480
    assert all(c["issued_by"] == ca_sha and c["issued_by_match"] == "key-id" for c in leaves)
    assert all("_issuer_link" not in c for _, _, _, _, c in serial)
