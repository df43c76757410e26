"""The government-wide roadmap: a league table of organisations, totals per algorithm,
waves against policy milestones and the systems to migrate first.

Built from a merged inventory's aggregates alone (read from the head of the file, without
parsing its findings), or from one plain inventory, aggregated on the fly.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qscan.assess.policy import Policy, get_policy, milestone_label, policies, roadmap_policies
from qscan.assess.scenario import book
from qscan.i18n import LANGUAGES
from qscan.inventories.aggregate import Aggregator
from qscan.inventories.merge import organisation_entry, source_from_header, systems_meta
from qscan.inventories.stream import iter_errors, iter_findings, read_header
from qscan.model import DEFAULT_POLICY

NOW_CLASS = "now"


def load(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(header, aggregates) of a merged inventory, or of a plain one aggregated now."""
    header = read_header(path, until=frozenset({"findings"}))
    if isinstance(header.get("aggregates"), dict):
        return header, header["aggregates"]
    header = read_header(path)
    source = source_from_header(path, header, io.StringIO())
    aggregator = Aggregator()
    aggregator.organisation(source.org_id, source.org_name)
    seen: set[str] = set()
    for finding in iter_findings(path):
        if finding["fingerprint"] in seen:
            aggregator.add_duplicate(source.org_id)
            continue
        seen.add(finding["fingerprint"])
        aggregator.add_finding(source.org_id, finding)
    for error in iter_errors(path):
        aggregator.add_error(source.org_id, error)
    entry, systems, _ = aggregator.finish(source.org_id, systems_meta([source]))
    summary = aggregator.summary()
    header["organisations"] = [organisation_entry([source])]
    aggregates = {
        "totals": summary["totals"],
        "as_of": source.scanned_at,
        "organisations": [entry],
        "systems": systems,
        "algorithms": summary["algorithms"],
        "protocols": summary["protocols"],
    }
    return header, aggregates


def due(by_class: dict[str, int], policy: Policy, date: str) -> int:
    """Findings whose deadline under `policy` is on or before `date`, or that are broken."""
    total = 0
    for cls, n in by_class.items():
        deadline = policy.deadline(cls)
        if cls == NOW_CLASS or (deadline is not None and deadline.date and deadline.date <= date):
            total += n
    return total


@dataclass
class Trend:
    points: list[tuple[str, float]]

    @property
    def delta(self) -> float | None:
        if len(self.points) < 2:
            return None
        return self.points[-1][1] - self.points[-2][1]

    def sparkline(self, width: int = 90, height: int = 22) -> str:
        """SVG polyline points (numbers only) for readiness 0..1 over the scans."""
        if len(self.points) < 2:
            return ""
        step = width / (len(self.points) - 1)
        return " ".join(
            f"{i * step:.1f},{height - r * height:.1f}" for i, (_, r) in enumerate(self.points)
        )


@dataclass
class LeagueRow:
    rank: int
    id: str
    name: str
    findings: int
    issues: int
    readiness: float | None
    """Share of quantum-ready production issues; None (n/a) when there are none."""
    waves: dict[str, int]
    """Issues per wave as the roadmap shows them (see `shown_waves`)."""
    overdue: int
    errors: int
    scanned_at: str
    shards_missing: list[int] = field(default_factory=list)
    trend: Trend | None = None
    since_last: dict[str, Any] | None = None


@dataclass
class Milestone:
    policy: str
    policy_name: str
    date: str
    label: str
    due: int
    x: float = 0.0
    labels: dict[str, str] = field(default_factory=dict)
    """The label in other languages ({lang: label}, from the policy's `nl: {label}`)."""


@dataclass
class Roadmap:
    meta: dict[str, Any]
    totals: dict[str, Any]
    league: list[LeagueRow]
    algorithms: list[dict[str, Any]]
    protocols: list[dict[str, Any]]
    """Protocol versions (TLS 1.0, SSH-2.0), as the algorithms (absent before this field)."""
    timeline: list[Milestone]
    timeline_rows: list[tuple[str, str]]
    axis: list[tuple[int, float]]
    systems_first: list[dict[str, Any]]
    wave_marks: list[tuple[str, float, int]]
    """(wave, x position on the timeline axis, findings to migrate in that wave)."""
    wave_totals: dict[str, int]


def shown_waves(counts: dict[str, Any]) -> dict[str, int]:
    """Issues per wave: waves 1 to 3 count what is still to migrate in them; wave 4
    ("monitor") counts every issue whose priority is wave 4, the quantum-ready ones (kept
    under watch, nothing to migrate) included, so that the column says what is monitored."""
    shown = {w: int(counts["open_by_wave"][w]) for w in ("1", "2", "3")}
    shown["4"] = int(counts["by_wave"]["4"])
    return shown


