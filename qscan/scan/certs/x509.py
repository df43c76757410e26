"""Read one X.509 certificate into the facts the inventory needs.

cryptography loads the certificate (strict DER check, signature verification for chains);
the fields are read from the DER with qscan.scan.certs.der, which is faster than building
cryptography's objects and works for every public key algorithm. A certificate cryptography
refuses (BER encodings, odd fields) is decoded with pyasn1 and re-encoded to DER first.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography import x509 as cx509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.utils import CryptographyDeprecationWarning

from qscan.scan.certs import der
from qscan.scan.certs.algorithms import (
    KeyInfo,
    SigInfo,
    describe_certificate_spki,
    describe_sigalg,
    describe_spki,
    sigalg_info,
)
from qscan.scan.certs.names import render_name, rfc4514

# An inventory reads what is deployed: certificates with a non-positive serial number (old
# roots in CA bundles) are reported, not warned about on stderr.
warnings.filterwarnings(
    "ignore",
    message="Parsed a serial number which wasn't positive",
    category=CryptographyDeprecationWarning,
)

EXT_SKI = "2.5.29.14"
EXT_KEY_USAGE = "2.5.29.15"
EXT_BASIC_CONSTRAINTS = "2.5.29.19"
EXT_AKI = "2.5.29.35"
EXT_EKU = "2.5.29.37"
# ITU-T X.509 (10/2019) section 9.8: alternative public key and signature (catalyst).
EXT_ALT_SPKI = "2.5.29.72"
EXT_ALT_SIG_ALG = "2.5.29.73"
EXT_ALT_SIG_VALUE = "2.5.29.74"

_KEY_USAGE_BITS = (
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
)
_EKU_NAMES = {
    "1.3.6.1.5.5.7.3.1": "serverAuth",
    "1.3.6.1.5.5.7.3.2": "clientAuth",
    "1.3.6.1.5.5.7.3.3": "codeSigning",
    "1.3.6.1.5.5.7.3.4": "emailProtection",
    "1.3.6.1.5.5.7.3.8": "timeStamping",
    "1.3.6.1.5.5.7.3.9": "OCSPSigning",
    "2.5.29.37.0": "anyExtendedKeyUsage",
}


class CertificateError(ValueError):
    """Bytes that are not a readable X.509 certificate."""


@dataclass(slots=True)
class CertInfo:
    der: bytes
    sha256: str
    subject_der: bytes
    issuer_der: bytes
    serial: str
    not_before: str
    not_after: str
    key: KeyInfo
    signature: SigInfo
    signature_size: int
    """Length in bytes of the signature value (an RSA signature is as long as the modulus)."""
    is_ca: bool = False
    key_usage: tuple[str, ...] | None = None
    extended_key_usage: tuple[str, ...] | None = None
    ski: bytes | None = None
    aki: bytes | None = None
    alt_key: KeyInfo | None = None
    alt_signature: SigInfo | None = None
    decoder: str = "der"
    self_issued: bool = False
    """Subject = issuer, and the key identifiers (when both are present) agree."""

    @property
    def catalyst(self) -> bool:
        return self.alt_key is not None or self.alt_signature is not None

    def context(self) -> dict[str, Any]:
        """The facts every finding of this certificate carries."""
        ctx: dict[str, Any] = {
            # issuers repeat (cached); subjects are mostly unique (rendered directly)
            "subject": render_name(self.subject_der),
            "issuer": rfc4514(self.issuer_der),
            "serial": self.serial,
            "not_before": self.not_before,
            "not_after": self.not_after,
            "is_ca": self.is_ca,
            "self_signed": self.self_issued,
            "sha256": self.sha256,
        }
        if self.key_usage is not None:
            ctx["key_usage"] = list(self.key_usage)
        if self.extended_key_usage is not None:
            ctx["extended_key_usage"] = list(self.extended_key_usage)
        if self.alt_key is not None or self.alt_signature is not None:
            ctx["catalyst"] = True
        if self.decoder != "der":
            ctx["decoded_with"] = self.decoder
        return ctx


def parse_certificate(data: bytes, outer: der.Item | None = None) -> CertInfo:
    """Parse one DER certificate (trailing bytes after it are ignored); outer: its
    `der.tlv(data, 0)` when the caller has read it already."""
    try:
        if outer is None:
            outer = der.tlv(data, 0)
        blob = data if outer[2] == len(data) else data[: outer[2]]
        cx509.load_der_x509_certificate(blob)
        return _read(blob, blob, "der")
    except (ValueError, IndexError, cx509.InvalidVersion) as exc:
        if not _worth_pyasn1(data):
            raise CertificateError(f"not a readable X.509 certificate: {exc}") from exc
        try:
            normalised, blob = _normalise_with_pyasn1(data)
        except Exception:
            raise CertificateError(f"not a readable X.509 certificate: {exc}") from exc
        try:
            return _read(normalised, blob, "pyasn1")
        except (ValueError, IndexError) as exc2:
            raise CertificateError(f"not a readable X.509 certificate: {exc2}") from exc2


PYASN1_MAX = 256 * 1024
"""Largest blob handed to pyasn1 (an SLH-DSA-256f certificate is about 50 KB)."""


def _worth_pyasn1(data: bytes) -> bool:
    """Only certificate-shaped input, or BER that the DER walker refuses, goes to pyasn1."""
    if len(data) > PYASN1_MAX:
        return False
    try:
        _, start, end, _ = der.tlv(data, 0)
        tags = [item[0] for item in der.children(data, start, end)]
    except der.DerError:
        return data[:1] == b"\x30"
    return tags == [der.SEQUENCE, der.SEQUENCE, der.BIT_STRING]


def _normalise_with_pyasn1(data: bytes) -> tuple[bytes, bytes]:
    """BER or otherwise unusual encodings: decode leniently, re-encode as DER."""
    from pyasn1.codec.ber import decoder as ber_decoder
    from pyasn1.codec.der import encoder as der_encoder
    from pyasn1_modules import rfc5280

    cert, rest = ber_decoder.decode(data, asn1Spec=rfc5280.Certificate())
    blob = data[: len(data) - len(rest)]
    return der_encoder.encode(cert), blob


def _read(buf: bytes, original: bytes, decoder: str) -> CertInfo:
    """The fields of a certificate whose structure cryptography (or pyasn1's DER encoder)
    has already checked, read element by element: this runs once per certificate."""
    span = der.span
    start, end = span(buf, 0)
    tbs_start, tbs_end = span(buf, start)
    sig_end = span(buf, tbs_end)[1]
    value_start, value_end = span(buf, sig_end)
    if value_end != end or buf[start] != der.SEQUENCE or buf[sig_end] != der.BIT_STRING:
        raise der.DerError("not a certificate (Certificate ::= SEQUENCE {tbs, alg, sig})")
    pos = tbs_start
    if buf[pos] == 0xA0:  # version
        pos = span(buf, pos)[1]
    serial_start, serial_end = span(buf, pos)
    # the elements skipped below mostly have short lengths: read those inline
    first = buf[serial_end + 1]  # signature AlgorithmIdentifier
    issuer_pos = serial_end + 2 + first if first < 0x80 else span(buf, serial_end)[1]
    first = buf[issuer_pos + 1]
    validity_pos = issuer_pos + 2 + first if first < 0x80 else span(buf, issuer_pos)[1]
    validity_start, subject_pos = span(buf, validity_pos)
    first = buf[subject_pos + 1]
    spki_pos = subject_pos + 2 + first if first < 0x80 else span(buf, subject_pos)[1]
    spki_end = span(buf, spki_pos)[1]
    not_before, not_after = _validity(buf, validity_start, subject_pos)
    info = CertInfo(
        original,  # der
        hashlib.sha256(original).hexdigest(),  # sha256
        buf[subject_pos:spki_pos],  # subject_der
        buf[issuer_pos:validity_pos],  # issuer_der
        buf[serial_start:serial_end].hex().lstrip("0") or "0",  # serial
        not_before,
        not_after,
        describe_certificate_spki(buf[spki_pos:spki_end]),  # key
        sigalg_info(buf[tbs_end:sig_end]),  # signature
        value_end - value_start - 1,  # signature_size
    )
    if decoder != "der":
        info.decoder = decoder
    pos = spki_end
    while pos < tbs_end:
        if buf[pos] != 0xA3:  # issuerUniqueID, subjectUniqueID
            pos = span(buf, pos)[1]
            continue
        ext, exts_end = span(buf, span(buf, pos)[0])
        while ext < exts_end:
            # Extension ::= SEQUENCE {extnID, critical BOOLEAN DEFAULT FALSE, extnValue}:
            # most extensions are of no interest here, so look at the raw OID first
            first = buf[ext + 1]
            if first < 0x80:
                oid_pos = ext + 2
                ext = oid_pos + first
            else:
                oid_pos, ext = span(buf, ext)
            # (a short OID: a long one is none of _EXTENSIONS, and its slice matches none)
            oid_end = oid_pos + 2 + buf[oid_pos + 1]
            handler = _EXTENSIONS.get(buf[oid_pos + 2 : oid_end])
            if handler is None or buf[oid_pos] != der.OID:
                continue
            # critical: a DER BOOLEAN is always 3 bytes
            value_pos = oid_end + 3 if buf[oid_end] == der.BOOLEAN else oid_end
            if buf[value_pos] != der.OCTET_STRING:
                raise der.DerError("extension value is not an OCTET STRING")
            value_start, value_end = span(buf, value_pos)
            handler(buf, (der.OCTET_STRING, value_start, value_end, value_pos), info)
        pos = exts_end
    if info.subject_der == info.issuer_der:
        info.self_issued = info.aki is None or info.ski is None or info.aki == info.ski
    return info


def _validity(buf: bytes, pos: int, end: int) -> tuple[str, str]:
    """notBefore and notAfter, which start at pos and end at end, as ISO 8601 in UTC."""
    if (
        end - pos == 30
        and buf[pos] == buf[pos + 15] == der.UTC_TIME
        and buf[pos + 1] == buf[pos + 16] == 13
        and buf[pos + 14] == buf[pos + 29] == 0x5A
    ):  # the common case: two UTCTimes YYMMDDHHMMSSZ
        t = buf[pos + 2 : pos + 14].decode("ascii")
        u = buf[pos + 17 : pos + 29].decode("ascii")
        if t.isdigit() and u.isdigit():
            return _utc_time(t), _utc_time(u)
    not_before, pos = _time(buf, pos)
    not_after, pos = _time(buf, pos)
    if pos != end:
        raise der.DerError("validity is not a SEQUENCE of two times")
    return not_before, not_after


def _utc_time(t: str) -> str:
    """ISO 8601 of a UTCTime's twelve digits YYMMDDHHMMSS (RFC 5280: YY >= 50 is 19YY)."""
    century = "19" if t[0] >= "5" else "20"
    return f"{century}{t[:2]}-{t[2:4]}-{t[4:6]}T{t[6:8]}:{t[8:10]}:{t[10:]}+00:00"


def _time(buf: bytes, pos: int) -> tuple[str, int]:
    """The UTCTime / GeneralizedTime at pos as ISO 8601 in UTC, and where it ends."""
    tag = buf[pos]
    if tag == der.UTC_TIME and buf[pos + 1] == 13 and buf[pos + 14] == 0x5A:  # YYMMDDHHMMSSZ
        t = buf[pos + 2 : pos + 14].decode("ascii")
        if t.isdigit():
            return _utc_time(t), pos + 15
    start, end = der.span(buf, pos)
    text = buf[start:end].decode("ascii")
    if tag == der.UTC_TIME:
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    elif tag != der.GENERALIZED_TIME:
        raise der.DerError("validity is not a UTCTime or GeneralizedTime")
    digits = text.rstrip("Z").split(".")[0]
    if len(digits) < 12 or not digits.isdigit():
        raise der.DerError(f"bad time {text!r}")
    seconds = digits[12:14] or "00"
    return (
        f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}T{digits[8:10]}:{digits[10:12]}:{seconds}+00:00",
        end,
    )


