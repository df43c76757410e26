"""Private and public keys in X.509 / PKCS encodings: what algorithm, how big, whether the
private key is encrypted. Only public facts leave this module (a SHA-256 of the public key,
never the key)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.utils import CryptographyDeprecationWarning

from qscan.catalog import UNKNOWN, catalog
from qscan.scan.certs import der
from qscan.scan.certs.algorithms import (
    KeyInfo,
    describe_algorithm,
    describe_spki,
    rsa_spki,
)
from qscan.scan.limits import SCRYPT_MAX_WORK, KdfBudget, KdfCost

# An inventory reads the finite-field DH keys that are deployed: cryptography's deprecation
# of FFDH is not news for the scan's stderr.
warnings.filterwarnings(
    "ignore", message="Diffie-Hellman over finite fields", category=CryptographyDeprecationWarning
)

PBES2 = "1.2.840.113549.1.5.13"
PBKDF2 = "1.2.840.113549.1.5.12"
PBMAC1 = "1.2.840.113549.1.5.14"  # RFC 8018 appendix A.5, PKCS#12 MACs per RFC 9579
SCRYPT = "1.3.6.1.4.1.11591.4.11"  # RFC 7914 section 7
_NAMES = {PBES2: "PBES2", PBKDF2: "PBKDF2", PBMAC1: "PBMAC1", SCRYPT: "scrypt"}

# PEM labels of traditional (OpenSSL) private keys -> algorithm when nothing else is visible.
LABEL_ALGORITHM = {
    "RSA PRIVATE KEY": "RSA",
    "EC PRIVATE KEY": "ECDSA",
    "DSA PRIVATE KEY": "DSA",
}


@dataclass(slots=True)
class PrivateKey:
    key: KeyInfo
    encrypted: bool
    fmt: str
    """PKCS#8, encrypted PKCS#8, PKCS#1, SEC1, DSA (OpenSSL), OpenSSH, PPK ..."""
    context: dict[str, Any] = field(default_factory=dict)


def _unknown(label: str, algorithm: str = UNKNOWN) -> KeyInfo:
    """A key whose details stay hidden (encrypted): the algorithm at most, from its label."""
    function = "signature" if algorithm != UNKNOWN else "unknown"
    return KeyInfo(algorithm=algorithm, function=function, params={}, label=label)


def key_from_object(private_key: Any) -> KeyInfo:
    spki = private_key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return describe_spki(spki)


def _load(data: bytes, password: bytes | None, pem: bool) -> Any:
    """cryptography's loader; a panic in its Rust code (a BaseException) on input it does
    not expect becomes a ValueError like any other refusal."""
    loader = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    try:
        return loader(data, password, unsafe_skip_rsa_key_validation=True)
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise ValueError(f"cryptography could not read the key: {exc}") from None


def plain_private_key(data: bytes, fmt: str) -> PrivateKey:
    """An unencrypted private key in DER (PKCS#8, PKCS#1, SEC1 or OpenSSL DSA)."""
    try:
        return PrivateKey(key_from_object(_load(data, None, pem=False)), False, fmt)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        if fmt != "PKCS#8":
            raise der.DerError(f"{fmt} private key does not load: {exc}") from exc
    # an algorithm cryptography does not implement (SLH-DSA, composite, pre-standard):
    # the AlgorithmIdentifier (and the public key, when included) says what it is
    return PrivateKey(_pkcs8_algorithm(data), False, fmt)


def _pkcs8_algorithm(data: bytes) -> KeyInfo:
    """OneAsymmetricKey (RFC 5958): the algorithm, and the public key if it is included."""
    _, start, end, _ = der.tlv(data, 0)
    parts = der.children(data, start, end)
    algid = parts[1]
    public = next((p for p in parts[3:] if p[0] == 0x81), None)
    if public is not None:
        spki = der.encode(
            der.SEQUENCE,
            der.element(data, algid) + der.encode(der.BIT_STRING, der.content(data, public)),
        )
        return describe_spki(spki)
    return describe_algorithm(data, algid)


def encrypted_pkcs8(data: bytes, passwords: Sequence[str], budget: KdfBudget) -> PrivateKey:
    """EncryptedPrivateKeyInfo: the key algorithm is visible only after decryption. Each
    password tried pays its key derivation from the file's budget; a key whose derivation
    the budget refuses stays locked, with `locked_reason` saying why."""
    protection = pkcs8_protection(data)
    cost = pkcs8_kdf_cost(data)
    # cryptography refuses the empty password for an encrypted key without deriving anything
    attempts = Attempts(budget, cost)
    for password in attempts.over(passwords):
        try:
            key = _load(data, password.encode(), pem=False)
        except Exception:
            continue
        opened = {"protection": protection, "opened_with": _which(password)}
        return PrivateKey(key_from_object(key), True, "encrypted PKCS#8", opened)
    locked: dict[str, Any] = {"protection": protection, "locked": True}
    if attempts.refused:
        locked["locked_reason"] = attempts.refused
    return PrivateKey(
        _unknown("encrypted private key (algorithm visible only with the password)"),
        True,
        "encrypted PKCS#8",
        locked,
    )


class Attempts:
    """Password attempts at one key derivation, each paid from a file's KdfBudget; `refused`
    says why the attempts stopped early, if they did."""

    def __init__(self, budget: KdfBudget, cost: KdfCost) -> None:
        self.budget = budget
        self.cost = cost
        self.refused: str | None = None

    def over(self, candidates: Sequence[str | None]) -> Iterator[Any]:
        for candidate in candidates:
            self.refused = self.budget.spend(self.cost)
            if self.refused:
                return
            yield candidate


