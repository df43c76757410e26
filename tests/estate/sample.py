"""A realistic sample estate for the priority model (docs/priority.md): 24 systems of one
ministry with varied exposure, confidentiality lifetime (Mosca's x), migration time (y) and
criticality, and the material an officer meets: TLS endpoints on loopback (Python `ssl` for
classical ones, pyOpenSSL on cryptography's OpenSSL for hybrid ML-KEM ones), a trust store,
an operated PKI, a code-signing certificate, keystores, nginx and sshd configurations, a
server's owner-only host key and a group-readable service key, test-fixture keys, keys in
documentation and README snippets, vendored code, hashes marked as not used for security,
and a folder with nothing in it.

Used by tests/estate/test_sample_estate.py (the ranking properties) and by
benchmarks/estate_priority.py (the wave and score distribution quoted in docs/priority.md).
Everything is generated in a temporary folder; the endpoints run until `close()`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ssl
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from qscan.assess.scenario import get_scenario
from qscan.estate.file import load_estate
from qscan.model import Inventory
from qscan.pipeline import scan_estate
from qscan.scan.interface import ScanOptions
from tests.scan.tls.servers import (
    Chain,
    ThreadedServer,
    make_chain,
    pyopenssl_server,
    python_ssl_server,
)

KEYSTORE_PASSWORD = "changeit"
NOW = dt.datetime.now(dt.UTC)

# What each system is, in the officer's words. `expect` names the class of the system that
# the ranking properties are stated about (tests/estate/test_sample_estate.py).
SYSTEMS: list[dict[str, Any]] = [
    # internet-facing, long confidentiality: harvest now, decrypt later, Mosca holds
    dict(name="citizen-portal", exposure="internet", confidentiality_years=25,
         migration_years=4, criticality="high", expect="hndl-internet"),
    dict(name="tax-archive", exposure="internet", confidentiality_years=30,
         migration_years=5, criticality="critical", expect="hndl-internet"),
    dict(name="health-records-api", exposure="internet", confidentiality_years=20,
         migration_years=3, criticality="high", expect="hndl-internet"),
    dict(name="payments-gateway", exposure="internet", confidentiality_years=10,
         migration_years=2, criticality="critical", expect="hndl-internet"),
    # internet-facing, short-lived data: deadlines, not Mosca
    dict(name="mail-relay", exposure="internet", confidentiality_years=1,
         migration_years=2, criticality="medium", expect="deadlines"),
    dict(name="public-website", exposure="internet", confidentiality_years=0,
         migration_years=1, criticality="low", expect="deadlines"),
    # internet-facing, the estate does not say how long the data must stay secret
    dict(name="partner-api", exposure="internet", criticality="medium", expect="assumed"),
    # internal systems
    dict(name="hr-system", exposure="internal", confidentiality_years=15,
         migration_years=3, criticality="medium", expect="hndl-internal"),
    dict(name="sftp-exchange", exposure="internal", confidentiality_years=7,
         migration_years=2, criticality="high", expect="hndl-internal"),
    dict(name="legacy-crm", exposure="internal", confidentiality_years=5,
         migration_years=4, criticality="medium", expect="broken"),
    dict(name="internal-pki", exposure="internal", migration_years=3,
         criticality="critical", expect="long-trust"),
    dict(name="build-pipeline", exposure="internal", migration_years=2, criticality="high",
         signature_lifetime_years=10, cnsa_category="software-firmware-signing",
         expect="long-trust"),
    dict(name="document-signing", exposure="internal", migration_years=2,
         criticality="medium", expect="deadlines"),
    dict(name="java-services", exposure="internal", confidentiality_years=3,
         migration_years=2, criticality="medium", expect="deadlines"),
    dict(name="workstation-baseline", exposure="internal", migration_years=2,
         criticality="low", expect="trust-store"),
    # material that is not production
    dict(name="dev-tools", exposure="internal", confidentiality_years=1, migration_years=1,
         criticality="low", expect="non-production"),
    dict(name="intranet-wiki", exposure="internal", confidentiality_years=1,
         migration_years=1, criticality="low", expect="non-production"),
    dict(name="frontend-assets", exposure="internet", confidentiality_years=1,
         migration_years=1, criticality="low", expect="non-production"),
    dict(name="test-lab", exposure="internal", migration_years=1, criticality="low",
         scope="test", expect="non-production"),
    dict(name="analytics", exposure="internal", confidentiality_years=2, migration_years=1,
         criticality="low", expect="non-security-hash"),
    # already quantum-safe or hybrid
    dict(name="pq-pilot", exposure="internet", confidentiality_years=25, migration_years=2,
         criticality="high", expect="ready"),
    dict(name="pq-vpn-gateway", exposure="internet", confidentiality_years=20,
         migration_years=3, criticality="critical", expect="ready"),
    dict(name="mldsa-signing", exposure="internal", migration_years=1, criticality="medium",
         expect="ready"),
    # nothing found
    dict(name="static-archive", exposure="internal", confidentiality_years=10,
         migration_years=1, criticality="low", expect="empty"),
]  # fmt: skip


@dataclass
class SampleEstate:
    root: Path
    estate_file: Path
    servers: list[ThreadedServer] = field(default_factory=list)

    @property
    def expect(self) -> dict[str, str]:
        return {s["name"]: s["expect"] for s in SYSTEMS}

    def scan(self, scenario: str | None = None) -> Inventory:
        options = ScanOptions(timeout=3, retries=0, passwords=(KEYSTORE_PASSWORD,))
        estate = load_estate(self.estate_file)
        return scan_estate(estate, options, "nist-ir-8547", get_scenario(scenario))

    def close(self) -> None:
        for server in self.servers:
            server.stop()


@contextlib.contextmanager
def sample_estate(root: Path) -> Iterator[SampleEstate]:
    """Build the estate under `root` and run its endpoints for the duration."""
    estate = SampleEstate(root, root / "estate.yaml")
    try:
        _build(estate)
        yield estate
    finally:
        estate.close()


# ---- certificates and keys -----------------------------------------------------------------


def _rsa(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, bits)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ministry of Examples"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    key: Any,
    subject: str,
    *,
    days: int,
    ca: bool = False,
    issuer: tuple[Any, str] | None = None,
    code_signing: bool = False,
) -> x509.Certificate:
    signer, issuer_name = issuer if issuer else (key, subject)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=30))
        .not_valid_after(NOW + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if code_signing:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False
        )
    digest = None if isinstance(signer, mldsa.MLDSA65PrivateKey) else hashes.SHA256()
    return builder.sign(signer, digest)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: Any) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _write(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(textwrap.dedent(data).lstrip())
    else:
        path.write_bytes(data)
    path.chmod(mode)


# ---- the material of each system -------------------------------------------------------------


def _legacy_crm(base: Path) -> None:
    key = _rsa(1024)
    _write(base / "certs" / "crm.pem", _pem(_certificate(key, "crm.ministry.example", days=400)))
    # readable by the key's group (Debian's ssl-cert convention): more than its owner
    _write(base / "private" / "crm.key", _key_pem(key), mode=0o640)


def _internal_pki(base: Path) -> None:
    root_key = ec.generate_private_key(ec.SECP384R1())
    root = _certificate(root_key, "Ministry Root CA", days=365 * 19, ca=True)
    issuing_key = ec.generate_private_key(ec.SECP384R1())
    issuing = _certificate(
        issuing_key,
        "Ministry Issuing CA",
        days=365 * 9,
        ca=True,
        issuer=(root_key, "Ministry Root CA"),
    )
    _write(base / "root-ca.pem", _pem(root))
    _write(base / "issuing-ca.pem", _pem(issuing))


def _build_pipeline(base: Path) -> None:
    key = _rsa(3072)
    cert = _certificate(key, "Ministry code signing", days=3 * 365, code_signing=True)
    _write(base / "signing" / "codesign.pem", _pem(cert))


def _document_signing(base: Path) -> None:
    key = _rsa(2048)
    _write(base / "signer.pem", _pem(_certificate(key, "Document signer", days=730)))


def _java_services(base: Path) -> None:
    key = _rsa(2048)
    cert = _certificate(key, "services.ministry.example", days=365)
    data = pkcs12.serialize_key_and_certificates(
        b"services",
        key,
        cert,
        None,
        serialization.BestAvailableEncryption(KEYSTORE_PASSWORD.encode()),
    )
    _write(base / "keystore.p12", data)


def _workstation_baseline(base: Path) -> None:
    roots = []
    for n, key in enumerate(
        [_rsa(2048), _rsa(2048), ec.generate_private_key(ec.SECP256R1()),
         ec.generate_private_key(ec.SECP384R1()), _rsa(3072)]
    ):  # fmt: skip
        years = (6, 12, 14, 20, 9)[n]
        roots.append(_certificate(key, f"Public Root {n + 1}", days=365 * years, ca=True))
    _write(base / "ca-bundle.crt", b"".join(_pem(c) for c in roots))


def _hr_system(base: Path) -> None:
    _write(
        base / "sshd_config",
        """
        Port 22
        KexAlgorithms diffie-hellman-group14-sha256,ecdh-sha2-nistp256
        HostKeyAlgorithms rsa-sha2-256,ecdsa-sha2-nistp256
        Ciphers aes256-gcm@openssh.com
        """,
    )


def _sftp_exchange(base: Path) -> None:
    # the server's own host key, as sshd keeps it: unencrypted, owner-only, no repository
    host_key = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    _write(base / "ssh_host_ed25519_key", host_key, mode=0o600)
    _write(
        base / "sshd_config",
        """
        Subsystem sftp internal-sftp
        KexAlgorithms curve25519-sha256,diffie-hellman-group16-sha512
        Ciphers aes128-ctr,aes256-ctr
        """,
    )


def _payments_config(base: Path) -> None:
    _write(
        base / "nginx.conf",
        """
        http {
          server {
            listen 443 ssl;
            server_name pay.ministry.example;
            ssl_protocols TLSv1.2;
            ssl_ciphers AES128-SHA:AES256-SHA:ECDHE-RSA-AES128-GCM-SHA256;
          }
        }
        """,
    )


def _dev_tools(base: Path) -> None:
    _write(base / "tests" / "fixtures" / "server.key", _key_pem(_rsa(2048)))
    _write(
        base / "tests" / "test_handshake.py",
        """
        from cryptography.hazmat.primitives.asymmetric import rsa


        def test_handshake():
            key = rsa.generate_private_key(65537, 2048)
            assert key
        """,
    )


def _intranet_wiki(base: Path) -> None:
    key = _key_pem(ec.generate_private_key(ec.SECP256R1())).decode()
    _write(base / "docs" / "tls-howto.md", f"# Set up TLS\n\nExample key:\n\n```\n{key}```\n")
    _write(
        base / "README.md",
        "# Wiki\n\nFor local testing use this key:\n\n```\n"
        + _key_pem(_rsa(2048)).decode()
        + "```\n",
    )


def _frontend_assets(base: Path) -> None:
    _write(base / "lib" / "_vendor" / "forge" / "demo.key", _key_pem(_rsa(2048)))
    _write(
        base / "lib" / "_vendor" / "hashing.js",
        """
        const crypto = require("crypto");
        function digest(data) {
          return crypto.createHash("md5").update(data).digest("hex");
        }
        module.exports = { digest };
        """,
    )


def _analytics(base: Path) -> None:
    _write(
        base / "src" / "etag.py",
        """
        import hashlib


        def etag(body: bytes) -> str:
            return hashlib.md5(body, usedforsecurity=False).hexdigest()
        """,
    )


def _mldsa_signing(base: Path) -> None:
    key = mldsa.MLDSA65PrivateKey.generate()
    _write(base / "signer.pem", _pem(_certificate(key, "PQ document signer", days=730)))


def _static_archive(base: Path) -> None:
    _write(base / "index.html", "<html><body>Archived pages, no cryptography.</body></html>\n")


FILES: dict[str, Callable[[Path], None]] = {
    "legacy-crm": _legacy_crm,
    "internal-pki": _internal_pki,
    "build-pipeline": _build_pipeline,
    "document-signing": _document_signing,
    "java-services": _java_services,
    "workstation-baseline": _workstation_baseline,
    "hr-system": _hr_system,
    "sftp-exchange": _sftp_exchange,
    "payments-gateway": _payments_config,
    "dev-tools": _dev_tools,
    "intranet-wiki": _intranet_wiki,
    "frontend-assets": _frontend_assets,
    "analytics": _analytics,
    "mldsa-signing": _mldsa_signing,
    "static-archive": _static_archive,
}


# ---- endpoints ---------------------------------------------------------------------------------


def _python_ssl(chain: Chain, ciphers: str | None, tls12: bool) -> ThreadedServer:
    return python_ssl_server(
        chain, ciphers=ciphers, max_version=ssl.TLSVersion.TLSv1_2 if tls12 else None
    )


RSA_TRANSPORT = "AES128-GCM-SHA256:AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"


def _endpoints(chains: dict[str, Chain]) -> dict[str, Callable[[], ThreadedServer]]:
    return {
        "citizen-portal": lambda: _python_ssl(chains["rsa"], RSA_TRANSPORT, tls12=True),
        "tax-archive": lambda: _python_ssl(chains["rsa"], "ECDHE-RSA-AES256-GCM-SHA384", True),
        "health-records-api": lambda: _python_ssl(chains["ecdsa"], None, tls12=False),
        "payments-gateway": lambda: _python_ssl(chains["rsa"], RSA_TRANSPORT, tls12=True),
        "mail-relay": lambda: _python_ssl(chains["rsa"], None, tls12=False),
        "public-website": lambda: _python_ssl(chains["ecdsa"], None, tls12=False),
        "partner-api": lambda: _python_ssl(chains["ecdsa"], None, tls12=False),
        "test-lab": lambda: _python_ssl(chains["rsa"], RSA_TRANSPORT, tls12=True),
        "pq-pilot": lambda: pyopenssl_server(chains["mldsa"], groups="X25519MLKEM768"),
        "pq-vpn-gateway": lambda: pyopenssl_server(
            chains["mldsa"], groups="X25519MLKEM768:SecP256r1MLKEM768"
        ),
    }


def _build(estate: SampleEstate) -> None:
    root = estate.root
    chains = {kind: make_chain(root / "_servers", kind) for kind in ("rsa", "ecdsa", "mldsa")}
    starters = _endpoints(chains)
    systems = []
    for spec in SYSTEMS:
        name = spec["name"]
        attributes = {k: v for k, v in spec.items() if k not in ("name", "expect")}
        targets: dict[str, list[str]] = {}
        if name in FILES:
            FILES[name](root / "systems" / name)
            targets["paths"] = [f"systems/{name}"]
        if name in starters:
            server = starters[name]()
            estate.servers.append(server)
            targets["endpoints"] = [f"tls://{server.address}"]
        systems.append({"name": name, "owner": f"{name} team", **attributes, "targets": targets})
    document = {
        "version": 1,
        "organisation": {"name": "Ministry of Examples", "id": "MIN-EX"},
        "systems": systems,
    }
    estate.estate_file.write_text(yaml.safe_dump(document, sort_keys=False))
