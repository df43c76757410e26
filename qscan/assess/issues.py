"""Issues, not rows: the findings of one rule on one asset are one issue.

Findings stay atomic (one algorithm use in one place); an officer acts on issues: "this
endpoint accepts RSA key transport" (16 suites), "this certificate has an RSA-1024 key"
(public key and signature), "this file generates RSA keys" (five calls). Every summary,
count, top list and system priority is computed from this one grouping, so no view can
disagree with another.

The asset of a finding, always within one organisation and one system (context.system,
set by estate attribution), so that an asset two systems hold is an issue of each:
  certificate   the certificate (context.sha256) wherever it is (files, keystores,
                endpoints): re-issuing it is one piece of work; without a hash, the file or
                endpoint it was seen in
  endpoint      host, port, service (and SNI) of a network finding
  key           a key or keystore: its identity (public key hash, SSH fingerprint) wherever
                it is (a private key and its .pub are one key), else the file and the
                component without chain indices
  file          configuration and source code: the file, and the configuration block
                (context.scope: an nginx server, an Apache virtual host) where there is one
An issue lists every place it was seen (`places`); one seen in several is labelled by the
certificate's subject or the key's identity rather than by one of its files.
The issue id is a hash of the rule and the asset (never of line numbers), so it survives
edits elsewhere in the file; within an organisation of a merged inventory it is the same as
in the inventory the finding came from. An issue's priority is its worst member's.

Grouping works on Finding objects (assess, render) and on finding dictionaries as streamed
from JSON (merge, roadmap aggregates) alike, and does not depend on the order of the findings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from qscan.model import (
    PRODUCTION,
    PROTOCOL,
    READY,
    SCOPES,
    Finding,
    Inventory,
    Priority,
    place_text,
    scope_of,
    severity_rank,
    status_rank,
)

KINDS = ("endpoint", "certificate", "key", "file")
ATTRIBUTION = ("organisation", "organisation_id", "system", "owner")
_INDEX = re.compile(r"\s*\[\d+\]")
_KEY_IDENTITY = ("public_key_sha256", "ssh_fingerprint")


class Asset(NamedTuple):
    kind: str
    label: str
    """Short words for people: `tls://host:443`, `pki/root.pem: CN=Root`, `app.py`."""
    name: str
    """The asset without a place (a certificate's subject, a key's description): the label
    of an issue found in several places."""
    place: str
    """The file path or service://host:port it is in."""
    seen: str
    """Where this finding saw it, for people: the place with its scan target and, for a
    certificate or a key, its line (`examples: pki/root.pem:1`)."""
    key: tuple[str, ...]


def component_base(component: str) -> str:
    """The component without chain and list indices ("certificate chain[2] public key" ->
    "certificate chain public key")."""
    return _INDEX.sub("", component)


def asset_of(
    asset: str, location: Mapping[str, Any], context: Mapping[str, Any], algorithm: str = ""
) -> Asset:
    """What a finding is about, from its asset type, location, context and algorithm.

    Every key starts with the organisation and the system (context.system, set by estate
    attribution): an asset that two systems hold is an issue of each, so each system's
    priority sees it."""
    path = location.get("path")
    host, port, service = location.get("host"), location.get("port"), location.get("service")
    where = place_text(path, host, port, service)
    target = str(location.get("target") or "") if path is not None else ""
    # for people: `repo-a: app.py`, and where this finding saw it: `repo-a: app.py:3`
    shown = place_text(path, host, port, service, target) if target else where
    line = location.get("line")
    seen = f"{shown}:{line}" if path is not None and isinstance(line, int) and line else shown
    owner = (str(context.get("organisation_id") or ""), str(context.get("system") or ""))
    component = str(location.get("component") or "")
    if asset == "certificate":
        sha256 = str(context.get("sha256") or "")
        subject = str(context.get("subject") or "")
        label = f"{shown}: {subject}" if subject else shown
        # the certificate, wherever this system holds it; without a hash, in its place
        which = (sha256,) if sha256 else (subject or component_base(component), target, where)
        return Asset("certificate", label, subject or label, where, seen, (*owner, asset, *which))
    if path is None:
        sni = str(location.get("sni") or "")
        label = f"{where} (SNI {sni})" if sni and sni != host else where
        endpoint = (*owner, "endpoint", str(host), str(port), str(service), sni)
        return Asset("endpoint", label, label, where, where, endpoint)
    if asset in ("key", "keystore"):
        identity = next(((k, str(context[k])) for k in _KEY_IDENTITY if context.get(k)), None)
        base = component_base(component)
        comment = str(context.get("comment") or "")
        label = f"{shown} ({base}{': ' + comment if comment else ''})" if base else shown
        if identity is None:
            return Asset("key", label, label, where, seen, (*owner, "key", target, path, base))
        name = _key_name(algorithm, *identity) + (f" ({comment})" if comment else "")
        return Asset("key", label, name, where, seen, (*owner, "key", identity[1]))
    block = str(context.get("scope") or "")
    label = f"{shown} ({block})" if block else shown
    return Asset("file", label, label, where, shown, (*owner, "file", target, path, block))


