"""Find PEM blocks (RFC 7468) in any text, with the line of each BEGIN."""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass

_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9][A-Z0-9 #._/-]{0,60})-----")
# String concatenation ("..." + "..."), escaped newlines, quotes and separators around
# base64 that sits in source code or JSON; '+' alone is a base64 character and stays.
_CODE_NOISE = re.compile(rb"[\"']\s*\+\s*[\"']|\\[nrt]|[\"',;\s\\]")
_HEADER = re.compile(rb"^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$")


@dataclass(frozen=True, slots=True)
class PemBlock:
    label: str
    line: int
    """1-based line of the BEGIN marker inside the scanned data."""
    der: bytes | None
    headers: dict[str, str]
    error: str | None = None


def blocks(data: bytes) -> Iterator[PemBlock]:
    pos = 0
    line = 1
    counted = 0
    while True:
        match = _BEGIN.search(data, pos)
        if match is None:
            return
        line += data.count(b"\n", counted, match.start())
        counted = match.start()
        label = match.group(1).decode("ascii")
        end_marker = b"-----END " + match.group(1) + b"-----"
        end = data.find(end_marker, match.end())
        if end < 0:
            yield PemBlock(label, line, None, {}, "no matching END line (truncated PEM block)")
            return
        yield _decode(label, line, data[match.end() : end])
        pos = end + len(end_marker)


def _decode(label: str, line: int, body: bytes) -> PemBlock:
    headers: dict[str, str] = {}
    lines = body.strip().splitlines()
    if lines and b":" in lines[0]:
        # RFC 1421 encapsulated headers (Proc-Type, DEK-Info) end at the first blank line.
        while lines and lines[0].strip():
            header = _HEADER.match(lines.pop(0).strip())
            if header:
                headers[header.group(1).decode("ascii")] = header.group(2).decode("latin-1")
        while lines and not lines[0].strip():
            lines.pop(0)
    text = b"".join(part.strip() for part in lines)
    try:
        raw = binascii.a2b_base64(text, strict_mode=True)
    except binascii.Error as exc:
        # PEM embedded in source code or JSON: literal \n escapes, quotes, concatenation
        relaxed = _CODE_NOISE.sub(b"", text)
        try:
            raw = binascii.a2b_base64(relaxed, strict_mode=True)
        except binascii.Error:
            return PemBlock(label, line, None, headers, f"base64 does not decode: {exc}")
    if not raw:
        return PemBlock(label, line, None, headers, "empty PEM block")
    return PemBlock(label, line, raw, headers)
