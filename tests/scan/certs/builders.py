"""Generate certificates, keys and keystores for the certs tests (nothing is committed):
cryptography for what it can make, pyasn1 for algorithms it cannot sign (SLH-DSA,
composites, pre-standard and unknown OIDs, catalyst extensions), and the openssl, keytool
and ssh-keygen programs for SHA-1 certificates, Java keystores and OpenSSH certificates."""

from __future__ import annotations

import base64
import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, mldsa, mlkem, rsa
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.x509.oid import NameOID
from pyasn1.codec.der import decoder, encoder
from pyasn1.type import univ
from pyasn1_modules import rfc4055, rfc5280

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER


def name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "qscan tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


@cache
def rsa_key(bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(65537, bits)


@cache
def ec_key(curve: str) -> ec.EllipticCurvePrivateKey:
    curves = {
        "P-192": ec.SECP192R1(),
        "P-224": ec.SECP224R1(),
        "P-256": ec.SECP256R1(),
        "P-384": ec.SECP384R1(),
        "P-521": ec.SECP521R1(),
    }
    return ec.generate_private_key(curves[curve])


@cache
def dsa_key(bits: int = 2048) -> dsa.DSAPrivateKey:
    return dsa.generate_private_key(bits)


@cache
def mldsa_key(level: int) -> Any:
    return {
        44: mldsa.MLDSA44PrivateKey,
        65: mldsa.MLDSA65PrivateKey,
        87: mldsa.MLDSA87PrivateKey,
    }[level].generate()


@cache
def ed_key(kind: str) -> Any:
    return (
        ed25519.Ed25519PrivateKey.generate()
        if kind == "Ed25519"
        else ed448.Ed448PrivateKey.generate()
    )


@cache
def mlkem768_key() -> mlkem.MLKEM768PrivateKey:
    return mlkem.MLKEM768PrivateKey.generate()


def hash_for(key: Any) -> hashes.HashAlgorithm | None:
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        return None
    if isinstance(key, (mldsa.MLDSA44PrivateKey, mldsa.MLDSA65PrivateKey, mldsa.MLDSA87PrivateKey)):
        return None
    return hashes.SHA256()


def certificate(
    subject: str,
    public_key: Any,
    issuer: str | None = None,
    issuer_key: Any = None,
    *,
    ca: bool = False,
    days: int = 3650,
    serial: int = 0x1001,
    rsa_pss: bool = False,
    key_usage: x509.KeyUsage | None = None,
    subject_name: x509.Name | None = None,
) -> x509.Certificate:
    """A certificate for public_key, self-signed unless an issuer is given."""
    own_name = subject_name or name(subject)
    builder = (
        x509.CertificateBuilder()
        .subject_name(own_name)
        .issuer_name(name(issuer) if issuer else own_name)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(NOW)
        .not_valid_after(NOW + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if issuer_key is not None and issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if key_usage is not None:
        builder = builder.add_extension(key_usage, critical=True)
    if rsa_pss:
        return builder.sign(
            issuer_key,
            hashes.SHA256(),
            rsa_padding=asym_padding.PSS(asym_padding.MGF1(hashes.SHA256()), 32),
        )
    return builder.sign(issuer_key, hash_for(issuer_key))


def self_signed(subject: str, key: Any, **kw: Any) -> x509.Certificate:
    return certificate(subject, key.public_key(), None, key, **kw)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(PEM)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(DER)


def private_pem(key: Any, fmt: str = "pkcs8", password: bytes | None = None) -> bytes:
    formats = {
        "pkcs8": serialization.PrivateFormat.PKCS8,
        "traditional": serialization.PrivateFormat.TraditionalOpenSSL,
        "openssh": serialization.PrivateFormat.OpenSSH,
    }
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(PEM, formats[fmt], encryption)


# --- pyasn1: certificates cryptography cannot sign ----------------------------------------


def _algorithm(oid: str) -> rfc5280.AlgorithmIdentifier:
    alg = rfc5280.AlgorithmIdentifier()
    alg["algorithm"] = univ.ObjectIdentifier(oid)
    return alg


def rebuild(
    template: x509.Certificate,
    *,
    key_oid: str | None = None,
    key_bytes: bytes = b"",
    sig_oid: str | None = None,
    extensions: Sequence[tuple[str, bytes]] = (),
    spki: bytes | None = None,
) -> bytes:
    """Re-encode a template certificate with another public key algorithm (or a whole
    SubjectPublicKeyInfo), signature algorithm and extra extensions; the signature value
    becomes filler bytes, which is all an inventory needs."""
    cert, _ = decoder.decode(der(template), asn1Spec=rfc5280.Certificate())
    tbs = cert["tbsCertificate"]
    if spki is not None:
        tbs["subjectPublicKeyInfo"] = decoder.decode(spki, asn1Spec=rfc5280.SubjectPublicKeyInfo())[
            0
        ]
    if key_oid is not None:
        spki = rfc5280.SubjectPublicKeyInfo()
        spki["algorithm"] = _algorithm(key_oid)
        spki["subjectPublicKey"] = univ.BitString.fromOctetString(key_bytes)
        tbs["subjectPublicKeyInfo"] = spki
    if sig_oid is not None:
        tbs["signature"] = _algorithm(sig_oid)
        cert["signatureAlgorithm"] = _algorithm(sig_oid)
        cert["signature"] = univ.BitString.fromOctetString(b"\x5a" * 64)
    for oid, value in extensions:
        ext = rfc5280.Extension()
        ext["extnID"] = univ.ObjectIdentifier(oid)
        ext["critical"] = False
        ext["extnValue"] = univ.OctetString(value)
        tbs["extensions"].append(ext)
    return encoder.encode(cert)


def dh_parameters_pem(prime: int, generator: int) -> bytes:
    """PKCS#3 DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER }."""
    seq = univ.SequenceOf(componentType=univ.Integer())
    seq.extend([prime, generator])
    body = base64.encodebytes(encoder.encode(seq)).decode()
    return f"-----BEGIN DH PARAMETERS-----\n{body}-----END DH PARAMETERS-----\n".encode()


def spki_der(oid: str, key_bytes: bytes) -> bytes:
    spki = rfc5280.SubjectPublicKeyInfo()
    spki["algorithm"] = _algorithm(oid)
    spki["subjectPublicKey"] = univ.BitString.fromOctetString(key_bytes)
    return encoder.encode(spki)


def oaep_spki(
    public_key: rsa.RSAPublicKey, hash_oid: str | None, mgf_hash_oid: str | None
) -> bytes:
    """An RSAES-OAEP SubjectPublicKeyInfo (RFC 4055 section 4.1); None leaves a hash at its
    default (SHA-1), both None leave out the parameters."""
    params = rfc4055.RSAES_OAEP_params()
    if hash_oid is not None:
        params["hashFunc"]["algorithm"] = univ.ObjectIdentifier(hash_oid)
    if mgf_hash_oid is not None:
        mgf = params["maskGenFunc"]
        mgf["algorithm"] = rfc4055.id_mgf1
        mgf["parameters"] = _algorithm(mgf_hash_oid)
    spki = rfc5280.SubjectPublicKeyInfo()
    spki["algorithm"] = _algorithm("1.2.840.113549.1.1.7")
    if hash_oid is not None or mgf_hash_oid is not None:
        spki["algorithm"]["parameters"] = params
    key = public_key.public_bytes(DER, serialization.PublicFormat.PKCS1)
    spki["subjectPublicKey"] = univ.BitString.fromOctetString(key)
    return encoder.encode(spki)


def catalyst(template: x509.Certificate, alt_key: Any) -> bytes:
    """X.509 (2019) §9.8: subjectAltPublicKeyInfo, altSignatureAlgorithm, altSignatureValue."""
    alt_spki = alt_key.public_key().public_bytes(
        DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    alt_alg = encoder.encode(_algorithm("2.16.840.1.101.3.4.3.18"))
    alt_value = encoder.encode(univ.BitString.fromOctetString(b"\x33" * 64))
    return rebuild(
        template,
        extensions=[("2.5.29.72", alt_spki), ("2.5.29.73", alt_alg), ("2.5.29.74", alt_value)],
    )


# --- external programs ------------------------------------------------------------------


def have(program: str) -> bool:
    return shutil.which(program) is not None


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None) -> None:
    subprocess.run(
        args,
        cwd=cwd,
        input=stdin,
        check=True,
        capture_output=True,
        env={**os.environ, "LC_ALL": "C"},
        timeout=120,
    )


def openssl_sha1_cert(folder: Path, stem: str, cn: str = "legacy-sha1.example") -> Path:
    """cryptography refuses SHA-1 signatures; the openssl program still makes them."""
    key = folder / f"{stem}.key.tmp"
    out = folder / f"{stem}.pem"
    run(
        "openssl", "req", "-x509", "-sha1", "-newkey", "rsa:2048", "-nodes",
        "-keyout", str(key), "-out", str(out), "-days", "365", "-subj", f"/CN={cn}",
    )  # fmt: skip
    key.unlink()
    return out


def openssl_sha1_chain(folder: Path, stem: str) -> Path:
    """A SHA-1 self-signed root (`openssl req -x509` marks it CA:TRUE) and a leaf the root
    signs with SHA-1, leaf first in one PEM file."""
    tmp = [folder / f"{stem}.{part}.tmp" for part in ("ca.key", "ca.pem", "leaf.key", "csr")]
    ca_key, ca_pem, leaf_key, csr = tmp
    out = folder / f"{stem}.pem"
    run(
        "openssl", "req", "-x509", "-sha1", "-newkey", "rsa:2048", "-nodes",
        "-keyout", str(ca_key), "-out", str(ca_pem), "-days", "365", "-subj", "/CN=SHA-1 Root",
    )  # fmt: skip
    run(
        "openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", str(leaf_key),
        "-out", str(csr), "-subj", "/CN=sha1-leaf.example",
    )  # fmt: skip
    run(
        "openssl", "x509", "-req", "-sha1", "-in", str(csr), "-CA", str(ca_pem),
        "-CAkey", str(ca_key), "-set_serial", "7", "-days", "30", "-out", str(out),
    )  # fmt: skip
    out.write_bytes(out.read_bytes() + ca_pem.read_bytes())
    for path in tmp:
        path.unlink()
    return out


def keytool(*args: str) -> None:
    run("keytool", *args)


def jks_keystore(path: Path, storetype: str, password: str) -> None:
    """An RSA-2048 key entry (self-signed chain), an EC P-256 key entry and a trusted cert."""
    common = ["-keystore", str(path), "-storetype", storetype, "-storepass", password]
    keytool(
        "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
        "-dname", "CN=server.example,O=qscan tests", "-validity", "365", "-keypass", password, *common,
    )  # fmt: skip
    keytool(
        "-genkeypair", "-alias", "ec-signer", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=signer.example,O=qscan tests", "-validity", "365", "-keypass", password, *common,
    )  # fmt: skip
    ca = path.with_suffix(".ca.pem")
    ca.write_bytes(pem(self_signed("Trusted Root", ec_key("P-384"), ca=True)))
    keytool("-importcert", "-noprompt", "-alias", "trusted-root", "-file", str(ca), *common)
    ca.unlink()
    if storetype == "JCEKS":
        keytool(
            "-genseckey", "-alias", "aes-key", "-keyalg", "AES", "-keysize", "256", "-keypass", password, *common,
        )  # fmt: skip


def ssh_keygen(*args: str, cwd: Path | None = None) -> None:
    run("ssh-keygen", "-q", *args, cwd=cwd)
