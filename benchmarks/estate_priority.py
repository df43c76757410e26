"""Wave and score distribution of the sample estate (tests/estate/sample.py): 24 systems of
one ministry with real loopback endpoints, certificates, keys, configurations and code.

Builds the estate in a temporary folder, starts its endpoints, scans it with the estate file
and prints the systems in the order of the roadmap ("migrate first": wave, then score), the
number of systems and issues per wave, and a histogram of the system scores. docs/priority.md
quotes its output.

    python benchmarks/estate_priority.py [--scenario mid] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))

from qscan.model import Inventory  # noqa: E402
from tests.estate.sample import SYSTEMS, sample_estate  # noqa: E402


def _row(system: dict[str, Any], spec: dict[str, Any]) -> str:
    p = system["priority"]
    top = next((r for r in p["reasons"] if r.startswith("most urgent issue: QS")), "")
    top = top.removeprefix("most urgent issue: ").split(" — ")[0]
    x = spec.get("confidentiality_years", "-")
    y = spec.get("migration_years", "-")
    return (
        f"| {system['name']} | {spec.get('exposure', '')} | {x} | {y} | "
        f"{spec.get('criticality', '')} | {system['findings']} | {system.get('issues', '-')} | "
        f"{p['wave']} | {p['score']} | {top} |"
    )


def report(inventory: Inventory) -> str:
    specs = {s["name"]: s for s in SYSTEMS}
    systems = sorted(
        inventory.extra["estate"]["systems"],
        key=lambda s: (s["priority"]["wave"], -s["priority"]["score"], s["name"]),
    )
    out = [
        "| system | exposure | x | y | criticality | findings | issues | wave | score |"
        " most urgent issue |",
        "|---|---|---:|---:|---|---:|---:|---:|---:|---|",
    ]
    out += [_row(s, specs[s["name"]]) for s in systems]
    waves = Counter(s["priority"]["wave"] for s in systems)
    issues = inventory.extra.get("issues") or []
    issue_waves = Counter(i["priority"]["wave"] for i in issues if i["scope"] == "production")
    apart = sum(1 for i in issues if i["scope"] != "production")
    out += [
        "",
        f"findings {len(inventory.findings)}, issues {len(issues)} "
        f"({len(issues) - apart} production, {apart} test/documentation/vendored)",
        "systems per wave:           "
        + "  ".join(f"wave {w}: {waves.get(w, 0)}" for w in (1, 2, 3, 4)),
        "production issues per wave: "
        + "  ".join(f"wave {w}: {issue_waves.get(w, 0)}" for w in (1, 2, 3, 4)),
        "system scores:              "
        + "  ".join(
            f"{lo}-{lo + 9}: {sum(lo <= s['priority']['score'] <= lo + 9 for s in systems)}"
            for lo in range(0, 100, 10)
        )
        + f"  100: {sum(s['priority']['score'] == 100 for s in systems)}",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default=None, help="CRQC scenario (default: mid)")
    parser.add_argument("--keep", type=Path, help="build the estate here and leave it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="qscan-sample-estate-"))
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with sample_estate(root) as estate:
        inventory = estate.scan(args.scenario)
    elapsed = time.perf_counter() - started
    print(report(inventory))
    print(f"\nbuilt and scanned in {elapsed:.1f} s; estate in {root}")


if __name__ == "__main__":
    main()
