"""Unit tests of the SSH wire pieces: encoding, banner parsing, packets, host key blobs,
the fixed DH groups."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import random
import struct
import subprocess
import warnings

import pytest
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from qscan.scan.ssh.banner import parse_banner, printable
from qscan.scan.ssh.dh_groups import modp_prime
from qscan.scan.ssh.hostkeys import fingerprint, parse_host_key
from qscan.scan.ssh.kexinit import KexInit, negotiate, parse_kexinit
from qscan.scan.ssh.scanner import host_key_groups
from qscan.scan.ssh.transport import Transport, packet
from qscan.scan.ssh.wire import Buffer, SshError, mpint, name_list, string
from tests.scan.certs import builders as certs


def blob(public_key) -> bytes:
    return base64.b64decode(
        public_key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).split()[1]
    )


@pytest.mark.parametrize(
    ("line", "protocol", "software", "product", "version", "comments"),
    [
        (
            b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10",
            "2.0",
            "OpenSSH_9.2p1",
            "OpenSSH",
            "9.2p1",
            "Debian-2+deb12u10",
        ),
        (b"SSH-2.0-dropbear_2022.83", "2.0", "dropbear_2022.83", "dropbear", "2022.83", ""),
        (b"SSH-2.0-Cisco-1.25", "2.0", "Cisco-1.25", "Cisco", "1.25", ""),
        (b"SSH-2.0-AWS_SFTP_1.1", "2.0", "AWS_SFTP_1.1", "AWS_SFTP", "1.1", ""),
        (b"SSH-1.99-OpenSSH_3.9p1", "1.99", "OpenSSH_3.9p1", "OpenSSH", "3.9p1", ""),
        (b"SSH-2.0-Go", "2.0", "Go", "Go", None, ""),
    ],
)
def test_parse_banner(line, protocol, software, product, version, comments):
    banner = parse_banner(line)
    assert (banner.protocol, banner.software, banner.product, banner.version, banner.comments) == (
        protocol,
        software,
        product,
        version,
        comments,
    )


@pytest.mark.parametrize("line", [b"HTTP/1.1 400 Bad Request", b"SSH-x.y-foo", b"SSH-2.0"])
def test_bad_banners(line):
    with pytest.raises(SshError) as exc:
        parse_banner(line)
    assert exc.value.kind == "ssh-bad-banner"


def test_printable_neutralises_control_characters_and_truncates():
    assert printable(b"SSH-2.0-x\x1b[31m\x00") == "SSH-2.0-x?[31m?"
    assert printable(b"A" * 300).endswith("...") and len(printable(b"A" * 300)) == 258


def test_mpint_encoding_rfc4251_examples():
    # RFC 4251 §5 examples
    assert mpint(0) == b"\x00\x00\x00\x00"
    assert mpint(0x9A378F9B2E332A7) == bytes.fromhex("0000000809a378f9b2e332a7")
    assert mpint(0x80) == bytes.fromhex("000000020080")
    assert Buffer(bytes.fromhex("000000020080")).mpint() == 0x80


def test_name_list_round_trip_and_empty_names():
    assert Buffer(name_list(["a", "b-c@d"])).name_list() == ["a", "b-c@d"]
    assert Buffer(string(b"")).name_list() == []
    assert Buffer(string(b"a,,b")).name_list() == ["a", "b"]
    with pytest.raises(SshError):
        Buffer(string(b"a b")).name_list()


@given(st.binary(max_size=300))
def test_kexinit_parser_never_crashes(data):
    with contextlib.suppress(SshError):
        parse_kexinit(bytes([20]) + data)


@given(
    st.lists(
        st.lists(st.from_regex(r"[a-z0-9@.-]{1,20}", fullmatch=True), max_size=5),
        min_size=10,
        max_size=10,
    )
)
def test_kexinit_round_trip(lists):
    lists[0] = lists[0] or ["curve25519-sha256"]
    offer = KexInit(*lists, first_kex_follows=True)
    assert parse_kexinit(offer.encode()) == offer


def test_negotiate_takes_the_client_order():
    assert negotiate(["a", "b", "c"], ["c", "b"]) == "b"
    assert negotiate(["a"], ["b"]) is None


def read_packet(data: bytes):
    async def main():
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        return await Transport(reader, None, 1.0).read_packet("test")

    return asyncio.run(main())


def test_packet_framing_round_trip():
    for size in (0, 1, 3, 4, 7, 8, 100, 1000):
        payload = bytes(random.randrange(256) for _ in range(size))
        framed = packet(payload)
        assert len(framed) % 8 == 0 and framed[4] >= 4
        assert read_packet(framed) == payload


@pytest.mark.parametrize(
    "header",
    [
        b"\x00\x00\x00\x00\x00",
        b"\x00\x00\x00\x04\x00",
        b"\x7f\xff\xff\xff\x04",
        b"\x00\x00\x00\x10\x10",
    ],
)
def test_bad_packet_headers(header):
    with pytest.raises(SshError) as exc:
        read_packet(header + b"\x00" * 32)
    assert exc.value.kind == "ssh-malformed-packet"


def test_host_key_blobs():
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    parsed = parse_host_key(blob(rsa_key))
    assert (parsed.key_type, parsed.algorithm, parsed.bits) == ("ssh-rsa", "RSA", 2048)
    ec_key = ec.generate_private_key(ec.SECP521R1()).public_key()
    parsed = parse_host_key(blob(ec_key))
    assert (parsed.key_type, parsed.algorithm, parsed.curve) == (
        "ecdsa-sha2-nistp521",
        "ECDSA",
        "P-521",
    )
    ed = parse_host_key(blob(ed25519.Ed25519PrivateKey.generate().public_key()))
    assert (ed.algorithm, ed.bits, ed.curve) == ("Ed25519", None, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dss = blob(dsa.generate_private_key(key_size=1024).public_key())
    assert parse_host_key(dss).bits == 1024


def test_fingerprint_matches_ssh_keygen(tmp_path):
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    line = key.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
    (tmp_path / "k.pub").write_bytes(line + b"\n")
    try:
        out = subprocess.run(
            ["ssh-keygen", "-l", "-E", "sha256", "-f", str(tmp_path / "k.pub")],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except FileNotFoundError:
        pytest.skip("ssh-keygen not installed")
    assert fingerprint(blob(key)) == out.split()[1]


def test_x509v3_host_key_blob():
    """RFC 6187 section 3: certificate count, the certificates (the host's first), OCSP
    response count."""
    cert = certs.self_signed("host.example", certs.ec_key("P-384"))
    key_blob = (
        string("x509v3-ecdsa-sha2-nistp384")
        + struct.pack(">I", 1)
        + string(certs.der(cert))
        + struct.pack(">I", 0)
    )
    parsed = parse_host_key(key_blob)
    assert (parsed.key_type, parsed.algorithm, parsed.curve, parsed.bits) == (
        "x509v3-ecdsa-sha2-nistp384",
        "ECDSA",
        "P-384",
        None,
    )
    assert parsed.certificate == {"subject": cert.subject.rfc4514_string(), "x509": True}
    assert "CN=host.example" in parsed.certificate["subject"]
    assert parsed.fingerprint_sha256 == fingerprint(key_blob)
    with pytest.raises(SshError) as exc:
        parse_host_key(string("x509v3-ssh-rsa") + struct.pack(">I", 0))
    assert exc.value.kind == "ssh-malformed-packet"


def test_truncated_host_key_blob():
    with pytest.raises(SshError):
        parse_host_key(string("ssh-rsa") + b"\x00\x00\x00\x09\x01")


def test_unknown_host_key_type_is_kept():
    parsed = parse_host_key(string("ssh-foo@example.org") + string(b"xyz"))
    assert (parsed.key_type, parsed.algorithm) == ("ssh-foo@example.org", "unknown")


def test_host_key_groups_follow_the_key_type():
    assert host_key_groups(
        [
            "rsa-sha2-512",
            "ssh-ed25519",
            "rsa-sha2-256",
            "ssh-rsa",
            "rsa-sha2-512-cert-v01@openssh.com",
            "x-unknown",
        ]
    ) == [
        ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"],
        ["ssh-ed25519"],
        ["rsa-sha2-512-cert-v01@openssh.com"],
        ["x-unknown"],
    ]


def _probable_prime(n: int, rounds: int = 8) -> bool:
    rng = random.Random(4253)
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


@pytest.mark.parametrize("bits", [1024, 2048, 3072])
def test_modp_groups_are_safe_primes(bits):
    p = modp_prime(bits)
    assert p.bit_length() == bits
    assert _probable_prime(p) and _probable_prime((p - 1) // 2)


def test_modp_groups_match_the_rfc_text():
    # RFC 2409 §6.2 and RFC 3526 §3: first and last words of the published hex
    assert format(modp_prime(1024), "X").startswith(
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
    )
    assert format(modp_prime(1024), "X").endswith("49286651ECE65381FFFFFFFFFFFFFFFF")
    assert format(modp_prime(2048), "X").endswith("15728E5A8AACAA68FFFFFFFFFFFFFFFF")
    assert format(modp_prime(8192), "X").endswith("60C980DD98EDD3DFFFFFFFFFFFFFFFFF")
