"""Valid samples of every file format the certificate analyzer reads: the seeds of the
mutation fuzz test. Generated with cryptography and by hand (JKS/JCEKS, PuTTY)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import struct
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import NameOID

from tests.hostile.files import JCEKS_MAGIC, JKS_MAGIC, _cert_and_key, _sealed_object

PASSWORD = "first-guess"
PEM, DER = serialization.Encoding.PEM, serialization.Encoding.DER
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _utf(text: str) -> bytes:
    raw = text.encode()
    return struct.pack(">H", len(raw)) + raw


@cache
def der_and_pem() -> tuple[bytes, ...]:
    cert, key = _cert_and_key()
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "csr.example")]))
        .sign(key, hashes.SHA256())
    )
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(cert.subject)
        .last_update(NOW)
        .next_update(NOW + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pkcs8 = serialization.PrivateFormat.PKCS8
    secret = serialization.BestAvailableEncryption(PASSWORD.encode())
    none = serialization.NoEncryption()
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    return (
        cert.public_bytes(DER),
        cert.public_bytes(PEM) * 2,
        csr.public_bytes(DER),
        crl.public_bytes(PEM),
        key.public_key().public_bytes(DER, spki),
        key.private_bytes(DER, pkcs8, none),
        key.private_bytes(PEM, pkcs8, secret),
        key.private_bytes(PEM, serialization.PrivateFormat.TraditionalOpenSSL, secret),
        pkcs7.serialize_certificates([cert, cert], DER),
    )


@cache
def pkcs12_stores() -> tuple[bytes, ...]:
    cert, key = _cert_and_key()
    legacy = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(64)
        .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC)
        .hmac_hash(hashes.SHA1())
        .build(PASSWORD.encode())
    )
    modern = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(64)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .build(PASSWORD.encode())
    )
    return tuple(
        pkcs12.serialize_key_and_certificates(b"sample", key, cert, [cert], encryption)
        for encryption in (serialization.NoEncryption(), legacy, modern)
    )


def _java_store(magic: bytes, entries: list[bytes]) -> bytes:
    body = magic + struct.pack(">II", 2, len(entries)) + b"".join(entries)
    digest = hashlib.sha1(PASSWORD.encode("utf-16-be") + b"Mighty Aphrodite" + body).digest()
    return body + digest


@cache
def java_stores() -> tuple[bytes, ...]:
    cert_der = _cert_and_key()[0].public_bytes(DER)
    trusted = struct.pack(">I", 2) + _utf("ca") + b"\0" * 8 + _utf("X.509")
    trusted += struct.pack(">I", len(cert_der)) + cert_der
    # a private key entry under Sun's KeyProtector (random bytes: it stays locked)
    algid = bytes.fromhex("300e060a2b060104012a02110101") + b"\x05\x00"
    algid = b"\x30" + bytes([len(algid) - 2]) + algid[2:]
    protected = os.urandom(60)
    epki = algid + b"\x04" + bytes([len(protected)]) + protected
    epki = b"\x30" + bytes([len(epki)]) + epki
    private = struct.pack(">I", 1) + _utf("key") + b"\0" * 8 + struct.pack(">I", len(epki))
    private += epki + struct.pack(">I", 1) + _utf("X.509")
    private += struct.pack(">I", len(cert_der)) + cert_der
    secret = struct.pack(">I", 3) + _utf("secret") + b"\0" * 8 + _sealed_object(b"saltsalt", 16)
    return (
        _java_store(JKS_MAGIC, [trusted, private]),
        _java_store(JCEKS_MAGIC, [trusted, secret]),
    )


@cache
def ssh_keys() -> tuple[bytes, ...]:
    key = ed25519.Ed25519PrivateKey.generate()
    openssh = key.private_bytes(
        PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    ecdsa = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    )
    blob = base64.b64decode(public.split()[1]).decode("latin-1")
    b64 = base64.b64encode(blob.encode("latin-1")).decode()
    ppk = (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: sample\n"
        f"Public-Lines: 2\n{b64[:40]}\n{b64[40:]}\nPrivate-Lines: 1\nAAAA\n"
        "Private-MAC: 00\n"
    ).encode()
    rfc4716 = (
        b"---- BEGIN SSH2 PUBLIC KEY ----\nComment: sample\n"
        + base64.encodebytes(base64.b64decode(public.split()[1]))
        + b"---- END SSH2 PUBLIC KEY ----\n"
    )
    return (
        openssh,
        public + b" user@host\n" + b'no-pty,command="x" ' + ecdsa + b"\n",
        b"|1|abc=|def= " + public + b"\n@cert-authority *.example " + ecdsa + b"\n",
        ppk,
        rfc4716,
    )


def _record(content_type: int, payload: bytes) -> bytes:
    return struct.pack("!BHH", content_type, 0x0303, len(payload)) + payload


def _handshake(msg_type: int, body: bytes) -> bytes:
    return _record(22, bytes([msg_type]) + len(body).to_bytes(3, "big") + body)


def _server_hello(suite: int, extensions: bytes) -> bytes:
    body = struct.pack("!H", 0x0303) + os.urandom(32) + b"\x20" + os.urandom(32)
    body += struct.pack("!HB", suite, 0) + struct.pack("!H", len(extensions)) + extensions
    return _handshake(2, body)


@cache
def tls_flights() -> tuple[bytes, ...]:
    """Server flights: TLS 1.3 ServerHello (then CCS and encrypted records), TLS 1.2
    ServerHello, Certificate, ECDHE ServerKeyExchange and ServerHelloDone, a
    HelloRetryRequest, an alert."""
    from tests.hostile.peers import hello_retry_request

    share = struct.pack("!HH", 0x001D, 32) + os.urandom(32)
    tls13 = struct.pack("!HHH", 43, 2, 0x0304) + struct.pack("!HH", 51, len(share)) + share
    cert = _cert_and_key()[0].public_bytes(DER)
    chain = len(cert).to_bytes(3, "big") + cert
    point = b"\x04" + os.urandom(64)
    ske = b"\x03" + struct.pack("!H", 0x0017) + bytes([len(point)]) + point
    ske += struct.pack("!HH", 0x0403, 70) + os.urandom(70)
    return (
        _server_hello(0x1301, tls13) + _record(20, b"\x01") + _record(23, os.urandom(64)),
        _server_hello(0xC02B, b"")
        + _handshake(11, len(chain).to_bytes(3, "big") + chain)
        + _handshake(12, ske)
        + _handshake(14, b""),
        hello_retry_request(0x11EC),
        _record(21, b"\x02\x28"),
    )


@cache
def ssh_streams() -> tuple[bytes, ...]:
    """What a server sends: banner (after a pre-banner line), KEXINIT, and its ECDH reply
    with an Ed25519 or RSA host key."""
    from qscan.scan.ssh.kexinit import KexInit
    from qscan.scan.ssh.transport import packet
    from qscan.scan.ssh.wire import string

    offer = KexInit(
        kex=["curve25519-sha256", "mlkem768x25519-sha256"],
        host_key=["ssh-ed25519", "rsa-sha2-512"],
        ciphers_c2s=["aes128-ctr"],
        ciphers_s2c=["aes128-ctr"],
        macs_c2s=["hmac-sha2-256"],
        macs_s2c=["hmac-sha2-256"],
        compression_c2s=["none"],
        compression_s2c=["none"],
        languages_c2s=[],
        languages_s2c=[],
    )
    out = []
    for line in ssh_keys()[1].splitlines():
        blob = base64.b64decode(next(w for w in line.split() if w.startswith(b"AAAA")))
        reply = bytes([31]) + string(blob) + string(os.urandom(32)) + string(os.urandom(64))
        out.append(
            b"hello\r\nSSH-2.0-Sample_1.0 comment\r\n"
            + packet(offer.encode())
            + packet(bytes([2]) + string(b"ignore me"))
            + packet(reply)
        )
    return tuple(out)
