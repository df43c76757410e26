"""Terminal summary: counts, top risks and errors, readable in a CI log."""

from __future__ import annotations

from qscan.model import Inventory
from qscan.render.interface import RenderOptions
from qscan.render.summary import summarise, where

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}


def _sanitise(text: str) -> str:
    """Scanned input must not drive the terminal: drop control characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def render(inventory: Inventory, options: RenderOptions) -> str:
    s = summarise(inventory)
    out = [
        f"qscan {inventory.tool.get('version', '')} — policy {inventory.policy} — {inventory.scanned_at}",
        f"targets: {len(inventory.targets)}   findings: {s.total}   errors: {s.errors}   "
        + (f"notes: {s.notes}   " if s.notes else "")
        + f"quantum-ready: {s.readiness:.0%}",
        "",
        "by status:   " + "  ".join(f"{k} {v}" for k, v in s.by_status.items() if v),
        "by severity: " + "  ".join(f"{k} {v}" for k, v in s.by_severity.items() if v),
        "algorithms:  " + ", ".join(f"{a} ×{n}" for a, n in s.by_algorithm[:12]),
    ]
    if s.top:
        out += ["", "top risks:"]
        for f in s.top:
            v = f.verdict
            assert v is not None
            sev = f"{v.severity:<8}"
            if options.color:
                sev = f"{_COLORS.get(v.severity, '')}{sev}\033[0m"
            params = ", ".join(f"{k}={val}" for k, val in f.params.items() if k != "oid")
            alg = f"{f.algorithm}({params})" if params else f.algorithm
            out.append(f"  {sev} {v.rule} {_sanitise(alg)} — {_sanitise(where(f))}")
            out.append(f"           {v.title}" + (f"; deadline {v.deadline}" if v.deadline else ""))
    if inventory.errors:
        out += ["", "errors:"]
        for e in inventory.errors[:50]:
            place = e.path or (f"{e.host}:{e.port}" if e.host else e.target)
            out.append(f"  {e.kind:<18} {_sanitise(place)}: {_sanitise(e.message)}")
        if len(inventory.errors) > 50:
            out.append(f"  … and {len(inventory.errors) - 50} more (see the JSON inventory)")
    return "\n".join(out) + "\n"
