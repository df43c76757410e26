"""Run the probes of one endpoint: the modern-client probe first (it also proves the endpoint
speaks TLS), then every enumeration in parallel; the engine's per-host limit decides how many
connections are open at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from OpenSSL import SSL

from qscan.protocols import tls as T
from qscan.scan.net.stream import OversizedResponse
from qscan.scan.tls import sweeps
from qscan.scan.tls.chain import Handshake, handshake
from qscan.scan.tls.hello import SSL3, TLS10, TLS11, TLS12, TLS13, VERSION_IDS, all_sigalgs
from qscan.scan.tls.probe import Accepted, Answer, Endpoint, probe
from qscan.scan.tls.starttls import StartTLSError
from qscan.scan.tls.sweeps import Sweep
from qscan.scan.tls.wire import NotTLS, PeerClosed

LEGACY_VERSIONS = (TLS12, TLS11, TLS10, SSL3)
# What ends one enumeration without ending the endpoint scan.
PROBE_ERRORS = (
    TimeoutError,
    OSError,
    NotTLS,
    PeerClosed,
    StartTLSError,
    SSL.Error,
    OversizedResponse,
)


@dataclass
class Results:
    modern: Answer
    groups13: Sweep | None = None
    suites13: Sweep | None = None
    legacy: dict[int, Sweep] = field(default_factory=dict)
    server_order: dict[int, bool | None] = field(default_factory=dict)
    curves: Sweep | None = None
    sigalgs: Sweep | None = None
    handshake: Handshake | None = None
    confirmed13: set[int] = field(default_factory=set)
    """TLS 1.3 groups a completed ServerHello selected (not only a HelloRetryRequest)."""
    notes: list[str] = field(default_factory=list)

    @property
    def completed13(self) -> bool:
        """Whether the endpoint completed a TLS 1.3 ServerHello at all: what only
        HelloRetryRequests claim is credited to nothing."""
        return bool(self.confirmed13) or (
            self.handshake is not None and self.handshake.version == "TLSv1.3"
        )


def describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer before the timeout"
    return str(exc) or type(exc).__name__


def _completed_group(answer: Answer | None) -> set[int]:
    """The group of a completed TLS 1.3 ServerHello (none for a HelloRetryRequest)."""
    if not isinstance(answer, Accepted) or answer.hello.hrr or answer.hello.version != TLS13:
        return set()
    return {answer.hello.group} if answer.hello.group is not None else set()


async def _guarded(results: Results, what: str, work: Awaitable[Any]) -> Any:
    try:
        return await work
    except PROBE_ERRORS as exc:
        results.notes.append(f"{what}: {describe(exc)}")
        return None


async def collect(endpoint: Endpoint, full: bool) -> Results:
    """All probe results of one endpoint. Errors on the first probe propagate (the endpoint
    cannot be scanned); later ones end only their enumeration and are noted."""
    results = Results(modern=await probe(endpoint, sweeps.modern_offer(endpoint.sni)))
    results.confirmed13.update(_completed_group(results.modern))

    async def tls13() -> None:
        first = await probe(endpoint, sweeps.tls13_first_offer(endpoint.sni))
        groups, suites = await asyncio.gather(
            _guarded(results, "TLS 1.3 groups", sweeps.tls13_groups(endpoint, first)),
            _guarded(results, "TLS 1.3 suites", sweeps.tls13_suites(endpoint, first)),
        )
        results.groups13, results.suites13 = groups, suites
        # the sweeps learn groups from HelloRetryRequests; a post-quantum one is credited
        # only once a ServerHello completes with it
        for group in sweeps.unconfirmed_pq(groups.found if groups else [], results.confirmed13):
            answer = await _guarded(results, "TLS 1.3 group", sweeps.confirm_group(endpoint, group))
            results.confirmed13.update(_completed_group(answer))

    async def legacy(version: int) -> None:
        limit = None if full or version == TLS12 else 1
        sweep = await sweeps.legacy(endpoint, version, limit=limit)
        results.legacy[version] = sweep
        if full and len(sweep.found) > 1:
            results.server_order[version] = await sweeps.server_order(
                endpoint, version, sweep.found
            )

    async def curves_and_sigalgs() -> None:
        results.curves, results.sigalgs = await sweeps.curves_and_sigalgs(endpoint, all_sigalgs())

    async def chain() -> None:
        results.handshake = await handshake(endpoint)
        named = T.group_by_name(results.handshake.group or "")
        if results.handshake.version == "TLSv1.3" and named is not None:
            results.confirmed13.add(named.codepoint)

    jobs = [_guarded(results, "TLS 1.3", tls13())]
    jobs += [_guarded(results, f"{VERSION_IDS[v]} suites", legacy(v)) for v in LEGACY_VERSIONS]
    if full:
        jobs.append(
            _guarded(results, "TLS 1.2 ECDHE curves and signature schemes", curves_and_sigalgs())
        )
    jobs.append(_guarded(results, "certificate chain handshake", chain()))
    await asyncio.gather(*jobs)
    return results