# Basic constraints, key usage and extended key usage values repeat across certificates
# (a handful of distinct encodings per estate): each is decoded once per encoding.


def _basic_constraints(buf: bytes, value: der.Item, info: CertInfo) -> None:
    info.is_ca = _is_ca(buf[value[1] : value[2]])


@lru_cache(maxsize=256)
def _is_ca(raw: bytes) -> bool:
    seq = der.tlv(raw, 0)
    inner = der.children(raw, seq[1], seq[2])
    return bool(inner) and inner[0][0] == der.BOOLEAN and raw[inner[0][1]] != 0


def _key_usage(buf: bytes, value: der.Item, info: CertInfo) -> None:
    info.key_usage = _usage_names(buf[value[1] : value[2]])


@lru_cache(maxsize=256)
def _usage_names(raw: bytes) -> tuple[str, ...]:
    bits = der.tlv(raw, 0)
    raw = raw[bits[1] + 1 : bits[2]]
    flags = int.from_bytes(raw, "big") if raw else 0
    width = len(raw) * 8
    return tuple(
        name for n, name in enumerate(_KEY_USAGE_BITS) if n < width and flags >> (width - 1 - n) & 1
    )


def _extended_key_usage(buf: bytes, value: der.Item, info: CertInfo) -> None:
    info.extended_key_usage = _eku_names(buf[value[1] : value[2]])


