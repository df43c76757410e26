"""JKS and JCEKS keystores, parsed from the container format (OpenJDK
sun.security.provider.JavaKeyStore and com.sun.crypto.provider.JceKeyStore, engineStore):

    magic (0xFEEDFEED JKS / 0xCECECECE JCEKS), version (1|2), count, then per entry
    tag 1 private key: alias, timestamp, protected key (length + EncryptedPrivateKeyInfo),
                       chain (count, then [type] length + DER per certificate)
    tag 2 trusted certificate: alias, timestamp, [type], length + DER
    tag 3 secret key (JCEKS): alias, timestamp, a serialized javax.crypto.SealedObject
    and a SHA-1 over (password as UTF-16BE || "Mighty Aphrodite" || everything before).

Certificates are readable without the password; with it the integrity digest is verified
and the private keys (and JCEKS secret keys) are decrypted to read their algorithm.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from qscan.catalog import UNKNOWN, catalog
from qscan.model import Finding, text_key
from qscan.scan.certs import der, javaser
from qscan.scan.certs.algorithms import KeyInfo, function_of
from qscan.scan.certs.findings import chain_findings
from qscan.scan.certs.keys import Attempts, PrivateKey, plain_private_key
from qscan.scan.certs.x509 import parse_certificate
from qscan.scan.limits import KdfBudget, KdfCost

if TYPE_CHECKING:
    from qscan.scan.certs.collect import Blob

JKS_MAGIC = b"\xfe\xed\xfe\xed"
JCEKS_MAGIC = b"\xce\xce\xce\xce"
WHITENER = b"Mighty Aphrodite"
JKS_KEY_PROTECTOR = "1.3.6.1.4.1.42.2.17.1.1"  # Sun proprietary (SHA-1 keystream)
PBE_MD5_3DES = "1.3.6.1.4.1.42.2.19.1"  # Sun PBEWithMD5AndTripleDES (JCEKS)
# Java's well-known default store password (cacerts); a match is itself worth reporting.
DEFAULT_PASSWORDS = ("changeit",)
_PROTECTION = {
    JKS_KEY_PROTECTOR: "JKS KeyProtector (SHA-1 keystream)",
    PBE_MD5_3DES: "PBEWithMD5AndTripleDES",
}


T = TypeVar("T")

# A crafted sealed key can derive a degenerate 3DES key; it is decrypted all the same.
warnings.filterwarnings("ignore", message="Single-key TripleDES", category=UserWarning)


class KeystoreError(ValueError):
    """A keystore whose structure does not parse."""


@dataclass
class Entry:
    kind: str  # private-key | trusted-cert | secret-key
    alias: str
    chain: list[bytes] = field(default_factory=list)
    protected: bytes = b""
    sealed: javaser.JavaObject | None = None


@dataclass
class Keystore:
    fmt: str
    version: int
    entries: list[Entry]
    body_end: int


def is_keystore(data: bytes) -> bool:
    return data[:4] in (JKS_MAGIC, JCEKS_MAGIC) and len(data) >= 12


class _In:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise KeystoreError(f"truncated keystore at byte {self.pos}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u32(self) -> int:
        return struct.unpack(">I", self.take(4))[0]

    def utf(self) -> str:
        return self.take(struct.unpack(">H", self.take(2))[0]).decode("utf-8", "replace")


def parse(data: bytes) -> Keystore:
    reader = _In(data)
    magic = reader.take(4)
    fmt = "JKS" if magic == JKS_MAGIC else "JCEKS"
    version = reader.u32()
    if version not in (1, 2):
        raise KeystoreError(f"unknown {fmt} version {version}")
    count = reader.u32()
    if count > 100_000:
        raise KeystoreError(f"implausible entry count {count}")
    entries = []
    for _ in range(count):
        tag = reader.u32()
        alias = reader.utf()
        reader.take(8)  # creation time
        if tag == 1:
            entry = Entry("private-key", alias, protected=reader.take(reader.u32()))
            for _ in range(reader.u32()):
                if version == 2:
                    reader.utf()  # certificate type, "X.509"
                entry.chain.append(reader.take(reader.u32()))
        elif tag == 2:
            entry = Entry("trusted-cert", alias)
            if version == 2:
                reader.utf()
            entry.chain.append(reader.take(reader.u32()))
        elif tag == 3 and fmt == "JCEKS":
            stream = javaser.Reader(data, reader.pos)
            try:
                sealed = stream.stream()
            except javaser.JavaSerError as exc:
                raise KeystoreError(f"secret key entry {alias!r}: {exc}") from exc
            reader.pos = stream.pos
            entry = Entry(
                "secret-key",
                alias,
                sealed=sealed if isinstance(sealed, javaser.JavaObject) else None,
            )
        else:
            raise KeystoreError(f"unknown {fmt} entry tag {tag}")
        entries.append(entry)
    return Keystore(fmt, version, entries, reader.pos)


def _password_bytes(password: str) -> bytes:
    return password.encode("utf-16-be")


def integrity_password(data: bytes, store: Keystore, passwords: tuple[str, ...]) -> str | None:
    """The password whose keyed SHA-1 matches the stored digest, if any."""
    stored = data[store.body_end : store.body_end + 20]
    if len(stored) != 20:
        return None
    body = data[: store.body_end]
    for password in ("", *passwords, *DEFAULT_PASSWORDS):
        digest = hashlib.sha1(_password_bytes(password) + WHITENER + body).digest()
        if hmac.compare_digest(digest, stored):
            return password
    return None


@dataclass(frozen=True)
class _Sealed:
    """An encrypted key of a keystore entry and how it is sealed: Sun's KeyProtector (JKS,
    a SHA-1 keystream) or PBEWithMD5AndTripleDES (JCEKS keys and sealed secret keys)."""

    scheme: str
    encrypted: bytes
    salt: bytes = b""
    iterations: int = 0

    @property
    def cost(self) -> KdfCost:
        # Sun's PBE runs its MD5 chain once per salt half; the keystream is one SHA-1 per
        # 20 bytes of key
        if self.scheme == PBE_MD5_3DES:
            return KdfCost(self.iterations, "PBEWithMD5AndTripleDES", weight=2)
        return KdfCost(len(self.encrypted) // 20 + 1, "JKS KeyProtector")

    def open(self, password: str) -> bytes | None:
        if self.scheme == JKS_KEY_PROTECTOR:
            return _jks_recover(self.encrypted, password)
        return _pbe_md5_3des(self.encrypted, self.salt, self.iterations, password)


def _jks_recover(blob: bytes, password: str) -> bytes | None:
    """sun.security.provider.KeyProtector: salt(20) || key XOR SHA-1 keystream || check(20)."""
    salt, encrypted, check = blob[:20], blob[20:-20], blob[-20:]
    secret = _password_bytes(password)
    stream = bytearray()
    digest = salt
    while len(stream) < len(encrypted):
        digest = hashlib.sha1(secret + digest).digest()
        stream += digest
    plain = bytes(a ^ b for a, b in zip(encrypted, stream, strict=False))
    if not hmac.compare_digest(hashlib.sha1(secret + plain).digest(), check):
        return None
    return plain


def _pbe_md5_3des(encrypted: bytes, salt: bytes, iterations: int, password: str) -> bytes | None:
    """Sun's PBEWithMD5AndTripleDES (com.sun.crypto.provider.PBES1Core): two MD5 chains over
    the salt halves give the 3DES key and IV; CBC with PKCS#5 padding."""
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
    from cryptography.hazmat.primitives.ciphers import Cipher, modes

    if len(salt) != 8 or len(encrypted) % 8:
        return None
    secret = bytes(ord(c) & 0x7F for c in password)
    halves = [bytearray(salt[:4]), bytearray(salt[4:])]
    if halves[0] == halves[1]:
        halves[0].reverse()
    derived = b""
    for half in halves:
        value = bytes(half)
        for _ in range(iterations):
            value = hashlib.md5(value + secret).digest()
        derived += value
    decryptor = Cipher(TripleDES(derived[:24]), modes.CBC(derived[24:32])).decryptor()
    plain = decryptor.update(encrypted) + decryptor.finalize()
    pad = plain[-1] if plain else 0
    if not 1 <= pad <= 8 or plain[-pad:] != bytes([pad]) * pad:
        return None
    return plain[:-pad]


