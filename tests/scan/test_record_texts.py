"""The fixed texts of scan records carry their message keys (qscan.model.Text): the
evidence of certificate, key, TLS and SSH findings, the messages of errors and notes, and
context values such as java.security's "meaning". Collected from real scans (examples/,
tests/corpus, the system's trust store, crafted files, loopback TLS servers and scripted SSH
peers): the English template of each key says exactly what the scanner wrote, every key
has a Dutch text, and the Dutch differs."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import string
from pathlib import Path

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from qscan.i18n import Translator, strings
from qscan.model import Finding, ScanError, ScanNote, Text
from qscan.pipeline import gather
from qscan.scan.interface import ScanOptions
from qscan.scan.ssh.wire import string as ssh_string
from qscan.targets import parse_target
from tests.scan.certs import pgp
from tests.scan.ssh.conftest import scan_async
from tests.scan.ssh.peers import ScriptedServer, kexinit, raw_peer, serve
from tests.scan.tls.servers import (
    ffdhe2048_params,
    hostile_server,
    make_chain,
    pyopenssl_server,
    python_ssl_server,
)

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE_MAX = 200
TRUST_STORE = Path("/etc/ssl/certs")

Record = Finding | ScanError
FIXED_EVIDENCE = re.compile(
    r"\bpublic key\b|\bsigned with\b|\bprivate key\b|\bprotected with\b|-bit prime|"
    r"^SSH protocol |\blocked\b|\bwas refused\b|^not valid|^issuer = subject|; server name |"
    r"^OpenPGP v\d "
)
"""Fixed English words in the evidence that the certificate, key, TLS and SSH readers write
(configuration and source lines are quoted as they are)."""


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _crafted(folder: Path) -> Path:
    """Files that make the certificate and configuration readers write each of their fixed
    texts: broken PEM and DER, a file that promises a key and holds none, a CSR, a CRL, DH
    parameters, encrypted and locked keys, a locked PKCS#12 file, an SSH key line that says
    another type than its key, bad configuration lines."""
    folder.mkdir()
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("texts.example"))
        .issuer_name(_name("texts.example"))
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (folder / "broken-base64.pem").write_bytes(pem.replace(b"MII", b"M!I", 1))
    (folder / "truncated.pem").write_bytes(pem.rsplit(b"-----END", 1)[0])
    (folder / "empty-block.pem").write_bytes(
        b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
    )
    (folder / "not-a-certificate.pem").write_bytes(
        b"-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n"
    )
    (folder / "junk.der").write_bytes(b"\x30\x82\x10\x00" + b"\x00" * 16)
    (folder / "mystery.crt").write_text("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1Lf\n")
    (folder / "placeholder.crt").write_text("certificates for clients go here\n")
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_name("csr.example"))
        .sign(key, hashes.SHA256())
    )
    (folder / "request.csr").write_bytes(csr.public_bytes(serialization.Encoding.PEM))
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(_name("texts.example"))
        .last_update(now)
        .next_update(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "revoked.crl").write_bytes(crl.public_bytes(serialization.Encoding.PEM))
    ffdhe2048_params(folder / "dhparams.pem")
    (folder / "locked.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"not supplied"),
        )
    )
    (folder / "public.pem").write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    (folder / "locked.p12").write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"x", key, cert, None, serialization.BestAvailableEncryption(b"not supplied")
        )
    )
    ed_blob = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .split()[1]
    )
    key = pgp.packet(6, pgp.ed25519_key_body()) + pgp.packet(13, b"Texts <texts@example.org>")
    (folder / "key.asc").write_bytes(pgp.armor(key))
    (folder / "bad-checksum.asc").write_bytes(pgp.armor(key, checksum=0))
    (folder / "truncated.gpg").write_bytes(key[:-3])
    (folder / "authorized_keys").write_bytes(b"ssh-rsa " + ed_blob + b" wrong@type\n")
    (folder / "httpd.conf").write_text("<VirtualHost *:443>\nSSLProtocol all\n")
    (folder / "sshd_config").write_text("KexAlgorithms\n")
    return folder


def _file_records(tmp: Path) -> list[Record]:
    crafted = _crafted(tmp / "crafted")
    paths = [ROOT / "examples", ROOT / "tests" / "corpus", crafted, crafted / "mystery.crt"]
    paths += [crafted, tmp / "missing"]  # a duplicate target, a target that does not exist
    if TRUST_STORE.is_dir():
        paths.append(TRUST_STORE)
    records = gather([parse_target(str(p)) for p in paths], ScanOptions())
    small = gather([parse_target(str(crafted / "locked.p12"))], ScanOptions(max_file_size=100))
    return [*records.findings, *records.errors, *records.notes, *small.errors]


def _tls_records(tmp: Path) -> list[Record]:
    rsa = make_chain(tmp / "tls", "rsa")
    mldsa = make_chain(tmp / "tls", "mldsa")
    expired = make_chain(tmp / "tls", "ecdsa", valid_from_days=-60, self_signed_leaf=True)
    early = make_chain(tmp / "tls", "ecdsa", valid_from_days=10)
    with (
        python_ssl_server(rsa) as classic,
        pyopenssl_server(mldsa, groups="SecP256r1MLKEM768") as pq_only,
        python_ssl_server(expired) as old,
        python_ssl_server(early) as young,
        hostile_server("alert") as refusing,
    ):
        servers = (classic, pq_only, old, young, refusing)
        options = ScanOptions(timeout=3.0, retries=0)
        found = gather([parse_target(s.address, sni="other.example") for s in servers], options)
    return [*found.findings, *found.errors]


def _ssh_records() -> list[Record]:
    classical = kexinit(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"])
    pq_only = kexinit(["sntrup761x25519-sha512@openssh.com"], ["ssh-ed25519"], ["aes128-ctr"], [])

    async def main() -> list[Record]:
        out: list[Record] = []
        for handler in (
            ScriptedServer(classical),
            ScriptedServer(pq_only),
            raw_peer(b"SSH-2.0-Hostile_0.1\r\n", ssh_string(b"\x00" * 8)),
        ):
            async with serve(handler) as port:
                findings, errors = await scan_async(f"ssh://127.0.0.1:{port}", timeout=2.0)
                out += findings + errors
        return out

    return asyncio.run(main())


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[Record]:
    tmp = tmp_path_factory.mktemp("texts")
    return _file_records(tmp) + _tls_records(tmp) + _ssh_records()


def _texts(records: list[Record]) -> list[tuple[Record, str, Text, str]]:
    """(record, field, Text, the English the record holds) of every keyed text."""
    out = []
    for record in records:
        for name, text in (record.texts or {}).items():
            if name == "evidence":
                english = record.evidence  # type: ignore[union-attr]
            elif name == "message":
                english = record.message  # type: ignore[union-attr]
            else:
                value = record.context[name.removeprefix("context.")]  # type: ignore[index]
                english = "; ".join(value) if isinstance(value, list) else str(value)
            out.append((record, name, text, english))
    return out


def _keys(text: Text) -> set[str]:
    """The message keys of a text and of the texts nested in its arguments (lists too)."""
    nested = [
        t
        for a in (text.get("args") or {}).values()
        for t in (a if isinstance(a, list) else [a])
        if isinstance(t, dict)
    ]
    return {text["key"], *(k for t in nested for k in _keys(t))}


def test_the_english_template_says_what_the_scanner_wrote(records):
    en = Translator("en")
    checked = _texts(records)
    assert len(set().union(*(_keys(t) for _, _, t, _ in checked))) > 40
    for record, name, text, english in checked:
        said = en.text(text, "\x00")
        if english.endswith("…") and len(english) == EVIDENCE_MAX:
            said = said[: EVIDENCE_MAX - 1] + "…"  # evidence is shortened to 200 characters
        elif name == "evidence" and len(english) == EVIDENCE_MAX:
            said = said[:EVIDENCE_MAX]
        assert said == english, (record, text)


def test_every_key_has_an_english_and_a_dutch_text(records):
    en, nl = strings("en"), strings("nl")
    used = set().union(*(_keys(t) for _, _, t, _ in _texts(records)))
    missing = sorted(k for k in used if f"texts.{k}" not in en and not k.startswith("os-error."))
    assert missing == []
    assert all(f"texts.{k}" in nl for k in used if f"texts.{k}" in en)


def test_the_dutch_says_it_in_dutch(records):
    nl, en = Translator("nl"), strings("en")
    fields = string.Formatter()

    def has_words(text: Text) -> bool:
        """The English template has fixed words of its own (not only placeholders)."""
        template = en.get(f"texts.{text['key']}", "")
        return any(c.isalpha() for part, *_ in fields.parse(template) for c in part)

    english_left = [
        (text["key"], english)
        for _, _, text, english in _texts(records)
        if nl.text(text, english) == english and has_words(text)
    ]
    assert english_left == []


def test_every_fixed_error_and_note_text_and_evidence_phrase_is_keyed(records):
    """The records a scan of this material makes without a key are those whose whole
    message is a library's or a peer's text (a pyasn1 error, a TLS alert): their kind is
    translated, their detail is not qscan's to translate."""
    problems = [r for r in records if isinstance(r, ScanError)]
    unkeyed = {(r.kind, r.message) for r in problems if not r.texts}
    parsers = ("nginx: ", "terraform: ", "YAML: ", "server.xml: ")
    assert all(
        kind == "incomplete" or (kind == "parse-error" and parsers[0] in message)
        for kind, message in unkeyed
    ), unkeyed
    kinds = {r.kind for r in problems if r.texts}
    assert {
        "corrupt-pem",
        "unparseable",
        "unrecognised",
        "no-key-material",
        "locked-keystore",
        "not-found",
        "too-large",
        "no-tls",
        "ssh-unsupported-kex",
        "parse-error",
        "config-value",
    } <= kinds
    assert {"duplicate-target", "nested-target"} <= {
        r.kind for r in problems if isinstance(r, ScanNote)
    }
    for f in records:
        if isinstance(f, Finding) and FIXED_EVIDENCE.search(f.evidence):
            assert f.texts and "evidence" in f.texts, f


