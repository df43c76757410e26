"""Render X.501 Names as RFC 4514 strings straight from their DER (cached per encoding)."""

from __future__ import annotations

import re
from functools import lru_cache

from qscan.scan.certs import der

# Attribute types with RFC 4514 / common short names.
_SHORT = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.9": "STREET",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.5": "serialNumber",
    "2.5.4.4": "SN",
    "2.5.4.42": "GN",
    "2.5.4.12": "title",
    "2.5.4.46": "dnQualifier",
    "2.5.4.97": "organizationIdentifier",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
    "1.2.840.113549.1.9.1": "emailAddress",
}
_STRING_TAGS = {
    0x0C: "utf-8",  # UTF8String
    0x13: "latin-1",  # PrintableString
    0x16: "latin-1",  # IA5String
    0x14: "latin-1",  # TeletexString (T61), read as Latin-1 like most tools
    0x1A: "latin-1",  # VisibleString
    0x1E: "utf-16-be",  # BMPString
    0x1C: "utf-32-be",  # UniversalString
}
_SPECIAL = frozenset(',+"\\<>;=')
_NEEDS_ESCAPE = re.compile(r'[,+"\\<>;=\x00-\x1f]|^[ #]| $')


def _escape(value: str) -> str:
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    out = []
    for i, ch in enumerate(value):
        if ch in _SPECIAL or (ch == "#" and i == 0) or (ch == " " and i in (0, len(value) - 1)):
            out.append("\\" + ch)
        elif ch == "\x00" or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def _value(buf: bytes, tag: int, start: int, end: int, header: int) -> str:
    encoding = _STRING_TAGS.get(tag)
    if encoding is not None:
        try:
            return _escape(buf[start:end].decode(encoding))
        except UnicodeDecodeError:
            pass
    return "#" + buf[header:end].hex()


def _span(buf: bytes, pos: int, limit: int) -> tuple[int, int]:
    """(start, end) of the contents of the element at pos (short lengths inline)."""
    first = buf[pos + 1]
    if first < 0x80:
        end = pos + 2 + first
        if end > limit:
            raise der.DerError("truncated Name")
        return pos + 2, end
    _, start, end, _ = der.tlv(buf, pos, limit)
    return start, end


_SHORT_BY_RAW: dict[bytes, str] = {der.encode_oid(k)[2:]: v for k, v in _SHORT.items()}


@lru_cache(maxsize=4096)
def rfc4514(name: bytes) -> str:
    """RFC 4514 string of a Name that recurs (an issuer), cached by its encoding."""
    return render_name(name)


_RDNS: dict[bytes, str] = {}
_RDNS_MAX = 4096
# The start of an RDN holding one common name (SET, SEQUENCE, OID 2.5.4.3), after the
# SET and SEQUENCE headers.
_CN_TYPE = b"\x06\x03\x55\x04\x03"


def render_name(name: bytes) -> str:
    """RFC 4514 string (last RDN first, as OpenSSL and cryptography print it). Relative
    names repeat across certificates (C=, O=, OU=) even when the whole name does not, so
    each RDN's rendering is memoised by its encoding; common names, mostly unique, are not."""
    pos, end = _span(name, 0, len(name))
    rdns = []
    while pos < end:
        set_start, set_end = _span(name, pos, end)
        raw = name[pos:set_end]
        rendered = _RDNS.get(raw)
        if rendered is None:
            rendered = _render_rdn(name, set_start, set_end)
            if raw[4:9] != _CN_TYPE:
                if len(_RDNS) >= _RDNS_MAX:
                    _RDNS.clear()
                _RDNS[raw] = rendered
        rdns.append(rendered)
        pos = set_end
    rdns.reverse()
    return ",".join(rdns)


def _render_rdn(name: bytes, atv: int, set_end: int) -> str:
    parts = []
    while atv < set_end:
        seq_start, seq_end = _span(name, atv, set_end)
        if name[seq_start] != der.OID:
            raise der.DerError("AttributeTypeAndValue without an OID")
        oid_start, oid_end = _span(name, seq_start, seq_end)
        raw_oid = name[oid_start:oid_end]
        short = _SHORT_BY_RAW.get(raw_oid) or der.oid_str(raw_oid)
        value_start, value_end = _span(name, oid_end, seq_end)
        parts.append(f"{short}={_value(name, name[oid_end], value_start, value_end, oid_end)}")
        atv = seq_end
    return parts[0] if len(parts) == 1 else "+".join(parts)
