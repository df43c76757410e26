"""The detector shared by the token-based languages: find calls and constant references that
match the language's API patterns and read the literal algorithm, key size or curve there.

Per file: tokenize (comments and `#if 0` gone), drop `if (false) {...}` blocks, resolve
import aliases (language hook), collect constants assigned exactly once (`KEY_SIZE = 1024`,
`#define BITS 2048`), then match every call site `a.b.c(...)` / `new X(...)` by the last
segment of its name and the pattern's qualified suffix. Follow-up calls on the variable a
matched call was assigned to add parameters (`kpg.initialize(2048)`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache

from qscan.model import Finding
from qscan.scan.interface import FileContext, Record
from qscan.scan.repo.base import TextAnalyzer
from qscan.scan.repo.code.names import (
    JOSE,
    classify,
    counts,
    emit_protocol_names,
    jose_fields,
    name_hint,
)
from qscan.scan.repo.code.patterns import (
    FollowUp,
    Pattern,
    PatternSet,
    Spec,
    key_use,
    load_patterns,
    merge_fields,
    name_matches,
    normalise_params,
    secret_words,
    sized_algorithm,
)
from qscan.scan.repo.code.tlscode import emit_tls, read_tls
from qscan.scan.repo.code.tokens import IDENT, NUMBER, PUNCT, Syntax, Token, string_value, tokenize
from qscan.scan.repo.code.tokenstrings import string_candidates
from qscan.scan.repo.code.values import SEPARATORS, Value, ValueReader, matching, split_args
from qscan.scan.repo.configs.tls_settings import TlsFindings
from qscan.scan.repo.findings import FileFindings, shorten
from qscan.scan.repo.text import LineIndex, sniff_encoding

CALL_KEYWORDS = frozenset(
    {
        "return",
        "await",
        "new",
        "throw",
        "yield",
        "case",
        "else",
        "do",
        "in",
        "of",
        "typeof",
        "echo",
        "print",
        "go",
        "defer",
        "not",
        "and",
        "or",
        "void",
        "delete",
        "try",
        "unsafe",
        "let",
        "const",
        "var",
        "static",
        "if",
        "while",
        "for",
        "switch",
        "match",
        "assert",
        "elseif",
        "foreach",
        "when",
        "unless",
    }
)
_ASSIGN_BLOCKERS = frozenset({"=", "!", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^"})
_ARG_CHARS = 60


@dataclass
class CallSite:
    start: int  # token index of the first token of the callee (or `new`)
    end: int  # token index of the closing parenthesis
    name: str  # qualified name after import resolution
    source: str  # callee as written
    value: Value
    arg_ranges: list[tuple[int, int]]
    kw_ranges: dict[str, tuple[int, int]]
    var: str | None  # variable the result is assigned to
    receiver: str | None  # first segment of a qualified callee (`kpg` in kpg.initialize)
    last: str
    vars: list[str] = field(default_factory=list)
    """Every name the result is assigned to (`priv, err :=`, `const { privateKey } =`)."""
    used: set[int | str] = field(default_factory=set)
    """The arguments the matched pattern read."""
    assigned: bool = False
    """A property set (`aes.Mode = value`), read as a call with the value as argument 0."""


def _declaration(tokens: list[Token], start: int) -> bool:
    """Whether the name at `start` is declared rather than called: `KeyPair generate(`,
    `func GenerateKey(`, and C's `unsigned char *MD5(` at the start of a statement."""
    before = tokens[start - 1] if start >= 1 else None
    if before is None:
        return False
    if before.kind == IDENT:
        return before.text not in CALL_KEYWORDS
    if before.text not in ("*", "&"):
        return False
    j = start - 1
    seen_type = False
    while j >= 0 and (tokens[j].text in ("*", "&") or tokens[j].kind == IDENT):
        if tokens[j].kind == IDENT:
            if tokens[j].text in CALL_KEYWORDS:
                return False
            seen_type = True
        j -= 1
    return seen_type and (j < 0 or tokens[j].text in (";", "{", "}"))


def drop_dead_blocks(tokens: list[Token]) -> list[Token]:
    """Remove `if (false) {...}`, `if (0) {...}` and Go/Rust `if false {...}` bodies."""
    out: list[Token] = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.kind == IDENT and tok.text == "if":
            j = i + 1
            paren = j < n and tokens[j].text == "("
            if paren:
                j += 1
            if j < n and tokens[j].text in ("false", "0"):
                j += 1
                if paren and j < n and tokens[j].text == ")":
                    j += 1
                elif paren:
                    j = n
                if j < n and tokens[j].text == "{":
                    i = matching(tokens, j) + 1
                    continue
        out.append(tok)
        i += 1
    return out


class Constants:
    """Names assigned exactly once in their scope (the file, or one function body) to a
    literal or a plain name/call, each value with the line of its assignment (`origin`). A
    name is looked up in the scope of its use, then at file level, so a parameter `key` of
    one function never stands for `key := make(...)` in another."""

    def __init__(self, by_scope: dict[int, dict[str, Value]]) -> None:
        self.by_scope = by_scope
        self._views: dict[int, dict[str, Value]] = {}

    def at(self, scope: int) -> dict[str, Value]:
        view = self._views.get(scope)
        if view is None:
            view = {**self.by_scope.get(-1, {}), **self.by_scope.get(scope, {})}
            self._views[scope] = view
        return view