def build(
    header: dict[str, Any],
    aggregates: dict[str, Any],
    policy_id: str | None = None,
    as_of: dt.date | None = None,
    top: int = 25,
    trends: dict[str, list[tuple[str, float]]] | None = None,
) -> Roadmap:
    policy = get_policy(policy_id or str(header.get("policy") or DEFAULT_POLICY))
    as_of_text = (as_of or dt.date.today()).isoformat()
    organisations = {str(o["id"]): o for o in header.get("organisations") or []}
    history = header.get("history") if isinstance(header.get("history"), dict) else None

    league = []
    for org in aggregates["organisations"]:
        entry = organisations.get(org["id"], {})
        trend = None
        if trends and trends.get(org["id"]):
            trend = Trend(list(trends[org["id"]]))
        elif history and len(aggregates["organisations"]) == 1:
            points = history.get("trend", [])
            trend = Trend(
                [(p["scanned_at"], p["readiness"]) for p in points if p["readiness"] is not None]
            )
        league.append(
            LeagueRow(
                rank=0,
                id=org["id"],
                name=org["name"],
                findings=org["findings"],
                issues=org["issues"],
                readiness=org["readiness"],
                waves=shown_waves(org),
                overdue=due(org["by_deadline_class"], policy, as_of_text),
                errors=org["errors"],
                scanned_at=str(entry.get("scanned_at") or ""),
                shards_missing=list((entry.get("shards") or {}).get("missing") or []),
                trend=trend,
                since_last=history if len(aggregates["organisations"]) == 1 else None,
            )
        )
    league.sort(
        key=lambda r: (
            r.readiness is None,
            -(r.readiness or 0.0),
            r.overdue,
            -r.issues,
            r.name,
            r.id,
        )
    )
    for i, row in enumerate(league, 1):
        row.rank = i

    timeline_ids = [p.id for p in roadmap_policies()]
    if policy.id not in timeline_ids:
        timeline_ids.insert(0, policy.id)
    by_class = aggregates["totals"]["by_deadline_class"]
    timeline = [
        Milestone(
            policy=p.id,
            policy_name=p.name,
            date=str(m["date"]),
            label=str(m["label"]),
            due=due(by_class, p, str(m["date"])),
            labels={lang: milestone_label(m, lang) for lang in LANGUAGES[1:]},
        )
        for p in (policies()[pid] for pid in timeline_ids if pid in policies())
        for m in p.milestones
    ]
    first_year = min([int(as_of_text[:4])] + [int(m.date[:4]) for m in timeline])
    wave_years = [int(d[:4]) for d in book().waves.values()]
    last_year = max([int(m.date[:4]) for m in timeline] + wave_years) + 1
    span = max(1, last_year - first_year)

    def x_of(date: str) -> float:
        day = dt.date.fromisoformat(date[:10])
        return round((day.year - first_year + (day.timetuple().tm_yday - 1) / 366) / span, 4)

    for m in timeline:
        m.x = x_of(m.date)
    axis = [(year, x_of(f"{year}-01-01")) for year in range(first_year, last_year + 1)]

    systems = [s for s in aggregates["systems"] if s["issues"] - s["ready"] > 0]
    systems.sort(
        key=lambda s: (
            s["priority"]["wave"],
            -s["priority"]["score"],
            -s["open_by_wave"]["1"],
            s["organisation"],
            s["name"],
        )
    )
    totals = aggregates["totals"]
    scenarios = {
        (o.get("scenario") or {}).get("label")
        for o in organisations.values()
        if isinstance(o.get("scenario"), dict)
    } - {None}
    if isinstance(header.get("scenario"), dict):
        scenarios = {header["scenario"].get("label")}
    return Roadmap(
        meta={
            "as_of": as_of_text,
            "policy": policy.id,
            "policy_name": policy.name,
            "scenarios": sorted(str(s) for s in scenarios),
            "inputs": (header.get("merged") or {}).get("inputs", 1),
            "overdue": due(by_class, policy, as_of_text),
        },
        totals=totals,
        league=league,
        algorithms=aggregates["algorithms"],
        protocols=aggregates.get("protocols") or [],
        timeline=timeline,
        timeline_rows=[(pid, policies()[pid].name) for pid in timeline_ids if pid in policies()],
        axis=axis,
        systems_first=systems[:top],
        wave_totals=shown_waves(totals),
        wave_marks=[("1", x_of(as_of_text), totals["open_by_wave"]["1"])]
        + [
            (str(w), x_of(d), totals["open_by_wave"][str(w)])
            for w, d in sorted(book().waves.items())
        ],
    )
