"""The enumerations. Each one is a chain of probes that offers a list, learns which item the
server picks, removes it and asks again until the server refuses: one connection per
supported item plus one. TLS 1.3 groups and suites come from HelloRetryRequests (an empty
key_share makes the server name the group it wants), which costs the server no key exchange.

Limit: with an ECDSA certificate, a TLS 1.2 server only answers when the client's curve list
contains the certificate's curve (RFC 8422 5.1), so TLS 1.2 curves the server ranks below
that curve cannot be observed; TLS 1.3 groups have no such tie."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache

from qscan.protocols import tls as T
from qscan.scan.tls.hello import SSL3, TLS12, TLS13, VERSION_IDS, Offer, has_key_share
from qscan.scan.tls.probe import Accepted, Answer, Endpoint, Rejected, probe


@cache
def tls13_groups_offered() -> tuple[int, ...]:
    """Every group defined for TLS 1.3, standard post-quantum first, plus the OQS ranges."""
    listed = [g for g in T.all_groups() if "tls1.3" in g.tls]
    oqs_ranges = [*range(0xFE00, 0xFE18), *range(0xFE23, 0xFE30), *range(0xFE33, 0xFE3B)]
    standard = [g.codepoint for g in listed if g.standard_pq]
    rest = [g.codepoint for g in listed if g.codepoint not in standard]
    return tuple(dict.fromkeys([*standard, *rest, *oqs_ranges]))


@cache
def tls12_curves_offered() -> tuple[int, ...]:
    return tuple(
        g.codepoint for g in T.all_groups() if "tls1.2" in g.tls and g.kind in ("ec", "ecx")
    )


@cache
def tls13_suites_offered() -> tuple[int, ...]:
    return tuple(s.codepoint for s in T.all_suites() if s.tls13)


@cache
def ecdhe_suites_offered() -> tuple[int, ...]:
    return tuple(
        s.codepoint
        for s in T.all_suites()
        if s.kx in ("ECDHE", "ECDHE_PSK") and s.usable_in("tls1.2")
    )


@cache
def signed_kx_suites_offered() -> tuple[int, ...]:
    return tuple(
        s.codepoint
        for s in T.all_suites()
        if s.kx in ("ECDHE", "DHE") and s.au in ("RSA", "ECDSA", "DSS") and s.usable_in("tls1.2")
    )


# What a current browser / OpenSSL 3.5 client sends: hybrid first, key shares for the hybrid
# and X25519, TLS 1.3 and 1.2.
MODERN_GROUPS = (0x11EC, 0x001D, 0x0017, 0x0018)
MODERN_SHARES = (0x11EC, 0x001D)
MODERN_SUITES: tuple[int, ...]
MODERN_SUITES = (0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8)
MODERN_SUITES += (0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035)
MODERN_SIGALGS: tuple[int, ...]
MODERN_SIGALGS = (0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0807)
MODERN_SIGALGS += (0x0808, 0x0904, 0x0905, 0x0906)


@cache
def legacy_suites(version: int) -> tuple[int, ...]:
    vid = VERSION_IDS[version]
    return tuple(s.codepoint for s in T.all_suites() if s.usable_in(vid))


@dataclass
class Sweep:
    """The items a server picked, in the order it picked them, and the answers."""

    found: list[int] = field(default_factory=list)
    answers: list[Accepted] = field(default_factory=list)
    refusal: str | None = None


async def by_removal(
    endpoint: Endpoint,
    candidates: Sequence[int],
    offer: Callable[[tuple[int, ...]], Offer],
    pick: Callable[[Accepted], int | None],
    *,
    first: Answer | None = None,
    limit: int | None = None,
) -> Sweep:
    """Offer `candidates`, remove what the server picks, repeat. `first` is an answer already
    obtained for the full list; `limit` stops after that many probes."""
    sweep = Sweep()
    remaining = list(candidates)
    answer = first
    probes = 0
    while remaining and (limit is None or probes < limit):
        if answer is None:
            answer = await probe(endpoint, offer(tuple(remaining)))
            probes += 1
        if isinstance(answer, Rejected):
            sweep.refusal = answer.reason
            break
        chosen = pick(answer)
        if chosen is None or chosen not in remaining:
            break
        sweep.found.append(chosen)
        sweep.answers.append(answer)
        remaining.remove(chosen)
        answer = None
    return sweep


def _tls13_offer(suites: tuple[int, ...], groups: tuple[int, ...], sni: str | None) -> Offer:
    return Offer(
        version=TLS12, suites=suites, groups=groups, key_shares=(), tls13=(TLS13,), sni=sni
    )


def _tls13_pick_group(answer: Accepted) -> int | None:
    return answer.hello.group if answer.hello.version == TLS13 else None


def _tls13_pick_suite(answer: Accepted) -> int | None:
    return answer.hello.suite if answer.hello.version == TLS13 else None


async def tls13_groups(endpoint: Endpoint, first: Answer | None = None) -> Sweep:
    return await by_removal(
        endpoint,
        tls13_groups_offered(),
        lambda groups: _tls13_offer(tls13_suites_offered(), groups, endpoint.sni),
        _tls13_pick_group,
        first=first,
    )


async def tls13_suites(endpoint: Endpoint, first: Answer | None = None) -> Sweep:
    return await by_removal(
        endpoint,
        tls13_suites_offered(),
        lambda suites: _tls13_offer(suites, tls13_groups_offered(), endpoint.sni),
        _tls13_pick_suite,
        first=first,
    )


def tls13_first_offer(sni: str | None) -> Offer:
    return _tls13_offer(tls13_suites_offered(), tls13_groups_offered(), sni)


def _legacy_offer(version: int, suites: tuple[int, ...], sni: str | None) -> Offer:
    return Offer(
        version=version,
        suites=suites,
        groups=tls12_curves_offered(),
        sni=sni,
        extensions=version != SSL3,
    )


async def legacy(endpoint: Endpoint, version: int, *, limit: int | None = None) -> Sweep:
    """Suites of one version <= TLS 1.2 (a server that answers with a lower version does not
    support this one); `limit=1` only tells whether the version is on."""
    return await by_removal(
        endpoint,
        legacy_suites(version),
        lambda suites: _legacy_offer(version, suites, endpoint.sni),
        lambda answer: answer.hello.suite if answer.hello.version == version else None,
        limit=limit,
    )


async def server_order(endpoint: Endpoint, version: int, accepted: Sequence[int]) -> bool | None:
    """True when the server imposes its own order: offered in reverse, it still picks its
    first choice."""
    if len(accepted) < 2:
        return None
    answer = await probe(endpoint, _legacy_offer(version, tuple(reversed(accepted)), endpoint.sni))
    if not isinstance(answer, Accepted):
        return None
    return answer.hello.suite == accepted[0]


def _signed_offer(
    endpoint: Endpoint, suites: tuple[int, ...], curves: Sequence[int], sigalgs: Sequence[int]
) -> Offer:
    return Offer(
        version=TLS12,
        suites=suites,
        groups=tuple(curves),
        sigalgs=tuple(sigalgs),
        sni=endpoint.sni,
    )


def _tls12(value: Callable[[Accepted], int | None]) -> Callable[[Accepted], int | None]:
    return lambda answer: value(answer) if answer.hello.version == TLS12 else None


def _curve(answer: Accepted) -> int | None:
    return answer.key_exchange.curve


def _sigalg(answer: Accepted) -> int | None:
    return answer.key_exchange.sigalg


async def curves_and_sigalgs(endpoint: Endpoint, sigalgs: Sequence[int]) -> tuple[Sweep, Sweep]:
    """TLS 1.2 ECDHE curves and signature schemes together: every ServerKeyExchange names
    one of each, so both lists shrink at once; when one runs out, the other finishes with
    the first pinned to what is known to work. About max(curves, schemes) + 3 connections
    instead of curves + schemes + 2."""
    ecdhe = tuple(s for s in signed_kx_suites_offered() if s in ecdhe_suites_offered())
    curves, schemes = Sweep(), Sweep()
    curves_left, schemes_left = list(tls12_curves_offered()), list(sigalgs)
    while curves_left and schemes_left:
        answer = await probe(endpoint, _signed_offer(endpoint, ecdhe, curves_left, schemes_left))
        if isinstance(answer, Rejected):
            break
        curve, scheme = _tls12(_curve)(answer), _tls12(_sigalg)(answer)
        if curve not in curves_left or scheme not in schemes_left:
            break
        for sweep, left, item in ((curves, curves_left, curve), (schemes, schemes_left, scheme)):
            sweep.found.append(item)
            sweep.answers.append(answer)
            left.remove(item)
    if not curves.found:  # no ECDHE: signature schemes through DHE suites
        return curves, await tls12_sigalgs(endpoint, sigalgs)
    rest_schemes, rest_curves = await asyncio.gather(
        by_removal(
            endpoint,
            schemes_left,
            lambda offered: _signed_offer(endpoint, ecdhe, curves.found, offered),
            _tls12(_sigalg),
        ),
        by_removal(
            endpoint,
            curves_left,
            lambda offered: _signed_offer(endpoint, ecdhe, offered, schemes.found),
            _tls12(_curve),
        ),
    )
    curves.found += rest_curves.found
    schemes.found += rest_schemes.found
    return curves, schemes


async def tls12_sigalgs(endpoint: Endpoint, sigalgs: Sequence[int]) -> Sweep:
    return await by_removal(
        endpoint,
        sigalgs,
        lambda offered: _signed_offer(
            endpoint, signed_kx_suites_offered(), tls12_curves_offered(), offered
        ),
        _tls12(_sigalg),
    )


def modern_offer(sni: str | None) -> Offer:
    return Offer(
        version=TLS12,
        suites=MODERN_SUITES,
        groups=MODERN_GROUPS,
        key_shares=MODERN_SHARES,
        tls13=(TLS13, TLS12),
        sigalgs=MODERN_SIGALGS,
        sni=sni,
    )


def unconfirmed_pq(found: Sequence[int], confirmed: set[int]) -> list[int]:
    """Post-quantum groups a HelloRetryRequest named that no completed ServerHello has
    selected yet and that a real key share can be offered for."""
    out = []
    for cp in found:
        group = T.group(cp)
        if group is not None and group.post_quantum and cp not in confirmed and has_key_share(cp):
            out.append(cp)
    return out


async def confirm_group(endpoint: Endpoint, group: int) -> Answer:
    """Offer only `group`, with a real key share: a server that supports it completes a
    ServerHello with it."""
    offer = Offer(
        version=TLS12,
        suites=tls13_suites_offered(),
        groups=(group,),
        key_shares=(group,),
        tls13=(TLS13,),
        sni=endpoint.sni,
    )
    return await probe(endpoint, offer)
