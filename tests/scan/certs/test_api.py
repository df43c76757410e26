"""The shared API other scanners call: certificate_findings and analyze_bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from qscan.model import Finding, Location, ScanError
from qscan.scan.certs import analyze_bytes, certificate_findings
from qscan.scan.interface import FileContext, ScanOptions

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject, key, issuer, issuer_key, ca: bool) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(0x1234)
        .not_valid_before(NOW)
        .not_valid_after(NOW + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(issuer_key, hashes.SHA256())
    )


def _pair():
    ca_key = ec.generate_private_key(ec.SECP384R1())
    leaf_key = rsa.generate_private_key(65537, 2048)
    ca = _cert("Test CA", ca_key, "Test CA", ca_key, True)
    leaf = _cert("leaf.example", leaf_key, "Test CA", ca_key, False)
    return ca, leaf


def test_certificate_findings_for_a_tls_chain() -> None:
    ca, leaf = _pair()
    der = leaf.public_bytes(serialization.Encoding.DER)
    location = Location(target="tls://h:443", host="h", port=443, service="tls")
    found = certificate_findings(
        der, location, chain_index=0, issuer_der=ca.public_bytes(serialization.Encoding.DER)
    )
    key, sig = found
    assert (key.algorithm, key.params["bits"], key.asset) == ("RSA", 2048, "certificate")
    assert key.location.component == "certificate chain[0] public key"
    assert key.location.host == "h" and key.location.port == 443
    assert key.context["subject"] == "CN=leaf.example"
    assert key.context["serial"] == "1234"
    assert key.context["not_after"] == "2035-12-30T00:00:00+00:00"
    assert key.context["issued_by_match"] == "signature"
    assert sig.algorithm == "ECDSA"
    assert sig.params["hash"] == "SHA-256" and sig.params["curve"] == "P-384"
    assert sig.location.component == "certificate chain[0] signature"
    assert key.fingerprint != sig.fingerprint


def test_analyze_bytes_reports_the_line_of_an_embedded_pem() -> None:
    ca, leaf = _pair()
    text = b'KEY = """\n' + leaf.public_bytes(serialization.Encoding.PEM) + b'"""\n'
    ctx = FileContext(target="repo", path=Path("app.py"), relpath="app.py", options=ScanOptions())
    records = list(analyze_bytes(text, ctx, line_offset=40))
    assert records and all(isinstance(r, Finding) for r in records)
    assert {r.location.line for r in records} == {42}
    assert {r.location.path for r in records} == {"app.py"}


def test_garbage_is_an_error_record_not_an_exception() -> None:
    ctx = FileContext(target="t", path=Path("x.pem"), relpath="x.pem", options=ScanOptions())
    data = b"-----BEGIN CERTIFICATE-----\nMIIBnotreally\n-----END CERTIFICATE-----\n"
    records = list(analyze_bytes(data, ctx))
    assert len(records) == 1 and isinstance(records[0], ScanError)
    assert records[0].kind == "corrupt-pem" and "line 1" in records[0].message


def test_pem_inside_source_code_strings() -> None:
    """JSON/JavaScript escaped newlines and Java string concatenation around the base64."""
    _, leaf = _pair()
    pem = leaf.public_bytes(serialization.Encoding.PEM).decode()
    js = 'const cert = "' + pem.replace("\n", "\\n") + '";\n'
    java = 'String c = "' + '"\n    + "'.join(pem.splitlines()) + '";\n'
    ctx = FileContext(target="repo", path=Path("a.js"), relpath="a.js", options=ScanOptions())
    for source in (js, java):
        records = list(analyze_bytes(source.encode(), ctx, line_offset=9))
        assert [type(r) for r in records] == [Finding, Finding]
        assert records[0].algorithm == "RSA" and records[0].location.line == 10
