"""Text handling shared by the repository analyzers: encodings and BOMs, binary, minified
and generated content, and offset-to-line mapping."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CONTROL = bytes(c for c in range(32) if c not in (8, 9, 10, 12, 13, 27))
_GENERATED = re.compile(
    rb"(?i)(?:code generated\b.{0,120}\bdo not edit|@generated\b|auto-?generated file\b.{0,40}do not edit)"
)


def sniff_encoding(head: bytes) -> str | None:
    """The encoding of text that is not plain ASCII-compatible (BOM or BOM-less UTF-16)."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[:512]
    if len(sample) >= 8 and b"\0" in sample:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


@lru_cache(maxsize=8)
def looks_binary(head: bytes) -> bool:
    """NUL bytes or many control characters (cached: every analyzer asks about the same
    head of the same file)."""
    if not head or sniff_encoding(head):
        return False
    if b"\0" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls > len(head) // 20


def decode(data: bytes) -> str:
    """Text of a file: BOMs and UTF-16/32 honoured, UTF-8 otherwise, undecodable bytes
    replaced (mixed encodings keep their line structure)."""
    encoding = sniff_encoding(data[:4096])
    if encoding:
        for bom, name in _BOMS:
            if name == encoding and data.startswith(bom):
                data = data[len(bom) :]
                break
        return data.decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


@lru_cache(maxsize=8)
def looks_minified(head: bytes) -> bool:
    """Bundled or minified code: long lines with hardly any line breaks."""
    if len(head) < 2048:
        return False
    return head.count(b"\n") < len(head) // 1000 and max(map(len, head.split(b"\n"))) > 1000


@lru_cache(maxsize=8)
def looks_generated(head: bytes) -> bool:
    if b"enerated" not in head and b"ENERATED" not in head:
        return False
    return _GENERATED.search(head) is not None


_last_name: list = [None, ""]


def lower_name(path: Path) -> str:
    """The file name in lower case, remembered for the path object every analyzer of one
    file asks about."""
    if _last_name[0] is not path:
        _last_name[0], _last_name[1] = path, path.name.lower()
    return _last_name[1]


class LineIndex:
    """1-based line number of a character offset."""

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self._starts, offset)
