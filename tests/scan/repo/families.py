"""Pattern families of the source-code scanner: what kinds of finding one language's
patterns (rules/patterns/<language>.yaml) can produce, read from the loaded patterns so that
the list follows the data. A family is (language, class); the class is

- the `function` a pattern, a `then` follow-up or a `uses` entry names (for `function:
  auto`, every function the tables it reads name: `jwt.encode` with the jwt-alg table gives
  signature and mac);
- `tls-config` for a pattern that reads TLS settings (`tls:`);
- `unknown` for key loading and construction: a `loader: true` pattern, or a pattern or
  follow-up whose own function is `unknown` (`load_pem_private_key`, `KeyFactory`,
  `subtle.importKey`, `EVP_PKEY_CTX_new_id`, C# `rsa.ImportFromPem`), whatever function
  its later use gives the finding;
- `name-string` for algorithm names written as strings (JOSE `alg` values, SSH algorithm
  lists, TLS suite names): produced by code (qscan/scan/repo/code/names.py) for every
  language, so not read from the pattern files.

`part: true` patterns are left out: they are only reported inside the finding of a use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from qscan.model import Finding
from qscan.scan.repo.code.engine import find_pattern
from qscan.scan.repo.code.patterns import Pattern, PatternSet, Spec, load_patterns

LANGUAGES = ("python", "java", "go", "javascript", "c", "csharp", "rust", "php")
NAME_STRING = "name-string"
TLS_CONFIG = "tls-config"
KEY_LOADING = "unknown"
_NAME_STRING_LABELS = ("JOSE alg", "tls cipher suites")
_TLS_SUMMARY_LABEL = "tls key exchange (configured)"


def _patterns(patterns: PatternSet) -> Iterator[Pattern]:
    seen: set[int] = set()
    for index in (patterns.calls, patterns.refs, patterns.assigns):
        for group in index.values():
            for pattern in group:
                if id(pattern) not in seen and not pattern.part:
                    seen.add(id(pattern))
                    yield pattern


def _table_functions(patterns: PatternSet, specs: tuple[Spec, ...]) -> set[str]:
    """The functions named by the table entries (and fixed values) an `auto` spec reads."""
    out: set[str] = set()
    for spec in specs:
        entries = [spec.fixed] if isinstance(spec.fixed, dict) else []
        if spec.table:
            table = patterns.tables[spec.table]
            entries += [*table.exact.values(), *(entry for _, entry in table.regex)]
        for entry in entries:
            if isinstance(entry, dict) and "lookup" in entry:
                entry = patterns.tables[entry["lookup"]].lookup(str(entry.get("key", "")))
            if isinstance(entry, dict) and isinstance(entry.get("function"), str):
                out.add(entry["function"])
    return out


def _loads(pattern: Pattern) -> bool:
    return pattern.loader or pattern.function == KEY_LOADING


def _own_classes(patterns: PatternSet, pattern: Pattern) -> set[str]:
    """The functions a pattern's findings can have besides key loading: its follow-ups',
    and its own unless it loads or constructs a key (whose use gives the function)."""
    classes = {step.function for step in pattern.then if step.function}
    if _loads(pattern):
        return classes
    if pattern.function == "auto":
        return classes | _table_functions(patterns, pattern.algorithm)
    return classes | {pattern.function}


def pattern_classes(patterns: PatternSet, pattern: Pattern) -> set[str]:
    """The classes one pattern's findings can have."""
    if pattern.tls:
        return {TLS_CONFIG}
    return _own_classes(patterns, pattern) | ({KEY_LOADING} if _loads(pattern) else set())


def language_classes(language: str) -> set[str]:
    """Every class the scanner can produce for one language."""
    patterns = load_patterns(language)
    classes = {NAME_STRING}
    for pattern in _patterns(patterns):
        classes |= pattern_classes(patterns, pattern)
    classes |= {use.function for use in patterns.uses.values() if use.function}
    return classes


@dataclass(frozen=True)
class _Labelled:
    own: frozenset[str]
    loads: bool
    tls: bool


@cache
def _labels(language: str) -> dict[str, list[_Labelled]]:
    """Component label -> the patterns that report under it (a label can be shared:
    rust `ring Ed25519KeyPair` is both a generator and a loader)."""
    patterns = load_patterns(language)
    out: dict[str, list[_Labelled]] = {}
    for pattern in _patterns(patterns):
        labelled = _Labelled(
            frozenset(_own_classes(patterns, pattern)), _loads(pattern), bool(pattern.tls)
        )
        for name in pattern.names:
            label = find_pattern([pattern], name)[1]
            out.setdefault(label, []).append(labelled)
    return out


def finding_class(language: str, finding: Finding) -> str:
    """The class of a finding the scanner reported in a source file of this language: a
    loaded key is `unknown` whatever its use made the finding's function, a function a
    follow-up call gave (`EVP_PKEY_encapsulate_init(ctx)`) is that function."""
    component = finding.location.component
    prefix = f"{load_patterns(language).component} "
    label = component[len(prefix) :] if component.startswith(prefix) else component
    if component.startswith("ssh ") or label in _NAME_STRING_LABELS:
        return NAME_STRING
    candidates = _labels(language).get(label, [])
    if label == _TLS_SUMMARY_LABEL or any(c.tls for c in candidates):
        return TLS_CONFIG
    if finding.function == KEY_LOADING:
        return KEY_LOADING
    if any(finding.function in c.own for c in candidates):
        return finding.function
    if any(c.loads for c in candidates):
        return KEY_LOADING
    return finding.function
