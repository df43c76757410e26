"""`qscan store trend`: readiness over time per organisation, as text, Markdown or JSON."""

from __future__ import annotations

import json
from typing import Any

NO_SCANS = "no scans stored yet (qscan store ingest INVENTORY.json)"


def render_trend(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    if not rows:
        return NO_SCANS + "\n"
    lines = []
    if fmt == "md":
        lines += [
            "| organisation | scanned at | policy | readiness | findings | wave 1 | errors |",
            "|---|---|---|---|---|---|---|",
        ]
    last = None
    for row in rows:
        ready = "n/a" if row["readiness"] is None else f"{row['readiness'] * 100:.0f}%"
        if fmt == "md":
            name = str(row["organisation"]).replace("|", "\\|")
            lines.append(
                f"| {name} | {row['scanned_at']} | {row['policy']} | {ready} | "
                f"{row['findings']} | {row['wave1']} | {row['errors']} |"
            )
            continue
        if row["scope"] != last:
            lines.append(f"{row['organisation']} ({row['scope']})")
            last = row["scope"]
        lines.append(
            f"  {row['scanned_at']}  {ready:>5} ready  {row['findings']:>7} findings  "
            f"{row['wave1']:>6} in wave 1  {row['errors']:>4} errors  [{row['policy']}]"
        )
    return "".join(line + "\n" for line in lines)
