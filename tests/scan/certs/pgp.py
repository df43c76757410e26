"""OpenPGP test material: packets built by hand (RFC 9580 section 4.2, 5.5.2) for the
hostile cases, and real keys from GnuPG when it is installed."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from qscan.scan.certs.openpgp import crc24

ED25519_LEGACY_OID = bytes.fromhex("2b06010401da470f01")  # 1.3.6.1.4.1.11591.15.1


def packet(tag: int, body: bytes) -> bytes:
    """A new-format packet with a five-octet length."""
    return bytes([0xC0 | tag, 255]) + len(body).to_bytes(4, "big") + body


def ed25519_key_body(created: int = 1_700_000_000) -> bytes:
    """A v4 EdDSALegacy (algorithm 22) public key body over a fresh Ed25519 key."""
    raw = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )
    point = b"\x40" + raw
    mpi = (len(point) * 8 - 1).to_bytes(2, "big") + point
    oid = bytes([len(ED25519_LEGACY_OID)]) + ED25519_LEGACY_OID
    return b"\x04" + created.to_bytes(4, "big") + b"\x16" + oid + mpi


def armor(data: bytes, label: str = "PGP PUBLIC KEY BLOCK", checksum: int | None = None) -> bytes:
    body = base64.b64encode(data)
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    crc = crc24(data) if checksum is None else checksum
    return b"\n".join(
        [
            f"-----BEGIN {label}-----".encode(),
            b"Comment: made by the qscan tests",
            b"",
            *lines,
            b"=" + base64.b64encode(crc.to_bytes(3, "big")),
            f"-----END {label}-----".encode(),
            b"",
        ]
    )


def have_gpg() -> bool:
    return shutil.which("gpg") is not None


def gpg(home: Path, *args: str) -> bytes:
    env = {**os.environ, "GNUPGHOME": str(home)}
    command = ["gpg", "--batch", "--no-tty", "--pinentry-mode", "loopback", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, timeout=60).stdout


def stop_agents(*homes: Path) -> None:
    """End the gpg-agent each home started (gpg leaves one running per home)."""
    for home in homes:
        env = {**os.environ, "GNUPGHOME": str(home)}
        command = ["gpgconf", "--kill", "all"]
        subprocess.run(command, env=env, check=False, capture_output=True, timeout=30)


def fingerprints(home: Path, *args: str) -> list[str]:
    """Fingerprints of primary keys and subkeys in gpg's listing order."""
    out = gpg(home, "--with-colons", *args).decode()
    return [line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:")]
