"""OpenPGP keys (RFC 9580): ASCII armor, packet streams, and what each public key, public
subkey and secret key packet says about its public key (algorithm, size or curve, creation,
fingerprint), with the first User ID and the key flags and expiration of its newest
self-signature. Secret key material is never decoded: of a secret key packet only the public
part and whether the secret part is protected (its S2K usage octet) are read.

Every length is checked against the bytes present and the packets read are counted
(MAX_OPENPGP_PACKETS), so hostile input ends in a PgpError, never in a hang."""

from __future__ import annotations

import binascii
import hashlib
import re
import struct
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.catalog import UNKNOWN, catalog
from qscan.resources import load_yaml
from qscan.scan.certs import der
from qscan.scan.limits import MAX_OPENPGP_PACKETS

PUBLIC_KEY, PUBLIC_SUBKEY, SECRET_KEY, SECRET_SUBKEY = 6, 14, 5, 7
SIGNATURE, USER_ID = 2, 13
KEY_TAGS = frozenset({PUBLIC_KEY, PUBLIC_SUBKEY, SECRET_KEY, SECRET_SUBKEY})
PRIMARY_TAGS = frozenset({PUBLIC_KEY, SECRET_KEY})
SECRET_TAGS = frozenset({SECRET_KEY, SECRET_SUBKEY})
# Signature types (RFC 9580 section 5.2.1): certifications of a User ID by the key itself
# and direct-key signatures carry the primary key's flags; subkey binding signatures a
# subkey's.
_PRIMARY_SELF_SIGNATURES = frozenset({0x10, 0x11, 0x12, 0x13, 0x1F})
_SUBKEY_BINDING = 0x18
# Signature subpacket types (RFC 9580 section 5.2.3.7)
_SIG_CREATED, _KEY_EXPIRES, _ISSUER_KEY_ID, _KEY_FLAGS, _ISSUER_FINGERPRINT = 2, 9, 16, 27, 33
USER_ID_MAX = 200
_CRC_LINE = re.compile(rb"^=([A-Za-z0-9+/]{4})$")
_WHITESPACE = b" \t\r\n\x0b\x0c"


class PgpError(ValueError):
    """Malformed OpenPGP data."""


@dataclass(frozen=True, slots=True)
class _Algorithm:
    name: str
    algorithm: str
    function: str
    encrypts: str
    material: str
    octets: int = 0


@dataclass(frozen=True, slots=True)
class _Tables:
    algorithms: dict[int, _Algorithm]
    legacy_curves: dict[str, dict[str, str]]
    key_flags: dict[int, str]


@cache
def _tables() -> _Tables:
    data = load_yaml("catalog/openpgp.yaml")
    return _Tables(
        {int(k): _Algorithm(**v) for k, v in data["algorithms"].items()},
        {str(k): dict(v) for k, v in data["legacy_curves"].items()},
        {int(k): str(v) for k, v in data["key_flags"].items()},
    )


@dataclass(slots=True)
class PgpKey:
    """One key or subkey packet: public facts only."""

    tag: int
    version: int
    algorithm_id: int
    algorithm: str
    params: dict[str, Any]
    created: int
    fingerprint: str
    default_function: str
    encrypt_function: str
    primary: PgpKey | None = None
    encrypted: bool | None = None
    """For secret key packets: whether the secret part is protected (S2K usage not 0)."""
    user_id: str | None = None
    flags: list[str] | None = None
    expires_after: int | None = None
    """Seconds after `created` (the key expiration time subpacket); None: no expiry known."""
    stated_at: dict[int, int] = field(default_factory=dict)
    """Subpacket type -> creation time of the self-signature its value was taken from."""

    @property
    def secret(self) -> bool:
        return self.tag in SECRET_TAGS

    @property
    def function(self) -> str:
        if not self.flags:
            return self.default_function
        if {"certify", "sign", "authenticate"} & set(self.flags):
            return "signature"
        if {"encrypt-communications", "encrypt-storage"} & set(self.flags):
            return self.encrypt_function
        return self.default_function

    @property
    def key_id(self) -> str:
        """The 8-octet Key ID (RFC 9580 section 5.5.4): the last of a v4 fingerprint, the
        first of a v6 one."""
        return self.fingerprint[-16:] if self.version == 4 else self.fingerprint[:16]


