"""Self-contained auditor report: one HTML file (jinja2 templates in reports/), no external
requests, English or Dutch, printable.

Everything from scanned input is escaped: the template autoescapes, the findings are
embedded as JSON in a `<script type="application/json">` block with `<`, `>` and `&`
written as \\u escapes, and the inline script builds the table with textContent only. A
Content-Security-Policy with the hashes of the one style and the one script blocks anything
else, should escaping ever fail.

Scale: the summary, charts and views are rendered on the server (views capped, with a
note); the findings table is rendered by the inline script from the JSON (filter, search,
sort, grouping and paging), with the most urgent findings rendered statically as the
fallback without JavaScript. Strings in the JSON are interned in one table, so 50,000
findings stay a few megabytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from qscan.i18n import Translator
from qscan.model import (
    COMPONENT_FACTS,
    FUNCTIONS,
    READY,
    SCOPES,
    SEVERITIES,
    STATUSES,
    Finding,
    Inventory,
    scope_of,
)
from qscan.render import charts
from qscan.render.facts import key_label
from qscan.render.formatting import add_format_filters
from qscan.render.interface import RenderOptions
from qscan.render.localize import localize
from qscan.render.locations import error_place, place, where
from qscan.render.summary import PLACES_SHOWN, most_urgent_findings
from qscan.render.view import View, build_view
from qscan.resources import reports_dir

STATIC_ROWS = 100
VIEW_ROWS = 500
PAGE_ROWS = 50
"""Rows per page of the endpoint, certificate, code and error tables (the script pages
them; printed, the first page)."""
ERROR_ROWS = 1000
ROW_FIELDS = [
    "fingerprint",
    "severity",
    "status",
    "rule",
    "title",
    "algorithm",
    "function",
    "place",
    "line",
    "component",
    "evidence",
    "why",
    "fix",
    "deadline",
    "deadline_note",
    "score",
    "wave",
    "context",
    "organisation",
    "system",
    "gate",
    "reasons",
    "scope",
    "issue",
]


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(reports_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    add_format_filters(env)
    env.filters["where"] = where
    env.filters["place"] = place
    env.filters["error_place"] = error_place
    env.filters["shown_context"] = shown_context
    return env


def shown_context(finding: Finding) -> dict[str, Any]:
    """The context a reader is shown: not the endpoint summary (its own section) nor what
    the component already says."""
    return {
        k: v for k, v in finding.context.items() if k != "endpoint" and k not in COMPONENT_FACTS
    }


def csp_hash(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


@cache
def inline_asset(name: str) -> tuple[Markup, str]:
    """A shared template from reports/ (e.g. `_base.css.j2`) rendered once, with the CSP hash
    of its text, for a hash-based Content-Security-Policy."""
    text = environment().get_template(name).render()
    return Markup(text), csp_hash(text)


def json_for_script(data: Any) -> Markup:
    """JSON safe inside a <script type="application/json"> element: no `<`, `>` or `&` at all,
    so neither `</script>` nor `<!--` can appear."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def algorithm_label(finding: Finding) -> str:
    params = ", ".join(
        f"{k}={v}" for k, v in finding.params.items() if k not in ("oid", "codepoint")
    )
    return f"{finding.algorithm} ({params})" if params else finding.algorithm


class _Strings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {"": 0}
        self.table: list[str] = [""]

    def __call__(self, text: Any) -> int:
        text = "" if text is None else str(text)
        i = self.index.get(text)
        if i is None:
            i = self.index[text] = len(self.table)
            self.table.append(text)
        return i


def findings_payload(inventory: Inventory, view: View, t: Translator) -> dict[str, Any]:
    strings = _Strings()
    flags = view.gate.flags if view.gate else {}
    sev_index = {s: i for i, s in enumerate(SEVERITIES)}
    st_index = {s: i for i, s in enumerate(STATUSES)}
    fn_index = {s: i for i, s in enumerate(FUNCTIONS)}
    scope_index = {s: i for i, s in enumerate(SCOPES)}
    issue_labels = {i.id: f"{i.rule} {i.title} — {i.asset}" for i in view.summary.all_issues}
    rows = []
    context_keys: set[str] = set()
    for f in inventory.findings:
        v, p, loc = f.verdict, f.priority, f.location
        context = {k: t.context_value(k, v) for k, v in shown_context(f).items()}
        context_keys.update(context)
        rows.append(
            [
                f.fingerprint,
                sev_index.get(v.severity if v else "info", 4),
                st_index.get(v.status if v else "unknown", 4),
                strings(v.rule if v else ""),
                strings(v.title if v else ""),
                strings(algorithm_label(f)),
                fn_index.get(f.function, len(FUNCTIONS) - 1),
                strings(place(f)),
                loc.line or 0,
                strings(loc.component),
                strings(f.evidence),
                strings(v.why if v else ""),
                strings(v.fix if v else ""),
                strings(v.deadline if v else ""),
                strings(v.deadline_note if v else ""),
                p.score if p else 0,
                p.wave if p else 0,
                strings(
                    json.dumps(context, ensure_ascii=False, sort_keys=True, default=str)
                    if context
                    else ""
                ),
                strings(f.context.get("organisation")),
                strings(f.context.get("system")),
                strings(flags.get(f.fingerprint, "")),
                strings("; ".join(p.reasons) if p else ""),
                scope_index.get(scope_of(f), 0),
                strings(issue_labels.get(f.issue, "")),
            ]
        )
    texts = t.prefix("findings.")
    texts.update({k: v for k, v in t.prefix("gate.").items() if k.startswith("flag_")})
    return {
        "s": strings.table,
        "f": rows,
        "t": texts,
        "sev": list(SEVERITIES),
        "sevL": [t.severity(s) for s in SEVERITIES],
        "st": list(STATUSES),
        "stL": [t.status(s) for s in STATUSES],
        "fn": list(FUNCTIONS),
        "fnL": [t.function(s) for s in FUNCTIONS],
        "scL": [t(f"scope.{s}") for s in SCOPES],
        "count": {
            noun: {form: t(f"count.{noun}.{form}", n="{n}") for form in ("one", "other")}
            for noun in ("findings", "groups")
        },
        "ctxL": {k: t.context_key(k) for k in sorted(context_keys)},
        "dates": {
            d: t.date(d) for d in {f.verdict.deadline for f in inventory.findings if f.verdict} if d
        },
        "gate": view.gate is not None,
        "lang": t.lang,
    }