def test_a_text_that_cannot_be_said_falls_back_to_its_english():
    nl = Translator("nl")
    assert nl.text({"key": "no.such.key"}, "as written") == "as written"
    assert nl.text({"key": "cert.signature", "args": {}}, "as written") == "as written"
    assert nl.text("not a text", "as written") == "as written"
    assert nl.text({"key": "pem.headers", "args": {"n": 3}}, "x") == "meer dan 3 kopregels"


def test_label_phrases_say_qscan_labels_and_leave_names_alone():
    from qscan.model import text_key

    nl = Translator("nl")
    said = nl.text(
        text_key("cert.signature", subject="CN=with", signature="RSA PSS with SHA-256"), ""
    )
    assert said == "CN=with: ondertekend met RSA PSS met SHA-256"  # the subject is data
    locked = text_key(
        "key.private",
        label="ENCRYPTED PRIVATE KEY",
        format="encrypted PKCS#8",
        state="encrypted",
        key="encrypted private key (algorithm visible only with the password)",
    )
    assert nl.text(locked, "") == (
        "ENCRYPTED PRIVATE KEY (versleuteld PKCS#8, versleuteld): versleutelde privésleutel "
        "(algoritme alleen met het wachtwoord zichtbaar)"
    )


def test_operating_system_texts_are_the_systems_own():
    en = yaml.safe_load((ROOT / "reports" / "i18n" / "en.yaml").read_text(encoding="utf-8"))
    import errno

    for name, text in en["texts"]["os-error"].items():
        assert os.strerror(getattr(errno, name)) == text, name


def test_text_placeholders_match_across_languages():
    en, nl = strings("en"), strings("nl")
    fields = string.Formatter()
    for key in (k for k in en if k.startswith("texts.")):
        names = lambda t: sorted(f for _, f, _, _ in fields.parse(t) if f)  # noqa: E731
        assert names(en[key]) == names(nl[key]), key


def test_an_inventory_with_texts_validates_and_round_trips(records, validate_inventory):
    from qscan.model import Inventory

    inventory = Inventory(
        findings=[r for r in records if isinstance(r, Finding)],
        errors=[r for r in records if isinstance(r, ScanError) and not isinstance(r, ScanNote)],
        notes=[r for r in records if isinstance(r, ScanNote)],
        scanned_at="2026-11-20T10:00:00+00:00",
        tool={"name": "qscan", "version": "0"},
    )
    validate_inventory(inventory.to_dict())
    again = Inventory.from_json(inventory.to_json())
    assert [f.texts for f in again.findings] == [f.texts for f in inventory.findings]
    assert [(e.texts, e.line) for e in again.errors] == [
        (e.texts, e.line) for e in inventory.errors
    ]
