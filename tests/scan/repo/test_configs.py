"""Configuration findings have the shape of the endpoint scanners' findings, cipher strings
are expanded by OpenSSL, referenced files are read when a config file is the target, and
the repo rules judge what the parsers report."""

from __future__ import annotations

import ssl
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from qscan.assess.engine import assess
from qscan.model import Finding, Inventory, Location
from qscan.protocols import ssh, tls
from qscan.scan.interface import ScanOptions
from qscan.scan.registry import file_scanners
from qscan.scan.repo.configs.negotiation import ServerSetup
from qscan.scan.repo.configs.tls_settings import expand_cipher_string
from qscan.targets import parse_target

SHAPE = ("algorithm", "function", "asset", "params", "identity")


def scan(target: Path) -> list[Finding]:
    records = file_scanners()[0].scan(parse_target(str(target)), ScanOptions(workers=1))
    return [r for r in records if isinstance(r, Finding)]


def judged(findings: list[Finding]) -> list[Finding]:
    return assess(Inventory(findings=list(findings)), "nist-ir-8547").findings


def shape(f: Finding) -> tuple:
    return tuple(getattr(f, k) for k in SHAPE)


_NEEDS_SET_UP = {"kx-psk", "kx-dhe-psk", "kx-ecdhe-psk", "kx-rsa-psk", "kx-srp"}


