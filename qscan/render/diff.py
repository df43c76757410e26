"""`qscan diff` as text, Markdown or JSON: new, fixed, unchanged and out-of-scope findings,
each located with its repository or target and attributed to its organisation and system.
Text and Markdown are in the report language (fixed texts under `diff.` in reports/i18n; rule
titles, components and severities as the other reports say them); the JSON stays English,
like the inventory."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from qscan.i18n import Translator
from qscan.model import SEVERITIES, Finding, Inventory
from qscan.render.localize import localize
from qscan.render.locations import where
from qscan.render.text import sanitise

if TYPE_CHECKING:
    from qscan.inventories.history import Diff


def _owner(finding: Finding) -> str:
    names = [str(finding.context[k]) for k in ("organisation", "system") if finding.context.get(k)]
    return f" [{' / '.join(names)}]" if names else ""


def _lines(findings: list[dict[str, Any]], t: Translator) -> list[str]:
    """One line per finding, in the report language, severities in one column."""
    said = localize(Inventory(findings=[Finding.from_dict(f) for f in findings]), t.lang)
    width = max(len(t.severity(k)) for k in SEVERITIES)
    out = []
    for f in said.findings:
        verdict = f.verdict
        line = t(
            "diff.line",
            severity=(t.severity(verdict.severity) if verdict else "?").ljust(width),
            algorithm=f.algorithm,
            where=where(f),
            owner=_owner(f),
            rule=verdict.rule if verdict else "",
            title=verdict.title if verdict else "",
        )
        out.append(line.rstrip())
    return out


def _side(side: dict[str, Any], t: Translator) -> str:
    orgs = ", ".join(side.get("organisations") or [])
    return t(
        "diff.side",
        path=side["path"],
        scanned_at=t.timestamp(str(side.get("scanned_at") or "")),
        organisations=", " + orgs if orgs else "",
    )


def _counts(diff: Diff, t: Translator) -> str:
    s = diff.summary()
    return t("diff.counts", **{k: t.number(v) for k, v in s.items()})


def _readiness(diff: Diff, t: Translator) -> str:
    r = diff.readiness
    old, new = r.share(0), r.share(1)
    return t("diff.readiness", old=t.percent(old), new=t.percent(new), delta=t.points(new - old))


def _out_of_scope(diff: Diff, t: Translator) -> list[str]:
    return [f"{target}: {t.count('findings', n)}" for target, n in diff.out_of_scope_targets()]


def render_diff(diff: Diff, fmt: str, lang: str = "en") -> str:
    if fmt == "json":
        return json.dumps(diff.to_dict(), indent=2, ensure_ascii=False) + "\n"
    t = Translator(lang)
    if fmt == "md":
        old, new = _md_escape(_side(diff.old, t)), _md_escape(_side(diff.new, t))
        out = [
            f"# {t('diff.title')}\n\n{old} → {new}\n\n"
            f"**{_counts(diff, t)}**; {_readiness(diff, t).replace('->', '→')}\n"
        ]
        sections = (
            (t("diff.new"), _lines(diff.added, t)),
            (t("diff.fixed"), _lines(diff.fixed, t)),
            (t("diff.out_of_scope"), _out_of_scope(diff, t)),
        )
        for title, lines in sections:
            if lines:
                out.append(f"\n## {title}\n\n")
                out += [f"- {_md_escape(line)}\n" for line in lines]
        return "".join(out)
    out = [f"{_side(diff.old, t)} -> {_side(diff.new, t)}\n{_counts(diff, t)}\n"]
    out.append(_readiness(diff, t) + "\n")
    out += [f"+ {line}\n" for line in _lines(diff.added, t)]
    out += [f"- {line}\n" for line in _lines(diff.fixed, t)]
    out += [t("diff.out_of_scope_line", line=line) + "\n" for line in _out_of_scope(diff, t)]
    return "".join(sanitise(line.rstrip("\n")) + "\n" for line in "".join(out).splitlines())


def _md_escape(text: str) -> str:
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())
