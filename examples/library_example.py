"""qscan as a library: scan, read the assessed findings, render a report, load a saved
inventory, and scan again from inside a running event loop.

    python examples/library_example.py                  # the demo certificates in examples/pki
    python examples/library_example.py certs/ example.org:443 ssh://git.example.org
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections import Counter
from pathlib import Path

import qscan


def summarise(inventory: qscan.Inventory) -> None:
    print(f"{len(inventory.findings)} findings, {len(inventory.errors)} errors")
    statuses = Counter(f.verdict.status for f in inventory.findings if f.verdict)
    for status, count in statuses.most_common():
        print(f"  {status}: {count}")
    ranked = sorted(
        ((f.priority.score, f.priority.wave, f) for f in inventory.findings if f.priority),
        key=lambda item: -item[0],
    )
    for _, wave, finding in ranked[:3]:
        where = finding.location.path or f"{finding.location.host}:{finding.location.port}"
        print(f"  wave {wave}: {finding.algorithm} in {where}")
    for error in inventory.errors:
        print(f"  error {error.kind}: {error.target}: {error.message}")


async def scan_in_a_service(targets: list[str]) -> qscan.Inventory:
    """An asyncio application (a web service, a scheduler) awaits scan_async on its own
    loop; qscan.scan would try to start a second one."""
    return await qscan.scan_async(targets, timeout=5, policy="cnsa-2.0")


def main(targets: list[str]) -> None:
    inventory = qscan.scan(targets, timeout=5)
    summarise(inventory)

    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "inventory.json"
        saved.write_text(inventory.to_json(), encoding="utf-8")
        loaded = qscan.load_inventory(saved)
        same = [f.fingerprint for f in loaded.findings] == [
            f.fingerprint for f in inventory.findings
        ]
        print(f"saved and loaded again: {'same findings' if same else 'DIFFERENT'}")
        report = Path(tmp) / "report.md"
        report.write_text(qscan.render(loaded, "md", lang="nl"), encoding="utf-8")
        print(f"Dutch Markdown report: {report.stat().st_size} bytes")

    cnsa = asyncio.run(scan_in_a_service(targets))
    print(f"under {cnsa.policy} (scanned inside an event loop): {len(cnsa.findings)} findings")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(Path(__file__).resolve().parent / "pki")])
