"""Render X.501 Names as RFC 4514 strings straight from their DER (cached per encoding)."""

from __future__ import annotations

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


def _escape(value: str) -> str:
    out = []
    for i, ch in enumerate(value):
        if ch in _SPECIAL or (ch == "#" and i == 0) or (ch == " " and i in (0, len(value) - 1)):
            out.append("\\" + ch)
        elif ch == "\x00" or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):02x}")
        else:
            out.append(ch)
    return "".join(out)


def _value(buf: bytes, item: der.Item) -> str:
    tag, start, end, _ = item
    encoding = _STRING_TAGS.get(tag)
    if encoding is not None:
        try:
            return _escape(buf[start:end].decode(encoding))
        except UnicodeDecodeError:
            pass
    return "#" + der.element(buf, item).hex()


@lru_cache(maxsize=8192)
def rfc4514(name: bytes) -> str:
    """RFC 4514 string (last RDN first, as OpenSSL and cryptography print it)."""
    _, start, end, _ = der.tlv(name, 0)
    rdns = []
    for rdn in der.children(name, start, end):
        parts = []
        for atv in der.children(name, rdn[1], rdn[2]):
            kind, value = der.children(name, atv[1], atv[2])[:2]
            dotted = der.oid_at(name, kind)
            parts.append(f"{_SHORT.get(dotted, dotted)}={_value(name, value)}")
        rdns.append("+".join(parts))
    return ",".join(reversed(rdns))
