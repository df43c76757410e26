"""Turn the probe results of one endpoint into findings (through the shared builders of
qscan.protocols.tls and qscan.scan.certs) and error records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypedDict

from qscan.model import SIGNATURE_ROLES, Finding, Location, ScanError, text_key
from qscan.protocols import tls as T
from qscan.scan.certs import CertificateError, certificate_findings
from qscan.scan.interface import Record
from qscan.scan.tls.collect import LEGACY_VERSIONS, Results
from qscan.scan.tls.hello import TLS12, TLS13, VERSION_IDS
from qscan.scan.tls.leaf import leaf_checks
from qscan.scan.tls.probe import Accepted, Rejected
from qscan.scan.tls.sweeps import MODERN_GROUPS
from qscan.targets import Target

CHAIN_COMPONENT = "tls server"

At = Callable[[str], Location]


class Kex(TypedDict):
    """The endpoint's hybrid key exchange facts, repeated on each key exchange finding."""

    hybrid_supported: bool
    hybrid_preferred: bool


@dataclass(frozen=True)
class Chain:
    findings: list[Finding]
    leaf_algorithm: str | None
    leaf_key: str | None
    leaf_params: dict[str, Any]
    signatures: list[str]
    checks: list[Finding]
    """What a client's checks of the leaf certificate find wrong (qscan.scan.tls.leaf)."""


def _chain(results: Results, base: Location, host: str | None) -> Chain:
    ders: tuple[bytes, ...] = results.handshake.chain if results.handshake else ()
    if not ders:
        ders = next(
            (a.certificates for s in results.legacy.values() for a in s.answers if a.certificates),
            (),
        )
    findings: list[Finding] = []
    for index, der in enumerate(ders):
        issuer = ders[index + 1] if index + 1 < len(ders) else None
        try:
            findings += certificate_findings(
                der, replace(base, component=CHAIN_COMPONENT), chain_index=index, issuer_der=issuer
            )
        except CertificateError as exc:
            results.notes.append(f"certificate chain[{index}]: {exc}")
    leaf = next(
        (
            f
            for f in findings
            if f.context.get("chain_index") == 0 and f.context["role"] == "public key"
        ),
        None,
    )
    leaf_key = None
    if leaf is not None:
        curve, bits = leaf.params.get("curve"), leaf.params.get("bits")
        leaf_key = leaf.algorithm
        if curve:
            leaf_key = f"{leaf.algorithm} {curve}"
        elif bits and leaf.algorithm in ("RSA", "DSA", "DH"):
            leaf_key = f"{leaf.algorithm}-{bits}"
    signatures = [
        f"{f.algorithm} with {f.params['hash']}" if f.params.get("hash") else f.algorithm
        for f in findings
        if f.context["role"] in SIGNATURE_ROLES
    ]
    checks = []
    if leaf is not None:
        now = dt.datetime.now(dt.UTC)
        checks = leaf_checks(ders[0], leaf, host=host, sni=base.sni, now=now)
    return Chain(
        findings,
        leaf.algorithm if leaf else None,
        leaf_key,
        dict(leaf.params) if leaf else {},
        signatures,
        checks,
    )


def _versions(results: Results) -> list[int]:
    legacy = [v for v in LEGACY_VERSIONS if v in results.legacy and results.legacy[v].found]
    return ([TLS13] if results.completed13 else []) + legacy


def _tls13_groups(results: Results) -> list[T.Group]:
    """The TLS 1.3 groups of the sweep, a post-quantum one only when a completed
    ServerHello selected it (a HelloRetryRequest alone credits nothing); what was left
    out is noted."""
    found = results.groups13.found if results.groups13 else []
    groups = [g for g in map(T.group, found) if g is not None]
    kept = [
        g
        for g in groups
        if results.completed13 and (not g.post_quantum or g.codepoint in results.confirmed13)
    ]
    dropped = [g.name for g in groups if g not in kept]
    if dropped:
        results.notes.append(
            "TLS 1.3 groups named only in HelloRetryRequests, never in a completed "
            f"ServerHello, are not credited: {', '.join(dropped)}"
        )
    return kept


def _refusals(results: Results) -> list[str]:
    reasons = [results.modern.reason] if isinstance(results.modern, Rejected) else []
    reasons += [s.refusal for s in results.legacy.values() if s.refusal]
    return sorted(set(reasons))


