"""The endpoint view: one row per TLS or SSH endpoint, with its post-quantum readiness read
from where each scanner records it, its server keys and its certificate chain.

- TLS: the endpoint finding ("what a modern client gets") carries `context.endpoint` with
  `hybrid_supported`, `hybrid_preferred`, `classical_fallback`, `leaf_key` and
  `chain_signatures` (qscan.protocols.tls).
- SSH: the protocol finding carries `pq_kex_offered` and `pq_kex_first` (the server offers a
  post-quantum hybrid, and first: what rule QS422 calls "prefers a hybrid"); the host keys
  the scanner received are the `key` findings of the endpoint (qscan.protocols.ssh).
- Anything else (an inventory from elsewhere) is derived from its key-exchange verdicts, and
  says so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from qscan.i18n import Translator
from qscan.model import READY, SIGNATURE_ROLES, Finding, severity_rank
from qscan.render.facts import key_label, severity_of, status_of
from qscan.render.locations import place

KEX_FUNCTIONS = ("key-exchange", "kem")
READINESS_ORDER = ("classical", "no-kex", "pq-supported", "pq-preferred")
"""Worst first: the order of the endpoint table."""


@dataclass
class Endpoint:
    key: str
    host: str
    port: int | None
    service: str
    readiness: str  # pq-preferred | pq-supported | classical | no-kex
    classical_fallback: bool | None
    server_keys: list[str]
    chain_signatures: list[str]
    key_exchange: list[str]
    severity: str
    statuses: Counter[str]
    findings: int
    derived: bool
    """True when readiness came from the verdicts, not from the scanner's own summary."""


def _tls_summary(group: list[Finding]) -> dict[str, Any] | None:
    return next(
        (f.context["endpoint"] for f in group if isinstance(f.context.get("endpoint"), dict)),
        None,
    )


def _ssh_summary(group: list[Finding]) -> dict[str, Any] | None:
    return next(
        (f.context for f in group if f.function == "protocol" and "pq_kex_offered" in f.context),
        None,
    )


def _readiness(offered: bool, first: bool, seen: bool) -> str:
    if offered and first:
        return "pq-preferred"
    if offered:
        return "pq-supported"
    return "classical" if seen else "no-kex"


def _chain(group: list[Finding], t: Translator) -> list[str]:
    signatures = sorted(
        (f for f in group if f.asset == "certificate" and f.context.get("role") in SIGNATURE_ROLES),
        key=lambda f: int(f.context.get("chain_index") or 0),
    )
    labels = [
        t("endpoints.signed_with", algorithm=f.algorithm, hash=f.params["hash"])
        if f.params.get("hash")
        else key_label(f)
        for f in signatures
    ]
    return list(dict.fromkeys(labels))


def _server_keys(group: list[Finding], tls: dict[str, Any] | None) -> list[str]:
    host_keys = [key_label(f) for f in group if f.asset == "key" and f.location.service == "ssh"]
    if host_keys:
        return list(dict.fromkeys(host_keys))
    if tls and tls.get("leaf_key"):
        return [str(tls["leaf_key"])]
    leaf = next(
        (
            f
            for f in group
            if f.asset == "certificate"
            and int(f.context.get("chain_index") or 0) == 0
            and f.context.get("role") == "public key"
        ),
        None,
    )
    return [key_label(leaf)] if leaf else []


def _endpoint(key: str, group: list[Finding], t: Translator) -> Endpoint:
    kex = [f for f in group if f.function in KEX_FUNCTIONS]
    weak = any(status_of(f) not in READY for f in kex)
    tls, ssh = _tls_summary(group), _ssh_summary(group)
    fallback: bool | None
    if tls is not None:
        offered, first = bool(tls.get("hybrid_supported")), bool(tls.get("hybrid_preferred"))
        fallback = tls.get("classical_fallback")
    elif ssh is not None:
        offered, first = bool(ssh.get("pq_kex_offered")), bool(ssh.get("pq_kex_first"))
        fallback = weak if kex else None
    else:
        offered = any(status_of(f) in READY for f in kex)
        first, fallback = offered and not weak, (weak if kex else None)
    loc = group[0].location
    return Endpoint(
        key=key,
        host=loc.host or "",
        port=loc.port,
        service=loc.service or "tls",
        readiness=_readiness(offered, first, bool(kex) or tls is not None or ssh is not None),
        classical_fallback=fallback,
        server_keys=_server_keys(group, tls),
        chain_signatures=_chain(group, t)
        or [str(s) for s in (tls or {}).get("chain_signatures") or []],
        key_exchange=sorted({f.algorithm for f in kex}),
        severity=max((severity_of(f) for f in group), key=severity_rank, default="info"),
        statuses=Counter(status_of(f) for f in group),
        findings=len(group),
        derived=tls is None and ssh is None,
    )


def endpoints(findings: list[Finding], t: Translator) -> list[Endpoint]:
    """The endpoints of the inventory, the least ready (then the most severe) first."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.location.path is None and f.location.host is not None:
            groups[place(f)].append(f)
    out = [_endpoint(key, group, t) for key, group in groups.items()]
    out.sort(key=lambda e: (READINESS_ORDER.index(e.readiness), -severity_rank(e.severity), e.key))
    return out