def collect_constants(
    tokens: list[Token],
    reader: ValueReader,
    defines: dict[str, str],
    text: str,
    scopes: list[int] | None = None,
) -> Constants:
    seen: dict[tuple[int, str], Value | None] = {}
    n = len(tokens)
    for i, tok in enumerate(tokens):
        if tok.kind != IDENT or i + 2 >= n:
            continue
        j = i + 1
        if tokens[j].text == ":" and tokens[j + 1].kind == IDENT and j + 2 < n:
            j += 2  # Rust / TS type annotation: NAME: usize = 2048
        if tokens[j].text not in ("=", ":=") or tokens[j + 1].text == "=":
            continue
        if i and tokens[i - 1].kind == PUNCT and tokens[i - 1].text in SEPARATORS:
            continue
        if i and tokens[i - 1].text in _ASSIGN_BLOCKERS and tokens[i - 1].kind == PUNCT:
            continue
        start = j + 1
        if start >= n:
            continue
        value, end = reader.primary_at(start)
        ok = (
            end >= n
            or tokens[end].text in (";", ",", ")", "}")
            or "\n" in text[tokens[end - 1].start : tokens[end].start]
        )
        key = (scopes[i] if scopes else -1, tok.text)
        if key in seen or not ok or value.kind == "other":
            seen[key] = None
        else:
            value.origin = text.count("\n", 0, tok.start) + 1
            seen[key] = value
    for name, raw in defines.items():
        if (-1, name) not in seen:
            lexed = tokenize(raw, Syntax())
            if len(lexed.tokens) == 1 and lexed.tokens[0].kind == NUMBER:
                seen[(-1, name)] = ValueReader(lexed.tokens, raw).value(0, 1)
    by_scope: dict[int, dict[str, Value]] = {}
    for (scope, name), bound in seen.items():
        if bound is not None:
            by_scope.setdefault(scope, {})[name] = bound
    return Constants(by_scope)


_OWN = ("self.", "static.", "this.", "$this.")
"""A class's own constant or field: `self::TOKEN_ALG`, `this.alg`."""


def _substitute(value: Value, constants: dict[str, Value], depth: int = 0) -> Value:
    name = value.name
    if value.kind == "name" and name and name.startswith(_OWN):
        name = name.split(".", 1)[1]
    if value.kind == "name" and name and "." not in name and name in constants:
        found = constants[name]
        if found.kind == "list" and any(e.kind != "str" for e in found.elems):
            return value
        if depth > 2:
            return replace(found, text=value.text)
        return _substitute(replace(found, text=value.text), constants, depth + 1)
    if depth > 2:
        return value
    if value.kind == "map" and any(v.kind == "name" for v in value.items.values()):
        items = {k: _substitute(v, constants, depth + 1) for k, v in value.items.items()}
        return replace(value, items=items)
    if value.kind == "call" and value.args:
        return replace(value, args=[_substitute(a, constants, depth + 1) for a in value.args])
    return value


def _closing_angle(tokens: list[Token], i: int) -> int:
    """Index of the `>` closing the generic argument list opened at i (or len)."""
    depth = 0
    for k in range(i, min(len(tokens), i + 64)):
        if tokens[k].text == "<":
            depth += 1
        elif tokens[k].text == ">":
            depth -= 1
            if depth == 0:
                return k
    return len(tokens)


def _qualified_start(tokens: list[Token], i: int) -> int:
    """Index of the first identifier of the dotted name ending at token i (`a.b::c`), Rust
    turbofish generics included (`Hmac::<Sha256>::new_from_slice` reads as
    `Hmac.Sha256.new_from_slice`)."""
    j = i
    while j >= 2 and tokens[j - 1].kind == PUNCT and tokens[j - 1].text in SEPARATORS:
        if tokens[j - 2].kind == IDENT:
            j -= 2
            continue
        if tokens[j - 1].text == "::" and tokens[j - 2].text == ">":
            depth, k = 0, j - 2
            while k >= 0:
                if tokens[k].text == ">":
                    depth += 1
                elif tokens[k].text == "<":
                    depth -= 1
                    if depth == 0:
                        break
                k -= 1
            if k >= 2 and tokens[k - 1].text == "::" and tokens[k - 2].kind == IDENT:
                j = k - 2
                continue
        break
    return j