def endpoint_records(target: Target, results: Results, connections: int) -> list[Record]:
    base = Location(
        target=target.raw,
        host=target.host,
        port=target.port,
        service=target.scheme,
        sni=target.sni,
    )

    def at(component: str) -> Location:
        return replace(base, component=component)

    versions = _versions(results)
    if not versions:
        refused = ", ".join(_refusals(results))
        refusals = refused or "no answer"
        return [
            ScanError(
                target=target.raw,
                kind="no-tls",
                message=f"no ClientHello was accepted (SSL 3.0 to TLS 1.3): {refusals}",
                host=target.host,
                port=target.port,
                texts={
                    "message": text_key(
                        "tls.no-hello", refusals=refused or text_key("tls.no-answer")
                    )
                },
            )
        ]
    chain = _chain(results, base, target.host)
    groups13 = _tls13_groups(results)
    modern = results.modern if isinstance(results.modern, Accepted) else None
    modern_group = (
        T.group(modern.hello.group)
        if modern and modern.hello.group and not modern.hello.hrr
        else None
    )
    hybrid_supported = any(g.standard_pq for g in groups13) or bool(
        modern_group and modern_group.standard_pq
    )
    hybrid_preferred = bool(
        modern and modern.hello.version == TLS13 and modern_group and modern_group.standard_pq
    )  # modern_group is None after a HelloRetryRequest
    classical_fallback = any(not g.post_quantum for g in groups13) or any(
        v != TLS13 for v in versions
    )
    kex = Kex(hybrid_supported=hybrid_supported, hybrid_preferred=hybrid_preferred)
    rsa_bits = chain.leaf_params.get("bits") if chain.leaf_algorithm == "RSA" else None

    findings: list[Finding] = []
    for v in versions:
        findings.append(
            T.version_finding(
                T.known_version(v), at(T.COMPONENT_VERSION), tls13_supported=TLS13 in versions
            )
        )
    for rank, g in enumerate(groups13, 1):
        findings.append(
            T.group_finding(
                g, at(T.COMPONENT_GROUP13), preference=rank, context=_offered_in(TLS13), **kex
            )
        )
    suites13 = results.suites13.found if results.suites13 and results.completed13 else []
    for rank, cp in enumerate(suites13, 1):
        s = T.suite(cp)
        if s is not None:
            findings.append(
                T.suite_finding(
                    s,
                    at(T.COMPONENT_SUITE.format(version="tls1.3")),
                    versions=["tls1.3"],
                    preference=rank,
                    context=_offered_in(TLS13),
                    **kex,
                )
            )
    findings += _legacy_suites(results, at, rsa_bits, kex)
    findings += _curves_and_dh(results, at, kex)
    findings += _sigalgs(results, at, chain)
    endpoint = _endpoint(
        results,
        at,
        versions,
        chain,
        connections,
        hybrid_supported,
        hybrid_preferred,
        classical_fallback,
    )
    findings.append(endpoint)
    if isinstance(results.modern, Rejected):
        findings.append(_refused(endpoint, results.modern, groups13, at))
    findings += chain.findings
    findings += chain.checks
    return [*findings, *_notes(target, results)]


def _legacy_suites(results: Results, at: At, rsa_bits: int | None, kex: Kex) -> list[Finding]:
    accepted: dict[int, list[int]] = {}
    rank: dict[int, int] = {}
    for v in LEGACY_VERSIONS:
        sweep = results.legacy.get(v)
        if not sweep:
            continue
        for i, cp in enumerate(sweep.found, 1):
            accepted.setdefault(cp, []).append(v)
            rank.setdefault(cp, i)
    out = []
    for cp, versions in accepted.items():
        s = T.suite(cp)
        if s is None:
            continue
        top = versions[0]
        context = _offered_in(top)
        order = results.server_order.get(top)
        if order is not None:
            context["server_order"] = order
        out.append(
            T.suite_finding(
                s,
                at(T.COMPONENT_SUITE.format(version=VERSION_IDS[top])),
                versions=[VERSION_IDS[v] for v in sorted(versions)],
                preference=rank[cp],
                key_bits=rsa_bits,
                context=context,
                **kex,
            )
        )
    return out


def _curves_and_dh(results: Results, at: At, kex: Kex) -> list[Finding]:
    seen_answers = [a for s in results.legacy.values() for a in s.answers]
    if results.curves is not None and results.curves.found:
        curves = list(results.curves.found)
    else:
        curves = list(
            dict.fromkeys(a.key_exchange.curve for a in seen_answers if a.key_exchange.curve)
        )
    out = []
    for rank, cp in enumerate(curves, 1):
        g = T.group(cp)
        if g is not None:
            out.append(
                T.group_finding(
                    g, at(T.COMPONENT_CURVE12), preference=rank, context=_offered_in(TLS12), **kex
                )
            )
    for bits in sorted({a.key_exchange.dh_bits for a in seen_answers if a.key_exchange.dh_bits}):
        out.append(T.dh_finding(bits, at(T.COMPONENT_DHE12), context=_offered_in(TLS12), **kex))
    return out


def _sigalgs(results: Results, at: At, chain: Chain) -> list[Finding]:
    if results.sigalgs is not None and results.sigalgs.found:
        codes = list(results.sigalgs.found)
    else:
        answers = [a for s in results.legacy.values() for a in s.answers]
        codes = list(dict.fromkeys(a.key_exchange.sigalg for a in answers if a.key_exchange.sigalg))
    out = []
    for rank, cp in enumerate(codes, 1):
        sa = T.sigalg(cp)
        if sa is None:
            continue
        same_key = sa.algorithm == chain.leaf_algorithm
        out.append(
            T.sigalg_finding(
                sa,
                at(T.COMPONENT_SIGALG12),
                context=_offered_in(TLS12),
                key_bits=chain.leaf_params.get("bits") if same_key else None,
                key_curve=chain.leaf_params.get("curve") if same_key else None,
                preference=rank,
            )
        )
    return out


