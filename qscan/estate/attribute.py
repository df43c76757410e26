"""Scanning an estate: every target through the one pipeline, then each finding and error
attributed to its organisation, system and owner. Fingerprints are left untouched: the
attribution lives in `context`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qscan.assess.engine import assess
from qscan.assess.scenario import Scenario
from qscan.estate.file import Estate, EstateTarget
from qscan.estate.shard import select_shard
from qscan.model import Inventory, ScanError
from qscan.pipeline import collect, new_inventory
from qscan.scan.interface import ScanOptions
from qscan.targets import Target, parse_target


def scan_estate(
    estate: Estate,
    options: ScanOptions,
    policy: str,
    scenario: Scenario,
    shard: tuple[int, int] | None = None,
) -> Inventory:
    """Scan the estate's targets (or one shard of them), attribute, assess."""
    chosen = select_shard(estate.targets(), shard)
    by_raw: dict[str, EstateTarget] = {}
    targets: list[Target] = []
    early_errors: list[ScanError] = []
    for et in chosen:
        if et.remote:
            early_errors.append(
                ScanError(
                    target=et.value,
                    kind="unsupported-target",
                    message="remote repositories are not cloned by qscan: clone it and list "
                    "the checkout's path under repositories",
                )
            )
            by_raw[et.value] = et
            continue
        target = _to_target(et, estate.base_dir, options.sni)
        by_raw[target.raw] = et
        targets.append(target)
    inventory = new_inventory(targets, policy)
    inventory.targets += [e.target for e in early_errors]
    inventory.extra["scenario"] = scenario.to_dict()
    inventory.extra["estate"] = estate.to_dict(shard)
    findings, errors = collect(targets, options)
    inventory.findings = findings
    inventory.errors = early_errors + errors
    attribute(inventory, estate, by_raw)
    return assess(inventory, policy)


def _to_target(et: EstateTarget, base_dir: Path, sni: str | None) -> Target:
    if et.kind == "endpoint":
        return parse_target(et.value, sni=sni)
    resolved = (base_dir / et.value).resolve()
    return Target(raw=str(resolved), kind="path", path=resolved)


def attribute(inventory: Inventory, estate: Estate, by_raw: dict[str, EstateTarget]) -> None:
    """Set organisation, system and owner in every finding's and error's context."""
    by_endpoint = {}
    for raw, et in by_raw.items():
        if et.kind == "endpoint":
            t = parse_target(raw)
            by_endpoint.setdefault((t.host, t.port), et)

    def context_for(target: str, host: str | None, port: int | None) -> dict[str, Any]:
        ctx: dict[str, Any] = {
            "organisation": estate.organisation["name"],
            "organisation_id": estate.id,
        }
        et = by_raw.get(target) or by_endpoint.get((host, port))
        if et is not None:
            system = estate.system(et.system)
            ctx["system"] = et.system
            if system is not None and system.owner:
                ctx["owner"] = system.owner
        return ctx

    for finding in inventory.findings:
        loc = finding.location
        finding.context.update(context_for(loc.target, loc.host, loc.port))
    for error in inventory.errors:
        error.context = {
            **(error.context or {}),
            **context_for(error.target, error.host, error.port),
        }