def _pbe_params(buf: bytes, item: der.Item) -> tuple[bytes, int]:
    salt_item, count_item = der.children(buf, item[1], item[2])[:2]
    return der.content(buf, salt_item), der.small_int(buf, count_item)


def _sealed_key(protected: bytes) -> _Sealed | None:
    """The EncryptedPrivateKeyInfo of a private key entry, if its scheme is one of Sun's."""
    _, start, end, _ = der.tlv(protected, 0)
    algid, octets = der.children(protected, start, end)[:2]
    alg_parts = der.children(protected, algid[1], algid[2])
    dotted = der.oid_at(protected, alg_parts[0])
    encrypted = der.content(protected, octets)
    if dotted == JKS_KEY_PROTECTOR:
        return _Sealed(dotted, encrypted)
    if dotted == PBE_MD5_3DES and len(alg_parts) >= 2:
        salt, iterations = _pbe_params(protected, alg_parts[1])
        return _Sealed(dotted, encrypted, salt, iterations)
    return None


def _protection_of(protected: bytes) -> str:
    try:
        _, start, end, _ = der.tlv(protected, 0)
        algid = der.children(protected, start, end)[0]
        dotted = der.oid_at(protected, der.children(protected, algid[1], algid[2])[0])
    except (der.DerError, IndexError):
        return "unknown"
    return _PROTECTION.get(dotted, dotted)


