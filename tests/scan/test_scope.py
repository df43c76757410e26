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


APACHE_SSL = """<IfModule mod_ssl.c>
SSLCipherSuite HIGH:!aNULL
SSLProtocol all -SSLv3
</IfModule>
"""


def test_a_configuration_that_is_not_enabled_ranks_apart(tmp_path):
    """Debian's layout: mods-available/ssl.conf takes effect only through a link in
    mods-enabled (a2enmod). Not linked, its findings say so and rank like non-production
    material; linked, they rank as the server's settings; a tree without the enabled
    folder says nothing either way."""
    apache = tmp_path / "apache2"
    (apache / "mods-available").mkdir(parents=True)
    (apache / "mods-available" / "ssl.conf").write_text(APACHE_SSL)
    (apache / "mods-enabled").mkdir()
    (apache / "mods-enabled" / "alias.conf").symlink_to("../mods-available/alias.conf")

    def judged() -> list[Finding]:
        return [f for f in api.scan(apache).findings if f.location.path.endswith("ssl.conf")]

    off = judged()
    assert off and all(f.context.get("in_effect") is False for f in off)
    tls10 = next(f for f in off if f.verdict.rule == "QS401")
    assert tls10.priority.wave == 3 and tls10.priority.score <= 25
    assert tls10.priority.reasons[0].startswith("not in effect")

    (apache / "mods-enabled" / "ssl.conf").symlink_to("../mods-available/ssl.conf")
    on = judged()
    assert all("in_effect" not in f.context for f in on)
    assert next(f for f in on if f.verdict.rule == "QS401").priority.wave == 1

    (apache / "mods-enabled" / "ssl.conf").unlink()
    (apache / "mods-enabled" / "alias.conf").unlink()
    (apache / "mods-enabled").rmdir()
    assert all("in_effect" not in f.context for f in judged())


def test_reports_say_why_a_severe_issue_ranks_low_when_it_is_not_in_effect(tmp_path):
    apache = tmp_path / "apache2"
    (apache / "mods-available").mkdir(parents=True)
    (apache / "mods-available" / "ssl.conf").write_text(APACHE_SSL)
    (apache / "mods-enabled").mkdir()
    inventory = api.scan(apache)
    text = api.render(inventory, "text")
    markdown = api.render(inventory, "md")
    assert "wave 3, score 25; not in effect (no link to it in the enabled folder)" in text
    assert "(not in effect: not enabled)" in markdown
    assert "not in effect: not enabled" in api.render(inventory, "html")
