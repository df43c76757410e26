"""Where a string literal stands in a token stream, for the algorithm-name strings of
qscan.scan.repo.code.names: the key it is given to, how many names of its kind stand beside
it, and whether it is compared.

- `key: "RS256"`, `"alg" => "RS256"`, `alg = "RS256"`, `ALG := "RS256"`: the key or name.
- `alg == "RS256"`, `"RS256".equals(alg)`, `alg.equals("RS256")`: the other side (compared).
- an element of `[...]`, `{...}`, `new String[]{...}`, `[]string{...}`, `array(...)`: the
  key of the list (`KeyExchanges: []string{...}`, `String[] KEX = {...}`) and the number of
  names of its kind in it.
- an argument of a call: the callee (`JWSAlgorithm.parse("RS256")`, `withAlgorithm(...)`),
  or the string before it (`session.setConfig("kex", "...")`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qscan.scan.repo.code.names import classify
from qscan.scan.repo.code.tokens import IDENT, STRING, Token, string_value
from qscan.scan.repo.code.values import SEPARATORS

_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {")", "]", "}"}
_SETTING_NAME = re.compile(r"^[A-Za-z_][\w.-]{0,63}$")
_TYPE_WORDS = frozenset(
    {"new", "string", "String", "array", "const", "final", "static", "readonly"}
)


def _parents(tokens: list[Token]) -> list[int]:
    """For each token, the index of the bracket that encloses it (-1 at the top)."""
    out = [-1] * len(tokens)
    stack: list[int] = []
    for i, tok in enumerate(tokens):
        out[i] = stack[-1] if stack else -1
        if tok.text in _OPENERS and tok.kind != STRING:
            stack.append(i)
        elif tok.text in _CLOSERS and tok.kind != STRING and stack:
            stack.pop()
    return out


def _name_before(tokens: list[Token], end: int) -> str | None:
    """The qualified name (or string) whose last token is at `end`; an index by a string
    (`["kex"]`, `$config['kex']`) names that string."""
    if end < 0:
        return None
    tok = tokens[end]
    if (
        tok.text == "]"
        and end >= 2
        and tokens[end - 1].kind == STRING
        and tokens[end - 2].text == "["
    ):
        return string_value(tokens[end - 1].text)
    if tok.kind == STRING:
        return string_value(tok.text)
    if tok.kind != IDENT:
        return None
    j = end
    while j >= 2 and tokens[j - 1].text in SEPARATORS and tokens[j - 2].kind == IDENT:
        j -= 2
    return ".".join(t.text for t in tokens[j : end + 1] if t.kind == IDENT)


def _name_after(tokens: list[Token], start: int) -> str | None:
    n = len(tokens)
    if start >= n or tokens[start].kind != IDENT:
        return None
    j = start
    while j + 2 < n and tokens[j + 1].text in SEPARATORS and tokens[j + 2].kind == IDENT:
        j += 2
    return ".".join(t.text for t in tokens[start : j + 1] if t.kind == IDENT)


def _assigned_key(tokens: list[Token], i: int) -> str | None:
    """`key: <i>`, `key = <i>`, `key := <i>`, `key => <i>`: the key (not `==`)."""
    if i < 2:
        return None
    sep = tokens[i - 1].text
    if sep not in (":", "=", ":=", "=>") or tokens[i - 2].text in ("=", "!", "<", ">"):
        return None
    if sep == "=" and i + 1 < len(tokens) and tokens[i + 1].text == "=":
        return None
    return _name_before(tokens, i - 2)


def _compared(tokens: list[Token], i: int) -> str | None:
    """The other side when the token at i is compared (`==`, `===`, `!=`, `.equals`)."""
    n = len(tokens)
    j = i - 1
    if j >= 1 and tokens[j].text == "=" and tokens[j - 1].text in ("=", "!"):
        k = j - 1
        while k >= 1 and tokens[k - 1].text in ("=", "!"):
            k -= 1
        return _name_before(tokens, k - 1) or ""
    if i + 2 < n and tokens[i + 1].text in ("=", "!") and tokens[i + 2].text == "=":
        k = i + 3
        while k < n and tokens[k].text == "=":
            k += 1
        return _name_after(tokens, k) or ""
    if i + 3 < n and tokens[i + 1].text == "." and tokens[i + 2].text.startswith("equals"):
        return _name_after(tokens, i + 4) or ""
    if j >= 2 and tokens[j].text == "(" and tokens[j - 1].text.startswith("equals"):
        return _name_before(tokens, j - 3) or ""
    return None


def _list_key(tokens: list[Token], opener: int) -> str | None:
    """The key or name a list literal is given to (`kex: [`, `KEX = new String[] {`,
    `KeyExchanges: []string{`), or the callee it is passed to."""
    j = opener - 1
    while j >= 0 and (
        tokens[j].text in ("[", "]", "<", ">", "&", "*") or tokens[j].text in _TYPE_WORDS
    ):
        j -= 1
    if (
        j >= 0
        and tokens[j].kind == IDENT
        and j >= 1
        and tokens[j - 1].text
        in (
            ":",
            "=",
            ":=",
            "=>",
        )
    ):
        j -= 1  # a type name: `KeyExchanges: []string{`
    if j < 0:
        return None
    if tokens[j].text in (":", "=>"):
        return _name_before(tokens, j - 1)
    if tokens[j].text in ("=", ":="):
        name = _name_before(tokens, j - 1)
        return f"={name}" if name else None  # an assignment: the outermost key
    if tokens[j].kind == IDENT and tokens[j].text not in _TYPE_WORDS:
        return _name_before(tokens, j)  # `String[] KEX = {` reads KEX via the `=` above
    if tokens[j].text == "(":
        return _name_before(tokens, j - 1)
    return None


def string_candidates(tokens: list[Token]) -> Iterator[tuple[int, str | None, int, bool]]:
    """(index, key, siblings, compared) of every string token that may name algorithms."""
    indices = [
        i for i, t in enumerate(tokens) if t.kind == STRING and classify(string_value(t.text))
    ]
    if not indices:
        return
    parents = _parents(tokens)
    kinds: dict[tuple[int, str], int] = {}
    found = {i: classify(string_value(tokens[i].text)) for i in indices}
    for i in indices:
        kinds[(parents[i], found[i].kind)] = kinds.get((parents[i], found[i].kind), 0) + 1  # type: ignore[union-attr]
    for i in indices:
        kind = found[i].kind  # type: ignore[union-attr]
        other = _compared(tokens, i)
        if other is not None:
            yield i, other or None, 1, True
            continue
        key = _assigned_key(tokens, i)
        if key is not None:
            yield i, key, 1, False
            continue
        parent = parents[i]
        if parent < 0:
            yield i, None, 1, False
            continue
        opener = tokens[parent].text
        is_call = opener == "(" and parent >= 1 and tokens[parent - 1].kind == IDENT
        is_call = is_call and tokens[parent - 1].text not in ("array", "if", "while", "for")
        if is_call:
            callee = _name_before(tokens, parent - 1)
            first = parent + 1
            if first < i and tokens[first].kind == STRING and i == first + 2:
                setting = string_value(tokens[first].text)
                if _SETTING_NAME.match(setting):
                    callee = setting
            yield i, callee, kinds[(parent, kind)], False
            continue
        yield i, _key_path(tokens, parents, parent), kinds[(parent, kind)], False


def _key_path(tokens: list[Token], parents: list[int], opener: int) -> str | None:
    """The key of a list and of the maps around it, outermost first
    (`disabled_algorithms.kex` for `{disabled_algorithms: {kex: [...]}}`)."""
    keys: list[str] = []
    current = opener
    for _ in range(3):
        if current < 0:
            break
        key = _list_key(tokens, current)
        if key is None:
            break
        assigned = key.startswith("=")
        key = key.lstrip("=")
        if not keys or keys[0] != key:
            keys.insert(0, key)
        if assigned or tokens[current].text == "(":
            break
        current = parents[current]
    return ".".join(keys) if keys else None
