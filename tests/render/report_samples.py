"""Hand-built inventories with the shapes the scanners produce (endpoints, certificates,
keys, source code), assessed by the real rules engine."""

from __future__ import annotations

import copy

from qscan.assess.engine import assess
from qscan.model import Finding, Inventory, Location, ScanError
from qscan.protocols import ssh

HOSTILE = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
CERT_SHA = "a" * 64
CA_SHA = "b" * 64
SHA1_SHA = "c" * 64
GIT = Location(target="ssh://git.example.org", host="git.example.org", port=22, service="ssh")


def _tls(host: str, component: str, algorithm: str, evidence: str, **kw) -> Finding:
    ctx = kw.pop("context", {})
    return Finding(
        algorithm=algorithm,
        function=kw.pop("function", "key-exchange"),
        asset=kw.pop("asset", "protocol"),
        location=Location(
            target=f"tls://{host}:443", component=component, host=host, port=443, service="tls"
        ),
        evidence=evidence,
        context=ctx,
        **kw,
    )


def sample_findings() -> list[Finding]:
    leaf_ctx = {
        "subject": f"CN=evil.example.org,O={HOSTILE}",
        "issuer": "CN=Example Issuing CA",
        "not_before": "2025-01-01T00:00:00+00:00",
        "not_after": "2033-01-01T00:00:00+00:00",
        "sha256": CERT_SHA,
        "is_ca": False,
        "issued_by": CA_SHA,
        "organisation": "Ministry of Examples",
        "system": "Portal",
        "owner": "team-web",
    }
    ca_ctx = {
        "subject": "CN=Example Issuing CA",
        "issuer": "CN=Example Issuing CA",
        "not_before": "2024-01-01T00:00:00+00:00",
        "not_after": "2044-01-01T00:00:00+00:00",
        "sha256": CA_SHA,
        "is_ca": True,
    }
    sha1_ctx = {
        "subject": "CN=legacy.example.org",
        "issuer": "CN=legacy.example.org",
        "not_after": "2026-01-01T00:00:00+00:00",
        "sha256": SHA1_SHA,
        "is_ca": False,
    }
    endpoint_summary = {
        "hybrid_supported": True,
        "hybrid_preferred": True,
        "classical_fallback": True,
        "chain_signatures": ["sha256WithRSAEncryption"],
        "leaf_key": "RSA-2048",
    }
    portal = {"organisation": "Ministry of Examples", "system": "Portal", "owner": "team-web"}
    return [
        _tls(
            "portal.example.org",
            "tls1.3 supported group",
            "X25519MLKEM768",
            "X25519MLKEM768 (0x11ec)",
            params={"codepoint": 0x11EC},
            context={"endpoint": endpoint_summary, **portal},
        ),
        _tls(
            "portal.example.org",
            "tls1.3 supported group",
            "X25519",
            "x25519 (0x001d)",
            params={"codepoint": 0x001D},
            context={"endpoint": endpoint_summary, **portal},
        ),
        _tls(
            "portal.example.org",
            "tls1.3 cipher suite",
            "AES-256",
            "TLS_AES_256_GCM_SHA384",
            function="encryption",
            params={"codepoint": 0x1302, "suite": "TLS_AES_256_GCM_SHA384", "mode": "GCM"},
            context=portal,
        ),
        _tls(
            "portal.example.org",
            "certificate chain[0] public key",
            "RSA",
            "RSA 2048",
            function="signature",
            asset="certificate",
            params={"bits": 2048, "oid": "1.2.840.113549.1.1.1"},
            context=leaf_ctx,
            identity=CERT_SHA + "/key",
        ),
        _tls(
            "portal.example.org",
            "certificate chain[0] signature",
            "RSA",
            "sha256WithRSAEncryption",
            function="signature",
            asset="certificate",
            params={"hash": "SHA-256", "oid": "1.2.840.113549.1.1.11"},
            context=leaf_ctx,
            identity=CERT_SHA + "/sig",
        ),
        _tls(
            "legacy.example.org",
            "tls1.2 cipher suite",
            "ECDH",
            "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
            params={
                "curve": "P-256",
                "codepoint": 0xC012,
                "suite": "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
            },
            context={"organisation": "Ministry of Examples", "system": "Legacy CRM"},
        ),
        _tls(
            "legacy.example.org",
            "tls1.2 cipher suite",
            "3DES",
            "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
            function="encryption",
            params={"codepoint": 0xC012, "suite": "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"},
            context={"organisation": "Ministry of Examples", "system": "Legacy CRM"},
        ),
        *ssh.kex_findings(["sntrup761x25519-sha512@openssh.com"], GIT),
        ssh.protocol_finding(GIT, ["sntrup761x25519-sha512@openssh.com", "curve25519-sha256"]),
        Finding(
            algorithm="Ed25519",
            function="signature",
            asset="key",
            location=Location(
                target="ssh://git.example.org",
                component="ssh host key",
                host="git.example.org",
                port=22,
                service="ssh",
            ),
            evidence="ssh-ed25519",
        ),
        Finding(
            algorithm="ML-DSA-65",
            function="signature",
            asset="certificate",
            location=Location(target=".", component="certificate signature", path="certs/ca.pem"),
            params={"oid": "2.16.840.1.101.3.4.3.18"},
            context=ca_ctx,
            identity=CA_SHA + "/sig",
        ),
        Finding(
            algorithm="RSA",
            function="signature",
            asset="certificate",
            location=Location(
                target=".", component="certificate signature", path="certs/legacy.pem"
            ),
            params={"hash": "SHA-1", "oid": "1.2.840.113549.1.1.5", "bits": 2048},
            context=sha1_ctx,
            identity=SHA1_SHA + "/sig",
        ),
        Finding(
            algorithm="RSA",
            function="key-storage",
            asset="key",
            location=Location(target=".", component="PEM private key", path="keys/id_rsa", line=1),
            params={"bits": 2048},
            evidence="-----BEGIN RSA PRIVATE KEY-----",
            context={"encrypted": False, **portal},
            identity="keys/id_rsa",
        ),
        Finding(
            algorithm="RSA",
            function="key-generation",
            asset="algorithm",
            location=Location(
                target=".",
                component="python cryptography rsa.generate_private_key",
                path="src/app.py",
                line=10,
            ),
            params={"bits": 2048},
            evidence="rsa.generate_private_key(public_exponent=65537, key_size=2048)",
            identity="rsa.generate_private_key(public_exponent=65537, key_size=2048)",
            context=portal,
        ),
        Finding(
            algorithm="MD5",
            function="hash",
            asset="algorithm",
            location=Location(
                target=".",
                component="java MessageDigest.getInstance",
                path='src/weird "name" <b>.java',
                line=42,
            ),
            evidence="MessageDigest.getInstance(\"MD5\") // =cmd|' /C calc'!A0",
            identity='MessageDigest.getInstance("MD5")',
        ),
        Finding(
            algorithm="unknown",
            function="signature",
            asset="certificate",
            location=Location(target=".", component="certificate public key", path="certs/odd.pem"),
            params={"oid": "1.3.9999.99.1"},
            evidence="1.3.9999.99.1",
        ),
    ]