def pkcs8_kdf_cost(data: bytes) -> KdfCost:
    try:
        _, start, end, _ = der.tlv(data, 0)
        return kdf_cost(data, der.children(data, start, end)[0])
    except (der.DerError, IndexError):
        return KdfCost(1, "key derivation")


def kdf_cost(buf: bytes, algid: der.Item) -> KdfCost:
    """What deriving the key of a password-based AlgorithmIdentifier costs: PBES2 and
    PBMAC1 name their KDF (PBKDF2: its iteration count; scrypt: N * r * p); PBES1, the
    PKCS#12 PBE schemes and Sun's PBE carry SEQUENCE {salt, iterations}. Anything else
    costs one step (it derives nothing, or no library here implements it)."""
    parts = der.children(buf, algid[1], algid[2])
    dotted = der.oid_at(buf, parts[0])
    if len(parts) < 2 or parts[1][0] != der.SEQUENCE:
        return KdfCost(1, _oid_name(dotted))
    params = der.children(buf, parts[1][1], parts[1][2])
    if dotted in (PBES2, PBMAC1) and params and params[0][0] == der.SEQUENCE:
        return kdf_cost(buf, params[0])
    if dotted == SCRYPT and len(params) >= 4:
        n, r, p = (_count(buf, item) for item in params[1:4])
        return KdfCost(n * r * p, "scrypt", SCRYPT_MAX_WORK)
    if len(params) >= 2 and params[1][0] == der.INTEGER:
        return KdfCost(_count(buf, params[1]), _oid_name(dotted))
    return KdfCost(1, _oid_name(dotted))


def _count(buf: bytes, item: der.Item) -> int:
    """A non-negative count; one too long for 64 bits counts as more than any ceiling."""
    tag, start, end, _ = item
    if tag != der.INTEGER:
        raise der.DerError("expected an INTEGER count")
    return int.from_bytes(buf[start:end], "big") if end - start <= 8 else 1 << 64


def _which(password: str) -> str:
    return "empty password" if password == "" else "a password from --password-file"


def pkcs8_protection(data: bytes) -> str:
    """How an EncryptedPrivateKeyInfo is protected, e.g. 'PBES2 PBKDF2-hmacWithSHA256 aes256-CBC'."""
    try:
        _, start, end, _ = der.tlv(data, 0)
        algid = der.children(data, start, end)[0]
        return protection_scheme(data, algid)[0]
    except (der.DerError, IndexError):
        return "unknown"


def protection_scheme(buf: bytes, algid: der.Item) -> tuple[str, str]:
    """(readable text, OID of the cipher doing the work) of an encryption AlgorithmIdentifier;
    for PBES2 the cipher is the encryption scheme inside it."""
    parts = der.children(buf, algid[1], algid[2])
    dotted = der.oid_at(buf, parts[0])
    if dotted != PBES2 or len(parts) < 2:
        return _oid_name(dotted), dotted
    kdf, scheme = der.children(buf, parts[1][1], parts[1][2])[:2]
    kdf_parts = der.children(buf, kdf[1], kdf[2])
    kdf_oid = der.oid_at(buf, kdf_parts[0])
    kdf_text = _oid_name(kdf_oid)
    if kdf_oid == PBKDF2 and len(kdf_parts) > 1:
        params = der.children(buf, kdf_parts[1][1], kdf_parts[1][2])
        prf = [p for p in params if p[0] == der.SEQUENCE]
        prf_oid = der.oid_at(buf, der.children(buf, prf[0][1], prf[0][2])[0]) if prf else None
        kdf_text = f"PBKDF2-{_oid_name(prf_oid) if prf_oid else 'hmacWithSHA1'}"
    scheme_oid = der.oid_at(buf, der.children(buf, scheme[1], scheme[2])[0])
    return f"PBES2 {kdf_text} {_oid_name(scheme_oid)}", scheme_oid


def _oid_name(dotted: str) -> str:
    entry = catalog().oid(dotted)
    return entry.name if entry else _NAMES.get(dotted, dotted)


def legacy_encrypted_pem(
    label: str, pem_text: bytes, headers: dict[str, str], passwords: Sequence[str]
) -> PrivateKey:
    """OpenSSL 'Proc-Type: 4,ENCRYPTED' keys: the label names the algorithm (their key
    derivation is one MD5 step: no budget needed)."""
    cipher, _, iv = headers.get("DEK-Info", "").partition(",")
    cipher = cipher or "unknown"
    # an IV shorter than the cipher's makes cryptography panic (a Rust assertion)
    usable = _iv_bytes(iv.strip()) >= (16 if cipher.upper().startswith("AES") else 8)
    for password in ("", *passwords) if usable else ():
        try:
            key = _load(pem_text, password.encode(), pem=True)
        except Exception:
            continue
        return PrivateKey(
            key_from_object(key),
            True,
            "encrypted PEM",
            {"protection": cipher, "opened_with": _which(password)},
        )
    algorithm = LABEL_ALGORITHM.get(label, UNKNOWN)
    key = _unknown(f"encrypted {label.lower()}", algorithm)
    return PrivateKey(key, True, "encrypted PEM", {"protection": cipher, "locked": True})


def _iv_bytes(text: str) -> int:
    try:
        return len(bytes.fromhex(text))
    except ValueError:
        return 0


def public_key(data: bytes, fmt: str) -> KeyInfo:
    if fmt == "PKCS#1 public":
        _, start, end, _ = der.tlv(data, 0)
        n_item, e_item = der.children(data, start, end)[:2]
        modulus = int.from_bytes(der.content(data, n_item), "big")
        exponent = int.from_bytes(der.content(data, e_item), "big")
        return describe_spki(rsa_spki(modulus, exponent))
    return describe_spki(der.element(data, der.tlv(data, 0)))
