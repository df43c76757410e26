"""Bad input: every malformed file gives an error record or a clean skip, and the rest of
the repository is still scanned."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from qscan.model import Finding, ScanError
from qscan.scan.interface import ScanOptions
from qscan.scan.registry import file_scanners
from qscan.targets import parse_target

GOOD = b'import hashlib\nhashlib.md5(b"x")\n'


def scan(root: Path, **opts) -> tuple[list[Finding], list[ScanError]]:
    records = list(file_scanners()[0].scan(parse_target(str(root)), ScanOptions(workers=1, **opts)))
    return (
        [r for r in records if isinstance(r, Finding)],
        [r for r in records if isinstance(r, ScanError)],
    )


def write(root: Path, name: str, data: bytes | str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)


MALFORMED = {
    "nginx/site.conf": "server {\n  listen 443 ssl;\n  ssl_protocols TLSv1.2;\n  location / {\n",
    "nginx/extra.conf": "server { listen 80; }\n}\n",
    "nginx/quote.conf": 'server {\n  listen 443;\n  ssl_ciphers "HIGH:!aNULL;\n}\n',
    "apache/httpd.conf": "<VirtualHost *:443>\n  SSLEngine on\n  SSLProtocol TLSv1.2\n",
    "openssl.cnf": "[ req ]\ndefault_bits = 2048\nthis line is not an assignment\n",
    "main.cf": "smtpd_tls_protocols = >=TLSv1.2\n= no name\n",
    "infra/main.tf": 'resource "tls_private_key" "k" {\n  algorithm = "RSA\n}\n',
    "infra/open.tf": 'resource "tls_private_key" "k" {\n  algorithm = "RSA"\n',
    "k8s/bad.yaml": "apiVersion: v1\nkind: ConfigMap\ndata: [unclosed\n",
    "conf/server.xml": '<Server>\n  <Connector port="8443" SSLEnabled="true" protocols="TLSv1.2">\n</Server>\n',
    "conf/bomb/server.xml": (
        '<?xml version="1.0"?>\n<!DOCTYPE Server [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        '<Server><Connector SSLEnabled="true" ciphers="&b;"/></Server>\n'
    ),
    "etc/ssh/sshd_config": "KexAlgorithms\nCiphers aes128-ctr\n",
    "certs/corrupt.pem": "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n",
}


def test_malformed_files_become_errors_and_the_scan_goes_on(tmp_path):
    for name, content in MALFORMED.items():
        write(tmp_path, name, content)
    write(tmp_path, "app/good.py", GOOD)
    findings, errors = scan(tmp_path)
    erred = {e.path for e in errors}
    for name in MALFORMED:
        assert name in erred, f"{name}: no error record ({[e.message for e in errors]})"
    assert all(e.kind in ("parse-error", "config-value", "corrupt-pem") for e in errors), errors
    assert any(f.location.path == "app/good.py" and f.algorithm == "MD5" for f in findings)
    # what was read before the damage still counts
    assert any(f.location.path == "nginx/site.conf" and f.algorithm == "TLS 1.2" for f in findings)
    assert any(
        f.location.path == "apache/httpd.conf" and f.algorithm == "TLS 1.2" for f in findings
    )
    assert not any(f.location.path == "conf/bomb/server.xml" for f in findings)


def test_helm_templates_are_skipped_quietly(tmp_path):
    write(
        tmp_path,
        "chart/templates/cert.yaml",
        "apiVersion: v1\nkind: Secret\ndata:\n  {{- range .Values.x }}\n  a: {{ . }}\n",
    )
    findings, errors = scan(tmp_path)
    assert findings == [] and errors == []


def test_huge_single_line_and_minified_files_are_skipped_fast(tmp_path):
    bundle = b"var a=require('crypto');a.createHash('md5');" + b"x=1;" * 2_000_000
    write(tmp_path, "dist/app.js", bundle)
    write(tmp_path, "dist/app.min.js", b"require('crypto').createHash('md5')")
    write(tmp_path, "one-line.conf", b"server { " + b"listen 80; " * 300_000 + b"}")
    write(tmp_path, "app/good.py", GOOD)
    started = time.monotonic()
    findings, errors = scan(tmp_path)
    assert time.monotonic() - started < 20
    assert [f.location.path for f in findings] == ["app/good.py"]
    assert errors == []


def test_encodings_boms_and_binary_lookalikes(tmp_path):
    java = 'class A { Object k = java.security.KeyPairGenerator.getInstance("RSA"); }\n'
    write(tmp_path, "Bom.java", b"\xef\xbb\xbf" + java.encode())
    write(tmp_path, "Utf16.java", b"\xff\xfe" + java.encode("utf-16-le"))
    write(tmp_path, "Utf16NoBom.java", java.encode("utf-16-le"))
    write(tmp_path, "latin1.py", b"# caf\xe9 \xff\xfe\nimport hashlib\nhashlib.sha1(b'x')\n")
    write(tmp_path, "binary.py", b"\x00\x01\x02hashlib.md5()\x00" * 100)
    write(tmp_path, "image.js", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    findings, errors = scan(tmp_path)
    got = sorted((f.location.path, f.algorithm, f.location.line) for f in findings)
    assert got == [
        ("Bom.java", "RSA", 1),
        ("Utf16.java", "RSA", 1),
        ("Utf16NoBom.java", "RSA", 1),
        ("latin1.py", "SHA-1", 3),
    ]
    assert errors == []


def test_unreadable_files_are_recorded(tmp_path, monkeypatch):
    write(tmp_path, "secret.py", GOOD)
    write(tmp_path, "ok.py", GOOD)
    real_open = os.open

    def refusing(path, flags, *args, **kwargs):
        if str(path).endswith("secret.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    findings, errors = scan(tmp_path)
    assert [(e.kind, e.path) for e in errors] == [("unreadable", "secret.py")]
    assert [f.location.path for f in findings] == ["ok.py"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_folder_by_mode(tmp_path):
    write(tmp_path, "locked/a.py", GOOD)
    write(tmp_path, "b.py", GOOD)
    (tmp_path / "locked").chmod(0)
    try:
        findings, errors = scan(tmp_path)
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert [e.kind for e in errors] == ["unreadable"]
    assert [f.location.path for f in findings] == ["b.py"]


def test_fifo_and_devices_are_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    write(tmp_path, "ok.py", GOOD)
    findings, errors = scan(tmp_path)
    assert [f.location.path for f in findings] == ["ok.py"]
    assert errors == []


def test_deeply_nested_code_does_not_crash(tmp_path):
    write(
        tmp_path, "deep.py", "import hashlib\nx = " + "(\n" * 2000 + "hashlib.md5()" + ")\n" * 2000
    )
    write(
        tmp_path,
        "deep.js",
        "const c = require('crypto');\nx = "
        + "[\n" * 5000
        + "c.createHash('md5')"
        + "]\n" * 5000
        + ";\n",
    )
    write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    findings, errors = scan(tmp_path)
    assert {f.location.path for f in findings} == {"deep.py", "deep.js"}
    assert errors == []
