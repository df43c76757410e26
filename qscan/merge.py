"""Merge many inventories (organisations, or shards of one estate) into one, streaming.

Inputs are read twice, never loaded: a header pass finds each input's organisation, then
the findings of one organisation at a time are de-duplicated by fingerprint and written
out. Memory is bounded by the largest single organisation's fingerprints, not the total.
The merged file is a `qscan/inventory@1` whose `organisations` and `aggregates` come
before the findings, so the roadmap report reads them without parsing the rest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from qscan import __version__
from qscan.aggregate import Aggregator
from qscan.inventory_stream import (
    ArrayWriter,
    InventoryFormatError,
    dump,
    iter_errors,
    iter_findings,
    read_header,
)
from qscan.model import SCHEMA_ID

MERGED_KEYS = ("organisations", "aggregates")


@dataclass(frozen=True)
class Source:
    path: Path
    header: dict[str, Any]
    org_id: str
    org_name: str

    @property
    def estate(self) -> dict[str, Any] | None:
        estate = self.header.get("estate")
        return estate if isinstance(estate, dict) else None


def organisation_of(header: dict[str, Any], path: Path) -> tuple[str, str]:
    """(id, name) from the inventory's estate; a file without an estate is its own one."""
    estate = header.get("estate")
    if isinstance(estate, dict) and isinstance(estate.get("organisation"), dict):
        org = estate["organisation"]
        if org.get("id"):
            return str(org["id"]), str(org.get("name") or org["id"])
    return f"file:{path}", path.stem


def open_sources(paths: Sequence[Path]) -> list[Source]:
    sources = []
    for path in paths:
        header = read_header(path)
        if any(key in header for key in MERGED_KEYS):
            raise InventoryFormatError(
                f"{path}: already a merged inventory; merge the inventories it was made from"
            )
        org_id, name = organisation_of(header, path)
        sources.append(Source(path, header, org_id, name))
    return sources


