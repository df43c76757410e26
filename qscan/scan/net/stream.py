"""The read side of one connection as the engine hands it to scanners: every read waits at
most --timeout and ends at the connection's deadline at the latest, and the peer may send
at most MAX_CONNECTION_BYTES, in lines of at most MAX_LINE_BYTES. A peer that trickles,
floods or never ends its lines costs one --timeout and a bounded amount of memory."""

from __future__ import annotations

import asyncio

from qscan.scan.limits import MAX_CONNECTION_BYTES, MAX_LINE_BYTES


class OversizedResponse(Exception):
    """The peer sent more than a scan ever needs (error kind `oversized-response`)."""


class BoundedReader:
    """A StreamReader's read, readexactly and readline under the connection's limits."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        timeout: float,
        deadline: float,
        max_bytes: int = MAX_CONNECTION_BYTES,
    ) -> None:
        self._reader = reader
        self._timeout = timeout
        self.deadline = deadline
        """Loop time by which the connection's dialogue must be over."""
        self._max_bytes = max_bytes
        self.received = 0

    def _wait_until(self) -> float:
        return min(asyncio.get_running_loop().time() + self._timeout, self.deadline)

    def _count(self, data: bytes) -> bytes:
        self.received += len(data)
        if self.received > self._max_bytes:
            raise OversizedResponse(
                f"the peer sent more than {self._max_bytes} bytes on one connection"
            )
        return data

    async def read(self, n: int = -1) -> bytes:
        want = self._max_bytes - self.received + 1 if n < 0 else n
        async with asyncio.timeout_at(self._wait_until()):
            return self._count(await self._reader.read(want))

    async def readexactly(self, n: int) -> bytes:
        if self.received + n > self._max_bytes:
            raise OversizedResponse(
                f"the peer announced {n} more bytes, past {self._max_bytes} on one connection"
            )
        async with asyncio.timeout_at(self._wait_until()):
            return self._count(await self._reader.readexactly(n))

    async def readline(self) -> bytes:
        """One line with its end; shorter at the end of the stream."""
        async with asyncio.timeout_at(self._wait_until()):
            try:
                line = await self._reader.readuntil(b"\n")
            except asyncio.IncompleteReadError as exc:
                line = exc.partial
            except asyncio.LimitOverrunError:
                raise OversizedResponse(
                    f"a line longer than {MAX_LINE_BYTES} bytes from the peer"
                ) from None
        if len(line) > MAX_LINE_BYTES:
            raise OversizedResponse(f"a line longer than {MAX_LINE_BYTES} bytes from the peer")
        return self._count(line)
