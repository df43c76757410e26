"""Parse a server host key blob (K_S) into a HostKey: key type, size or curve, SHA-256
fingerprint and, for OpenSSH certificates (PROTOCOL.certkeys), the certificate fields. The
wire format is decoded by the certificate scanner's SSH key reader, which serves key files
too; RFC 6187 x509v3-* blobs are read here. Only public data is read; nothing is secret."""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

from qscan.protocols.ssh import HostKey
from qscan.scan.certs import ssh as ssh_keys
from qscan.scan.ssh.wire import Buffer, malformed

fingerprint = ssh_keys.openssh_fingerprint
_SIZED = frozenset({"RSA", "DSA"})  # a curve's size goes without saying


def parse_host_key(blob: bytes) -> HostKey:
    if blob[4:11] == b"x509v3-":
        buf = Buffer(blob)
        return _x509(buf.string().decode("ascii", "replace"), buf, fingerprint(blob))
    try:
        return _host_key(ssh_keys.describe_blob(blob))
    except ssh_keys.SshError as exc:
        raise malformed(f"host key blob: {exc}") from None


def _host_key(ssh_key: ssh_keys.SshKey) -> HostKey:
    key = ssh_key.key
    bits = key.params.get("bits") if key.algorithm in _SIZED else None
    cert = ssh_key.certificate
    return HostKey(
        ssh_key.key_type,
        key.algorithm,
        ssh_key.fingerprint,
        bits,
        key.params.get("curve"),
        _certificate(cert) if cert is not None else None,
    )


def _certificate(cert: dict[str, Any]) -> dict[str, Any]:
    """The certificate fields as endpoint findings carry them: validity in seconds since
    the epoch, the CA key flattened."""
    ca = _host_key(cert["ca"]) if cert["ca"] is not None else None
    return {
        "serial": cert["serial"],
        "type": cert["type"],
        "key_id": cert["key_id"],
        "principals": cert["principals"],
        "valid_after": cert["valid_after"],
        "valid_before": cert["valid_before"],
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
        raise malformed(f"{key_type} blob holds no certificate")
    try:
        cert = x509.load_der_x509_certificate(buf.string())
        key = cert.public_key()
    except (ValueError, x509.InvalidVersion, UnsupportedAlgorithm) as exc:
        raise malformed(f"{key_type} certificate unreadable: {exc}") from None
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
