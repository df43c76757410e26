"""Parse a server host key blob (K_S): key type, size or curve, SHA-256 fingerprint, and
for OpenSSH certificates (PROTOCOL.certkeys) the certified key and the certificate fields.
Only public data is read; nothing here is secret."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from qscan.protocols.ssh import HostKey
from qscan.scan.ssh.wire import Buffer, SshError

_CURVES = {
    "nistp256": "P-256",
    "nistp384": "P-384",
    "nistp521": "P-521",
    "1.3.132.0.10": "secp256k1",
}
_CERT_SUFFIX = "-cert-v01@openssh.com"
_CERT_TYPES = {1: "user", 2: "host"}


def fingerprint(blob: bytes) -> str:
    """OpenSSH's SHA256 fingerprint: base64 of SHA-256 of the key blob, without padding."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def parse_host_key(blob: bytes) -> HostKey:
    buf = Buffer(blob)
    try:
        key_type = buf.string().decode("ascii")
    except UnicodeDecodeError:
        raise SshError("ssh-malformed-packet", "host key type is not ASCII") from None
    fp = fingerprint(blob)
    if key_type.endswith(_CERT_SUFFIX):
        base_type = key_type[: -len(_CERT_SUFFIX)]
        buf.string()  # nonce
        algorithm, bits, curve = _key_fields(base_type, buf)
        return HostKey(key_type, algorithm, fp, bits, curve, _certificate(buf))
    if key_type.startswith("x509v3-"):
        return _x509(key_type, buf, fp)
    algorithm, bits, curve = _key_fields(key_type, buf)
    return HostKey(key_type, algorithm, fp, bits, curve)


def _key_fields(key_type: str, buf: Buffer) -> tuple[str, int | None, str | None]:
    """Read the public key fields of one key type (sshkey.c), leaving the buffer after them
    so that a certificate's remaining fields can follow."""
    if key_type == "ssh-rsa":
        buf.mpint()  # e
        return "RSA", _bits(buf.mpint()), None
    if key_type == "ssh-dss":
        p = buf.mpint()
        buf.mpint(), buf.mpint(), buf.mpint()  # q, g, y
        return "DSA", _bits(p), None
    if key_type.startswith(("ecdsa-sha2-", "sk-ecdsa-sha2-")):
        curve_id = buf.string().decode("ascii", "replace")
        buf.string()  # Q
        if key_type.startswith("sk-"):
            buf.string()  # application
        return "ECDSA", None, _CURVES.get(curve_id, curve_id)
    if key_type in ("ssh-ed25519", "sk-ssh-ed25519@openssh.com"):
        buf.string()
        if key_type.startswith("sk-"):
            buf.string()  # application
        return "Ed25519", None, None
    if key_type == "ssh-ed448":
        buf.string()
        return "Ed448", None, None
    if key_type == "ssh-mldsa44-ed25519@openssh.com":
        return "ML-DSA-44-Ed25519", None, None
    return "unknown", None, None


def _bits(modulus: int) -> int:
    return max(0, modulus).bit_length()


def _certificate(buf: Buffer) -> dict[str, Any]:
    """The fields after the certified key (PROTOCOL.certkeys): serial, type, key id,
    principals, validity, and the type of the CA key that signed it."""
    serial = buf.uint64()
    cert_type = buf.uint32()
    key_id = buf.string().decode("utf-8", "replace")
    principals_buf = Buffer(buf.string())
    principals = []
    while principals_buf.remaining():
        principals.append(principals_buf.string().decode("utf-8", "replace"))
    valid_after = buf.uint64()
    valid_before = buf.uint64()
    buf.string()  # critical options
    buf.string()  # extensions
    buf.string()  # reserved
    ca_blob = buf.string()
    ca = parse_host_key(ca_blob) if ca_blob else None
    return {
        "serial": serial,
        "type": _CERT_TYPES.get(cert_type, str(cert_type)),
        "key_id": key_id[:200],
        "principals": principals[:50],
        "valid_after": valid_after,
        "valid_before": valid_before,
        "ca_key_type": ca.key_type if ca else None,
        "ca_algorithm": ca.algorithm if ca else None,
        "ca_bits": ca.bits if ca else None,
        "ca_curve": ca.curve if ca else None,
        "ca_fingerprint_sha256": ca.fingerprint_sha256 if ca else None,
    }


def _x509(key_type: str, buf: Buffer, fp: str) -> HostKey:
    """RFC 6187 x509v3-* blobs: uint32 count, then DER certificates, the host's first."""
    from cryptography import x509  # rare: keep it off the import path of every scan

    if buf.uint32() < 1:
        raise SshError("ssh-malformed-packet", f"{key_type} blob holds no certificate")
    try:
        cert = x509.load_der_x509_certificate(buf.string())
    except ValueError as exc:
        raise SshError(
            "ssh-malformed-packet", f"{key_type} certificate unreadable: {exc}"
        ) from None
    key = cert.public_key()
    details = {"subject": cert.subject.rfc4514_string()[:200], "x509": True}
    if isinstance(key, rsa.RSAPublicKey):
        return HostKey(key_type, "RSA", fp, key.key_size, None, details)
    if isinstance(key, dsa.DSAPublicKey):
        return HostKey(key_type, "DSA", fp, key.key_size, None, details)
    if isinstance(key, ec.EllipticCurvePublicKey):
        curve = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}.get(
            key.curve.name, key.curve.name
        )
        return HostKey(key_type, "ECDSA", fp, None, curve, details)
    if isinstance(key, ed25519.Ed25519PublicKey):
        return HostKey(key_type, "Ed25519", fp, None, None, details)
    if isinstance(key, ed448.Ed448PublicKey):
        return HostKey(key_type, "Ed448", fp, None, None, details)
    return HostKey(key_type, "unknown", fp, None, None, details)
