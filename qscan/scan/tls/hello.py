"""ClientHello builder: any version from SSL 3.0 to TLS 1.3, any suites, groups, signature
schemes, and real or empty key shares."""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.asymmetric import ec, mlkem, x448, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from qscan.protocols import tls as T
from qscan.scan.tls.wire import HANDSHAKE, record

SSL3, TLS10, TLS11, TLS12, TLS13 = 0x0300, 0x0301, 0x0302, 0x0303, 0x0304
VERSION_IDS = {SSL3: "ssl3", TLS10: "tls1.0", TLS11: "tls1.1", TLS12: "tls1.2", TLS13: "tls1.3"}

EXT_SERVER_NAME, EXT_SUPPORTED_GROUPS, EXT_EC_POINT_FORMATS = 0, 10, 11
EXT_SIGNATURE_ALGORITHMS, EXT_PADDING, EXT_EXTENDED_MASTER_SECRET = 13, 21, 23
EXT_SUPPORTED_VERSIONS, EXT_PSK_MODES, EXT_KEY_SHARE = 43, 45, 51
EXT_RENEGOTIATION_INFO = 0xFF01
SCSV_RENEGOTIATION = 0x00FF


@cache
def all_sigalgs() -> tuple[int, ...]:
    """Every registered scheme, modern first, so that any server key finds one."""
    first = [0x0904, 0x0905, 0x0906, 0x0807, 0x0808, 0x0403, 0x0503, 0x0603, 0x0804, 0x0805]
    first += [0x0806, 0x0809, 0x080A, 0x080B, 0x0401, 0x0501, 0x0601, 0x081A, 0x081B, 0x081C]
    rest = sorted(sa.codepoint for sa in T.all_sigalgs() if sa.codepoint not in first)
    return tuple(first + rest)


@dataclass(frozen=True)
class Offer:
    """What one ClientHello offers. `version` is the client_version (the highest version below
    TLS 1.3); `tls13` the supported_versions list (empty: extension absent); `key_shares`
    the groups with a real key share (None: no key_share extension, (): an empty one)."""

    version: int
    suites: tuple[int, ...]
    groups: tuple[int, ...] = ()
    key_shares: tuple[int, ...] | None = None
    tls13: tuple[int, ...] = ()
    sigalgs: tuple[int, ...] | None = None
    """None: every registered scheme."""
    sni: str | None = None
    extensions: bool = True


@cache
def _mlkem768() -> bytes:
    return (
        mlkem.MLKEM768PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


@cache
def _mlkem1024() -> bytes:
    return (
        mlkem.MLKEM1024PrivateKey.generate()
        .public_key()
        .public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


@cache
def _x25519() -> bytes:
    return x25519.X25519PrivateKey.generate().public_key().public_bytes_raw()


@cache
def _x448() -> bytes:
    return x448.X448PrivateKey.generate().public_key().public_bytes_raw()


@cache
def _ec(curve_name: str) -> bytes:
    curve = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}[curve_name]
    key = ec.generate_private_key(curve)
    return key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


# The generator of curveSM2 (RFC 8998 section 2, GB/T 32918.5), uncompressed: a valid
# point for the classical half of a curveSM2MLKEM768 share (cryptography has no SM2 keys);
# the probes never complete the key exchange, so a fixed point is enough.
_SM2_GENERATOR = bytes.fromhex(
    "04"
    "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
    "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"
)

_SHARES: dict[int, Callable[[], bytes]] = {
    0x001D: _x25519,
    0x001E: _x448,
    0x0017: lambda: _ec("P-256"),
    0x0018: lambda: _ec("P-384"),
    0x0019: lambda: _ec("P-521"),
    0x0201: _mlkem768,
    0x0202: _mlkem1024,
    0x11EC: lambda: _mlkem768() + _x25519(),
    0x11EB: lambda: _ec("P-256") + _mlkem768(),
    0x11ED: lambda: _ec("P-384") + _mlkem1024(),
    0x11EE: lambda: _SM2_GENERATOR + _mlkem768(),
}


def has_key_share(group: int) -> bool:
    return group in _SHARES


def key_share(group: int) -> bytes:
    """A valid client key share. The probes never finish a handshake with it, so one key per
    group and process is enough (the pyOpenSSL chain handshake uses its own keys)."""
    if group not in _SHARES:
        raise ValueError(f"no key share generator for group {T.hex16(group)}")
    return _SHARES[group]()


def _u16_list(values: tuple[int, ...]) -> bytes:
    body = b"".join(struct.pack("!H", v) for v in values)
    return struct.pack("!H", len(body)) + body


def _ext(ext_type: int, body: bytes) -> bytes:
    return struct.pack("!HH", ext_type, len(body)) + body


def _extensions(offer: Offer) -> list[bytes]:
    exts: list[bytes] = []
    if offer.sni:
        name = offer.sni.encode("idna")
        entry = b"\x00" + struct.pack("!H", len(name)) + name
        exts.append(_ext(EXT_SERVER_NAME, struct.pack("!H", len(entry)) + entry))
    exts.append(_ext(EXT_EXTENDED_MASTER_SECRET, b""))
    exts.append(_ext(EXT_RENEGOTIATION_INFO, b"\x00"))
    if offer.groups:
        exts.append(_ext(EXT_SUPPORTED_GROUPS, _u16_list(offer.groups)))
        exts.append(_ext(EXT_EC_POINT_FORMATS, b"\x01\x00"))
    if offer.version >= TLS12 or offer.tls13:
        sigalgs = all_sigalgs() if offer.sigalgs is None else offer.sigalgs
        exts.append(_ext(EXT_SIGNATURE_ALGORITHMS, _u16_list(sigalgs)))
    if offer.tls13:
        versions = b"".join(struct.pack("!H", v) for v in offer.tls13)
        exts.append(_ext(EXT_SUPPORTED_VERSIONS, bytes([len(versions)]) + versions))
        exts.append(_ext(EXT_PSK_MODES, b"\x01\x01"))
    if offer.key_shares is not None:
        entries = b"".join(
            struct.pack("!HH", g, len(share)) + share
            for g in offer.key_shares
            for share in (key_share(g),)
        )
        exts.append(_ext(EXT_KEY_SHARE, struct.pack("!H", len(entries)) + entries))
    return exts


def client_hello(offer: Offer) -> bytes:
    """The ClientHello record for `offer`."""
    suites = offer.suites if offer.extensions else (*offer.suites, SCSV_RENEGOTIATION)
    body = struct.pack("!H", offer.version) + os.urandom(32)
    body += b"\x20" + os.urandom(32)
    body += _u16_list(tuple(suites)) + b"\x01\x00"
    if offer.extensions:
        exts = _extensions(offer)
        size = len(body) + 4 + 2 + sum(map(len, exts))
        if 256 <= size < 512:  # RFC 7685: some servers hang on hellos of this size
            exts.append(_ext(EXT_PADDING, b"\x00" * max(0, 512 - size - 4)))
        ext_bytes = b"".join(exts)
        body += struct.pack("!H", len(ext_bytes)) + ext_bytes
    message = bytes([1]) + len(body).to_bytes(3, "big") + body
    return record(HANDSHAKE, min(offer.version, TLS10), message)