def _open(
    sealed: _Sealed,
    passwords: tuple[str, ...],
    budget: KdfBudget,
    read: Callable[[bytes], T | None],
) -> tuple[T | None, str | None]:
    """What `read` makes of the first plaintext a password gives, or None and why the
    key stayed locked when the budget refused an attempt."""
    attempts = Attempts(budget, sealed.cost)
    for password in attempts.over(passwords):
        plain = sealed.open(password)
        value = None if plain is None else read(plain)
        if value is not None:
            return value, None
    return None, attempts.refused


def _recover_key(
    entry: Entry, passwords: tuple[str, ...], budget: KdfBudget
) -> tuple[bytes | None, str | None]:
    try:
        sealed = _sealed_key(entry.protected)
    except (der.DerError, IndexError, ValueError):
        return None, None
    if sealed is None:
        return None, None
    return _open(sealed, passwords, budget, lambda plain: plain)


def _secret_key(
    entry: Entry, passwords: tuple[str, ...], budget: KdfBudget
) -> tuple[tuple[str, int | None] | None, str | None]:
    """(algorithm name, bits) of a JCEKS sealed SecretKeySpec if a password opens it, and
    why it stayed locked when the budget refused an attempt."""
    fields = entry.sealed.fields if entry.sealed is not None else {}
    params, content = fields.get("encodedParams"), fields.get("encryptedContent")
    if not isinstance(params, bytes) or not isinstance(content, bytes):
        return None, None
    try:
        salt, iterations = _pbe_params(params, der.tlv(params, 0))
    except (der.DerError, IndexError, ValueError):
        return None, None
    return _open(_Sealed(PBE_MD5_3DES, content, salt, iterations), passwords, budget, _spec)


def _spec(plain: bytes) -> tuple[str, int | None] | None:
    """(algorithm name, bits) of a serialized SecretKeySpec."""
    try:
        spec = javaser.Reader(plain).stream()
    except javaser.JavaSerError:
        return None
    if not isinstance(spec, javaser.JavaObject):
        return None
    name = spec.fields.get("algorithm")
    key = spec.fields.get("key")
    return (str(name) if name else UNKNOWN), len(key) * 8 if isinstance(key, bytes) else None


def _symmetric_algorithm(name: str, bits: int | None) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"java_algorithm": name}
    if bits:
        params["bits"] = bits
    upper = name.upper()
    if upper == "AES" and bits:
        return f"AES-{bits}", params
    if upper in ("DESEDE", "TRIPLEDES"):
        return "3DES", params
    if upper.startswith("HMAC"):
        canonical = catalog().canonical(f"HMAC-{upper[4:]}")
        return canonical or UNKNOWN, params
    return catalog().canonical(name) or UNKNOWN, params


