"""The asyncio engine: limits, timeouts, retries and error records, with loopback servers."""

import asyncio
import errno
import socket
import time

import pytest

from qscan.model import Finding, Location, ScanError
from qscan.scan.interface import EndpointScanner, ScanOptions
from qscan.scan.net import engine
from qscan.scan.net.engine import Net, descriptor_concurrency, run_endpoints
from qscan.scan.net.stream import OversizedResponse
from qscan.targets import parse_target


class EchoProbe(EndpointScanner):
    """Connects twice, reads one line each time, reports it."""

    name = "echo"

    def accepts(self, target):
        return True

    async def scan(self, target, options, net):
        for _ in range(2):
            async with net.connect(target.host, target.port) as (reader, writer):
                writer.write(b"hi\n")
                await writer.drain()
                line = await asyncio.wait_for(reader.readline(), options.timeout)
        yield Finding(
            algorithm="X25519",
            function="key-exchange",
            asset="protocol",
            location=Location(target=target.raw, host=target.host, port=target.port, service="tls"),
            evidence=line.decode().strip(),
        )


async def _server(handler):
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def _run(targets, options):
    records = []
    net = asyncio.run(run_endpoints([(EchoProbe(), t) for t in targets], options, records.append))
    return records, net


def test_per_host_limit_and_connection_accounting():
    active = {"now": 0, "max": 0}

    async def main():
        async def handler(reader, writer):
            active["now"] += 1
            active["max"] = max(active["max"], active["now"])
            await reader.readline()
            await asyncio.sleep(0.05)
            writer.write(b"ok\n")
            await writer.drain()
            writer.close()
            active["now"] -= 1

        server, port = await _server(handler)
        records = []
        targets = [parse_target(f"127.0.0.1:{port}")] * 6
        net = await run_endpoints(
            [(EchoProbe(), t) for t in targets], ScanOptions(per_host=2, timeout=5), records.append
        )
        server.close()
        return records, net

    records, net = asyncio.run(main())
    assert len(records) == 6 and all(isinstance(r, Finding) for r in records)
    assert active["max"] <= 2
    assert sum(net.connections.values()) == 12


def test_silent_server_times_out_into_an_error_record():
    async def main():
        async def handler(reader, writer):
            await asyncio.sleep(5)

        server, port = await _server(handler)
        records = []
        started = time.monotonic()
        await run_endpoints(
            [(EchoProbe(), parse_target(f"127.0.0.1:{port}"))],
            ScanOptions(timeout=0.3, retries=1),
            records.append,
        )
        server.close()
        return records, time.monotonic() - started

    records, elapsed = asyncio.run(main())
    assert [type(r) for r in records] == [ScanError]
    assert records[0].kind == "timeout" and records[0].port
    assert elapsed < 3


def test_refused_connection_is_an_error_not_a_crash():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    records, _ = _run([parse_target(f"127.0.0.1:{port}")], ScanOptions(timeout=1, retries=0))
    assert [r.kind for r in records] == ["connection-refused"]


def test_rate_limit_spaces_connections():
    async def main():
        async def handler(reader, writer):
            await reader.readline()
            writer.write(b"ok\n")
            await writer.drain()
            writer.close()

        server, port = await _server(handler)
        records = []
        started = time.monotonic()
        await run_endpoints(
            [(EchoProbe(), parse_target(f"127.0.0.1:{port}"))] * 2,
            ScanOptions(rate=10),
            records.append,
        )
        server.close()
        return time.monotonic() - started

    # 4 connections at 10/s need at least 0.3 s.
    assert asyncio.run(main()) >= 0.29


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (RuntimeError("bug"), "scanner-error"),
        (KeyError("x"), "scanner-error"),
        # the resolver's answer for a host name that does not exist: the target is missing
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "not-found"),
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure"), "connection-error"),
    ],
)
def test_scanner_failures_are_recorded(exc, kind):
    class Broken(EndpointScanner):
        name = "broken"

        def accepts(self, target):
            return True

        async def scan(self, target, options, net):
            raise exc
            yield  # pragma: no cover

    records = []
    options = ScanOptions(retries=0)
    asyncio.run(run_endpoints([(Broken(), parse_target("h.example:1"))], options, records.append))
    assert [r.kind for r in records] == [kind]


class Endless(EndpointScanner):
    """A scanner bug: it never ends (every single wait is short)."""

    name = "endless"

    def accepts(self, target):
        return True

    async def scan(self, target, options, net):
        while True:
            await asyncio.sleep(0.05)
        yield  # pragma: no cover


def test_endpoint_deadline_ends_a_scanner_that_never_does(monkeypatch):
    monkeypatch.setattr(engine, "ENDPOINT_TIMEOUTS", 3)
    records = []
    started = time.monotonic()
    asyncio.run(
        run_endpoints(
            [(Endless(), parse_target("127.0.0.1:1")), (Endless(), parse_target("127.0.0.1:2"))],
            ScanOptions(timeout=0.2),
            records.append,
        )
    )
    assert time.monotonic() - started < 2
    assert [r.kind for r in records] == ["timeout", "timeout"]
    assert "deadline of one endpoint" in records[0].message


