"""What changed: `qscan diff OLD NEW` by fingerprint (rendered by qscan.render.diff): new,
fixed, unchanged, and out of scope (targets the newer inventory did not scan); and
the `history` block that the reports show ("since last scan" and the readiness trend) from
the history store. Both compare the same way (`compare`): a finding of a target the newer
scan did not cover is out of scope, not fixed, and readiness is compared over what both
scans covered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qscan.inventories.store import Store, scope_of_inventory
from qscan.inventories.stream import iter_errors, iter_findings, read_header
from qscan.model import READY, Inventory, object_at

Key = tuple[str, str]
Row = tuple[Key, str | None, dict[str, Any]]
"""(key, target, finding) of one finding to compare; target None: not known (a finding
stored before the history store recorded targets), taken as scanned by both."""


def _key(finding: dict[str, Any]) -> tuple[str, str]:
    """Fingerprints are unique within an organisation; merged files hold many."""
    org = str((finding.get("context") or {}).get("organisation_id") or "")
    return org, str(finding["fingerprint"])


def _target(item: dict[str, Any]) -> str:
    return str((item.get("location") or {}).get("target") or item.get("target") or "")


def _ready(finding: dict[str, Any]) -> bool:
    return (finding.get("verdict") or {}).get("status") in READY


def covered(
    targets: Iterable[str], findings: Iterable[dict[str, Any]], errors: Iterable[dict[str, Any]]
) -> set[str]:
    """The targets a scan covered: those it lists, less those that failed as a whole (an
    error on the target itself, not on one of its files, and no finding from it)."""
    found = {_target(f) for f in findings}
    failed = {_target(e) for e in errors if not e.get("path")} - found
    return {str(t) for t in targets} - failed


@dataclass
class _Side:
    """One inventory of a diff: its header, its finding keys, and the targets it scanned."""

    path: Path
    header: dict[str, Any]
    keys: set[Key]
    scanned: set[str]

    @classmethod
    def read(cls, path: Path) -> _Side:
        header = read_header(path)
        keys = {_key(f) for f in iter_findings(path)}
        scanned = covered(header.get("targets") or [], iter_findings(path), iter_errors(path))
        return cls(path, header, keys, scanned)

    def rows(self) -> Iterator[Row]:
        return ((_key(f), _target(f), f) for f in iter_findings(self.path))

    def describe(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "scanned_at": self.header.get("scanned_at"),
            "organisations": organisations(self.header),
        }


def organisations(header: dict[str, Any]) -> list[str]:
    """The organisations an inventory covers: a merged inventory's list, or the estate's."""
    listed = header.get("organisations")
    if isinstance(listed, list):
        return [str(o.get("name") or o.get("id")) for o in listed if isinstance(o, dict)]
    org = object_at(object_at(header, "estate"), "organisation")
    return [str(org.get("name") or org.get("id"))] if org else []


@dataclass
class Readiness:
    """Share of quantum-ready findings before and after, over the findings both inventories
    can speak for: the unchanged ones and those of targets scanned in both."""

    ready: list[int] = field(default_factory=lambda: [0, 0])
    total: list[int] = field(default_factory=lambda: [0, 0])

    def count(self, side: int, finding: dict[str, Any]) -> None:
        self.total[side] += 1
        self.ready[side] += _ready(finding)

    def share(self, side: int) -> float:
        return self.ready[side] / self.total[side] if self.total[side] else 1.0

    def to_dict(self) -> dict[str, Any]:
        old, new = self.share(0), self.share(1)
        return {
            "old": round(old, 4),
            "new": round(new, 4),
            "delta_points": round((new - old) * 100, 1),
            "findings_compared": {"old": self.total[0], "new": self.total[1]},
        }


@dataclass
class Diff:
    old: dict[str, Any]
    new: dict[str, Any]
    added: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    out_of_scope: list[dict[str, Any]] = field(default_factory=list)
    """Findings of the older inventory whose target the newer one did not scan: not fixed,
    just no longer looked at."""
    unchanged: int = 0
    readiness: Readiness = field(default_factory=Readiness)

    def summary(self) -> dict[str, int]:
        return {
            "new": len(self.added),
            "fixed": len(self.fixed),
            "unchanged": self.unchanged,
            "out_of_scope": len(self.out_of_scope),
        }

    def out_of_scope_targets(self) -> list[tuple[str, int]]:
        """Targets scanned only in the older inventory, with their finding counts."""
        counts = Counter(_target(f) for f in self.out_of_scope)
        return sorted(counts.items())

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "summary": self.summary(),
            "readiness": self.readiness.to_dict(),
            "out_of_scope_targets": [
                {"target": t, "findings": n} for t, n in self.out_of_scope_targets()
            ],
            "new_findings": self.added,
            "fixed_findings": self.fixed,
            "out_of_scope_findings": self.out_of_scope,
        }


def compare(
    diff: Diff,
    old: Callable[[], Iterable[Row]],
    new: Callable[[], Iterable[Row]],
    before: tuple[set[Key], set[str]],
    after: tuple[set[Key], set[str]],
) -> Diff:
    """Fill `diff` from the rows of both sides and each side's (keys, covered targets): new,
    fixed, unchanged and out-of-scope findings, and the readiness before and after over
    what both covered. Holds only the keys and the findings that changed."""
    (before_keys, before_scanned), (after_keys, after_scanned) = before, after
    both = before_scanned & after_scanned
    diff.unchanged = len(before_keys & after_keys)
    for key, target, finding in old():
        if key in after_keys:
            diff.readiness.count(0, finding)
        elif target is not None and target not in after_scanned:
            diff.out_of_scope.append(finding)
        else:
            diff.fixed.append(finding)
            diff.readiness.count(0, finding)
    for key, target, finding in new():
        if key not in before_keys:
            diff.added.append(finding)
        if key in before_keys or target is None or target in both:
            diff.readiness.count(1, finding)
    return diff


def diff_files(old: Path, new: Path) -> Diff:
    """New, fixed, unchanged and out-of-scope findings, and the readiness before and after
    over what both inventories scanned; each file is streamed three times."""
    before, after = _Side.read(old), _Side.read(new)
    diff = Diff(old=before.describe(), new=after.describe())
    sides = (before.keys, before.scanned), (after.keys, after.scanned)
    return compare(diff, before.rows, after.rows, *sides)


def _row(fingerprint: str, target: str | None, status: str) -> Row:
    """A finding of the history comparison, as much of it as the block needs."""
    finding = {
        "fingerprint": fingerprint,
        "location": {"target": target or ""},
        "verdict": {"status": status},
    }
    return ("", fingerprint), target, finding


def history_block(store: Store, inventory: Inventory) -> dict[str, Any] | None:
    """`inventory.extra["history"]` against the latest earlier scan of the same scope, or
    None when the store holds no earlier scan: new, fixed, unchanged and out-of-scope
    findings as `qscan diff` counts them (a finding of a target this scan did not cover
    is out of scope, not fixed), the readiness change over what both covered, and the
    readiness trend."""
    scope = scope_of_inventory(inventory)
    previous = store.previous(scope)
    if previous is None:
        return None
    stored = list(store.finding_rows(previous["id"]))
    recorded = set(store.targets(previous["id"]))
    now = list(
        {
            f.fingerprint: _row(
                f.fingerprint, f.location.target, f.verdict.status if f.verdict else "unknown"
            )
            for f in inventory.findings
        }.values()
    )
    errors = (e.to_dict() for e in inventory.errors)
    scanned = covered(inventory.targets, (f for _, _, f in now), errors)
    old_rows = [_row(*row) for row in stored]
    before = ({key for key, _, _ in old_rows}, recorded or scanned)
    diff = compare(
        Diff({}, {}), lambda: old_rows, lambda: now, before, ({k for k, _, _ in now}, scanned)
    )
    total = len(inventory.findings)
    ready = sum(1 for f in inventory.findings if f.verdict and f.verdict.status in READY)
    readiness = round(ready / total, 4) if total else None
    points: dict[str, dict[str, Any]] = {}
    for row in store.trend(scope.key):
        if row["scanned_at"] < scope.scanned_at and (
            row["scanned_at"] not in points or row["policy"] == scope.policy
        ):
            points[row["scanned_at"]] = row
    trend = [{"scanned_at": at, "readiness": row["readiness"]} for at, row in points.items()]
    trend.append({"scanned_at": inventory.scanned_at, "readiness": readiness})
    return {
        "scope": scope.key,
        "previous_scanned_at": previous["scanned_at"],
        "previous_readiness": previous["readiness"],
        **diff.summary(),
        "out_of_scope_targets": [
            {"target": t, "findings": n} for t, n in diff.out_of_scope_targets()
        ],
        "readiness": diff.readiness.to_dict(),
        "targets_recorded": bool(recorded),
        "trend": trend,
    }
