"""TLS settings made in code (`ssl.SSLContext(ssl.PROTOCOL_TLSv1)`, Go `tls.Config{MinVersion:
...}`, `SSLContext.getInstance("TLSv1.2")`, Node `tls.createSecureContext({ciphers, ecdhCurve})`,
`SSL_CTX_set_min_proto_version`): a pattern with `tls: {kind: SPEC}` reads each kind, and the
settings become findings through the TLS builders the configuration analyzers use
(qscan.scan.repo.configs.tls_settings), so that a version, suite or group set in code has the
shape and the rules of one set in nginx.conf.

Kinds: `protocol` (one version, or a list of them, that the call enables), `min-version`
(this version up to TLS 1.3, capped by a `max-version` read at the same call), `versions`
(a list of version names), `ciphers` (an OpenSSL cipher string), `suites` (suite names, a
list or a `:`/`,`-separated string), `groups` and `sigalgs` (lists or separated strings).
A value a table maps to null is recognised and not reported (PROTOCOL_TLS_CLIENT negotiates).
"""

from __future__ import annotations

from typing import Any

from qscan.protocols import tls
from qscan.scan.repo.code.patterns import Pattern, PatternSet
from qscan.scan.repo.code.values import Value
from qscan.scan.repo.configs.tls_settings import (
    TlsFindings,
    split_list,
    version_id,
    versions_between,
)

KINDS = (
    "protocol",
    "min-version",
    "max-version",
    "versions",
    "ciphers",
    "suites",
    "groups",
    "sigalgs",
)


def _strings(found: Any) -> list[str]:
    """A read value as a list of names: a list stays, a separated string is split."""
    if isinstance(found, list):
        out: list[str] = []
        for item in found:
            out.extend(_strings(item))
        return out
    if isinstance(found, str):
        return split_list(found)
    return []


def read_tls(patterns: PatternSet, pattern: Pattern, call: Value) -> dict[str, Any]:
    """The value of each TLS kind the pattern reads at this call (None: recognised, off)."""
    out: dict[str, Any] = {}
    for kind, specs in pattern.tls.items():
        found, spec = patterns.read(specs, kind, call)
        if spec is not None:
            out[kind] = found
    return out


def _version_ids(found: Any) -> list[str]:
    ids = []
    for name in _strings(found) if not isinstance(found, str) else [found]:
        vid = version_id(str(name))
        if vid:
            ids.append(vid)
    return ids


def emit_tls(
    out: TlsFindings,
    settings: dict[str, Any],
    line: int | None,
    component: str,
    summary: str,
    evidence: str,
) -> bool:
    """Findings for the settings read at one call; False when none was reported."""
    before = len(out.records)
    low = _version_ids(settings.get("min-version"))
    high = _version_ids(settings.get("max-version"))
    versions = _version_ids(settings.get("protocol")) + _version_ids(settings.get("versions"))
    if low:
        versions += versions_between(low[0], high[0] if high else None)
    if versions:
        out.versions(versions, line, component, evidence, {})
    ciphers = settings.get("ciphers")
    if isinstance(ciphers, str) and ciphers.strip():
        out.cipher_string(ciphers, line, component, evidence, {})
    suites = [s for s in _strings(settings.get("suites")) if tls.suite_by_name(s)]
    if suites:
        out.suite_names(suites, line, component, evidence, {})
    groups = _strings(settings.get("groups"))
    if groups:
        out.groups(groups, line, component, evidence, {}, summary_component=summary)
    sigalgs = _strings(settings.get("sigalgs"))
    if sigalgs:
        out.sigalgs(sigalgs, line, component, evidence, {})
    return len(out.records) > before
