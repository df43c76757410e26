"""A configured cipher string lists only the suites its server can negotiate: DHE suites only
with DH parameters where the server program needs them, only the suites the configured
certificates' key types authenticate; what the file cannot show stays listed, with the reason
in context.not_narrowed. (The live comparison with Debian's nginx is in
tests/scan/tls/test_nginx.py.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519
from cryptography.x509.oid import NameOID

from qscan.model import Finding
from qscan.protocols import tls
from qscan.scan.interface import ScanOptions
from qscan.scan.registry import file_scanners
from qscan.scan.repo.configs.negotiation import ServerSetup, negotiable
from qscan.scan.repo.configs.tls_settings import expand_cipher_string
from qscan.targets import parse_target
from tests.scan.tls.servers import ffdhe2048_params, make_chain


def scan(target: Path, root: Path | None = None) -> list[Finding]:
    options = ScanOptions(workers=1, root=root)
    records = file_scanners()[0].scan(parse_target(str(target)), options)
    return [r for r in records if isinstance(r, Finding)]


def suites(findings: list[Finding], component: str) -> list[Finding]:
    return [f for f in findings if f.location.component == component and "suite" in f.params]


def authentications(found: list[Finding]) -> set[str]:
    return {f.params["au"] for f in found}


def has_dhe(found: list[Finding]) -> bool:
    return any(f.params["kx"] == "DHE" for f in found)


def nginx(tmp_path: Path, server: str, http: str = "", name: str = "nginx.conf") -> Path:
    conf = tmp_path / name
    conf.write_text(f"http {{\n{http}\n server {{\n  listen 443 ssl;\n{server}\n }}\n}}\n")
    return conf


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("certs")
    found = {kind: make_chain(base, kind).certfile for kind in ("rsa", "ecdsa")}
    ffdhe2048_params(base / "dh.pem")
    found["dh"] = base / "dh.pem"
    return found


# -- DH parameters ---------------------------------------------------------------------


def test_nginx_lists_dhe_suites_only_with_ssl_dhparam(tmp_path, certs):
    cert = f"  ssl_certificate {certs['rsa']};\n  ssl_ciphers HIGH;"
    without = suites(scan(nginx(tmp_path, cert)), "nginx ssl_ciphers")
    assert without and not has_dhe(without)
    assert not any("not_narrowed" in f.context for f in without)
    with_dh = suites(
        scan(nginx(tmp_path, cert + f"\n  ssl_dhparam {certs['dh']};")), "nginx ssl_ciphers"
    )
    assert has_dhe(with_dh)
    assert {f.params["suite"] for f in with_dh} - {f.params["suite"] for f in without} == {
        f.params["suite"] for f in with_dh if f.params["kx"] == "DHE"
    }


def test_nginx_server_inherits_ssl_dhparam_from_http(tmp_path, certs):
    conf = nginx(
        tmp_path, f"  ssl_certificate {certs['rsa']};\n  ssl_ciphers HIGH;", "ssl_dhparam dh.pem;"
    )
    assert has_dhe(suites(scan(conf), "nginx ssl_ciphers"))


def test_nginx_http_level_string_meets_its_servers_settings(tmp_path, certs):
    """A string in the http block applies to the servers without their own: their
    certificates and DH parameters count."""
    conf = nginx(
        tmp_path,
        f"  ssl_certificate {certs['ecdsa']};\n  ssl_dhparam {certs['dh']};",
        "ssl_ciphers HIGH;",
    )
    found = suites(scan(conf), "nginx ssl_ciphers")
    assert authentications(found) == {"ECDSA"}
    assert not has_dhe(found)  # DHE-ECDSA does not exist; the DH setting is seen
    assert found[0].context["certificate_keys"] == ["ECDSA"]


def test_nginx_site_file_keeps_dhe_suites_and_says_why(tmp_path, certs):
    """A server block without its http block: ssl_dhparam may be set in nginx.conf."""
    conf = tmp_path / "site.conf"
    conf.write_text(f"server {{\n  ssl_certificate {certs['rsa']};\n  ssl_ciphers HIGH;\n}}\n")
    found = suites(scan(conf), "nginx ssl_ciphers")
    assert has_dhe(found) and authentications(found) == {"RSA"}
    (reason,) = found[0].context["not_narrowed"]
    assert reason.startswith("DH parameters: ssl_dhparam may be set where this file is included")


def test_nginx_reads_included_files(tmp_path, certs):
    (tmp_path / "ssl-params.conf").write_text(f"ssl_dhparam {certs['dh']};\n")
    server = f"  ssl_certificate {certs['rsa']};\n  ssl_ciphers HIGH;\n  include ssl-params.conf;"
    assert has_dhe(suites(scan(nginx(tmp_path, server)), "nginx ssl_ciphers"))
    (tmp_path / "ssl-params.conf").write_text(f"ssl_certificate {certs['ecdsa']};\n")
    found = suites(scan(nginx(tmp_path, server)), "nginx ssl_ciphers")
    assert authentications(found) == {"RSA", "ECDSA"}  # and no DHE: DSS suites are DHE
    assert (
        "certificate: included ssl-params.conf sets ssl_certificate"
        in (found[0].context["not_narrowed"])
    )
    (tmp_path / "conf.d").mkdir()
    empty = suites(
        scan(nginx(tmp_path, server.replace("ssl-params.conf", "conf.d/*.conf"))),
        "nginx ssl_ciphers",
    )
    assert not has_dhe(empty) and "not_narrowed" not in empty[0].context
    missing = nginx(tmp_path, server.replace("ssl-params.conf", "missing/*.conf"))
    found = suites(scan(missing), "nginx ssl_ciphers")
    assert has_dhe(found)
    assert (
        "DH parameters: include missing/*.conf matches no file here"
        in (found[0].context["not_narrowed"])
    )


def test_haproxy_offers_dhe_only_with_dh_parameters(tmp_path, certs):
    bundle = tmp_path / "site.pem"
    bundle.write_bytes(certs["rsa"].read_bytes())
    base = "global\n  ssl-default-bind-ciphers HIGH\n{extra}\nfrontend f\n  bind :443 ssl crt site.pem\n"
    conf = tmp_path / "haproxy.cfg"

    def found(extra: str) -> list[Finding]:
        conf.write_text(base.format(extra=extra))
        return suites(scan(conf), "haproxy ssl-default-bind-ciphers")

    plain = found("")
    assert plain and not has_dhe(plain) and authentications(plain) == {"RSA"}
    assert has_dhe(found("  tune.ssl.default-dh-param 2048"))
    assert has_dhe(found(f"  ssl-dh-param-file {certs['dh']}"))
    bundle.write_bytes(certs["rsa"].read_bytes() + certs["dh"].read_bytes())
    assert has_dhe(found(""))


def test_haproxy_crt_base_and_bind_ciphers(tmp_path, certs):
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "api.pem").write_bytes(certs["ecdsa"].read_bytes())
    conf = tmp_path / "haproxy.cfg"
    conf.write_text(
        "global\n  crt-base certs\n  ssl-default-bind-ciphers HIGH\n"
        "frontend f\n  bind :443 ssl crt api.pem ciphers ECDHE+AESGCM:RSA+AESGCM\n"
        "backend b\n  server s 10.0.0.1:443 ssl ciphers ECDHE+AESGCM:RSA+AESGCM\n"
    )
    findings = scan(conf)
    assert authentications(suites(findings, "haproxy bind ciphers")) == {"ECDSA"}
    client = suites(findings, "haproxy server ciphers")
    assert authentications(client) == {"RSA", "ECDSA"}
    assert not any("not_narrowed" in f.context for f in client)
    default = suites(findings, "haproxy ssl-default-bind-ciphers")
    assert (
        "certificate: no ssl bind line with a crt in this file"
        in (default[0].context["not_narrowed"])
    )


def test_apache_has_dh_parameters_and_never_null_suites(tmp_path, certs):
    conf = tmp_path / "ssl.conf"
    conf.write_text(
        "<VirtualHost *:443>\n"
        f"  SSLCertificateFile {certs['rsa']}\n"
        "  SSLCipherSuite HIGH:NULL-SHA256:@SECLEVEL=0\n"
        "</VirtualHost>\n"
    )
    found = suites(scan(conf), "apache SSLCipherSuite")
    assert has_dhe(found) and authentications(found) == {"RSA"}
    assert not any(f.params.get("null") or f.params.get("anon") for f in found)


def test_apache_server_wide_string_meets_the_hosts_that_inherit_it(tmp_path, certs):
    conf = tmp_path / "ssl.conf"
    conf.write_text(
        "SSLCipherSuite HIGH\n"
        f"<VirtualHost *:443>\n  SSLCertificateFile {certs['ecdsa']}\n</VirtualHost>\n"
        f"<VirtualHost *:8443>\n  SSLCertificateFile {certs['rsa']}\n"
        "  SSLCipherSuite ECDHE+AESGCM\n</VirtualHost>\n"
    )
    by_line: dict[int, set[str]] = {}
    for f in suites(scan(conf), "apache SSLCipherSuite"):
        by_line.setdefault(f.location.line, set()).add(f.params["au"])
    assert by_line == {1: {"ECDSA"}, 7: {"RSA"}}


def test_ingress_nginx_configmap_sets_the_dh_parameters(tmp_path):
    doc = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ingress-nginx-controller\n"
        "data:\n  ssl-ciphers: HIGH\n{extra}"
    )
    conf = tmp_path / "configmap.yaml"
    conf.write_text(doc.format(extra=""))
    assert not has_dhe(suites(scan(conf), "ingress-nginx ssl-ciphers"))
    conf.write_text(doc.format(extra="  ssl-dh-param: ingress-nginx/dhparam\n"))
    assert has_dhe(suites(scan(conf), "ingress-nginx ssl-ciphers"))


# -- certificates ----------------------------------------------------------------------


def test_nginx_lists_the_suites_of_each_certificate_type(tmp_path, certs):
    both = f"  ssl_certificate {certs['rsa']};\n  ssl_certificate {certs['ecdsa']};\n  ssl_ciphers HIGH;"
    found = suites(scan(nginx(tmp_path, both)), "nginx ssl_ciphers")
    assert authentications(found) == {"RSA", "ECDSA"}
    assert found[0].context["certificate_keys"] == ["ECDSA", "RSA"]


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("missing.pem", "certificate: missing.pem cannot be read"),
        ("$ssl_server_name.pem", "certificate: $ssl_server_name.pem is not a plain path"),
    ],
)
def test_an_unread_certificate_leaves_the_list_whole(tmp_path, reference, reason):
    found = suites(
        scan(nginx(tmp_path, f"  ssl_certificate {reference};\n  ssl_ciphers HIGH;")),
        "nginx ssl_ciphers",
    )
    assert authentications(found) == {"RSA", "ECDSA"}
    assert reason in found[0].context["not_narrowed"]
    assert "certificate_keys" not in found[0].context


def test_folder_scan_reads_certificates_inside_the_folder_only(tmp_path, certs):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "site.pem").write_bytes(certs["ecdsa"].read_bytes())
    nginx(repo, "  ssl_certificate site.pem;\n  ssl_ciphers HIGH;")
    findings = scan(repo)
    assert authentications(suites(findings, "nginx ssl_ciphers")) == {"ECDSA"}
    # the certificate itself is the walk's finding, reported once
    keys = [f for f in findings if f.location.component == "certificate chain[0] public key"]
    assert len(keys) == 1 and "referenced_from" not in keys[0].context
    nginx(repo, f"  ssl_certificate {certs['rsa']};\n  ssl_ciphers HIGH;")
    found = suites(scan(repo), "nginx ssl_ciphers")
    assert authentications(found) == {"RSA", "ECDSA"}
    assert (
        f"certificate: {certs['rsa']} is outside the scanned folder"
        in (found[0].context["not_narrowed"])
    )
    outside = suites(scan(repo / "nginx.conf", root=repo), "nginx ssl_ciphers")
    assert (
        f"certificate: {certs['rsa']} is outside the scan root"
        in (outside[0].context["not_narrowed"])
    )


def _self_signed(key, digest) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2025, 1, 1))
        .not_valid_after(dt.datetime(2035, 1, 1))
    )
    return builder.sign(key, digest)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("dsa", {"DSS"}),
        ("ed25519", {"ECDSA"}),
        ("ec", {"ECDSA"}),
    ],
)
def test_certificate_key_types_authenticate_their_suites(tmp_path, kind, expected):
    key = {
        "dsa": lambda: dsa.generate_private_key(2048),
        "ed25519": ed25519.Ed25519PrivateKey.generate,
        "ec": lambda: ec.generate_private_key(ec.SECP384R1()),
    }[kind]()
    digest = None if kind == "ed25519" else hashes.SHA256()
    cert = _self_signed(key, digest)
    (tmp_path / "site.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    conf = nginx(
        tmp_path,
        "  ssl_certificate site.pem;\n  ssl_ciphers ALL:!aNULL:@SECLEVEL=0;\n  ssl_dhparam x;",
    )
    assert authentications(suites(scan(conf), "nginx ssl_ciphers")) == expected


def test_rsa_pss_key_authenticates_but_does_not_transport_keys():
    """OpenSSL serves aRSA suites with an RSASSA-PSS key, never RSA key transport."""
    pss = ServerSetup(dh_parameters=True, certificate_keys=frozenset({"RSA-PSS"}))
    plain = ServerSetup(dh_parameters=True, certificate_keys=frozenset({"RSA"}))
    mldsa = ServerSetup(dh_parameters=True, certificate_keys=frozenset({"ML-DSA-65"}))
    transport = tls.suite_by_name("TLS_RSA_WITH_AES_128_GCM_SHA256")
    signed = tls.suite_by_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
    assert negotiable(transport, plain, False) and negotiable(signed, plain, False)
    assert not negotiable(transport, pss, False) and negotiable(signed, pss, False)
    assert not negotiable(signed, mldsa, False)


def test_excluded_names_remove_suites_added_by_name():
    """RC4-SHA is not in Debian's OpenSSL 3 and is added by name, unless `!RC4` or Apache's
    `:!aNULL:!eNULL:!EXP` removes it."""
    codepoints, missing = expand_cipher_string("AES128-SHA:RC4-SHA:EXP-RC4-MD5")
    if 0x0005 in codepoints:
        pytest.skip("this OpenSSL still has RC4")
    assert missing == ("RC4-SHA", "EXP-RC4-MD5")
    assert expand_cipher_string("AES128-SHA:RC4-SHA:EXP-RC4-MD5:!RC4")[1] == ()
    apache = ServerSetup(suffix=":!aNULL:!eNULL:!EXP")
    assert expand_cipher_string("AES128-SHA:RC4-SHA:EXP-RC4-MD5", apache)[1] == ("RC4-SHA",)