def analyze(data: bytes, blob: Blob) -> None:
    try:
        store = parse(data)
    except (KeystoreError, IndexError) as exc:
        blob.error(
            "unparseable",
            f"Java keystore does not parse: {exc}",
            text=text_key("jks.unparseable", detail=str(exc)),
        )
        return
    supplied = blob.ctx.options.passwords
    store_password = integrity_password(data, store, supplied)
    integrity = "verified" if store_password is not None else "not verified (password unknown)"
    base: dict[str, Any] = {"container": store.fmt, "integrity": integrity}
    if store_password in DEFAULT_PASSWORDS:
        base["default_password"] = True
    candidates = tuple(dict.fromkeys(p for p in (store_password, "", *supplied) if p is not None))
    for entry in store.entries:
        prefix = f"keystore entry '{entry.alias}' "
        try:
            if entry.kind == "secret-key":
                _secret_entry(entry, blob, prefix, base, candidates)
                continue
            infos = [parse_certificate(c) for c in entry.chain]
        except ValueError as exc:
            blob.error(
                "unparseable",
                f"{store.fmt} entry {entry.alias!r}: {exc}",
                text=text_key(
                    "jks.entry", container=store.fmt, alias=repr(entry.alias), detail=str(exc)
                ),
            )
            continue
        trusted = entry.kind == "trusted-cert"
        context = {**base, "alias": entry.alias, "entry": entry.kind}
        blob.add(
            chain_findings(
                infos,
                blob.location(),
                prefix=prefix + ("trusted " if trusted else ""),
                extra_context=context,
                link=blob.link,
            )
        )
        if not trusted:
            _private_entry(entry, infos, blob, prefix, context, candidates)


def _private_entry(
    entry: Entry,
    infos: list[Any],
    blob: Blob,
    prefix: str,
    context: dict[str, Any],
    candidates: tuple[str, ...],
) -> None:
    protection = _protection_of(entry.protected)
    plain, refused = _recover_key(entry, candidates, blob.ctx.kdf)
    key: KeyInfo | None = None
    if plain is not None:
        try:
            key = plain_private_key(plain, "PKCS#8").key
        except (der.DerError, ValueError):
            key = None
    source = "decrypted key" if key is not None else "certificate chain"
    if key is None and infos:
        key = infos[0].key
    if key is None:
        key = KeyInfo(algorithm=UNKNOWN, function="unknown", params={}, label="private key")
    fmt = f"{context['container']} private key entry"
    extra = {"protection": protection, "algorithm_from": source}
    if refused:
        extra["locked_reason"] = refused
    pk = PrivateKey(key, True, fmt, {**context, **extra})
    blob.private_key(
        pk,
        None,
        f"{prefix}private key",
        f"{context['container']} private key entry '{entry.alias}' ({protection}): {key.label}",
        identity=f"{context['container']}/{entry.alias}/{key.fingerprint or ''}",
        text=text_key(
            "jks.private-key",
            container=context["container"],
            alias=entry.alias,
            protection=protection,
            key=key.label,
        ),
    )


def _secret_entry(
    entry: Entry, blob: Blob, prefix: str, base: dict[str, Any], candidates: tuple[str, ...]
) -> None:
    opened, refused = _secret_key(entry, candidates, blob.ctx.kdf)
    sealed = entry.sealed.fields if entry.sealed else {}
    context: dict[str, Any] = {
        **base,
        "alias": entry.alias,
        "entry": "secret-key",
        "protection": str(sealed.get("sealAlg") or sealed.get("paramsAlg") or "unknown"),
    }
    params: dict[str, Any]
    if opened is None:
        algorithm, params = UNKNOWN, {}
        context["locked"] = True
        label = "secret key (algorithm visible only with the password)"
        said = text_key("jks.secret-key-locked", alias=entry.alias)
        if refused:
            context["locked_reason"] = refused
            blob.error(
                "locked-keystore",
                f"JCEKS secret key entry {entry.alias!r}: {refused}",
                text=text_key("jks.secret-key-refused", alias=repr(entry.alias), reason=refused),
            )
    else:
        algorithm, params = _symmetric_algorithm(*opened)
        label = f"{opened[0]} secret key" + (f", {opened[1]} bits" if opened[1] else "")
        said = text_key(
            "jks.secret-key-bits" if opened[1] else "jks.secret-key",
            alias=entry.alias,
            algorithm=opened[0],
            **({"bits": opened[1]} if opened[1] else {}),
        )
    function = function_of(algorithm) if algorithm != UNKNOWN else "encryption"
    if function == "unknown":
        function = "encryption"
    blob.add(
        [
            Finding(
                algorithm=algorithm,
                function="mac" if algorithm.startswith("HMAC") else function,
                asset="key",
                location=blob.location(None, f"{prefix}secret key"),
                params=params,
                evidence=f"JCEKS secret key entry '{entry.alias}': {label}",
                context=context,
                identity=f"JCEKS/{entry.alias}/secret-key",
                texts={"evidence": said},
            )
        ]
    )