class Pair(EndpointScanner):
    """Opens a second connection while holding the first for a moment."""

    name = "pair"

    def accepts(self, target):
        return True

    async def scan(self, target, options, net):
        async def hold():
            async with net.connect(target.host, target.port):
                await asyncio.sleep(0.1)

        async def second():
            await asyncio.sleep(0.02)
            async with net.connect(target.host, target.port):
                pass

        await asyncio.gather(hold(), second())
        yield Finding(
            algorithm="X25519",
            function="key-exchange",
            asset="protocol",
            location=Location(target=target.raw, host=target.host, port=target.port),
        )


def _emfile_after(real, first_ok, failures):
    """open_connection that succeeds `first_ok` times, then fails with EMFILE
    `failures` times (None: for ever), then succeeds again."""
    calls = {"n": 0}

    async def open_connection(*args, **kwargs):
        calls["n"] += 1
        failing = calls["n"] > first_ok and (failures is None or calls["n"] <= first_ok + failures)
        if failing:
            raise OSError(errno.EMFILE, "Too many open files")
        return await real(*args, **kwargs)

    return open_connection


def test_no_free_descriptor_is_waited_for_or_recorded(monkeypatch):
    async def handler(reader, writer):
        await asyncio.sleep(0.5)
        writer.close()

    async def main(scanner):
        server, port = await _server(handler)
        records = []
        await run_endpoints(
            [(scanner, parse_target(f"127.0.0.1:{port}"))],
            ScanOptions(timeout=0.5, retries=0),
            records.append,
        )
        server.close()
        return records

    real = asyncio.open_connection
    monkeypatch.setattr(engine, "DESCRIPTOR_RETRY_SECONDS", 0.01)
    monkeypatch.setattr(engine, "ENDPOINT_TIMEOUTS", 2)
    # the scan's own connection holds descriptors: wait for it to close
    monkeypatch.setattr(asyncio, "open_connection", _emfile_after(real, 1, 3))
    assert [type(r) for r in asyncio.run(main(Pair()))] == [Finding]
    # nothing of the scan's own is open: waiting cannot help
    monkeypatch.setattr(asyncio, "open_connection", _emfile_after(real, 0, None))
    started = time.monotonic()
    records = asyncio.run(main(EchoProbe()))
    assert time.monotonic() - started < 0.5
    assert [r.kind for r in records] == ["resource-limit"]
    assert "ulimit -n" in records[0].message


def test_concurrency_fits_the_descriptor_limit(monkeypatch):
    import resource

    limits = {"soft": 200, "hard": 200}
    monkeypatch.setattr(resource, "getrlimit", lambda _: (limits["soft"], limits["hard"]))
    monkeypatch.setattr(resource, "setrlimit", lambda _, value: limits.update(soft=value[0]))
    monkeypatch.setattr(engine, "_open_descriptors", lambda: 16)
    options = ScanOptions(concurrency=200, per_host=4)
    # (200 - 64 reserved - 16 open) // 4 per endpoint
    assert descriptor_concurrency(options) == 30
    limits["hard"] = 100_000  # a soft limit that may be raised is raised instead
    assert descriptor_concurrency(options) == 200
    assert limits["soft"] == 200 * 4 + 64 + 16


def test_bounded_reader_caps_bytes_lines_and_time():
    async def main():
        async def flood(reader, writer):
            try:
                while True:
                    writer.write(b"x" * 65536)
                    await writer.drain()
            except (ConnectionError, OSError):
                return

        async def trickle(reader, writer):
            for _ in range(100):
                writer.write(b"y")
                await writer.drain()
                await asyncio.sleep(0.05)

        outcomes = {}
        for name, handler, call in (
            ("flood-read", flood, lambda r: _drain(r)),
            ("flood-line", flood, lambda r: r.readline()),
            ("trickle", trickle, lambda r: _drain(r)),
        ):
            server, port = await _server(handler)
            net = Net(ScanOptions(timeout=0.5))
            started = time.monotonic()
            try:
                async with net.connect("127.0.0.1", port) as (reader, _):
                    await call(reader)
            except (OversizedResponse, TimeoutError) as exc:
                outcomes[name] = (type(exc).__name__, time.monotonic() - started)
            server.close()
        return outcomes

    async def _drain(reader):
        while await reader.read(4096):
            pass

    outcomes = asyncio.run(main())
    assert outcomes["flood-read"][0] == "OversizedResponse"
    assert outcomes["flood-line"][0] == "OversizedResponse"
    assert outcomes["trickle"][0] == "TimeoutError"
    assert all(seconds < 1.5 for _, seconds in outcomes.values())
