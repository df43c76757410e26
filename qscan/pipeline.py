"""targets -> scanners -> assess -> inventory: the one path every front door (CLI, library,
estate) takes. `scan` runs its own event loop for the endpoints; `scan_async` runs inside
the caller's."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from qscan.assess.engine import assess
from qscan.assess.scenario import Scenario, get_scenario
from qscan.estate.attribute import attribute
from qscan.estate.file import Estate, EstateTarget
from qscan.estate.shard import select_shard
from qscan.model import Finding, Inventory, ScanError, ScanNote, text_key
from qscan.scan.interface import EndpointScanner, Record, ScanOptions
from qscan.scan.net.engine import run_endpoints, scan_endpoints
from qscan.scan.registry import endpoint_scanners, file_scanners
from qscan.targets import Target, arrange, parse_target
from qscan.version import __version__

EndpointJobs = list[tuple[EndpointScanner, Target]]


def new_inventory(targets: Sequence[Target], policy: str) -> Inventory:
    return Inventory(
        targets=[t.raw for t in targets],
        policy=policy,
        scanned_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        tool={"name": "qscan", "version": __version__},
    )


class Records:
    """Findings, errors and notes in the order the scanners emit them."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.errors: list[ScanError] = []
        self.notes: list[ScanNote] = []

    def __call__(self, record: Record) -> None:
        if isinstance(record, Finding):
            self.findings.append(record)
        elif isinstance(record, ScanNote):
            self.notes.append(record)
        else:
            self.errors.append(record)

    def fill(self, inventory: Inventory) -> Inventory:
        inventory.findings, inventory.notes = self.findings, self.notes
        inventory.errors = inventory.errors + self.errors
        return inventory


def _arranged(targets: Sequence[Target], emit: Records) -> list[Target]:
    """The targets with every file read once (qscan.targets.arrange); what that changed is
    a note."""
    arranged = arrange(targets)
    for target, kind, message, said in arranged.changes:
        note = ScanNote(
            target=target.raw,
            kind=kind,
            message=message,
            path=str(target.path),
            texts={"message": said},
        )
        emit(note)
    return arranged.targets


def scan_paths(targets: Sequence[Target], options: ScanOptions, emit: Records) -> EndpointJobs:
    """Scan the path targets in order and record targets no scanner accepts; return the
    endpoint targets with their scanners, for the endpoint engine."""
    kinds = {t.kind for t in targets}
    file_scanners_ = file_scanners() if "path" in kinds else []
    endpoint_scanners_ = endpoint_scanners(kinds - {"path"})
    jobs: EndpointJobs = []
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
                texts={"message": text_key("target.no-scanner", kind=target.kind)},
            )
        )
    return jobs


def gather(targets: Sequence[Target], options: ScanOptions) -> Records:
    """Run every scanner over its targets (each file once, see `_arranged`); unsupported
    targets become error records."""
    records = Records()
    jobs = scan_paths(_arranged(targets, records), options, records)
    if jobs:
        scan_endpoints(jobs, options, records)
    return records


async def gather_async(targets: Sequence[Target], options: ScanOptions) -> Records:
    """`gather` inside a running event loop: the file scanners run in a worker thread, the
    endpoints on the caller's loop."""
    records = Records()
    arranged = _arranged(targets, records)
    jobs = await asyncio.to_thread(scan_paths, arranged, options, records)
    if jobs:
        await run_endpoints(jobs, options, records)
    return records


def collect(
    targets: Sequence[Target], options: ScanOptions
) -> tuple[list[Finding], list[ScanError]]:
    """The findings and errors of `gather` (notes left out)."""
    records = gather(targets, options)
    return records.findings, records.errors


def _plain_inventory(
    targets: Sequence[Target], policy: str, scenario: Scenario | None
) -> Inventory:
    inventory = new_inventory(targets, policy)
    inventory.extra["scenario"] = (scenario or get_scenario()).to_dict()
    return inventory


def scan(
    targets: Sequence[Target], options: ScanOptions, policy: str, scenario: Scenario | None = None
) -> Inventory:
    inventory = _plain_inventory(targets, policy, scenario)
    gather(targets, options).fill(inventory)
    return assess(inventory, policy)


async def scan_async(
    targets: Sequence[Target], options: ScanOptions, policy: str, scenario: Scenario | None = None
) -> Inventory:
    inventory = _plain_inventory(targets, policy, scenario)
    (await gather_async(targets, options)).fill(inventory)
    return assess(inventory, policy)


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
                    texts={"message": text_key("target.remote")},
                )
            )
            by_raw[et.value] = et
            continue
        target = _to_target(et, estate.base_dir, options.sni)
        by_raw.setdefault(target.raw, et)  # a target listed twice belongs to its first system
        targets.append(target)
    inventory = new_inventory(targets, policy)
    inventory.targets += [e.target for e in early_errors]
    inventory.extra["scenario"] = scenario.to_dict()
    inventory.extra["estate"] = estate.to_dict(shard)
    inventory.errors = early_errors
    gather(targets, options).fill(inventory)
    attribute(inventory, estate, by_raw)
    return assess(inventory, policy)


def _to_target(et: EstateTarget, base_dir: Path, sni: str | None) -> Target:
    if et.kind == "endpoint":
        return parse_target(et.value, sni=sni)
    resolved = (base_dir / et.value).resolve()
    return Target(raw=str(resolved), kind="path", path=resolved)