class CodeDetector:
    """Matches one file's tokens against a language's patterns."""

    def __init__(self, language: str, syntax: Syntax) -> None:
        self.language = language
        self.syntax = syntax

    def aliases(self, tokens: list[Token], reader: ValueReader) -> dict[str, str]:
        """Local name -> module (Go packages, JS modules); languages override."""
        return {}

    def resolve(self, segments: list[str], aliases: dict[str, str]) -> str:
        head = aliases.get(segments[0])
        if head is not None:
            return ".".join([head, *segments[1:]])
        return ".".join(segments)

    def resolve_value(self, value: Value, aliases: dict[str, str], depth: int = 0) -> Value:
        """Import aliases resolved inside argument values too (`hmac.New(sha1.New, k)`)."""
        if not aliases or depth > 3:
            return value
        if value.kind in ("name", "call") and value.name:
            name = self.resolve(value.name.split("."), aliases)
            args = [self.resolve_value(a, aliases, depth + 1) for a in value.args]
            return replace(value, name=name, args=args)
        if value.kind in ("map", "list"):
            items = {k: self.resolve_value(v, aliases, depth + 1) for k, v in value.items.items()}
            elems = [self.resolve_value(v, aliases, depth + 1) for v in value.elems]
            return replace(value, items=items, elems=elems)
        return value

    def relevant(self, data: bytes) -> bool:
        """The prefilter: does the raw file mention any name a pattern could match?"""
        patterns = load_patterns(self.language)
        return patterns.keywords is None or patterns.keywords.search(data) is not None

    def detect(self, text: str, ctx: FileContext) -> Iterator[Record]:
        patterns = load_patterns(self.language)
        lexed = tokenize(text, self.syntax)
        tokens = drop_dead_blocks(lexed.tokens)
        reader = ValueReader(tokens, text)
        aliases = self.aliases(tokens, reader)
        scopes = _scopes(tokens)
        constants = collect_constants(tokens, reader, lexed.defines, text, scopes)
        wanted = set(_wanted(self.language))
        wanted |= {local for local, full in aliases.items() if full.rsplit(".", 1)[-1] in wanted}
        sites = list(self._call_sites(tokens, reader, aliases, constants, wanted, patterns, scopes))
        out = _Emitter(ctx, text, patterns, reader)
        consumed: list[tuple[int, int]] = []
        crypto_args: list[tuple[int, int]] = []
        bindings = _Bindings(patterns, sites, scopes, out.lines, tokens)
        for index, site in enumerate(sites):
            inside = any(a <= site.start < b for a, b in consumed)
            pattern, label = bindings.pattern(site)
            if pattern is None:
                continue
            if pattern.tls:
                if not inside and out.tls(pattern, label, site):
                    consumed.append((site.start, site.end + 1))
                continue
            later = sites[index + 1 :]
            scope = scopes[site.start]
            bindings.bind(site.value, scope)
            for follow in later:
                if follow.receiver is not None and follow.receiver == site.var:
                    bindings.bind(follow.value, scopes[follow.start])
            results, evidence = self._read_call(patterns, pattern, site, later, consumed)
            if not results:
                continue
            if pattern.secret_only:
                in_crypto = any(a <= site.start < b for a, b in crypto_args)
                if in_crypto or _secret_use(site, later, tokens):
                    for fields in results:
                        out.add(site.start, pattern, label, fields, evidence, {"secret_use": True})
                continue
            if inside and pattern.function != "random":
                continue
            crypto_args.append((site.start, site.end + 1))
            if pattern.consume:
                consumed.append((site.start, site.end + 1))
            if pattern.part:
                continue
            context = read_notes(patterns, pattern, site.value)
            origin = inferred_from(site.value, site.used)
            line = out.lines.line(tokens[site.start].start)
            if origin is not None and origin != line:
                context["inferred_from"] = f"line {origin}"
            for arg in [*site.value.args, *site.value.items.values()]:
                if arg.origin:
                    out.used_names.add(arg.text)
                    out.used_lines.add(arg.origin)
            for fields in results:
                if pattern.loader and fields.get("algorithm") == "unknown":
                    continue
                out.add(site.start, pattern, label, fields, evidence, context)
        if patterns.assigns:
            self._assignments(tokens, reader, aliases, constants, patterns, consumed, out, scopes)
        if patterns.refs:
            self._refs(tokens, reader, aliases, patterns, consumed + crypto_args, out)
        out.strings(tokens, consumed)
        yield from out.records()

    def _assignments(
        self,
        tokens: list[Token],
        reader: ValueReader,
        aliases: dict[str, str],
        constants: Constants,
        patterns: PatternSet,
        consumed: list[tuple[int, int]],
        out: _Emitter,
        scopes: list[int],
    ) -> None:
        """`config.MinVersion = tls.VersionTLS10`, `ServicePointManager.SecurityProtocol =
        SecurityProtocolType.Tls`: TLS settings made by assigning a property."""
        n = len(tokens)
        for i, tok in enumerate(tokens):
            if (
                tok.kind != IDENT
                or tok.text not in patterns.assigns
                or i + 2 >= n
                or tokens[i + 1].text != "="
                or tokens[i + 2].text in ("=", ">")
                or i == 0
                or (tokens[i - 1].text not in SEPARATORS and tokens[i - 1].text not in ("{", ","))
            ):
                continue  # `cfg.MinVersion =`, or an initializer `{ EnabledSslProtocols = ...`
            pattern, label = find_pattern(patterns.assigns[tok.text], tok.text)
            if pattern is None or not pattern.tls:
                continue
            value, end = reader.primary_at(i + 2)
            value = self.resolve_value(_substitute(value, constants.at(scopes[i])), aliases)
            j = _qualified_start(tokens, i)
            site = CallSite(
                start=j,
                end=max(end - 1, i + 2),
                name=tok.text,
                source=reader.source(j, end),
                value=Value("call", name=tok.text, args=[value]),
                arg_ranges=[(i + 2, end)],
                kw_ranges={},
                var=None,
                receiver=None,
                last=tok.text,
            )
            site.source = reader.source(j, end)
            if out.tls(pattern, label, site, whole=True):
                consumed.append((j, end))

    def _call_sites(
        self,
        tokens: list[Token],
        reader: ValueReader,
        aliases: dict[str, str],
        constants: Constants,
        wanted: set[str],
        patterns: PatternSet,
        scopes: list[int],
    ) -> Iterator[CallSite]:
        n = len(tokens)
        structs = patterns.structs
        properties = _properties(self.language)
        for i in range(n - 1):
            tok = tokens[i]
            if tok.kind != IDENT or tok.text not in wanted:
                continue
            opener = tokens[i + 1]
            generic: list[str] = []
            if opener.text == "::" and i + 2 < n and tokens[i + 2].text == "<":
                close_generic = _closing_angle(tokens, i + 2)
                if close_generic + 1 < n and tokens[close_generic + 1].text == "(":
                    generic = [t.text for t in tokens[i + 3 : close_generic] if t.kind == IDENT]
                    opener = tokens[close_generic + 1]  # Rust: pbkdf2_hmac::<Sha256>(...)
            struct = (
                opener.text == "{"
                and tok.text in structs
                and opener.start == tok.start + len(tok.text)
            )
            if opener.text == "=" and tok.text in properties:
                site = self._property_site(tokens, reader, aliases, constants, scopes, i)
                if site is not None:
                    yield site
                continue
            if opener.text != "(" and not struct:
                continue
            open_index = close_generic + 1 if generic else i + 1
            j = _qualified_start(tokens, i)
            if j >= 1 and tokens[j - 1].kind == PUNCT and tokens[j - 1].text in SEPARATORS:
                receiver_open = True  # chained on a call result: foo().bar(...)
            else:
                receiver_open = False
            start = j
            new = j >= 1 and tokens[j - 1].kind == IDENT and tokens[j - 1].text == "new"
            if new:
                start = j - 1
            if not struct and _declaration(tokens, start):
                continue
            segments = [t.text for t in tokens[j : i + 1] if t.kind == IDENT] + generic
            close = matching(tokens, open_index)
            visible = constants.at(scopes[i])
            args: list[Value] = []
            kwargs: dict[str, Value] = {}
            positional: list[tuple[int, int]] = []
            keyword_ranges: dict[str, tuple[int, int]] = {}
            if struct:
                literal = reader.value(i + 1, close + 1)
                args.append(self.resolve_value(_substitute(literal, visible), aliases))
                positional.append((i + 1, close + 1))
            for a, b in () if struct else split_args(tokens, open_index, close):
                keyword = (
                    b - a >= 3
                    and tokens[a].kind == IDENT
                    and tokens[a + 1].text == "="
                    and tokens[a + 2].text != "="
                )
                value = reader.value(a + 2, b) if keyword else reader.value(a, b)
                value = self.resolve_value(_substitute(value, visible), aliases)
                _bind_nested(value, patterns)
                if keyword:
                    kwargs[tokens[a].text] = value  # Python-style keyword argument
                    keyword_ranges[tokens[a].text] = (a, b)
                else:
                    args.append(value)
                    positional.append((a, b))
            name = self.resolve(segments, aliases)
            if start >= 1 and tokens[start - 1].text == "&":
                start -= 1  # Go: &tls.Config{...}
            targets = _targets(tokens, start)
            yield CallSite(
                start=start,
                end=close,
                name=name,
                source=reader.source(j, i + 1),
                value=Value("call", name=name, args=args, items=kwargs, new=new),
                arg_ranges=positional,
                kw_ranges=keyword_ranges,
                var=targets[0] if targets else None,
                receiver=segments[0] if len(segments) > 1 and not receiver_open else None,
                last=tok.text,
                vars=targets,
            )

    def _property_site(
        self,
        tokens: list[Token],
        reader: ValueReader,
        aliases: dict[str, str],
        constants: Constants,
        scopes: list[int],
        i: int,
    ) -> CallSite | None:
        """`receiver.Name = value;` as a follow-up call `receiver.Name(value)`."""
        if i < 2 or tokens[i - 1].text != "." or tokens[i - 2].kind != IDENT:
            return None
        if i + 2 < len(tokens) and tokens[i + 2].text == "=":
            return None  # a comparison
        end = _statement_end(tokens, i + 2)
        if end <= i + 2:
            return None
        start = _qualified_start(tokens, i)
        value = reader.value(i + 2, end)
        value = self.resolve_value(_substitute(value, constants.at(scopes[i])), aliases)
        name = tokens[i].text
        return CallSite(
            start=start,
            end=end - 1,
            name=name,
            source=reader.source(start, i + 1),
            value=Value("call", name=name, args=[value]),
            arg_ranges=[(i + 2, end)],
            kw_ranges={},
            var=None,
            receiver=tokens[start].text,
            last=name,
            assigned=True,
        )

    def _read_call(
        self,
        patterns: PatternSet,
        pattern: Pattern,
        site: CallSite,
        later: list[CallSite],
        consumed: list[tuple[int, int]],
    ) -> tuple[list[dict], str]:
        """The field maps of the finding(s) at a matched call (one per algorithm when the
        call lists several) and the evidence text."""
        used: set[int | str] = set()
        fields, variants = read_fields(patterns, pattern, site.value, used)
        if fields is None:
            return [], ""
        site.used = used
        consumed.extend(_used_ranges(site, used))
        evidence = _render(site, used)
        if pattern.then and site.var:
            for follow in later:
                if follow.var == site.var and follow.start > site.end:
                    break
                step = next(
                    (
                        f
                        for f in pattern.then
                        if follow.last in f.names and _on_var(follow, site.var)
                    ),
                    None,
                )
                if step is None:
                    continue
                follow_used: set[int | str] = set()
                for name, specs in step.params.items():
                    found, spec = patterns.read(specs, name, follow.value)
                    if spec is not None and found is not None and not isinstance(found, list):
                        _note_used(spec, follow.value, follow_used)
                        merge_fields(fields, name, found, override=True)
                if step.function:
                    fields[FOLLOW_FUNCTION] = step.function
                consumed.append((follow.start, follow.end + 1))
                evidence += "; " + _render(follow, follow_used)
        return [{**variant, **fields} for variant in variants], evidence

    def _refs(
        self,
        tokens: list[Token],
        reader: ValueReader,
        aliases: dict[str, str],
        patterns: PatternSet,
        consumed: list[tuple[int, int]],
        out: _Emitter,
    ) -> None:
        n = len(tokens)
        for i, tok in enumerate(tokens):
            if tok.kind != IDENT or tok.text not in patterns.refs:
                continue
            nxt = tokens[i + 1] if i + 1 < n else None
            if nxt is not None and (
                nxt.text == "(" or (nxt.text in SEPARATORS and nxt.kind == PUNCT)
            ):
                continue
            j = _qualified_start(tokens, i)
            if any(a <= j < b for a, b in consumed):
                continue
            segments = [t.text for t in tokens[j : i + 1] if t.kind == IDENT]
            name = self.resolve(segments, aliases)
            pattern, label = find_pattern(patterns.refs[tok.text], name)
            if pattern is None:
                continue
            if pattern.tls:  # a suite or version constant named on its own
                self._tls_ref(tokens, reader, j, i, name, pattern, label, out)
                continue
            fields, variants = read_fields(patterns, pattern, Value("name", name=name), set())
            if fields is None:
                continue
            for variant in variants:
                out.add(
                    j,
                    pattern,
                    label,
                    {**fields, **variant},
                    reader.source(j, i + 1),
                    dict(REFERENCE),
                )

    @staticmethod
    def _tls_ref(
        tokens: list[Token],
        reader: ValueReader,
        j: int,
        i: int,
        name: str,
        pattern: Pattern,
        label: str,
        out: _Emitter,
    ) -> None:
        site = CallSite(
            start=j,
            end=i,
            name=name,
            source=reader.source(j, i + 1),
            value=Value("call", name=name, args=[Value("name", name=name)]),
            arg_ranges=[(j, i + 1)],
            kw_ranges={},
            var=None,
            receiver=None,
            last=tokens[i].text,
        )
        out.tls(pattern, label, site, whole=True, summary=False)


