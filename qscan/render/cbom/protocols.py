"""Protocol components: TLS or SSH on one endpoint, or in one configuration file and scope.

A protocol lists its versions, its cipher suites (name, the algorithms a suite is made of,
its codepoint) and references every algorithm, certificate and key it offers or configures.
Protocol versions, SSH compression and the SSH banner are protocol facts, never algorithms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.catalog import Catalog
from qscan.model import Finding
from qscan.protocols import ssh, tls
from qscan.render.cbom.evidence import Evidence, component, endpoint

SSH_COMPONENTS = frozenset(
    {ssh.PROTOCOL_COMPONENT, ssh.HOST_KEY_COMPONENT, *ssh.COMPONENTS.values()}
)
_OWN_PARAMS = ("bits", "curve", "mode", "hash", "padding")

Part = tuple[str, str, dict[str, Any]]
"""One algorithm a cipher suite is made of: (algorithm, function, params)."""


def protocol_key(f: Finding, path: str | None) -> tuple[str, ...] | None:
    """Which protocol component a finding belongs to: (kind, place, scope), or None.
    Endpoint findings belong to their endpoint's; file findings to the TLS or SSH settings
    of their file and scope (an nginx server block, an Apache virtual host)."""
    loc = f.location
    if loc.path is None:
        if loc.host is None:
            return None
        kind = "ssh" if loc.service == "ssh" else "tls"
        where = endpoint(loc)
        if loc.sni and loc.sni != loc.host:
            where = f"{where} ({loc.sni})"
        return (kind, "endpoint", where, loc.service or kind)
    if loc.component in SSH_COMPONENTS:
        kind = "ssh"
    elif f.asset == "protocol":
        kind = "tls"
    else:
        return None
    return (kind, "file", path or "", str(f.context.get("scope") or ""))


@dataclass
class ProtocolAsset:
    kind: str
    ref: str
    name: str
    service: str
    evidence: Evidence = field(default_factory=Evidence)
    versions: dict[str, int] = field(default_factory=dict)
    suites: dict[str, tuple[set[str], str | None]] = field(default_factory=dict)
    algorithms: set[str] = field(default_factory=set)
    material: set[str] = field(default_factory=set)
    """Certificates and keys."""

    def version(self, f: Finding) -> None:
        """A protocol-version finding (TLS 1.2, SSH-2.0): its version, ordered."""
        if self.kind == "ssh":
            number = str(f.params.get("protocol_version") or "")
            if number:
                self.versions[number] = 0
            return
        found = tls.version_by_name(str(f.params.get("version") or f.algorithm))
        if found is not None:
            self.versions[found.name] = found.codepoint

    def suite(self, name: str, refs: list[str], codepoint: int | None) -> None:
        entry = self.suites.setdefault(name, (set(), None))
        entry[0].update(refs)
        if entry[1] is None and codepoint is not None:
            self.suites[name] = (entry[0], tls.hex16(codepoint))

    def component(self) -> dict[str, Any]:
        props: dict[str, Any] = {"type": self.kind}
        ordered = sorted(self.versions, key=lambda v: (self.versions[v], v))
        if ordered:
            highest = ordered[-1]
            props["version"] = highest[4:] if highest.startswith("TLS ") else highest
        if self.suites:
            props["cipherSuites"] = [
                {"name": name, "algorithms": sorted(refs), "identifiers": [code]}
                if code
                else {"name": name, "algorithms": sorted(refs)}
                for name, (refs, code) in sorted(self.suites.items())
            ]
        refs = self.algorithms | self.material
        if refs:
            props["cryptoRefArray"] = sorted(refs)
        properties = []
        if len(ordered) > 1:
            properties.append({"name": "qscan:versions", "value": ", ".join(ordered)})
        if self.service not in ("tls", "ssh", ""):
            properties.append({"name": "qscan:service", "value": self.service})
        crypto = {"assetType": "protocol", "protocolProperties": props}
        return component(self.ref, self.name, crypto, self.evidence, properties)


def new_protocol(key: tuple[str, ...]) -> ProtocolAsset:
    kind, where_kind, where, extra = key
    label = "SSH" if kind == "ssh" else "TLS"
    if where_kind == "endpoint":
        asset = ProtocolAsset(kind, f"crypto/protocol/{kind}/{where}", f"{label} {where}", extra)
        asset.evidence.add((where, 0, extra))
        return asset
    scope = f"#{extra}" if extra else ""
    name = f"{label} {where}" + (f" ({extra})" if extra else "")
    return ProtocolAsset(kind, f"crypto/protocol/{kind}/file/{where}{scope}", name, "")


def is_suite(f: Finding) -> bool:
    return "suite" in f.params and f.params.get("codepoint") is not None


def suite_uses(cat: Catalog, f: Finding) -> list[tuple[Part, bool]]:
    """The algorithms of a cipher-suite finding: (part, whether the finding is about it).
    The finding names one of them (the key exchange, or the cipher where there is none);
    the suite table gives the others, and the finding's own parameters win for its own."""
    code = tls.codepoint_int(f.params["codepoint"])
    own = cat.canonical(f.algorithm) or f.algorithm
    uses: list[tuple[Part, bool]] = []
    found = False
    for algorithm, function, params in suite_parts(cat, code):
        if not found and algorithm == own:
            found = True
            mine = {k: f.params[k] for k in _OWN_PARAMS if f.params.get(k) is not None}
            uses.append(((algorithm, f.function, {**params, **mine}), True))
        else:
            uses.append(((algorithm, function, params), False))
    if not found:
        uses.append(((f.algorithm, f.function, f.params), True))
    return uses


@cache
def suite_parts(cat: Catalog, code: int) -> tuple[Part, ...]:
    """The key exchange, authentication, cipher (with its mode), record MAC and PRF hash of
    the suite with this codepoint (rules/tls/cipher_suites.yaml); () for an unknown one."""
    suite = tls.suite(code)
    if suite is None:
        return ()
    parts: list[Part] = []
    if suite.kx_algorithm:
        parts.append((suite.kx_algorithm, "key-exchange", {}))
    au = cat.get(suite.au)
    if au is not None and au.primitive in ("pke", "signature") and au.name != suite.kx_algorithm:
        parts.append((au.name, "signature", {}))
    cipher = cat.get(suite.cipher)
    if cipher is not None:
        parts.append((cipher.name, "encryption", _cipher_params(suite.enc, cipher.parameter_set)))
    if suite.mac not in ("AEAD", "NULL"):
        mac = cat.canonical("HMAC-" + suite.mac.removeprefix("HMAC-").replace("SHA-", "SHA"))
        if mac:
            parts.append((mac, "mac", {}))
    prf = cat.canonical(suite.prf)
    if prf:
        parts.append((prf, "hash", {}))
    return tuple(parts)


_MODES = ("CBC", "GCM", "CCM", "CTR", "ECB", "CFB", "OFB", "MGM", "CNT")


def _cipher_params(enc: str, fixed_size: str | None) -> dict[str, Any]:
    """Mode and key size from a suite's enc field: AES-128-CCM-8 -> CCM-8; RC4-40 -> 40 bits
    (only where the cipher's name does not fix the size)."""
    params: dict[str, Any] = {}
    for token in enc.replace("CCM-8", "CCM8").split("-")[1:]:
        if token in _MODES or token == "CCM8":
            params["mode"] = token
        elif token.isdigit() and fixed_size is None:
            params["bits"] = int(token)
    return params
