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