@cache
def _wanted(language: str) -> frozenset[str]:
    """The last names of every call and follow-up call a language's patterns match."""
    patterns = load_patterns(language)
    return frozenset(patterns.calls) | {name for f in _follow_ups(patterns) for name in f.names}


@cache
def _properties(language: str) -> frozenset[str]:
    """The names of follow-ups that are properties set on a variable (`assign: true`)."""
    follow_ups = _follow_ups(load_patterns(language))
    return frozenset(name for f in follow_ups if f.assign for name in f.names)


def _follow_ups(patterns: PatternSet) -> Iterator[FollowUp]:
    return (f for plist in patterns.calls.values() for p in plist for f in p.then)


def _statement_end(tokens: list[Token], k: int) -> int:
    """Index of the `;` (or closing bracket, or end) that ends the expression from k."""
    j = k
    while j < len(tokens):
        tok = tokens[j]
        if tok.kind == PUNCT:
            if tok.text in ("(", "[", "{"):
                j = matching(tokens, j) + 1
                continue
            if tok.text in (";", ",", ")", "]", "}"):
                return j
        j += 1
    return j


FOLLOW_FUNCTION = "_follow_function"
_VERSION_SEGMENT = re.compile(r"/v\d+(?=\.)")


def read_fields(
    patterns: PatternSet, pattern: Pattern, call: Value, used: set[int | str]
) -> tuple[dict | None, list[dict]]:
    """Params common to the finding(s) and one field map per algorithm read; (None, [])
    when the algorithm is not known or explicitly not reported."""
    found, spec = patterns.read(pattern.algorithm, "algorithm", call)
    if spec is None or found is None:
        return None, []
    _note_used(spec, call, used)
    variants: list[dict] = []
    for item in found if isinstance(found, list) else [found]:
        variant: dict = {}
        if merge_fields(variant, "algorithm", item) and "algorithm" in variant:
            variants.append(variant)
    if not variants:
        return None, []
    fields: dict = {}
    for name, specs in pattern.params.items():
        value, pspec = patterns.read(specs, name, call)
        if pspec is None or value is None or isinstance(value, list):
            continue
        _note_used(pspec, call, used)
        merge_fields(fields, name, value)
    return fields, variants


