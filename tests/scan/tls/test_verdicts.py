"""Endpoint verdicts that depend on the whole endpoint: servers that speak only post-quantum
groups, SHA-1 handshake signatures, and what a client's checks of the leaf certificate find."""

import json
import ssl

import pytest

from qscan.assess.gate import build_config, evaluate
from qscan.model import CERTIFICATE_CHECK
from qscan.scan.tls.leaf import CHECKS, is_loopback, matches
from tests.assess.test_engine import judge
from tests.scan.tls.servers import make_chain, pyopenssl_server, python_ssl_server

pytestmark = pytest.mark.slow

GROUP13 = "tls1.3 supported group"
REFUSED = "tls interoperability (modern client)"


@pytest.mark.parametrize(
    ("group", "codepoint"), [("SecP256r1MLKEM768", "0x11EB"), ("curveSM2MLKEM768", "0x11EE")]
)
def test_server_with_only_a_hybrid_group_mainstream_clients_do_not_offer(
    chains, scan, group, codepoint
):
    with pyopenssl_server(chains["ecdsa"], groups=group) as server:
        result = scan(server.address)
    port = server.port
    (found,) = result.at(port, GROUP13)
    assert (found.params["group"], found.params["codepoint"]) == (group, codepoint)
    assert (found.verdict.rule, found.verdict.status) == ("QS104", "hybrid")
    endpoint = result.endpoint(port)
    assert endpoint.algorithm == group
    assert endpoint.context["modern_client_refused"] == "handshake_failure"
    assert (endpoint.verdict.rule, endpoint.verdict.status) == ("QS123", "hybrid")
    assert endpoint.context["endpoint"]["hybrid_only"] is True
    (refused,) = result.at(port, REFUSED)
    assert refused.context["accepted_groups"] == [group]
    assert "X25519MLKEM768" in refused.evidence and group in refused.evidence
    assert (refused.verdict.rule, refused.verdict.severity) == ("QS530", "medium")
    assert refused.verdict.status == "hybrid"
    assert not any(f.verdict.rule == "QS111" for f in result.at(port))
    assert not result.errors_for(port)


def test_server_that_accepts_the_mainstream_hybrid_needs_no_interoperability_finding(chains, scan):
    with pyopenssl_server(chains["ecdsa"], groups="X25519MLKEM768") as server:
        result = scan(server.address, profile="quick")
    assert result.endpoint(server.port).verdict.rule == "QS113"
    assert not result.at(server.port, REFUSED)


def test_sha1_handshake_signatures_are_a_server_setting(chains, scan):
    # SECLEVEL=0 lets Debian's OpenSSL 3.0 sign a TLS 1.2 handshake with SHA-1 again
    with python_ssl_server(
        chains["rsa"], ciphers="DEFAULT:@SECLEVEL=0", max_version=ssl.TLSVersion.TLSv1_2
    ) as server:
        result = scan(server.address)
    schemes = {
        f.params["sigalg"]: f.verdict for f in result.at(server.port, "tls1.2 signature algorithm")
    }
    sha1 = schemes["rsa_pkcs1_sha1"]
    assert (sha1.rule, sha1.severity, sha1.status) == ("QS230", "medium", "classically-broken")
    assert sha1.fix.startswith("Remove the SHA-1 schemes") and "SignatureAlgorithms" in sha1.fix
    assert schemes["rsa_pkcs1_sha256"].rule == "QS200"
    # the certificate's own SHA-256 signature is judged apart
    leaf_signature = result.at(server.port, "tls server certificate chain[0] signature")
    assert leaf_signature[0].verdict.rule != "QS230"


def checks(result, port):
    return {
        f.context["check"]: f
        for f in result.at(port)
        if f.context.get("role") == "certificate check"
    }


