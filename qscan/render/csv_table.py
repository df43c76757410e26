"""CSV: one row per finding for spreadsheets and asset registers (RFC 4180, UTF-8).

Column names and values are the stable machine identifiers (not translated). The last column,
`location`, is the place as every report writes it (`repo-a: docs/usage.rst:23`, or the
endpoint). Any cell that a spreadsheet could read as a formula (starting with = + - @, a tab
or a carriage return) gets a leading apostrophe, so scanned text can never run as a formula
(CWE-1236).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from qscan.assess.issues import assign_issues
from qscan.model import Finding, Inventory, scope_of
from qscan.render.interface import RenderOptions
from qscan.render.locations import place

COLUMNS = (
    "fingerprint",
    "severity",
    "status",
    "rule",
    "title",
    "algorithm",
    "params",
    "function",
    "asset",
    "target",
    "path",
    "line",
    "host",
    "port",
    "service",
    "component",
    "evidence",
    "deadline",
    "deadline_note",
    "priority_score",
    "priority_wave",
    "organisation",
    "system",
    "owner",
    "gate",
    "fix",
    "issue",
    "scope",
    "location",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LEADING_BLANKS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]*")


def neutralise(value: Any) -> Any:
    """A leading apostrophe for text a spreadsheet could read as a formula: one that starts
    with = + - @, a tab or a carriage return, also after leading whitespace or control
    characters (some spreadsheets skip those)."""
    if not isinstance(value, str):
        return value
    blanks = _LEADING_BLANKS.match(value)
    rest = value[blanks.end() :] if blanks else value
    if value.startswith(_FORMULA_START) or rest.startswith(_FORMULA_START):
        return "'" + value
    return value


def _row(f: Finding, flags: dict[str, str]) -> list[Any]:
    loc, v, p = f.location, f.verdict, f.priority
    params = (
        json.dumps(f.params, sort_keys=True, ensure_ascii=False, default=str) if f.params else ""
    )
    row = [
        f.fingerprint,
        v.severity if v else "",
        v.status if v else "",
        v.rule if v else "",
        v.title if v else "",
        f.algorithm,
        params,
        f.function,
        f.asset,
        loc.target,
        loc.path or "",
        loc.line if loc.line is not None else "",
        loc.host or "",
        loc.port if loc.port is not None else "",
        loc.service or "",
        loc.component,
        f.evidence,
        v.deadline or "" if v else "",
        v.deadline_note or "" if v else "",
        p.score if p else "",
        p.wave if p else "",
        str(f.context.get("organisation") or ""),
        str(f.context.get("system") or ""),
        str(f.context.get("owner") or ""),
        flags.get(f.fingerprint, ""),
        v.fix if v else "",
        f.issue,
        scope_of(f),
        f"{place(f)}:{loc.line}" if loc.line else place(f),
    ]
    return [neutralise(c) for c in row]


def gate_flags(inventory: Inventory) -> dict[str, str]:
    """fingerprint -> new | waived | failing from the recorded CI gate (empty without one)."""
    gate = inventory.extra.get("gate")
    if not isinstance(gate, dict):
        return {}
    flags: dict[str, str] = {}
    baseline = gate.get("baseline")
    if isinstance(baseline, dict):
        flags.update(dict.fromkeys(baseline.get("new", []), "new"))
    flags.update(dict.fromkeys(gate.get("waived", {}), "waived"))
    flags.update(dict.fromkeys(gate.get("failing", []), "failing"))
    return flags


def render(inventory: Inventory, options: RenderOptions) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    flags = gate_flags(inventory)
    assign_issues(inventory)
    for finding in inventory.findings:
        writer.writerow(_row(finding, flags))
    return out.getvalue()
