"""The TLS scanner against real servers; every expectation comes from the server's configuration."""

import shutil
import socket
import ssl
import struct

import pytest
from OpenSSL import SSL

from qscan.protocols import tls as T
from tests.scan.tls.servers import (
    StartTLSServer,
    ThreadedServer,
    ffdhe2048_params,
    pyopenssl_server,
    python_ssl_server,
)

pytestmark = pytest.mark.slow

GROUP13 = "tls1.3 supported group"
SUITE13 = "tls1.3 cipher suite"
SUITE12 = "tls1.2 cipher suite"
CURVE12 = "tls1.2 ecdhe curve"
VERSION = "tls protocol version"


def names(codepoints_or_names):
    return [T.group_by_name(n).name for n in codepoints_or_names]


def suite_names(openssl_names):
    return sorted(T.suite_by_name(n).name for n in openssl_names)


def enabled_tls12_suites(ctx: ssl.SSLContext) -> list[str]:
    """What the real OpenSSL makes of the context's cipher string (TLS 1.2 and older)."""
    return sorted(c["name"] for c in ctx.get_ciphers() if c["protocol"] != "TLSv1.3")


# ---- pyOpenSSL on cryptography's OpenSSL: post-quantum -------------------------------------


def test_pq_server_prefers_the_hybrid(chains, scan):
    groups = ["X25519MLKEM768", "X25519", "secp256r1"]
    with pyopenssl_server(
        chains["rsa"],
        groups=":".join(groups),
        tls13_suites="TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256",
        ciphers="ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256",
        min_version=SSL.TLS1_2_VERSION,
    ) as server:
        result = scan(server.address)
    port = server.port
    assert sorted(result.params(port, GROUP13, "group")) == sorted(names(groups))
    assert sorted(result.params(port, SUITE13, "suite")) == [
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
    ]
    assert sorted(result.params(port, SUITE12, "suite")) == suite_names(
        ["ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"]
    )
    assert sorted(result.params(port, CURVE12, "group")) == sorted(names(groups[1:]))
    assert sorted(result.params(port, VERSION, "version")) == ["TLS 1.2", "TLS 1.3"]
    endpoint = result.endpoint(port)
    assert endpoint.algorithm == "X25519MLKEM768"
    assert endpoint.context["hybrid_preferred"] and endpoint.context["hybrid_supported"]
    assert endpoint.context["classical_fallback"]
    assert endpoint.verdict.rule == "QS112" and endpoint.verdict.status == "hybrid"
    assert endpoint.context["handshake"] == {
        "version": "TLSv1.3",
        "suite": "TLS_AES_256_GCM_SHA384",
        "group": "X25519MLKEM768",
    }
    summary = endpoint.context["endpoint"]
    assert summary["leaf_key"] == "RSA-2048"
    assert summary["versions"] == ["TLS 1.3", "TLS 1.2"]
    assert 10 <= summary["connections"] <= 30
    hybrid = [f for f in result.at(port, GROUP13) if f.algorithm == "X25519MLKEM768"]
    assert hybrid[0].verdict.status == "hybrid"
    classical = [f for f in result.at(port, GROUP13) if f.algorithm == "X25519"]
    assert classical[0].verdict.rule == "QS117"  # fallback for older clients, low
    assert not result.errors_for(port)


def test_pq_server_that_supports_but_does_not_prefer_the_hybrid(chains, scan):
    # Two OpenSSL group tuples: X25519 is preferred even over a client's hybrid key share.
    with pyopenssl_server(chains["rsa"], groups="X25519/X25519MLKEM768") as server:
        result = scan(server.address, profile="quick")
    port = server.port
    found = result.at(port, GROUP13)
    assert [f.params["group"] for f in sorted(found, key=lambda f: f.context["preference"])] == [
        "x25519",
        "X25519MLKEM768",
    ]
    endpoint = result.endpoint(port)
    assert endpoint.algorithm == "X25519"
    assert endpoint.context["hybrid_supported"] and not endpoint.context["hybrid_preferred"]
    assert (endpoint.verdict.rule, endpoint.verdict.severity) == ("QS111", "medium")
    x25519 = next(f for f in found if f.algorithm == "X25519")
    assert (x25519.verdict.rule, x25519.verdict.severity) == ("QS116", "medium")


def test_ml_dsa_chain_goes_through_the_certificate_analysis(chains, scan):
    with pyopenssl_server(chains["mldsa"], min_version=SSL.TLS1_3_VERSION) as server:
        result = scan(server.address, profile="quick")
    port = server.port
    chain = [
        f for f in result.at(port) if f.location.component.startswith("tls server certificate")
    ]
    by_component = {f.location.component: f for f in chain}
    assert by_component["tls server certificate chain[0] public key"].algorithm == "ML-DSA-65"
    assert by_component["tls server certificate chain[0] signature"].algorithm == "ML-DSA-65"
    assert by_component["tls server certificate chain[1] public key"].algorithm == "ML-DSA-65"
    assert all(f.verdict.status == "quantum-safe" for f in chain)
    summary = result.endpoint(port).context["endpoint"]
    assert summary["leaf_key"] == "ML-DSA-65"
    assert summary["chain_signatures"] == ["ML-DSA-65", "ML-DSA-65"]
    assert result.params(port, VERSION, "version") == ["TLS 1.3"]


