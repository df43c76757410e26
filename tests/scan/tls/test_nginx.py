"""Debian's nginx (system OpenSSL 3.0) on a loopback port, in two configurations."""

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import need_program
from tests.scan.tls.servers import free_port, start_program, stop_program

pytestmark = [pytest.mark.slow, pytest.mark.needs_nginx]

MODERN = """
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_ecdh_curve X25519:prime256v1;
    ssl_prefer_server_ciphers on;
"""
LEGACY = """
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    ssl_ciphers AES128-SHA:DHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0;
    ssl_ecdh_curve secp384r1;
    ssl_dhparam {dhparam};
    ssl_prefer_server_ciphers on;
"""


def _start_nginx(tmp: Path, chain, tls_config: str) -> tuple[subprocess.Popen, int]:
    nginx = need_program("nginx")
    port = free_port()
    for sub in ("logs", "tmp"):
        (tmp / sub).mkdir(exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
error_log {tmp}/logs/error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/tmp/body;
    proxy_temp_path {tmp}/tmp/proxy;
    fastcgi_temp_path {tmp}/tmp/fastcgi;
    uwsgi_temp_path {tmp}/tmp/uwsgi;
    scgi_temp_path {tmp}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;
        ssl_certificate {chain.certfile};
        ssl_certificate_key {chain.keyfile};
        {tls_config}
        location / {{ return 200 "ok"; }}
    }}
}}
"""
    )
    command = [nginx, "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"]
    return start_program(command, port, "nginx"), port


def test_nginx_modern_config(chains, scan, tmp_path):
    proc, port = _start_nginx(tmp_path, chains["rsa"], MODERN)
    try:
        result = scan(f"localhost:{port}")
    finally:
        stop_program(proc)
    assert sorted(result.params(port, "tls protocol version", "version")) == ["TLS 1.2", "TLS 1.3"]
    assert sorted(result.params(port, "tls1.3 supported group", "group")) == ["secp256r1", "x25519"]
    assert sorted(result.params(port, "tls1.2 ecdhe curve", "group")) == ["secp256r1", "x25519"]
    suites = sorted(result.at(port, "tls1.2 cipher suite"), key=lambda f: f.context["preference"])
    assert [f.params["suite"] for f in suites] == [
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ]
    assert all(f.context["server_order"] for f in suites)
    endpoint = result.endpoint(port)
    assert endpoint.algorithm == "X25519" and endpoint.verdict.rule == "QS110"
    assert not result.errors_for(port)


def _dhparam(tmp_path: Path) -> Path:
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("openssl CLI not installed")
    dhparam = tmp_path / "dh.pem"
    subprocess.run(
        [
            openssl,
            "genpkey",
            "-genparam",
            "-algorithm",
            "DH",
            "-pkeyopt",
            "group:ffdhe3072",
            "-out",
            str(dhparam),
        ],
        check=True,
        capture_output=True,
    )
    return dhparam


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_nginx_legacy_config(chains, scan, tmp_path):
    dhparam = _dhparam(tmp_path)
    proc, port = _start_nginx(tmp_path, chains["rsa"], LEGACY.format(dhparam=dhparam))
    try:
        result = scan(f"localhost:{port}")
    finally:
        stop_program(proc)
    versions = {
        f.params["version"]: f.verdict.rule for f in result.at(port, "tls protocol version")
    }
    assert versions == {"TLS 1.0": "QS401", "TLS 1.1": "QS401", "TLS 1.2": "QS403"}
    suites = sorted(result.at(port, "tls1.2 cipher suite"), key=lambda f: f.context["preference"])
    assert [f.params["suite"] for f in suites] == [
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    ]
    assert suites[0].verdict.rule == "QS114"
    assert result.params(port, "tls1.2 ecdhe curve", "group") == ["secp384r1"]
    assert result.params(port, "tls1.2 dhe group", "bits") == [3072]
    assert not result.at(port, "tls1.3 supported group")


@pytest.mark.parametrize(
    ("kind", "dhparam", "authentication"),
    [("rsa", False, {"RSA"}), ("rsa", True, {"RSA"}), ("ecdsa", False, {"ECDSA"})],
    ids=["rsa", "rsa-dhparam", "ecdsa"],
)
def test_configured_cipher_string_lists_what_the_live_server_offers(
    chains, scan, tmp_path, kind, dhparam, authentication
):
    """`ssl_ciphers HIGH` names PSK, SRP, anonymous, DHE and every authentication's suites;
    the configuration scan of the very file nginx runs lists exactly the TLS 1.2 suites the
    live scan sees: DHE ones only with ssl_dhparam, only those the certificate's key type
    authenticates."""
    from qscan import scan as scan_paths
    from qscan.protocols import tls

    config = "ssl_protocols TLSv1.2;\n        ssl_ciphers HIGH;"
    if dhparam:
        config += f"\n        ssl_dhparam {_dhparam(tmp_path)};"
    proc, port = _start_nginx(tmp_path, chains[kind], config)
    try:
        live = {
            f.params["suite"] for f in scan(f"localhost:{port}").at(port, "tls1.2 cipher suite")
        }
    finally:
        stop_program(proc)
    configured = [
        f
        for f in scan_paths(str(tmp_path / "nginx.conf")).findings
        if f.location.component == "nginx ssl_ciphers"
    ]
    assert {f.params["suite"] for f in configured} == live
    suites = [tls.suite_by_name(name) for name in live]
    assert {s.au for s in suites} == authentication
    assert any(s.kx == "DHE" for s in suites) == dhparam
    assert all(f.context["certificate_keys"] == [kind.upper()] for f in configured)
    assert not any("not_narrowed" in f.context for f in configured)
