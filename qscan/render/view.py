"""What the human-facing reports (HTML, Markdown) show, computed once from the inventory:
deadline buckets and estate breakdowns (counted in issues), per-endpoint readiness,
certificates, code grouped by file, history and the CI gate. Plain data; the templates only
lay it out."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from qscan.assess.issues import Issue
from qscan.assess.policy import PolicyError, get_policy, milestone_label
from qscan.i18n import Translator
from qscan.model import (
    PROTOCOL,
    READY,
    SEVERITIES,
    STATUSES,
    Finding,
    Inventory,
    object_at,
    severity_rank,
    status_rank,
)
from qscan.render.endpoints import Endpoint, endpoints
from qscan.render.facts import key_label, severity_of, status_of
from qscan.render.locations import place
from qscan.render.summary import Summary, summarise, to_act


def worst(severities: list[str] | Counter[str]) -> str:
    present = [s for s in severities if (severities[s] if isinstance(severities, Counter) else 1)]
    return max(present, key=severity_rank, default="info")


@dataclass
class Certificate:
    sha256: str
    subject: str
    issuer: str
    not_after: str
    not_before: str
    is_ca: bool
    issued_by: str
    algorithms: list[str]
    status: str
    severity: str
    places: list[str]
    deadline: str | None
    beyond_deadline: bool
    expired: bool
    worst: Finding
    """The finding that gives the certificate its status: its key or its signature."""


@dataclass
class CodeFile:
    path: str
    findings: int
    severity: str
    lines: list[int]
    algorithms: list[str]
    statuses: Counter[str]


@dataclass
class CodeTarget:
    target: str
    files: list[CodeFile]
    findings: int
    statuses: Counter[str]


@dataclass
class Breakdown:
    name: str
    owner: str
    statuses: Counter[str]
    """Production issues per status."""
    total: int
    readiness: float | None
    """None (n/a) without production issues; such scopes rank last."""


@dataclass
class GateView:
    exit_code: int
    fail_on: str | None
    fail_on_status: list[str]
    failing: int
    baseline: dict[str, Any] | None
    new: int
    waived: int
    waivers: list[dict[str, Any]]
    expired: list[dict[str, Any]]
    unused: list[dict[str, Any]]
    flags: dict[str, str] = field(default_factory=dict)
    """fingerprint -> failing | waived | new | known, for the findings table."""


@dataclass
class View:
    summary: Summary
    policy_id: str
    policy_name: str
    milestones: list[dict[str, Any]]
    deadlines: dict[str, int]
    deadline_dates: dict[str, int]
    by_function: list[tuple[str, str, Counter[str]]]
    endpoints: list[Endpoint]
    certificates: list[Certificate]
    code: list[CodeTarget]
    code_files: int
    organisations: list[Breakdown]
    systems: list[Breakdown]
    estate_name: str
    history: dict[str, Any] | None
    gate: GateView | None
    errors_by_kind: list[tuple[str, int]]
    notes_by_kind: list[tuple[str, int]]
    today: str


def _deadline_buckets(issues: list[Issue], today: str) -> dict[str, int]:
    out = {"now": 0, "2030": 0, "2035": 0, "later": 0}
    for i in to_act(issues):
        if i.status == "classically-broken" or (i.deadline and i.deadline < today):
            out["now"] += 1
        elif i.deadline and i.deadline <= "2030-12-31":
            out["2030"] += 1
        elif i.deadline and i.deadline <= "2035-12-31":
            out["2035"] += 1
        else:
            out["later"] += 1
    return out


def _deadline_dates(issues: list[Issue], today: str) -> dict[str, int]:
    """Open production issues per deadline date; broken and overdue ones fall on today."""
    out: Counter[str] = Counter()
    for i in to_act(issues):
        if i.status == "classically-broken" or (i.deadline and i.deadline < today):
            out[today] += 1
        elif i.deadline:
            out[i.deadline] += 1
    return dict(sorted(out.items()))


def _by_function(issues: list[Issue]) -> list[tuple[str, str, Counter[str]]]:
    """(algorithm, function, production issues per status), most used first: every status
    with its own count (a bar never labels all its issues with the worst one); an issue
    counts once under each algorithm and function of its findings. Protocol versions are
    not algorithms: they are left out."""
    groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for issue in issues:
        if issue.production:
            uses = {(f.algorithm, f.function) for f in issue.findings if f.function != PROTOCOL}
            for pair in uses:
                groups[pair][issue.status] += 1
    ordered = sorted(groups.items(), key=lambda item: (-item[1].total(), item[0]))
    return [(alg, fn, statuses) for (alg, fn), statuses in ordered]


def _certificates(findings: list[Finding], today: str) -> list[Certificate]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        identity = f.context.get("sha256") or f.context.get("subject")
        if f.asset == "certificate" and identity:
            groups[str(identity)].append(f)
    out = []
    for group in groups.values():
        ctx: dict[str, Any] = {}
        for f in group:
            ctx.update({k: v for k, v in f.context.items() if v not in (None, "")})
        not_after = str(ctx.get("not_after") or "")
        deadlines = sorted(
            f.verdict.deadline
            for f in group
            if f.verdict and f.verdict.deadline and f.verdict.status not in READY
        )
        deadline = deadlines[0] if deadlines else None
        worst_finding = min(
            group, key=lambda f: (status_rank(status_of(f)), -severity_rank(severity_of(f)))
        )
        out.append(
            Certificate(
                sha256=str(ctx.get("sha256") or ""),
                subject=str(ctx.get("subject") or ""),
                issuer=str(ctx.get("issuer") or ""),
                not_after=not_after,
                not_before=str(ctx.get("not_before") or ""),
                is_ca=bool(ctx.get("is_ca")),
                issued_by=str(ctx.get("issued_by") or ""),
                algorithms=sorted({key_label(f) for f in group}),
                status=_worst_status([status_of(f) for f in group]),
                severity=worst([severity_of(f) for f in group]),
                places=sorted({place(f) for f in group}),
                deadline=deadline,
                beyond_deadline=bool(deadline and not_after[:10] > deadline),
                expired=bool(not_after and not_after[:10] < today),
                worst=worst_finding,
            )
        )
    out.sort(key=lambda c: (-severity_rank(c.severity), not c.beyond_deadline, c.subject))
    return out


def _worst_status(statuses: list[str]) -> str:
    return min(statuses, key=status_rank, default="unknown")


def _code(findings: list[Finding]) -> list[CodeTarget]:
    by_target: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        if f.location.path is not None:
            by_target[f.location.target][f.location.path].append(f)
    out = []
    for target, files in by_target.items():
        rows = [
            CodeFile(
                path=path,
                findings=len(group),
                severity=worst([severity_of(f) for f in group]),
                lines=sorted({f.location.line for f in group if f.location.line}),
                algorithms=sorted({f.algorithm for f in group}),
                statuses=Counter(status_of(f) for f in group),
            )
            for path, group in files.items()
        ]
        rows.sort(key=lambda r: (-severity_rank(r.severity), -r.findings, r.path))
        statuses: Counter[str] = Counter()
        for r in rows:
            statuses.update(r.statuses)
        out.append(CodeTarget(target, rows, sum(r.findings for r in rows), statuses))
    out.sort(key=lambda t: -t.findings)
    return out


def _breakdown(
    issues: list[Issue], key: str, owners: dict[str, str] | None = None
) -> list[Breakdown]:
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    found_owner: dict[str, str] = {}
    for i in issues:
        name = i.attribution.get(key)
        if name:
            statuses = groups[name]
            if i.production:
                statuses[i.status] += 1
            if i.attribution.get("owner"):
                found_owner.setdefault(name, i.attribution["owner"])
    out = []
    for name, statuses in groups.items():
        total = sum(statuses.values())
        ready = sum(statuses[s] for s in READY)
        owner = (owners or {}).get(name) or found_owner.get(name, "")
        out.append(Breakdown(name, owner, statuses, total, ready / total if total else None))
    out.sort(key=lambda b: (b.readiness is None, b.readiness or 0.0, -b.total, b.name))
    return out


def _gate(inventory: Inventory) -> GateView | None:
    raw = inventory.extra.get("gate")
    if not isinstance(raw, dict):
        return None
    waivers = {w.get("index"): w for w in raw.get("waivers", [])}
    flags: dict[str, str] = {}
    baseline = raw.get("baseline")
    if isinstance(baseline, dict):
        for fp in {f.fingerprint for f in inventory.findings} - set(baseline.get("new", [])):
            flags[fp] = "known"
        for fp in baseline.get("new", []):
            flags[fp] = "new"
    for fp in raw.get("waived", {}):
        flags[fp] = "waived"
    for fp in raw.get("failing", []):
        flags[fp] = "failing"
    return GateView(
        exit_code=int(raw.get("exit_code", 0)),
        fail_on=raw.get("fail_on"),
        fail_on_status=list(raw.get("fail_on_status", [])),
        failing=len(raw.get("failing", [])),
        baseline=baseline if isinstance(baseline, dict) else None,
        new=len(baseline.get("new", [])) if isinstance(baseline, dict) else 0,
        waived=len(raw.get("waived", {})),
        waivers=list(waivers.values()),
        expired=list(raw.get("expired_waivers", [])),
        unused=[waivers[i] for i in raw.get("unused_waivers", []) if i in waivers],
        flags=flags,
    )


def build_view(inventory: Inventory, today: dt.date | None = None, lang: str = "en") -> View:
    findings = inventory.findings
    day = (today or dt.datetime.now(dt.UTC).date()).isoformat()
    try:
        policy = get_policy(inventory.policy)
        policy_name = policy.name
        milestones = [{**m, "label": milestone_label(m, lang)} for m in policy.milestones]
    except PolicyError:
        policy_name, milestones = inventory.policy, []
    estate = object_at(inventory.extra, "estate")
    org = object_at(estate, "organisation")
    owners = {
        str(s.get("name")): str(s.get("owner") or "")
        for s in estate.get("systems") or []
        if isinstance(s, dict) and s.get("name")
    }
    history = inventory.extra.get("history")
    code = _code(findings)
    summary = summarise(inventory)
    issues = summary.all_issues
    return View(
        summary=summary,
        policy_id=inventory.policy,
        policy_name=policy_name,
        milestones=milestones,
        deadlines=_deadline_buckets(issues, day),
        deadline_dates=_deadline_dates(issues, day),
        by_function=_by_function(issues),
        endpoints=endpoints(findings, Translator(lang)),
        certificates=_certificates(findings, day),
        code=code,
        code_files=sum(len(t.files) for t in code),
        organisations=_breakdown(issues, "organisation"),
        systems=_breakdown(issues, "system", owners),
        estate_name=str(org.get("name") or ""),
        history=history if isinstance(history, dict) else None,
        gate=_gate(inventory),
        errors_by_kind=Counter(e.kind for e in inventory.errors).most_common(),
        notes_by_kind=Counter(n.kind for n in inventory.notes).most_common(),
        today=day,
    )


__all__ = ["SEVERITIES", "STATUSES", "View", "build_view", "worst"]
