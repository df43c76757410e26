"""`qscan diff` as text, Markdown or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qscan.inventories.history import Diff


def _line(finding: dict[str, Any]) -> str:
    verdict = finding.get("verdict") or {}
    loc = finding.get("location") or {}
    place = loc.get("path") or f"{loc.get('host')}:{loc.get('port')}"
    if loc.get("component"):
        place += f" ({loc['component']})"
    system = (finding.get("context") or {}).get("system")
    owner = f" [{system}]" if system else ""
    return (
        f"{verdict.get('severity', '?'):<8} {finding.get('algorithm')} at {place}{owner}: "
        f"{verdict.get('rule', '')} {verdict.get('title', '')}".rstrip()
    )


def render_diff(diff: Diff, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(diff.to_dict(), indent=2, ensure_ascii=False) + "\n"
    s = diff.summary()
    if fmt == "md":
        out = [
            f"# qscan diff\n\n{diff.old['path']} ({diff.old['scanned_at']}) → "
            f"{diff.new['path']} ({diff.new['scanned_at']})\n\n"
            f"**{s['new']} new**, **{s['fixed']} fixed**, {s['unchanged']} unchanged\n"
        ]
        for title, items in (("New", diff.added), ("Fixed", diff.fixed)):
            if items:
                out.append(f"\n## {title}\n\n")
                out += [f"- {_md_escape(_line(f))}\n" for f in items]
        return "".join(out)
    out = [
        f"{diff.old['path']} ({diff.old['scanned_at']}) -> {diff.new['path']} "
        f"({diff.new['scanned_at']})\n{s['new']} new, {s['fixed']} fixed, "
        f"{s['unchanged']} unchanged\n"
    ]
    out += [f"+ {_line(f)}\n" for f in diff.added]
    out += [f"- {_line(f)}\n" for f in diff.fixed]
    return "".join(out)


def _md_escape(text: str) -> str:
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())
