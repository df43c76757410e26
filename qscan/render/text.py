"""Terminal summary: counts of issues, the top risks (issues) and errors, readable in a CI
log."""

from __future__ import annotations

from qscan.assess.issues import Issue
from qscan.i18n import plural
from qscan.model import Inventory
from qscan.render.interface import RenderOptions
from qscan.render.locations import error_place
from qscan.render.summary import PLACES_SHOWN, Summary, summarise

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}


def sanitise(text: str) -> str:
    """Scanned input must not drive the terminal: control characters become '?'."""
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


def _issues(s: Summary) -> str:
    """The headline's issues: those to act on, and the informational ones apart."""
    text = f"{s.to_act} to act on"
    return text + (f" (+{s.informational} informational)" if s.informational else "")


def _places(issue: Issue) -> str:
    """ "3 places: a, b, c" (the first few)."""
    shown = ", ".join(issue.places[:PLACES_SHOWN])
    more = len(issue.places) - PLACES_SHOWN
    return f"{len(issue.places)} places: {shown}" + (f" and {more} more" if more > 0 else "")


def render(inventory: Inventory, options: RenderOptions) -> str:
    """Every line is built from plain text and sanitised whole (an inventory read back with
    `qscan report` may carry anything in any field); the colours, qscan's own escape
    sequences, are added last."""
    s = summarise(inventory)
    readiness = "n/a" if s.readiness is None else f"{s.readiness:.0%}"
    lines: list[tuple[str, str | None]] = [
        (
            f"qscan {inventory.tool.get('version', '')} — policy {inventory.policy} — "
            f"{inventory.scanned_at}",
            None,
        ),
        (
            f"targets: {len(inventory.targets)}   findings: {s.findings}   "
            f"issues: {_issues(s)}   errors: {s.errors}   "
            + (f"notes: {s.notes}   " if s.notes else "")
            + f"quantum-ready: {readiness}",
            None,
        ),
    ]
    if s.lost:
        lines.append(
            (
                f"incomplete:  {plural(s.lost, 'target', 'targets')} lost to this machine's "
                "resource limits "
                "(no free file descriptor: raise ulimit -n or lower --concurrency)",
                None,
            )
        )
    if s.apart:
        scopes = ", ".join(f"{scope} {n}" for scope, n in s.apart.items())
        lines.append(
            (
                f"apart:       {plural(s.apart_total, 'issue', 'issues')} in test, documentation or vendored "
                f"material ({scopes}), not ranked",
                None,
            )
        )
    lines += [
        ("", None),
        ("issues by status:   " + "  ".join(f"{k} {v}" for k, v in s.by_status.items() if v), None),
        (
            "issues by severity: " + "  ".join(f"{k} {v}" for k, v in s.by_severity.items() if v),
            None,
        ),
        ("algorithms:  " + ", ".join(f"{a} ×{n}" for a, n in s.by_algorithm[:12]), None),
    ]
    if s.by_protocol:
        lines.append(("protocols:   " + ", ".join(f"{p} ×{n}" for p, n in s.by_protocol), None))
    if s.top:
        lines += [("", None), ("top risks:", None)]
        for issue in s.top:
            line = f"{issue.rule} {issue.title} — {issue.asset} — {_members(issue)}"
            lines.append((f"  {issue.severity:<8} {line}", issue.severity))
            if len(issue.places) > 1:
                lines.append((f"           {_places(issue)}", None))
            p = issue.priority
            detail = f"wave {p.wave}, score {p.score}"
            if issue.deadline:
                detail += f"; deadline {issue.deadline}"
            if issue.attribution.get("system"):
                detail += f"; system {issue.attribution['system']}"
            lines.append((f"           {detail}", None))
    if inventory.errors:
        lines += [("", None), ("errors:", None)]
        for e in inventory.errors[:50]:
            lines.append((f"  {e.kind:<18} {error_place(e)}: {e.message}", None))
        if len(inventory.errors) > 50:
            more = len(inventory.errors) - 50
            lines.append((f"  … and {more} more (see the JSON inventory)", None))
    out = []
    for text, severity in lines:
        text = sanitise(text)
        if severity is not None and options.color:
            end = len(f"  {severity:<8}")  # sanitising keeps every character's place
            text = f"  {_COLORS.get(severity, '')}{text[2:end]}\033[0m{text[end:]}"
        out.append(text)
    return "\n".join(out) + "\n"
