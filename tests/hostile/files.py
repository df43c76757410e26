"""Hostile files, generated (nothing binary is committed): each case of the hostile-input
campaign (issue 16) that once hung qscan, grew its memory without bound or took quadratic
time, plus the neighbours of each (the same trick in another parser).

`python -m tests.hostile.files DIR [--scale N]` writes them all; the tests write them at
scale 1 (small, fast), the benchmark at the campaign's sizes."""

from __future__ import annotations

import argparse
import base64
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.serialization import pkcs12
from pyasn1.codec.der import decoder, encoder
from pyasn1.type import univ
from pyasn1_modules import rfc5208, rfc5652, rfc7292, rfc8018

from tests.scan.certs import builders, pgp

JKS_MAGIC = b"\xfe\xed\xfe\xed"
JCEKS_MAGIC = b"\xce\xce\xce\xce"
JAVA_MAGIC = b"\xac\xed\x00\x05"
TC_NULL, TC_REFERENCE, TC_CLASSDESC, TC_OBJECT, TC_STRING, TC_ARRAY = range(0x70, 0x76)
TC_ENDBLOCKDATA = 0x78
BASE_HANDLE = 0x7E0000
PBE_MD5_3DES = "1.3.6.1.4.1.42.2.19.1"
SCRYPT = "1.3.6.1.4.1.11591.4.11"  # RFC 7914 section 7
HUGE_ITERATIONS = 2**31 - 1


@dataclass(frozen=True)
class Case:
    name: str
    """File name (its suffix steers the analyzers)."""
    build: Callable[[int], bytes]
    """Content at a scale (1 = small and fast; the campaign's sizes at about 100)."""
    expect: tuple[str, ...] = ()
    """Error kinds of which at least one must be recorded for the file ((): any record)."""


# --- Java serialization and keystores -----------------------------------------------------


def _utf(text: str) -> bytes:
    raw = text.encode()
    return struct.pack(">H", len(raw)) + raw


def _class_desc(name: str, fields: list[tuple[str, str, str | None]], super_: bytes) -> bytes:
    out = bytes([TC_CLASSDESC]) + _utf(name) + b"\x00" * 8 + b"\x02"
    out += struct.pack(">H", len(fields))
    for code, field, class_name in fields:
        out += code.encode() + _utf(field)
        if class_name is not None:
            out += bytes([TC_STRING]) + _utf(class_name)
    return out + bytes([TC_ENDBLOCKDATA]) + super_


def _sealed_object(salt: bytes, iterations: int) -> bytes:
    """A javax.crypto.SealedObject as JCEKS stores a secret key (PBEWithMD5AndTripleDES)."""
    params = encoder.encode(
        univ.Sequence()
        .setComponentByPosition(0, univ.OctetString(salt))
        .setComponentByPosition(1, univ.Integer(iterations))
    )
    desc = _class_desc(
        "javax.crypto.SealedObject",
        [
            ("[", "encodedParams", "[B"),
            ("[", "encryptedContent", "[B"),
            ("L", "paramsAlg", "Ljava/lang/String;"),
            ("L", "sealAlg", "Ljava/lang/String;"),
        ],
        bytes([TC_NULL]),
    )
    byte_array = _class_desc("[B", [], bytes([TC_NULL]))

    def array(data: bytes) -> bytes:
        return bytes([TC_ARRAY]) + byte_array + struct.pack(">i", len(data)) + data

    body = bytes([TC_OBJECT]) + desc + array(params) + array(os.urandom(32))
    body += bytes([TC_STRING]) + _utf(PBE_MD5_3DES) + bytes([TC_STRING]) + _utf(PBE_MD5_3DES)
    return JAVA_MAGIC + body


def _jceks(entries: list[bytes]) -> bytes:
    body = JCEKS_MAGIC + struct.pack(">II", 2, len(entries)) + b"".join(entries)
    return body + os.urandom(20)


def _secret_entry(alias: str, sealed: bytes) -> bytes:
    return struct.pack(">I", 3) + _utf(alias) + b"\x00" * 8 + sealed