def test_expired_leaf_certificate(tmp_path, scan, validate_inventory):
    chain = make_chain(tmp_path, "rsa", valid_from_days=-60, valid_days=30)
    with python_ssl_server(chain) as server:
        result = scan(server.address, profile="quick")
    doc = json.loads(result.inventory.to_json())
    doc.update(tool={"name": "qscan", "version": "test"}, scanned_at="2026-12-01T00:00:00Z")
    validate_inventory(doc)
    found = checks(result, server.port)
    assert set(found) == {"expired"}
    expired = found["expired"]
    assert expired.location.component == "tls server certificate chain[0] expired"
    assert expired.context["not_after"] < expired.context["scanned_at"]
    assert (expired.verdict.rule, expired.verdict.severity) == ("QS232", "high")
    assert expired.verdict.status == "classically-broken"
    # it counts in the CI gate like any other finding
    gate = evaluate(result.inventory, build_config(fail_on="high"))
    assert gate.exit_code == 1 and expired in gate.failing


def test_leaf_certificate_not_yet_valid(tmp_path, scan):
    chain = make_chain(tmp_path, "ecdsa", valid_from_days=10)
    with python_ssl_server(chain) as server:
        result = scan(server.address, profile="quick")
    found = checks(result, server.port)
    assert set(found) == {"not yet valid"}
    assert (found["not yet valid"].verdict.rule, found["not yet valid"].verdict.severity) == (
        "QS233",
        "high",
    )


def test_self_signed_leaf_on_loopback_and_name_checks(tmp_path, scan):
    chain = make_chain(tmp_path, "rsa", self_signed_leaf=True)
    with python_ssl_server(chain) as server:
        by_name = scan(f"localhost:{server.port}", profile="quick")
        other_name = scan(f"localhost:{server.port}", profile="quick", sni="www.example.org")
    found = checks(by_name, server.port)
    assert set(found) == {"self-signed"}  # the certificate names localhost
    self_signed = found["self-signed"]
    assert self_signed.context["loopback"] is True
    assert (self_signed.verdict.rule, self_signed.verdict.severity) == ("QS235", "low")
    mismatch = checks(other_name, server.port)["name mismatch"]
    assert mismatch.context["server_name"] == "www.example.org"
    assert mismatch.context["certificate_names"] == ["localhost"]
    assert (mismatch.verdict.rule, mismatch.verdict.severity) == ("QS236", "high")


def test_a_valid_ca_issued_leaf_has_no_findings_of_its_own(chains, scan):
    with python_ssl_server(chains["ecdsa"]) as server:
        result = scan(f"localhost:{server.port}", profile="quick")
    assert checks(result, server.port) == {}


def test_every_check_is_in_the_inventory_schema(inventory_schema):
    context = inventory_schema["$defs"]["finding"]["properties"]["context"]["properties"]
    assert tuple(context["check"]["enum"]) == CHECKS
    assert CERTIFICATE_CHECK in context["role"]["enum"]


@pytest.mark.parametrize(
    ("server", "names", "expected"),
    [
        ("www.example.org", ["www.example.org"], True),
        ("WWW.Example.ORG.", ["www.example.org"], True),
        ("www.example.org", ["*.example.org"], True),
        ("a.b.example.org", ["*.example.org"], False),
        ("example.org", ["*.example.org"], False),
        ("www.example.org", ["example.org", "mail.example.org"], False),
        ("192.0.2.7", ["192.0.2.7"], True),
        ("2001:db8::1", ["2001:0db8:0:0:0:0:0:1"], True),
        ("192.0.2.7", ["*.example.org", "192.0.2.8"], False),
    ],
)
def test_server_name_matching(server, names, expected):
    assert matches(server, names) is expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("api.localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("10.0.0.5", False),
        ("www.example.org", False),
        (None, False),
    ],
)
def test_loopback_hosts(host, expected):
    assert is_loopback(host) is expected


def test_self_signed_leaf_elsewhere_is_medium():
    context = {"role": "certificate check", "check": "self-signed", "loopback": False}
    verdict = judge("RSA", params={"bits": 2048}, context=context, host="192.0.2.7").verdict
    assert (verdict.rule, verdict.severity, verdict.status) == (
        "QS234",
        "medium",
        "quantum-vulnerable",
    )
