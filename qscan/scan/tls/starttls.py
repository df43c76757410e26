"""Plaintext preambles that upgrade a connection to TLS (STARTTLS and friends), one per
scheme. Implicit-TLS schemes (tls, https, smtps, imaps, pop3s, ldaps, ftps) need none."""

from __future__ import annotations

import asyncio
import itertools
import struct
from collections.abc import Awaitable, Callable

from qscan.scan.interface import Reader
from qscan.scan.limits import MAX_LINE_BYTES, MAX_REPLY_LINES
from qscan.scan.net.stream import OversizedResponse

Preamble = Callable[[Reader, asyncio.StreamWriter, float], Awaitable[None]]

LDAP_STARTTLS_OID = b"1.3.6.1.4.1.1466.20037"
POSTGRES_SSL_REQUEST = struct.pack("!II", 8, 80877103)


class StartTLSError(Exception):
    """The server did not agree to start TLS."""


async def _line(reader: Reader, timeout: float) -> str:
    """One line of the dialogue; the engine's reader bounds its wait and its length."""
    data = await asyncio.wait_for(reader.readline(), timeout)
    if not data:
        raise StartTLSError("connection closed during the plaintext greeting")
    return data.decode("latin-1").rstrip("\r\n")


def _count_line(lines: int) -> None:
    if lines > MAX_REPLY_LINES:
        raise OversizedResponse(f"more than {MAX_REPLY_LINES} lines in one plaintext reply")


async def _reply(reader: Reader, timeout: float) -> tuple[str, list[str]]:
    """A (possibly multi-line) SMTP/FTP reply: '250-...' lines end with '250 ...'."""
    lines = []
    while True:
        line = await _line(reader, timeout)
        lines.append(line)
        _count_line(len(lines))
        if len(line) < 4 or line[3] != "-":
            return line[:3], lines


async def _send(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(data)
    await writer.drain()


async def smtp(reader: Reader, writer: asyncio.StreamWriter, timeout: float) -> None:
    code, _ = await _reply(reader, timeout)
    if code != "220":
        raise StartTLSError(f"SMTP greeting {code}")
    await _send(writer, b"EHLO qscan.invalid\r\n")
    code, lines = await _reply(reader, timeout)
    if code != "250":
        raise StartTLSError(f"SMTP EHLO answered {code}")
    if not any(line[4:].upper().startswith("STARTTLS") for line in lines):
        raise StartTLSError("SMTP server does not offer STARTTLS")
    await _send(writer, b"STARTTLS\r\n")
    code, _ = await _reply(reader, timeout)
    if code != "220":
        raise StartTLSError(f"SMTP STARTTLS answered {code}")


async def imap(reader: Reader, writer: asyncio.StreamWriter, timeout: float) -> None:
    greeting = await _line(reader, timeout)
    if not greeting.startswith("* OK"):
        raise StartTLSError(f"IMAP greeting {greeting[:40]!r}")
    await _send(writer, b"q1 STARTTLS\r\n")
    for count in itertools.count(1):
        _count_line(count)
        line = await _line(reader, timeout)
        if line.startswith("q1 "):
            if not line.startswith("q1 OK"):
                raise StartTLSError(f"IMAP STARTTLS answered {line[:40]!r}")
            return


async def pop3(reader: Reader, writer: asyncio.StreamWriter, timeout: float) -> None:
    if not (await _line(reader, timeout)).startswith("+OK"):
        raise StartTLSError("POP3 greeting is not +OK")
    await _send(writer, b"STLS\r\n")
    if not (await _line(reader, timeout)).startswith("+OK"):
        raise StartTLSError("POP3 STLS refused")


async def ftp(reader: Reader, writer: asyncio.StreamWriter, timeout: float) -> None:
    code, _ = await _reply(reader, timeout)
    if code != "220":
        raise StartTLSError(f"FTP greeting {code}")
    await _send(writer, b"AUTH TLS\r\n")
    code, _ = await _reply(reader, timeout)
    if code != "234":
        raise StartTLSError(f"FTP AUTH TLS answered {code}")


def _ber_len(n: int) -> bytes:
    return bytes([n]) if n < 128 else b"\x81" + bytes([n])


async def ldap(reader: Reader, writer: asyncio.StreamWriter, timeout: float) -> None:
    """LDAPv3 ExtendedRequest for StartTLS (RFC 4511 4.14); success is resultCode 0."""
    name = b"\x80" + _ber_len(len(LDAP_STARTTLS_OID)) + LDAP_STARTTLS_OID
    op = b"\x77" + _ber_len(len(name)) + name
    body = b"\x02\x01\x01" + op
    await _send(writer, b"\x30" + _ber_len(len(body)) + body)
    head = await asyncio.wait_for(reader.readexactly(2), timeout)
    if head[0] != 0x30:
        raise StartTLSError("LDAP answer is not an LDAPMessage")
    length = head[1]
    if length & 0x80:
        length = int.from_bytes(
            await asyncio.wait_for(reader.readexactly(length & 0x7F), timeout), "big"
        )
    if length > MAX_LINE_BYTES:
        raise OversizedResponse(f"LDAP answer of {length} bytes")
    message = await asyncio.wait_for(reader.readexactly(length), timeout)
    # messageID, then [APPLICATION 24] ExtendedResponse whose first element is resultCode.
    marker = message.find(b"\x78")
    if marker < 0 or b"\x0a\x01\x00" not in message[marker : marker + 8]:
        raise StartTLSError("LDAP server refused StartTLS")


async def postgres(reader: Reader, writer: asyncio.StreamWriter, timeout: float) -> None:
    await _send(writer, POSTGRES_SSL_REQUEST)
    answer = await asyncio.wait_for(reader.readexactly(1), timeout)
    if answer != b"S":
        raise StartTLSError("PostgreSQL server does not accept SSL")


PREAMBLES: dict[str, Preamble] = {
    "smtp": smtp,
    "submission": smtp,
    "imap": imap,
    "pop3": pop3,
    "ftp": ftp,
    "ldap": ldap,
    "postgres": postgres,
    "postgresql": postgres,
}
