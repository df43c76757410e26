"""OpenPGP keys: real GnuPG keys (armored and binary, public and secret), the Debian archive
keys of this machine when present, and what the rules make of them."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from qscan.model import Inventory
from tests.scan.certs import pgp
from tests.scan.certs.conftest import scan_folder

DEBIAN_ASC = sorted(Path("/etc/apt/trusted.gpg.d").glob("*.asc"))
DEBIAN_KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")


@pytest.fixture(scope="module")
def gnupg(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, dict[str, list[str]], Path]]:
    """A folder of exports: an Ed25519 key with a Curve25519 encryption subkey, an RSA-3072
    key with an RSA-3072 encryption subkey, and a passphrase-protected Ed25519 key."""
    if not pgp.have_gpg():
        pytest.skip("gpg is not installed")
    home = tmp_path_factory.mktemp("gnupg")
    home.chmod(0o700)
    out = tmp_path_factory.mktemp("exports")
    nopass = ("--passphrase", "")
    pgp.gpg(home, *nopass, "--quick-gen-key", "Ed <ed@example.org>", "ed25519", "cert,sign", "1y")
    ed = pgp.fingerprints(home, "-k", "ed@example.org")[0]
    pgp.gpg(home, *nopass, "--quick-add-key", ed, "cv25519", "encr", "2y")
    pgp.gpg(home, *nopass, "--quick-gen-key", "Rsa <rsa@example.org>", "rsa3072", "sign", "never")
    rsa = pgp.fingerprints(home, "-k", "rsa@example.org")[0]
    pgp.gpg(home, *nopass, "--quick-add-key", rsa, "rsa3072", "encr", "never")
    (out / "ed.asc").write_bytes(pgp.gpg(home, "--armor", "--export", "ed@example.org"))
    (out / "rsa.gpg").write_bytes(pgp.gpg(home, "--export", "rsa@example.org"))
    (out / "ed-secret.asc").write_bytes(
        pgp.gpg(home, *nopass, "--armor", "--export-secret-keys", "ed@example.org")
    )
    locked = tmp_path_factory.mktemp("gnupg-locked")
    locked.chmod(0o700)
    pw = ("--passphrase", "pw")
    pgp.gpg(locked, *pw, "--quick-gen-key", "Locked <locked@example.org>", "ed25519")
    (out / "locked-secret.pgp").write_bytes(pgp.gpg(locked, *pw, "--export-secret-keys"))
    names = {
        "ed": pgp.fingerprints(home, "-k", "ed@example.org"),
        "rsa": pgp.fingerprints(home, "-k", "rsa@example.org"),
        "locked": pgp.fingerprints(locked, "-k"),
    }
    yield out, names, home
    pgp.stop_agents(home, locked)


def _by_file(inventory: Inventory, name: str) -> list:
    return [f for f in inventory.findings if f.location.path.endswith(name)]


def test_gnupg_public_keys_armored_and_binary(gnupg) -> None:
    folder, fprs, _ = gnupg
    inventory = scan_folder(folder)
    assert not inventory.errors and not inventory.notes
    ed = _by_file(inventory, "ed.asc")
    assert [(f.location.component, f.algorithm, f.function) for f in ed] == [
        ("openpgp public key", "Ed25519", "signature"),
        ("openpgp public subkey", "X25519", "key-exchange"),
    ]
    primary, subkey = ed
    assert primary.params["curve"] == "Curve25519" and primary.params["openpgp_algorithm"] == 22
    assert subkey.params["curve_oid"] == "1.3.6.1.4.1.3029.1.5.1"
    assert [f.context["openpgp_fingerprint"] for f in ed] == fprs["ed"]
    assert primary.context["user_id"] == "Ed <ed@example.org>"
    assert primary.context["key_flags"] == ["certify", "sign"]
    assert subkey.context["primary_fingerprint"] == fprs["ed"][0]
    created = dt.datetime.fromisoformat(primary.context["created"])
    expires = dt.datetime.fromisoformat(primary.context["expires"])
    assert 364 <= (expires - created).days <= 366
    assert primary.location.line == 1 and "Ed <ed@example.org>" in primary.evidence
    rsa = _by_file(inventory, "rsa.gpg")
    assert [(f.algorithm, f.params["bits"], f.function) for f in rsa] == [
        ("RSA", 3072, "signature"),
        ("RSA", 3072, "encryption"),
    ]
    assert [f.context["openpgp_fingerprint"] for f in rsa] == fprs["rsa"]
    assert "expires" not in rsa[0].context and rsa[0].location.line is None


def test_gnupg_secret_keys_report_the_public_part_and_the_storage(gnupg) -> None:
    folder, fprs, _ = gnupg
    inventory = scan_folder(folder)
    secret = _by_file(inventory, "ed-secret.asc")
    keys = [f for f in secret if f.function != "key-storage"]
    storage = [f for f in secret if f.function == "key-storage"]
    assert [f.location.component for f in keys] == ["openpgp private key", "openpgp private subkey"]
    assert [f.context["openpgp_fingerprint"] for f in keys] == fprs["ed"]
    assert [f.context["encrypted"] for f in storage] == [False, False]
    assert {f.verdict.rule for f in storage} == {"QS500"}
    locked = [f for f in _by_file(inventory, "locked-secret.pgp") if f.function == "key-storage"]
    assert locked and all(f.context["encrypted"] for f in locked)
    assert locked[0].context["openpgp_fingerprint"] == fprs["locked"][0]


def test_verdicts_are_quantum_vulnerable_never_broken(gnupg) -> None:
    inventory = scan_folder(gnupg[0])
    keys = [f for f in inventory.findings if f.function != "key-storage"]
    assert {f.verdict.status for f in keys} == {"quantum-vulnerable"}
    signing = [f for f in keys if f.function == "signature"]
    assert {f.verdict.rule for f in signing} == {"QS201"}
    assert not [f for f in inventory.findings if f.algorithm == "SHA-1"]


def test_a_gnupg_home_is_no_error(gnupg) -> None:
    """pubring.kbx (a keybox, not OpenPGP packets) and trustdb.gpg are passed over; the
    secret keys under private-keys-v1.d are GnuPG's own format, not read."""
    home = gnupg[2]
    assert (home / "pubring.kbx").exists() and (home / "trustdb.gpg").exists()
    inventory = scan_folder(home)
    assert not inventory.errors and not inventory.findings


