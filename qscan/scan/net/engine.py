"""The asyncio engine every endpoint scanner runs on: bounded concurrency (global and per
host, sized to the file-descriptor limit), a timeout on every connect and read, one
deadline per endpoint, caps on what a peer may send, an optional connection rate, bounded
retries, progress.

Deadlines: a connection must open within --timeout and its dialogue is over --timeout
after it opened (every read waits at most that long, see qscan.scan.net.stream); the
whole scan of one endpoint, every probe and retry included, ends ENDPOINT_TIMEOUTS times
--timeout after it started. So one scanner bug or one hostile peer costs a bounded time.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import errno
import os
import socket
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence

from qscan.model import RESOURCE_LIMIT, ScanError, Text, text_key
from qscan.scan.interface import EndpointScanner, Record, ScanOptions
from qscan.scan.limits import ENDPOINT_TIMEOUTS, FD_RESERVE, MAX_LINE_BYTES
from qscan.scan.net.stream import BoundedReader, OversizedResponse
from qscan.targets import Target

DESCRIPTOR_ERRORS = (errno.EMFILE, errno.ENFILE)
DESCRIPTOR_RETRY_SECONDS = 0.25
"""Wait before trying again to open a connection when no file descriptor was free."""

_endpoint_deadline: contextvars.ContextVar[float] = contextvars.ContextVar(
    "qscan_endpoint_deadline", default=float("inf")
)


class ResourceLimit(OSError):
    """No file descriptor was free for a connection before the endpoint's deadline (error
    kind `resource-limit`: the target was lost to the scanning machine's limits)."""

    def __init__(self, message: str, text: Text) -> None:
        super().__init__(message)
        self.text = text
        """The message key (qscan.model.Text)."""


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
        self.open = 0
        """Connections of this scan open right now."""

    @contextlib.asynccontextmanager
    async def connect(
        self, host: str, port: int, *, timeout: float | None = None
    ) -> AsyncIterator[tuple[BoundedReader, asyncio.StreamWriter]]:
        """Open one TCP connection, holding a per-host slot for its whole life. Its reads
        are bounded (qscan.scan.net.stream); its dialogue ends `timeout` after it opened,
        and at the endpoint's deadline at the latest."""
        limit = timeout or self.options.timeout
        async with self._per_host[host]:
            await self._rate.wait()
            self.connections[(host, port)] += 1
            reader, writer = await self._open(host, port, limit)
            self.open += 1
            loop = asyncio.get_running_loop()
            deadline = min(loop.time() + limit, _endpoint_deadline.get())
            try:
                yield BoundedReader(reader, limit, deadline), writer
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(writer.wait_closed(), 1.0)
                self.open -= 1

    async def _open(
        self, host: str, port: int, limit: float
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """open_connection within `limit`. While no file descriptor is free (EMFILE,
        ENFILE) and other connections of the scan hold some, it waits for one of them to
        close, until the endpoint's deadline; then, or at once when none of the scan's
        connections is open (nothing of its own to wait for), it raises ResourceLimit."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                return await asyncio.wait_for(
                    asyncio.open_connection(host, port, limit=MAX_LINE_BYTES), limit
                )
            except OSError as exc:
                if exc.errno not in DESCRIPTOR_ERRORS:
                    raise
                late = loop.time() + DESCRIPTOR_RETRY_SECONDS >= _endpoint_deadline.get()
                if late or not self.open:
                    raise ResourceLimit(
                        f"no file descriptor was free for a connection ({exc.strerror}); "
                        "raise the limit (ulimit -n) or lower --concurrency",
                        text_key("endpoint.no-descriptor", reason=str(exc.strerror)),
                    ) from None
                await asyncio.sleep(DESCRIPTOR_RETRY_SECONDS)


def endpoint_seconds(options: ScanOptions) -> float:
    """How long the scan of one endpoint may take, retries included."""
    return ENDPOINT_TIMEOUTS * options.timeout


def descriptor_concurrency(options: ScanOptions) -> int:
    """--concurrency, lowered when the file-descriptor limit cannot hold that many
    endpoints' connections (each holds up to --per-host at once) beside FD_RESERVE; the
    soft limit is raised towards the hard one first, where the system allows."""
    wanted = max(1, options.concurrency)
    per_endpoint = max(1, options.per_host)
    try:
        import resource
    except ImportError:  # not a POSIX system: nothing to size against
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted * per_endpoint + FD_RESERVE + _open_descriptors()
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return wanted
    free = soft - FD_RESERVE - _open_descriptors()
    return max(1, min(wanted, free // per_endpoint))


def _open_descriptors() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return 0


async def run_endpoints(
    jobs: Iterable[tuple[EndpointScanner, Target]],
    options: ScanOptions,
    emit: Callable[[Record], None],
) -> Net:
    """Scan every endpoint, emitting records as they come; one endpoint's failure (after
    `options.retries` retries of transient errors, within its deadline) becomes an error
    record, never a crash."""
    net = Net(options)
    concurrency = descriptor_concurrency(options)
    if concurrency < options.concurrency and options.progress:
        options.progress(
            f"file-descriptor limit: scanning {concurrency} endpoints at a time "
            f"instead of {options.concurrency}"
        )
    gate = asyncio.Semaphore(concurrency)
    budget = endpoint_seconds(options)

    async def one(scanner: EndpointScanner, target: Target) -> None:
        async with gate:
            started = time.monotonic()
            deadline = asyncio.get_running_loop().time() + budget
            _endpoint_deadline.set(deadline)  # this task's own context
            scope = asyncio.timeout_at(deadline)
            try:
                async with scope:
                    records = await _attempts(scanner, target, options, net)
            except TimeoutError:
                if not scope.expired():
                    raise
                over = _over_deadline(budget, options)
                records = [_error(target, TimeoutError(over[0]), over[1])]
            for record in records:
                emit(record)
            if options.progress:
                used = net.connections[(target.host or "", target.port or 0)]
                options.progress(
                    f"{target.display}: {time.monotonic() - started:.1f}s, {used} connections"
                )

    await asyncio.gather(*(one(s, t) for s, t in jobs))
    return net


def scan_endpoints(
    jobs: Sequence[tuple[EndpointScanner, Target]],
    options: ScanOptions,
    emit: Callable[[Record], None],
) -> None:
    """run_endpoints on an event loop of its own. When not even the loop can start (it
    needs file descriptors too), every endpoint is recorded as lost to the limit."""
    try:
        asyncio.run(run_endpoints(jobs, options, emit))
    except OSError as exc:
        if exc.errno not in DESCRIPTOR_ERRORS:
            raise
        lost = ResourceLimit(
            f"no file descriptor for the scan's event loop ({exc.strerror}); "
            "raise the limit (ulimit -n)",
            text_key("endpoint.no-descriptor-loop", reason=str(exc.strerror)),
        )
        for _, target in jobs:
            emit(_error(target, lost))


async def _attempts(
    scanner: EndpointScanner, target: Target, options: ScanOptions, net: Net
) -> list[Record]:
    """The records of one endpoint: the scan, tried again after a transient error."""
    attempt = 0
    while True:
        buffered: list[Record] = []
        try:
            async for record in scanner.scan(target, options, net):
                buffered.append(record)
            return buffered
        except (ConnectionError, TimeoutError, OSError, OversizedResponse) as exc:
            if attempt < options.retries and _transient(exc):
                attempt += 1
                await asyncio.sleep(0.2 * attempt)
                continue
            return [*buffered, _error(target, exc)]
        except Exception as exc:  # a scanner bug must not stop the estate scan
            return [*buffered, _error(target, exc, kind="scanner-error")]


def _over_deadline(budget: float, options: ScanOptions) -> tuple[str, Text]:
    """The message of an endpoint over its deadline, and its message key."""
    message = (
        f"the endpoint was not done within {budget:g}s ({ENDPOINT_TIMEOUTS} x --timeout "
        f"{options.timeout:g}s, the deadline of one endpoint); its partial results are dropped"
    )
    said = text_key(
        "endpoint.deadline",
        budget=f"{budget:g}",
        n=ENDPOINT_TIMEOUTS,
        timeout=f"{options.timeout:g}",
    )
    return message, said


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError | ConnectionResetError | ConnectionAbortedError)


_NO_SUCH_HOST = frozenset(
    code for name in ("EAI_NONAME", "EAI_NODATA") if (code := getattr(socket, name, None))
)


def _error(
    target: Target, exc: BaseException, text: Text | None = None, kind: str | None = None
) -> ScanError:
    """The error record of an endpoint; `text` is its message key where qscan wrote it."""
    if kind is None:
        if isinstance(exc, TimeoutError):
            kind = "timeout"
        elif isinstance(exc, ConnectionRefusedError):
            kind = "connection-refused"
        elif isinstance(exc, ResourceLimit) or getattr(exc, "errno", None) in DESCRIPTOR_ERRORS:
            kind = RESOURCE_LIMIT  # also a module import that found no descriptor
        elif isinstance(exc, OversizedResponse):
            kind = "oversized-response"
        elif isinstance(exc, socket.gaierror) and exc.errno in _NO_SUCH_HOST:
            kind = "not-found"  # the host name does not exist: the target cannot be scanned
        else:
            kind = "connection-error"
    message = str(exc) or type(exc).__name__
    if text is None and isinstance(exc, ResourceLimit):
        text = exc.text
    return ScanError(
        target=target.raw,
        kind=kind,
        message=message,
        host=target.host,
        port=target.port,
        texts=None if text is None else {"message": text},
    )
