"""TLS record layer and handshake message reassembly on an asyncio stream, with a timeout on
every read. Only what the probes need: records of the plaintext handshake up to ServerHello
(TLS 1.3) or ServerHelloDone (TLS 1.2 and older)."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator

from qscan.scan.interface import Reader

CHANGE_CIPHER_SPEC, ALERT, HANDSHAKE, APPLICATION_DATA = 20, 21, 22, 23
MAX_RECORD = 2**14 + 2048
MAX_CHANGE_CIPHER_SPECS = 2

# Handshake message types (RFC 8446 4, RFC 5246 7.4).
SERVER_HELLO, CERTIFICATE, SERVER_KEY_EXCHANGE = 2, 11, 12
CERTIFICATE_REQUEST, SERVER_HELLO_DONE = 13, 14

ALERTS = {
    0: "close_notify",
    10: "unexpected_message",
    20: "bad_record_mac",
    22: "record_overflow",
    40: "handshake_failure",
    42: "bad_certificate",
    43: "unsupported_certificate",
    47: "illegal_parameter",
    50: "decode_error",
    51: "decrypt_error",
    70: "protocol_version",
    71: "insufficient_security",
    80: "internal_error",
    86: "inappropriate_fallback",
    90: "user_canceled",
    109: "missing_extension",
    110: "unsupported_extension",
    112: "unrecognized_name",
    120: "no_application_protocol",
}


class NotTLS(Exception):
    """The peer sent bytes that are not a TLS record."""


class TLSAlert(Exception):
    """The peer answered with an alert (it rejected what we offered)."""

    def __init__(self, description: int) -> None:
        self.description = description
        super().__init__(f"alert {ALERTS.get(description, 'unknown')} ({description})")


class PeerClosed(Exception):
    """The peer closed the connection; `clean` when it did so between records."""

    def __init__(self, message: str, clean: bool) -> None:
        self.clean = clean
        super().__init__(message)


def record(content_type: int, version: int, payload: bytes) -> bytes:
    return struct.pack("!BHH", content_type, version, len(payload)) + payload


async def _read_exact(reader: Reader, n: int, timeout: float, boundary: bool = False) -> bytes:
    try:
        async with asyncio.timeout(timeout):  # cheaper than wait_for: no extra task
            return await reader.readexactly(n)
    except asyncio.IncompleteReadError as exc:
        clean = boundary and not exc.partial
        raise PeerClosed(
            f"connection closed after {len(exc.partial)} of {n} bytes", clean
        ) from None


async def read_record(reader: Reader, timeout: float) -> tuple[int, int, bytes]:
    header = await _read_exact(reader, 5, timeout, boundary=True)
    content_type, version, length = struct.unpack("!BHH", header)
    if content_type not in (CHANGE_CIPHER_SPEC, ALERT, HANDSHAKE, APPLICATION_DATA) or (
        version >> 8 != 3
    ):
        raise NotTLS(f"not a TLS record: {header.hex()}")
    if length == 0 or length > MAX_RECORD:
        raise NotTLS(f"TLS record of impossible length {length}")
    return content_type, version, await _read_exact(reader, length, timeout)


async def handshake_messages(reader: Reader, timeout: float) -> AsyncIterator[tuple[int, bytes]]:
    """Yield (type, body) of each plaintext handshake message; raise TLSAlert on an alert.
    Ends when the peer switches to encrypted records (TLS 1.3 after ServerHello)."""
    buffer = b""
    change_cipher_specs = 0
    while True:
        content_type, _, payload = await read_record(reader, timeout)
        if content_type == ALERT:
            if len(payload) < 2:
                raise NotTLS("truncated alert")
            raise TLSAlert(payload[1])
        if content_type == CHANGE_CIPHER_SPEC:
            # one is allowed (TLS 1.3 middlebox compatibility, RFC 8446 D.4)
            change_cipher_specs += 1
            if change_cipher_specs > MAX_CHANGE_CIPHER_SPECS:
                raise NotTLS(f"more than {MAX_CHANGE_CIPHER_SPECS} ChangeCipherSpec records")
            continue
        if content_type == APPLICATION_DATA:
            return
        buffer += payload
        while len(buffer) >= 4:
            msg_type = buffer[0]
            length = int.from_bytes(buffer[1:4], "big")
            if length > 1 << 20:
                raise NotTLS(f"handshake message of impossible length {length}")
            if len(buffer) < 4 + length:
                break
            yield msg_type, buffer[4 : 4 + length]
            buffer = buffer[4 + length :]
