"""Baselines: the fingerprints of findings already known, so the CI gate fails only on new ones.

A fingerprint leaves out the line number, so code that moves inside its file keeps its
fingerprint and is not "new". A saved JSON inventory is accepted as a baseline as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qscan.configfile import ConfigError, load_json
from qscan.model import SCHEMA_ID, Inventory

BASELINE_SCHEMA = "qscan/baseline@1"


class BaselineError(ConfigError):
    """A baseline file that cannot be read or is neither a baseline nor an inventory."""


@dataclass(frozen=True)
class Baseline:
    fingerprints: frozenset[str]
    source: str = ""
    created_at: str = ""

    def __contains__(self, fingerprint: object) -> bool:
        return fingerprint in self.fingerprints

    def __len__(self) -> int:
        return len(self.fingerprints)


def baseline_document(inventory: Inventory) -> dict[str, Any]:
    """The baseline file for an inventory: every fingerprint with a short note for reviewers
    (rule, algorithm and place without the line, so the file does not churn)."""
    entries: dict[str, dict[str, str]] = {}
    for f in sorted(inventory.findings, key=lambda f: f.fingerprint):
        loc = f.location
        place = loc.path if loc.path is not None else f"{loc.service}://{loc.host}:{loc.port}"
        entries[f.fingerprint] = {
            "rule": f.verdict.rule if f.verdict else "",
            "algorithm": f.algorithm,
            "where": place,
        }
    return {
        "schema": BASELINE_SCHEMA,
        "tool": inventory.tool,
        "created_at": inventory.scanned_at,
        "policy": inventory.policy,
        "fingerprints": entries,
    }


def dump_baseline(inventory: Inventory) -> str:
    return json.dumps(baseline_document(inventory), indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> Baseline:
    source = str(path)
    data = load_json(path, "baseline")
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema == BASELINE_SCHEMA and isinstance(data.get("fingerprints"), dict | list):
        fingerprints = list(data["fingerprints"])
    elif schema == SCHEMA_ID and isinstance(data.get("findings"), list):
        findings = data["findings"]
        if not all(isinstance(f, dict) for f in findings):
            raise BaselineError(source, "findings must be objects")
        fingerprints = [f["fingerprint"] for f in findings if "fingerprint" in f]
    else:
        shown = schema if isinstance(schema, str) and len(schema) < 80 else type(schema).__name__
        raise BaselineError(source, f"not a qscan baseline or inventory (schema {shown!r})")
    if not all(isinstance(fp, str) for fp in fingerprints):
        raise BaselineError(source, "every fingerprint must be a string")
    created = data.get("created_at", data.get("scanned_at", ""))
    return Baseline(frozenset(fingerprints), source, created if isinstance(created, str) else "")
