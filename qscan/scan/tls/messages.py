"""Parsers for the server's plaintext handshake messages: ServerHello / HelloRetryRequest,
ServerKeyExchange (curve, DH prime size, signature scheme) and the TLS <= 1.2 Certificate."""

from __future__ import annotations

from dataclasses import dataclass

from qscan.protocols.tls import Suite
from qscan.scan.tls.wire import NotTLS

HRR_RANDOM = bytes.fromhex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C")
EXT_SUPPORTED_VERSIONS, EXT_KEY_SHARE = 43, 51
NAMED_CURVE = 3


class _Buf:
    def __init__(self, data: bytes, what: str) -> None:
        self.data, self.pos, self.what = data, 0, what

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise NotTLS(f"truncated {self.what}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return int.from_bytes(self.take(2), "big")

    def u24(self) -> int:
        return int.from_bytes(self.take(3), "big")

    def vec8(self) -> bytes:
        return self.take(self.u8())

    def vec16(self) -> bytes:
        return self.take(self.u16())

    @property
    def left(self) -> int:
        return len(self.data) - self.pos


@dataclass(frozen=True)
class ServerHello:
    version: int
    suite: int
    hrr: bool
    group: int | None
    """The HelloRetryRequest's selected group, or the group of the ServerHello key share."""


def parse_server_hello(body: bytes) -> ServerHello:
    buf = _Buf(body, "ServerHello")
    version = buf.u16()
    random = buf.take(32)
    buf.vec8()
    suite = buf.u16()
    buf.u8()
    group = None
    if buf.left:
        exts = _Buf(buf.vec16(), "ServerHello extensions")
        while exts.left:
            ext_type, data = exts.u16(), exts.vec16()
            if ext_type == EXT_SUPPORTED_VERSIONS and len(data) == 2:
                version = int.from_bytes(data, "big")
            elif ext_type == EXT_KEY_SHARE and len(data) >= 2:
                group = int.from_bytes(data[:2], "big")
    return ServerHello(version=version, suite=suite, hrr=random == HRR_RANDOM, group=group)


@dataclass(frozen=True)
class KeyExchange:
    curve: int | None = None
    dh_bits: int | None = None
    rsa_bits: int | None = None
    sigalg: int | None = None


def _bits(number: bytes) -> int:
    return int.from_bytes(number, "big").bit_length()


def parse_server_key_exchange(body: bytes, suite: Suite, version: int) -> KeyExchange:
    """The curve (ECDHE), prime size (DHE) or temporary RSA modulus size (RSA_EXPORT), and in
    TLS 1.2 the signature scheme the server signed the parameters with."""
    buf = _Buf(body, "ServerKeyExchange")
    if suite.kx in ("DHE_PSK", "ECDHE_PSK", "PSK", "RSA_PSK"):
        buf.vec16()  # psk_identity_hint
    curve = dh_bits = rsa_bits = None
    if suite.kx in ("ECDHE", "ECDHE_PSK", "ECDH"):
        if buf.u8() != NAMED_CURVE:
            return KeyExchange()
        curve = buf.u16()
        buf.vec8()
    elif suite.kx in ("DHE", "DHE_PSK", "DH"):
        dh_bits = _bits(buf.vec16())
        buf.vec16()
        buf.vec16()
    elif suite.kx == "RSA" and suite.export:
        rsa_bits = _bits(buf.vec16())
        buf.vec16()
    else:
        return KeyExchange()
    sigalg = None
    if version >= 0x0303 and suite.au not in ("anon", "PSK") and buf.left >= 2:
        sigalg = buf.u16()
    return KeyExchange(curve=curve, dh_bits=dh_bits, rsa_bits=rsa_bits, sigalg=sigalg)


def parse_certificates(body: bytes) -> list[bytes]:
    """DER certificates of a TLS <= 1.2 Certificate message, leaf first."""
    buf = _Buf(body, "Certificate")
    certs = _Buf(buf.take(buf.u24()), "certificate list")
    out = []
    while certs.left:
        out.append(certs.take(certs.u24()))
    return out
