"""Merge many inventories (organisations, or shards of one estate) into one, streaming.

Inputs are read twice, never loaded: a header pass finds each input's organisation, then
one organisation at a time is de-duplicated by fingerprint within each system (the same
file in two systems is kept in both), aggregated and written out to
temporary spool files, and forgotten. Memory is bounded by the largest single
organisation, not by the number of organisations or findings. The merged file is a
`qscan/inventory@1` whose `organisations` and `aggregates` come before the findings, so
the roadmap report reads them without parsing the rest; its `issues` (grouped within each
organisation) come last, and every finding carries its issue's id.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from qscan.inventories.aggregate import Aggregator
from qscan.inventories.stream import (
    InventoryFormatError,
    Spool,
    dump,
    iter_array,
    iter_errors,
    iter_findings,
    read_header,
)
from qscan.model import DEFAULT_POLICY, SCHEMA_ID, object_at
from qscan.version import __version__

MERGED_KEYS = ("organisations", "aggregates")
PER_SCAN_FIGURES = ("priority", "findings", "errors")


@dataclass(frozen=True)
class Source:
    """What the merge keeps of one input after the header pass (its targets are spooled)."""

    path: Path
    org_id: str
    org_name: str
    scanned_at: str
    policy: str | None
    scenario: str
    """The scenario as canonical JSON ("null" when absent), comparable across inputs."""
    estate: dict[str, Any] | None
    targets_at: int


def organisation_of(header: dict[str, Any], path: Path) -> tuple[str, str]:
    """(id, name) from the inventory's estate; a file without an estate is its own one."""
    estate = header.get("estate")
    if isinstance(estate, dict) and isinstance(estate.get("organisation"), dict):
        org = estate["organisation"]
        if org.get("id"):
            return str(org["id"]), str(org.get("name") or org["id"])
    return f"file:{path}", path.stem


def _slim_estate(estate: Any) -> dict[str, Any] | None:
    """The estate without the per-scan figures (a shard's counts are not the estate's)."""
    if not isinstance(estate, dict):
        return None
    slim = {k: v for k, v in estate.items() if k != "systems"}
    slim["systems"] = [
        {k: v for k, v in system.items() if k not in PER_SCAN_FIGURES}
        for system in estate.get("systems") or []
        if isinstance(system, dict)
    ]
    return slim


def read_source(path: Path, targets: IO[str]) -> Source:
    """The header pass over one input; its targets go to the `targets` spool."""
    return source_from_header(path, read_header(path), targets)


def source_from_header(path: Path, header: dict[str, Any], targets: IO[str]) -> Source:
    if any(key in header for key in MERGED_KEYS):
        raise InventoryFormatError(
            f"{path}: already a merged inventory; merge the inventories it was made from"
        )
    org_id, name = organisation_of(header, path)
    at = targets.tell()
    targets.write(dump([str(t) for t in header.get("targets") or []]) + "\n")
    return Source(
        path=path,
        org_id=org_id,
        org_name=name,
        scanned_at=str(header.get("scanned_at") or ""),
        policy=header.get("policy"),
        scenario=json.dumps(header.get("scenario"), sort_keys=True),
        estate=_slim_estate(header.get("estate")),
        targets_at=at,
    )


