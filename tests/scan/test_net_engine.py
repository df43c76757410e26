"""The asyncio engine: limits, timeouts, retries and error records, with loopback servers."""

import asyncio
import time

import pytest

from qscan.model import Finding, Location, ScanError
from qscan.scan.interface import EndpointScanner, ScanOptions
from qscan.scan.net.engine import run_endpoints
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


@pytest.mark.parametrize("exc", [RuntimeError("bug"), KeyError("x")])
def test_scanner_bug_is_recorded(exc):
    class Broken(EndpointScanner):
        name = "broken"

        def accepts(self, target):
            return True

        async def scan(self, target, options, net):
            raise exc
            yield  # pragma: no cover

    records = []
    asyncio.run(
        run_endpoints([(Broken(), parse_target("127.0.0.1:1"))], ScanOptions(), records.append)
    )
    assert [r.kind for r in records] == ["scanner-error"]
