"""The asyncio engine every endpoint scanner runs on: bounded concurrency (global and per
host), a timeout on every connect, an optional connection rate, bounded retries, progress."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable

from qscan.model import ScanError
from qscan.scan.interface import EndpointScanner, Record, ScanOptions
from qscan.targets import Target


class RateLimiter:
    """Spaces connection attempts to at most `rate` per second (token interval)."""

    def __init__(self, rate: float | None) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self._interval:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)


class Net:
    """Connection broker handed to scanners. Counts connections per endpoint."""

    def __init__(self, options: ScanOptions) -> None:
        self.options = options
        self._per_host: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(max(1, options.per_host))
        )
        self._rate = RateLimiter(options.rate)
        self.connections: dict[tuple[str, int], int] = defaultdict(int)

    @contextlib.asynccontextmanager
    async def connect(
        self, host: str, port: int, *, timeout: float | None = None
    ) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
        """Open one TCP connection, holding a per-host slot for its whole life."""
        limit = timeout or self.options.timeout
        async with self._per_host[host]:
            await self._rate.wait()
            self.connections[(host, port)] += 1
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, limit=2**20), limit
            )
            try:
                yield reader, writer
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(writer.wait_closed(), 1.0)


async def run_endpoints(
    jobs: Iterable[tuple[EndpointScanner, Target]],
    options: ScanOptions,
    emit: Callable[[Record], None],
) -> Net:
    """Scan every endpoint, emitting records as they come; one endpoint's failure (after
    `options.retries` retries of transient errors) becomes an error record, never a crash."""
    net = Net(options)
    gate = asyncio.Semaphore(max(1, options.concurrency))

    async def one(scanner: EndpointScanner, target: Target) -> None:
        async with gate:
            started = time.monotonic()
            for attempt in range(options.retries + 1):
                buffered: list[Record] = []
                try:
                    async for record in scanner.scan(target, options, net):
                        buffered.append(record)
                    break
                except (ConnectionError, TimeoutError, OSError) as exc:
                    if attempt < options.retries and _transient(exc):
                        await asyncio.sleep(0.2 * (attempt + 1))
                        continue
                    buffered.append(_error(target, exc))
                    break
                except Exception as exc:  # a scanner bug must not stop the estate scan
                    buffered.append(_error(target, exc, kind="scanner-error"))
                    break
            for record in buffered:
                emit(record)
            if options.progress:
                used = net.connections[(target.host or "", target.port or 0)]
                options.progress(
                    f"{target.display}: {time.monotonic() - started:.1f}s, {used} connections"
                )

    await asyncio.gather(*(one(s, t) for s, t in jobs))
    return net


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError | ConnectionResetError | ConnectionAbortedError)


def _error(target: Target, exc: BaseException, kind: str | None = None) -> ScanError:
    if kind is None:
        if isinstance(exc, TimeoutError):
            kind = "timeout"
        elif isinstance(exc, ConnectionRefusedError):
            kind = "connection-refused"
        else:
            kind = "connection-error"
    message = str(exc) or type(exc).__name__
    return ScanError(
        target=target.raw, kind=kind, message=message, host=target.host, port=target.port
    )
