"""Debian's Apache httpd and HAProxy on a loopback port: the configuration scan of the very
file each server runs lists exactly the TLS 1.2 suites the live scan sees, which checks the
server facts in rules/tls/servers.yaml (mod_ssl's own DH parameters and `:!aNULL:!eNULL:!EXP`;
HAProxy's DHE only with DH parameters) and the certificate narrowing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qscan import scan as scan_paths
from qscan.protocols import tls
from tests.conftest import need_program
from tests.scan.tls.servers import ffdhe2048_params, free_port, start_program, stop_program

pytestmark = pytest.mark.slow

_MODULES = Path("/usr/lib/apache2/modules")


def _live_and_configured(scan, proc, port: int, config: Path, component: str):
    try:
        live = {
            f.params["suite"] for f in scan(f"localhost:{port}").at(port, "tls1.2 cipher suite")
        }
    finally:
        stop_program(proc)
    configured = {
        f.params["suite"]
        for f in scan_paths(str(config)).findings
        if f.location.component == component
    }
    return live, configured


@pytest.mark.parametrize(
    ("kind", "ciphers", "expected"),
    [
        ("rsa", "HIGH", {"au": {"RSA"}, "dhe": True}),
        ("ecdsa", "HIGH", {"au": {"ECDSA"}, "dhe": False}),
        ("rsa", "NULL-SHA256:AES128-SHA:@SECLEVEL=0", {"au": {"RSA"}, "dhe": False}),
    ],
    ids=["rsa", "ecdsa", "null"],
)
@pytest.mark.needs_apache
def test_apache_configuration_lists_what_it_offers(chains, scan, tmp_path, kind, ciphers, expected):
    """mod_ssl has DH parameters of its own and never offers NULL suites."""
    apache = need_program("apache2")
    if not (_MODULES / "mod_ssl.so").exists():
        pytest.skip("mod_ssl is not installed")
    port = free_port()
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    config = tmp_path / "httpd.conf"
    config.write_text(
        f"ServerRoot {tmp_path}\nDefaultRuntimeDir {tmp_path}\nPidFile {tmp_path}/httpd.pid\n"
        f"ErrorLog {tmp_path}/error.log\n{user}ServerName localhost\n"
        f"LoadModule mpm_event_module {_MODULES}/mod_mpm_event.so\n"
        f"LoadModule authz_core_module {_MODULES}/mod_authz_core.so\n"
        f"LoadModule ssl_module {_MODULES}/mod_ssl.so\n"
        f"Listen 127.0.0.1:{port}\n<VirtualHost 127.0.0.1:{port}>\n  SSLEngine on\n"
        f"  SSLCertificateFile {chains[kind].certfile}\n"
        f"  SSLCertificateKeyFile {chains[kind].keyfile}\n"
        f"  SSLProtocol TLSv1.2\n  SSLCipherSuite {ciphers}\n</VirtualHost>\n"
    )
    proc = start_program([apache, "-f", str(config), "-DFOREGROUND"], port, "apache2")
    live, configured = _live_and_configured(scan, proc, port, config, "apache SSLCipherSuite")
    assert live and configured == live
    suites = [tls.suite_by_name(name) for name in live]
    assert {s.au for s in suites} == expected["au"]
    assert any(s.kx == "DHE" for s in suites) == expected["dhe"]


@pytest.mark.parametrize(
    ("kind", "global_dh", "in_crt", "dhe"),
    [
        ("rsa", "", False, False),
        ("rsa", "tune.ssl.default-dh-param 2048", False, True),
        ("rsa", "", True, True),
        ("ecdsa", "", False, False),
    ],
    ids=["rsa", "rsa-default-dh-param", "rsa-dh-in-crt", "ecdsa"],
)
@pytest.mark.needs_haproxy
def test_haproxy_configuration_lists_what_it_offers(
    chains, scan, tmp_path, kind, global_dh, in_crt, dhe
):
    """HAProxy 2.6 offers DHE suites only with DH parameters; the crt's key type decides
    the authentication."""
    haproxy = need_program("haproxy")
    port = free_port()
    crt = tmp_path / "site.pem"
    extra = ffdhe2048_params(tmp_path / "dh.pem").read_bytes() if in_crt else b""
    crt.write_bytes(chains[kind].certfile.read_bytes() + chains[kind].keyfile.read_bytes() + extra)
    config = tmp_path / "haproxy.cfg"
    config.write_text(
        f"global\n  crt-base {tmp_path}\n  ssl-default-bind-ciphers HIGH\n  {global_dh}\n"
        "defaults\n  mode http\n  timeout client 5s\n  timeout server 5s\n  timeout connect 5s\n"
        f"frontend f\n  bind 127.0.0.1:{port} ssl crt site.pem ssl-min-ver TLSv1.2 "
        "ssl-max-ver TLSv1.2\n  http-request return status 200\n"
    )
    proc = start_program([haproxy, "-f", str(config), "-db"], port, "haproxy")
    live, configured = _live_and_configured(
        scan, proc, port, config, "haproxy ssl-default-bind-ciphers"
    )
    assert live and configured == live
    suites = [tls.suite_by_name(name) for name in live]
    assert {s.au for s in suites} == {kind.upper()}
    assert any(s.kx == "DHE" for s in suites) == dhe