def _key_name(algorithm: str, field: str, identity: str) -> str:
    """A key in words, by its identity: `Ed25519 key SHA256:PwHs...` (an SSH fingerprint as
    ssh-keygen prints it), `RSA key, public key SHA-256 f5252c3720fb3728...`."""
    kind = f"{algorithm} key" if algorithm and algorithm != "unknown" else "key"
    if field == "ssh_fingerprint":
        return f"{kind} {identity}"
    return f"{kind}, public key SHA-256 {identity[:16]}…"


def issue_id(rule: str, asset: Asset) -> str:
    return hashlib.sha256("\x1f".join((rule, *asset.key)).encode("utf-8", "replace")).hexdigest()[
        :16
    ]


class Member(NamedTuple):
    """What grouping needs of one finding, from an object or a JSON dictionary."""

    fingerprint: str
    rule: str
    title: str
    severity: str
    status: str
    deadline: str | None
    score: int
    wave: int
    reasons: Sequence[Any]
    """As stored (strings); copied only for the issue's most urgent member."""
    algorithm: str
    function: str
    component: str
    line: int | None
    scope: str
    asset: Asset
    attribution: dict[str, str]
    stored_issue: str
    deadline_class: str = ""
    """The policy deadline class (kex-112, sig-128, now, ...), where the caller knows it."""


def member_of(finding: Finding) -> Member:
    v, p, loc = finding.verdict, finding.priority, finding.location
    return Member(
        fingerprint=finding.fingerprint,
        rule=v.rule if v else "",
        title=v.title if v else "",
        severity=v.severity if v else "info",
        status=v.status if v else "unknown",
        deadline=v.deadline if v else None,
        score=p.score if p else 0,
        wave=p.wave if p else 4,
        reasons=p.reasons if p else [],
        algorithm=finding.algorithm,
        function=finding.function,
        component=loc.component,
        line=loc.line,
        scope=scope_of(finding),
        asset=asset_of(finding.asset, vars(loc), finding.context, finding.algorithm),
        attribution=_attribution(finding.context),
        stored_issue=finding.issue,
    )