def jceks_self_superclass(scale: int) -> bytes:
    """A class descriptor naming itself (handle 0) as its superclass: 95 bytes that looped
    forever and grew memory at 115 MB/s."""
    desc = _class_desc("X", [], bytes([TC_REFERENCE]) + struct.pack(">I", BASE_HANDLE))
    return _jceks([_secret_entry("a", JAVA_MAGIC + bytes([TC_OBJECT]) + desc)])


def jceks_deep_nesting(scale: int) -> bytes:
    """Objects nested in objects far past Python's recursion limit."""
    depth = 5000 * scale
    desc = _class_desc("N", [("L", "next", "LN;")], bytes([TC_NULL]))
    ref = bytes([TC_REFERENCE]) + struct.pack(">I", BASE_HANDLE)
    nested = bytes([TC_OBJECT]) + desc + (bytes([TC_OBJECT]) + ref) * depth + bytes([TC_NULL])
    return _jceks([_secret_entry("deep", JAVA_MAGIC + nested)])


def jceks_sealed_iterations(scale: int) -> bytes:
    """Twenty sealed secret keys whose PBE asks for 10 million MD5 iterations each."""
    return _jceks(
        [_secret_entry(f"k{i}", _sealed_object(os.urandom(8), 10_000_000)) for i in range(20)]
    )


def jks_huge_counts(scale: int) -> bytes:
    """An entry count and a certificate-chain count far beyond the bytes present."""
    entry = struct.pack(">I", 1) + _utf("k") + b"\x00" * 8
    entry += struct.pack(">I", 4) + b"\x30\x02\x05\x00" + struct.pack(">I", 0x7FFFFFFF)
    return JKS_MAGIC + struct.pack(">II", 2, 99_999) + entry + os.urandom(20)


# --- PKCS#12 and PKCS#8 --------------------------------------------------------------------


@cache
def _cert_and_key() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = builders.ec_key("P-256")
    return builders.self_signed("hostile.example", key), key


def _p12(password: bytes | None) -> bytes:
    cert, key = _cert_and_key()
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(b"hostile", key, cert, None, encryption)


def pkcs12_mac_iterations(scale: int) -> bytes:
    """A PFX whose MAC asks for 2**31 - 1 iterations (gave no result in 120 s)."""
    pfx, _ = decoder.decode(_p12(b""), asn1Spec=rfc7292.PFX())
    pfx["macData"]["iterations"] = HUGE_ITERATIONS
    return encoder.encode(pfx)


def pkcs12_mac_iterations_no_password(scale: int) -> bytes:
    """The same with a store written without a password."""
    pfx, _ = decoder.decode(_p12(None), asn1Spec=rfc7292.PFX())
    pfx["macData"]["iterations"] = HUGE_ITERATIONS
    return encoder.encode(pfx)


def pkcs12_encrypted_data_iterations(scale: int) -> bytes:
    """A PFX without a MAC whose certificates are encrypted under PBKDF2 with 2**31 - 1
    iterations: every password attempt would derive the key."""
    cert, key = _cert_and_key()
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(2048)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .build(b"first-guess")
    )
    data = pkcs12.serialize_key_and_certificates(b"hostile", key, cert, None, encryption)
    pfx, _ = decoder.decode(data, asn1Spec=rfc7292.PFX())
    octets, _ = decoder.decode(pfx["authSafe"]["content"], asn1Spec=univ.OctetString())
    safe, _ = decoder.decode(octets, asn1Spec=rfc7292.AuthenticatedSafe())
    for info in safe:
        if info["contentType"] != rfc5652.id_encryptedData:
            continue
        encrypted, _ = decoder.decode(info["content"], asn1Spec=rfc5652.EncryptedData())
        algid = encrypted["encryptedContentInfo"]["contentEncryptionAlgorithm"]
        params, _ = decoder.decode(algid["parameters"], asn1Spec=rfc8018.PBES2_params())
        kdf, _ = decoder.decode(
            params["keyDerivationFunc"]["parameters"], asn1Spec=rfc8018.PBKDF2_params()
        )
        kdf["iterationCount"] = HUGE_ITERATIONS
        params["keyDerivationFunc"]["parameters"] = encoder.encode(kdf)
        algid["parameters"] = encoder.encode(params)
        info["content"] = encoder.encode(encrypted)
    pfx["authSafe"]["content"] = encoder.encode(univ.OctetString(encoder.encode(safe)))
    bare = rfc7292.PFX()  # without macData
    bare["version"], bare["authSafe"] = pfx["version"], pfx["authSafe"]
    return encoder.encode(bare)