@pytest.mark.skipif(not DEBIAN_ASC, reason="no Debian archive keys on this machine")
def test_debian_archive_keys_match_gnupg(tmp_path) -> None:
    inventory = scan_folder(Path("/etc/apt/trusted.gpg.d"))
    assert not inventory.errors and not inventory.notes
    assert {f.algorithm for f in inventory.findings} <= {"RSA", "Ed25519"}
    assert {f.params.get("bits") for f in inventory.findings if f.algorithm == "RSA"} == {4096}
    if pgp.have_gpg():
        home = tmp_path / "home"
        home.mkdir(mode=0o700)
        try:
            for path in DEBIAN_ASC:
                expected = pgp.fingerprints(home, "--show-keys", str(path))
                found = [f.context["openpgp_fingerprint"] for f in _by_file(inventory, path.name)]
                assert found == expected, path
        finally:
            pgp.stop_agents(home)


@pytest.mark.skipif(not DEBIAN_KEYRING.exists(), reason="no Debian archive keyring")
def test_debian_binary_keyring(tmp_path) -> None:
    (tmp_path / DEBIAN_KEYRING.name).write_bytes(DEBIAN_KEYRING.read_bytes())
    inventory = scan_folder(tmp_path)
    assert not inventory.errors
    primaries = [f for f in inventory.findings if f.location.component == "openpgp public key"]
    assert primaries and all(f.context["user_id"] for f in primaries)


def test_signatures_and_clearsigned_text_are_passed_over(tmp_path) -> None:
    signature = pgp.armor(pgp.packet(2, b"\x04\x00"), "PGP SIGNATURE")
    (tmp_path / "InRelease").write_bytes(
        b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nOrigin: Debian\n" + signature
    )
    (tmp_path / "release.tar.gz.asc").write_bytes(signature)
    (tmp_path / "message.asc").write_bytes(pgp.armor(b"\x8c\x0d" + b"\x00" * 13, "PGP MESSAGE"))
    inventory = scan_folder(tmp_path)
    assert not inventory.findings and not inventory.errors and not inventory.notes


def test_hand_built_key_and_a_bad_checksum(tmp_path) -> None:
    key = pgp.packet(6, pgp.ed25519_key_body()) + pgp.packet(13, b"Hand <hand@example.org>")
    (tmp_path / "good.asc").write_bytes(pgp.armor(key))
    (tmp_path / "bad-crc.asc").write_bytes(pgp.armor(key, checksum=0x123456))
    (tmp_path / "README.md").write_bytes(b"Our key:\n\n" + pgp.armor(key, checksum=0x123456))
    inventory = scan_folder(tmp_path)
    assert [f.algorithm for f in inventory.findings] == ["Ed25519"]
    assert [(e.path, e.kind) for e in inventory.errors] == [("bad-crc.asc", "unparseable")]
    assert "checksum" in inventory.errors[0].message
    assert [(n.path, n.kind) for n in inventory.notes] == [("README.md", "unparseable")]


def test_unknown_algorithm_keeps_its_number(tmp_path) -> None:
    body = b"\x04" + (1_700_000_000).to_bytes(4, "big") + bytes([99]) + b"\x01\x02\x03"
    (tmp_path / "future.gpg").write_bytes(pgp.packet(6, body))
    inventory = scan_folder(tmp_path)
    (finding,) = inventory.findings
    assert finding.algorithm == "unknown" and finding.params["openpgp_algorithm"] == 99


def _v6_key(algorithm_id: int, material: bytes) -> bytes:
    created = (1_750_000_000).to_bytes(4, "big")
    return b"\x06" + created + bytes([algorithm_id]) + len(material).to_bytes(4, "big") + material


def test_v6_keys_hash_their_fingerprint_with_sha256(tmp_path) -> None:
    """RFC 9580 section 5.5.4.3: SHA-256 over 0x9B, a four-octet length and the body; a
    composite ML-DSA-65+Ed25519 key (RFC 9980, ID 30) is judged as a hybrid signature."""
    ed = _v6_key(27, os.urandom(32))
    composite = _v6_key(30, os.urandom(32 + 1952))
    (tmp_path / "v6.pgp").write_bytes(pgp.packet(6, ed) + pgp.packet(14, composite))
    inventory = scan_folder(tmp_path)
    primary, subkey = inventory.findings
    expected = hashlib.sha256(b"\x9b" + len(ed).to_bytes(4, "big") + ed).hexdigest().upper()
    assert primary.context["openpgp_fingerprint"] == expected
    assert primary.context["openpgp_version"] == 6 and primary.algorithm == "Ed25519"
    assert subkey.algorithm == "ML-DSA-65-Ed25519" and subkey.verdict.status == "hybrid"
