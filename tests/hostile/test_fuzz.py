"""Bounded mutation fuzzing of every parser that reads hostile bytes: thousands of bent
samples per parser within a fixed time, each one ending in records (files) or in the
parser's own error (protocols), never in another exception, a hang or a blow-up."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from qscan.scan.certs import CertificateAnalyzer
from qscan.scan.interface import FileContext, ScanOptions
from qscan.scan.limits import KdfBudget
from qscan.scan.ssh.banner import read_banner
from qscan.scan.ssh.hostkeys import parse_host_key
from qscan.scan.ssh.kexinit import parse_kexinit
from qscan.scan.ssh.transport import Transport
from qscan.scan.ssh.wire import Buffer, SshError
from qscan.scan.tls.probe import _answer
from qscan.scan.tls.wire import NotTLS
from tests.hostile import samples
from tests.hostile.limited import run_limited
from tests.hostile.mutate import fuzz

SECONDS_PER_PARSER = 2.0
SLOWEST_INPUT = 1.0
FILE_NAMES = {
    "der-pem": "sample.pem",
    "pkcs12": "sample.p12",
    "jks-jceks": "sample.jks",
    "ssh-putty": "authorized_keys",
}


def _file_parser(name: str) -> Callable[[bytes], object]:
    analyzer = CertificateAnalyzer()
    options = ScanOptions(passwords=(samples.PASSWORD,))

    def parse(data: bytes) -> object:
        # a small key-derivation budget: slow inputs are the hostile-file tests' business
        ctx = FileContext("fuzz", Path(name), name, options, KdfBudget(100_000))
        return list(analyzer.analyze(data, ctx))

    return parse


FILE_SEEDS: dict[str, Callable[[], tuple[bytes, ...]]] = {
    "der-pem": samples.der_and_pem,
    "pkcs12": samples.pkcs12_stores,
    "jks-jceks": samples.java_stores,
    "ssh-putty": samples.ssh_keys,
}


def _fuzz_file_format(kind: str) -> tuple[int, float]:
    report = fuzz(_file_parser(FILE_NAMES[kind]), FILE_SEEDS[kind](), seconds=SECONDS_PER_PARSER)
    return report.inputs, report.slowest


@pytest.mark.parametrize("kind", sorted(FILE_SEEDS))
def test_file_parser_survives_mutations(kind: str) -> None:
    FILE_SEEDS[kind]()  # generated here, inherited by the child
    inputs, slowest = run_limited(_fuzz_file_format, kind).value
    assert inputs >= 200, f"only {inputs} inputs in {SECONDS_PER_PARSER}s"
    assert slowest < SLOWEST_INPUT


def _parse_flight(loop: asyncio.AbstractEventLoop) -> Callable[[bytes], object]:
    async def answer(data: bytes) -> object:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        try:
            return await _answer(reader, 1.0)
        except NotTLS:
            return None

    return lambda data: loop.run_until_complete(answer(data))


def _parse_ssh(loop: asyncio.AbstractEventLoop) -> Callable[[bytes], object]:
    async def exchange(data: bytes) -> object:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        transport = Transport(reader, None, 1.0)  # type: ignore[arg-type]
        try:
            await read_banner(transport)
            parse_kexinit(await transport.read_message({20}, "KEXINIT"))
            reply = await transport.read_message({31}, "reply")
            return parse_host_key(Buffer(reply[1:]).string())
        except SshError:
            return None

    return lambda data: loop.run_until_complete(exchange(data))


PROTOCOLS = {
    "tls-records": (_parse_flight, samples.tls_flights),
    "ssh-packets": (_parse_ssh, samples.ssh_streams),
}


def _fuzz_protocol(kind: str) -> tuple[int, float]:
    make, seeds = PROTOCOLS[kind]
    loop = asyncio.new_event_loop()
    try:
        report = fuzz(make(loop), seeds(), seconds=SECONDS_PER_PARSER)
    finally:
        loop.close()
    return report.inputs, report.slowest


@pytest.mark.parametrize("kind", sorted(PROTOCOLS))
def test_protocol_parser_survives_mutations(kind: str) -> None:
    PROTOCOLS[kind][1]()
    inputs, slowest = run_limited(_fuzz_protocol, kind).value
    assert inputs >= 200, f"only {inputs} inputs in {SECONDS_PER_PARSER}s"
    assert slowest < SLOWEST_INPUT
