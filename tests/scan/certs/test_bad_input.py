"""Bad input never crashes the scan and never disappears silently: each problem is an error
record (or a correct result) and the rest of the folder is still inventoried."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qscan.model import Finding, Inventory, ScanError
from qscan.render import RENDERERS, RenderOptions
from qscan.scan.certs import analyze_bytes
from qscan.scan.interface import FileContext, ScanOptions
from tests.scan.certs import builders as b
from tests.scan.certs.conftest import scan_folder


def _good_cert(cn: str = "good.example") -> bytes:
    return b.pem(b.self_signed(cn, b.ec_key("P-256")))


def _errors(inventory: Inventory, path: str) -> list[ScanError]:
    return [e for e in inventory.errors if e.path == path]


def _findings(inventory: Inventory, path: str) -> list[Finding]:
    return [f for f in inventory.findings if f.location.path == path]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Every file type of trouble next to one good certificate."""
    good = _good_cert()
    der = b.der(b.self_signed("der.example", b.rsa_key(2048)))
    (tmp_path / "good.pem").write_bytes(good)
    (tmp_path / "truncated.der").write_bytes(der[: len(der) // 2])
    (tmp_path / "truncated.pem").write_bytes(good[: len(good) // 2])
    (tmp_path / "garbage.pem").write_bytes(
        b"-----BEGIN CERTIFICATE-----\nThis is not base64 at all!\n-----END CERTIFICATE-----\n"
    )
    (tmp_path / "garbage-der.crt").write_bytes(b"\x30\x03\x02\x01\x05")
    corrupt_block = b"-----BEGIN CERTIFICATE-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END CERTIFICATE-----\n"
    (tmp_path / "bundle.pem").write_bytes(
        _good_cert("one.example") + corrupt_block + _good_cert("two.example")
    )
    (tmp_path / "empty.pem").write_bytes(b"")
    (tmp_path / "junk.der").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "junk.bin").write_bytes(b"\x30\x82\xff\xff" + os.urandom(64))
    (tmp_path / "truncated.jks").write_bytes(
        b"\xfe\xed\xfe\xed\x00\x00\x00\x02\x00\x00\x00\x05\x00"
    )
    (tmp_path / "broken-openssh.key").write_bytes(
        b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
    )
    key = b.ec_key("P-256")
    cert = b.self_signed("p12.example", key)
    p12 = pkcs12.serialize_key_and_certificates(
        b"x", key, cert, None, serialization.BestAvailableEncryption(b"right-password")
    )
    (tmp_path / "wrong-password.p12").write_bytes(p12)
    (tmp_path / "corrupt.p12").write_bytes(p12[: len(p12) // 2])
    (tmp_path / "big.pem").write_bytes(good + b"#" * 5000)
    (tmp_path / os.fsdecode(b"cert-\xff\xfe.pem")).write_bytes(_good_cert("latin.example"))
    (tmp_path / "dangling.pem").symlink_to(tmp_path / "does-not-exist.pem")
    (tmp_path / "self-loop.pem").symlink_to(tmp_path / "self-loop.pem")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "loop").symlink_to(tmp_path)
    (sub / "inner.pem").write_bytes(_good_cert("inner.example"))
    return tmp_path


def test_every_problem_is_recorded_and_the_rest_completes(folder: Path) -> None:
    inventory = scan_folder_with_limit(folder, max_file_size=3000)
    kinds = {e.path: e.kind for e in inventory.errors}
    assert kinds["truncated.der"] == "unparseable"
    assert kinds["truncated.pem"] == "corrupt-pem"
    assert "no matching END" in _errors(inventory, "truncated.pem")[0].message
    assert kinds["garbage.pem"] == "corrupt-pem"
    assert kinds["garbage-der.crt"] == "unparseable"
    assert kinds["junk.der"] == "unrecognised"
    assert kinds["truncated.jks"] == "unparseable"
    assert kinds["broken-openssh.key"] == "corrupt-pem"
    assert kinds["wrong-password.p12"] == "locked-keystore"
    assert kinds["corrupt.p12"] == "unparseable"
    assert kinds["big.pem"] == "too-large"
    # a link to nothing hides nothing: a note
    assert "dangling.pem" not in kinds
    assert {n.path: n.kind for n in inventory.notes}["dangling.pem"] == "dangling-link"
    assert kinds["self-loop.pem"] == "symlink-loop"
    assert kinds["sub/loop"] == "symlink-loop"
    # a file that merely starts like DER but does not claim to be a certificate is not noise
    assert "junk.bin" not in kinds and not _findings(inventory, "junk.bin")
    # zero-byte files inside a folder are simply empty: no findings, no error
    assert "empty.pem" not in kinds and not _findings(inventory, "empty.pem")
    # the good files are all there
    assert {f.context["subject"] for f in _findings(inventory, "good.pem")} == {
        "CN=good.example,O=qscan tests"
    }
    assert _findings(inventory, "sub/inner.pem")
    latin = [f for f in inventory.findings if f.location.path.startswith("cert-")]
    assert latin and latin[0].location.path == "cert-\ufffd\ufffd.pem"
    RENDERERS["json"](inventory, RenderOptions())


def scan_folder_with_limit(folder: Path, max_file_size: int) -> Inventory:
    from qscan.pipeline import scan
    from qscan.targets import parse_target

    return scan(
        [parse_target(str(folder))], ScanOptions(max_file_size=max_file_size), "nist-ir-8547"
    )


def test_one_corrupt_block_among_good_ones(folder: Path) -> None:
    inventory = scan_folder(folder)
    subjects = {f.context["subject"] for f in _findings(inventory, "bundle.pem")}
    assert subjects == {"CN=one.example,O=qscan tests", "CN=two.example,O=qscan tests"}
    block = _good_cert("one.example").count(b"\n")
    (error,) = _errors(inventory, "bundle.pem")
    assert error.kind == "corrupt-pem" and error.message.startswith(f"line {block + 1}:")
    lines = sorted({f.location.line for f in _findings(inventory, "bundle.pem")})
    assert lines == [1, block + 4]


def test_locked_keystore_is_a_finding_and_an_error(folder: Path) -> None:
    inventory = scan_folder(folder)
    (locked,) = _findings(inventory, "wrong-password.p12")[-1:]
    assert (locked.asset, locked.algorithm, locked.function) == (
        "keystore",
        "unknown",
        "key-storage",
    )
    assert locked.context["locked"] is True
    assert locked.verdict and locked.verdict.rule == "QS210"
    opened = scan_folder(folder, passwords=("right-password",))
    assert not _errors(opened, "wrong-password.p12")
    assert any(
        f.location.component == "pkcs12 private key"
        for f in _findings(opened, "wrong-password.p12")
    )


def test_explicit_empty_file_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_bytes(b"")
    inventory = scan_folder(empty)
    assert [e.kind for e in inventory.errors] == ["empty"]


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, where chmod 000 does not stop reading: the read itself is made to
    fail with EACCES for that one file (as root), or the mode is really cleared (otherwise)."""
    secret = tmp_path / "secret.pem"
    secret.write_bytes(_good_cert())
    (tmp_path / "other.pem").write_bytes(_good_cert("other.example"))
    if os.geteuid() == 0:
        real = os.open

        def deny(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
            if os.fspath(path).endswith("secret.pem"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", deny)
    else:
        secret.chmod(0)
    inventory = scan_folder(tmp_path)
    assert [(e.path, e.kind) for e in inventory.errors] == [("secret.pem", "unreadable")]
    assert "Permission denied" in inventory.errors[0].message
    assert _findings(inventory, "other.pem")


def test_script_in_subject_is_escaped_in_html(tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    evil = "Evil <script>alert(\"x\")</script> & 'quotes'"
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, evil)])
    key = b.ec_key("P-256")
    cert = b.certificate("unused", key.public_key(), None, key, subject_name=subject)
    (tmp_path / "evil.pem").write_bytes(b.pem(cert))
    inventory = scan_folder(tmp_path)
    # RFC 4514 already backslash-escapes < > in the subject string; HTML escaping does the rest
    assert any('\\<script\\>alert(\\"x\\")' in f.context["subject"] for f in inventory.findings)
    html = RENDERERS["html"](inventory, RenderOptions())
    # The findings data block is JSON with no raw <, > or & at all; the markup around it must
    # carry the subject only HTML-escaped.
    data = re.search(r'<script id="qscan-data" type="application/json">(.*?)</script>', html, re.S)
    assert data and not re.search(r"[<>&]", data.group(1))
    markup = html.replace(data.group(0), "")
    assert "<script>alert" not in markup and "\\<script" not in markup and '\\"x' not in markup
    assert "\\&lt;script\\&gt;alert(" in markup


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=600),
        st.binary(max_size=400).map(lambda d: b"\x30\x82" + d),
        st.binary(max_size=400).map(lambda d: b"-----BEGIN CERTIFICATE-----\n" + d),
        st.binary(max_size=400).map(lambda d: b"\xfe\xed\xfe\xed\x00\x00\x00\x02" + d),
        st.binary(max_size=400).map(lambda d: b"ssh-rsa AAAA" + d),
    )
)
def test_random_bytes_never_raise(data: bytes) -> None:
    ctx = FileContext(
        target="fuzz", path=Path("fuzz.der"), relpath="fuzz.der", options=ScanOptions()
    )
    for record in analyze_bytes(data, ctx):
        assert isinstance(record, (Finding, ScanError))


def _ssh_string(data: bytes | str) -> bytes:
    raw = data.encode() if isinstance(data, str) else data
    return len(raw).to_bytes(4, "big") + raw


def test_openssh_certificate_without_a_ca_key_keeps_its_key(tmp_path: Path) -> None:
    """A host certificate whose CA key is missing (malformed, but what the file holds): the
    certified key and the certificate fields are reported; there is no CA to report."""
    key_type = "ssh-ed25519-cert-v01@openssh.com"
    blob = (
        _ssh_string(key_type)
        + _ssh_string(b"\x01" * 32)  # nonce
        + _ssh_string(b"\x02" * 32)  # the Ed25519 public key
        + (7).to_bytes(8, "big")  # serial
        + (2).to_bytes(4, "big")  # host certificate
        + _ssh_string("web-1")
        + _ssh_string(_ssh_string("web-1.example"))
        + (0).to_bytes(8, "big")
        + (2**64 - 1).to_bytes(8, "big")
        + _ssh_string(b"")  # critical options
        + _ssh_string(b"")  # extensions
        + _ssh_string(b"")  # reserved
        + _ssh_string(b"")  # no CA key
        + _ssh_string(_ssh_string("ssh-ed25519") + _ssh_string(b"\x03" * 64))
    )
    line = f"{key_type} {base64.b64encode(blob).decode()} web-1\n"
    (tmp_path / "web-1-cert.pub").write_text(line)
    inventory = scan_folder(tmp_path)
    assert inventory.errors == []
    (finding,) = inventory.findings
    assert finding.algorithm == "Ed25519"
    assert finding.context["type"] == "host"
    assert finding.context["key_id"] == "web-1"
    assert finding.context["principals"] == ["web-1.example"]
    assert finding.context["valid_before"] == "forever"
    assert "ca_fingerprint" not in finding.context


def test_fragments_in_code_and_documentation_are_notes_not_errors(tmp_path: Path) -> None:
    """A key cut short on purpose in a README, a docstring or a test, and an SSH key line
    with its base64 elided in documentation: notes. The same in key files: errors."""
    key = b.private_pem(b.ec_key("P-256"))
    cut = key[: len(key) // 2] + b"...\n-----END PRIVATE KEY-----\n"
    (tmp_path / "README.md").write_bytes(b"# Setup\n\nPut a key like this in place:\n\n" + cut)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "ssh.rst").write_bytes(
        b"Add your key::\n\n    ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA user@example\n"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_keys.py").write_bytes(
        b'"""Key loading."""\n\nBROKEN = """\n' + cut + b'"""\n'
    )
    (tmp_path / "server.key").write_bytes(cut)
    (tmp_path / "authorized_keys").write_bytes(
        b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA user@example\n"
    )
    inventory = scan_folder(tmp_path)
    notes = {(n.path, n.kind) for n in inventory.notes}
    assert notes == {
        ("README.md", "corrupt-pem"),
        ("docs/ssh.rst", "unparseable"),
        ("tests/test_keys.py", "corrupt-pem"),
    }
    assert {e.path for e in inventory.errors} == {"server.key", "authorized_keys"}
    readme = next(n for n in inventory.notes if n.path == "README.md")
    assert readme.message.startswith("line 5:")
    text = RENDERERS["text"](inventory, RenderOptions())
    assert "errors: 2   notes: 3" in text
    markdown = RENDERERS["md"](inventory, RenderOptions())
    assert "3 notes (not errors)" in markdown
    html = RENDERERS["html"](inventory, RenderOptions())
    assert "3 notes, not errors" in html and "damaged PEM block ×2" in html  # kind, labelled
    again = Inventory.from_json(inventory.to_json())
    assert [n.to_dict() for n in again.notes] == [n.to_dict() for n in inventory.notes]


def test_a_placeholder_in_words_is_a_note_and_undecodable_data_an_error(tmp_path: Path) -> None:
    """Debian ships /etc/postgresql-common/root.crt as a paragraph saying where certificates
    would go: nothing is missed, so it is a note. Encoded data qscan cannot read stays an
    error."""
    (tmp_path / "root.crt").write_text(
        "This is a dummy root certificate file for PostgreSQL. To enable client side\n"
        "authentication, add some certificates to it.\n"
    )
    (tmp_path / "encoded.crt").write_text("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1Lf\n")
    inventory = scan_folder_with_limit(tmp_path, max_file_size=3000)
    assert {n.path: n.kind for n in inventory.notes} == {"root.crt": "no-key-material"}
    assert {e.path: e.kind for e in inventory.errors} == {"encoded.crt": "unrecognised"}
