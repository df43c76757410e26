"""Roadmap output formats: one self-contained HTML file, Markdown, CSV. Texts come from the
`roadmap` section of reports/i18n/<lang>.yaml; numbers and dates are localised (Babel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

from qscan.assess.reasons import translate
from qscan.assess.scenario import label_text
from qscan.i18n import Translator
from qscan.inventories.roadmap import Roadmap
from qscan.render.html import environment

CSV_TABLES = ("organisations", "systems", "algorithms", "protocols", "timeline")


@cache
def strings(lang: str) -> dict[str, str]:
    return Translator(lang).prefix("roadmap.")


def localized(roadmap: Roadmap, lang: str) -> Roadmap:
    """The roadmap with its milestone labels, scenario labels and system reasons in `lang`
    (English where none)."""
    if lang == "en":
        return roadmap
    timeline = [replace(m, label=m.labels.get(lang, m.label)) for m in roadmap.timeline]
    systems = [_localized_system(s, lang) for s in roadmap.systems_first]
    meta = {**roadmap.meta, "scenarios": [label_text(s, lang) for s in roadmap.meta["scenarios"]]}
    return replace(roadmap, timeline=timeline, systems_first=systems, meta=meta)


def _localized_system(system: dict[str, Any], lang: str) -> dict[str, Any]:
    priority = system.get("priority")
    if not isinstance(priority, dict):
        return system
    reasons = [translate(str(r), lang) for r in priority.get("reasons") or []]
    return {**system, "priority": {**priority, "reasons": reasons}}


def html(roadmap: Roadmap, lang: str = "en") -> str:
    template = environment().get_template("roadmap.html.j2")
    fmt = Translator(lang)
    return template.render(r=localized(roadmap, lang), t=strings(lang), fmt=fmt, lang=fmt.lang)


def _md(value: Any) -> str:
    """One Markdown table cell: no pipes, no line breaks, no raw HTML."""
    text = str(value).replace("\\", "\\\\").replace("|", "\\|")
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    return " ".join(text.split())


def _table(head: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(_md(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def markdown(roadmap: Roadmap, lang: str = "en") -> str:
    t = strings(lang)
    fmt = Translator(lang)
    n = fmt.number
    r = localized(roadmap, lang)
    tot = r.totals
    as_of = fmt.date(r.meta["as_of"])
    apart = tot["issues"] - tot["by_scope"]["production"]
    out = [f"# {t['title']}\n"]
    out.append(
        f"{t['as_of']} {as_of} · {t['policy']} **{r.meta['policy']}** · "
        f"{t['scenario']}: {', '.join(r.meta['scenarios']) or '-'}\n"
    )
    out.append(
        f"- {n(tot['organisations'])} {t['organisations']}, {n(tot['systems'])} {t['systems']}, "
        f"{n(tot['findings'])} {t['findings']} ({n(tot['duplicates'])} {t['duplicates']}), "
        f"{n(tot['errors'])} {t['errors']}\n- {n(tot['issues'])} {t['issues']}"
        + (f" ({n(apart)} {t['apart']})" if apart else "")
        + f"\n- {fmt.percent(tot['readiness'])} {t['readiness']}, "
        f"{n(r.meta['overdue'])} {t['overdue']}\n"
    )
    out.append(f"\n## {t['league']}\n\n")
    out.append(t["league_note"].format(policy=r.meta["policy"], as_of=as_of) + "\n\n")
    out.append(
        _table(
            [
                t["rank"],
                t["organisation"],
                t["readiness"],
                t["issues"],
                "1",
                "2",
                "3",
                "4",
                t["overdue"],
                t["errors"],
                t["trend"],
            ],
            [
                [
                    row.rank,
                    row.name,
                    fmt.percent(row.readiness),
                    n(row.issues),
                    *(n(row.waves[w]) for w in ("1", "2", "3", "4")),
                    n(row.overdue),
                    n(row.errors),
                    fmt.points(row.trend.delta)
                    if row.trend and row.trend.delta is not None
                    else "",
                ]
                for row in r.league
            ],
        )
    )
    out.append(f"\n## {t['systems_first']}\n\n{t['systems_note']}\n\n")
    if r.systems_first:
        out.append(
            _table(
                [
                    t["organisation"],
                    t["system"],
                    t["owner"],
                    t["contact"],
                    t["exposure"],
                    t["criticality"],
                    t["wave"],
                    t["score"],
                    t["vulnerable"],
                    t["reasons"],
                ],
                [_system_row(s, n) for s in r.systems_first],
            )
        )
    else:
        out.append(t["no_systems"] + "\n")
    out.append(f"\n## {t['timeline_title']}\n\n{t['timeline_note']}\n\n")
    out.append(
        _table(
            [t["policy"], t["date"], t["milestone"], t["due"]],
            [[m.policy, fmt.date(m.date), m.label, n(m.due)] for m in r.timeline],
        )
    )
    out.append("\n")
    out.append(
        _table(
            [t["waves_title"], t["findings"]],
            [[t[f"wave_{w}"], n(r.wave_totals[w])] for w in ("1", "2", "3", "4")],
        )
    )
    for noun, rows in (("algorithm", r.algorithms), ("protocol", r.protocols)):
        if noun == "algorithm" or rows:
            out.append(f"\n## {t[noun + 's_title']}\n\n")
            out.append(
                _table(
                    [t[noun], t["issues"], t["vulnerable"], t["organisations"]],
                    [[a[noun], n(a["issues"]), n(a["open"]), n(a["organisations"])] for a in rows],
                )
            )
    return "".join(out)


def _system_row(s: dict[str, Any], number: Callable[[float], str] = str) -> list[Any]:
    """One system of "migrate first": the columns the Markdown and CSV tables share (the
    CSV keeps plain numbers, the Markdown localises them)."""
    return [
        s["organisation"],
        s["name"],
        s.get("owner") or "",
        s.get("contact") or "",
        s.get("exposure") or "",
        s.get("criticality") or "",
        s["priority"]["wave"],
        s["priority"]["score"],
        number(s["open"]),
        "; ".join(s["priority"]["reasons"]),
    ]


def csv_table(roadmap: Roadmap, table: str = "organisations") -> str:
    """One table with stable English column names (for spreadsheets and scripts)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    rows: list[list[Any]]
    if table == "organisations":
        head = [
            "rank",
            "organisation_id",
            "organisation",
            "readiness",
            "findings",
            "wave1",
            "wave2",
            "wave3",
            "wave4",
            "overdue",
            "errors",
            "scanned_at",
            "issues",
        ]
        rows = [
            [
                r.rank,
                r.id,
                r.name,
                "" if r.readiness is None else r.readiness,
                r.findings,
                *(r.waves[w] for w in "1234"),
                r.overdue,
                r.errors,
                r.scanned_at,
                r.issues,
            ]
            for r in roadmap.league
        ]
    elif table == "systems":
        head = [
            "organisation_id",
            "organisation",
            "system",
            "owner",
            "contact",
            "exposure",
            "criticality",
            "wave",
            "score",
            "to_migrate",
            "reasons",
        ]
        rows = [[s["organisation_id"], *_system_row(s)] for s in roadmap.systems_first]
    elif table in ("algorithms", "protocols"):
        noun = table[:-1]
        head = [noun, "findings", "to_migrate", "organisations", "issues"]
        rows = [
            [a[noun], a["findings"], a["open"], a["organisations"], a["issues"]]
            for a in (roadmap.algorithms if noun == "algorithm" else roadmap.protocols)
        ]
    elif table == "timeline":
        head = ["policy", "date", "milestone", "due"]
        rows = [[m.policy, m.date, m.label, m.due] for m in roadmap.timeline]
    else:
        raise ValueError(f"unknown CSV table {table!r} (choose from {', '.join(CSV_TABLES)})")
    writer.writerow(head)
    for row in rows:
        writer.writerow([_csv_safe(c) for c in row])
    return buf.getvalue()


def _csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in text that came from scanned input or estates."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


FORMATS: dict[str, Callable[..., str]] = {"html": html, "md": markdown}
