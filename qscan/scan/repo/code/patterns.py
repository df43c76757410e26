"""API patterns of one language, loaded from rules/patterns/<language>.yaml (plus the shared
tables of rules/patterns/common.yaml), and reading a call's algorithm and parameters.

A pattern names calls (`match`: qualified-name suffixes such as `KeyPairGenerator.getInstance`
or, after import resolution, `crypto/rsa.GenerateKey`) or constant references (`refs`), the
`function` (`auto`: the one the table entry names), and how to read `algorithm` and `params` at the call: a fixed value, a spec, or a list of alternatives tried in order; a spec is
`{arg: N, kw: NAME, key: KEY, table: TABLE}` (positional argument, keyword argument, key of a
map argument, lookup table; `self: true` reads the called or referenced name itself), or
`{value: V, absent: SPEC}`: the fixed V when SPEC selects nothing (an API default).
`scale: N` multiplies an integer (bytes to bits), and `field: NAME` reads a field of the
finding the argument's variable was assigned from (`algorithms.AES(key)` after `key =
os.urandom(32)` reads `bits` 256 from the CSPRNG finding). `exact: true` makes a pattern match
only the unqualified name (PHP `md5()`, not `$x->md5()`). `then` lists follow-up calls on the
variable the result is assigned to (`kpg.initialize(2048)`,
`EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048)`); with `assign: true` a follow-up is a
property set on it (`aes.Mode = CipherMode.ECB`, the value read as argument 0). `consume: true` makes the calls inside the
arguments part of this finding (`Cipher(algorithms.AES(k), modes.GCM(iv))` is one finding,
`padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), ...)` reports no separate SHA-1). `loader:
true` marks a call that loads or constructs a key: its function (and an `EC` or `unknown`
algorithm) comes from how the variable it is assigned to is used (see `uses`), and it is not
reported when its algorithm stays unknown. `part: true`: only reported as part of a use
(`padding.PKCS1v15()` inside `key.sign(...)`), never alone. `secret_only: true`: reported
only when the value becomes a secret (a non-cryptographic generator whose result is assigned
to a name such as `key`, `iv`, `token`, `password`, returned by a function so named, or
passed into a matched call). `notes: {name: SPEC}` reads facts into the finding's context
(`usedforsecurity`). `absorbed: true`: not reported when a later matched call read a
parameter from its line (`curve := elliptic.P384()` before `ecdsa.GenerateKey(curve, ...)`).
`words: [...]` replaces the pattern's prefilter words (by default
the longest segment of each name) where its names are generic (`new`, resolved by a table).
`struct: true` also matches a composite literal (Go `tls.Config{...}`, read as one map
argument). `tls: {kind: SPEC}` reads TLS settings (see
qscan/scan/repo/code/tlscode.py) instead of an algorithm.

A language file may also hold `uses` (method name -> {function, operation} or {propagate:
true}): a call of such a method on a variable bound to a matched call reports that use
(`key.sign(...)`, `params.generate_private_key()`), and `key_use` in common.yaml turns an
`EC` key into ECDSA or ECDH by that use. `descriptors` lists attributes that only describe
an object (`digest_size`): a hash constructor read only for one of them
(`sha1().digest_size`) protects nothing and is not reported.
Tables map literal strings or names (case-insensitive; names also by their last segments;
`re:` keys are regular expressions whose groups fill `{name}` templates) to an algorithm
name, a parameter value, a map of fields, or `{lookup: TABLE, key: ...}` (read on in another
table); a null entry means "recognised, not reported".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.catalog import catalog
from qscan.resources import load_yaml
from qscan.scan.repo.code.values import Value

FINDING_FIELDS = ("algorithm", "function", "asset")
MISSING = object()


class PatternError(ValueError):
    """A pattern file that does not follow the format."""


@dataclass(frozen=True)
class Spec:
    arg: int | None = None
    kw: str | None = None
    key: str | None = None
    table: str | None = None
    itself: bool = False
    fixed: Any = MISSING
    absent: Spec | None = None
    scale: int | None = None
    field: str | None = None

    @classmethod
    def parse(cls, raw: Any) -> Spec:
        if isinstance(raw, dict):
            unknown = set(raw) - {
                "arg",
                "kw",
                "key",
                "table",
                "self",
                "value",
                "absent",
                "scale",
                "field",
            }
            if unknown:
                raise PatternError(f"unknown spec keys {sorted(unknown)}")
            if "value" in raw:
                absent = cls.parse(raw["absent"]) if "absent" in raw else None
                return cls(fixed=raw["value"], absent=absent)
            return cls(
                arg=raw.get("arg"),
                kw=raw.get("kw"),
                key=raw.get("key"),
                table=raw.get("table"),
                itself=bool(raw.get("self")),
                scale=raw.get("scale"),
                field=raw.get("field"),
            )
        return cls(fixed=raw)


Specs = tuple[Spec, ...]


def parse_specs(raw: Any) -> Specs:
    """One spec, or a list of alternatives tried in order."""
    if isinstance(raw, list):
        return tuple(Spec.parse(r) for r in raw)
    return (Spec.parse(raw),)


@dataclass(frozen=True)
class FollowUp:
    names: tuple[str, ...]
    params: dict[str, Specs]
    function: str | None = None
    assign: bool = False
    """A property set on the variable (`aes.Mode = CipherMode.ECB`, read as its argument 0)
    rather than a method called on it."""


@dataclass(frozen=True)
class Pattern:
    names: tuple[str, ...]
    function: str
    algorithm: Specs
    params: dict[str, Specs] = field(default_factory=dict)
    then: tuple[FollowUp, ...] = ()
    asset: str = "algorithm"
    context: dict[str, Any] = field(default_factory=dict)
    label: str = ""
    exact: bool = False
    consume: bool = False
    loader: bool = False
    part: bool = False
    secret_only: bool = False
    struct: bool = False
    absorbed: bool = False
    words: tuple[str, ...] = ()
    tls: dict[str, Specs] = field(default_factory=dict)
    notes: dict[str, Specs] = field(default_factory=dict)

    @property
    def last_names(self) -> set[str]:
        return {n.rsplit(".", 1)[-1] for n in self.names}

    @property
    def prefilter_words(self) -> set[str]:
        """Words one of which a file that can match this pattern contains: `words` when the
        pattern lists them, else the longest segment of each name (a qualified name matches
        only where every segment is written in the file, in the call or its import:
        `math/rand` for `math/rand.Intn`, `fastrand` for `fastrand.u64`)."""
        if self.words:
            return set(self.words)
        return {max(n.split("."), key=len) for n in self.names}


class Table:
    """A lookup table; its `re:` keys are compiled at the first lookup (most tables of most
    languages are never read in a run)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.exact: dict[str, Any] = {}
        self._raw_regex: list[tuple[str, Any]] = []
        self._regex: list[tuple[re.Pattern[str], Any]] | None = None
        for key, entry in raw.items():
            key = str(key)
            if key.startswith("re:"):
                self._raw_regex.append((key[3:], entry))
            else:
                self.exact[key.lower()] = entry

    @property
    def regex(self) -> list[tuple[re.Pattern[str], Any]]:
        if self._regex is None:
            self._regex = [(re.compile(rx, re.I), entry) for rx, entry in self._raw_regex]
        return self._regex

    def lookup(self, candidate: str) -> Any:
        entry = self.exact.get(candidate.lower(), MISSING)
        if entry is not MISSING:
            return entry
        for rx, template in self.regex:
            m = rx.search(candidate)
            if m:
                return _fill(template, {k: v for k, v in m.groupdict().items() if v})
        return MISSING


