"""Terminal summary: counts, top risks and errors, readable in a CI log."""

from __future__ import annotations

from qscan.model import Inventory
from qscan.render.interface import RenderOptions
from qscan.render.summary import summarise, where

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}


def _sanitise(text: str) -> str:
    """Scanned input must not drive the terminal: control characters become '?'."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def render(inventory: Inventory, options: RenderOptions) -> str:
    """Every line is built from plain text and sanitised whole (an inventory read back with
    `qscan report` may carry anything in any field); the colours, qscan's own escape
    sequences, are added last."""
    s = summarise(inventory)
    lines: list[tuple[str, str | None]] = [
        (
            f"qscan {inventory.tool.get('version', '')} — policy {inventory.policy} — "
            f"{inventory.scanned_at}",
            None,
        ),
        (
            f"targets: {len(inventory.targets)}   findings: {s.total}   errors: {s.errors}   "
            + (f"notes: {s.notes}   " if s.notes else "")
            + f"quantum-ready: {s.readiness:.0%}",
            None,
        ),
        *(
            [
                (
                    f"incomplete:  {s.lost} target(s) lost to this machine's resource limits "
                    "(no free file descriptor: raise ulimit -n or lower --concurrency)",
                    None,
                )
            ]
            if s.lost
            else []
        ),
        ("", None),
        ("by status:   " + "  ".join(f"{k} {v}" for k, v in s.by_status.items() if v), None),
        ("by severity: " + "  ".join(f"{k} {v}" for k, v in s.by_severity.items() if v), None),
        ("algorithms:  " + ", ".join(f"{a} ×{n}" for a, n in s.by_algorithm[:12]), None),
    ]
    if s.top:
        lines += [("", None), ("top risks:", None)]
        for f in s.top:
            v = f.verdict
            assert v is not None
            params = ", ".join(f"{k}={val}" for k, val in f.params.items() if k != "oid")
            alg = f"{f.algorithm}({params})" if params else f.algorithm
            lines.append((f"  {v.severity:<8} {v.rule} {alg} — {where(f)}", v.severity))
            deadline = f"; deadline {v.deadline}" if v.deadline else ""
            lines.append((f"           {v.title}{deadline}", None))
    if inventory.errors:
        lines += [("", None), ("errors:", None)]
        for e in inventory.errors[:50]:
            place = e.path or (f"{e.host}:{e.port}" if e.host else e.target)
            lines.append((f"  {e.kind:<18} {place}: {e.message}", None))
        if len(inventory.errors) > 50:
            more = len(inventory.errors) - 50
            lines.append((f"  … and {more} more (see the JSON inventory)", None))
    out = []
    for text, severity in lines:
        text = _sanitise(text)
        if severity is not None and options.color:
            end = len(f"  {severity:<8}")  # sanitising keeps every character's place
            text = f"  {_COLORS.get(severity, '')}{text[2:end]}\033[0m{text[end:]}"
        out.append(text)
    return "\n".join(out) + "\n"
