"""Streaming aggregates of assessed findings by organisation, system and algorithm.

Works on finding dictionaries as read from JSON (qscan.inventories.stream), so a merge of
millions of findings never holds them as objects: each is counted as a row and added to its
issue (qscan.assess.issues), and the figures count issues. The roadmap report renders from
these aggregates alone. Issues are counted per deadline class (kex-112, sig-128, now, ...),
not per date, so that the roadmap can judge "overdue" under any policy. Protocol versions
(TLS 1.0, SSH-2.0) are not algorithms: they are counted apart, as `protocols`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.assess.issues import Issue, IssueSet, member_of_dict
from qscan.assess.policy import deadline_class
from qscan.assess.priority import SystemRollup
from qscan.assess.reasons import reason
from qscan.assess.rules import Rule, load_rules
from qscan.catalog import catalog
from qscan.model import PRODUCTION, PROTOCOL, READY, SCOPES, SEVERITIES, STATUSES

WAVES = (1, 2, 3, 4)
NO_DEADLINE = "none"


@cache
def _rules() -> dict[str, Rule]:
    return {r.id: r for r in load_rules()}


_CLASS_MEMO: dict[tuple[Any, ...], str] = {}


def deadline_class_of(finding: dict[str, Any]) -> str:
    """The policy deadline class of a judged finding, or "none"."""
    verdict = finding.get("verdict") or {}
    params = finding.get("params") or {}
    key = (
        verdict.get("rule"),
        finding.get("function"),
        finding.get("algorithm"),
        params.get("bits"),
        str(params.get("curve")),
    )
    cls = _CLASS_MEMO.get(key)
    if cls is None:
        rule = _rules().get(str(verdict.get("rule")))
        bits = catalog().classical_bits(str(finding.get("algorithm")), params)
        resolved = (
            deadline_class(rule.deadline, str(finding.get("function")), bits) if rule else None
        )
        cls = resolved or NO_DEADLINE
        if len(_CLASS_MEMO) < 100_000:
            _CLASS_MEMO[key] = cls
    return cls


@dataclass
class Counts:
    """Issues counted once per (status, severity, wave, deadline class, scope), and findings
    (rows) counted apart; every breakdown is derived from that at the end."""

    cells: Counter[tuple[str, str, int, str, str]] = field(default_factory=Counter)
    findings: int = 0

    def add(self, issue: Issue) -> None:
        status = issue.status
        cls = NO_DEADLINE if status in READY else (issue.deadline_class or NO_DEADLINE)
        self.cells[(status, issue.severity, issue.priority.wave, cls, issue.scope)] += 1

    @property
    def issues(self) -> int:
        return sum(self.cells.values())

    def to_dict(self) -> dict[str, Any]:
        """Findings and issues; the breakdowns count production issues (test, documentation
        and vendored material is counted apart in `by_scope`). Readiness is the share of
        production issues that are quantum-ready, None (n/a) when there are none."""
        by_scope: Counter[str] = Counter()
        by_status: Counter[str] = Counter()
        by_severity: Counter[str] = Counter()
        by_wave: Counter[int] = Counter()
        open_by_wave: Counter[int] = Counter()
        by_class: Counter[str] = Counter()
        for (status, severity, wave, cls, scope), n in self.cells.items():
            by_scope[scope] += n
            if scope != PRODUCTION:
                continue
            by_status[status] += n
            by_severity[severity] += n
            by_wave[wave] += n
            if status not in READY:
                open_by_wave[wave] += n
                by_class[cls] += n
        total = sum(by_status.values())
        ready = sum(by_status[s] for s in READY)
        return {
            "findings": self.findings,
            "issues": sum(by_scope.values()),
            "by_scope": {s: by_scope.get(s, 0) for s in SCOPES},
            "ready": ready,
            "open": sum(open_by_wave.values()),
            "readiness": round(ready / total, 4) if total else None,
            "by_status": {s: by_status.get(s, 0) for s in STATUSES},
            "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
            "by_wave": {str(w): by_wave.get(w, 0) for w in WAVES},
            "open_by_wave": {str(w): open_by_wave.get(w, 0) for w in WAVES},
            "by_deadline_class": dict(sorted(by_class.items())),
        }


@dataclass
class SystemStats:
    name: str
    owner: str | None = None
    counts: Counts = field(default_factory=Counts)
    algorithms: Counter[str] = field(default_factory=Counter)
    """Issues per algorithm (an issue counts once under each algorithm of its findings)."""
    protocols: Counter[str] = field(default_factory=Counter)
    """Issues per protocol version."""
    rollup: SystemRollup = field(default_factory=SystemRollup)
    errors: int = 0

    def add(self, issue: Issue) -> None:
        self.counts.add(issue)
        self.algorithms.update(issue.algorithms)
        self.protocols.update(issue.protocols)
        self.rollup.add(issue)

    def to_dict(self, org_id: str, org_name: str, meta: dict[str, Any]) -> dict[str, Any]:
        extra = {k: v for k, v in meta.items() if k not in _RECOMPUTED}
        priority = self.rollup.priority()
        if self.errors:
            priority.reasons.append(reason("rollup-errors", n=self.errors))
        return {
            "organisation_id": org_id,
            "organisation": org_name,
            "name": self.name,
            **extra,
            "owner": extra.get("owner") or self.owner,
            **self.counts.to_dict(),
            "errors": self.errors,
            "by_algorithm": dict(self.algorithms.most_common()),
            "by_protocol": dict(self.protocols.most_common()),
            "priority": {
                "score": priority.score,
                "wave": priority.wave,
                "reasons": priority.reasons,
            },
        }


_RECOMPUTED = ("name", "targets", "priority", "findings", "issues", "errors")


@dataclass
class OrganisationStats:
    id: str
    name: str
    counts: Counts = field(default_factory=Counts)
    duplicates: int = 0
    errors: int = 0
    algorithms: Counter[str] = field(default_factory=Counter)
    protocols: Counter[str] = field(default_factory=Counter)
    unattributed: int = 0
    """Findings attributed to no system."""
    systems: dict[str, SystemStats] = field(default_factory=dict)
    issues: IssueSet = field(default_factory=IssueSet)
    """The organisation's issues while its findings come in (grouped within it only)."""

    def system(self, name: str, owner: str | None = None) -> SystemStats:
        stats = self.systems.get(name)
        if stats is None:
            stats = self.systems[name] = SystemStats(name, owner)
        elif owner and not stats.owner:
            stats.owner = owner
        return stats

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            **self.counts.to_dict(),
            "duplicates": self.duplicates,
            "errors": self.errors,
            "unattributed": self.unattributed,
            "by_algorithm": dict(self.algorithms.most_common()),
            "by_protocol": dict(self.protocols.most_common()),
        }