def sample_inventory(extra: bool = True) -> Inventory:
    inv = Inventory(
        findings=sample_findings(),
        errors=[
            ScanError(
                target="tls://down.example.org:443",
                kind="timeout",
                message="no answer within 10 s",
                host="down.example.org",
                port=443,
            ),
            ScanError(target=".", kind="unreadable", message=f"denied {HOSTILE}", path="secret/x"),
        ],
        targets=["tls://portal.example.org:443", "ssh://git.example.org", "certs", "repo"],
        policy="nist-ir-8547",
        scanned_at="2026-11-20T10:00:00+00:00",
        tool={"name": "qscan", "version": "0.1.0"},
    )
    if extra:
        inv.extra["estate"] = {
            "organisation": {"name": "Ministry of Examples", "id": "MinEx"},
            "systems": [
                {"name": "Portal", "owner": "team-web"},
                {"name": "Legacy CRM", "owner": "team-crm"},
            ],
        }
        inv.extra["history"] = {
            "previous_scanned_at": "2026-10-20T10:00:00+00:00",
            "new": 3,
            "fixed": 5,
            "unchanged": 12,
            "out_of_scope": 14,
            "out_of_scope_targets": [{"target": "/srv/legacy-crm", "findings": 14}],
            "readiness": {
                "old": 0.25,
                "new": 0.35,
                "delta_points": 10.0,
                "findings_compared": {"old": 17, "new": 15},
            },
            "trend": [
                {"scanned_at": "2026-08-20T10:00:00+00:00", "readiness": 0.1},
                {"scanned_at": "2026-09-20T10:00:00+00:00", "readiness": 0.2},
                {"scanned_at": "2026-10-20T10:00:00+00:00", "readiness": 0.25},
                {"scanned_at": "2026-11-20T10:00:00+00:00", "readiness": 0.33},
            ],
        }
    return assess(inv)


def synthetic(n: int) -> Inventory:
    """n findings spread over endpoints, certificates and files, for scale tests."""
    base = sample_findings()
    findings = []
    for i in range(n):
        t = base[i % len(base)]
        loc = copy.copy(t.location)
        if loc.path is not None:
            loc.path = f"src/mod{i // 50}/{loc.path.rsplit('/', 1)[-1]}"
            loc.line = i % 400 + 1
        else:
            loc.host = f"h{i // 20}.example.org"
        findings.append(
            Finding(
                algorithm=t.algorithm,
                function=t.function,
                asset=t.asset,
                location=loc,
                params=dict(t.params),
                evidence=t.evidence,
                context=dict(t.context),
                identity=f"{t.identity}/{i}",
            )
        )
    inv = Inventory(findings=findings, targets=["repo"], scanned_at="2026-11-20T10:00:00+00:00")
    return assess(inv)
