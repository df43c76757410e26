"""TLS settings read from configuration files, turned into findings by the TLS builders of
qscan.protocols.tls, so that a configured suite, group or version has exactly the shape (and
the rules) of one seen on the wire.

OpenSSL cipher strings (`HIGH:!aNULL:!MD5`) are expanded by the OpenSSL this Python links
(`SSLContext.set_ciphers()` + `get_ciphers()`, whose `id` carries the codepoint), with
`@SECLEVEL=0` appended unless the string sets a level, so that the inventory lists what the
string names rather than what this machine's policy would allow. Suites named explicitly
that this OpenSSL build lacks (RC4, ...) are added from the IANA table by name.

Only suites the peer can negotiate are listed (qscan.scan.repo.configs.negotiation): each
analyzer passes the `ServerSetup` its file shows (SRP verifier, DH parameters, certificate
keys), and the server's own additions to the string (Apache's `:!aNULL:!eNULL:!EXP`) are
applied before OpenSSL expands it. The `!` exclusions of the string apply to the suites
added by name too.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from qscan.catalog import catalog
from qscan.model import Finding, Text, text_key
from qscan.protocols import tls
from qscan.scan.repo.base import TextAnalyzer
from qscan.scan.repo.configs.collect import ConfigFindings
from qscan.scan.repo.configs.negotiation import CLIENT, ServerSetup, negotiable
from qscan.scan.repo.text import looks_binary

_SPLIT = re.compile(r"[:,\s]+")
_KEYWORD_PREFIX = "!-+"
ALL_VERSIONS = tls.VERSION_ORDER
TLS_VERSIONS = ALL_VERSIONS[2:]
"""TLS 1.0 to 1.3: what `all` enables in Apache's SSLProtocol and Tomcat's protocols."""


class CipherStringError(ValueError):
    """A cipher string OpenSSL cannot select any suite from."""


def _cipher_is(name: str, suite: tls.Suite) -> bool:
    return suite.cipher.upper() == name


_LEVEL_ZERO = re.compile(r"@SECLEVEL=0(?![0-9])", re.IGNORECASE)
_CIPHER_KEYWORDS = ("RC4", "RC2", "DES", "3DES", "IDEA", "SEED")
_EXCLUDING: dict[str, Callable[[tls.Suite], bool]] = {
    "ANULL": lambda s: s.anon,
    "ENULL": lambda s: s.null,
    "NULL": lambda s: s.null,
    "EXP": lambda s: s.export,
    "EXPORT": lambda s: s.export,
    "MD5": lambda s: s.mac == "MD5",
    **{c: partial(_cipher_is, c) for c in _CIPHER_KEYWORDS},
}
"""OpenSSL cipher-string keywords that can name suites this OpenSSL lacks (the ones added
by name), with the suites they select."""


@lru_cache(maxsize=512)
def expand_cipher_string(
    value: str, setup: ServerSetup = CLIENT
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """(codepoints in OpenSSL's order, explicit names OpenSSL here does not know) for a
    TLS <= 1.2 cipher string, the ones a peer with `setup` can negotiate. TLS 1.3 suites,
    which set_ciphers() does not control, are left out."""
    text = value.strip().strip("\"'") + setup.suffix
    spec = text if "@SECLEVEL" in text.upper() else f"{text}:@SECLEVEL=0"
    level_zero = bool(_LEVEL_ZERO.search(text))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.set_ciphers(spec)
        ciphers = context.get_ciphers()
    except ssl.SSLError:
        ciphers = []
    named = [c["id"] & 0xFFFF for c in ciphers if c.get("protocol") != "TLSv1.3"]
    codepoints = tuple(cp for cp in named if _allowed(cp, setup, level_zero))
    tokens = [t for t in _SPLIT.split(text) if t]
    excluded = _excluded(tokens)
    known = set(named)
    missing: list[str] = []
    for token in tokens:
        if token[0] in _KEYWORD_PREFIX or token.startswith("@"):
            continue
        suite = tls.suite_by_name(token)
        if suite is not None and suite.codepoint not in known and not suite.tls13:
            known.add(suite.codepoint)
            if not excluded(suite) and negotiable(suite, setup, level_zero):
                missing.append(token)
    if not named and not missing:
        raise CipherStringError(f"OpenSSL selects no cipher suite from {text!r}")
    return codepoints, tuple(missing)


def _allowed(codepoint: int, setup: ServerSetup, level_zero: bool) -> bool:
    suite = tls.suite(codepoint)
    return suite is None or negotiable(suite, setup, level_zero)


def _excluded(tokens: list[str]) -> Callable[[tls.Suite], bool]:
    """Whether a `!keyword` or `!name` of the string removes a suite for good."""
    names = {t[1:] for t in tokens if t.startswith("!")}
    tests = [_EXCLUDING[n.upper()] for n in names if n.upper() in _EXCLUDING]
    return lambda suite: (
        suite.name in names or (suite.openssl or "") in names or any(test(suite) for test in tests)
    )


class TlsConfigAnalyzer(TextAnalyzer):
    """A configuration format that sets TLS parameters. It loads the TLS tables before the
    path scanner forks its workers, and wants a text file of its names whose first bytes
    match `sniff` (subclasses with other tests override `wants`)."""

    sniff: re.Pattern[bytes]

    def prepare(self) -> None:
        tls.suite(0)

    def wants(self, path: Path, head: bytes) -> bool:
        return self.wants_name(path) and not looks_binary(head) and bool(self.sniff.search(head))


def split_list(value: str) -> list[str]:
    return [t for t in _SPLIT.split(value.strip().strip("\"'")) if t]


class TlsFindings(ConfigFindings):
    """The findings of one configuration file's TLS directives."""

    # -- directives --------------------------------------------------------------------

    def cipher_string(
        self,
        value: str,
        line: int | None,
        component: str,
        evidence: str,
        scope: dict | None = None,
        setup: ServerSetup = CLIENT,
    ) -> None:
        """An OpenSSL cipher string for TLS <= 1.2 (ssl_ciphers, SSLCipherSuite, CipherString,
        ssl-default-bind-ciphers, tls_high_cipherlist), narrowed to what a peer with `setup`
        can negotiate."""
        try:
            codepoints, missing = expand_cipher_string(value, setup)
        except CipherStringError as exc:
            self.error("config-value", f"{component}: {exc}", line)
            return
        context = {**(scope or {}), **setup.context()}
        said = setup.texts()
        rank = 0
        for codepoint in codepoints:
            suite = tls.suite(codepoint)
            if suite is None or tls.is_signalling(codepoint):
                continue
            rank += 1
            found = tls.suite_finding(
                suite,
                self.location(line, component),
                evidence=evidence,
                preference=rank,
                context=context,
            )
            self.add(_with_texts(found, said))
        for name in missing:
            suite = tls.suite_by_name(name)
            assert suite is not None
            rank += 1
            found = tls.suite_finding(
                suite,
                self.location(line, component),
                evidence=evidence,
                preference=rank,
                context={**context, "expanded": "by name (not in this OpenSSL build)"},
            )
            self.add(_with_texts(found, said))

    def suite_names(
        self,
        names: Iterable[str],
        line: int | None,
        component: str,
        evidence: str,
        scope: dict | None = None,
    ) -> None:
        """Explicit suite names: TLS 1.3 Ciphersuites lists, Java/Tomcat IANA names."""
        self._named(
            names,
            tls.suite_by_name,
            tls.suite_finding,
            "cipher suite",
            line,
            component,
            evidence,
            scope,
        )

    def groups(
        self,
        names: Sequence[str],
        line: int | None,
        component: str,
        evidence: str,
        scope: dict | None = None,
        summary_component: str | None = None,
    ) -> None:
        """A configured group / curve list (in preference order), plus one summary finding
        of what a modern client gets from it (component `<fmt> tls key exchange
        (configured)`), judged by the repo rules for a missing or non-preferred hybrid."""
        found: list[tls.Group] = []
        for name in names:
            clean = name.lstrip("?*")
            if not clean or clean.lower() == "auto" or clean.startswith("/"):
                continue
            group = tls.group_by_name(clean)
            if group is None:
                self.error(
                    "config-value",
                    f"{component}: unknown group {clean!r}",
                    line,
                    text_key("config.unknown-group", component=component, name=repr(clean)),
                )
                continue
            found.append(group)
        if not found:
            return
        supported, preferred, fallback = tls.hybrid_flags(found)
        for rank, group in enumerate(found, start=1):
            self.add(
                tls.group_finding(
                    group,
                    self.location(line, component),
                    evidence=evidence,
                    preference=rank,
                    hybrid_supported=supported,
                    hybrid_preferred=preferred,
                    context=dict(scope or {}),
                )
            )
        if summary_component:
            first = found[0]
            params: dict[str, Any] = {"group": first.name}
            if first.curve:
                params["curve"] = first.curve
            if first.bits:
                params["bits"] = first.bits
            self.add(
                Finding(
                    algorithm=catalog().canonical(first.algorithm) or "unknown",
                    function="key-exchange",
                    asset="protocol",
                    location=self.location(line, summary_component),
                    params=params,
                    evidence=evidence,
                    context={
                        **(scope or {}),
                        "hybrid_supported": supported,
                        "hybrid_preferred": preferred,
                        "classical_fallback": fallback,
                        "groups": [g.name for g in found],
                    },
                    identity="configured key exchange",
                )
            )

    def versions(
        self,
        enabled: Iterable[str],
        line: int | None,
        component: str,
        evidence: str,
        scope: dict | None = None,
    ) -> None:
        """Enabled protocol versions (ids such as tls1.2), each a version finding."""
        ids = [v for v in ALL_VERSIONS if v in set(enabled)]
        for vid in ids:
            self.add(
                tls.version_finding(
                    tls.version_by_id(vid),
                    self.location(line, component),
                    evidence=evidence,
                    tls13_supported="tls1.3" in ids,
                    context=dict(scope or {}),
                )
            )

    def sigalgs(
        self,
        names: Sequence[str],
        line: int | None,
        component: str,
        evidence: str,
        scope: dict | None = None,
    ) -> None:
        self._named(
            names,
            tls.sigalg_by_name,
            tls.sigalg_finding,
            "signature algorithm",
            line,
            component,
            evidence,
            scope,
        )

    def _named(
        self,
        names: Iterable[str],
        lookup: Callable[[str], Any],
        finding: Callable[..., Finding],
        kind: str,
        line: int | None,
        component: str,
        evidence: str,
        scope: dict | None,
    ) -> None:
        """One finding per name, ranked in the order given; an unknown name is an error."""
        for rank, name in enumerate(names, start=1):
            item = lookup(name)
            if item is None:
                self.error(
                    "config-value",
                    f"{component}: unknown {kind} {name!r}",
                    line,
                    text_key("config.unknown", component=component, kind=kind, name=repr(name)),
                )
                continue
            self.add(
                finding(
                    item,
                    self.location(line, component),
                    evidence=evidence,
                    preference=rank,
                    context=dict(scope or {}),
                )
            )


def version_id(name: str) -> str | None:
    found = tls.version_by_name(name.strip().strip("\"'"))
    return found.id if found else None


def enabled_versions(tokens: Iterable[str]) -> list[str]:
    """Version tokens in the syntax of Apache's SSLProtocol and Tomcat's protocols: `-name`
    removes, `name` and `+name` add (mod_ssl ORs a bare name in too), `all` is TLS_VERSIONS;
    unknown names are ignored."""
    enabled: list[str] = []
    for token in tokens:
        op = token[0] if token[:1] in "+-" else ""
        name = token[1:] if op else token
        ids = list(TLS_VERSIONS) if name.lower() == "all" else [v for v in [version_id(name)] if v]
        if op == "-":
            enabled = [v for v in enabled if v not in ids]
        else:
            enabled += [v for v in ids if v not in enabled]
    return enabled


def versions_between(low: str | None, high: str | None = None) -> list[str]:
    """Version ids from `low` to `high` inclusive (MinProtocol / MaxProtocol, ssl-min-ver)."""
    lo = ALL_VERSIONS.index(low) if low in ALL_VERSIONS else 0
    hi = ALL_VERSIONS.index(high) if high in ALL_VERSIONS else len(ALL_VERSIONS) - 1
    return list(ALL_VERSIONS[lo : hi + 1])


def _with_texts(finding: Finding, texts: dict[str, Text]) -> Finding:
    """The finding with message keys for context values it records in English."""
    if texts:
        finding.texts = {**(finding.texts or {}), **texts}
    return finding