def _fill(template: Any, groups: dict[str, str]) -> Any:
    """Fill `{group}` placeholders; a map entry whose group did not match is left out."""
    if isinstance(template, str):
        try:
            return template.format(**groups)
        except KeyError:
            return MISSING
    if isinstance(template, dict):
        filled = {k: _fill(v, groups) for k, v in template.items()}
        return {k: v for k, v in filled.items() if v is not MISSING}
    return template


def candidates(value: Value) -> list[str]:
    """Strings a table may know this value by: the literal, the qualified name and its
    shorter suffixes; then the same for the first argument of a call (`new
    ECGenParameterSpec("secp256r1")`, `elliptic.P256()` is found by its name first)."""
    out: list[str] = []
    if value.kind == "str" and value.string is not None:
        out.append(value.string)
    elif value.kind == "int" and value.number is not None:
        out.append(str(value.number))
    if value.name:
        parts = value.name.split(".")
        out.extend(".".join(parts[i:]) for i in range(len(parts)))
    if value.kind == "call" and value.args:
        out.extend(candidates(value.args[0]))
    if value.kind == "map" and "name" in value.items:  # WebCrypto {name: "ECDSA", ...}
        out.extend(candidates(value.items["name"]))
    return out


@dataclass(frozen=True)
class Use:
    """A method called on a bound variable: what it does (`function`, `operation`), or
    `propagate`: its result stands for the same key (`key.public_key()`)."""

    function: str | None = None
    operation: str | None = None
    propagate: bool = False


