"""Terminal summary: counts of issues, the top risks (issues) and errors, readable in a CI
log, in the report language (fixed texts under `text.` in reports/i18n)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from qscan.assess.issues import Issue
from qscan.i18n import Translator
from qscan.model import SEVERITIES, Inventory
from qscan.render.interface import RenderOptions
from qscan.render.localize import localize
from qscan.render.locations import error_place
from qscan.render.summary import PLACES_SHOWN, Summary, summarise

_COLORS = {"critical": "\033[1;31m", "high": "\033[31m", "medium": "\033[33m", "low": "\033[36m"}
ERRORS_SHOWN = 50
LINES_SHOWN = 5


def sanitise(text: str) -> str:
    """Scanned input must not drive the terminal: control characters become '?'; other
    spaces (the narrow no-break space in a localised time) become plain ones."""
    return "".join(
        ch if ch.isprintable() else " " if unicodedata.category(ch) == "Zs" else "?" for ch in text
    )


def _members(issue: Issue, t: Translator) -> str:
    """One issue in words: "16 × tls1.2 cipher suite" or "3 findings", and its lines."""
    if issue.component and issue.count > 1:
        what = t("text.members", n=t.number(issue.count), component=t.component(issue.component))
    else:
        what = t.plural("text.findings", issue.count)
    if issue.lines:
        shown = ", ".join(str(n) for n in issue.lines[:LINES_SHOWN])
        what += t.plural("text.lines", len(issue.lines), lines=shown)
        what += "…" if len(issue.lines) > LINES_SHOWN else ""
    return what


def _issues(s: Summary, t: Translator) -> str:
    """The headline's issues: those to act on, and the informational ones apart."""
    text = t("text.to_act", n=t.number(s.to_act))
    if s.informational:
        text += t("text.informational", n=t.number(s.informational))
    return text


def _places(issue: Issue, t: Translator) -> str:
    """ "3 places: a, b, c" (the first few)."""
    shown = ", ".join(issue.places[:PLACES_SHOWN])
    text = t("text.places", n=t.number(len(issue.places)), places=shown)
    more = len(issue.places) - PLACES_SHOWN
    return text + (t("text.more_places", n=t.number(more)) if more > 0 else "")


def _detail(issue: Issue, t: Translator) -> str:
    p = issue.priority
    detail = t("text.priority", wave=p.wave, score=p.score)
    if not issue.in_effect:
        detail += t("text.not_in_effect")
    if issue.deadline:
        detail += t("text.deadline", deadline=t.date(issue.deadline))
    if issue.attribution.get("system"):
        detail += t("text.system", system=issue.attribution["system"])
    return detail


def _counted(values: dict[str, int], label: Callable[[str], str], t: Translator) -> str:
    return "  ".join(f"{label(k)} {t.number(v)}" for k, v in values.items() if v)


def render(inventory: Inventory, options: RenderOptions) -> str:
    """Every line is built from plain text and sanitised whole (an inventory read back with
    `qscan report` may carry anything in any field); the colours, qscan's own escape
    sequences, are added last."""
    t = Translator(options.lang)
    inventory = localize(inventory, t.lang)
    s = summarise(inventory)
    width = max(len(t.severity(k)) for k in SEVERITIES)
    header = t(
        "text.header",
        version=inventory.tool.get("version", ""),
        policy=inventory.policy,
        scanned_at=t.timestamp(inventory.scanned_at),
    )
    counts = t(
        "text.counts",
        targets=t.number(len(inventory.targets)),
        findings=t.number(s.findings),
        issues=_issues(s, t),
        errors=t.number(s.errors),
        notes=t("text.notes", n=t.number(s.notes)) if s.notes else "",
        readiness=t.percent(s.readiness),
    )
    lines: list[tuple[str, str | None]] = [(header, None), (counts, None)]
    if s.lost:
        lines.append((t.plural("text.lost", s.lost), None))
    if s.apart:
        scopes = ", ".join(f"{t(f'scope.{k}')} {t.number(n)}" for k, n in s.apart.items())
        lines.append((t.plural("text.apart", s.apart_total, scopes=scopes), None))
    lines += [
        ("", None),
        (t("text.by_status") + _counted(s.by_status, t.status, t), None),
        (t("text.by_severity") + _counted(s.by_severity, t.severity, t), None),
        (
            t("text.algorithms") + ", ".join(f"{a} ×{t.number(n)}" for a, n in s.by_algorithm[:12]),
            None,
        ),
    ]
    if s.by_protocol:
        protocols = ", ".join(f"{p} ×{t.number(n)}" for p, n in s.by_protocol)
        lines.append((t("text.protocols") + protocols, None))
    if s.top:
        lines += [("", None), (t("text.top"), None)]
        indent = " " * (width + 3)
        for issue in s.top:
            line = f"{issue.rule} {issue.title} — {issue.asset} — {_members(issue, t)}"
            lines.append((f"  {t.severity(issue.severity):<{width}} {line}", issue.severity))
            if len(issue.places) > 1:
                lines.append((indent + _places(issue, t), None))
            lines.append((indent + _detail(issue, t), None))
    if inventory.errors:
        lines += [("", None), (t("text.errors"), None)]
        for e in inventory.errors[:ERRORS_SHOWN]:
            lines.append((f"  {t.error_kind(e.kind):<18} {error_place(e)}: {e.message}", None))
        if len(inventory.errors) > ERRORS_SHOWN:
            more = t.number(len(inventory.errors) - ERRORS_SHOWN)
            lines.append((t("text.more_errors", n=more), None))
    out = []
    for text, severity in lines:
        text = sanitise(text)
        if severity is not None and options.color:
            end = 2 + width  # sanitising keeps every character's place
            text = f"  {_COLORS.get(severity, '')}{text[2:end]}\033[0m{text[end:]}"
        out.append(text)
    return "\n".join(out) + "\n"