def find_pattern(candidates: list[Pattern] | tuple, name: str) -> tuple[Pattern | None, str]:
    """The pattern matching a qualified name most closely (the longest matching name, so
    that python-jose's `jose.jwt.encode` is not PyJWT's `jwt.encode`), and the label for its
    component; the first in file order among equals."""
    best: tuple[Pattern, str] | None = None
    for pattern in candidates:
        for candidate in pattern.names:
            matched = name == candidate if pattern.exact else name_matches(name, candidate)
            if matched and (best is None or len(candidate) > len(best[1])):
                best = (pattern, candidate)
    if best is None:
        return None, ""
    pattern, candidate = best
    short = ".".join(_VERSION_SEGMENT.sub("", candidate).rsplit("/", 1)[-1].split(".")[-2:])
    return pattern, pattern.label or short


def _on_var(site: CallSite, var: str) -> bool:
    if site.receiver == var:
        return True
    first = site.value.args[0] if site.value.args else None
    return first is not None and first.kind == "name" and first.name == var


def _used_ranges(site: CallSite, used: set[int | str]) -> list[tuple[int, int]]:
    out = []
    for key in used:
        if isinstance(key, str):
            if key in site.kw_ranges:
                out.append(site.kw_ranges[key])
        elif key < len(site.arg_ranges):
            out.append(site.arg_ranges[key])
    return out


def _note_used(spec: Spec, call: Value, used: set[int | str]) -> None:
    if spec.kw is not None and spec.kw in call.items and call.kind == "call":
        used.add(spec.kw)
    elif spec.arg is not None:
        used.add(spec.arg)
    elif spec.key is not None:
        for index, arg in enumerate(call.args):
            if arg.kind == "map" and spec.key in arg.items:
                used.add(index)


def _render(site: CallSite, used: set[int | str]) -> str:
    """`callee(<used args as written>, …)`: only the arguments the pattern read, so a key
    or password passed alongside never reaches the evidence."""
    call = site.value
    parts: list[str] = []
    for index, arg in enumerate(call.args):
        if index in used:
            shown = arg.text
            if arg.kind == "map":
                keys = [k for k in arg.items if _interesting_key(k)]
                shown = "{" + ", ".join(f"{k}: {arg.items[k].text}" for k in keys)
                if len(keys) < len(arg.items):
                    shown += ", …}" if keys else "…}"
                else:
                    shown += "}"
            parts.append(shorten(shown, _ARG_CHARS))
        else:
            parts.append("…")
    while parts and parts[-1] == "…" and len(parts) > 1 and parts[-2] == "…":
        parts.pop()
    for key, arg in call.items.items():
        if key in used:
            parts.append(f"{key}={shorten(arg.text, _ARG_CHARS)}")
    if site.assigned:
        return f"{site.source} = {parts[0] if parts else '…'}"
    prefix = "new " if call.new else ""
    return f"{prefix}{site.source}({', '.join(parts)})"


