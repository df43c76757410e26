"""Line-oriented configuration syntax shared by Apache httpd, HAProxy, sshd_config /
ssh_config and Postfix: logical lines with their first physical line number, comments
dropped, continuation lines joined, words split with quotes honoured."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    number: int
    text: str


def logical_lines(
    text: str, *, backslash: bool = True, indent_continues: bool = False
) -> Iterator[Line]:
    """Non-blank, non-comment logical lines. `backslash`: a trailing backslash joins the
    next line (Apache, HAProxy); `indent_continues`: a line starting with whitespace
    continues the previous one (Postfix main.cf)."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if indent_continues:
            if pending and raw[:1] in (" ", "\t") and stripped and not stripped.startswith("#"):
                pending.append(stripped)
                continue
            if pending:
                yield Line(start, " ".join(pending))
                pending = []
            if not stripped or stripped.startswith("#"):
                continue
            start, pending = number, [stripped]
            continue
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        if backslash and stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        yield Line(start, " ".join(p.strip() for p in pending))
        pending = []
    if pending:
        yield Line(start, " ".join(pending))


_BLANKS = re.compile(r"[ \t\r\n]+")  # shlex's whitespace


def words(text: str) -> list[str]:
    """Words of a line, quotes honoured; an unterminated quote keeps the rest as words."""
    if '"' not in text and "'" not in text and "\\" not in text:
        return [w for w in _BLANKS.split(text) if w]  # what shlex gives, without its cost
    try:
        lexer = shlex.shlex(text, posix=True)
        lexer.whitespace_split = True
        lexer.commenters = ""
        return list(lexer)
    except ValueError:
        return text.replace('"', " ").replace("'", " ").split()


_INLINE_COMMENT = re.compile(r"\s+#.*$")


def strip_inline_comment(text: str) -> str:
    return _INLINE_COMMENT.sub("", text)
