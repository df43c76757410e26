"""Keystore details beyond the case table: JKS without a password, Java's default password,
legacy PKCS#12 protection, JCEKS secret keys that stay sealed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from qscan.model import Finding
from tests.scan.certs import builders as b
from tests.scan.certs.conftest import scan_folder

needs_keytool = pytest.mark.skipif(
    not b.have("keytool"), reason="keytool (openjdk-17-jre-headless) is not installed"
)


def _at(findings: list[Finding], component: str) -> Finding:
    return next(f for f in findings if f.location.component == component)


@pytest.fixture(scope="module")
def java_stores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not b.have("keytool"):
        pytest.skip("keytool (openjdk-17-jre-headless) is not installed")
    folder = tmp_path_factory.mktemp("java")
    b.jks_keystore(folder / "secret.jks", "JKS", "unknown-to-qscan")
    b.jks_keystore(folder / "secret.jceks", "JCEKS", "unknown-to-qscan")
    b.jks_keystore(folder / "default.jks", "JKS", "changeit")
    return folder


@needs_keytool
def test_jks_certificates_are_read_without_the_password(java_stores: Path) -> None:
    inventory = scan_folder(java_stores / "secret.jks")
    assert not inventory.errors
    cert = _at(inventory.findings, "keystore entry 'server' certificate public key")
    assert (cert.algorithm, cert.params["bits"]) == ("RSA", 2048)
    assert cert.context["integrity"] == "not verified (password unknown)"
    key = _at(inventory.findings, "keystore entry 'ec-signer' private key")
    assert key.algorithm == "ECDSA" and key.params["curve"] == "P-256"
    assert key.context["algorithm_from"] == "certificate chain"
    assert key.context["protection"] == "JKS KeyProtector (SHA-1 keystream)"
    storage = [f for f in inventory.findings if f.function == "key-storage"]
    assert len(storage) == 2 and all(f.context["encrypted"] is True for f in storage)


@needs_keytool
def test_jceks_secret_key_stays_sealed_without_the_password(java_stores: Path) -> None:
    inventory = scan_folder(java_stores / "secret.jceks")
    secret = _at(inventory.findings, "keystore entry 'aes-key' secret key")
    assert secret.algorithm == "unknown" and secret.context["locked"] is True
    opened = scan_folder(java_stores / "secret.jceks", passwords=("unknown-to-qscan",))
    secret = _at(opened.findings, "keystore entry 'aes-key' secret key")
    assert (secret.algorithm, secret.params["bits"]) == ("AES-256", 256)
    assert (
        _at(opened.findings, "keystore entry 'server' certificate public key").context["integrity"]
        == "verified"
    )


@needs_keytool
def test_java_default_password_is_reported(java_stores: Path) -> None:
    inventory = scan_folder(java_stores / "default.jks")
    cert = _at(inventory.findings, "keystore entry 'server' certificate public key")
    assert cert.context["default_password"] is True and cert.context["integrity"] == "verified"
    key = _at(inventory.findings, "keystore entry 'server' private key")
    assert key.context["algorithm_from"] == "decrypted key"


def test_legacy_pkcs12_protection_is_a_finding(tmp_path: Path) -> None:
    key = b.ec_key("P-256")
    cert = b.self_signed("legacy-p12.example", key)
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(2048)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(b.hashes.SHA1())
        .build(b"pw")
    )
    (tmp_path / "legacy.pfx").write_bytes(
        pkcs12.serialize_key_and_certificates(b"x", key, cert, None, encryption)
    )
    inventory = scan_folder(tmp_path, passwords=("pw",))
    keys = _at(inventory.findings, "pkcs12 keys protection")
    assert keys.algorithm == "3DES" and keys.params["oid"] == "1.2.840.113549.1.12.1.3"
    assert keys.verdict is not None and keys.verdict.status == "classically-broken"
    mac = _at(inventory.findings, "pkcs12 mac protection")
    assert mac.algorithm == "HMAC-SHA1"
    assert _at(inventory.findings, "pkcs12 private key").algorithm == "ECDSA"


def test_rfc4716_public_key(tmp_path: Path) -> None:
    import base64
    import textwrap

    blob = (
        b.rsa_key(3072)
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .split()[1]
    )
    body = "\n".join(textwrap.wrap(blob.decode(), 70))
    text = f'---- BEGIN SSH2 PUBLIC KEY ----\nComment: "3072-bit RSA, converted"\n{body}\n---- END SSH2 PUBLIC KEY ----\n'
    (tmp_path / "key.ssh2").write_text(text)
    (finding,) = scan_folder(tmp_path).findings
    assert (finding.algorithm, finding.params["bits"], finding.location.line) == ("RSA", 3072, 1)
    assert base64.b64decode(blob)


def test_crl_signature(tmp_path: Path) -> None:
    import datetime as dt

    from cryptography import x509

    ca_key = b.rsa_key(2048)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(b.name("CRL CA"))
        .last_update(b.NOW)
        .next_update(b.NOW + dt.timedelta(days=7))
        .sign(ca_key, b.hashes.SHA256())
    )
    (tmp_path / "ca.crl").write_bytes(crl.public_bytes(serialization.Encoding.DER))
    (tmp_path / "ca-crl.pem").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    inventory = scan_folder(tmp_path)
    assert not inventory.errors
    for path in ("ca.crl", "ca-crl.pem"):
        (finding,) = [f for f in inventory.findings if f.location.path == path]
        assert finding.location.component == "crl signature"
        assert (finding.algorithm, finding.params["bits"], finding.params["hash"]) == (
            "RSA",
            2048,
            "SHA-256",
        )
        assert finding.context["issuer"] == "CN=CRL CA,O=qscan tests"