def merge(
    paths: Sequence[Path],
    output: Path | None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Merge `paths` into `output` (None: stdout); returns the totals and the figures per
    algorithm (the per-organisation and per-system figures are in the output)."""
    workdir = output.resolve().parent if output is not None else None
    with contextlib.ExitStack() as stack:

        def spool() -> Spool:
            return stack.enter_context(Spool(workdir))

        target_lists = spool()
        sources = [read_source(path, target_lists.file) for path in paths]
        groups: dict[str, list[Source]] = {}
        for source in sorted(sources, key=lambda s: (s.org_name, s.org_id)):
            groups.setdefault(source.org_id, []).append(source)
        for members in groups.values():
            members.sort(key=lambda s: (s.scanned_at, str(s.path)))

        out = {name: spool() for name in ("orgs", "org_aggregates", "systems", "targets", "issues")}
        findings, errors, notes = spool(), spool(), spool()
        aggregator = Aggregator()
        for done, (org_id, members) in enumerate(groups.items(), 1):
            aggregator.organisation(org_id, members[0].org_name)
            _merge_organisation(org_id, members, aggregator, findings, errors)
            _merge_notes(org_id, members, notes)
            entry, systems, issues = aggregator.finish(org_id, systems_meta(members))
            out["orgs"].add(organisation_entry(members))
            out["org_aggregates"].add(entry)
            for system in systems:
                out["systems"].add(system)
            for issue in issues:
                out["issues"].add(issue.to_dict())
            _copy_targets(members, target_lists, out["targets"])
            if progress:
                progress(f"merged {done}/{len(groups)} organisations ({members[0].org_name})")

        summary = aggregator.summary()
        summary["as_of"] = max((s.scanned_at for s in sources), default="")
        head = _head(sources, summary)
        if output is None:
            _assemble(sys.stdout, head, summary, out, findings, errors, notes)
        else:
            partial = output.with_name(f".{output.name}.partial")
            try:
                with open(partial, "w", encoding="utf-8") as sink:
                    _assemble(sink, head, summary, out, findings, errors, notes)
                os.replace(partial, output)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    partial.unlink()
    return summary


def _merge_organisation(
    org_id: str, members: list[Source], aggregator: Aggregator, findings: Spool, errors: Spool
) -> None:
    attribution = {"organisation": members[0].org_name, "organisation_id": org_id}
    seen: set[bytes] = set()
    for source in members:
        for finding in iter_findings(source.path):
            system = object_at(finding, "context").get("system") or ""
            key = f"{system}\x1f{finding['fingerprint']}".encode()
            if key in seen:
                aggregator.add_duplicate(org_id)
                continue
            seen.add(key)
            context = finding.get("context")
            if not isinstance(context, dict):
                context = finding["context"] = {}
            for k, v in attribution.items():
                context.setdefault(k, v)
            finding["issue"] = aggregator.add_finding(org_id, finding)
            findings.add(finding)
    seen.clear()
    seen_errors: set[str] = set()
    for source in members:
        for error in iter_errors(source.path):
            error["context"] = {**attribution, **object_at(error, "context")}
            text = dump(error)
            if text in seen_errors:
                continue
            seen_errors.add(text)
            aggregator.add_error(org_id, error)
            errors.add(error)


def _merge_notes(org_id: str, members: list[Source], notes: Spool) -> None:
    """The organisation's notes (each once), attributed like its errors."""
    attribution = {"organisation": members[0].org_name, "organisation_id": org_id}
    seen: set[str] = set()
    for source in members:
        for note in iter_array(source.path, "notes"):
            note["context"] = {**attribution, **object_at(note, "context")}
            text = dump(note)
            if text not in seen:
                seen.add(text)
                notes.add(note)


def _latest_estate(members: list[Source]) -> dict[str, Any] | None:
    return next((s.estate for s in reversed(members) if s.estate), None)


def systems_meta(members: list[Source]) -> dict[str, dict[str, Any]]:
    """The estate systems of an organisation by name (from its latest estate)."""
    systems = (_latest_estate(members) or {}).get("systems") or []
    return {str(s["name"]): s for s in systems if s.get("name")}


def organisation_entry(members: list[Source]) -> dict[str, Any]:
    """One organisation of the merged inventory: who it is, where its figures came from."""
    first = members[0]
    estate = _latest_estate(members)
    entry: dict[str, Any] = {"id": first.org_id, "name": first.org_name}
    if estate:
        org = estate.get("organisation") or {}
        entry.update({k: v for k, v in org.items() if k not in ("id", "name")})
    entry["sources"] = [str(s.path) for s in members]
    entry["scanned_at"] = max(s.scanned_at for s in members)
    entry["policy"] = _common(s.policy for s in members)
    scenario = _common(s.scenario for s in members)
    if scenario and scenario != "null":
        entry["scenario"] = json.loads(scenario)
    shards = sorted(
        {
            (s.estate["shard"]["index"], s.estate["shard"]["count"])
            for s in members
            if s.estate and isinstance(s.estate.get("shard"), dict)
        }
    )
    if shards:
        count = max(c for _, c in shards)
        present = sorted({i for i, c in shards if c == count})
        entry["shards"] = {
            "count": count,
            "present": present,
            "missing": [i for i in range(1, count + 1) if i not in present],
        }
    if estate:
        entry["systems"] = estate["systems"]
    return entry


def _copy_targets(members: list[Source], target_lists: Spool, out: Spool) -> None:
    """The organisation's targets, each once, from the lists spooled by the header pass."""
    seen: set[str] = set()
    for source in members:
        target_lists.file.seek(source.targets_at)
        for target in json.loads(target_lists.file.readline()):
            if target not in seen:
                seen.add(target)
                out.add(target)
    target_lists.file.seek(0, os.SEEK_END)


def _head(sources: list[Source], summary: dict[str, Any]) -> dict[str, Any]:
    head: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "tool": {"name": "qscan", "version": __version__},
        "scanned_at": summary["as_of"],
        "policy": _common(s.policy for s in sources) or DEFAULT_POLICY,
        "merged": {
            "at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "inputs": len(sources),
        },
    }
    scenarios = {s.scenario for s in sources}
    if len(scenarios) == 1 and (only := json.loads(scenarios.pop())) is not None:
        head["scenario"] = only
    return head


def _assemble(
    out: IO[str],
    head: dict[str, Any],
    summary: dict[str, Any],
    spools: dict[str, Spool],
    findings: Spool,
    errors: Spool,
    notes: Spool,
) -> None:
    out.write("{")
    for key, value in head.items():
        out.write(f"{json.dumps(key)}:{dump(value)},\n")
    spools["orgs"].copy_array(out, "organisations")
    out.write(',\n"aggregates":{')
    out.write(f'"totals":{dump(summary["totals"])},"as_of":{dump(summary["as_of"])},\n')
    spools["org_aggregates"].copy_array(out, "organisations")
    out.write(",\n")
    spools["systems"].copy_array(out, "systems")
    out.write(f',\n"algorithms":{dump(summary["algorithms"])},\n')
    out.write(f'"protocols":{dump(summary["protocols"])}}},\n')
    spools["targets"].copy_array(out, "targets")
    out.write(",\n")
    findings.copy_array(out, "findings")
    out.write(",\n")
    errors.copy_array(out, "errors")
    out.write(",\n")
    spools["issues"].copy_array(out, "issues")
    out.write(",\n")
    notes.copy_array(out, "notes")
    out.write("}\n")


def _common(values: Any) -> str | None:
    """The value all inputs share; with several, the most frequent (ties: smallest)."""
    counts = Counter(str(v) for v in values if v is not None)
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))
