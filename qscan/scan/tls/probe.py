"""One probe = one connection: (STARTTLS preamble,) ClientHello, read the server's answer up to
ServerHello (TLS 1.3, HelloRetryRequest) or ServerHelloDone (TLS <= 1.2), close.

A probe that the server refuses (an alert, or a close before any answer) is a normal
`Rejected` result; bytes that are not TLS, timeouts and resets raise, because they say
something is wrong with the endpoint, not with what we offered."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qscan.protocols import tls as T
from qscan.scan.interface import Reader
from qscan.scan.tls.hello import TLS13, Offer, client_hello
from qscan.scan.tls.messages import (
    KeyExchange,
    ServerHello,
    parse_certificates,
    parse_server_hello,
    parse_server_key_exchange,
)
from qscan.scan.tls.starttls import PREAMBLES, StartTLSError
from qscan.scan.tls.wire import (
    ALERTS,
    CERTIFICATE,
    SERVER_HELLO,
    SERVER_HELLO_DONE,
    SERVER_KEY_EXCHANGE,
    NotTLS,
    PeerClosed,
    TLSAlert,
    handshake_messages,
)

if TYPE_CHECKING:
    from qscan.scan.interface import Net

MAX_FLIGHT_MESSAGES = 16
"""ServerHello to ServerHelloDone is at most 7 messages (with CertificateStatus and
CertificateRequest); a peer sending more is not finishing its flight."""


@dataclass(frozen=True)
class Accepted:
    hello: ServerHello
    key_exchange: KeyExchange = KeyExchange()
    certificates: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class Rejected:
    reason: str


Answer = Accepted | Rejected


@dataclass
class Endpoint:
    """Where and how to connect; every probe of one endpoint shares it."""

    net: Net
    host: str
    port: int
    scheme: str
    sni: str | None
    timeout: float


async def starttls(endpoint: Endpoint, reader: Reader, writer: asyncio.StreamWriter) -> None:
    preamble = PREAMBLES.get(endpoint.scheme)
    if preamble is None:
        return
    try:
        await preamble(reader, writer, endpoint.timeout)
    except asyncio.IncompleteReadError:
        raise StartTLSError("connection closed during the STARTTLS exchange") from None


async def probe(endpoint: Endpoint, offer: Offer) -> Answer:
    async with endpoint.net.connect(endpoint.host, endpoint.port, timeout=endpoint.timeout) as (
        reader,
        writer,
    ):
        await starttls(endpoint, reader, writer)
        writer.write(client_hello(offer))
        await writer.drain()
        answer = await _answer(reader, endpoint.timeout)
    if (
        isinstance(answer, Accepted)
        and answer.hello.hrr
        and answer.hello.group in (offer.key_shares or ())
    ):
        # RFC 8446 4.1.4: a client aborts on it; no server that completes handshakes sends it
        return Rejected("HelloRetryRequest for a group whose key share was sent")
    return answer


async def _answer(reader: Reader, timeout: float) -> Answer:
    hello: ServerHello | None = None
    suite: T.Suite | None = None
    kex = KeyExchange()
    certificates: tuple[bytes, ...] = ()
    messages = 0
    try:
        async for msg_type, body in handshake_messages(reader, timeout):
            messages += 1
            if messages > MAX_FLIGHT_MESSAGES:
                raise NotTLS(f"more than {MAX_FLIGHT_MESSAGES} handshake messages in one flight")
            if hello is None:
                if msg_type != SERVER_HELLO:
                    raise NotTLS(f"expected ServerHello, got handshake message {msg_type}")
                hello = parse_server_hello(body)
                suite = T.suite(hello.suite)
                if hello.hrr or hello.version >= TLS13 or suite is None:
                    return Accepted(hello)
            elif msg_type == CERTIFICATE:
                certificates = tuple(parse_certificates(body))
            elif msg_type == SERVER_KEY_EXCHANGE and suite is not None:
                kex = parse_server_key_exchange(body, suite, hello.version)
            elif msg_type == SERVER_HELLO_DONE:
                break
    except TLSAlert as alert:
        if hello is None:
            return Rejected(ALERTS.get(alert.description, f"alert {alert.description}"))
    except PeerClosed as closed:
        if hello is None and closed.clean:
            return Rejected("connection closed")
        if hello is None:
            raise NotTLS(str(closed)) from None
    if hello is None:
        return Rejected("connection closed")
    return Accepted(hello, kex, certificates)