@lru_cache(maxsize=256)
def _eku_names(raw: bytes) -> tuple[str, ...]:
    seq = der.tlv(raw, 0)
    oids = (der.oid_at(raw, o) for o in der.children(raw, seq[1], seq[2]))
    return tuple(_EKU_NAMES.get(o, o) for o in oids)


def _subject_key_id(buf: bytes, value: der.Item, info: CertInfo) -> None:
    info.ski = der.content(buf, der.tlv(buf, value[1], value[2]))


def _authority_key_id(buf: bytes, value: der.Item, info: CertInfo) -> None:
    seq = der.tlv(buf, value[1], value[2])
    for tag, start, end, _ in der.children(buf, seq[1], seq[2]):
        if tag == 0x80:
            info.aki = buf[start:end]


def _alt_public_key(buf: bytes, value: der.Item, info: CertInfo) -> None:
    info.alt_key = describe_spki(der.content(buf, value))


def _alt_signature_algorithm(buf: bytes, value: der.Item, info: CertInfo) -> None:
    info.alt_signature = describe_sigalg(buf, der.tlv(buf, value[1], value[2]))


_EXTENSIONS: dict[bytes, Callable[[bytes, der.Item, CertInfo], None]] = {
    der.encode_oid(dotted)[2:]: handler
    for dotted, handler in (
        (EXT_BASIC_CONSTRAINTS, _basic_constraints),
        (EXT_KEY_USAGE, _key_usage),
        (EXT_EKU, _extended_key_usage),
        (EXT_SKI, _subject_key_id),
        (EXT_AKI, _authority_key_id),
        (EXT_ALT_SPKI, _alt_public_key),
        (EXT_ALT_SIG_ALG, _alt_signature_algorithm),
    )
}


def verify_issued_by(child: CertInfo, issuer: CertInfo) -> bool | None:
    """True/False when cryptography can check child's signature with issuer's key,
    None when it cannot (an algorithm it does not implement, a non-DER certificate)."""
    if child.issuer_der != issuer.subject_der:
        return False
    if child.decoder != "der" or issuer.decoder != "der":
        return None
    try:
        child_cert = cx509.load_der_x509_certificate(child.der)
        issuer_cert = cx509.load_der_x509_certificate(issuer.der)
        child_cert.verify_directly_issued_by(issuer_cert)
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return None
    return True
