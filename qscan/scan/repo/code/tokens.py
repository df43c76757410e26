"""A tokenizer for C-family languages (Java, Go, JavaScript/TypeScript, C/C++, C#, Rust, PHP).

It keeps identifiers, string and number literals and punctuation with their offsets, and
drops comments, `#if 0` / `#if false` blocks and preprocessor lines (recording simple
`#define NAME NUMBER` constants). Strings stay single tokens, so code inside a string or a
comment can never look like a call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

IDENT, STRING, NUMBER, PUNCT = range(4)


class Token(NamedTuple):
    kind: int
    text: str
    start: int


@dataclass(frozen=True)
class Syntax:
    hash_comments: str = ""  # "php": '#' starts a comment but '#[' is an attribute; "all"
    nested_comments: bool = False  # Rust: /* /* */ */
    single_quote: str = "string"  # "string" (JS, PHP), "char" (Java, C, C#, Go), "rust"
    backticks: bool = False  # JS template literals, Go raw strings
    preprocessor: bool = False  # C, C++, C#
    regex_literals: bool = False  # JavaScript
    raw_strings: str = ""  # "cpp", "rust", "csharp", "python"
    text_blocks: bool = False  # Java / C# / Kotlin """..."""
    dollar_identifiers: bool = False  # JS, PHP
    php_tags: bool = False  # only <?php ... ?> regions are code


@dataclass
class Lexed:
    tokens: list[Token] = field(default_factory=list)
    defines: dict[str, str] = field(default_factory=dict)


_RAW = {
    "cpp": r'(?:u8|[uUL])?R"(?P<cppd>[^()\\\s"]{0,16})\([\s\S]*?\)(?P=cppd)"',
    "rust": r'b?r(?P<rh>#*)"[\s\S]*?"(?P=rh)',
    "csharp": r'\$*@\$*"(?:[^"]|"")*"?|\$*"""[\s\S]*?"""',
    "python": r"[rRbBuUfF]{0,2}(?:'''[\s\S]*?(?:'''|\Z)|"
    + r'"""[\s\S]*?(?:"""|\Z))'
    + r"""|[rRbBuUfF]{1,2}(?:"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?)""",
}
_CHAR = {
    "string": r"'(?:[^'\\\n]|\\[\s\S])*'?",
    "char": r"'(?:\\.[^'\n]{0,9}|[^'\\\n])'",
    "rust": r"b?'(?:\\.[^'\n]{0,9}|[^'\\\n])'",
}
_NUMBER = r"(?:0[xXbBoO][0-9a-fA-F_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)\w*"
_PUNCT = r"::|->|=>|\?\.|:=|\.\.\.|[^\s\w]"
_REGEX_LITERAL = re.compile(r"/(?:[^/\\\n\[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[a-z]*")
_REGEX_BEFORE = frozenset("(,=:[!&|?{};+-*%<>~^")
_REGEX_KEYWORDS = frozenset({"return", "typeof", "case", "in", "of", "new", "delete", "void"})
_DIRECTIVE = re.compile(r"#\s*(\w+)\s*(.*)", re.S)
_DEFINE = re.compile(r"([A-Za-z_]\w*)\s+\(?\s*(?:\(\w+\)\s*)?([0-9][\w]*)\s*\)?\s*$")
_PHP_OPEN = re.compile(r"<\?(?:php\b|=)?", re.I)


@cache
def _master(syntax: Syntax) -> re.Pattern[str]:
    alts = [r"(?P<bc>/\*)", r"(?P<lc>//[^\n]*)"]
    if syntax.hash_comments == "php":
        alts.append(r"(?P<hc>#(?!\[)[^\n]*)")
    elif syntax.hash_comments == "all":
        alts.append(r"(?P<hc>#[^\n]*)")
    if syntax.preprocessor:
        alts.append(r"(?P<pre>#(?:\\\r?\n|[^\n])*)")
    strings = []
    if syntax.raw_strings:
        strings.append(_RAW[syntax.raw_strings])
    if syntax.text_blocks:
        strings.append(r'"""[\s\S]*?(?:"""|\Z)')
    strings.append(r'(?:u8|[bBuUL]|\$)?"(?:[^"\\\n]|\\[\s\S])*"?')
    strings.append(_CHAR[syntax.single_quote])
    if syntax.backticks:
        strings.append(r"`(?:[^`\\]|\\[\s\S])*`?")
    alts.append("(?P<str>" + "|".join(strings) + ")")
    if syntax.single_quote == "rust":
        alts.append(r"(?P<life>'[^\W\d]\w*)")
    alts.append(f"(?P<num>{_NUMBER})")
    ident = r"[^\W\d]\w*" if not syntax.dollar_identifiers else r"[^\W\d]\w*|\$+[^\W\d]?\w*"
    alts.append(f"(?P<id>{ident})")
    alts.append(f"(?P<p>{_PUNCT})")
    return re.compile(r"\s*(?:" + "|".join(alts) + ")")


def _block_comment_end(text: str, pos: int, nested: bool) -> int:
    if not nested:
        end = text.find("*/", pos)
        return len(text) if end < 0 else end + 2
    depth = 1
    while depth:
        close = text.find("*/", pos)
        if close < 0:
            return len(text)
        opened = text.find("/*", pos, close)
        if opened >= 0:
            depth += 1
            pos = opened + 2
        else:
            depth -= 1
            pos = close + 2
    return pos


class _Preprocessor:
    """Drops `#if 0` / `#if false` regions and records `#define NAME NUMBER`."""

    def __init__(self, defines: dict[str, str]) -> None:
        self.dead = 0
        self.defines = defines

    def directive(self, text: str) -> None:
        m = _DIRECTIVE.match(text)
        if not m:
            return
        name, rest = m.group(1), m.group(2).split("//")[0].strip()
        if self.dead:
            if name in ("if", "ifdef", "ifndef"):
                self.dead += 1
            elif name == "endif":
                self.dead -= 1
            elif name in ("else", "elif") and self.dead == 1:
                self.dead = 0
            return
        if name == "if" and rest in ("0", "false", "(0)"):
            self.dead = 1
        elif name == "define":
            d = _DEFINE.match(rest)
            if d:
                self.defines[d.group(1)] = d.group(2)


def _php_code(text: str, pos: int) -> int:
    """Where the PHP code after `pos` starts (after the next `<?php`), or -1."""
    m = _PHP_OPEN.search(text, pos)
    return -1 if m is None else m.end()


def tokenize(text: str, syntax: Syntax) -> Lexed:
    """Tokens of the code. In PHP only the code between `<?php` and `?>` is read; `?>` in a
    string or a block comment does not end it, in a line comment it does."""
    master = _master(syntax)
    lexed = Lexed()
    tokens = lexed.tokens
    pre = _Preprocessor(lexed.defines)
    php = syntax.php_tags
    end = len(text)
    pos = _php_code(text, 0) if php else 0
    if pos >= 0:
        while pos < end:
            m = master.match(text, pos, end)
            if m is None:
                break
            kind = m.lastgroup
            assert kind is not None  # every alternative of the master pattern is a named group
            pos = m.end()
            if kind == "bc":
                pos = min(_block_comment_end(text, pos, syntax.nested_comments), end)
                continue
            if php and (
                (kind == "p" and text.startswith("?>", m.start(kind)))
                or (kind in ("lc", "hc") and "?>" in m.group(kind))
            ):
                close = text.find("?>", m.start(kind))
                pos = _php_code(text, close + 2)
                if pos < 0:
                    break
                continue
            if kind in ("lc", "hc", "life"):
                continue
            if kind == "pre":
                pre.directive(m.group(kind))
                continue
            if pre.dead:
                continue
            value = m.group(kind)
            begin = m.start(kind)
            if kind == "str":
                tokens.append(Token(STRING, value, begin))
            elif kind == "num":
                tokens.append(Token(NUMBER, value, begin))
            elif kind == "id":
                tokens.append(Token(IDENT, value, begin))
            else:
                if value == "/" and syntax.regex_literals and _regex_context(tokens):
                    rx = _REGEX_LITERAL.match(text, begin, end)
                    if rx:
                        tokens.append(Token(STRING, rx.group(), begin))
                        pos = rx.end()
                        continue
                tokens.append(Token(PUNCT, value, begin))
    return lexed


def _regex_context(tokens: list[Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind == PUNCT:
        return last.text in _REGEX_BEFORE or last.text in ("=>", "?.")
    return last.kind == IDENT and last.text in _REGEX_KEYWORDS


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
_STRING_BODY = re.compile(r'^[^"\'`]*?(?P<q>"""|"|\'|`)(?P<body>[\s\S]*?)(?P=q)?$')


_CPP_RAW = re.compile(r'^(?:u8|[uUL])?R"([^(]*)\(([\s\S]*)\)\1"$')
_RUST_RAW = re.compile(r'^b?r(#*)"([\s\S]*)"\1$')
_ESCAPE = re.compile(r"\\(.)", re.S)


def string_value(text: str) -> str:
    """The value of a string literal token (prefixes, quotes and simple escapes removed)."""
    if "R" in text[:3]:
        raw = _CPP_RAW.match(text)
        if raw:
            return raw.group(2)
    if "r" in text[:2]:
        rust = _RUST_RAW.match(text)
        if rust:
            return rust.group(2)
    m = _STRING_BODY.match(text)
    if not m:
        return text
    body = m.group("body")
    if "@" in text[: text.find(m.group("q"))]:
        return body.replace('""', '"')
    if "\\" not in body:
        return body
    return _ESCAPE.sub(lambda e: _ESCAPES.get(e.group(1), e.group(1)), body)
