"""scan -> assess -> inventory: the one path every front door (CLI, estate, tests) takes."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence

from qscan import __version__
from qscan.assess.engine import assess
from qscan.assess.scenario import Scenario, get_scenario
from qscan.model import Finding, Inventory, ScanError
from qscan.scan.interface import EndpointScanner, Record, ScanOptions
from qscan.scan.net.engine import run_endpoints
from qscan.scan.registry import endpoint_scanners, file_scanners
from qscan.targets import Target


def new_inventory(targets: Sequence[Target], policy: str) -> Inventory:
    return Inventory(
        targets=[t.raw for t in targets],
        policy=policy,
        scanned_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        tool={"name": "qscan", "version": __version__},
    )


def collect(
    targets: Sequence[Target], options: ScanOptions
) -> tuple[list[Finding], list[ScanError]]:
    """Run every scanner over its targets; unsupported targets become error records."""
    findings: list[Finding] = []
    errors: list[ScanError] = []

    def emit(record: Record) -> None:
        (findings if isinstance(record, Finding) else errors).append(record)

    kinds = {t.kind for t in targets}
    file_scanners_ = file_scanners() if "path" in kinds else []
    endpoint_scanners_ = endpoint_scanners(kinds - {"path"})
    jobs: list[tuple[EndpointScanner, Target]] = []
    for target in targets:
        if target.kind == "path":
            scanner = next((s for s in file_scanners_ if s.accepts(target)), None)
            if scanner is not None:
                for record in scanner.scan(target, options):
                    emit(record)
                if options.progress:
                    options.progress(f"{target.display}: done")
                continue
        else:
            endpoint = next((s for s in endpoint_scanners_ if s.accepts(target)), None)
            if endpoint is not None:
                jobs.append((endpoint, target))
                continue
        emit(
            ScanError(
                target=target.raw,
                kind="unsupported-target",
                message=f"no scanner for {target.kind} targets in this build",
                host=target.host,
                port=target.port,
            )
        )
    if jobs:
        asyncio.run(run_endpoints(jobs, options, emit))
    return findings, errors


def scan(
    targets: Sequence[Target], options: ScanOptions, policy: str, scenario: Scenario | None = None
) -> Inventory:
    inventory = new_inventory(targets, policy)
    inventory.extra["scenario"] = (scenario or get_scenario()).to_dict()
    inventory.findings, inventory.errors = collect(targets, options)
    return assess(inventory, policy)
