"""Hostile network peers on loopback, one behaviour per port, served by an asyncio loop in
a thread: the peers of the hostile-input campaign that kept `--timeout 5` scans running for
minutes (endless records, endless lines, a trickle) or that earned false credit (a
HelloRetryRequest that never completes)."""

from __future__ import annotations

import asyncio
import contextlib
import struct
import threading
from collections.abc import Awaitable, Callable

from qscan.scan.ssh.transport import packet
from qscan.scan.ssh.wire import string
from qscan.scan.tls.messages import HRR_RANDOM

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

CHANGE_CIPHER_SPEC = bytes.fromhex("140303000101")
# ServerHello for TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256, no extensions
SERVER_HELLO_12 = bytes.fromhex("160303002a" + "0200002603030000" + "00" * 30 + "00c02f00")
X25519MLKEM768 = 0x11EC


def _handshake_record(msg_type: int, body: bytes) -> bytes:
    message = bytes([msg_type]) + len(body).to_bytes(3, "big") + body
    return struct.pack("!BHH", 22, 0x0303, len(message)) + message


def hello_retry_request(group: int) -> bytes:
    """A HelloRetryRequest (RFC 8446 4.1.3) selecting `group`, TLS_AES_128_GCM_SHA256."""
    extensions = struct.pack("!HHH", 43, 2, 0x0304) + struct.pack("!HHH", 51, 2, group)
    body = struct.pack("!H", 0x0303) + HRR_RANDOM + b"\x00" + struct.pack("!HB", 0x1301, 0)
    body += struct.pack("!H", len(extensions)) + extensions
    return _handshake_record(2, body)


async def _until_closed(writer: asyncio.StreamWriter, chunks: Callable[[], bytes]) -> None:
    """Write chunks as fast as the client reads them, until it hangs up."""
    with contextlib.suppress(ConnectionError, OSError):
        while True:
            writer.write(chunks())
            await writer.drain()


async def _trickle(writer: asyncio.StreamWriter, data: bytes, every: float) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        for byte in data:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(every)


async def _client_hello(reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        await reader.read(65536)


# --- TLS ------------------------------------------------------------------------------------


async def endless_ccs(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _client_hello(reader)
    await _until_closed(writer, lambda: CHANGE_CIPHER_SPEC * 1000)


async def endless_handshake(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A ServerHello, then HelloRequest-like messages that never reach ServerHelloDone."""
    await _client_hello(reader)
    writer.write(SERVER_HELLO_12)
    await _until_closed(writer, lambda: _handshake_record(22, b"\x00" * 64) * 100)


async def endless_message(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A ServerHello, then one Certificate message of the largest length a client accepts
    (1 MiB), sent forever."""
    await _client_hello(reader)
    header = bytes([11]) + ((1 << 20) - 1).to_bytes(3, "big")
    writer.write(SERVER_HELLO_12 + struct.pack("!BHH", 22, 0x0303, 4) + header)
    await _until_closed(writer, lambda: struct.pack("!BHH", 22, 0x0303, 16384) + b"\x00" * 16384)


async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A valid ServerHello, one byte a second."""
    await _client_hello(reader)
    await _trickle(writer, SERVER_HELLO_12, 1.0)


async def hrr_forever(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A HelloRetryRequest for X25519MLKEM768 to every ClientHello, never a ServerHello."""
    await _client_hello(reader)
    with contextlib.suppress(ConnectionError, OSError):
        writer.write(hello_retry_request(X25519MLKEM768))
        await writer.drain()
        await reader.read(65536)


# --- STARTTLS -------------------------------------------------------------------------------


def _endless_lines(line: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _until_closed(writer, lambda: line * 200)

    return handler


def _after_greeting(greeting: bytes, line: bytes) -> Handler:
    """A normal greeting; the answer to the client's first command never ends."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(greeting)
        with contextlib.suppress(ConnectionError, OSError):
            await reader.readline()
        await _until_closed(writer, lambda: line * 200)

    return handler


async def smtp_slow_lines(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Continuation lines, each in time, forever."""
    with contextlib.suppress(ConnectionError, OSError):
        while True:
            writer.write(b"220-still greeting\r\n")
            await writer.drain()
            await asyncio.sleep(0.1)


async def pop3_endless_line(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _until_closed(writer, lambda: b"+OK " + b"x" * 8192)


STARTTLS = {
    "smtp-endless-greeting": ("smtp", _endless_lines(b"220-hello\r\n")),
    "smtp-endless-ehlo": ("smtp", _after_greeting(b"220 ready\r\n", b"250-EXTENSION\r\n")),
    "smtp-slow-lines": ("smtp", smtp_slow_lines),
    "imap-endless-untagged": ("imap", _after_greeting(b"* OK ready\r\n", b"* OK more\r\n")),
    "ftp-endless-greeting": ("ftp", _endless_lines(b"220-hello\r\n")),
    "pop3-endless-line": ("pop3", pop3_endless_line),
}


# --- SSH -------------------------------------------------------------------------------------

BANNER = b"SSH-2.0-Hostile_1.0\r\n"
IGNORE = packet(bytes([2]) + string(b"noise"))


async def ssh_trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _trickle(writer, BANNER, 0.3)


async def ssh_endless_ignore(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(BANNER)
    await _until_closed(writer, lambda: IGNORE * 100)


async def ssh_huge_packet(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(BANNER + struct.pack("!IB", 0xFFFFFFF0, 4))
    await _until_closed(writer, lambda: b"\x00" * 65536)


SSH = {
    "ssh-trickle": (ssh_trickle, "timeout"),
    "ssh-endless-prelines": (_endless_lines(b"not yet\r\n"), "ssh-bad-banner"),
    "ssh-endless-line": (_endless_lines(b"x" * 4096), "ssh-banner-too-long"),
    "ssh-endless-ignore": (ssh_endless_ignore, "ssh-protocol-error"),
    "ssh-huge-packet": (ssh_huge_packet, "ssh-malformed-packet"),
}


class Peers:
    """An asyncio loop in a thread serving one behaviour per port."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._servers: list[asyncio.Server] = []
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def serve(self, handler: Handler) -> int:
        async def start() -> int:
            server = await asyncio.start_server(handler, "127.0.0.1", 0)
            self._servers.append(server)
            return server.sockets[0].getsockname()[1]

        return asyncio.run_coroutine_threadsafe(start(), self.loop).result(5)

    def stop(self) -> None:
        async def close() -> None:
            for server in self._servers:
                server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
