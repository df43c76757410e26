"""The finding model shared by every stage; plain dataclasses with a JSON round trip."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

SCHEMA_ID = "qscan/inventory@1"
_CANONICAL = json.JSONEncoder(sort_keys=True, default=str)
# JSONEncoder.encode builds a new C encoder on every call, most of its cost for small dicts;
# this one is built once with the same settings (no circular-reference check: params are data).
_CANONICAL_C = (
    json.encoder.c_make_encoder(
        None, str, json.encoder.encode_basestring_ascii, None, ": ", ", ", True, False, True
    )
    if json.encoder.c_make_encoder is not None
    else None
)


def canonical_json(value: Any) -> str:
    """Sorted-key JSON (non-JSON values as str), exactly as `_CANONICAL.encode` writes it."""
    if _CANONICAL_C is None:
        return _CANONICAL.encode(value)
    return "".join(_CANONICAL_C(value, 0))


_PARAMS_JSON: dict[tuple[Any, ...], str] = {}
_PARAMS_JSON_MAX = 4096


def _params_json(params: dict[str, Any]) -> str:
    """canonical_json of a finding's params, memoised: the same few recur across thousands
    of findings (an RSA-2048 key, an ECDSA-with-SHA-256 signature). The key holds the value
    types too, so that True and 1, or 2048 and 2048.0, stay apart; unhashable values (lists)
    are encoded each time."""
    try:
        key = (*params.items(), *map(type, params.values()))
        return _PARAMS_JSON[key]
    except KeyError:
        if len(_PARAMS_JSON) >= _PARAMS_JSON_MAX:
            _PARAMS_JSON.clear()
        text = _PARAMS_JSON[key] = canonical_json(params)
        return text
    except TypeError:
        return canonical_json(params)


STATUSES = ("quantum-safe", "hybrid", "quantum-vulnerable", "classically-broken", "unknown")
SEVERITIES = ("critical", "high", "medium", "low", "info")
FUNCTIONS = (
    "key-exchange",
    "kem",
    "signature",
    "encryption",
    "hash",
    "mac",
    "kdf",
    "random",
    "key-generation",
    "key-storage",
    "protocol",
    "unknown",
)


def severity_rank(severity: str) -> int:
    """Higher is more severe; unknown severities rank lowest."""
    return len(SEVERITIES) - SEVERITIES.index(severity) if severity in SEVERITIES else 0


class _Positional:
    """Pickles as its class called with its field values in order. File-scanning workers
    send their findings to the scanning process by pickle, and positional arguments load in
    half the time of the default attribute dictionary."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), tuple(vars(self).values()))


@dataclass
class Location(_Positional):
    target: str
    component: str = ""
    path: str | None = None
    line: int | None = None
    host: str | None = None
    port: int | None = None
    service: str | None = None
    sni: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass
class Verdict:
    status: str
    severity: str
    rule: str
    title: str
    why: str
    fix: str
    deadline: str | None = None
    deadline_note: str | None = None


@dataclass
class Priority:
    score: int
    wave: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class Finding(_Positional):
    algorithm: str
    function: str
    asset: str
    location: Location
    params: dict[str, Any] = field(default_factory=dict)
    evidence: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    identity: str = ""
    """What makes this use unique inside its location (e.g. a certificate's SHA-256),
    in place of the line number, so that the fingerprint survives unrelated edits."""
    fingerprint: str = ""
    verdict: Verdict | None = None
    priority: Priority | None = None

    def __post_init__(self) -> None:
        if not self.fingerprint:
            self.fingerprint = self.compute_fingerprint()

    def compute_fingerprint(self) -> str:
        loc = self.location
        where = loc.path if loc.path is not None else f"{loc.host}:{loc.port}/{loc.service}"
        basis = [
            loc.target if loc.path is None else "",
            where,
            loc.component,
            self.algorithm,
            self.function,
            self.asset,
            _params_json(self.params),
            self.identity or self.evidence,
        ]
        return hashlib.sha256("\x1f".join(basis).encode("utf-8", "replace")).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "fingerprint": self.fingerprint,
            "algorithm": self.algorithm,
            "params": self.params,
            "function": self.function,
            "asset": self.asset,
            "location": self.location.to_dict(),
            "evidence": self.evidence,
            "context": self.context,
        }
        if self.verdict is not None:
            out["verdict"] = dict(vars(self.verdict))
        if self.priority is not None:
            out["priority"] = dict(vars(self.priority))
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        verdict = data.get("verdict")
        priority = data.get("priority")
        return cls(
            algorithm=data["algorithm"],
            function=data["function"],
            asset=data["asset"],
            location=Location(**_known(Location, data["location"])),
            params=dict(data.get("params") or {}),
            evidence=data.get("evidence", ""),
            context=dict(data.get("context") or {}),
            fingerprint=data["fingerprint"],
            verdict=Verdict(**_known(Verdict, verdict)) if verdict else None,
            priority=Priority(**_known(Priority, priority)) if priority else None,
        )


@dataclass
class ScanError:
    target: str
    kind: str
    message: str
    path: str | None = None
    host: str | None = None
    port: int | None = None
    context: dict[str, Any] | None = None
    """Attribution added after the scan (organisation, system, owner from the estate)."""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanError:
        return cls(**_known(cls, data))


@dataclass
class Inventory:
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    policy: str = "nist-ir-8547"
    scanned_at: str = ""
    tool: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    """Top-level fields added by later stages (estate, organisation, summary); kept on round trip."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA_ID,
            "tool": self.tool,
            "scanned_at": self.scanned_at,
            "policy": self.policy,
            "targets": self.targets,
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
        }
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Inventory:
        if data.get("schema") != SCHEMA_ID:
            raise ValueError(f"not a qscan inventory (schema {data.get('schema')!r})")
        core = {"schema", "tool", "scanned_at", "policy", "targets", "findings", "errors"}
        return cls(
            findings=[Finding.from_dict(f) for f in data.get("findings", [])],
            errors=[ScanError.from_dict(e) for e in data.get("errors", [])],
            targets=list(data.get("targets", [])),
            policy=data.get("policy", "nist-ir-8547"),
            scanned_at=data.get("scanned_at", ""),
            tool=dict(data.get("tool", {})),
            extra={k: v for k, v in data.items() if k not in core},
        )


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}