_KEY_WORDS = (
    "alg",
    "name",
    "curve",
    "bits",
    "size",
    "length",
    "hash",
    "type",
    "kty",
    "crv",
    "modulus",
    "digest",
    "key_type",
    "private_key",
)


def _interesting_key(key: str) -> bool:
    low = key.lower()
    return any(w in low for w in _KEY_WORDS) and "secret" not in low and "pass" not in low


REFERENCE = {"reference": True}
"""Context of a finding for a name referenced, not called (`hashlib.sha1` handed to code
the file does not show): what it is used for is not known here."""


def pattern_finding(
    made: FileFindings,
    patterns: PatternSet,
    pattern: Pattern,
    label: str,
    fields: dict,
    evidence: str,
    line: int | None,
    context: dict | None = None,
) -> Finding:
    """The finding of one matched API pattern (token-based detectors and Python's ast). An
    `EC` key whose function this finding names becomes ECDSA or ECDH (common.yaml key-use),
    and an algorithm with a known key size its sized catalog name (AES -> AES-256)."""
    function = str(
        fields.pop(FOLLOW_FUNCTION, None)
        or (pattern.function if pattern.function != "auto" else fields.get("function"))
        or "unknown"
    )
    params = normalise_params(fields)
    algorithm = str(fields["algorithm"])
    refined = key_use().lookup(f"{algorithm}/{function}")
    if isinstance(refined, str):
        algorithm = refined
    return made.make(
        component=f"{patterns.component} {label}",
        algorithm=sized_algorithm(algorithm, params),
        function=function,
        asset=str(fields.get("asset") or pattern.asset),
        line=line,
        evidence=evidence,
        params=params,
        context={**pattern.context, **(context or {})},
    )


def read_notes(patterns: PatternSet, pattern: Pattern, call: Value) -> dict:
    """The facts a pattern's `notes` read at a call (for the finding's context)."""
    out: dict = {}
    for name, specs in pattern.notes.items():
        found, spec = patterns.read(specs, name, call)
        if spec is not None and found is not None and not isinstance(found, list):
            out[name] = found
    return out


def inferred_from(call: Value, used: set[int | str]) -> int | None:
    """The line of the assignment the first argument a pattern read came from, when it was
    not written at the call (a constant, a variable assigned once, a key made earlier)."""
    lines: list[int] = []
    for key in used:
        arg = call.items.get(key) if isinstance(key, str) else None
        if isinstance(key, int) and key < len(call.args):
            arg = call.args[key]
        if arg is None:
            continue
        if arg.origin is not None:
            lines.append(arg.origin)
        lines.extend(v.origin for v in arg.items.values() if v.origin is not None)
    return min(lines) if lines else None


_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_SECRET_TAILS = frozenset({"bytes", "value", "str", "hex", "b64", "raw", "data", "buf", "material"})


def secret_name(name: str) -> bool:
    """Whether an identifier names a secret: its last word (or the word before a `bytes`,
    `hex`, `value` ... suffix) is one of rules/patterns/common.yaml `secret_words`
    (`aes_key`, `sessionToken`, `iv`, `reset_password`, `nonceBytes`)."""
    words = [w.lower() for w in _WORD.findall(name.rsplit(".", 1)[-1].replace("$", ""))]
    if not words:
        return False
    if len(words) > 1 and words[-1] in _SECRET_TAILS:
        words.pop()
    return words[-1] in secret_words()


class _Emitter:
    """The records of one file: pattern findings, TLS and SSH settings, name strings."""

    def __init__(
        self, ctx: FileContext, text: str, patterns: PatternSet, reader: ValueReader
    ) -> None:
        self.made = FileFindings(ctx)
        self.protocol = TlsFindings(ctx)
        self.text = text
        self.lines = LineIndex(text)
        self.patterns = patterns
        self.reader = reader
        self.items: list[tuple[tuple[int, int], Record]] = []
        self.used_names: set[str] = set()
        self.used_lines: set[int] = set()
        """Constants read by a matched call (names, lines): their definitions are not
        reported again as name strings."""
        self.absorbed: list[Finding] = []
        """Findings of `absorbed: true` patterns: dropped when a later call read its
        parameter from their line (`curve := elliptic.P384()`)."""

    def add(
        self,
        token_index: int,
        pattern: Pattern,
        label: str,
        fields: dict,
        evidence: str,
        context: dict | None = None,
    ) -> None:
        offset = self.reader.tokens[token_index].start
        finding = pattern_finding(
            self.made,
            self.patterns,
            pattern,
            label,
            dict(fields),
            evidence,
            self.lines.line(offset),
            context,
        )
        if pattern.absorbed:
            self.absorbed.append(finding)
        self.items.append(((finding.location.line or 0, offset), finding))

    def tls(
        self,
        pattern: Pattern,
        label: str,
        site: CallSite,
        whole: bool = False,
        summary: bool = True,
    ) -> bool:
        """TLS settings read at a call, struct literal or assignment (no summary of the
        configured key exchange for a single name on its own)."""
        settings = read_tls(self.patterns, pattern, site.value)
        if not settings:
            return False
        self.used_names.update(a.text for a in site.value.args if a.origin is not None)
        tokens = self.reader.tokens
        line = self.lines.line(tokens[site.start].start)
        source = site.source if whole else self.reader.source(site.start, site.end + 1)
        component = f"{self.patterns.component} {label}"
        summary_component = (
            f"{self.patterns.component} tls key exchange (configured)" if summary else ""
        )
        return emit_tls(
            self.protocol,
            settings,
            line,
            component,
            summary_component,
            shorten(source),
        )

    def strings(self, tokens: list[Token], consumed: list[tuple[int, int]]) -> None:
        """Algorithm names written as strings where the context makes them crypto."""
        if not name_hint(self.text):
            return
        for index, key, siblings, compared in string_candidates(tokens):
            if any(a <= index < b for a, b in consumed):
                continue
            tok = tokens[index]
            line = self.lines.line(tok.start)
            if key in self.used_names or line in self.used_lines:
                continue
            found = classify(string_value(tok.text))
            if found is None or not counts(found, key, siblings, compared):
                continue
            evidence = shorten(f"{key}: {tok.text}" if key else tok.text)
            if found.kind != JOSE:
                emit_protocol_names(self.protocol, found, line, self.patterns.component, evidence)
                continue
            fields = jose_fields(found.names[0])
            if fields is not None:
                pattern = Pattern(names=("alg",), function="auto", algorithm=(), label="JOSE alg")
                self.add(index, pattern, "JOSE alg", fields, evidence)

    def records(self) -> Iterator[Record]:
        dropped = {id(f) for f in self.absorbed if (f.location.line or 0) in self.used_lines}
        merged = [item for item in self.items if id(item[1]) not in dropped]
        for record in self.protocol.records:
            line = record.location.line if isinstance(record, Finding) else None
            merged.append(((line or 0, -1), record))
        for _, record in sorted(merged, key=lambda item: item[0]):
            yield record


