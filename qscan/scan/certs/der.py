"""A minimal, strict DER reader: just enough to walk certificates, keys and containers
without building full ASN.1 objects (pyasn1 is kept off the hot path)."""

from __future__ import annotations

from qscan.scan.limits import MAX_DER_ELEMENTS, MAX_OID_BYTES

SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
BOOLEAN = 0x01
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18


class DerError(ValueError):
    """Input that is not well-formed DER."""


Item = tuple[int, int, int, int]
"""(tag, start of contents, end of contents, start of the header)"""


def tlv(buf: bytes, pos: int, limit: int | None = None) -> Item:
    """Read one element at pos.

    Only low tag numbers and definite lengths (DER); raises DerError when the element
    does not fit before `limit` (default: end of buf)."""
    end_limit = len(buf) if limit is None else limit
    if pos + 2 > end_limit:
        raise DerError("truncated DER: element header past the end")
    tag = buf[pos]
    if tag & 0x1F == 0x1F:
        raise DerError("high-tag-number form is not supported")
    first = buf[pos + 1]
    if first < 0x80:
        start = pos + 2
        end = start + first
    elif first == 0x80:
        raise DerError("indefinite length (BER) is not DER")
    else:
        count = first & 0x7F
        start = pos + 2 + count
        if count > 4 or start > end_limit:
            raise DerError("truncated DER: bad length field")
        end = start + int.from_bytes(buf[pos + 2 : start], "big")
    if end > end_limit:
        raise DerError(f"truncated DER: element needs {end - pos} bytes, {end_limit - pos} left")
    return tag, start, end, pos


def span(buf: bytes, pos: int) -> tuple[int, int]:
    """(start, end) of the contents of the element at pos, in a structure that has already
    been checked as DER (by cryptography, or encoded by pyasn1): the certificate hot path."""
    first = buf[pos + 1]
    if first < 0x80:
        return pos + 2, pos + 2 + first
    start = pos + 2 + (first & 0x7F)
    return start, start + int.from_bytes(buf[pos + 2 : start], "big")


def children(buf: bytes, start: int, end: int) -> list[Item]:
    """All elements inside a constructed value's contents [start, end); DerError past
    MAX_DER_ELEMENTS of them.

    The short-length case of tlv() is inlined: this loop is the scanner's hot path."""
    out: list[Item] = []
    pos = start
    most = MAX_DER_ELEMENTS
    while pos < end:
        if len(out) == most:
            raise DerError(f"more than {most} elements in one DER value")
        if pos + 2 <= end:
            first = buf[pos + 1]
            if first < 0x80 and buf[pos] & 0x1F != 0x1F:
                stop = pos + 2 + first
                if stop <= end:
                    out.append((buf[pos], pos + 2, stop, pos))
                    pos = stop
                    continue
        item = tlv(buf, pos, end)
        out.append(item)
        pos = item[2]
    return out


def element(buf: bytes, item: Item) -> bytes:
    """The full encoding (header and contents) of an element."""
    return buf[item[3] : item[2]]


def content(buf: bytes, item: Item) -> bytes:
    return buf[item[1] : item[2]]


_OIDS: dict[bytes, str] = {}


def oid_str(raw: bytes) -> str:
    """Dotted string of an OBJECT IDENTIFIER's contents (memoised: OIDs repeat)."""
    dotted = _OIDS.get(raw)
    if dotted is None:
        dotted = _decode_oid(raw)
        if len(_OIDS) < 16384:
            _OIDS[raw] = dotted
    return dotted


def _decode_oid(raw: bytes) -> str:
    if not raw:
        raise DerError("empty OID")
    if len(raw) > MAX_OID_BYTES:
        raise DerError(f"OID of {len(raw)} bytes (at most {MAX_OID_BYTES} are read)")
    parts: list[int] = []
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    if raw[-1] & 0x80:
        raise DerError("truncated OID")
    first = parts[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(map(str, head + parts[1:]))


def oid_at(buf: bytes, item: Item) -> str:
    tag, start, end, _ = item
    if tag != OID:
        raise DerError(f"expected an OID, found tag 0x{tag:02x}")
    return oid_str(buf[start:end])


def uint_bits(buf: bytes, item: Item) -> int:
    """Bit length of a non-negative INTEGER (an RSA modulus, a DSA prime)."""
    tag, start, end, _ = item
    if tag != INTEGER:
        raise DerError(f"expected an INTEGER, found tag 0x{tag:02x}")
    while start < end and buf[start] == 0:
        start += 1
    if start == end:
        return 0
    return (end - start - 1) * 8 + buf[start].bit_length()


def small_int(buf: bytes, item: Item) -> int:
    tag, start, end, _ = item
    if tag != INTEGER or end - start > 8:
        raise DerError("expected a small INTEGER")
    return int.from_bytes(buf[start:end], "big", signed=True)


def encode(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes((tag, length)) + content
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(raw))) + raw + content


def encode_oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    values = [parts[0] * 40 + parts[1], *parts[2:]]
    out = bytearray()
    for value in values:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        out.extend(reversed(chunk))
    return encode(OID, bytes(out))
