"""Scope of file findings (rules/scopes.yaml): production, test, documentation, vendored,
read from the path relative to the scan target; trust stores marked on certificates."""

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from qscan import api
from qscan.model import Finding, scope_of
from qscan.scan.scope import is_trust_store, scope_of_path


@pytest.mark.parametrize(
    ("relpath", "scope"),
    [
        ("app.py", "production"),
        ("src/crypto/keys.py", "production"),
        ("contest.py", "production"),
        ("tests/test_keys.py", "test"),
        ("pkg/testdata/key.pem", "test"),
        ("Tests/Fixture.cs", "test"),
        ("src/CryptoTest.java", "test"),
        ("web/app.spec.ts", "test"),
        ("docs/setup.py", "documentation"),
        ("examples/server.key", "documentation"),
        ("README.md", "documentation"),
        ("readme", "documentation"),
        ("guide/TLS.rst", "documentation"),
        ("node_modules/jose/lib/key.js", "vendored"),
        ("pip/_vendor/urllib3/util/ssl_.py", "vendored"),
        ("static/app.min.js", "vendored"),
        # the first scope that matches wins: a vendored library's tests are vendored
        ("third_party/lib/tests/key.pem", "vendored"),
    ],
)
def test_scope_of_path(relpath, scope):
    assert scope_of_path(relpath) == scope


@pytest.mark.parametrize(
    ("path", "store"),
    [
        ("/etc/ssl/certs/ca-certificates.crt", True),
        ("ca-bundle.crt", True),
        ("lib/certifi/cacert.pem", True),
        ("/usr/lib/jvm/lib/security/cacerts", True),
        ("conf/server.truststore", True),
        ("/usr/share/ca-certificates/mozilla/Root.crt", True),
        ("pki/root-ca.pem", False),
        ("certs/server.crt", False),
    ],
)
def test_trust_stores(path, store):
    assert is_trust_store(path) is store


def _certificate_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "scope test root")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def test_scope_is_relative_to_the_target(tmp_path):
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "root.pem").write_bytes(_certificate_pem())
    (tmp_path / "ca-bundle.crt").write_bytes(_certificate_pem())

    whole = api.scan(tmp_path)
    scopes = {(f.location.path, scope_of(f)) for f in whole.findings}
    assert scopes == {("examples/root.pem", "documentation"), ("ca-bundle.crt", "production")}
    assert all(f.context["material_scope"] for f in whole.findings)
    stores = {f.location.path for f in whole.findings if f.context.get("trust_store")}
    assert stores == {"ca-bundle.crt"}

    inner = api.scan(examples)
    assert {scope_of(f) for f in inner.findings} == {"production"}


def test_endpoint_findings_without_a_scope_are_production():
    finding = Finding.from_dict(
        {
            "fingerprint": "0" * 32,
            "algorithm": "X25519",
            "function": "key-exchange",
            "asset": "algorithm",
            "location": {"target": "tls://h:443", "host": "h", "port": 443},
        }
    )
    assert scope_of(finding) == "production"