def _endpoint(
    results: Results,
    at: At,
    versions: list[int],
    chain: Chain,
    connections: int,
    hybrid_supported: bool,
    hybrid_preferred: bool,
    classical_fallback: bool,
) -> Finding:
    summary = {
        "hybrid_supported": hybrid_supported,
        "hybrid_preferred": hybrid_preferred,
        "classical_fallback": classical_fallback,
        "hybrid_only": hybrid_supported and not classical_fallback,
        "chain_signatures": chain.signatures,
        "leaf_key": chain.leaf_key,
        "versions": [T.known_version(v).name for v in versions],
        "connections": connections,
    }
    handshake = results.handshake
    extra: dict[str, Any] = {}
    if handshake is not None:
        extra["handshake"] = {
            "version": handshake.version,
            "suite": handshake.suite,
            "group": handshake.group,
        }
    modern = results.modern
    if isinstance(modern, Accepted):
        version = T.version(modern.hello.version) or T.known_version(TLS12)
        suite = T.suite(modern.hello.suite)
        group = (
            T.group(modern.hello.group)
            if modern.hello.version == TLS13 and modern.hello.group
            else None
        )
        if group is not None and group.post_quantum and group.codepoint not in results.confirmed13:
            group = None  # named by a HelloRetryRequest only
        curve = _curve_name(modern.key_exchange.curve)
        return T.endpoint_finding(
            at(T.COMPONENT_ENDPOINT),
            negotiated_version=version,
            negotiated_suite=suite,
            negotiated_group=group,
            hybrid_supported=hybrid_supported,
            hybrid_preferred=hybrid_preferred,
            classical_fallback=classical_fallback,
            summary=summary,
            curve=curve,
            dh_bits=modern.key_exchange.dh_bits,
            context={**extra, "hello_retry": True} if modern.hello.hrr else extra,
        )
    # A modern client cannot connect at all: describe what the best version offers.
    best = versions[0]
    sweep = results.legacy.get(best)
    first = sweep.answers[0] if sweep and sweep.answers else None
    groups = results.groups13.found if results.groups13 else []
    return T.endpoint_finding(
        at(T.COMPONENT_ENDPOINT),
        negotiated_version=T.known_version(best),
        negotiated_suite=T.suite(first.hello.suite) if first else None,
        negotiated_group=T.group(groups[0]) if best == TLS13 and groups else None,
        hybrid_supported=hybrid_supported,
        hybrid_preferred=hybrid_preferred,
        classical_fallback=classical_fallback,
        summary=summary,
        curve=_curve_name(first.key_exchange.curve if first else None),
        dh_bits=first.key_exchange.dh_bits if first else None,
        context={**extra, "modern_client_refused": modern.reason},
    )


COMPONENT_REFUSED = "tls interoperability (modern client)"


def _refused(endpoint: Finding, refusal: Rejected, groups13: list[T.Group], at: At) -> Finding:
    """The observation that a client connecting the way current browsers and OpenSSL 3.5+
    do (sweeps.modern_offer) is refused, with what the server accepts instead: the endpoint
    finding's key exchange, groups and flags."""
    offered = ", ".join(g.name for cp in MODERN_GROUPS if (g := T.group(cp)) is not None)
    accepted = [g.name for g in groups13]
    flags = ("hybrid_supported", "hybrid_preferred", "classical_fallback")
    context = {k: endpoint.context[k] for k in flags}
    context.update(modern_client_refused=refusal.reason, accepted_groups=accepted)
    accepts = f"; the server accepts {', '.join(accepted)}" if accepted else ""
    said = text_key("tls.modern-refused", offered=offered, reason=refusal.reason)
    if accepted:
        said = text_key("tls.modern-refused-accepts", refused=said, accepted=", ".join(accepted))
    return Finding(
        algorithm=endpoint.algorithm,
        function="key-exchange",
        asset="protocol",
        location=at(COMPONENT_REFUSED),
        params=dict(endpoint.params),
        evidence=f"a client offering {offered} was refused ({refusal.reason}){accepts}"[:200],
        context=context,
        identity="modern-client-refused",
        texts={"evidence": said},
    )


def _offered_in(version: int) -> dict[str, Any]:
    """The protocol version a finding was offered in, as data (its component says it in
    words: "tls1.2 cipher suite")."""
    return {"tls_version": T.known_version(version).name}


def _curve_name(codepoint: int | None) -> str | None:
    group = T.group(codepoint) if codepoint else None
    return group.curve if group else None


def _notes(target: Target, results: Results) -> list[ScanError]:
    if not results.notes:
        return []
    return [
        ScanError(
            target=target.raw,
            kind="incomplete",
            message="; ".join(results.notes),
            host=target.host,
            port=target.port,
        )
    ]
