"""Counts every human-facing renderer shows, from the issues of the inventory: by status,
severity, algorithm, readiness, and the most urgent issues."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from qscan.assess.gate import lost_targets
from qscan.assess.issues import Issue, issues_of
from qscan.model import (
    READY,
    SCOPES,
    SEVERITIES,
    STATUSES,
    Finding,
    Inventory,
    severity_rank,
)

PLACES_SHOWN = 3
"""The places of an issue a top list shows (the first few; the JSON has them all)."""


@dataclass(frozen=True)
class Summary:
    """The counts of an inventory, from its issues (qscan.assess.issues). Production issues
    are counted in the breakdowns; test, documentation and vendored ones apart."""

    findings: int
    issues: int
    """Production issues."""
    informational: int
    """Production issues with nothing to act on (severity info, or quantum-safe or hybrid)."""
    apart: dict[str, int]
    """Issues in test, documentation and vendored material, per scope (non-zero only)."""
    by_status: dict[str, int]
    by_severity: dict[str, int]
    by_algorithm: list[tuple[str, int]]
    by_protocol: list[tuple[str, int]]
    """Protocol versions (TLS 1.0, SSH-2.0), counted apart from the algorithms."""
    readiness: float | None
    """Share of quantum-ready production issues; None (n/a) when there are none."""
    errors: int
    notes: int
    lost: int
    """Targets lost to the scanning machine's resource limits."""
    top: list[Issue]
    """The most urgent production issues to act on."""
    all_issues: list[Issue]
    """Every issue, most urgent first (production and apart)."""

    @property
    def apart_total(self) -> int:
        return sum(self.apart.values())

    @property
    def to_act(self) -> int:
        """Production issues that need action."""
        return self.issues - self.informational


def summarise(inventory: Inventory, top: int = 10) -> Summary:
    every = issues_of(inventory)
    production = [i for i in every if i.production]
    statuses = Counter(i.status for i in production)
    severities = Counter(i.severity for i in production)
    algorithms: Counter[str] = Counter()
    protocols: Counter[str] = Counter()
    for issue in production:
        algorithms.update(issue.algorithms)
        protocols.update(issue.protocols)
    ready = sum(statuses[s] for s in READY)
    apart = Counter(i.scope for i in every if not i.production)
    return Summary(
        findings=len(inventory.findings),
        issues=len(production),
        informational=sum(i.informational for i in production),
        apart={s: apart[s] for s in SCOPES if apart[s]},
        by_status={s: statuses.get(s, 0) for s in STATUSES},
        by_severity={s: severities.get(s, 0) for s in SEVERITIES},
        by_algorithm=algorithms.most_common(),
        by_protocol=protocols.most_common(),
        readiness=(ready / len(production)) if production else None,
        errors=len(inventory.errors),
        notes=len(inventory.notes),
        lost=lost_targets(inventory),
        top=to_act(every)[:top],
        all_issues=every,
    )


def to_act(issues: Iterable[Issue]) -> list[Issue]:
    """The production issues that need action, in the order given."""
    return [i for i in issues if i.production and not i.informational]


def most_urgent_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Lowest wave, highest priority score, then highest severity: the order of finding
    tables."""
    return sorted(
        findings,
        key=lambda f: (
            f.priority.wave if f.priority else 4,
            -(f.priority.score if f.priority else 0),
            -severity_rank(f.verdict.severity if f.verdict else "info"),
        ),
    )
