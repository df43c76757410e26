"""The enumerations. Each one is a chain of probes that offers a list, learns which item the
server picks, removes it and asks again until the server refuses: one connection per
supported item plus one. TLS 1.3 groups and suites come from HelloRetryRequests (an empty
key_share makes the server name the group it wants), which costs the server no key exchange."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qscan.protocols import tls as T
from qscan.scan.tls.hello import SSL3, TLS12, TLS13, VERSION_IDS, Offer
from qscan.scan.tls.probe import Accepted, Answer, Endpoint, Rejected, probe


def _tls13_groups() -> tuple[int, ...]:
    listed = [g.codepoint for g in T.all_groups() if "tls1.3" in g.tls]
    oqs_ranges = [*range(0xFE00, 0xFE18), *range(0xFE23, 0xFE30), *range(0xFE33, 0xFE3B)]
    standard = [cp for cp in listed if T.group(cp).standard_pq]
    rest = [cp for cp in listed if cp not in standard]
    return tuple(dict.fromkeys([*standard, *rest, *oqs_ranges]))


TLS13_GROUPS = _tls13_groups()
TLS12_CURVES = tuple(
    g.codepoint for g in T.all_groups() if "tls1.2" in g.tls and g.kind in ("ec", "ecx")
)
TLS13_SUITES = tuple(s.codepoint for s in T.all_suites() if s.tls13)
ECDHE_SUITES = tuple(
    s.codepoint for s in T.all_suites() if s.kx in ("ECDHE", "ECDHE_PSK") and s.usable_in("tls1.2")
)
SIGNED_KX_SUITES = tuple(
    s.codepoint
    for s in T.all_suites()
    if s.kx in ("ECDHE", "DHE") and s.au in ("RSA", "ECDSA", "DSS") and s.usable_in("tls1.2")
)

# What a current browser / OpenSSL 3.5 client sends: hybrid first, key shares for the hybrid
# and X25519, TLS 1.3 and 1.2.
MODERN_GROUPS = (0x11EC, 0x001D, 0x0017, 0x0018)
MODERN_SHARES = (0x11EC, 0x001D)
MODERN_SUITES = (0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xC02C, 0xC030, 0xCCA9, 0xCCA8)
MODERN_SUITES += (0xC013, 0xC014, 0x009C, 0x009D, 0x002F, 0x0035)
MODERN_SIGALGS = (0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0807)
MODERN_SIGALGS += (0x0808, 0x0904, 0x0905, 0x0906)


def legacy_suites(version: int) -> tuple[int, ...]:
    vid = VERSION_IDS[version]
    return tuple(s.codepoint for s in T.all_suites() if s.usable_in(vid))


@dataclass
class Sweep:
    """The items a server picked, in the order it picked them, and the answers."""

    found: list[int] = field(default_factory=list)
    answers: list[Accepted] = field(default_factory=list)
    refusal: str | None = None
    other_version: int | None = None


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
        TLS13_GROUPS,
        lambda groups: _tls13_offer(TLS13_SUITES, groups, endpoint.sni),
        _tls13_pick_group,
        first=first,
    )


async def tls13_suites(endpoint: Endpoint, first: Answer | None = None) -> Sweep:
    return await by_removal(
        endpoint,
        TLS13_SUITES,
        lambda suites: _tls13_offer(suites, TLS13_GROUPS, endpoint.sni),
        _tls13_pick_suite,
        first=first,
    )


def tls13_first_offer(sni: str | None) -> Offer:
    return _tls13_offer(TLS13_SUITES, TLS13_GROUPS, sni)


def _legacy_offer(version: int, suites: tuple[int, ...], sni: str | None) -> Offer:
    return Offer(
        version=version,
        suites=suites,
        groups=TLS12_CURVES,
        sni=sni,
        extensions=version != SSL3,
    )


async def legacy(endpoint: Endpoint, version: int, *, limit: int | None = None) -> Sweep:
    """Suites of one version <= TLS 1.2; `limit=1` only tells whether the version is on."""

    def pick(answer: Accepted) -> int | None:
        if answer.hello.version != version:
            sweep_other.append(answer.hello.version)
            return None
        return answer.hello.suite

    sweep_other: list[int] = []
    sweep = await by_removal(
        endpoint,
        legacy_suites(version),
        lambda suites: _legacy_offer(version, suites, endpoint.sni),
        pick,
        limit=limit,
    )
    if sweep_other:
        sweep.other_version = sweep_other[0]
    return sweep


async def server_order(endpoint: Endpoint, version: int, accepted: Sequence[int]) -> bool | None:
    """True when the server imposes its own order: offered in reverse, it still picks its
    first choice."""
    if len(accepted) < 2:
        return None
    answer = await probe(endpoint, _legacy_offer(version, tuple(reversed(accepted)), endpoint.sni))
    if not isinstance(answer, Accepted):
        return None
    return answer.hello.suite == accepted[0]


async def ecdhe_curves(endpoint: Endpoint) -> Sweep:
    return await by_removal(
        endpoint,
        TLS12_CURVES,
        lambda curves: Offer(version=TLS12, suites=ECDHE_SUITES, groups=curves, sni=endpoint.sni),
        lambda answer: answer.key_exchange.curve if answer.hello.version == TLS12 else None,
    )


async def tls12_sigalgs(endpoint: Endpoint, sigalgs: Sequence[int]) -> Sweep:
    return await by_removal(
        endpoint,
        sigalgs,
        lambda offered: Offer(
            version=TLS12,
            suites=SIGNED_KX_SUITES,
            groups=TLS12_CURVES,
            sigalgs=offered,
            sni=endpoint.sni,
        ),
        lambda answer: answer.key_exchange.sigalg if answer.hello.version == TLS12 else None,
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
