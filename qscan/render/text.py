"""Terminal summary: counts of issues, the top risks (issues) and errors, readable in a CI
log."""

from __future__ import annotations

from qscan.assess.issues import Issue
from qscan.model import Inventory
from qscan.render.interface import RenderOptions
from qscan.render.summary import summarise

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}


def _sanitise(text: str) -> str:
    """Scanned input must not drive the terminal: drop control characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _members(issue: Issue) -> str:
    """One issue in words: "16 × tls1.2 cipher suite" or "3 findings (RSA, ECDSA)"."""
    if issue.component and issue.count > 1:
        what = f"{issue.count} × {issue.component}"
    else:
        what = f"{issue.count} finding{'s' if issue.count != 1 else ''}"
    if issue.lines:
        shown = ", ".join(str(n) for n in issue.lines[:5])
        what += f", line{'s' if len(issue.lines) > 1 else ''} {shown}"
        what += "…" if len(issue.lines) > 5 else ""
    return what


def render(inventory: Inventory, options: RenderOptions) -> str:
    s = summarise(inventory)
    readiness = "n/a" if s.readiness is None else f"{s.readiness:.0%}"
    out = [
        f"qscan {inventory.tool.get('version', '')} — policy {inventory.policy} — {inventory.scanned_at}",
        f"targets: {len(inventory.targets)}   findings: {s.findings}   issues: {s.issues}   "
        f"errors: {s.errors}   quantum-ready: {readiness}",
    ]
    if s.apart:
        scopes = ", ".join(f"{scope} {n}" for scope, n in s.apart.items())
        out.append(
            f"apart:       {s.apart_total} issue(s) in test, documentation or vendored "
            f"material ({scopes}), not ranked"
        )
    out += [
        "",
        "issues by status:   " + "  ".join(f"{k} {v}" for k, v in s.by_status.items() if v),
        "issues by severity: " + "  ".join(f"{k} {v}" for k, v in s.by_severity.items() if v),
        "algorithms:  " + ", ".join(f"{a} ×{n}" for a, n in s.by_algorithm[:12]),
    ]
    if s.top:
        out += ["", "top risks:"]
        for issue in s.top:
            sev = f"{issue.severity:<8}"
            if options.color:
                sev = f"{_COLORS.get(issue.severity, '')}{sev}\033[0m"
            line = f"{issue.rule} {issue.title} — {issue.asset} — {_members(issue)}"
            out.append(f"  {sev} {_sanitise(line)}")
            p = issue.priority
            detail = f"wave {p.wave}, score {p.score}"
            if issue.deadline:
                detail += f"; deadline {issue.deadline}"
            if issue.attribution.get("system"):
                detail += f"; system {issue.attribution['system']}"
            out.append(f"           {_sanitise(detail)}")
    if inventory.errors:
        out += ["", "errors:"]
        for e in inventory.errors[:50]:
            place = e.path or (f"{e.host}:{e.port}" if e.host else e.target)
            out.append(f"  {e.kind:<18} {_sanitise(place)}: {_sanitise(e.message)}")
        if len(inventory.errors) > 50:
            out.append(f"  … and {len(inventory.errors) - 50} more (see the JSON inventory)")
    return "\n".join(out) + "\n"
