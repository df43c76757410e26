"""Find PEM blocks (RFC 7468) in any text, with the line of each BEGIN."""

from __future__ import annotations

import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass

from qscan.model import Text, text_key
from qscan.scan.limits import MAX_PEM_HEADERS

_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9][A-Z0-9 #._/-]{0,60})-----")
# String concatenation ("..." + "..."), escaped newlines, quotes and separators around
# base64 that sits in source code or JSON; '+' alone is a base64 character and stays.
_CODE_NOISE = re.compile(rb"[\"']\s*\+\s*[\"']|\\[nrt]|[\"',;\s\\]")
_HEADER = re.compile(rb"^[ \t]*([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*?)[ \t\r]*$", re.MULTILINE)
_LINE_BREAK = re.compile(rb"[\r\n]")
_BLANK_LINE = re.compile(rb"(?:\r\n|\r|\n)[ \t\x0b\x0c]*(?:\r\n|\r|\n)")
_WHITESPACE = b" \t\r\n\x0b\x0c"
ARMOR_PREFIX = "PGP "
"""OpenPGP ASCII armor (RFC 9580 section 6) looks like PEM but has its own headers and a
checksum line: its blocks are passed on undecoded (qscan.scan.certs.pgpkeys reads them)."""
_CLEARSIGNED = "PGP SIGNED MESSAGE"
"""The cleartext of a signed message follows this line; its signature is the PGP SIGNATURE
block after it, and no END line closes it."""


@dataclass(frozen=True, slots=True)
class PemBlock:
    label: str
    line: int
    """1-based line of the BEGIN marker inside the scanned data."""
    der: bytes | None
    headers: dict[str, str]
    error: str | None = None
    span: tuple[int, int] = (0, 0)
    """Where the block (BEGIN to END line) sits in the scanned data."""
    error_text: Text | None = None
    """The error's message key (qscan.model.Text)."""
    armored: bool = False
    """An OpenPGP armored block, left undecoded: `span` says where it is."""


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
        if label == _CLEARSIGNED:
            pos = match.end()
            continue
        end_marker = b"-----END " + match.group(1) + b"-----"
        end = data.find(end_marker, match.end())
        if end < 0:
            yield PemBlock(
                label,
                line,
                None,
                {},
                "no matching END line (truncated PEM block)",
                error_text=text_key("pem.no-end"),
            )
            return
        pos = end + len(end_marker)
        if label.startswith(ARMOR_PREFIX):
            yield PemBlock(label, line, None, {}, span=(match.start(), pos), armored=True)
        else:
            yield _decode(label, line, data[match.end() : end], (match.start(), pos))


def _decode(label: str, line: int, body: bytes, where: tuple[int, int]) -> PemBlock:
    body = body.strip()
    headers: dict[str, str] = {}
    first_break = _LINE_BREAK.search(body)
    if b":" in body[: first_break.start() if first_break else len(body)]:
        # RFC 1421 encapsulated headers (Proc-Type, DEK-Info) end at the first blank line.
        blank = _BLANK_LINE.search(body)
        head, body = (body, b"") if blank is None else (body[: blank.start()], body[blank.end() :])
        for count, header in enumerate(_HEADER.finditer(head)):
            if count == MAX_PEM_HEADERS:
                error = f"more than {MAX_PEM_HEADERS} header lines"
                said = text_key("pem.headers", n=MAX_PEM_HEADERS)
                return PemBlock(label, line, None, headers, error, where, said)
            headers[header.group(1).decode("ascii")] = header.group(2).decode("latin-1")
    text = body.translate(None, _WHITESPACE)
    try:
        raw = binascii.a2b_base64(text, strict_mode=True)
    except binascii.Error as exc:
        # PEM embedded in source code or JSON: literal \n escapes, quotes, concatenation
        relaxed = _CODE_NOISE.sub(b"", text)
        try:
            raw = binascii.a2b_base64(relaxed, strict_mode=True)
        except binascii.Error:
            error = f"base64 does not decode: {exc}"
            said = text_key("pem.base64", detail=str(exc))
            return PemBlock(label, line, None, headers, error, where, said)
    if not raw:
        said = text_key("pem.empty")
        return PemBlock(label, line, None, headers, "empty PEM block", where, said)
    return PemBlock(label, line, raw, headers, span=where)
