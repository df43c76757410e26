"""PKCS#7 / CMS SignedData (.p7b, .p7c): the certificates it carries (RFC 5652 §5.1)."""

from __future__ import annotations

from qscan.scan.certs import der
from qscan.scan.certs.x509 import CertInfo, parse_certificate

SIGNED_DATA = "1.2.840.113549.1.7.2"


def certificates(data: bytes) -> list[CertInfo]:
    try:
        blobs = _certificate_blobs(data)
    except der.DerError:
        blobs = _certificate_blobs_ber(data)
    return [parse_certificate(blob) for blob in blobs]


def _certificate_blobs(data: bytes) -> list[bytes]:
    _, start, end, _ = der.tlv(data, 0)
    content_type, explicit = der.children(data, start, end)[:2]
    if der.oid_at(data, content_type) != SIGNED_DATA:
        raise der.DerError("PKCS#7 content is not SignedData")
    signed = der.tlv(data, explicit[1], explicit[2])
    out = []
    for tag, cstart, cend, _ in der.children(data, signed[1], signed[2]):
        if tag == 0xA0:  # certificates [0] IMPLICIT CertificateSet
            out += [
                der.element(data, c)
                for c in der.children(data, cstart, cend)
                if c[0] == der.SEQUENCE
            ]
    return out


def _certificate_blobs_ber(data: bytes) -> list[bytes]:
    """Indefinite-length (BER) PKCS#7 as written by some Windows tools."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    try:
        certs = pkcs7.load_der_pkcs7_certificates(data)
    except ValueError as exc:
        raise der.DerError(f"PKCS#7 does not parse: {exc}") from exc
    return [c.public_bytes(serialization.Encoding.DER) for c in certs]
