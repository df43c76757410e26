"""Roadmap output formats: one self-contained HTML file, Markdown, CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

import jinja2
import yaml

from qscan.assess.reasons import translate
from qscan.inventories.roadmap import Roadmap
from qscan.render.html import environment as report_environment
from qscan.resources import reports_dir

CSV_TABLES = ("organisations", "systems", "algorithms", "timeline")


@cache
def strings(lang: str) -> dict[str, str]:
    data = yaml.safe_load((reports_dir() / "roadmap.i18n.yaml").read_text(encoding="utf-8"))
    return {**data["en"], **data.get(lang, {})}


@cache
def _environment() -> jinja2.Environment:
    env = report_environment().overlay()
    env.filters = {**env.filters, "pct": pct}
    return env


def pct(value: float | None) -> str:
    """A share as a percentage; "n/a" for the readiness of a scope with nothing found."""
    return "n/a" if value is None else f"{value * 100:.0f}%"


def localized(roadmap: Roadmap, lang: str) -> Roadmap:
    """The roadmap with its milestone labels and system reasons in `lang` (English where none)."""
    if lang == "en":
        return roadmap
    timeline = [replace(m, label=m.labels.get(lang, m.label)) for m in roadmap.timeline]
    systems = [_localized_system(s, lang) for s in roadmap.systems_first]
    return replace(roadmap, timeline=timeline, systems_first=systems)


def _localized_system(system: dict[str, Any], lang: str) -> dict[str, Any]:
    priority = system.get("priority")
    if not isinstance(priority, dict):
        return system
    reasons = [translate(str(r), lang) for r in priority.get("reasons") or []]
    return {**system, "priority": {**priority, "reasons": reasons}}


def html(roadmap: Roadmap, lang: str = "en") -> str:
    template = _environment().get_template("roadmap.html.j2")
    return template.render(r=localized(roadmap, lang), t=strings(lang), lang=lang)


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
    r = localized(roadmap, lang)
    tot = r.totals
    apart = tot["issues"] - tot["by_scope"]["production"]
    out = [f"# {t['title']}\n"]
    out.append(
        f"{t['as_of']} {r.meta['as_of']} · {t['policy']} **{r.meta['policy']}** · "
        f"{t['scenario']}: {', '.join(r.meta['scenarios']) or '-'}\n"
    )
    out.append(
        f"- {tot['organisations']} {t['organisations']}, {tot['systems']} {t['systems']}, "
        f"{tot['findings']} {t['findings']} ({tot['duplicates']} {t['duplicates']}), "
        f"{tot['errors']} {t['errors']}\n- {tot['issues']} {t['issues']}"
        + (f" ({apart} {t['apart']})" if apart else "")
        + f"\n- {pct(tot['readiness'])} {t['readiness']}, {r.meta['overdue']} {t['overdue']}\n"
    )
    out.append(f"\n## {t['league']}\n\n")
    out.append(t["league_note"].format(policy=r.meta["policy"], as_of=r.meta["as_of"]) + "\n\n")
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
                    pct(row.readiness),
                    row.issues,
                    *(row.open_by_wave[w] for w in ("1", "2", "3", "4")),
                    row.overdue,
                    row.errors,
                    _trend_text(row),
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
                [_system_row(s) for s in r.systems_first],
            )
        )
    else:
        out.append(t["no_systems"] + "\n")
    out.append(f"\n## {t['timeline_title']}\n\n{t['timeline_note']}\n\n")
    out.append(
        _table(
            [t["policy"], t["date"], t["milestone"], t["due"]],
            [[m.policy, m.date, m.label, m.due] for m in r.timeline],
        )
    )
    out.append("\n")
    waves = tot["open_by_wave"]
    out.append(
        _table(
            [t["waves_title"], t["vulnerable"]],
            [[t[f"wave_{w}"], waves[w]] for w in ("1", "2", "3", "4")],
        )
    )
    out.append(f"\n## {t['algorithms_title']}\n\n")
    out.append(
        _table(
            [t["algorithm"], t["issues"], t["vulnerable"], t["organisations"]],
            [[a["algorithm"], a["issues"], a["open"], a["organisations"]] for a in r.algorithms],
        )
    )
    return "".join(out)


def _trend_text(row: Any) -> str:
    if row.trend is None or row.trend.delta is None:
        return ""
    return f"{row.trend.delta * 100:+.0f} pt"


def _system_row(s: dict[str, Any]) -> list[Any]:
    """One system of "migrate first": the columns the Markdown and CSV tables share."""
    return [
        s["organisation"],
        s["name"],
        s.get("owner") or "",
        s.get("contact") or "",
        s.get("exposure") or "",
        s.get("criticality") or "",
        s["priority"]["wave"],
        s["priority"]["score"],
        s["open"],
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
                *(r.open_by_wave[w] for w in "1234"),
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
    elif table == "algorithms":
        head = ["algorithm", "findings", "to_migrate", "organisations", "issues"]
        rows = [
            [a["algorithm"], a["findings"], a["open"], a["organisations"], a["issues"]]
            for a in roadmap.algorithms
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
