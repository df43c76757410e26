"""SHA-1 inside a construction is judged as that construction, not as a broken hash: the
HMAC of a PKCS#12 MAC, the PRF of PBKDF2 and the PKCS#12 key derivation, the hashes of
RSAES-OAEP and MGF1. A signature made with SHA-1 stays broken (test_trust_anchors)."""

from __future__ import annotations

import pytest

from tests.scan.certs import builders
from tests.scan.certs.conftest import scan_folder

pytestmark = pytest.mark.skipif(not builders.have("openssl"), reason="openssl is not installed")

BROKEN_HASH_RULES = {"QS205", "QS302"}


def test_sha1_in_pkcs12_macs_pbkdf2_and_pkcs12_kdfs_is_not_a_broken_hash(tmp_path):
    def openssl(*args):
        builders.run("openssl", *args, cwd=tmp_path)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "k.tmp", "-out", "c.tmp",
            "-days", "5", "-subj", "/CN=constructions.example")  # fmt: skip
    # RFC 7292 legacy: SHA-1 MAC, PKCS#12 KDF (SHA-1) with 3DES keys and RC2-40 certificates
    openssl("pkcs12", "-export", "-legacy", "-in", "c.tmp", "-inkey", "k.tmp",
            "-out", "legacy.p12", "-passout", "pass:")  # fmt: skip
    openssl("pkcs12", "-export", "-in", "c.tmp", "-inkey", "k.tmp", "-macalg", "sha1",
            "-out", "sha1-mac.p12", "-passout", "pass:secret")  # fmt: skip
    openssl("pkcs8", "-topk8", "-in", "k.tmp", "-v2", "aes256", "-v2prf", "hmacWithSHA1",
            "-out", "pbkdf2-sha1.key", "-passout", "pass:secret")  # fmt: skip
    for tmp in ("k.tmp", "c.tmp"):
        (tmp_path / tmp).unlink()
    inventory = scan_folder(tmp_path, passwords=("secret",))
    assert not inventory.errors
    rules = {(f.location.path, f.location.component): f.verdict.rule for f in inventory.findings}
    # the MACs: HMAC-SHA1 keeps its strength as a MAC
    assert rules[("legacy.p12", "pkcs12 mac protection")] == "QS303"
    assert rules[("sha1-mac.p12", "pkcs12 mac protection")] == "QS303"
    # the legacy ciphers are judged by the cipher, whatever hash derives their key
    assert rules[("legacy.p12", "pkcs12 keys protection")] == "QS301"  # 3DES
    assert rules[("legacy.p12", "pkcs12 certificates protection")] == "QS300"  # RC2-40
    # PBKDF2-HMAC-SHA1 protects the key file: judged as a key stored in a file
    key = next(f for f in inventory.findings if f.location.path == "pbkdf2-sha1.key"
               and f.function == "key-storage")  # fmt: skip
    assert key.context["protection"] == "PBES2 PBKDF2-hmacWithSHA1 aes256-CBC"
    # (openssl writes it owner-only, outside any repository: QS502; else QS501)
    assert key.verdict.rule == ("QS501" if key.context["readable_by_others"] else "QS502")
    assert not BROKEN_HASH_RULES & set(rules.values())