# ---- Python ssl on the system OpenSSL 3.0: classical ----------------------------------------


def test_tls12_only_with_rsa_key_transport(chains, scan):
    ciphers = "AES128-GCM-SHA256:AES256-SHA"
    with python_ssl_server(
        chains["rsa"], ciphers=ciphers, max_version=ssl.TLSVersion.TLSv1_2
    ) as server:
        result = scan(server.address)
    port = server.port
    assert result.params(port, VERSION, "version") == ["TLS 1.2"]
    suites = result.at(port, SUITE12)
    assert sorted(f.params["suite"] for f in suites) == suite_names(ciphers.split(":"))
    assert all((f.verdict.rule, f.verdict.severity) == ("QS114", "critical") for f in suites)
    assert all(f.params["bits"] == 2048 for f in suites)
    assert not result.at(port, GROUP13) and not result.at(port, CURVE12)
    endpoint = result.endpoint(port)
    assert endpoint.algorithm == "RSA" and endpoint.params["version"] == "TLS 1.2"
    assert (endpoint.verdict.rule, endpoint.verdict.severity) == ("QS110", "high")
    version = result.at(port, VERSION)[0]
    assert version.verdict.rule == "QS403"  # no TLS 1.3, so no PQ possible
    assert endpoint.context["endpoint"]["connections"] <= 14


def test_ecdhe_p256_only(chains, scan):
    with python_ssl_server(
        chains["rsa"],
        ciphers="ECDHE-RSA-AES128-GCM-SHA256",
        curve="prime256v1",
        max_version=ssl.TLSVersion.TLSv1_2,
    ) as server:
        result = scan(server.address)
    port = server.port
    assert result.params(port, CURVE12, "group") == ["secp256r1"]
    assert result.params(port, CURVE12, "curve") == ["P-256"]
    assert result.params(port, SUITE12, "suite") == ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    endpoint = result.endpoint(port)
    assert (endpoint.algorithm, endpoint.params["curve"]) == ("ECDH", "P-256")
    assert endpoint.verdict.rule == "QS110"
    sigalgs = result.at(port, "tls1.2 signature algorithm")
    assert sigalgs and all(f.algorithm == "RSA" and f.params["bits"] == 2048 for f in sigalgs)


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl CLI not installed")
def test_dhe_2048(chains, scan, tmp_path):
    dhparams = ffdhe2048_params(tmp_path / "ffdhe2048.pem")
    with python_ssl_server(
        chains["rsa"],
        ciphers="DHE-RSA-AES128-GCM-SHA256",
        dhparams=dhparams,
        max_version=ssl.TLSVersion.TLSv1_2,
    ) as server:
        result = scan(server.address)
    port = server.port
    assert result.params(port, SUITE12, "suite") == ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"]
    sigalgs = result.at(port, "tls1.2 signature algorithm")  # observed through DHE, no ECDHE
    assert sigalgs and {f.algorithm for f in sigalgs} == {"RSA"}
    (dh,) = result.at(port, "tls1.2 dhe group")
    assert (dh.algorithm, dh.params["bits"]) == ("DH", 2048)
    assert dh.verdict.rule == "QS101"
    endpoint = result.endpoint(port)
    assert (endpoint.algorithm, endpoint.params["bits"]) == ("DH", 2048)


def test_tls13_with_x25519_only(chains, scan):
    with python_ssl_server(
        chains["rsa"],
        curve="X25519",
        min_version=ssl.TLSVersion.TLSv1_3,
    ) as server:
        result = scan(server.address)
    port = server.port
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    expected13 = sorted(c["name"] for c in ctx.get_ciphers() if c["protocol"] == "TLSv1.3")
    assert result.params(port, GROUP13, "group") == ["x25519"]
    assert sorted(result.params(port, SUITE13, "suite")) == expected13
    assert result.params(port, VERSION, "version") == ["TLS 1.3"]
    assert not result.at(port, SUITE12)
    endpoint = result.endpoint(port)
    assert endpoint.algorithm == "X25519" and not endpoint.context["hybrid_supported"]
    assert not endpoint.context.get("hello_retry")
    assert (endpoint.verdict.rule, endpoint.verdict.severity) == ("QS110", "high")


