"""`qscan diff` as text, Markdown or JSON: new, fixed, unchanged and out-of-scope findings,
each located with its repository or target and attributed to its organisation and system."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from qscan.i18n import plural
from qscan.model import Finding
from qscan.render.locations import where

if TYPE_CHECKING:
    from qscan.inventories.history import Diff


def _owner(finding: dict[str, Any]) -> str:
    context = finding.get("context") or {}
    names = [str(context[k]) for k in ("organisation", "system") if context.get(k)]
    return f" [{' / '.join(names)}]" if names else ""


def _line(finding: dict[str, Any]) -> str:
    verdict = finding.get("verdict") or {}
    return (
        f"{verdict.get('severity', '?'):<8} {finding.get('algorithm')} at "
        f"{where(Finding.from_dict(finding))}{_owner(finding)}: "
        f"{verdict.get('rule', '')} {verdict.get('title', '')}".rstrip()
    )


def _side(side: dict[str, Any]) -> str:
    orgs = ", ".join(side.get("organisations") or [])
    return f"{side['path']} ({side['scanned_at']}{', ' + orgs if orgs else ''})"


def _counts(diff: Diff) -> str:
    s = diff.summary()
    return (
        f"{s['new']} new, {s['fixed']} fixed, {s['unchanged']} unchanged, "
        f"{s['out_of_scope']} out of scope"
    )


def _readiness(diff: Diff) -> str:
    r = diff.readiness.to_dict()
    return (
        f"readiness {r['old']:.0%} -> {r['new']:.0%} ({r['delta_points']:+.1f} points) "
        "over the targets scanned in both"
    )


def _out_of_scope(diff: Diff) -> list[str]:
    return [
        f"{target}: {plural(n, 'finding', 'findings')}" for target, n in diff.out_of_scope_targets()
    ]


def render_diff(diff: Diff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(diff.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "md":
        out = [
            f"# qscan diff\n\n{_md_escape(_side(diff.old))} → {_md_escape(_side(diff.new))}\n\n"
            f"**{_counts(diff)}**; {_readiness(diff).replace('->', '→')}\n"
        ]
        sections = (
            ("New", [_line(f) for f in diff.added]),
            ("Fixed", [_line(f) for f in diff.fixed]),
            ("Out of scope (targets not scanned in the newer inventory)", _out_of_scope(diff)),
        )
        for title, lines in sections:
            if lines:
                out.append(f"\n## {title}\n\n")
                out += [f"- {_md_escape(line)}\n" for line in lines]
        return "".join(out)
    out = [f"{_side(diff.old)} -> {_side(diff.new)}\n{_counts(diff)}\n{_readiness(diff)}\n"]
    out += [f"+ {_line(f)}\n" for f in diff.added]
    out += [f"- {_line(f)}\n" for f in diff.fixed]
    out += [f"out of scope: {line}\n" for line in _out_of_scope(diff)]
    return "".join(out)


def _md_escape(text: str) -> str:
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())
