"""Counts every human-facing renderer shows: by status, severity, algorithm, readiness."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from qscan.assess.gate import lost_targets
from qscan.model import READY, SEVERITIES, STATUSES, Finding, Inventory, severity_rank


@dataclass(frozen=True)
class Summary:
    total: int
    by_status: dict[str, int]
    by_severity: dict[str, int]
    by_algorithm: list[tuple[str, int]]
    readiness: float
    errors: int
    notes: int
    lost: int
    """Targets lost to the scanning machine's resource limits."""
    top: list[Finding]


def most_urgent_first(findings: Iterable[Finding]) -> list[Finding]:
    """Highest priority score first, then highest severity: the order of every top list."""
    return sorted(
        findings,
        key=lambda f: (
            -(f.priority.score if f.priority else 0),
            -severity_rank(f.verdict.severity if f.verdict else "info"),
        ),
    )


def summarise(inventory: Inventory, top: int = 10) -> Summary:
    statuses = Counter(f.verdict.status if f.verdict else "unknown" for f in inventory.findings)
    severities = Counter(f.verdict.severity if f.verdict else "info" for f in inventory.findings)
    total = len(inventory.findings)
    ready = sum(statuses[s] for s in READY)
    ranked = most_urgent_first(
        f for f in inventory.findings if f.verdict and f.verdict.status not in READY
    )
    return Summary(
        total=total,
        by_status={s: statuses.get(s, 0) for s in STATUSES},
        by_severity={s: severities.get(s, 0) for s in SEVERITIES},
        by_algorithm=Counter(f.algorithm for f in inventory.findings).most_common(),
        readiness=(ready / total) if total else 1.0,
        errors=len(inventory.errors),
        notes=len(inventory.notes),
        lost=lost_targets(inventory),
        top=ranked[:top],
    )


def place(finding: Finding) -> str:
    """File path, or service://host:port for an endpoint (no line, no component)."""
    loc = finding.location
    if loc.path is not None:
        return loc.path
    host = f"[{loc.host}]" if loc.host and ":" in loc.host else loc.host
    return f"{loc.service or 'tls'}://{host}:{loc.port}"


def where(finding: Finding) -> str:
    """The place with the line (files) and the component inside it."""
    loc = finding.location
    text = place(finding)
    if loc.path is not None and loc.line:
        text = f"{text}:{loc.line}"
    return f"{text} ({loc.component})" if loc.component else text