def pkcs12_hidden_key_iterations(scale: int) -> bytes:
    """A PFX without a MAC whose encrypted safe opens with the empty password (PBKDF2, 2,048
    iterations) and holds a shrouded key bag asking for 2**31 - 1: its count shows only
    after the decryption, which the library runs on into the key's without returning."""
    key_kdf = rfc8018.PBKDF2_params()
    key_kdf["salt"]["specified"] = univ.OctetString(os.urandom(16))
    key_kdf["iterationCount"] = HUGE_ITERATIONS
    shrouded = rfc5208.EncryptedPrivateKeyInfo()
    for field, value in _pbes2_algid(str(rfc8018.id_PBKDF2), key_kdf).items():
        shrouded["encryptionAlgorithm"][field] = value
    shrouded["encryptedData"] = os.urandom(1216)
    bag = rfc7292.SafeBag()
    bag["bagId"] = rfc7292.id_pkcs8ShroudedKeyBag
    bag["bagValue"] = encoder.encode(shrouded)
    contents = rfc7292.SafeContents()
    contents.append(bag)
    salt, iv = os.urandom(16), os.urandom(16)
    safe_kdf = rfc8018.PBKDF2_params()
    safe_kdf["salt"]["specified"] = univ.OctetString(salt)
    safe_kdf["iterationCount"] = 2048
    prf = safe_kdf["prf"]
    prf["algorithm"] = rfc8018.id_hmacWithSHA256
    prf["parameters"] = univ.Null("")
    algid = _pbes2_algid(str(rfc8018.id_PBKDF2), safe_kdf, iv)
    key = PBKDF2HMAC(hashes.SHA256(), 32, salt, 2048).derive(b"")
    padder = sym_padding.PKCS7(128).padder()
    padded = padder.update(encoder.encode(contents)) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    encrypted = rfc5652.EncryptedData()
    encrypted["version"] = 0
    info = encrypted["encryptedContentInfo"]
    info["contentType"] = rfc5652.id_data
    for field, value in algid.items():
        info["contentEncryptionAlgorithm"][field] = value
    info["encryptedContent"] = encryptor.update(padded) + encryptor.finalize()
    safe_info = rfc5652.ContentInfo()
    safe_info["contentType"] = rfc5652.id_encryptedData
    safe_info["content"] = encoder.encode(encrypted)
    safe = rfc7292.AuthenticatedSafe()
    safe.append(safe_info)
    pfx = rfc7292.PFX()
    pfx["version"] = 3
    pfx["authSafe"]["contentType"] = rfc5652.id_data
    pfx["authSafe"]["content"] = encoder.encode(univ.OctetString(encoder.encode(safe)))
    return encoder.encode(pfx)


def _pbes2_algid(
    kdf_oid: str, kdf_params: univ.Sequence, iv: bytes | None = None
) -> rfc8018.AlgorithmIdentifier:
    kdf = rfc8018.AlgorithmIdentifier()
    kdf["algorithm"] = univ.ObjectIdentifier(kdf_oid)
    kdf["parameters"] = kdf_params
    scheme = rfc8018.AlgorithmIdentifier()
    scheme["algorithm"] = univ.ObjectIdentifier("2.16.840.1.101.3.4.1.42")  # aes256-CBC
    scheme["parameters"] = univ.OctetString(iv or os.urandom(16))
    params = rfc8018.PBES2_params()
    params["keyDerivationFunc"] = kdf
    params["encryptionScheme"] = scheme
    algid = rfc8018.AlgorithmIdentifier()
    algid["algorithm"] = rfc8018.id_PBES2
    algid["parameters"] = params
    return algid


def _encrypted_pkcs8(algid: rfc8018.AlgorithmIdentifier) -> bytes:
    info = rfc5208.EncryptedPrivateKeyInfo()
    for key, value in algid.items():
        info["encryptionAlgorithm"][key] = value
    info["encryptedData"] = os.urandom(64)
    body = base64.encodebytes(encoder.encode(info))
    return (
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + body + b"-----END ENCRYPTED PRIVATE KEY-----\n"
    )


