"""What changed: `qscan diff OLD NEW` by fingerprint (rendered by qscan.render.diff), and
the `history` block that the reports show ("since last scan" and the readiness trend) from
the history store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qscan.inventories.store import Store, scope_of_inventory
from qscan.inventories.stream import iter_findings, read_header
from qscan.model import READY, Inventory


def _key(finding: dict[str, Any]) -> tuple[str, str]:
    """Fingerprints are unique within an organisation; merged files hold many."""
    org = str((finding.get("context") or {}).get("organisation_id") or "")
    return org, str(finding["fingerprint"])


@dataclass
class Diff:
    old: dict[str, Any]
    new: dict[str, Any]
    added: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0

    def summary(self) -> dict[str, int]:
        return {"new": len(self.added), "fixed": len(self.fixed), "unchanged": self.unchanged}

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "summary": self.summary(),
            "new_findings": self.added,
            "fixed_findings": self.fixed,
        }


def _keys(path: Path) -> set[tuple[str, str]]:
    return {_key(f) for f in iter_findings(path)}


def _not_in(path: Path, keys: set[tuple[str, str]]) -> Iterator[dict[str, Any]]:
    return (f for f in iter_findings(path) if _key(f) not in keys)


def diff_files(old: Path, new: Path) -> Diff:
    """New, fixed and unchanged findings; holds only the fingerprints of both and the
    findings that changed."""
    old_header, new_header = read_header(old), read_header(new)
    old_keys, new_keys = _keys(old), _keys(new)
    return Diff(
        old={"path": str(old), "scanned_at": old_header.get("scanned_at")},
        new={"path": str(new), "scanned_at": new_header.get("scanned_at")},
        added=list(_not_in(new, old_keys)),
        fixed=list(_not_in(old, new_keys)),
        unchanged=len(old_keys & new_keys),
    )


def history_block(store: Store, inventory: Inventory) -> dict[str, Any] | None:
    """`inventory.extra["history"]` against the latest earlier scan of the same scope, or
    None when the store holds no earlier scan."""
    scope = scope_of_inventory(inventory)
    previous = store.previous(scope)
    if previous is None:
        return None
    before = set(store.fingerprints(previous["id"]))
    now = {f.fingerprint for f in inventory.findings}
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
        "new": len(now - before),
        "fixed": len(before - now),
        "unchanged": len(now & before),
        "trend": trend,
    }
