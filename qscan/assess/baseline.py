"""Baselines: the fingerprints of findings already known, so the CI gate fails only on new ones.

A fingerprint leaves out the line number, so code that moves inside its file keeps its
fingerprint and is not "new". A saved JSON inventory is accepted as a baseline as well.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qscan.model import SCHEMA_ID, Inventory

BASELINE_SCHEMA = "qscan/baseline@1"


class BaselineError(ValueError):
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
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise BaselineError(f"{path}: not JSON ({exc})") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema == BASELINE_SCHEMA and isinstance(data.get("fingerprints"), dict | list):
        return Baseline(frozenset(data["fingerprints"]), str(path), str(data.get("created_at", "")))
    if schema == SCHEMA_ID and isinstance(data.get("findings"), list):
        fps = frozenset(f["fingerprint"] for f in data["findings"] if "fingerprint" in f)
        return Baseline(fps, str(path), str(data.get("scanned_at", "")))
    raise BaselineError(f"{path}: not a qscan baseline or inventory (schema {schema!r})")