@dataclass(slots=True)
class Keyring:
    keys: list[PgpKey] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Packets that were skipped: keys of an unknown version, unreadable signatures."""
    error: str | None = None
    """Why reading stopped before the end (the keys before it are kept)."""


# --- ASCII armor (RFC 9580 section 6) ------------------------------------------------------


def _crc24_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
        table.append(crc & 0xFFFFFF)
    return tuple(table)


_CRC24 = _crc24_table()


def crc24(data: bytes) -> int:
    """The armor checksum (RFC 9580 section 6.1: CRC24_INIT 0xB704CE, poly 0x1864CFB)."""
    crc = 0xB704CE
    table = _CRC24
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFF) ^ table[((crc >> 16) ^ byte) & 0xFF]
    return crc


def dearmor(block: bytes) -> bytes:
    """The packets of one armored block (its BEGIN line to its END line): armor headers up
    to the first empty line, the base64 body, and the optional "=" CRC-24 line, which must
    match when present."""
    lines = block.splitlines()[1:-1]
    i = 0
    while i < len(lines) and b":" in lines[i]:
        i += 1
    body = [line.strip() for line in lines[i:]]
    while body and not body[-1]:
        body.pop()
    checksum = None
    if body:
        crc_line = _CRC_LINE.match(body[-1])
        if crc_line is not None:
            checksum = int.from_bytes(binascii.a2b_base64(crc_line.group(1)), "big")
            body.pop()
    try:
        data = binascii.a2b_base64(b"".join(body).translate(None, _WHITESPACE), strict_mode=True)
    except binascii.Error as exc:
        raise PgpError(f"armor body: base64 does not decode: {exc}") from None
    if not data:
        raise PgpError("empty armor body")
    if checksum is not None and crc24(data) != checksum:
        raise PgpError(
            f"armor checksum mismatch (CRC-24 {crc24(data):06X}, line says {checksum:06X})"
        )
    return data


# --- packets (RFC 9580 section 4.2) --------------------------------------------------------


def packet_header(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, body start, body end) of the packet at pos, its body inside data."""
    tag, start, length = _header(data, pos)
    if start + length > len(data):
        raise PgpError(
            f"packet at byte {pos} (tag {tag}) claims {length} bytes, {len(data) - start} present"
        )
    return tag, start, start + length