@dataclass
class PatternSet:
    language: str
    component: str
    calls: dict[str, list[Pattern]]
    refs: dict[str, list[Pattern]]
    tables: dict[str, Table]
    keywords: re.Pattern[bytes] | None
    words: tuple[str, ...] = ()
    """The words whose presence makes a file worth tokenizing (the prefilter)."""
    uses: dict[str, Use] = field(default_factory=dict)
    assigns: dict[str, list[Pattern]] = field(default_factory=dict)
    """Patterns matched on an attribute assignment (`ctx.minimum_version = ...`)."""
    keywords_if: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Modules that count for the prefilter only with one of these words in the file."""
    keywords_near: dict[str, tuple[str, int]] = field(default_factory=dict)
    """For a `keywords_if` module: the word must stand within N characters of this one."""
    structs: frozenset[str] = frozenset()
    """Last names of patterns matched on a composite literal (`tls.Config{...}`)."""
    descriptors: frozenset[str] = frozenset()
    """Attributes that only describe the hash object a call made (`sha1().digest_size`)."""

    def read(self, specs: tuple[Spec, ...], name: str, call: Value) -> tuple[Any, Spec | None]:
        """The value of the first spec that reads at this call (a field map, a scalar, or a
        list of them for a list literal such as `algorithms=["RS256", "ES256"]`), and that
        spec; (MISSING, None) when none does."""
        for spec in specs:
            found = self._read_one(spec, name, call)
            if found is not MISSING:
                return found, spec
        return MISSING, None

    def _read_one(self, spec: Spec, name: str, call: Value) -> Any:
        if spec.fixed is not MISSING:
            if spec.absent is not None and not _absent(spec.absent, call):
                return MISSING
            return spec.fixed
        value = _select(spec, call)
        if value is None:
            return MISSING
        if value.kind == "list":
            found = [self._convert(spec, name, v) for v in value.elems]
            found = [f for f in found if f is not MISSING]
            return found or MISSING
        return self._convert(spec, name, value)

    def _convert(self, spec: Spec, name: str, value: Value) -> Any:
        if spec.field:
            found = (value.bound or {}).get(spec.field)
            return MISSING if found is None else found
        if spec.scale and value.kind == "int" and value.number is not None:
            return value.number * spec.scale
        if spec.table:
            table = self.tables[spec.table]
            for cand in candidates(value):
                found = table.lookup(cand)
                if isinstance(found, dict) and "lookup" in found:
                    found = self.tables[found["lookup"]].lookup(str(found.get("key", "")))
                if found is not MISSING:
                    return found
            return MISSING
        if name == "algorithm":
            return value.string if value.kind == "str" else MISSING
        if value.kind == "int":
            return value.number
        if value.kind == "str":
            return value.string
        return MISSING


def _absent(spec: Spec, call: Value) -> bool:
    """Whether what a spec reads is left out of the call (so an API default applies); an
    argument that is there but not a literal (`jwt.sign(p, k, options)`) is not absent."""
    if spec.kw is not None and spec.kw in call.items:
        return False
    if spec.arg is not None:
        if spec.arg >= len(call.args):
            return True
        value = call.args[spec.arg]
        return spec.key is not None and value.kind == "map" and _path(value, spec.key) is None
    if spec.key is not None:
        return not any(a.kind == "map" and _path(a, spec.key) is not None for a in call.args)
    return spec.kw is not None


def _select(spec: Spec, call: Value) -> Value | None:
    if spec.itself:
        return Value("name", name=call.name)
    value: Value | None = None
    if spec.kw is not None and spec.kw in call.items:
        value = call.items[spec.kw]
    elif spec.arg is not None:
        value = call.args[spec.arg] if spec.arg < len(call.args) else None
    elif spec.key is not None:
        head = spec.key.split(".", 1)[0]
        for arg in call.args:
            if arg.kind == "map" and head in arg.items:
                return _path(arg, spec.key)
        return None
    if value is not None and spec.key is not None:
        return _path(value, spec.key)
    return value


def _path(value: Value, key: str) -> Value | None:
    """A member of a map, or of maps inside it by a dotted path (`ssl.ciphers`)."""
    for part in key.split("."):
        if value.kind != "map" or part not in value.items:
            return None
        value = value.items[part]
    return value


def merge_fields(into: dict[str, Any], name: str, found: Any, override: bool = False) -> bool:
    """Merge a read value into the finding fields (a follow-up call overrides what the
    first call said: `initialize(NamedParameterSpec.ML_DSA_87)`); False for a null entry."""
    if found is None:
        return False
    values = found if isinstance(found, dict) else {name: found}
    for key, val in values.items():
        if override:
            into[key] = val
        else:
            into.setdefault(key, val)
    return True


def normalise_params(fields: dict[str, Any]) -> dict[str, Any]:
    """Params with catalog names: curve names, hash names, integer sizes."""
    cat = catalog()
    params = {k: v for k, v in fields.items() if k not in FINDING_FIELDS and k[:1] != "_"}
    if "curve" in params:
        curve = cat.curve(str(params["curve"]))
        if curve is None:
            params.pop("curve")
        else:
            params["curve"] = curve.name
    if "hash" in params:
        canonical = cat.canonical(str(params["hash"]))
        params["hash"] = canonical or str(params["hash"])
    if "bits" in params:
        try:
            params["bits"] = int(params["bits"])
        except (TypeError, ValueError):
            params.pop("bits")
        else:
            if params["bits"] <= 0:
                params.pop("bits")
    if isinstance(params.get("mode"), str):
        params["mode"] = params["mode"].upper()
    for key in ("iterations", "length"):
        if key in params and not isinstance(params[key], int):
            params.pop(key)
    return params


def sized_algorithm(algorithm: str, params: dict[str, Any]) -> str:
    """`AES` with a known key size is `AES-256`: a catalog name of the algorithm and its size
    (Camellia-128, Twofish-256) when one exists; otherwise the algorithm unchanged."""
    bits = params.get("bits")
    if not isinstance(bits, int) or algorithm[-1:].isdigit():
        return algorithm
    sized = catalog().canonical(f"{algorithm}-{bits}")
    return sized or algorithm


def _names(raw: Any) -> tuple[str, ...]:
    return (raw,) if isinstance(raw, str) else tuple(raw)


def _pattern(raw: dict[str, Any], tables: dict[str, Table], where: str) -> Pattern:
    if "tls" in raw:
        raw = {"function": "protocol", "algorithm": None, **raw}
    if "match" not in raw or "function" not in raw:
        raise PatternError(f"{where}: a pattern needs match and function")
    if "algorithm" not in raw:
        raise PatternError(f"{where}: pattern {raw['match']} needs an algorithm")
    algorithm = parse_specs(raw["algorithm"])
    params = {k: parse_specs(v) for k, v in (raw.get("params") or {}).items()}
    then = tuple(
        FollowUp(
            names=_names(f["match"]),
            params={k: parse_specs(v) for k, v in (f.get("params") or {}).items()},
            function=f.get("function"),
            assign=bool(f.get("assign")),
        )
        for f in raw.get("then") or ()
    )
    tls = {k: parse_specs(v) for k, v in (raw.get("tls") or {}).items()}
    notes = {k: parse_specs(v) for k, v in (raw.get("notes") or {}).items()}
    every = [
        algorithm,
        *params.values(),
        *tls.values(),
        *notes.values(),
        *(s for f in then for s in f.params.values()),
    ]
    for spec in (s for specs in every for s in specs):
        if spec.table and spec.table not in tables:
            raise PatternError(f"{where}: unknown table {spec.table!r}")
    names = _names(raw["match"])
    return Pattern(
        names=names,
        function=raw["function"],
        algorithm=algorithm,
        params=params,
        then=then,
        asset=raw.get("asset", "algorithm"),
        context=dict(raw.get("context") or {}),
        label=raw.get("label", ""),
        exact=bool(raw.get("exact")),
        consume=bool(raw.get("consume")),
        loader=bool(raw.get("loader")),
        part=bool(raw.get("part")),
        secret_only=bool(raw.get("secret_only")),
        struct=bool(raw.get("struct")),
        absorbed=bool(raw.get("absorbed")),
        words=tuple(raw.get("words") or ()),
        tls=tls,
        notes=notes,
    )


def _index(patterns: list[Pattern]) -> dict[str, list[Pattern]]:
    out: dict[str, list[Pattern]] = {}
    for pattern in patterns:
        for last in pattern.last_names:
            out.setdefault(last, []).append(pattern)
    return out


def shared_table(name: str) -> Table:
    """A table of rules/patterns/common.yaml (e.g. jwt-alg for JWK `alg` members)."""
    return _common_tables()[name]


@cache
def _common_tables() -> dict[str, Table]:
    """rules/patterns/common.yaml tables, shared by every language."""
    common = load_yaml("patterns/common.yaml") or {}
    return {name: Table(entries) for name, entries in (common.get("tables") or {}).items()}


@cache
def load_patterns(language: str) -> PatternSet:
    common = load_yaml("patterns/common.yaml") or {}
    raw = load_yaml(f"patterns/{language}.yaml") or {}
    tables = {
        **_common_tables(),
        **{name: Table(entries) for name, entries in (raw.get("tables") or {}).items()},
    }
    where = f"rules/patterns/{language}.yaml"
    calls = [_pattern(p, tables, where) for p in raw.get("calls") or ()]
    refs = [_pattern(p, tables, where) for p in raw.get("refs") or ()]
    assigns = [_pattern(p, tables, where) for p in raw.get("assigns") or ()]
    words = sorted(
        raw.get("keywords")
        or {w for p in calls + refs + assigns for w in p.prefilter_words}
        | set(common.get("name_words") or ())
    )
    keywords = any_of(words) if words else None
    uses = {
        name: Use(
            function=spec.get("function"),
            operation=spec.get("operation"),
            propagate=bool(spec.get("propagate")),
        )
        for name, spec in (raw.get("uses") or {}).items()
    }
    return PatternSet(
        language=language,
        component=raw.get("component", language),
        calls=_index(calls),
        refs=_index(refs),
        tables=tables,
        keywords=keywords,
        words=tuple(words),
        uses=uses,
        assigns=_index(assigns),
        keywords_if={
            m: tuple(w["words"] if isinstance(w, dict) else w)
            for m, w in (raw.get("keywords_if") or {}).items()
        },
        keywords_near={
            m: (w["near"], int(w.get("within", 300)))
            for m, w in (raw.get("keywords_if") or {}).items()
            if isinstance(w, dict) and w.get("near")
        },
        structs=frozenset(w for p in calls if p.struct for w in p.last_names),
        descriptors=frozenset(raw.get("descriptors") or ()),
    )


@cache
def key_use() -> Table:
    """rules/patterns/common.yaml `key_use`: `<algorithm>/<function>` -> the algorithm a key
    of open use turns out to be (EC used to sign is ECDSA, used to agree is ECDH)."""
    return shared_table("key-use")


def any_of(words: Iterable[str]) -> re.Pattern[bytes]:
    """A regular expression that finds an occurrence of any of the words, written as a trie
    (`(?:ab(?:c|d)|e)`): the engine tries every alternative of a flat alternation at every
    position, a trie only the branches of the byte found there. A word that extends
    another adds nothing to "does any occur" and is left out."""
    trie: dict = {}
    for word in words:
        node = trie
        for byte in word.encode():
            node = node.setdefault(byte, {})
        node[None] = True

    def emit(node: dict) -> bytes:
        if None in node:
            return b""
        branches = [re.escape(bytes([byte])) + emit(child) for byte, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"

    return re.compile(emit(trie))


def name_matches(full: str, pattern: str) -> bool:
    """`pattern` is `full` or a suffix of it starting at a segment boundary."""
    if full == pattern:
        return True
    return full.endswith(pattern) and full[-len(pattern) - 1] == "."


@cache
def secret_words() -> frozenset[str]:
    """rules/patterns/common.yaml `secret_words`: identifier words that name a secret."""
    return frozenset(w.lower() for w in (load_yaml("patterns/common.yaml") or {})["secret_words"])