def merge(
    paths: Sequence[Path],
    output: Path | None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Merge `paths` into `output` (None: stdout); returns the aggregates."""
    sources = open_sources(paths)
    groups: dict[str, list[Source]] = {}
    for source in sorted(sources, key=lambda s: (s.org_name, s.org_id)):
        groups.setdefault(source.org_id, []).append(source)
    for members in groups.values():
        members.sort(key=lambda s: (str(s.header.get("scanned_at", "")), str(s.path)))

    workdir = output.resolve().parent if output is not None else None
    aggregator = Aggregator()
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", dir=workdir) as body,
        tempfile.TemporaryFile("w+", encoding="utf-8", dir=workdir) as errors_body,
    ):
        findings_out = ArrayWriter(body, "findings")
        errors_out = ArrayWriter(errors_body, "errors")
        for done, (org_id, members) in enumerate(groups.items(), 1):
            _merge_organisation(org_id, members, aggregator, findings_out, errors_out)
            if progress:
                progress(f"merged {done}/{len(groups)} organisations ({members[0].org_name})")
        findings_out.close()
        errors_out.close()
        organisations = [organisation_entry(members) for members in groups.values()]
        aggregates = aggregator.result(systems_meta(groups))
        aggregates["as_of"] = _latest(s.header.get("scanned_at") for s in sources)
        head = _head(sources, organisations, aggregates)
        if output is None:
            _assemble(sys.stdout, head, body, errors_body)
        else:
            tmp = output.with_name(f".{output.name}.partial")
            try:
                with open(tmp, "w", encoding="utf-8") as out:
                    _assemble(out, head, body, errors_body)
                os.replace(tmp, output)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
    return aggregates


def _merge_organisation(
    org_id: str,
    members: list[Source],
    aggregator: Aggregator,
    findings_out: ArrayWriter,
    errors_out: ArrayWriter,
) -> None:
    name = members[0].org_name
    aggregator.organisation(org_id, name)
    attribution = {"organisation": name, "organisation_id": org_id}
    seen: set[bytes] = set()
    for source in members:
        for finding in iter_findings(source.path):
            key = finding["fingerprint"].encode()
            if key in seen:
                aggregator.add_duplicate(org_id)
                continue
            seen.add(key)
            context = finding.get("context")
            if not isinstance(context, dict):
                context = finding["context"] = {}
            for k, v in attribution.items():
                context.setdefault(k, v)
            aggregator.add_finding(org_id, finding)
            findings_out.add(finding)
    seen.clear()
    seen_errors: set[str] = set()
    for source in members:
        for error in iter_errors(source.path):
            context = error.get("context") if isinstance(error.get("context"), dict) else {}
            error["context"] = {**attribution, **context}
            text = dump(error)
            if text in seen_errors:
                continue
            seen_errors.add(text)
            aggregator.add_error(org_id, error)
            errors_out.add(error)


def organisation_entry(members: list[Source]) -> dict[str, Any]:
    first = members[0]
    estate = next((s.estate for s in reversed(members) if s.estate), None)
    entry: dict[str, Any] = {"id": first.org_id, "name": first.org_name}
    if estate:
        org = estate.get("organisation") or {}
        entry.update({k: v for k, v in org.items() if k not in ("id", "name")})
    entry["sources"] = [str(s.path) for s in members]
    entry["scanned_at"] = _latest(s.header.get("scanned_at") for s in members)
    entry["policy"] = _common(s.header.get("policy") for s in members)
    scenario = _common(json.dumps(s.header.get("scenario"), sort_keys=True) for s in members)
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
        entry["systems"] = [
            {k: v for k, v in system.items() if k not in ("priority", "findings", "errors")}
            for system in estate.get("systems") or []
            if isinstance(system, dict)
        ]
    return entry


def systems_meta(groups: dict[str, list[Source]]) -> dict[tuple[str, str], dict[str, Any]]:
    meta: dict[tuple[str, str], dict[str, Any]] = {}
    for org_id, members in groups.items():
        for source in reversed(members):
            for system in (source.estate or {}).get("systems") or []:
                if isinstance(system, dict) and system.get("name"):
                    meta.setdefault((org_id, str(system["name"])), system)
    return meta


def _head(
    sources: list[Source], organisations: list[dict[str, Any]], aggregates: dict[str, Any]
) -> dict[str, Any]:
    targets: list[str] = []
    seen: set[str] = set()
    for source in sources:
        for target in source.header.get("targets") or []:
            if target not in seen:
                seen.add(target)
                targets.append(target)
    head: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "tool": {"name": "qscan", "version": __version__},
        "scanned_at": aggregates["as_of"],
        "policy": _common(s.header.get("policy") for s in sources) or "nist-ir-8547",
        "merged": {
            "at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "inputs": len(sources),
        },
    }
    scenarios = {json.dumps(s.header.get("scenario"), sort_keys=True) for s in sources}
    if len(scenarios) == 1 and (only := json.loads(scenarios.pop())) is not None:
        head["scenario"] = only
    head["organisations"] = organisations
    head["aggregates"] = aggregates
    head["targets"] = targets
    return head


def _assemble(out: IO[str], head: dict[str, Any], body: IO[str], errors_body: IO[str]) -> None:
    out.write("{")
    for key, value in head.items():
        out.write(f"{json.dumps(key)}:{dump(value)},\n")
    body.seek(0)
    shutil.copyfileobj(body, out, 1 << 20)
    out.write(",\n")
    errors_body.seek(0)
    shutil.copyfileobj(errors_body, out, 1 << 20)
    out.write("}\n")


def _latest(values: Any) -> str:
    return max((str(v) for v in values if v), default="")


def _common(values: Any) -> str | None:
    """The value all inputs share; with several, the most frequent (ties: smallest)."""
    counts: dict[str, int] = {}
    for v in values:
        if v is not None:
            counts[str(v)] = counts.get(str(v), 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda v: (-counts[v], v))