def test_ecdsa_chain(chains, scan):
    ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305"
    with python_ssl_server(
        chains["ecdsa"], ciphers=ciphers, max_version=ssl.TLSVersion.TLSv1_2
    ) as server:
        result = scan(server.address)
    port = server.port
    assert sorted(result.params(port, SUITE12, "suite")) == suite_names(ciphers.split(":"))
    chain = {
        f.location.component: f for f in result.at(port) if "certificate" in f.location.component
    }
    leaf = chain["tls server certificate chain[0] public key"]
    ca = chain["tls server certificate chain[1] public key"]
    assert (leaf.algorithm, leaf.params["curve"]) == ("ECDSA", "P-256")
    assert (ca.algorithm, ca.params["curve"]) == ("ECDSA", "P-384")
    assert result.endpoint(port).context["endpoint"]["leaf_key"] == "ECDSA P-256"
    sigalgs = result.at(port, "tls1.2 signature algorithm")
    assert sigalgs and {f.algorithm for f in sigalgs} == {"ECDSA"}
    assert all(f.params["curve"] == "P-256" for f in sigalgs)


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1 is deprecated")
def test_server_order_and_all_versions(chains, scan):
    """TLS 1.0 to 1.2 on the system OpenSSL (security level 0) with server order."""
    ciphers = "ECDHE-RSA-AES256-SHA:AES128-SHA:@SECLEVEL=0"

    with python_ssl_server(
        chains["rsa"],
        ciphers=ciphers,
        min_version=ssl.TLSVersion.TLSv1,
        max_version=ssl.TLSVersion.TLSv1_2,
        server_order=True,
    ) as server:
        result = scan(server.address)
    port = server.port
    assert sorted(result.params(port, VERSION, "version")) == ["TLS 1.0", "TLS 1.1", "TLS 1.2"]
    suites = sorted(result.at(port, SUITE12), key=lambda f: f.context["preference"])
    assert [f.params["suite"] for f in suites] == [
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA",
    ]
    assert all(f.context["versions"] == ["tls1.0", "tls1.1", "tls1.2"] for f in suites)
    assert all(f.context["server_order"] for f in suites)
    versions = {f.params["version"]: f.verdict.rule for f in result.at(port, VERSION)}
    assert versions == {"TLS 1.0": "QS401", "TLS 1.1": "QS401", "TLS 1.2": "QS403"}


def test_quick_profile_uses_fewer_connections(chains, scan):
    with pyopenssl_server(chains["rsa"]) as server:
        full = scan(server.address).endpoint(server.port).context["endpoint"]["connections"]
        quick = scan(server.address, profile="quick").endpoint(server.port)
    assert quick.context["endpoint"]["connections"] < full
    assert quick.algorithm == "X25519MLKEM768"


def test_sni_is_the_host_name_or_the_override(chains, scan):
    seen: list[bytes | None] = []

    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.use_certificate_chain_file(str(chains["rsa"].certfile))
    ctx.use_privatekey_file(str(chains["rsa"].keyfile))
    ctx.set_tlsext_servername_callback(lambda conn: seen.append(conn.get_servername()))

    def handle(sock):
        sock.settimeout(None)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
        conn = SSL.Connection(ctx, sock)
        conn.set_accept_state()
        conn.do_handshake()

    with ThreadedServer(handle) as server:
        scan(f"localhost:{server.port}", profile="quick")
        assert seen and set(seen) == {b"localhost"}
        seen.clear()
        result = scan(f"localhost:{server.port}", profile="quick", sni="other.example")
        assert seen and set(seen) == {b"other.example"}
    assert result.endpoint(server.port).location.sni == "other.example"


def test_ipv6_literal(chains, scan):
    with pyopenssl_server(chains["ecdsa"], host="::1") as server:
        result = scan(f"tls://[::1]:{server.port}", profile="quick")
    endpoint = result.endpoint(server.port)
    assert endpoint.location.host == "::1" and endpoint.algorithm == "X25519MLKEM768"


# ---- STARTTLS -------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["smtp", "imap", "pop3", "ftp", "ldap", "postgres"])
def test_starttls(chains, scan, protocol):
    def configure(ctx: ssl.SSLContext) -> None:
        ctx.set_ecdh_curve("prime256v1")

    with StartTLSServer(protocol, chains["rsa"], configure) as server:
        result = scan(f"{protocol}://{server.address}", profile="quick")
    port = server.port
    assert result.params(port, GROUP13, "group") == ["secp256r1"]
    assert sorted(result.params(port, VERSION, "version")) == ["TLS 1.2", "TLS 1.3"]
    endpoint = result.endpoint(port)
    assert endpoint.location.service == protocol and endpoint.algorithm == "ECDH"
    assert any(f.location.component.startswith("tls server certificate") for f in result.at(port))
    assert not result.errors_for(port)


def test_smtp_without_starttls_is_an_error_record(scan):
    def handle(sock):
        sock.sendall(b"554 5.3.2 no service\r\n")
        sock.recv(100)

    with ThreadedServer(handle) as server:
        result = scan(f"smtp://127.0.0.1:{server.port}")
    (error,) = result.errors_for(server.port)
    assert error.kind == "starttls-failed" and "554" in error.message