def pkcs8_pbkdf2_iterations(scale: int) -> bytes:
    """An ENCRYPTED PRIVATE KEY whose PBKDF2 asks for 2**31 - 1 iterations."""
    kdf = rfc8018.PBKDF2_params()
    kdf["salt"]["specified"] = univ.OctetString(os.urandom(16))
    kdf["iterationCount"] = HUGE_ITERATIONS
    return _encrypted_pkcs8(_pbes2_algid(str(rfc8018.id_PBKDF2), kdf))


def pkcs8_scrypt_cost(scale: int) -> bytes:
    """An ENCRYPTED PRIVATE KEY whose scrypt parallelisation (p = 2**20) would take hours
    within OpenSSL's memory limit."""
    kdf = univ.Sequence()
    kdf.setComponentByPosition(0, univ.OctetString(os.urandom(16)))
    for position, value in enumerate((1 << 14, 1, 1 << 20), start=1):
        kdf.setComponentByPosition(position, univ.Integer(value))
    return _encrypted_pkcs8(_pbes2_algid(SCRYPT, kdf))


# --- SSH keys -------------------------------------------------------------------------------


@cache
def _ssh_public_line() -> bytes:
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)


def putty_negative_lines(scale: int) -> bytes:
    """48 bytes with `Public-Lines: -1` (looped forever)."""
    return b"PuTTY-User-Key-File-2: ssh-rsa\nPublic-Lines: -1\n"


def putty_huge_lines(scale: int) -> bytes:
    return b"PuTTY-User-Key-File-3: ssh-ed25519\nPublic-Lines: 99999999999999999999\nAAAA\n"


def authorized_keys_large(scale: int) -> bytes:
    """Many key lines (the campaign: 36 MB used 5.2 GB)."""
    line = b'from="10.0.0.1",no-pty ' + _ssh_public_line() + b" user@host\n"
    return line * (360 * scale)


def known_hosts_long_lines(scale: int) -> bytes:
    """Lines of megabytes without a key, and a key after a megabyte-long host list."""
    junk = b"a" * (1 << 20) + b" AAAA" * 1000 + b"\n"
    return junk * scale + b"h" * (1 << 20) + b" " + _ssh_public_line() + b"\n"


# --- DER and PEM ----------------------------------------------------------------------------


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def der_many_elements(scale: int) -> bytes:
    """One SEQUENCE of hundreds of thousands of tiny elements (the campaign: 44 MB used
    3.5 GB)."""
    body = b"\x05\x00" * (200_000 * scale)
    return b"\x30" + _der_len(len(body)) + body


def der_concatenated(scale: int) -> bytes:
    """Many small DER objects one after another."""
    obj = b"\x30\x03\x02\x01\x01"
    return obj * (100_000 * scale)


def der_deep_nesting(scale: int) -> bytes:
    depth = 20_000 * scale
    out = b"\x05\x00"
    for _ in range(depth):
        out = b"\x30" + _der_len(len(out)) + out
    return out


def der_long_oid(scale: int) -> bytes:
    """An OBJECT IDENTIFIER of a million continuation bytes (quadratic to decode)."""
    oid = b"\x06" + _der_len(1 << 20) + b"\xff" * ((1 << 20) - 1) + b"\x01"
    alg = b"\x30" + _der_len(len(oid)) + oid
    bits = b"\x03\x02\x00\x00"
    return b"\x30" + _der_len(len(alg) + len(bits)) + alg + bits


def pem_header_lines(scale: int) -> bytes:
    """A PEM block with 400,000 header lines (2.8 MB took 14 s: quadratic)."""
    headers = b"X-Y: z\n" * (40_000 * scale)
    return (
        b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        + headers
        + b"\nAAAA\n-----END RSA PRIVATE KEY-----\n"
    )


def pem_many_encrypted_blocks(scale: int) -> bytes:
    """Thousands of legacy encrypted PEM blocks (each one used to split the whole file)."""
    block = (
        b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        b"DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n"
        b"-----END RSA PRIVATE KEY-----\n"
    )
    return block * (2000 * scale)