@dataclass
class AlgorithmStats:
    counts: Counts = field(default_factory=Counts)
    organisations: set[str] = field(default_factory=set)


class Aggregator:
    """Totals and per-algorithm figures for everything added, and per-organisation and
    per-system figures for the organisations not yet `finish`ed: a merge finishes each
    organisation once its inputs are read, so memory does not grow with their number.
    Findings are grouped into issues per organisation; the figures count issues."""

    def __init__(self) -> None:
        self.totals = Counts()
        self.duplicates = 0
        self.errors = 0
        self.finished_organisations = 0
        self.finished_systems = 0
        self.organisations: dict[str, OrganisationStats] = {}
        self.algorithms: dict[str, AlgorithmStats] = {}
        self.protocols: dict[str, AlgorithmStats] = {}
        """Protocol versions, counted as the algorithms are."""

    def organisation(self, org_id: str, name: str) -> OrganisationStats:
        stats = self.organisations.get(org_id)
        if stats is None:
            stats = self.organisations[org_id] = OrganisationStats(org_id, name)
        return stats

    def _algorithm(self, name: str, function: str = "") -> AlgorithmStats:
        """The figures of an algorithm, or of a protocol version (function `protocol`)."""
        table = self.protocols if function == PROTOCOL else self.algorithms
        stats = table.get(name)
        if stats is None:
            stats = table[name] = AlgorithmStats()
        return stats

    def add_finding(self, org_id: str, finding: dict[str, Any]) -> str:
        """Count one finding and add it to its issue; returns the issue's id."""
        status = str((finding.get("verdict") or {}).get("status") or "unknown")
        cls = NO_DEADLINE if status in READY else deadline_class_of(finding)
        member = member_of_dict(finding, cls)
        org = self.organisations[org_id]
        self.totals.findings += 1
        org.counts.findings += 1
        self._algorithm(member.algorithm, member.function).counts.findings += 1
        system_name = member.attribution.get("system")
        if system_name:
            org.system(system_name, member.attribution.get("owner")).counts.findings += 1
        else:
            org.unattributed += 1
        return org.issues.add(member)

    def add_duplicate(self, org_id: str) -> None:
        self.duplicates += 1
        self.organisations[org_id].duplicates += 1

    def add_error(self, org_id: str, error: dict[str, Any]) -> None:
        self.errors += 1
        org = self.organisations[org_id]
        org.errors += 1
        system_name = (error.get("context") or {}).get("system")
        if system_name:
            org.system(str(system_name)).errors += 1

    def finish(
        self, org_id: str, systems_meta: dict[str, dict[str, Any]] | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]], list[Issue]]:
        """The organisation's figures, its systems' (by name) and its issues, and forget
        them. `systems_meta` (estate systems by name) adds owner, contact, exposure, ... and
        lists estate systems without findings too."""
        org = self.organisations.pop(org_id)
        issues = org.issues.issues()
        for issue in issues:
            self.totals.add(issue)
            org.counts.add(issue)
            org.algorithms.update(issue.algorithms)
            org.protocols.update(issue.protocols)
            uses = [(n, "") for n in issue.algorithms] + [(n, PROTOCOL) for n in issue.protocols]
            for name, function in uses:
                algorithm = self._algorithm(name, function)
                algorithm.counts.add(issue)
                algorithm.organisations.add(org_id)
            system_name = issue.attribution.get("system")
            if system_name:
                org.system(system_name).add(issue)
        meta = systems_meta or {}
        for name in meta:
            org.system(name)
        systems = [
            org.systems[name].to_dict(org.id, org.name, meta.get(name, {}))
            for name in sorted(org.systems)
        ]
        self.finished_organisations += 1
        self.finished_systems += len(systems)
        return org.to_dict(), systems, issues

    def summary(self) -> dict[str, Any]:
        """Totals and per-algorithm figures over everything added."""
        return {
            "totals": {
                **self.totals.to_dict(),
                "duplicates": self.duplicates,
                "errors": self.errors,
                "organisations": self.finished_organisations,
                "systems": self.finished_systems,
            },
            "algorithms": _rows("algorithm", self.algorithms),
            "protocols": _rows("protocol", self.protocols),
        }


def _rows(noun: str, table: dict[str, AlgorithmStats]) -> list[dict[str, Any]]:
    """Figures per algorithm (or protocol version), most issues first."""
    return [
        {noun: name, **a.counts.to_dict(), "organisations": len(a.organisations)}
        for name, a in sorted(table.items(), key=lambda kv: (-kv[1].counts.issues, kv[0]))
    ]