def _header(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, body start, body length) of the packet header at pos, in the old or the new
    format; partial body lengths, which no key packet may use, are refused."""
    if pos >= len(data):
        raise PgpError(f"packet header past the end at byte {pos}")
    first = data[pos]
    if not first & 0x80:
        raise PgpError(f"byte {pos} (0x{first:02x}) does not start an OpenPGP packet")
    if first & 0x40:
        octet = _octet(data, pos + 1)
        if octet < 192:
            return first & 0x3F, pos + 2, octet
        if octet < 224:
            return first & 0x3F, pos + 3, ((octet - 192) << 8) + _octet(data, pos + 2) + 192
        if octet == 255:
            return first & 0x3F, pos + 6, _number(data, pos + 2, 4)
        raise PgpError(f"partial body length at byte {pos} (not allowed in key packets)")
    tag = (first >> 2) & 0x0F
    kind = first & 0x03
    if kind == 3:  # indeterminate length: to the end of the data
        return tag, pos + 1, len(data) - pos - 1
    size = 1 << kind
    return tag, pos + 1 + size, _number(data, pos + 1, size)


def _octet(data: bytes, pos: int) -> int:
    if pos >= len(data):
        raise PgpError(f"truncated at byte {pos}")
    return data[pos]


def _number(data: bytes, pos: int, size: int) -> int:
    if pos + size > len(data):
        raise PgpError(f"truncated at byte {pos}")
    return int.from_bytes(data[pos : pos + size], "big")


def starts_keyring(head: bytes) -> bool:
    """The bytes start with a Public-Key or Secret-Key packet of a known version."""
    try:
        tag, start, _ = _header(head, 0)
    except PgpError:
        return False
    return tag in PRIMARY_TAGS and start < len(head) and head[start] in (3, 4, 5, 6)


def read_keyring(data: bytes) -> Keyring:
    ring = Keyring()
    pos = 0
    primary: PgpKey | None = None
    current: PgpKey | None = None
    for count in range(MAX_OPENPGP_PACKETS + 1):
        if pos >= len(data):
            return ring
        if count == MAX_OPENPGP_PACKETS:
            ring.error = f"more than {MAX_OPENPGP_PACKETS} packets; the rest is not read"
            return ring
        try:
            tag, start, end = packet_header(data, pos)
        except PgpError as exc:
            ring.error = str(exc)
            return ring
        body = data[start:end]
        if tag in KEY_TAGS:
            current = _key_packet(tag, body, primary, start, ring)
            if tag in PRIMARY_TAGS:
                primary = current
            if current is not None:
                ring.keys.append(current)
        elif tag == USER_ID and primary is not None and primary.user_id is None:
            primary.user_id = body[:USER_ID_MAX].decode("utf-8", "replace")
        elif tag == SIGNATURE and current is not None:
            try:
                _self_signature(current, body)
            except PgpError as exc:
                ring.problems.append(f"signature packet at byte {start}: {exc}")
        pos = end
    return ring


# --- key packets (RFC 9580 section 5.5.2) --------------------------------------------------


class _Cursor:
    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise PgpError(f"key material is truncated ({n} bytes needed at {self.pos})")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def byte(self) -> int:
        return self.take(1)[0]

    def mpi_bits(self) -> int:
        """The bit length of a multiprecision integer (its value, not its header's claim)."""
        claimed = int.from_bytes(self.take(2), "big")
        return int.from_bytes(self.take((claimed + 7) // 8), "big").bit_length()


def _key_packet(
    tag: int, body: bytes, primary: PgpKey | None, where: int, ring: Keyring
) -> PgpKey | None:
    if tag not in PRIMARY_TAGS and primary is None:
        ring.problems.append(f"subkey packet at byte {where} without a primary key")
        return None
    try:
        key = parse_key(tag, body)
    except PgpError as exc:
        ring.problems.append(f"key packet at byte {where}: {exc}")
        return None
    if tag not in PRIMARY_TAGS:
        key.primary = primary
    return key


def parse_key(tag: int, body: bytes) -> PgpKey:
    if not body:
        raise PgpError("empty key packet")
    version = body[0]
    if version in (2, 3):
        return _v3_key(tag, body)
    if version == 4:
        if len(body) < 6:
            raise PgpError("v4 key packet is truncated")
        created, algorithm_id = struct.unpack_from(">IB", body, 1)
        cursor = _Cursor(body, 6)
        params, algo = _material(algorithm_id, cursor, len(body) - 6)
        public = body[: cursor.pos] if tag in SECRET_TAGS else body
        digest = hashlib.sha1(b"\x99" + len(public).to_bytes(2, "big") + public).hexdigest()
    elif version in (5, 6):
        if len(body) < 10:
            raise PgpError(f"v{version} key packet is truncated")
        created, algorithm_id, size = struct.unpack_from(">IBI", body, 1)
        if 10 + size > len(body):
            raise PgpError(f"key material of {size} bytes, {len(body) - 10} present")
        params, algo = _material(algorithm_id, _Cursor(body[: 10 + size], 10), size)
        public = body[: 10 + size]
        # v6: 0x9B, v5 (LibrePGP): 0x9A, each with a four-octet length
        prefix = b"\x9b" if version == 6 else b"\x9a"
        digest = hashlib.sha256(prefix + len(public).to_bytes(4, "big") + public).hexdigest()
        cursor = _Cursor(body, 10 + size)
    else:
        raise PgpError(f"key packet version {version} is not read")
    return _key(tag, version, algorithm_id, algo, params, created, digest, body, len(public))


def _v3_key(tag: int, body: bytes) -> PgpKey:
    """v3 keys (RSA only): the fingerprint is MD5 over the bodies of n and e (RFC 9580
    section 5.5.4.1), and the expiry a number of days in the key packet itself."""
    if len(body) < 8:
        raise PgpError("v3 key packet is truncated")
    created, days, algorithm_id = struct.unpack_from(">IHB", body, 1)
    cursor = _Cursor(body, 8)
    start = cursor.pos
    params, algo = _material(algorithm_id, cursor, len(body) - 8)
    if algo.material != "rsa":
        raise PgpError(f"v3 key of algorithm {algorithm_id}")
    mpis = _Cursor(body, start)
    n = mpis.take((int.from_bytes(mpis.take(2), "big") + 7) // 8)
    e = mpis.take((int.from_bytes(mpis.take(2), "big") + 7) // 8)
    key = _key(
        tag,
        body[0],
        algorithm_id,
        algo,
        params,
        created,
        hashlib.md5(n + e).hexdigest(),
        body,
        cursor.pos,
    )
    if days:
        key.expires_after = days * 86400
    return key


def _key(
    tag: int,
    version: int,
    algorithm_id: int,
    algo: _Algorithm,
    params: dict[str, Any],
    created: int,
    digest: str,
    body: bytes,
    public_end: int,
) -> PgpKey:
    encrypted = None
    if tag in SECRET_TAGS:
        if public_end >= len(body):
            raise PgpError("secret key packet ends after its public key")
        encrypted = body[public_end] != 0  # S2K usage octet: 0 = not protected
    algorithm = params.pop("_algorithm", algo.algorithm)
    return PgpKey(
        tag=tag,
        version=version,
        algorithm_id=algorithm_id,
        algorithm=algorithm,
        params=params,
        created=created,
        fingerprint=digest.upper(),
        default_function=algo.function,
        encrypt_function=algo.encrypts,
        encrypted=encrypted,
    )


_UNKNOWN_ALGORITHM = _Algorithm("unknown", UNKNOWN, "unknown", "unknown", "rest")


def _material(algorithm_id: int, cursor: _Cursor, size: int) -> tuple[dict[str, Any], _Algorithm]:
    """Params of the public key material, with the cursor moved past it; unknown algorithms
    take `size` bytes (all there is)."""
    algo = _tables().algorithms.get(algorithm_id, _UNKNOWN_ALGORITHM)
    params: dict[str, Any] = {"openpgp_algorithm": algorithm_id}
    layout = algo.material
    if layout == "rsa":
        params["bits"] = cursor.mpi_bits()
        cursor.mpi_bits()
    elif layout in ("dsa", "elgamal"):
        params["bits"] = cursor.mpi_bits()
        for _ in range(3 if layout == "dsa" else 2):
            cursor.mpi_bits()
    elif layout in ("ec", "ecdh"):
        params.update(_curve(cursor))
        cursor.mpi_bits()
        if layout == "ecdh":
            cursor.take(cursor.byte())
    elif layout == "octets":
        cursor.take(algo.octets if algo.octets else size)
    else:
        cursor.take(size)
    return params, algo


def _curve(cursor: _Cursor) -> dict[str, Any]:
    """A curve OID (a length octet, then the OID's DER body: RFC 9580 section 9.2)."""
    size = cursor.byte()
    if size in (0, 0xFF):
        raise PgpError(f"curve OID length {size} is reserved")
    try:
        dotted = der.oid_str(cursor.take(size))
    except der.DerError as exc:
        raise PgpError(f"curve OID: {exc}") from None
    legacy = _tables().legacy_curves.get(dotted)
    if legacy is not None:
        return {"curve": legacy["curve"], "curve_oid": dotted, "_algorithm": legacy["algorithm"]}
    curve = catalog().curve(dotted)
    if curve is None:
        return {"curve": dotted, "curve_oid": dotted}
    return {"curve": curve.name, "bits": curve.size, "curve_oid": dotted}


# --- self-signatures (RFC 9580 section 5.2.3) ----------------------------------------------


def _self_signature(key: PgpKey, body: bytes) -> None:
    """Take key flags and expiration from a signature on key made by its own primary key."""
    if len(body) < 4 or body[0] not in (4, 6):
        return  # v3 signatures carry no subpackets
    version, sig_type = body[0], body[1]
    wanted = _SUBKEY_BINDING if key.primary is not None else None
    if (wanted is None and sig_type not in _PRIMARY_SELF_SIGNATURES) or (
        wanted is not None and sig_type != wanted
    ):
        return
    count = 2 if version == 4 else 4
    hashed, after = _area(body, 4, count)
    unhashed, _ = _area(body, after, count)
    facts = _subpackets(hashed)
    issuer = _subpackets(unhashed) | facts
    signer = key.primary or key
    fingerprint = issuer.get(_ISSUER_FINGERPRINT)
    key_id = issuer.get(_ISSUER_KEY_ID)
    if fingerprint is not None and fingerprint[1:].hex().upper() != signer.fingerprint:
        return
    if fingerprint is None and key_id is not None and key_id.hex().upper() != signer.key_id:
        return
    created = facts.get(_SIG_CREATED)
    when = int.from_bytes(created, "big") if created is not None and len(created) == 4 else 0
    flags = facts.get(_KEY_FLAGS)
    if flags and _newer(key, _KEY_FLAGS, when):
        key.flags = _flag_names(flags[0])
    expires = facts.get(_KEY_EXPIRES)
    if expires is not None and len(expires) == 4 and _newer(key, _KEY_EXPIRES, when):
        key.expires_after = int.from_bytes(expires, "big") or None  # 0: does not expire


def _newer(key: PgpKey, subpacket: int, when: int) -> bool:
    """Each fact comes from the newest self-signature that states it (a later direct-key
    signature that only adds a revocation key leaves the flags as they were)."""
    if when < key.stated_at.get(subpacket, -1):
        return False
    key.stated_at[subpacket] = when
    return True


def _flag_names(octet: int) -> list[str]:
    return [name for bit, name in _tables().key_flags.items() if octet & bit]


def _area(body: bytes, pos: int, count: int) -> tuple[bytes, int]:
    if pos + count > len(body):
        raise PgpError("truncated subpacket area")
    size = int.from_bytes(body[pos : pos + count], "big")
    end = pos + count + size
    if end > len(body):
        raise PgpError(f"subpacket area of {size} bytes, {len(body) - pos - count} present")
    return body[pos + count : end], end


def _subpackets(area: bytes) -> dict[int, bytes]:
    """Subpacket type -> data (the first of each type; the critical bit cleared)."""
    out: dict[int, bytes] = {}
    pos = 0
    while pos < len(area):
        octet = area[pos]
        if octet < 192:
            start, length = pos + 1, octet
        elif octet < 255:
            start, length = pos + 2, ((octet - 192) << 8) + _octet(area, pos + 1) + 192
        else:
            start, length = pos + 5, _number(area, pos + 1, 4)
        if length == 0 or start + length > len(area):
            raise PgpError(f"subpacket at {pos} claims {length} bytes")
        out.setdefault(area[start] & 0x7F, area[start + 1 : start + length])
        pos = start + length
    return out