def member_of_dict(finding: Mapping[str, Any], deadline_class: str = "") -> Member:
    """The member of a finding as read from a JSON inventory (qscan.inventories.stream)."""
    v = _mapping(finding.get("verdict"))
    p = _mapping(finding.get("priority"))
    loc = _mapping(finding.get("location"))
    context = _mapping(finding.get("context"))
    scope = context.get("material_scope")
    wave = p.get("wave")
    score = p.get("score")
    line = loc.get("line")
    algorithm = str(finding.get("algorithm") or "unknown")
    return Member(
        fingerprint=str(finding.get("fingerprint") or ""),
        rule=str(v.get("rule") or ""),
        title=str(v.get("title") or ""),
        severity=str(v.get("severity") or "info"),
        status=str(v.get("status") or "unknown"),
        deadline=v.get("deadline") if isinstance(v.get("deadline"), str) else None,
        score=score if isinstance(score, int) else 0,
        wave=wave if wave in (1, 2, 3, 4) else 4,
        reasons=p.get("reasons") or (),
        algorithm=algorithm,
        function=str(finding.get("function") or "unknown"),
        component=str(loc.get("component") or ""),
        line=line if isinstance(line, int) else None,
        scope=scope if scope in SCOPES else PRODUCTION,
        asset=asset_of(str(finding.get("asset") or ""), loc, context, algorithm),
        attribution=_attribution(context),
        stored_issue=str(finding.get("issue") or ""),
        deadline_class=deadline_class,
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _attribution(context: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(context[k]) for k in ATTRIBUTION if context.get(k)}


def _urgency(m: Member) -> tuple[int, int, int, str]:
    """Sorts the most urgent member first: lowest wave, highest score, worst severity."""
    return (m.wave, -m.score, -severity_rank(m.severity), m.fingerprint)


@dataclass
class Issue:
    id: str
    rule: str
    title: str
    severity: str
    status: str
    kind: str
    asset: str
    place: str
    scope: str
    priority: Priority
    deadline: str | None
    deadline_class: str
    """The deadline class of its most urgent member, where known (merged aggregates)."""
    members: list[str]
    algorithms: list[str]
    """The algorithms of its findings (protocol versions are in `protocols`)."""
    component: str
    """The component all members share (without indices: "tls1.2 cipher suite"), or ""."""
    lines: list[int]
    protocols: list[str] = field(default_factory=list)
    """The protocol versions of its findings (TLS 1.0, SSH-2.0)."""
    places: list[str] = field(default_factory=list)
    """Every place it was seen, with scan target and (certificates, keys) line, sorted."""
    attribution: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list, repr=False)
    """The member findings, when the issue was grouped from Finding objects (renderers)."""

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def ready(self) -> bool:
        return self.status in READY

    @property
    def production(self) -> bool:
        return self.scope == PRODUCTION

    @property
    def in_effect(self) -> bool:
        """False when every member is in a configuration the server does not read
        (`context.in_effect: false`, rules/scopes.yaml linked_configs)."""
        return not self.findings or any(
            f.context.get("in_effect") is not False for f in self.findings
        )

    @property
    def informational(self) -> bool:
        """Nothing to act on: severity info, or already quantum-safe or hybrid."""
        return self.severity == "info" or self.ready

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "status": self.status,
            "kind": self.kind,
            "asset": self.asset,
            "place": self.place,
            "scope": self.scope,
            "count": self.count,
            "members": self.members,
            "algorithms": self.algorithms,
            "places": self.places,
        }
        if self.protocols:
            out["protocols"] = self.protocols
        if self.component:
            out["component"] = self.component
        if self.lines:
            out["lines"] = self.lines
        if self.deadline:
            out["deadline"] = self.deadline
        out["priority"] = {
            "score": self.priority.score,
            "wave": self.priority.wave,
            "reasons": list(self.priority.reasons),
        }
        out.update(self.attribution)
        return out


