"""TLS protocol data (rules/tls/*.yaml) and the finding builders every TLS source uses.

The TLS endpoint scanner (qscan.scan.tls) and the configuration parsers (nginx, Apache, HAProxy,
openssl.cnf, Java, Postfix) both describe TLS settings. They build their findings only through
the functions below, so that the same rules (rules/packs/tls.yaml) judge both.

Finding shapes
--------------
Every builder takes a complete `Location` (the caller sets `component`) and returns one
`Finding` with asset "protocol"; `context` may carry the caller's extra facts.

cipher suite (`suite_finding`)
    algorithm  the suite's key exchange: RSA (RSA key transport, also RSA_PSK), DH (DH, DHE,
               DHE_PSK), ECDH (ECDH, ECDHE, ECDHE_PSK, ECCPWD), SRP, GOST-R-34.10-2012/2001/94.
               Suites without public-key key exchange (every TLS 1.3 suite, PSK, KRB5, NULL)
               take the bulk cipher instead: AES-128, AES-256, ChaCha20-Poly1305, NULL, ...
    function   key-exchange, or encryption in the cipher-only case
    params     suite (IANA name), codepoint ("0xC02F"), kx, au, enc, cipher, mac;
               export / anon / null = true when they apply; bits = RSA key size when known
    component  endpoint: "tls1.3 cipher suite", "tls1.2 cipher suite" (the highest version that
               accepts it; all versions in context["versions"], server order in
               context["preference"]); configs: e.g. "nginx ssl_ciphers"
supported group (`group_finding`)
    algorithm  X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024, ML-KEM-768, X25519, X448,
               ECDH (params.curve "P-256" ...), DH (params.bits for ffdhe), Kyber768 /
               X25519Kyber768Draft00 (pre-standard), or "unknown" for a private codepoint with
               several meanings (params.candidates)
    function   key-exchange
    params     group (name), codepoint, curve or bits, hybrid_with, probable = true for OQS and
               private codepoints
    component  "tls1.3 supported group", "tls1.2 ecdhe curve"; configs "nginx ssl_ecdh_curve"
DH parameters (`dh_finding`): algorithm DH, params bits (+ group for a named ffdhe prime);
    component "tls1.2 dhe group" or e.g. "nginx ssl_dhparam"
protocol version (`version_finding`): algorithm "SSL 3.0", "TLS 1.0" ... "TLS 1.3" (catalog
    family SSL/TLS), function protocol, params version + codepoint; component
    "tls protocol version" or e.g. "nginx ssl_protocols"
signature scheme (`sigalg_finding`): algorithm RSA, ECDSA, Ed25519, ML-DSA-65 ..., function
    signature, params sigalg, codepoint, hash, padding, curve or bits (the server key's, when
    known); component "tls1.2 signature algorithm"
endpoint (`endpoint_finding`): what a modern client (X25519MLKEM768 and X25519 key shares, the
    way current browsers connect) gets: the negotiated group's algorithm (below TLS 1.3 the
    suite's key exchange), function key-exchange, component "tls key exchange (modern client)".

Context flags the rules read; set them whenever they are known (config parsers derive them from
the configured lists):
    hybrid_supported   a standard post-quantum group (ML-KEM hybrid or pure ML-KEM) is accepted
    hybrid_preferred   a modern client offering the hybrid gets it
    classical_fallback a client without post-quantum support still connects
    tls13_supported    (version findings) TLS 1.3 is accepted as well
The endpoint finding also carries context["endpoint"] = {hybrid_supported, hybrid_preferred,
classical_fallback, chain_signatures, leaf_key, versions, connections} for the reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.catalog import catalog
from qscan.model import Finding, Location, text_key
from qscan.resources import load_yaml

COMPONENT_SUITE = "{version} cipher suite"
COMPONENT_GROUP13 = "tls1.3 supported group"
COMPONENT_CURVE12 = "tls1.2 ecdhe curve"
COMPONENT_DHE12 = "tls1.2 dhe group"
COMPONENT_VERSION = "tls protocol version"
COMPONENT_SIGALG12 = "tls1.2 signature algorithm"
COMPONENT_ENDPOINT = "tls key exchange (modern client)"

VERSION_ORDER = ("ssl2", "ssl3", "tls1.0", "tls1.1", "tls1.2", "tls1.3")

# Suite key exchange -> canonical catalog algorithm; None: no public-key key exchange.
_KX_ALGORITHM: dict[str, str | None] = {
    "RSA": "RSA",
    "RSA_PSK": "RSA",
    "DH": "DH",
    "DHE": "DH",
    "DHE_PSK": "DH",
    "ECDH": "ECDH",
    "ECDHE": "ECDH",
    "ECDHE_PSK": "ECDH",
    "ECCPWD": "ECDH",
    "SRP": "SRP",
    "GOST2012": "GOST-R-34.10-2012",
    "GOST2001": "GOST-R-34.10-2001",
    "GOST94": "GOST-R-34.10-94",
    "PSK": None,
    "KRB5": None,
    "NULL": None,
    "any": None,
}
_EPHEMERAL_KX = {"DHE", "ECDHE", "DHE_PSK", "ECDHE_PSK", "any"}


def codepoint_int(value: int | str) -> int:
    """0xC02F, "0xC02F", "C02F", "0xC0,0x2F" -> 49199."""
    if isinstance(value, int):
        return value
    text = value.strip().strip("{}").replace(" ", "")
    if "," in text:
        hi, lo = (int(p, 16) for p in text.split(","))
        return (hi << 8) | lo
    return int(text, 16)


def hex16(value: int) -> str:
    return f"0x{value:04X}"


@dataclass(frozen=True)
class Suite:
    codepoint: int
    name: str
    openssl: str | None
    kx: str
    au: str
    enc: str
    cipher: str
    mac: str
    prf: str
    min_version: str
    flags: frozenset[str] = frozenset()
    iana: bool = True

    @property
    def hex(self) -> str:
        return hex16(self.codepoint)

    @property
    def tls13(self) -> bool:
        return self.min_version == "tls1.3"

    @property
    def export(self) -> bool:
        return "export" in self.flags

    @property
    def anon(self) -> bool:
        return "anon" in self.flags

    @property
    def null(self) -> bool:
        return "null" in self.flags

    @property
    def forward_secret(self) -> bool:
        return self.kx in _EPHEMERAL_KX

    @property
    def kx_algorithm(self) -> str | None:
        """Catalog algorithm of the public-key key exchange; None when there is none."""
        return _KX_ALGORITHM.get(self.kx)

    def usable_in(self, version: str) -> bool:
        """Whether the suite is defined for that protocol version (TLS 1.3 suites only in 1.3)."""
        if self.tls13:
            return version == "tls1.3"
        if version == "tls1.3":
            return False
        return VERSION_ORDER.index(version) >= VERSION_ORDER.index(self.min_version)


@dataclass(frozen=True)
class Group:
    codepoint: int
    name: str
    algorithm: str
    kind: str
    status: str
    curve: str | None = None
    bits: int | None = None
    tls: tuple[str, ...] = ()
    key_share: tuple[int, int] | None = None
    aliases: tuple[str, ...] = ()
    hybrid_with: str | None = None
    successor: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def hex(self) -> str:
        return hex16(self.codepoint)

    @property
    def standard_pq(self) -> bool:
        """An IANA ML-KEM group, hybrid or pure: what "hybrid supported" counts."""
        return self.kind in ("hybrid", "mlkem") and self.status == "standard"

    @property
    def post_quantum(self) -> bool:
        """Any post-quantum component, standard or not."""
        return self.kind in ("hybrid", "mlkem", "pre-standard")

    @property
    def probable(self) -> bool:
        return self.status == "probable"


@dataclass(frozen=True)
class SigAlg:
    codepoint: int
    name: str
    algorithm: str
    hash: str | None = None
    padding: str | None = None
    curve: str | None = None
    bits: int | None = None
    tls: tuple[str, ...] = ()
    status: str = "standard"

    @property
    def hex(self) -> str:
        return hex16(self.codepoint)


@dataclass(frozen=True)
class Version:
    codepoint: int
    id: str
    name: str
    status: str
    aliases: tuple[str, ...] = ()

    @property
    def hex(self) -> str:
        return hex16(self.codepoint)


@dataclass
class _Tables:
    suites: dict[int, Suite] = field(default_factory=dict)
    suite_names: dict[str, Suite] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    group_names: dict[str, Group] = field(default_factory=dict)
    group_ranges: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    grease: frozenset[int] = frozenset()
    sigalgs: dict[int, SigAlg] = field(default_factory=dict)
    sigalg_names: dict[str, SigAlg] = field(default_factory=dict)
    sigalg_ranges: list[tuple[int, int, dict[str, Any]]] = field(default_factory=list)
    versions: dict[int, Version] = field(default_factory=dict)
    version_names: dict[str, Version] = field(default_factory=dict)
    signalling: dict[int, str] = field(default_factory=dict)


def _key(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).lower()


@cache
def _tables() -> _Tables:
    t = _Tables()
    data = load_yaml("tls/cipher_suites.yaml")
    t.signalling = {codepoint_int(k): v for k, v in data["signalling"].items()}
    for cp, spec in data["suites"].items():
        s = Suite(
            codepoint=codepoint_int(cp),
            name=spec.get("name") or spec["iana"],
            openssl=spec.get("openssl"),
            kx=spec["kx"],
            au=spec["au"],
            enc=spec["enc"],
            cipher=spec["cipher"],
            mac=spec["mac"],
            prf=spec["prf"],
            min_version=spec["min"],
            flags=frozenset(spec.get("flags") or ()),
            iana=spec["iana"] is not False,
        )
        t.suites[s.codepoint] = s
        t.suite_names.setdefault(s.name.upper(), s)
        if s.openssl:
            t.suite_names.setdefault(s.openssl.upper(), s)
    data = load_yaml("tls/groups.yaml")
    for cp, spec in data["groups"].items():
        share = spec.get("key_share")
        g = Group(
            codepoint=codepoint_int(cp),
            name=spec["name"],
            algorithm=spec["algorithm"],
            kind=spec["kind"],
            status=spec["status"],
            curve=spec.get("curve"),
            bits=spec.get("bits"),
            tls=tuple(spec.get("tls") or ()),
            key_share=(share[0], share[1]) if share else None,
            aliases=tuple(spec.get("aliases") or ()),
            hybrid_with=spec.get("hybrid_with"),
            successor=spec.get("successor"),
            candidates=tuple(spec.get("candidates") or ()),
        )
        t.groups[g.codepoint] = g
        for alias in (g.name, *g.aliases):
            t.group_names.setdefault(_key(alias), g)
    t.group_ranges = [
        (codepoint_int(r["from"]), codepoint_int(r["to"]), r) for r in data.get("ranges") or ()
    ]
    t.grease = frozenset(codepoint_int(v) for v in data.get("grease") or ())
    data = load_yaml("tls/sigalgs.yaml")
    for cp, spec in data["sigalgs"].items():
        sa = SigAlg(
            codepoint=codepoint_int(cp),
            name=spec["name"],
            algorithm=spec["algorithm"],
            hash=spec.get("hash"),
            padding=spec.get("padding"),
            curve=spec.get("curve"),
            bits=spec.get("bits"),
            tls=tuple(spec.get("tls") or ()),
            status=spec.get("status", "standard"),
        )
        t.sigalgs[sa.codepoint] = sa
        t.sigalg_names.setdefault(sa.name.lower(), sa)
    t.sigalg_ranges = [
        (codepoint_int(r["from"]), codepoint_int(r["to"]), r) for r in data.get("ranges") or ()
    ]
    data = load_yaml("tls/versions.yaml")
    for cp, spec in data["versions"].items():
        v = Version(
            codepoint=codepoint_int(cp),
            id=spec["id"],
            name=spec["algorithm"],
            status=spec["status"],
            aliases=tuple(spec.get("aliases") or ()),
        )
        t.versions[v.codepoint] = v
        for alias in (v.id, v.name, *v.aliases):
            t.version_names.setdefault(_key(alias), v)
    return t


# -- lookups -------------------------------------------------------------------------------


def suite(codepoint: int | str) -> Suite | None:
    return _tables().suites.get(codepoint_int(codepoint))


def suite_by_name(name: str) -> Suite | None:
    """IANA name (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256), OpenSSL name (ECDHE-RSA-AES128-GCM-
    SHA256) or the Java/NSS SSL_ prefix form (SSL_RSA_WITH_3DES_EDE_CBC_SHA); case-insensitive."""
    key = name.strip().upper()
    names = _tables().suite_names
    found = names.get(key)
    if found is None and key.startswith("SSL_"):
        found = names.get("TLS_" + key[4:])
    return found


def all_suites() -> list[Suite]:
    return list(_tables().suites.values())


def is_signalling(codepoint: int) -> bool:
    """SCSV values and GREASE, which are not real suites."""
    t = _tables()
    return codepoint in t.signalling or codepoint in t.grease


def is_grease(codepoint: int) -> bool:
    return codepoint in _tables().grease


def group(codepoint: int | str) -> Group | None:
    """The group for a codepoint; private and OQS ranges give a "probable" group; GREASE
    gives None; an unassigned codepoint gives algorithm "unknown"."""
    t = _tables()
    cp = codepoint_int(codepoint)
    if cp in t.grease:
        return None
    known = t.groups.get(cp)
    if known is not None:
        return known
    for lo, hi, spec in t.group_ranges:
        if lo <= cp <= hi:
            return Group(
                codepoint=cp,
                name=f"{spec['name']} {hex16(cp)}",
                algorithm=spec["algorithm"],
                kind=spec["kind"],
                status=spec["status"],
                tls=("tls1.3",),
            )
    return Group(
        codepoint=cp,
        name=f"unassigned group {hex16(cp)}",
        algorithm="unknown",
        kind="unknown",
        status="unknown",
    )


def group_by_name(name: str) -> Group | None:
    """IANA, OpenSSL, nginx, Java, GnuTLS and OQS spellings: X25519MLKEM768, x25519, prime256v1,
    secp384r1, P-256, ffdhe2048, X25519Kyber768Draft00, GROUP-X25519 ..."""
    return _tables().group_names.get(_key(name))


def all_groups() -> list[Group]:
    return list(_tables().groups.values())


def sigalg(codepoint: int | str) -> SigAlg | None:
    t = _tables()
    cp = codepoint_int(codepoint)
    known = t.sigalgs.get(cp)
    if known is not None:
        return known
    for lo, hi, spec in t.sigalg_ranges:
        if lo <= cp <= hi:
            return SigAlg(
                codepoint=cp,
                name=f"{spec['name']} {hex16(cp)}",
                algorithm=spec["algorithm"],
                status=spec["status"],
            )
    return None


_OSSL_SIGALG = re.compile(r"^(RSA-PSS|PSS|RSA|ECDSA|DSA)\+(SHA1|SHA224|SHA256|SHA384|SHA512|MD5)$")


def sigalg_by_name(name: str) -> SigAlg | None:
    """IANA names (rsa_pss_rsae_sha256, ecdsa_secp256r1_sha256, ed25519, mldsa65) and the
    OpenSSL list syntax (RSA+SHA256, ECDSA+SHA384, RSA-PSS+SHA256)."""
    t = _tables()
    text = name.strip()
    found = t.sigalg_names.get(text.lower())
    if found is not None:
        return found
    match = _OSSL_SIGALG.match(text.upper())
    if not match:
        return None
    sig, digest = match.groups()
    digest = digest.lower()
    if sig in ("RSA-PSS", "PSS"):
        return t.sigalg_names.get(f"rsa_pss_rsae_{digest}")
    hash_byte = {"md5": 1, "sha1": 2, "sha224": 3, "sha256": 4, "sha384": 5, "sha512": 6}[digest]
    sig_byte = {"RSA": 1, "DSA": 2, "ECDSA": 3}[sig]
    return t.sigalgs.get((hash_byte << 8) | sig_byte)


def all_sigalgs() -> list[SigAlg]:
    return list(_tables().sigalgs.values())


def version(codepoint: int | str) -> Version | None:
    return _tables().versions.get(codepoint_int(codepoint))


def version_by_name(name: str) -> Version | None:
    """TLSv1.2, TLS 1.2, tls1.2, TLS1_2_VERSION, SSLv3 ... (case-insensitive)."""
    return _tables().version_names.get(_key(name))


def known_version(codepoint: int) -> Version:
    """A version the scanner itself offers (rules/protocols/tls versions lists them all)."""
    return _tables().versions[codepoint]


def version_by_id(version_id: str) -> Version:
    return next(v for v in _tables().versions.values() if v.id == version_id)


# -- finding builders -----------------------------------------------------------------------


def _kex_context(
    hybrid_supported: bool | None, hybrid_preferred: bool | None, extra: dict[str, Any] | None
) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    if hybrid_supported is not None:
        ctx["hybrid_supported"] = hybrid_supported
    if hybrid_preferred is not None:
        ctx["hybrid_preferred"] = hybrid_preferred
    ctx.update(extra or {})
    return ctx


def _canonical(name: str) -> str:
    return catalog().canonical(name) or name


def suite_finding(
    s: Suite,
    location: Location,
    *,
    evidence: str | None = None,
    versions: Sequence[str] = (),
    preference: int | None = None,
    key_bits: int | None = None,
    hybrid_supported: bool | None = None,
    hybrid_preferred: bool | None = None,
    context: dict[str, Any] | None = None,
) -> Finding:
    """One cipher suite. `versions`: protocol ids accepting it (tls1.0 ...); `preference`:
    1-based rank in the server's (or the configured) order; `key_bits`: RSA key size for RSA
    key transport when the server key is known."""
    kx_alg = s.kx_algorithm
    params: dict[str, Any] = {
        "suite": s.name,
        "codepoint": s.hex,
        "kx": s.kx,
        "au": s.au,
        "enc": s.enc,
        "cipher": s.cipher,
        "mac": s.mac,
    }
    for flag in ("export", "anon", "null"):
        if flag in s.flags:
            params[flag] = True
    if key_bits is not None and kx_alg == "RSA":
        params["bits"] = key_bits
    ctx = _kex_context(hybrid_supported, hybrid_preferred, context)
    ctx["forward_secrecy"] = s.forward_secret
    if versions:
        ctx["versions"] = list(versions)
    if preference is not None:
        ctx["preference"] = preference
    if s.openssl:
        ctx["openssl_name"] = s.openssl
    return Finding(
        algorithm=_canonical(kx_alg or s.cipher),
        function="key-exchange" if kx_alg else "encryption",
        asset="protocol",
        location=location,
        params=params,
        evidence=evidence if evidence is not None else f"{s.name} ({s.hex})",
        context=ctx,
        identity=f"suite:{s.hex}",
    )


def group_finding(
    g: Group,
    location: Location,
    *,
    evidence: str | None = None,
    preference: int | None = None,
    hybrid_supported: bool | None = None,
    hybrid_preferred: bool | None = None,
    context: dict[str, Any] | None = None,
) -> Finding:
    """One supported group (TLS 1.3 key share group or TLS 1.2 ECDHE curve)."""
    params: dict[str, Any] = {"group": g.name, "codepoint": g.hex}
    if g.curve:
        params["curve"] = g.curve
    if g.bits:
        params["bits"] = g.bits
    if g.hybrid_with:
        params["hybrid_with"] = g.hybrid_with
    if g.probable:
        params["probable"] = True
    if g.candidates:
        params["candidates"] = list(g.candidates)
    ctx = _kex_context(hybrid_supported, hybrid_preferred, context)
    ctx["group_status"] = g.status
    if g.successor:
        ctx["successor"] = g.successor
    if preference is not None:
        ctx["preference"] = preference
    return Finding(
        algorithm=g.algorithm if g.algorithm == "unknown" else _canonical(g.algorithm),
        function="key-exchange",
        asset="protocol",
        location=location,
        params=params,
        evidence=evidence if evidence is not None else f"{g.name} ({g.hex})",
        context=ctx,
        identity=f"group:{g.hex}",
    )


def dh_finding(
    bits: int,
    location: Location,
    *,
    group_name: str | None = None,
    evidence: str | None = None,
    hybrid_supported: bool | None = None,
    hybrid_preferred: bool | None = None,
    context: dict[str, Any] | None = None,
) -> Finding:
    """Finite-field DH parameters (a TLS 1.2 DHE ServerKeyExchange, or ssl_dhparam)."""
    params: dict[str, Any] = {"bits": bits}
    if group_name:
        params["group"] = group_name
    return Finding(
        algorithm="DH",
        function="key-exchange",
        asset="protocol",
        location=location,
        params=params,
        evidence=evidence if evidence is not None else f"DH {bits}-bit prime",
        context=_kex_context(hybrid_supported, hybrid_preferred, context),
        identity=f"dh:{group_name or bits}",
        texts=None if evidence is not None else {"evidence": text_key("dh.prime", bits=bits)},
    )


def version_finding(
    v: Version,
    location: Location,
    *,
    evidence: str | None = None,
    tls13_supported: bool | None = None,
    context: dict[str, Any] | None = None,
) -> Finding:
    """One protocol version that is accepted (or enabled by a configuration)."""
    ctx = dict(context or {})
    if tls13_supported is not None:
        ctx["tls13_supported"] = tls13_supported
    ctx["version_status"] = v.status
    return Finding(
        algorithm=v.name,
        function="protocol",
        asset="protocol",
        location=location,
        params={"version": v.name, "codepoint": v.hex},
        evidence=evidence if evidence is not None else f"{v.name} ({v.hex})",
        context=ctx,
        identity=f"version:{v.hex}",
    )


def sigalg_finding(
    sa: SigAlg,
    location: Location,
    *,
    evidence: str | None = None,
    key_bits: int | None = None,
    key_curve: str | None = None,
    preference: int | None = None,
    context: dict[str, Any] | None = None,
) -> Finding:
    """One signature scheme; `key_bits` / `key_curve` come from the server key when known
    (in TLS 1.2 the ECDSA codepoints do not fix the curve)."""
    params: dict[str, Any] = {"sigalg": sa.name, "codepoint": sa.hex}
    if sa.hash:
        params["hash"] = sa.hash
    if sa.padding:
        params["padding"] = sa.padding
    curve = key_curve or sa.curve
    if curve:
        params["curve"] = curve
    bits = key_bits or sa.bits
    if bits:
        params["bits"] = bits
    if sa.status == "probable":
        params["probable"] = True
    ctx = dict(context or {})
    if preference is not None:
        ctx["preference"] = preference
    return Finding(
        algorithm=sa.algorithm if sa.algorithm == "unknown" else _canonical(sa.algorithm),
        function="signature",
        asset="protocol",
        location=location,
        params=params,
        evidence=evidence if evidence is not None else f"{sa.name} ({sa.hex})",
        context=ctx,
        identity=f"sigalg:{sa.hex}",
    )


def endpoint_finding(
    location: Location,
    *,
    negotiated_version: Version,
    negotiated_suite: Suite | None,
    negotiated_group: Group | None,
    hybrid_supported: bool,
    hybrid_preferred: bool,
    classical_fallback: bool,
    summary: dict[str, Any],
    curve: str | None = None,
    dh_bits: int | None = None,
    context: dict[str, Any] | None = None,
) -> Finding:
    """What a modern client gets from this endpoint, with the readiness summary. Below TLS 1.3
    the key exchange is the suite's (ECDHE with `curve`, DHE with `dh_bits`, RSA)."""
    params: dict[str, Any] = {"version": negotiated_version.name}
    if negotiated_suite is not None:
        params["suite"] = negotiated_suite.name
    if negotiated_group is not None:
        params["group"] = negotiated_group.name
        algorithm = negotiated_group.algorithm
        if negotiated_group.curve:
            params["curve"] = negotiated_group.curve
        if negotiated_group.bits:
            params["bits"] = negotiated_group.bits
    elif negotiated_suite is not None:
        algorithm = negotiated_suite.kx_algorithm or negotiated_suite.cipher
        if curve:
            params["curve"] = curve
        if dh_bits:
            params["bits"] = dh_bits
    else:
        algorithm = "unknown"
    evidence = ", ".join(
        str(x)
        for x in (
            negotiated_version.name,
            negotiated_suite.name if negotiated_suite else None,
            negotiated_group.name if negotiated_group else None,
        )
        if x
    )
    context = {
        "hybrid_supported": hybrid_supported,
        "hybrid_preferred": hybrid_preferred,
        "classical_fallback": classical_fallback,
        "endpoint": dict(summary),
        **(context or {}),
    }
    return Finding(
        algorithm=algorithm if algorithm == "unknown" else _canonical(algorithm),
        function="key-exchange",
        asset="protocol",
        location=location,
        params=params,
        evidence=evidence,
        context=context,
        identity="endpoint",
    )


def hybrid_flags(groups_in_order: Iterable[Group]) -> tuple[bool, bool, bool]:
    """(hybrid_supported, hybrid_preferred, classical_fallback) from an ordered group list, for
    sources that only know the configured order (config files): preferred = the first
    group is post-quantum."""
    ordered = [g for g in groups_in_order if g is not None]
    supported = any(g.standard_pq for g in ordered)
    preferred = bool(ordered) and ordered[0].standard_pq
    fallback = any(not g.post_quantum for g in ordered)
    return supported, preferred, fallback
