"""The finding model shared by every stage; plain dataclasses with a JSON round trip."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Self

SCHEMA_ID = "qscan/inventory@1"
_CANONICAL = json.JSONEncoder(sort_keys=True, default=str)
# JSONEncoder.encode builds a new C encoder on every call, most of its cost for small dicts;
# this one is built once with the same settings (no circular-reference check: params are data).
_MAKE_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)  # not in typeshed's stub
_CANONICAL_C = (
    _MAKE_C_ENCODER(
        None, str, json.encoder.encode_basestring_ascii, None, ": ", ", ", True, False, True
    )
    if _MAKE_C_ENCODER is not None
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
READY = STATUSES[:2]
"""The statuses that count as quantum-ready (readiness shares, nothing left to migrate)."""
COMPONENT_FACTS = ("role", "tls_version")
"""Context keys that give as data what the location's component says in words
("certificate chain[1] signature", "tls1.2 cipher suite"), so that programs need not parse
the component; reports show the component and leave these out."""
SIGNATURE_ROLES = ("signature", "alternative signature")
"""`context.role` of a certificate's signature findings; the others are "public key" and
"alternative public key" (and "private key" for keys at rest)."""
CERTIFICATE_CHECK = "certificate check"
"""`context.role` of a finding about a certificate as a whole rather than one of its
algorithms (a TLS server's leaf that has expired or does not name the server); the problem
is in `context.check` and ends its component."""
SCOPES = ("production", "test", "documentation", "vendored")
"""`context.material_scope` of a finding: what kind of material it was found in (rules/scopes.yaml).
Only production material drives the priority; the others are counted and shown apart."""
PRODUCTION = SCOPES[0]
DEFAULT_POLICY = "nist-ir-8547"
"""The policy timeline of a scan that names none, and of an inventory that records none."""
SEVERITIES = ("critical", "high", "medium", "low", "info")
RESOURCE_LIMIT = "resource-limit"
"""The error kind of a target lost to the scanning machine's limits (no file descriptor
was free): the inventory is incomplete for a reason that is not the target's."""
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
PROTOCOL = "protocol"
"""The function of a protocol version finding (TLS 1.0, SSH-2.0): a protocol, not an
algorithm, so it is counted apart from the algorithms."""


def scope_of(finding: Finding) -> str:
    """The finding's scope; findings without one (endpoints, older inventories) are
    production."""
    scope = finding.context.get("material_scope")
    return scope if scope in SCOPES else PRODUCTION


STATUS_ORDER = ("classically-broken", "quantum-vulnerable", "unknown", "hybrid", "quantum-safe")
"""The statuses from worst to best."""


_STATUS_RANK = {status: n for n, status in enumerate(STATUS_ORDER)}
_SEVERITY_RANK = {severity: len(SEVERITIES) - n for n, severity in enumerate(SEVERITIES)}


def status_rank(status: str) -> int:
    """Lower is worse; unknown statuses rank with "unknown"."""
    return _STATUS_RANK.get(status, 2)


def place_text(
    path: str | None,
    host: str | None,
    port: int | None,
    service: str | None,
    target: str = "",
    line: int | None = None,
) -> str:
    """Where a finding is, for people (no component): an endpoint as service://host:port; a
    file with the scan target it was found under, so that equal paths in two repositories
    never look alike, and with its line where one is given:

    - a file in a scanned folder or repository: `repo-a: docs/usage.rst`
    - a file scanned on its own (the target is the file): `certs/www.pem`
    - a file under the current folder (target `.`) or without a target: `docs/usage.rst`
    """
    if path is None:
        shown = f"[{host}]" if host and ":" in host else host
        return f"{service or 'tls'}://{shown}:{port}"
    if target.rstrip("/") in ("", "."):
        text = path
    elif is_file_target(target, path):
        text = target
    else:
        text = f"{target}: {path}"
    return f"{text}:{line}" if line else text


def is_file_target(target: str, path: str) -> bool:
    """True when the scan target is the file itself: the scanners then give only its name."""
    target = target.replace("\\", "/").rstrip("/")
    path = path.replace("\\", "/")
    return target == path or target.endswith("/" + path)


Text = dict[str, Any]
"""A fixed English text of a record, said by its message key: `{"key": KEY, "args": {NAME:
VALUE}}`, where KEY names the text `texts.KEY` of reports/i18n/<lang>.yaml and a value is
a scalar or a nested Text. The record keeps its English text as it is (the inventory is the
interchange format); reports in another language say it from the key, and fall back to the
English text when a key, an argument or a translation is missing."""


def text_key(key: str, /, **args: Any) -> Text:
    """The Text of a message key and its arguments (see Text)."""
    return {"key": key, "args": args} if args else {"key": key}


