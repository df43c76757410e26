"""SSH algorithm data (rules/ssh/) and the finding builders shared by the SSH endpoint
scanner (qscan.scan.ssh) and the sshd_config / ssh_config parser of the repository scanner,
so that both produce findings of exactly the same shape and the same rules judge both.

Finding shapes. `position` (1-based order in the list as offered or configured) lives in
`context`, not `params`, so that fingerprints survive a reordering of the list; every
finding has `identity` = its SSH name, so the fingerprint does not depend on the evidence.

| component                | algorithm                        | function     | asset     | params                                              | context |
|--------------------------|----------------------------------|--------------|-----------|-----------------------------------------------------|---------|
| `ssh protocol`           | `SSH-2.0` / `SSH-1`              | protocol     | protocol  | protocol_version                                    | pq_kex_offered, pq_kex_first, pq_kex, preferred_kex, kex (+ scanner: banner, software, software_version, openssh_version, openssh_pq_kex, strict_kex, terrapin_vulnerable, ssh1_supported) |
| `ssh kex`                | catalog name (X25519, ECDH, DH, mlkem768x25519-sha256, ...) | key-exchange | algorithm | ssh_name, hash, bits, curve, group, gssapi | position, pq_kex_offered, pq_kex_first |
| `ssh host key algorithm` | RSA, ECDSA, Ed25519, DSA, ...    | signature    | algorithm | ssh_name, hash, curve, certificate, security_key    | position, key_type |
| `ssh host key`           | RSA, ECDSA, Ed25519, DSA, ...    | signature    | key       | key_type, bits, curve, certificate                  | fingerprint_sha256, host_key_algorithms, certificate details |
| `ssh cipher`             | AES-128, ChaCha20-Poly1305, ...  | encryption   | algorithm | ssh_name, mode, bits                                | position |
| `ssh mac`                | HMAC-SHA256, UMAC-64, ...        | mac          | algorithm | ssh_name, hash, tag_bits, etm                       | position |
| `ssh compression`        | zlib / uncompressed              | protocol     | algorithm | ssh_name, delayed                                   | position |

A name missing from rules/ssh/algorithms.yaml becomes algorithm `unknown` with
`params.ssh_name` (never dropped). Protocol signals (ext-info-*, kex-strict-*) are not
algorithms and produce no finding. Builders take a `base` Location (target and host/port or
path/line) and set the component; `context` adds caller facts to every finding they build.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.catalog import UNKNOWN, catalog
from qscan.model import Finding, Location, text_key
from qscan.resources import load_yaml

KEX = "kex"
HOST_KEY = "host_key"
CIPHERS = "ciphers"
MACS = "macs"
COMPRESSION = "compression"
CATEGORIES = (KEX, HOST_KEY, CIPHERS, MACS, COMPRESSION)

PROTOCOL_COMPONENT = "ssh protocol"
COMPONENTS = {
    KEX: "ssh kex",
    HOST_KEY: "ssh host key algorithm",
    CIPHERS: "ssh cipher",
    MACS: "ssh mac",
    COMPRESSION: "ssh compression",
}
HOST_KEY_COMPONENT = "ssh host key"
_FUNCTIONS = {
    KEX: "key-exchange",
    HOST_KEY: "signature",
    CIPHERS: "encryption",
    MACS: "mac",
    COMPRESSION: "protocol",
}


@dataclass(frozen=True)
class AlgorithmSpec:
    """One SSH name from rules/ssh/algorithms.yaml."""

    name: str
    category: str
    algorithm: str
    params: dict[str, Any] = field(default_factory=dict)
    pq: str | None = None
    key_type: str | None = None
    openssh: str | None = None
    signal: bool = False
    prefix: bool = False


class SshData:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.specs: dict[str, dict[str, AlgorithmSpec]] = {}
        self._prefixes: dict[str, list[AlgorithmSpec]] = {}
        for category in CATEGORIES:
            entries: dict[str, AlgorithmSpec] = {}
            for name, spec in (raw.get(category) or {}).items():
                entries[name] = AlgorithmSpec(
                    name=name,
                    category=category,
                    algorithm=spec.get("algorithm", UNKNOWN),
                    params=dict(spec.get("params") or {}),
                    pq=spec.get("pq"),
                    key_type=spec.get("key_type"),
                    openssh=spec.get("openssh"),
                    signal=bool(spec.get("signal")),
                    prefix=bool(spec.get("prefix")),
                )
            self.specs[category] = entries
            self._prefixes[category] = [s for s in entries.values() if s.prefix]

    def lookup(self, category: str, name: str) -> AlgorithmSpec | None:
        spec = self.specs[category].get(name)
        if spec is not None and not spec.prefix:
            return spec
        return next((s for s in self._prefixes[category] if name.startswith(s.name)), None)

    def names(self, category: str) -> list[str]:
        """Every exact (non-prefix) name of a category, in file order."""
        return [n for n, s in self.specs[category].items() if not s.prefix]


@cache
def ssh_data() -> SshData:
    return SshData(load_yaml("ssh/algorithms.yaml"))


def lookup(category: str, name: str) -> AlgorithmSpec | None:
    return ssh_data().lookup(category, name)


def is_signal(category: str, name: str) -> bool:
    spec = lookup(category, name)
    return spec is not None and spec.signal


def is_pq_kex(name: str) -> bool:
    """A key exchange method with a (standard or widely deployed) post-quantum component;
    the obsolete sntrup4591761 method does not count."""
    spec = lookup(KEX, name)
    return spec is not None and spec.pq == "hybrid"


@dataclass(frozen=True)
class PqKexStatus:
    offered: bool
    first: bool
    pq_names: tuple[str, ...]
    preferred: str | None


def pq_kex_status(kex_names: Iterable[str]) -> PqKexStatus:
    names = [n for n in kex_names if not is_signal(KEX, n)]
    pq = tuple(n for n in names if is_pq_kex(n))
    return PqKexStatus(
        offered=bool(pq),
        first=bool(names) and is_pq_kex(names[0]),
        pq_names=pq,
        preferred=names[0] if names else None,
    )


# --- finding builders -------------------------------------------------------------------


def _algorithm_finding(
    category: str,
    name: str,
    position: int,
    base: Location,
    component: str,
    evidence: str | None,
    context: dict[str, Any],
) -> Finding:
    spec = lookup(category, name)
    algorithm = spec.algorithm if spec else UNKNOWN
    canonical = catalog().canonical(algorithm) if algorithm != UNKNOWN else None
    params: dict[str, Any] = {"ssh_name": name, **(spec.params if spec else {})}
    ctx: dict[str, Any] = {"position": position, **context}
    if category == HOST_KEY and spec and spec.key_type:
        ctx.setdefault("key_type", spec.key_type)
    return Finding(
        algorithm=canonical or UNKNOWN,
        function=_FUNCTIONS[category],
        asset="algorithm",
        location=dataclasses.replace(base, component=component),
        params=params,
        evidence=evidence if evidence is not None else name,
        context=ctx,
        identity=name,
    )


def algorithm_findings(
    category: str,
    names: Sequence[str],
    base: Location,
    *,
    component: str | None = None,
    evidence: str | None = None,
    context: dict[str, Any] | None = None,
) -> list[Finding]:
    """One finding per algorithm name of one negotiation list (signals skipped; duplicates
    reported once). `evidence` replaces the default evidence (the SSH name), e.g. with the
    configuration line the list came from."""
    extra = dict(context or {})
    if category == KEX:
        status = pq_kex_status(names)
        extra = {"pq_kex_offered": status.offered, "pq_kex_first": status.first, **extra}
    out: list[Finding] = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if name in seen or is_signal(category, name):
            continue
        seen.add(name)
        out.append(
            _algorithm_finding(
                category, name, position, base, component or COMPONENTS[category], evidence, extra
            )
        )
    return out


def kex_findings(names: Sequence[str], base: Location, **kw: Any) -> list[Finding]:
    return algorithm_findings(KEX, names, base, **kw)


def host_key_algorithm_findings(names: Sequence[str], base: Location, **kw: Any) -> list[Finding]:
    return algorithm_findings(HOST_KEY, names, base, **kw)


def cipher_findings(names: Sequence[str], base: Location, **kw: Any) -> list[Finding]:
    return algorithm_findings(CIPHERS, names, base, **kw)


def mac_findings(names: Sequence[str], base: Location, **kw: Any) -> list[Finding]:
    return algorithm_findings(MACS, names, base, **kw)


def compression_findings(names: Sequence[str], base: Location, **kw: Any) -> list[Finding]:
    return algorithm_findings(COMPRESSION, names, base, **kw)


def protocol_finding(
    base: Location,
    kex_names: Sequence[str],
    *,
    protocol_version: str = "2.0",
    evidence: str = "",
    context: dict[str, Any] | None = None,
) -> Finding:
    """The endpoint-level (or configuration-level) finding: which protocol, and whether
    the key exchange offers a post-quantum method and prefers it."""
    status = pq_kex_status(kex_names)
    ssh1 = protocol_version.startswith("1.") and protocol_version != "1.99"
    ctx: dict[str, Any] = {
        "pq_kex_offered": status.offered,
        "pq_kex_first": status.first,
        "pq_kex": list(status.pq_names),
        "preferred_kex": status.preferred,
        "kex": [n for n in kex_names if not is_signal(KEX, n)],
        **(context or {}),
    }
    return Finding(
        algorithm="SSH-1" if ssh1 else "SSH-2.0",
        function="protocol",
        asset="protocol",
        location=dataclasses.replace(base, component=PROTOCOL_COMPONENT),
        params={"protocol_version": protocol_version},
        evidence=evidence or f"SSH protocol {protocol_version}",
        context=ctx,
        identity=f"ssh-{protocol_version}",
        texts=None
        if evidence
        else {"evidence": text_key("ssh.protocol", version=protocol_version)},
    )


@dataclass(frozen=True)
class HostKey:
    """A host key (or certificate) as received from a server or read from a file."""

    key_type: str
    algorithm: str
    fingerprint_sha256: str
    bits: int | None = None
    curve: str | None = None
    certificate: dict[str, Any] | None = None


def host_key_finding(
    key: HostKey,
    base: Location,
    *,
    host_key_algorithms: Sequence[str] = (),
    evidence: str | None = None,
    context: dict[str, Any] | None = None,
) -> Finding:
    params: dict[str, Any] = {"key_type": key.key_type}
    if key.bits is not None:
        params["bits"] = key.bits
    if key.curve is not None:
        params["curve"] = key.curve
    if key.certificate is not None:
        params["certificate"] = True
    ctx: dict[str, Any] = {"fingerprint_sha256": key.fingerprint_sha256}
    if host_key_algorithms:
        ctx["host_key_algorithms"] = list(host_key_algorithms)
    if key.certificate is not None:
        ctx["certificate"] = key.certificate
    ctx.update(context or {})
    return Finding(
        algorithm=catalog().canonical(key.algorithm) or UNKNOWN,
        function="signature",
        asset="key",
        location=dataclasses.replace(base, component=HOST_KEY_COMPONENT),
        params=params,
        evidence=evidence or f"{key.key_type} {key.fingerprint_sha256}",
        context=ctx,
        identity=key.fingerprint_sha256,
    )


# --- OpenSSH defaults and list modifiers -----------------------------------------------

_VERSION = re.compile(r"(\d+)\.(\d+)")


def version_tuple(version: str) -> tuple[int, int] | None:
    """'9.2p1' / '10.0' / 'OpenSSH_8.9p1' -> (9, 2); None when there is no version."""
    match = _VERSION.search(version)
    return (int(match[1]), int(match[2])) if match else None


def openssh_version(software: str) -> str | None:
    """The OpenSSH release ('9.2') from a banner software field ('OpenSSH_9.2p1'), else None."""
    match = re.match(r"OpenSSH_(\d+\.\d+)", software)
    return match[1] if match else None


def openssh_pq_kex(version: str) -> str | None:
    """The hybrid post-quantum key exchange an OpenSSH release ('9.2') has to offer, by the
    first release of each method (rules/ssh/algorithms.yaml `openssh`): an ML-KEM hybrid
    where the release has one, else the oldest spelling of another (sntrup761x25519); None
    before 8.5."""
    wanted = version_tuple(version)
    if wanted is None:
        return None
    cat = catalog()
    found = []
    for spec in ssh_data().specs[KEX].values():
        since = version_tuple(spec.openssh or "")
        if spec.pq == "hybrid" and since is not None and since <= wanted:
            entry = cat.get(spec.algorithm)
            mlkem = entry is not None and any(c.startswith("ML-KEM") for c in entry.components)
            found.append((not mlkem, since, spec.name))
    return min(found)[2] if found else None


@cache
def _defaults() -> dict[str, Any]:
    return load_yaml("ssh/openssh-defaults.yaml")


def directive_list(directive: str) -> str | None:
    """The default-list key ('kex', 'host_key', 'ca_signature', 'ciphers', 'macs') of an
    sshd_config/ssh_config directive (case-insensitive), or None if it takes no list."""
    return _defaults()["directives"].get(directive.lower())


def openssh_defaults(version: str, side: str = "server") -> dict[str, list[str]] | None:
    """The default lists of an OpenSSH release (server = sshd, client = ssh), or None if the
    release predates the data (7.4)."""
    wanted = version_tuple(version)
    if wanted is None:
        return None
    for release in _defaults()["releases"]:
        first = version_tuple(release["versions"]["first"])
        last = release["versions"].get("last")
        upper = None if last is None else version_tuple(last)
        if first and wanted >= first and (last is None or (upper and wanted <= upper)):
            return {k: list(v) for k, v in release[side].items()}
    return None


def _pattern(text: str) -> re.Pattern[str]:
    """OpenSSH match_pattern(): '*' any run of characters, '?' any one character."""
    return re.compile(re.escape(text).replace(r"\*", ".*").replace(r"\?", ".") + r"\Z")


def _expand(pattern: str, candidates: Sequence[str]) -> list[str]:
    if "*" not in pattern and "?" not in pattern:
        return [pattern]
    regex = _pattern(pattern)
    return [c for c in candidates if regex.match(c)]


def resolve_algorithm_list(
    value: str, defaults: Sequence[str], supported: Sequence[str] | None = None
) -> list[str]:
    """The effective list of a KexAlgorithms/HostKeyAlgorithms/Ciphers/MACs/... value, as
    OpenSSH's kex_assemble_names() computes it: '+' appends to the defaults, '-' removes
    every default matching one of the patterns, '^' puts the names before the defaults, a
    plain list replaces them; duplicates are dropped. Wildcards ('*', '?') expand against
    `supported` (openssh_available('kex') for OpenSSH, supported_names('kex') for every
    name qscan knows), or against `defaults` when it is None.
    Literal names are kept even when unknown, so nothing configured leaves the inventory."""
    text = "".join(value.split())
    if not text:
        return list(defaults)
    pool = list(supported) if supported is not None else list(defaults)
    op, body = (text[0], text[1:]) if text[0] in "+-^" else ("", text)
    patterns = [p for p in body.split(",") if p]
    if op == "-":
        regexes = [_pattern(p) for p in patterns]
        return [d for d in defaults if not any(r.match(d) for r in regexes)]
    expanded: list[str] = []
    for pattern in patterns:
        expanded.extend(_expand(pattern, pool))
    if op == "+":
        ordered = [*defaults, *expanded]
    elif op == "^":
        ordered = [*expanded, *defaults]
    else:
        ordered = expanded
    return list(dict.fromkeys(ordered))


def openssh_available(list_key: str) -> list[str]:
    """The names OpenSSH (9.2 as built by Debian 12) supports for a default-list key ('kex',
    'host_key', 'ca_signature', 'ciphers', 'macs'), in the order it expands wildcards: pass
    it as `supported` to resolve_algorithm_list() for an OpenSSH configuration."""
    key = HOST_KEY if list_key == "ca_signature" else list_key
    return list(_defaults()["available"][key])


def supported_names(category: str) -> list[str]:
    """Every exact SSH name known for a category ('kex', 'host_key', 'ciphers', 'macs',
    'compression'), for wildcard expansion in resolve_algorithm_list()."""
    return ssh_data().names(HOST_KEY if category == "ca_signature" else category)
