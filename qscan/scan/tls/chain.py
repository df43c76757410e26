"""A real handshake with pyOpenSSL on the OpenSSL that `cryptography` bundles (it speaks
X25519MLKEM768 and ML-DSA), driven through memory BIOs over an asyncio connection so that it
shares the engine's limits, accounting and timeouts. Returns the server's certificate chain
and what the handshake negotiated."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from cryptography.hazmat.bindings.openssl.binding import Binding
from cryptography.hazmat.primitives.serialization import Encoding
from OpenSSL import SSL

from qscan.scan.tls.probe import Endpoint, starttls
from qscan.scan.tls.wire import PeerClosed

_binding = Binding()
CHUNK = 65536


@dataclass(frozen=True)
class Handshake:
    chain: tuple[bytes, ...]
    version: str
    suite: str
    group: str | None


def _context() -> SSL.Context:
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_verify(SSL.VERIFY_NONE)
    ctx.set_min_proto_version(SSL.TLS1_VERSION)
    ctx.set_cipher_list(b"ALL:COMPLEMENTOFALL:@SECLEVEL=0")
    return ctx


def _group_name(conn: SSL.Connection) -> str | None:
    name = _binding.lib.SSL_get0_group_name(conn._ssl)  # pyOpenSSL has no API for it
    return _binding.ffi.string(name).decode() if name != _binding.ffi.NULL else None


def _flush(conn: SSL.Connection, writer: asyncio.StreamWriter) -> None:
    while True:
        try:
            data = conn.bio_read(CHUNK)
        except SSL.WantReadError:
            return
        if not data:
            return
        writer.write(data)


async def handshake(endpoint: Endpoint) -> Handshake:
    async with endpoint.net.connect(endpoint.host, endpoint.port, timeout=endpoint.timeout) as (
        reader,
        writer,
    ):
        await starttls(endpoint, reader, writer)
        conn = SSL.Connection(_context(), None)
        conn.set_connect_state()
        if endpoint.sni:
            conn.set_tlsext_host_name(endpoint.sni.encode("idna"))
        while True:
            try:
                conn.do_handshake()
                done = True
            except SSL.WantReadError:
                done = False
            _flush(conn, writer)
            await writer.drain()
            if done:
                break
            async with asyncio.timeout(endpoint.timeout):
                data = await reader.read(CHUNK)
            if not data:
                raise PeerClosed("connection closed during the handshake", clean=False)
            conn.bio_write(data)
        chain = conn.get_peer_cert_chain(as_cryptography=True) or []
        return Handshake(
            chain=tuple(c.public_bytes(Encoding.DER) for c in chain),
            version=conn.get_protocol_version_name(),
            suite=conn.get_cipher_name() or "",
            group=_group_name(conn),
        )