def severity_rank(severity: str) -> int:
    """Higher is more severe; unknown severities rank lowest."""
    return _SEVERITY_RANK.get(severity, 0)


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
    issue: str = ""
    """The id of the issue (one rule on one asset) this finding belongs to, set by assess."""
    texts: dict[str, Text] | None = None
    """The Text of each fixed English text of the finding, by field: `evidence`, or
    `context.KEY` for a context value."""

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
        if self.issue:
            out["issue"] = self.issue
        if self.texts:
            out["texts"] = self.texts
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
            issue=str(data.get("issue") or ""),
            texts=data.get("texts") or None,
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
    line: int | None = None
    """The line of `path` the record is about (the message starts with it too)."""
    texts: dict[str, Text] | None = None
    """The Text of the message (`{"message": Text}`), as on a finding."""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        return cls(**_known(cls, data))


@dataclass
class ScanNote(ScanError):
    """Something a scan met that is worth knowing but that did not keep a target from being
    scanned completely: a key or certificate fragment in source code or documentation that
    does not parse (an example shortened on purpose), a target listed twice or inside
    another one. The fields of an error record; kept apart in `Inventory.notes`, so that
    notes never count as errors (reports, `--strict`)."""


TARGET_UNREADABLE = "target-unreadable"
TARGET_ERRORS = ("not-found", TARGET_UNREADABLE, "unsupported-target")
"""Error kinds that mean a whole target could not be scanned: the scan exits non-zero
(qscan.assess.gate) whether or not --strict was given."""


@dataclass
class Inventory:
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    policy: str = DEFAULT_POLICY
    scanned_at: str = ""
    tool: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    """Top-level fields added by later stages (estate, organisation, summary); kept on round trip."""
    notes: list[ScanNote] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA_ID,
            "tool": self.tool,
            "scanned_at": self.scanned_at,
            "policy": self.policy,
            "targets": self.targets,
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "notes": [n.to_dict() for n in self.notes],
        }
        out.update(self.extra)
        return out

    def to_json(self) -> str:
        """The canonical JSON inventory (see `json_chunks`)."""
        return "".join(self.json_chunks())

    def json_chunks(self) -> Iterator[str]:
        """The canonical JSON inventory in pieces, to be written one after the other.
        Top-level fields are indented; each finding, error, note and issue is one compact
        line. That keeps the file readable, greppable and diffable line by line, and lets the
        C encoder do the work (an indented dump falls back to the pure-Python encoder: about
        4x slower and 1.6x larger). The records are turned into dictionaries and lines one
        at a time and the document is never joined into one string: a large inventory's
        JSON is written with no more memory than one record's line."""
        records: dict[str, Sequence[Finding | ScanError | ScanNote]] = {
            "findings": self.findings,
            "errors": self.errors,
            "notes": self.notes,
        }
        fields_ = replace(self, findings=[], errors=[], notes=[]).to_dict().items()
        for n, (key, value) in enumerate(fields_):
            yield f"{'{' if n == 0 else ','}\n  {json.dumps(key)}: "
            if key in records:
                yield from _json_lines(records[key])
            elif key in LINE_ARRAYS and isinstance(value, list):
                yield from _json_lines(value)
            else:
                text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
                yield text.replace("\n", "\n  ")
        yield "\n}\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> Inventory:
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Inventory:
        if data.get("schema") != SCHEMA_ID:
            raise ValueError(f"not a qscan inventory (schema {data.get('schema')!r})")
        core = {"schema", "tool", "scanned_at", "policy", "targets", "findings", "errors", "notes"}
        return cls(
            findings=[Finding.from_dict(f) for f in data.get("findings", [])],
            errors=[ScanError.from_dict(e) for e in data.get("errors", [])],
            notes=[ScanNote.from_dict(n) for n in data.get("notes", [])],
            targets=list(data.get("targets", [])),
            policy=data.get("policy", DEFAULT_POLICY),
            scanned_at=data.get("scanned_at", ""),
            tool=dict(data.get("tool", {})),
            extra={k: v for k, v in data.items() if k not in core},
        )


LINE_ARRAYS = ("issues",)
"""Top-level arrays of `extra` written one compact item per line, like the findings."""
_JSON_LINE = json.JSONEncoder(ensure_ascii=False, default=str, separators=(", ", ": "))


def _json_lines(items: Sequence[Finding | ScanError | ScanNote | dict[str, Any]]) -> Iterator[str]:
    if not items:
        yield "[]"
        return
    separator = "[\n    "
    for item in items:
        yield separator + _JSON_LINE.encode(item if isinstance(item, dict) else item.to_dict())
        separator = ",\n    "
    yield "\n  ]"


def object_at(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    """`data[key]` when it is a JSON object, else an empty one: optional parts of an
    inventory (estate, gate, context) may be missing or malformed in files from elsewhere."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}
