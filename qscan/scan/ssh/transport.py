"""One SSH connection's byte stream with a connection-wide deadline: every read waits at
most until the deadline (options.timeout from connect), and lines and packets have caps,
so a stalling, dripping or flooding peer ends in SshError instead of holding the scan."""

from __future__ import annotations

import asyncio
import os

from qscan.scan.interface import Reader
from qscan.scan.ssh.wire import Buffer, SshError, malformed, u32

MAX_PACKET = 256 * 1024
"""OpenSSH's PACKET_MAX_SIZE; RFC 4253 §6.1 requires 35000 at least."""
MAX_SKIPPED = 32
"""IGNORE / DEBUG messages tolerated before the one expected."""

MSG_DISCONNECT = 1
MSG_IGNORE = 2
MSG_UNIMPLEMENTED = 3
MSG_DEBUG = 4


class Transport:
    def __init__(self, reader: Reader, writer: asyncio.StreamWriter, timeout: float) -> None:
        self.reader = reader
        self.writer = writer
        self._deadline = asyncio.get_running_loop().time() + timeout
        self._timeout = timeout
        self._buffer = bytearray()

    async def _fill(self, what: str) -> None:
        remaining = self._deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise SshError("timeout", f"no {what} within {self._timeout:g}s")
        try:
            chunk = await asyncio.wait_for(self.reader.read(65536), remaining)
        except TimeoutError:
            raise SshError("timeout", f"no {what} within {self._timeout:g}s") from None
        except (ConnectionError, OSError) as exc:
            raise SshError(
                "connection-closed", f"connection lost while waiting for {what}: {exc}"
            ) from None
        if not chunk:
            raise SshError("connection-closed", f"connection closed while waiting for {what}")
        self._buffer += chunk

    async def read_line(self, limit: int, what: str) -> bytes:
        """One line without its CR LF; SshError when `limit` bytes pass without a newline."""
        while True:
            end = self._buffer.find(b"\n", 0, limit + 1)
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return line.rstrip(b"\r")
            if len(self._buffer) > limit:
                raise SshError("ssh-banner-too-long", f"{what} longer than {limit} bytes")
            await self._fill(what)

    async def read_exactly(self, n: int, what: str) -> bytes:
        while len(self._buffer) < n:
            await self._fill(what)
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    async def read_packet(self, what: str) -> bytes:
        """The payload of one unencrypted binary packet (RFC 4253 §6)."""
        header = await self.read_exactly(5, what)
        length = int.from_bytes(header[:4], "big")
        padding = header[4]
        if length < 5 or length > MAX_PACKET:
            raise malformed(f"packet length {length} out of range (5..{MAX_PACKET}) in {what}")
        if padding >= length:
            raise malformed(f"padding length {padding} exceeds packet length {length} in {what}")
        body = await self.read_exactly(length - 1, what)
        return body[: length - 1 - padding]

    async def read_message(self, expected: set[int], what: str) -> bytes:
        """The next message whose type is in `expected`, skipping IGNORE and DEBUG;
        DISCONNECT and anything else unexpected raise SshError."""
        for _ in range(MAX_SKIPPED):
            payload = await self.read_packet(what)
            if not payload:
                raise malformed(f"empty packet in {what}")
            kind = payload[0]
            if kind in expected:
                return payload
            if kind in (MSG_IGNORE, MSG_DEBUG):
                continue
            if kind == MSG_DISCONNECT:
                raise SshError(
                    "ssh-disconnected", f"server disconnected during {what}: {_reason(payload)}"
                )
            raise SshError("ssh-protocol-error", f"unexpected message type {kind} during {what}")
        raise SshError(
            "ssh-protocol-error", f"more than {MAX_SKIPPED} ignorable messages before {what}"
        )

    def write(self, data: bytes) -> None:
        self.writer.write(data)

    def send(self, payload: bytes) -> None:
        self.writer.write(packet(payload))

    async def drain(self) -> None:
        remaining = max(0.0, self._deadline - asyncio.get_running_loop().time())
        try:
            await asyncio.wait_for(self.writer.drain(), remaining)
        except TimeoutError:
            raise SshError("timeout", "peer stopped reading") from None
        except (ConnectionError, OSError) as exc:
            raise SshError("connection-closed", f"connection lost while sending: {exc}") from None


def packet(payload: bytes) -> bytes:
    """Frame a payload as an unencrypted binary packet, padded to 8-byte blocks."""
    padding = 8 - (len(payload) + 5) % 8
    if padding < 4:
        padding += 8
    return u32(len(payload) + padding + 1) + bytes([padding]) + payload + os.urandom(padding)


def _reason(payload: bytes) -> str:
    buf = Buffer(payload[1:])
    try:
        code = buf.uint32()
        text = buf.string().decode("utf-8", "replace")
    except SshError:
        return "no reason given"
    return f"reason {code}: {text[:200]}"
