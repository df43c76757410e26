"""Scope of file findings (rules/scopes.yaml): production, test, documentation, vendored,
read from the path relative to the scan target; trust stores marked on certificates."""

import pytest

from qscan import api
from qscan.model import Finding, scope_of
from qscan.scan.scope import is_trust_store, scope_of_path
from tests.inventories.conftest import make_cert


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


def test_scope_is_relative_to_the_target(tmp_path):
    examples = tmp_path / "examples"
    make_cert(examples / "root.pem", days=3650, ca=True)
    make_cert(tmp_path / "ca-bundle.crt", days=3650, ca=True)

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