class _Draft:
    """One issue while its members come in: running figures, not the members themselves
    (a merge streams millions of findings), and the most urgent member so far."""

    __slots__ = (
        "id",
        "worst",
        "worst_key",
        "fingerprints",
        "severity",
        "status",
        "scope",
        "deadline",
        "algorithms",
        "protocols",
        "places",
        "components",
        "lines",
        "findings",
    )

    def __init__(self, id: str, first: Member) -> None:
        self.id = id
        self.worst = first
        self.worst_key = _urgency(first)
        self.fingerprints: list[str] = []
        self.severity = first.severity
        self.status = first.status
        self.scope = first.scope
        self.deadline: str | None = None
        self.algorithms: set[str] = set()
        self.protocols: set[str] = set()
        self.places: set[str] = set()
        self.components: set[str] = set()
        self.lines: set[int] = set()
        self.findings: list[Finding] = []

    def add(self, m: Member, finding: Finding | None) -> None:
        self.fingerprints.append(m.fingerprint)
        key = _urgency(m)
        if key < self.worst_key:
            self.worst, self.worst_key = m, key
        if m.severity != self.severity and severity_rank(m.severity) > severity_rank(self.severity):
            self.severity = m.severity
        if m.status != self.status and status_rank(m.status) < status_rank(self.status):
            self.status = m.status
        if m.scope != self.scope and SCOPES.index(m.scope) < SCOPES.index(self.scope):
            self.scope = m.scope
        if m.deadline and (self.deadline is None or m.deadline < self.deadline):
            self.deadline = m.deadline
        (self.protocols if m.function == PROTOCOL else self.algorithms).add(m.algorithm)
        self.places.add(m.asset.seen)
        self.components.add(component_base(m.component))
        if m.line:
            self.lines.add(m.line)
        if finding is not None:
            self.findings.append(finding)

    def build(self) -> Issue:
        worst = self.worst
        kind = worst.asset.kind
        places = sorted(self.places)
        return Issue(
            id=self.id,
            rule=worst.rule,
            title=worst.title,
            severity=self.severity,
            status=self.status,
            kind=kind,
            asset=worst.asset.name if len(places) > 1 else worst.asset.label,
            place=worst.asset.place,
            scope=self.scope,
            priority=Priority(worst.score, worst.wave, [str(r) for r in worst.reasons]),
            deadline=self.deadline,
            deadline_class=worst.deadline_class,
            members=sorted(self.fingerprints),
            algorithms=sorted(self.algorithms),
            protocols=sorted(self.protocols),
            places=places,
            component=next(iter(self.components)) if len(self.components) == 1 else "",
            lines=sorted(self.lines) if kind == "file" else [],
            attribution=dict(worst.attribution),
            findings=sorted(self.findings, key=lambda f: f.fingerprint),
        )


class IssueSet:
    """Issues as their members are added one at a time, in any order."""

    def __init__(self) -> None:
        self._drafts: dict[tuple[str, str], _Draft] = {}
        """By organisation and issue id: ids are unique within an organisation (the same
        endpoint scanned by two organisations is an issue of each)."""

    def __len__(self) -> int:
        return len(self._drafts)

    def add(self, member: Member, finding: Finding | None = None) -> str:
        """Add one member; returns its issue id (the one stored with the finding, if any,
        so that a re-rendered or merged inventory keeps its grouping)."""
        id = member.stored_issue or issue_id(member.rule, member.asset)
        key = (member.attribution.get("organisation_id", ""), id)
        draft = self._drafts.get(key)
        if draft is None:
            draft = self._drafts[key] = _Draft(id, member)
        draft.add(member, finding)
        return id

    def issues(self) -> list[Issue]:
        """Every issue, most urgent first."""
        return most_urgent_first(d.build() for d in self._drafts.values())


def urgency(issue: Issue) -> tuple[int, int, int, str, str, str]:
    """Lowest wave, then highest score, then worst severity, then rule and asset: smallest is
    most urgent, the same for every run over the same material."""
    p = issue.priority
    return (p.wave, -p.score, -severity_rank(issue.severity), issue.rule, issue.asset, issue.id)


def most_urgent_first(issues: Iterable[Issue]) -> list[Issue]:
    """The order of every top list."""
    return sorted(issues, key=urgency)


def group(findings: Iterable[Finding]) -> list[Issue]:
    """The issues of assessed findings (each finding's `issue` is set to its issue's id)."""
    issues = IssueSet()
    for finding in findings:
        finding.issue = issues.add(member_of(finding), finding)
    return issues.issues()


def assign_issues(inventory: Inventory) -> None:
    """Set each finding's `issue` (findings that carry one keep it), for outputs that keep
    one row per finding (CSV, SARIF). Not a map by fingerprint: the same file under two
    targets has one fingerprint, and may be in two issues (two systems)."""
    group(inventory.findings)


def issues_of(inventory: Inventory) -> list[Issue]:
    """The issues of an inventory, most urgent first, with their member findings: what every
    renderer counts and lists. Findings that carry an issue id keep it."""
    return group(inventory.findings)
