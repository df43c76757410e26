"""Attributing a scanned estate: each finding, error and note gets its organisation, system
and owner in `context`, and each finding the scope its system declares. Fingerprints are
left untouched."""

from __future__ import annotations

from typing import Any

from qscan.estate.file import Estate, EstateTarget
from qscan.model import Inventory
from qscan.targets import parse_target


def attribute(inventory: Inventory, estate: Estate, by_raw: dict[str, EstateTarget]) -> None:
    """Set organisation, system and owner in every finding's, error's and note's context."""
    by_endpoint: dict[tuple[str | None, int | None], EstateTarget] = {}
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

    scopes = {s.name: s.attributes.get("scope") for s in estate.systems}
    for finding in inventory.findings:
        loc = finding.location
        finding.context.update(context_for(loc.target, loc.host, loc.port))
        scope = scopes.get(str(finding.context.get("system")))
        if scope:
            finding.context["material_scope"] = scope
    for error in [*inventory.errors, *inventory.notes]:
        error.context = {
            **(error.context or {}),
            **context_for(error.target, error.host, error.port),
        }