def _charts(view: View, t: Translator) -> dict[str, Markup]:
    s = view.summary
    status_segments = [
        (t.status(k), n, charts.STATUS_COLORS[k]) for k, n in s.by_status.items() if n
    ]
    severity_rows = [
        (t.severity(k), n, charts.SEVERITY_COLORS[k], "") for k, n in s.by_severity.items()
    ]
    names = {k: t.status(k) for k in STATUSES}
    out = {
        "status": charts.donut(
            status_segments, t.percent(s.readiness), t("charts.status"), number=t.number
        ),
        "severity": charts.hbars(severity_rows, t("charts.severity"), width=420, number=t.number),
        "algorithms": charts.stacked_bars(
            [(f"{alg} · {t.function(fn)}", dict(st)) for alg, fn, st in view.by_function[:15]],
            charts.STATUS_COLORS,
            names,
            t("charts.algorithms"),
            width=760,
            scale="count",
            number=t.number,
        ),
        "timeline": charts.timeline(
            [(d, n, t("charts.timeline_due")) for d, n in view.deadline_dates.items()],
            [
                (str(m.get("date", "")), f"{t.date(str(m.get('date', '')))} {m.get('label', '')}")
                for m in view.milestones
            ],
            view.today,
            t("charts.today"),
            t("charts.timeline"),
            number=t.number,
        ),
    }
    if view.organisations:
        out["organisations"] = charts.stacked_bars(
            [(b.name, dict(b.statuses)) for b in view.organisations[:30]],
            charts.STATUS_COLORS,
            names,
            t("charts.by_organisation"),
            number=t.number,
        )
    if view.systems:
        out["systems"] = charts.stacked_bars(
            [
                (b.name + (f" ({b.owner})" if b.owner else ""), dict(b.statuses))
                for b in view.systems[:30]
            ],
            charts.STATUS_COLORS,
            names,
            t("charts.by_system"),
            number=t.number,
        )
    trend = (view.history or {}).get("trend") or []
    points = [
        (t.date(str(p.get("scanned_at", ""))), float(p["readiness"]))
        for p in trend
        if isinstance(p, dict) and isinstance(p.get("readiness"), int | float)
    ]
    if points:
        out["trend"] = charts.trend(points, t("charts.trend"))
    return out


def render(inventory: Inventory, options: RenderOptions) -> str:
    t = Translator(options.lang)
    inventory = localize(inventory, t.lang)
    view = build_view(inventory, lang=t.lang)
    css, css_hash = inline_asset("_base.css.j2")
    js, js_hash = inline_asset("_report.js.j2")
    ranked = most_urgent_findings(inventory.findings)
    functions = Counter(f.function for f in inventory.findings)
    scopes = Counter(scope_of(f) for f in inventory.findings)
    severities = Counter(f.verdict.severity if f.verdict else "info" for f in inventory.findings)
    statuses = Counter(f.verdict.status if f.verdict else "unknown" for f in inventory.findings)
    template = environment().get_template("report.html.j2")
    return template.render(
        inv=inventory,
        view=view,
        s=view.summary,
        t=t,
        fmt=t,
        lang=t.lang,
        charts=_charts(view, t),
        css=css,
        js=js,
        csp=f"default-src 'none'; style-src {css_hash}; script-src {js_hash}; img-src data:; "
        "base-uri 'none'; form-action 'none'",
        data=json_for_script(findings_payload(inventory, view, t)),
        static_rows=ranked[:STATIC_ROWS],
        top=view.summary.top,
        view_rows=VIEW_ROWS,
        error_rows=ERROR_ROWS,
        algorithm_label=algorithm_label,
        key_label=key_label,
        page_rows=PAGE_ROWS,
        places_shown=PLACES_SHOWN,
        sev_options=[(i, k, severities[k]) for i, k in enumerate(SEVERITIES) if severities[k]],
        st_options=[(i, k, statuses[k]) for i, k in enumerate(STATUSES) if statuses[k]],
        fn_options=[(i, k, functions[k]) for i, k in enumerate(FUNCTIONS) if functions[k]],
        scope_options=[(i, k, scopes[k]) for i, k in enumerate(SCOPES) if scopes[k]],
        ready=READY,
    )