def _targets(tokens: list[Token], start: int) -> list[str]:
    """The names a call's result is assigned to: `key =`, `priv, err :=`, `const { a, b: c }
    =` (a and c), `$key =`; empty when it is not assigned."""
    k = start - 1
    if k >= 0 and tokens[k].kind == IDENT and tokens[k].text in ("await", "try"):
        k -= 1
    if k < 1 or tokens[k].text not in ("=", ":=") or tokens[k - 1].text in _ASSIGN_BLOCKERS:
        return []
    if tokens[k - 1].kind == IDENT and k >= 2 and tokens[k - 2].text in SEPARATORS:
        return [tokens[k - 1].text]  # this.kpg = ...: follow-ups on kpg
    return [tokens[m].text for m in _assigned_names(tokens, k)]


def _assigned_names(tokens: list[Token], k: int) -> list[int]:
    """Indices of the names the `=` / `:=` at k assigns (see _targets)."""
    prev = tokens[k - 1]
    if prev.kind == IDENT:
        if k >= 2 and tokens[k - 2].text in SEPARATORS:
            return []
        names = [k - 1]
        m = k - 2
        while m >= 1 and tokens[m].text == "," and tokens[m - 1].kind == IDENT:
            names.insert(0, m - 1)
            m -= 2
        return names
    if prev.text in ("}", "]"):
        opener = "{" if prev.text == "}" else "["
        depth, m = 0, k - 1
        while m >= 0:
            if tokens[m].text == prev.text:
                depth += 1
            elif tokens[m].text == opener:
                depth -= 1
                if depth == 0:
                    break
            m -= 1
        inner = range(m + 1, k - 1)
        return [
            x
            for x in inner
            if tokens[x].kind == IDENT and not (x + 1 < k and tokens[x + 1].text == ":")
        ]
    return []


_CONTAINERS = frozenset(
    {
        "class",
        "interface",
        "enum",
        "struct",
        "namespace",
        "impl",
        "trait",
        "mod",
        "record",
        "object",
        "union",
        "extends",
        "implements",
    }
)


_NOT_BLOCKS = frozenset(
    {
        "const",
        "let",
        "var",
        "import",
        "export",
        "from",
        "return",
        "case",
        "new",
        "typeof",
        "yield",
        "await",
        "default",
        "in",
        "of",
        "use",
        "array",
        "echo",
    }
)
"""Words before a `{` that opens an object, a destructuring or an import list, not a body."""


def _scopes(tokens: list[Token]) -> list[int]:
    """For each token, its scope: the outermost enclosing `{` block that is not a type or
    namespace body (a function body, in practice), or -1 at file level. Variables are
    counted and bound per scope, so `block, err :=` in two functions are two variables."""
    out = [-1] * len(tokens)
    stack: list[tuple[int, bool]] = []
    scope = -1
    for i, tok in enumerate(tokens):
        out[i] = scope
        if tok.kind != PUNCT:
            continue
        if tok.text == "{":
            before = tokens[i - 1] if i else None
            block = before is not None and (
                before.text in (")", "=>", "->", ">")
                or (before.kind == IDENT and before.text not in _NOT_BLOCKS)
            )
            container = not block
            for k in range(i - 1, max(-1, i - 16), -1):
                text = tokens[k].text
                if text in (";", "{", "}"):
                    break
                if tokens[k].kind == IDENT and text in _CONTAINERS:
                    container = True
                    break
            stack.append((i, container))
            if scope == -1 and not container:
                scope = i
        elif tok.text == "}" and stack:
            opened, _ = stack.pop()
            if opened == scope:
                scope = -1
    return out


def _assigned_once(tokens: list[Token], scopes: list[int]) -> dict[tuple[int, str], int]:
    """How many times each plain name is assigned in its scope (`name =`, `name :=`)."""
    counts: dict[tuple[int, str], int] = {}
    n = len(tokens)
    for k, tok in enumerate(tokens):
        if tok.text not in ("=", ":=") or tok.kind != PUNCT or k == 0:
            continue
        if k + 1 < n and tokens[k + 1].text in ("=", ">"):
            continue
        if tokens[k - 1].text in _ASSIGN_BLOCKERS:
            continue
        for m in _assigned_names(tokens, k):
            key = (scopes[m], tokens[m].text)
            counts[key] = counts.get(key, 0) + 1
    return counts