def _oracle(spec: str, srp: bool = False, anonymous: bool = False) -> list[int]:
    """OpenSSL's own expansion, less what OpenSSL's own descriptors say a server cannot
    agree on without set-up: PSK (a callback), SRP (a verifier), aNULL (security level 0)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.set_ciphers(spec if "@SECLEVEL" in spec else spec + ":@SECLEVEL=0")
    return [
        c["id"] & 0xFFFF
        for c in context.get_ciphers()
        if c["protocol"] != "TLSv1.3"
        and (c["kea"] not in _NEEDS_SET_UP or (srp and c["kea"] == "kx-srp"))
        and (c["auth"] != "auth-null" or anonymous)
    ]


def test_cipher_string_is_expanded_by_openssl():
    spec = "HIGH:!aNULL:!MD5"
    codepoints, missing = expand_cipher_string(spec)
    assert list(codepoints) == _oracle(spec) and len(codepoints) > 20
    assert missing == ()


def test_only_negotiable_suites_are_listed():
    """HIGH names PSK, SRP and anonymous suites; a server agrees on none of them without a
    PSK callback, an SRP verifier or security level 0."""
    codepoints, _ = expand_cipher_string("HIGH")
    suites = [tls.suite(cp) for cp in codepoints]
    assert codepoints and list(codepoints) == _oracle("HIGH")
    assert not [s.name for s in suites if "PSK" in s.name or "SRP" in s.name or s.anon]
    with_srp, _ = expand_cipher_string("HIGH", ServerSetup(srp=True))
    assert list(with_srp) == _oracle("HIGH", srp=True)
    assert {tls.suite(cp).name for cp in with_srp} - {s.name for s in suites} == {
        tls.suite(cp).name for cp in with_srp if "SRP" in tls.suite(cp).name
    }
    level_zero, _ = expand_cipher_string("HIGH:@SECLEVEL=0")
    assert list(level_zero) == _oracle("HIGH:@SECLEVEL=0", anonymous=True)
    assert any(tls.suite(cp).anon for cp in level_zero)
    _, missing = expand_cipher_string("ECDHE-RSA-AES128-GCM-SHA256:PSK-RC4-SHA:ADH-RC4-MD5")
    assert missing == ()


def test_named_suites_this_openssl_lacks_are_kept():
    codepoints, missing = expand_cipher_string("ECDHE-RSA-AES128-GCM-SHA256:RC4-SHA")
    assert 0xC02F in codepoints
    if 0x0005 not in codepoints:  # Debian's OpenSSL 3 has no RC4
        assert missing == ("RC4-SHA",)


def test_nginx_findings_have_the_tls_scanner_shape(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "http {\n server {\n  listen 443 ssl;\n"
        "  ssl_protocols TLSv1.2;\n"
        "  ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n"
        "  ssl_ecdh_curve X25519:prime256v1;\n }\n}\n"
    )
    findings = {f.location.component + f.algorithm: f for f in scan(conf)}
    loc = Location(target="x")
    version = findings["nginx ssl_protocolsTLS 1.2"]
    assert shape(version) == shape(tls.version_finding(tls.version_by_id("tls1.2"), loc))
    suite = findings["nginx ssl_ciphersECDH"]
    assert shape(suite) == shape(tls.suite_finding(tls.suite(0xC02F), loc))
    assert suite.location.line == 5 and suite.location.path == "nginx.conf"
    group = findings["nginx ssl_ecdh_curveX25519"]
    assert shape(group) == shape(tls.group_finding(tls.group_by_name("x25519"), loc))
    assert group.context["hybrid_supported"] is False


def test_sshd_config_findings_have_the_ssh_scanner_shape(tmp_path):
    conf = tmp_path / "sshd_config"
    conf.write_text("KexAlgorithms +diffie-hellman-group14-sha1\nCiphers aes256-ctr\n")
    findings = scan(conf)
    kex = [f for f in findings if f.location.component == "ssh kex"]
    resolved = ssh.resolve_algorithm_list(
        "+diffie-hellman-group14-sha1",
        ssh.openssh_defaults("10.0")["kex"],
        ssh.supported_names("kex"),
    )
    expected = ssh.kex_findings(resolved, Location(target="x"))
    assert [shape(f) for f in kex] == [shape(f) for f in expected]
    assert {f.location.line for f in kex} == {1}
    assert kex[0].context["openssh_defaults"] == "10.0"
    protocol = next(f for f in findings if f.location.component == "ssh protocol")
    assert protocol.context["pq_kex_offered"] is True


def _pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_private_key_in_code_is_a_critical_hygiene_finding(tmp_path):
    pem = _pem(rsa.generate_private_key(65537, 2048))
    lines = pem.strip().split("\n")
    java = (
        "class K {\n  String k =\n    "
        + " +\n    ".join(f'"{line}\\n"' for line in lines)
        + ";\n}\n"
    )
    (tmp_path / "K.java").write_text(java)
    filler = "".join(f"# setting {i}\n" for i in range(400))
    (tmp_path / "settings.py").write_text(filler + 'KEY = """' + pem + '"""\n')
    findings = judged(scan(tmp_path))
    storage = [f for f in findings if f.function == "key-storage"]
    assert sorted((f.location.path, f.location.line) for f in storage) == [
        ("K.java", 3),
        ("settings.py", 401),
    ]
    assert all(f.verdict.rule == "QS500" and f.verdict.severity == "critical" for f in storage)
    body = lines[1]
    assert all(body not in f.evidence and body[:20] not in str(f.context) for f in findings)


def test_test_paths_are_marked_and_judged_more_mildly(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_keys.py").write_text(
        "from cryptography.hazmat.primitives.asymmetric import rsa\n"
        "rsa.generate_private_key(65537, 1024)\n"
    )
    pem = _pem(ec.generate_private_key(ec.SECP256R1()))
    (tmp_path / "tests" / "fixture.pem").write_text(pem)
    (tmp_path / "app.py").write_text(
        "from cryptography.hazmat.primitives.asymmetric import rsa\n"
        "rsa.generate_private_key(65537, 1024)\n"
    )
    findings = judged(scan(tmp_path))
    by = {(f.location.path, f.function): f for f in findings}
    app = by[("app.py", "key-generation")]
    assert app.context["material_scope"] == "production" and app.verdict.rule == "QS154"
    test = by[("tests/test_keys.py", "key-generation")]
    assert test.context["material_scope"] == "test" and test.verdict.rule == "QS250"
    fixture = by[("tests/fixture.pem", "key-storage")]
    assert fixture.verdict.rule == "QS510" and fixture.verdict.severity == "medium"


def test_configured_groups_are_judged_for_a_missing_hybrid(tmp_path):
    (tmp_path / "a.conf").write_text("server {\n  ssl_ecdh_curve X25519:prime256v1;\n}\n")
    (tmp_path / "b.conf").write_text("server {\n  ssl_ecdh_curve X25519MLKEM768:X25519;\n}\n")
    (tmp_path / "c.conf").write_text("server {\n  ssl_ecdh_curve X25519:X25519MLKEM768;\n}\n")
    findings = judged(scan(tmp_path))
    summary = {
        f.location.path: f.verdict.rule
        for f in findings
        if f.location.component.endswith("(configured)")
    }
    assert summary == {"a.conf": "QS150", "b.conf": "QS152", "c.conf": "QS151"}


def test_jwt_algorithms_in_code_are_judged(tmp_path):
    (tmp_path / "t.js").write_text(
        "const jwt = require('jsonwebtoken');\n"
        "jwt.sign(p, k, { algorithm: 'RS256' });\n"
        "jwt.verify(t, k, { algorithms: ['none'] });\n"
    )
    rules = {f.location.line: f.verdict.rule for f in judged(scan(tmp_path))}
    assert rules == {2: "QS155", 3: "QS156"}


def test_referenced_certificate_is_read_when_the_config_is_the_target(tmp_path):
    key = ec.generate_private_key(ec.SECP384R1())
    (tmp_path / "site.key").write_text(_pem(key))
    conf = tmp_path / "nginx.conf"
    conf.write_text("server {\n  listen 443 ssl;\n  ssl_certificate_key site.key;\n}\n")
    single = [f for f in scan(conf) if f.location.path == "site.key"]
    assert single and single[0].params.get("curve") == "P-384"
    assert single[0].context["referenced_from"] == "nginx.conf:3"
    # scanning the folder: the walker reads site.key itself, once
    folder = [f for f in scan(tmp_path) if f.location.path == "site.key"]
    assert len(folder) == len(single)


def test_referenced_dh_parameters_are_key_exchange(tmp_path):
    from tests.scan.tls.servers import ffdhe2048_params

    ffdhe2048_params(tmp_path / "dhparam.pem")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        "server {\n  listen 443 ssl;\n  ssl_dhparam dhparam.pem;\n"
        "  ssl_ciphers DHE-RSA-AES128-GCM-SHA256;\n}\n"
    )
    dh = [f for f in judged(scan(conf)) if f.algorithm == "DH"]
    by_place = {(f.location.path, f.location.component): f for f in dh}
    params = by_place[("dhparam.pem", "DH parameters")]
    assert params.context["referenced_from"] == "nginx.conf:3"
    suite = by_place[("nginx.conf", "nginx ssl_ciphers")]
    assert suite.params["kx"] == "DHE"
    for finding in (params, suite):
        assert finding.function == "key-exchange" and finding.verdict.rule == "QS101"
        assert "ML-KEM" in finding.verdict.fix or "X25519MLKEM768" in finding.verdict.fix


def test_sha1_signature_schemes_in_a_config_are_disabled_not_reissued():
    corpus = Path(__file__).resolve().parents[2] / "corpus" / "openssl-cnf"
    rules = {
        (f.algorithm, f.params["hash"]): f.verdict.rule
        for f in judged(scan(corpus / "legacy-sigalgs.cnf"))
        if f.location.component.endswith("SignatureAlgorithms")
    }
    assert rules == {
        ("RSA", "SHA-1"): "QS230",
        ("ECDSA", "SHA-1"): "QS230",
        ("RSA", "SHA-256"): "QS202",  # the key size is not in the configuration
        ("ECDSA", "SHA-256"): "QS201",
    }


def test_kubernetes_tls_secret_certificate_is_scanned(tmp_path):
    import base64
    from datetime import datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(65537, 2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "k8s")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(datetime(2026, 1, 1))
        .not_valid_after(datetime(2026, 1, 1) + timedelta(days=90))
        .sign(key, hashes.SHA256())
    )
    crt = base64.b64encode(cert.public_bytes(serialization.Encoding.PEM)).decode()
    tls_key = base64.b64encode(_pem(key).encode()).decode()
    (tmp_path / "secret.yaml").write_text(
        f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: web\ntype: kubernetes.io/tls\n"
        f"data:\n  tls.crt: {crt}\n  tls.key: {tls_key}\n"
    )
    findings = judged(scan(tmp_path))
    assert {(f.location.line, f.location.component) for f in findings} >= {
        (7, "certificate public key"),
        (8, "private key file"),
    }
    assert next(f for f in findings if f.function == "key-storage").verdict.rule == "QS500"


def test_apache_lists_srp_suites_only_with_a_verifier_file(tmp_path):
    conf = tmp_path / "ssl.conf"
    conf.write_text(
        "SSLCipherSuite HIGH\n"
        "<VirtualHost *:443>\n  SSLSRPVerifierFile /etc/apache2/passwd.srpv\n"
        "  SSLCipherSuite HIGH\n</VirtualHost>\n"
        "<VirtualHost *:8443>\n  SSLCipherSuite HIGH\n</VirtualHost>\n"
    )
    srp_lines = {
        f.location.line
        for f in scan(conf)
        if f.location.component == "apache SSLCipherSuite" and "SRP" in f.params["suite"]
    }
    assert srp_lines == {4}
