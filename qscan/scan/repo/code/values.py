"""Reading argument values out of a token stream: literals, qualified names, calls, maps
(JS objects, PHP arrays, struct literals) and lists. Only what a detector needs to read a
literal algorithm name, key size or curve at a call."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qscan.scan.repo.code.tokens import IDENT, NUMBER, PUNCT, STRING, Token, string_value

SEPARATORS = frozenset({".", "::", "->", "?."})
_OPEN = {"(": ")", "[": "]", "{": "}"}
_PREFIXES = frozenset({"&", "*", "+", "mut", "ref", "out", "in", "await", "@", "$", "\\"})
_INT = re.compile(r"^(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*)(?:[uUlLiIzZsS]\w*)?$")


@dataclass
class Value:
    kind: str  # str | int | name | call | map | list | other
    text: str = ""
    string: str | None = None
    number: int | None = None
    name: str | None = None
    args: list[Value] = field(default_factory=list)
    items: dict[str, Value] = field(default_factory=dict)
    elems: list[Value] = field(default_factory=list)
    new: bool = False
    origin: int | None = None
    """Line of the assignment this value was read from (a constant or a variable assigned
    once in the file), when it is not written at the place it is used."""
    bound: dict | None = None
    """The finding fields of the matched call a variable was assigned from (`key =
    os.urandom(32)` gives `{algorithm: CSPRNG, bits: 256}`), read by `field` specs."""


def parse_int(text: str) -> int | None:
    m = _INT.match(text)
    if not m:
        return None
    digits = m.group(1).replace("_", "")
    try:
        if digits[:2].lower() in ("0x", "0b", "0o"):
            return int(digits, 0)
        return int(digits, 10)
    except ValueError:
        return None


def matching(tokens: list[Token], i: int, limit: int | None = None) -> int:
    """Index of the bracket closing the one at i (or limit/len if unbalanced)."""
    end = len(tokens) if limit is None else limit
    stack = [_OPEN[tokens[i].text]]
    j = i + 1
    while j < end:
        tok = tokens[j]
        if tok.kind == PUNCT:
            if tok.text in _OPEN:
                stack.append(_OPEN[tok.text])
            elif tok.text in (")", "]", "}"):
                while stack and stack[-1] != tok.text:
                    stack.pop()
                if stack:
                    stack.pop()
                if not stack:
                    return j
        j += 1
    return end


def split_args(tokens: list[Token], open_index: int, close_index: int) -> list[tuple[int, int]]:
    """Token ranges of the comma-separated items between two brackets."""
    out: list[tuple[int, int]] = []
    start = open_index + 1
    j = start
    while j < close_index:
        tok = tokens[j]
        if tok.kind == PUNCT and tok.text in _OPEN:
            j = matching(tokens, j, close_index) + 1
            continue
        if tok.kind == PUNCT and tok.text == ",":
            out.append((start, j))
            start = j + 1
        j += 1
    if start < close_index:
        out.append((start, close_index))
    return out


class ValueReader:
    """Parses token ranges of one file into Values; `text` gives source snippets."""

    MAX_DEPTH = 40

    def __init__(self, tokens: list[Token], text: str) -> None:
        self.tokens = tokens
        self.text = text
        self._depth = 0

    def source(self, lo: int, hi: int) -> str:
        if lo >= hi:
            return ""
        last = self.tokens[hi - 1]
        return self.text[self.tokens[lo].start : last.start + len(last.text)]

    def chain(self, i: int, hi: int) -> int:
        """End index (exclusive) of a qualified name starting at i."""
        tokens = self.tokens
        j = i + 1
        while (
            j + 1 < hi
            and tokens[j].kind == PUNCT
            and tokens[j].text in SEPARATORS
            and tokens[j + 1].kind == IDENT
        ):
            j += 2
        return j

    def names(self, lo: int, hi: int) -> list[str]:
        return [t.text for t in self.tokens[lo:hi] if t.kind == IDENT]

    def value(self, lo: int, hi: int) -> Value:
        """The value of the whole range; `other` unless one primary expression fills it
        (allowing a trailing Rust `as T`, `.unwrap()`, `?` or a C cast in front)."""
        tokens = self.tokens
        text = self.source(lo, hi)
        new = False
        while lo < hi and tokens[lo].text in _PREFIXES:
            lo += 1
        if lo < hi and tokens[lo].kind == IDENT and tokens[lo].text == "new":
            new = True
            lo += 1
        if (
            lo + 3 <= hi
            and tokens[lo].text == "("
            and tokens[lo + 1].kind == IDENT
            and tokens[lo + 2].text == ")"
            and lo + 3 < hi
        ):
            lo += 3  # C cast: (size_t)2048
        if lo >= hi or self._depth > self.MAX_DEPTH:
            return Value("other", text)
        self._depth += 1
        try:
            val, end = self._primary(lo, hi)
        finally:
            self._depth -= 1
        end = self._suffixes(end, hi)
        if end != hi:
            return Value("other", text)
        val.text = text
        val.new = val.new or new
        return val

    def _suffixes(self, j: int, hi: int) -> int:
        tokens = self.tokens
        while j < hi:
            tok = tokens[j]
            if tok.text in ("?", "!") and tok.kind == PUNCT:
                j += 1
            elif (
                tok.text in (".", "?.")
                and j + 1 < hi
                and tokens[j + 1].text in ("unwrap", "expect", "clone", "into", "to_owned")
            ):
                j += 2
                if j < hi and tokens[j].text == "(":
                    j = matching(tokens, j, hi) + 1
            elif tok.kind == IDENT and tok.text == "as" and j + 1 < hi:
                j += 2
            else:
                break
        return j

    def primary_at(self, lo: int) -> tuple[Value, int]:
        """The primary expression starting at lo and the index after it."""
        val, end = self._primary(lo, len(self.tokens))
        return val, self._suffixes(end, len(self.tokens))

    def _primary(self, lo: int, hi: int) -> tuple[Value, int]:
        tokens = self.tokens
        tok = tokens[lo]
        if tok.kind == STRING:
            j = lo
            parts = []
            while j < hi and tokens[j].kind == STRING:
                parts.append(string_value(tokens[j].text))
                j += 1
            return Value("str", string="".join(parts)), j
        if tok.kind == NUMBER:
            number = parse_int(tok.text)
            return Value("int" if number is not None else "other", number=number), lo + 1
        if tok.kind == PUNCT and tok.text == "-" and lo + 1 < hi and tokens[lo + 1].kind == NUMBER:
            number = parse_int(tokens[lo + 1].text)
            return Value("int" if number is not None else "other", number=-(number or 0)), lo + 2
        if tok.kind == PUNCT and tok.text == "[":
            close = matching(tokens, lo, hi)
            brace = close + 1
            while brace < hi and (tokens[brace].kind == IDENT or tokens[brace].text in (".", "*")):
                brace += 1  # Go: []tls.CurveID{...}, [4]byte{...}
            if brace < hi and brace > close + 1 and tokens[brace].text == "{":
                end = matching(tokens, brace, hi)
                return self._collection(brace, end), end + 1
        if tok.kind == PUNCT and tok.text in ("{", "["):
            close = matching(tokens, lo, hi)
            return self._collection(lo, close), close + 1
        if tok.kind == PUNCT and tok.text == "(":
            close = matching(tokens, lo, hi)
            if close + 1 == hi:
                inner = self.value(lo + 1, close)
                return inner, close + 1
            return Value("other"), close + 1
        if tok.kind != IDENT:
            return Value("other"), lo + 1
        if tok.text == "array" and lo + 1 < hi and tokens[lo + 1].text == "(":
            close = matching(tokens, lo + 1, hi)
            return self._collection(lo + 1, close), close + 1
        end = self.chain(lo, hi)
        name = ".".join(self.names(lo, end))
        # generic arguments: Foo<Bar>(...) / []tls.CurveID{...}
        if end < hi and tokens[end].text == "(":
            close = matching(tokens, end, hi)
            args = [self.value(a, b) for a, b in split_args(tokens, end, close)]
            return Value("call", name=name, args=args), close + 1
        if (
            end + 2 < hi
            and tokens[end].text == "["
            and tokens[end + 1].text == "]"
            and tokens[end + 2].text == "{"
        ):
            end += 2  # Java / C# array initializer: new String[] {...}
        if end < hi and tokens[end].text in ("{", "["):
            close = matching(tokens, end, hi)
            val = self._collection(end, close)
            val.name = name
            return val, close + 1
        return Value("name", name=name), end

    def _collection(self, open_index: int, close_index: int) -> Value:
        tokens = self.tokens
        items: dict[str, Value] = {}
        elems: list[Value] = []
        for a, b in split_args(tokens, open_index, close_index):
            sep = next(
                (
                    k
                    for k in range(a, b)
                    if tokens[k].kind == PUNCT and tokens[k].text in (":", "=>", "=")
                ),
                None,
            )
            if sep is not None and sep > a:
                key_tok = tokens[sep - 1]
                if key_tok.kind == STRING:
                    key = string_value(key_tok.text)
                elif key_tok.kind in (IDENT, NUMBER):
                    key = key_tok.text
                else:
                    elems.append(self.value(a, b))
                    continue
                items[key] = self.value(sep + 1, b)
            else:
                elems.append(self.value(a, b))
        if items:
            return Value("map", items=items, elems=elems)
        return Value("list", elems=elems)