class _Bindings:
    """Variables assigned exactly once in the file from a matched call: an argument naming
    one carries that call's finding fields (`field` specs read them) and its line (the
    finding's `inferred_from`). Read lazily, so a spec made after the call that uses it
    (`factory.generateSecret(spec)` above `spec = new PBEKeySpec(...)`) is still found."""

    def __init__(
        self,
        patterns: PatternSet,
        sites: list[CallSite],
        scopes: list[int],
        lines: LineIndex,
        tokens: list[Token],
    ) -> None:
        self.patterns = patterns
        self.lines = lines
        self.tokens = tokens
        once = _assigned_once(tokens, scopes)
        self.assigned = set(once)
        self.by_var: dict[tuple[int, str], CallSite] = {}
        for site in sites:
            scope = scopes[site.start]
            for var in site.vars:
                if once.get((scope, var)) == 1:
                    self.by_var[(scope, var)] = site
        self._fields: dict[int, dict | None] = {}

    def pattern(self, site: CallSite) -> tuple[Pattern | None, str]:
        last = site.name.rsplit(".", 1)[-1]
        return find_pattern(self.patterns.calls.get(last, ()), site.name)

    def fields(self, var: str, scope: int) -> tuple[dict, int] | None:
        """The fields bound to `var` as seen from `scope`: its own assignment there, else a
        file-level one (a name the scope assigns itself never falls through)."""
        site = self.by_var.get((scope, var))
        if site is None and (scope, var) not in self.assigned:
            site = self.by_var.get((-1, var))
        if site is None:
            return None
        key = site.start
        if key not in self._fields:
            self._fields[key] = None
            pattern, _ = self.pattern(site)
            if pattern is not None and not pattern.tls:
                found, variants = read_fields(self.patterns, pattern, site.value, set())
                if found is not None:
                    self._fields[key] = {**found, **variants[0]}
        found_fields = self._fields[key]
        if found_fields is None:
            return None
        return found_fields, self.lines.line(self.tokens[site.start].start)

    def bind(self, call: Value, scope: int, depth: int = 0) -> None:
        if not self.by_var or depth > 2:
            return
        for arg in [*call.args, *call.items.values()]:
            if arg.kind == "name" and arg.name and arg.bound is None:
                found = self.fields(arg.name.split(".", 1)[0], scope)
                if found is not None:
                    arg.bound, arg.origin = found
            elif arg.kind in ("map", "call"):
                self.bind(arg, scope, depth + 1)


def _bind_nested(value: Value, patterns: PatternSet, depth: int = 0) -> None:
    """A call written inside an argument (`new GCMBlockCipher(new AESEngine())`) carries
    the fields of the pattern it matches, for `field` specs of the enclosing call."""
    if value.kind != "call" or not value.name or depth > 3:
        return
    for arg in value.args:
        _bind_nested(arg, patterns, depth + 1)
    pattern, _ = find_pattern(patterns.calls.get(value.name.rsplit(".", 1)[-1], ()), value.name)
    if pattern is None or pattern.tls:
        return
    fields, variants = read_fields(patterns, pattern, value, set())
    if fields is not None:
        value.bound = {**fields, **variants[0]}


def _statement_target(tokens: list[Token], start: int) -> str | None:
    """The name the statement holding token `start` assigns to (`token = a(b(<start>))`,
    `key[i] = (char)(rand() & 0xff)`, `$token = md5(mt_rand())`), if any: the nearest `=`
    before it outside brackets, back to the start of the statement."""
    depth = 0
    j = start - 1
    while j >= 0:
        tok = tokens[j]
        text = tok.text
        if tok.kind == PUNCT:
            if text in (")", "]"):
                depth += 1
            elif text in ("(", "["):
                depth -= 1
            elif text in (";", "{", "}") and depth <= 0:
                return None
            elif text in ("=", ":=") and depth <= 0:
                after = tokens[j + 1].text if j + 1 < len(tokens) else ""
                if after == "=" or (j and tokens[j - 1].text in _ASSIGN_BLOCKERS):
                    return None
                before = j - 1
                if before >= 0 and tokens[before].text == "]":
                    level = 0
                    while before >= 0:
                        if tokens[before].text == "]":
                            level += 1
                        elif tokens[before].text == "[":
                            level -= 1
                            if level == 0:
                                break
                        before -= 1
                    before -= 1
                if before >= 0 and tokens[before].kind == IDENT:
                    return tokens[before].text
                return None
        elif tok.kind == IDENT and text == "return" and depth <= 0:
            return None
        j -= 1
    return None


def _secret_args(call: Value) -> bool:
    return any(a.kind == "name" and a.name and secret_name(a.name) for a in call.args)


def _secret_use(site: CallSite, later: list[CallSite], tokens: list[Token]) -> bool:
    """A generator's value becomes a secret: assigned to a secret's name, filling one
    (`rand.Read(key)`), or so through a method called on it (`new
    Random().nextBytes(iv)`, `String token = Long.toHexString(rnd.nextLong())`)."""
    target = _statement_target(tokens, site.start)
    if any(secret_name(v) for v in site.vars) or (target and secret_name(target)):
        return True
    if _secret_args(site.value):
        return True
    for follow in later:
        chained = follow.start == site.end + 2 and tokens[site.end + 1].text == "."
        if chained or (site.var is not None and follow.receiver == site.var):
            if _secret_args(follow.value):
                return True
            target = _statement_target(tokens, follow.start)
            if target and secret_name(target):
                return True
    return False


class CodeAnalyzer(TextAnalyzer):
    """A source-code analyzer: one language, one detector."""

    source_code = True
    detector: CodeDetector

    def prepare(self) -> None:
        load_patterns(self.detector.language)

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        if sniff_encoding(data[:4096]) is None and not self.detector.relevant(data):
            return iter(())
        return super().analyze(data, ctx)

    def analyze_text(self, text: str, ctx: FileContext) -> Iterator[Record]:
        if not self.detector.relevant(text.encode("utf-8", "surrogatepass")):
            return iter(())
        return self.detector.detect(text, ctx)