def pem_short_iv(scale: int) -> bytes:
    """A legacy encrypted key whose DEK-Info IV is shorter than AES's (cryptography panics
    on it: a BaseException that once ended the whole scan)."""
    key = _cert_and_key()[1]
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(b"first-guess"),
    )
    head, _, rest = pem.partition(b"DEK-Info: ")
    cipher, _, rest = rest.partition(b",")
    return head + b"DEK-Info: " + cipher + b",00112233445566778899" + rest[rest.index(b"\n") :]


def pem_unterminated_blocks(scale: int) -> bytes:
    return b"-----BEGIN CERTIFICATE-----\nAAAA\n" * (50_000 * scale)


def openpgp_many_packets(scale: int) -> bytes:
    """A key followed by more empty Marker packets (tag 10) than one keyring may hold."""
    return pgp.packet(6, pgp.ed25519_key_body()) + b"\xca\x00" * (110_000 * scale)


def openpgp_length_beyond_data(scale: int) -> bytes:
    """A key packet whose five-octet length claims 4 GiB."""
    return b"\xc6\xff\xff\xff\xff\xff" + pgp.ed25519_key_body() * scale


def openpgp_truncated_material(scale: int) -> bytes:
    """An RSA key whose modulus claims 65,535 bits, followed by a few bytes."""
    body = b"\x04" + (1_700_000_000).to_bytes(4, "big") + b"\x01" + b"\xff\xff" + b"\x01" * 8
    return pgp.packet(6, body) * (1000 * scale)


def openpgp_bad_checksum(scale: int) -> bytes:
    return pgp.armor(pgp.packet(6, pgp.ed25519_key_body()) * scale, checksum=0)


def openpgp_garbage_armor(scale: int) -> bytes:
    return pgp.armor(b"").replace(b"\n=", b"\n!!not base64!!\n=") * (100 * scale)


CASES: tuple[Case, ...] = (
    Case("self-super.jceks", jceks_self_superclass, ("unparseable",)),
    Case("deep.jceks", jceks_deep_nesting, ("unparseable",)),
    Case("sealed-iterations.jceks", jceks_sealed_iterations, ("locked-keystore",)),
    Case("huge-counts.jks", jks_huge_counts, ("unparseable",)),
    Case("mac-iterations.p12", pkcs12_mac_iterations, ("locked-keystore",)),
    Case("mac-iterations-nopass.p12", pkcs12_mac_iterations_no_password, ("locked-keystore",)),
    Case("encrypted-data-iterations.p12", pkcs12_encrypted_data_iterations, ("locked-keystore",)),
    Case("pbkdf2-iterations.pem", pkcs8_pbkdf2_iterations, ("locked-keystore",)),
    Case("scrypt-cost.pem", pkcs8_scrypt_cost, ("locked-keystore",)),
    Case("negative-lines.ppk", putty_negative_lines, ("unparseable",)),
    Case("huge-lines.ppk", putty_huge_lines, ("unparseable",)),
    Case("authorized_keys", authorized_keys_large),
    Case("known_hosts", known_hosts_long_lines),
    Case("many-elements.der", der_many_elements, ("unparseable",)),
    Case("concatenated.der", der_concatenated, ("unparseable",)),
    Case("deep.der", der_deep_nesting, ("unparseable",)),
    Case("long-oid.der", der_long_oid, ("unparseable",)),
    Case("header-lines.pem", pem_header_lines, ("corrupt-pem",)),
    Case("many-encrypted.pem", pem_many_encrypted_blocks),
    Case("unterminated.pem", pem_unterminated_blocks, ("corrupt-pem",)),
    Case("short-iv.pem", pem_short_iv),
    Case("many-packets.gpg", openpgp_many_packets, ("unparseable",)),
    Case("length-beyond.gpg", openpgp_length_beyond_data, ("unparseable",)),
    Case("truncated-material.gpg", openpgp_truncated_material, ("unparseable",)),
    Case("bad-checksum.asc", openpgp_bad_checksum, ("unparseable",)),
    Case("garbage-armor.asc", openpgp_garbage_armor, ("unparseable",)),
)


def write_all(folder: Path, scale: int = 1) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for case in CASES:
        path = folder / case.name
        path.write_bytes(case.build(scale))
        out[case.name] = path
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    for name, path in write_all(args.folder, args.scale).items():
        print(f"{path.stat().st_size:>12}  {name}")


if __name__ == "__main__":
    main()
