"""ClientHello builder and server message parsers, on bytes (no network)."""

import asyncio
import struct

import pytest

from qscan.protocols import tls as T
from qscan.scan.tls.hello import SSL3, TLS12, TLS13, Offer, client_hello, key_share
from qscan.scan.tls.messages import (
    HRR_RANDOM,
    parse_certificates,
    parse_server_hello,
    parse_server_key_exchange,
)
from qscan.scan.tls.probe import Accepted, Rejected, _answer
from qscan.scan.tls.wire import NotTLS


def parse_client_hello(data: bytes) -> dict:
    assert data[0] == 22
    body = data[9:]
    version = struct.unpack("!H", body[:2])[0]
    pos = 2 + 32
    pos += 1 + body[pos]
    n = struct.unpack("!H", body[pos : pos + 2])[0]
    suites = [struct.unpack("!H", body[pos + 2 + i : pos + 4 + i])[0] for i in range(0, n, 2)]
    pos += 2 + n
    pos += 1 + body[pos]
    exts = {}
    if pos < len(body):
        end = pos + 2 + struct.unpack("!H", body[pos : pos + 2])[0]
        pos += 2
        while pos < end:
            t, length = struct.unpack("!HH", body[pos : pos + 4])
            exts[t] = body[pos + 4 : pos + 4 + length]
            pos += 4 + length
    return {
        "record_version": struct.unpack("!H", data[1:3])[0],
        "version": version,
        "suites": suites,
        "exts": exts,
    }


def test_modern_client_hello_carries_real_hybrid_key_shares():
    offer = Offer(
        version=TLS12,
        suites=(0x1301, 0xC02F),
        groups=(0x11EC, 0x001D),
        key_shares=(0x11EC, 0x001D),
        tls13=(TLS13, TLS12),
        sni="example.org",
    )
    hello = parse_client_hello(client_hello(offer))
    assert hello["version"] == TLS12 and hello["record_version"] == 0x0301
    assert hello["suites"] == [0x1301, 0xC02F]
    shares = hello["exts"][51]
    assert struct.unpack("!HH", shares[2:6]) == (0x11EC, 1216)
    assert len(shares) == 2 + 4 + 1216 + 4 + 32
    assert b"example.org" in hello["exts"][0]
    assert hello["exts"][43] == b"\x04\x03\x04\x03\x03"
    assert len(key_share(0x11EB)) == 1249 and len(key_share(0x11ED)) == 1665


def test_empty_key_share_and_padding():
    hello = parse_client_hello(
        client_hello(
            Offer(version=TLS12, suites=(0x1301,), groups=(0x11EC,), key_shares=(), tls13=(TLS13,))
        )
    )
    assert hello["exts"][51] == b"\x00\x00"
    for n in range(1, 200, 7):  # never 256-511 bytes long: some servers hang on those (RFC 7685)
        data = client_hello(Offer(version=TLS12, suites=tuple(range(0xC001, 0xC001 + n))))
        assert not 256 <= len(data) - 5 < 512, n


def test_ssl3_hello_has_no_extensions():
    hello = parse_client_hello(
        client_hello(Offer(version=SSL3, suites=(0x002F,), extensions=False))
    )
    assert hello["record_version"] == SSL3 and hello["exts"] == {}
    assert hello["suites"] == [0x002F, 0x00FF]


def server_hello(version=TLS12, suite=0xC02F, random=b"\x01" * 32, exts=b""):
    body = struct.pack("!H", version) + random + b"\x00" + struct.pack("!HB", suite, 0)
    if exts:
        body += struct.pack("!H", len(exts)) + exts
    return body


def test_hello_retry_request_names_the_group():
    exts = struct.pack("!HHH", 43, 2, TLS13) + struct.pack("!HHH", 51, 2, 0x11EC)
    hrr = parse_server_hello(server_hello(random=HRR_RANDOM, suite=0x1302, exts=exts))
    assert (hrr.hrr, hrr.version, hrr.suite, hrr.group) == (True, TLS13, 0x1302, 0x11EC)


def test_server_key_exchange_parsing():
    ecdhe = b"\x03\x00\x17\x41" + b"\x04" * 65 + b"\x08\x04" + b"\x00\x02ab"
    kex = parse_server_key_exchange(ecdhe, T.suite(0xC02F), TLS12)
    assert (kex.curve, kex.sigalg) == (0x0017, 0x0804)
    prime = b"\xff" * 256
    dhe = struct.pack("!H", 256) + prime + b"\x00\x01\x02" + b"\x00\x01\x05" + b"\x04\x01\x00\x00"
    kex = parse_server_key_exchange(dhe, T.suite(0x009E), TLS12)
    assert (kex.dh_bits, kex.sigalg) == (2048, 0x0401)
    assert parse_server_key_exchange(dhe[:-4], T.suite(0x0033), 0x0301).sigalg is None
    with pytest.raises(NotTLS):
        parse_server_key_exchange(b"\x03\x00", T.suite(0xC02F), TLS12)


def test_certificate_list():
    body = b"\x00\x00\x0a" + b"\x00\x00\x02ab" + b"\x00\x00\x02cd"
    assert parse_certificates(body) == [b"ab", b"cd"]


def _read(data: bytes):
    async def run():
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        return await _answer(reader, 1.0)

    return asyncio.run(run())


def test_answer_reading():
    sh = server_hello()
    message = b"\x02" + len(sh).to_bytes(3, "big") + sh + b"\x0e\x00\x00\x00"
    answer = _read(b"\x16\x03\x03" + struct.pack("!H", len(message)) + message)
    assert isinstance(answer, Accepted) and answer.hello.suite == 0xC02F
    assert _read(b"\x15\x03\x03\x00\x02\x02\x28") == Rejected("handshake_failure")
    assert _read(b"") == Rejected("connection closed")
    with pytest.raises(NotTLS):
        _read(b"SSH-2.0-OpenSSH_9.2\r\n")
    with pytest.raises(NotTLS):
        _read(b"\x16\x03")  # a truncated record is not a clean refusal
