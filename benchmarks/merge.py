"""Benchmark `qscan merge`: 150 and 1,500 generated organisation inventories of about
2,000 findings each (about 300,000 and 3 million findings).

Prints, for each size, the merge time and peak memory (RSS of a fresh process), next to
two baselines measured in the same run: a read-only streaming pass over the same inputs
(the floor any merge must pay) and, for the small size, a naive merge that loads every
inventory with json.load. Targets: time linear in the number of findings (ratio 1500/150
close to 10), memory bounded (ratio close to 1).

    python benchmarks/merge.py [--sizes 150,1500] [--findings 2000] [--workdir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SYSTEMS = 10
DUPLICATE_SHARE = 0.02  # overlapping scans: 2% of findings repeat an earlier fingerprint

ALGORITHMS = [
    (
        "ECDH",
        "key-exchange",
        "protocol",
        '{"curve":"P-256"}',
        "quantum-vulnerable",
        "high",
        "QS101",
        "2035-12-31",
    ),
    (
        "RSA",
        "signature",
        "certificate",
        '{"bits":2048}',
        "quantum-vulnerable",
        "medium",
        "QS200",
        "2030-12-31",
    ),
    (
        "ECDSA",
        "signature",
        "certificate",
        '{"curve":"P-256"}',
        "quantum-vulnerable",
        "low",
        "QS201",
        "2035-12-31",
    ),
    (
        "X25519",
        "key-exchange",
        "protocol",
        "{}",
        "quantum-vulnerable",
        "high",
        "QS101",
        "2035-12-31",
    ),
    ("X25519MLKEM768", "key-exchange", "protocol", "{}", "hybrid", "info", "QS104", None),
    ("RSA", "signature", "key", '{"bits":1024}', "classically-broken", "critical", "QS203", None),
    (
        "AES-256-GCM",
        "encryption",
        "algorithm",
        '{"bits":256}',
        "quantum-safe",
        "info",
        "QS300",
        None,
    ),
]
WHY = (
    "RSA key transport, finite-field Diffie-Hellman and elliptic-curve Diffie-Hellman are "
    "broken by Shor's algorithm. Traffic recorded today can be decrypted once a "
    "cryptographically relevant quantum computer exists (harvest now, decrypt later)."
)
FIX = (
    "Use a hybrid key exchange: X25519MLKEM768 in TLS 1.3 (OpenSSL 3.5+, Go 1.24+, "
    "BoringSSL), mlkem768x25519-sha256 in SSH (OpenSSH 9.9+), or ML-KEM directly."
)


def _finding(org: int, n: int, fingerprint: str, rng: random.Random) -> str:
    alg, function, asset, params, status, severity, rule, deadline = rng.choice(ALGORITHMS)
    system = n % 97 % SYSTEMS  # each host in one system, as an estate file requires
    host = f"h{n % 97}.org{org}.example"
    wave = (
        4 if status in ("hybrid", "quantum-safe") else 1 if severity in ("critical", "high") else 3
    )
    score = {1: 70 + n % 30, 3: 30 + n % 20, 4: 0}[wave]
    deadline_json = f'"{deadline}"' if deadline else "null"
    return (
        f'{{"fingerprint":"{fingerprint}","algorithm":"{alg}","params":{params},'
        f'"function":"{function}","asset":"{asset}","location":{{"target":"{host}:443",'
        f'"component":"tls1.3 supported group","host":"{host}","port":443,"service":"tls"}},'
        f'"evidence":"group 0x{n % 65536:04x}","context":{{"organisation":"Organisation {org}",'
        f'"organisation_id":"ORG{org:05d}","system":"system-{system}","owner":"team {system}"}},'
        f'"verdict":{{"status":"{status}","severity":"{severity}","rule":"{rule}",'
        f'"title":"Generated finding","why":"{WHY}","fix":"{FIX}","deadline":{deadline_json},'
        f'"deadline_note":null}},"priority":{{"score":{score},"wave":{wave},'
        f'"reasons":["harvest now, decrypt later","internet exposure (estate)"]}}}}'
    )


def generate(directory: Path, count: int, findings: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for org in range(count):
        rng = random.Random(org)
        path = directory / f"org{org:05d}.json"
        systems = [
            {
                "name": f"system-{s}",
                "owner": f"team {s}",
                "exposure": rng.choice(["internet", "internal"]),
            }
            for s in range(SYSTEMS)
        ]
        head = {
            "schema": "qscan/inventory@1",
            "tool": {"name": "qscan", "version": "bench"},
            "scanned_at": f"2026-03-{1 + org % 28:02d}T08:00:00+00:00",
            "policy": "nist-ir-8547",
            "targets": [f"h{h}.org{org}.example:443" for h in range(97)],
        }
        tail = {
            "scenario": {"id": "mid", "crqc_year": 2033, "label": "CRQC by 2033"},
            "estate": {
                "organisation": {"name": f"Organisation {org}", "id": f"ORG{org:05d}"},
                "systems": systems,
            },
        }
        lines = []
        for n in range(findings):
            repeat = n > 0 and rng.random() < DUPLICATE_SHARE
            number = rng.randrange(n) if repeat else n
            lines.append(_finding(org, number, f"{org:08x}{number:024x}", rng))
        with open(path, "w", encoding="utf-8") as out:
            out.write(json.dumps(head)[:-1])
            out.write(',"findings":[\n' + ",\n".join(lines) + '\n],"errors":[],')
            out.write(json.dumps(tail)[1:])
        paths.append(path)
    return paths


def _child(code: str, *args: str) -> dict:
    """Run one measurement in a fresh interpreter: its own peak RSS, nothing shared."""
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


MEASURE = """
import json, resource, sys, time
from pathlib import Path
start = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - start,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}}))
"""
MERGE = MEASURE.format(
    body="""
from qscan.inventories.merge import merge
paths = sorted(Path(sys.argv[1]).glob("*.json"))
agg = merge(paths, Path(sys.argv[2]))
extra = {"findings": agg["totals"]["findings"], "duplicates": agg["totals"]["duplicates"]}
"""
)
READ_ONLY = MEASURE.format(
    body="""
from qscan.inventories.stream import iter_findings, read_header
n = 0
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    read_header(path)
    for _ in iter_findings(path):
        n += 1
extra = {"findings": n}
"""
)
NAIVE = MEASURE.format(
    body="""
seen, findings = set(), []
for path in sorted(Path(sys.argv[1]).glob("*.json")):
    data = json.load(open(path))
    org = data["estate"]["organisation"]["id"]
    for f in data["findings"]:
        if (org, f["fingerprint"]) not in seen:
            seen.add((org, f["fingerprint"]))
            findings.append(f)
json.dump({"schema": "qscan/inventory@1", "findings": findings}, open(sys.argv[2], "w"))
extra = {"findings": len(findings)}
"""
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="150,1500")
    parser.add_argument("--findings", type=int, default=2000)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.workdir or Path(tempfile.mkdtemp(prefix="qscan-merge-bench-"))
    results = {}
    try:
        for size in sizes:
            inputs = work / f"in-{size}"
            t0 = time.perf_counter()
            generate(inputs, size, args.findings)
            mb = sum(p.stat().st_size for p in inputs.iterdir()) / 2**20
            print(
                f"generated {size} inventories ({mb:,.0f} MB) in {time.perf_counter() - t0:.1f}s",
                flush=True,
            )
            read = _child(READ_ONLY, str(inputs))
            merged = _child(MERGE, str(inputs), str(work / f"merged-{size}.json"))
            out_mb = (work / f"merged-{size}.json").stat().st_size / 2**20
            row = {"read": read, "merge": merged, "output_mb": out_mb}
            if size == min(sizes):
                row["naive"] = _child(NAIVE, str(inputs), str(work / f"naive-{size}.json"))
            results[size] = row
            print(
                f"size {size}: {merged['findings']:,} findings kept, {merged['duplicates']:,} duplicates; "
                f"merge {merged['seconds']:.1f}s peak {merged['peak_mb']:.0f} MB (output {out_mb:,.0f} MB); "
                f"read-only pass {read['seconds']:.1f}s peak {read['peak_mb']:.0f} MB "
                f"(merge/read {merged['seconds'] / read['seconds']:.2f}x)",
                flush=True,
            )
            if "naive" in row:
                naive = row["naive"]
                print(
                    f"  naive json.load merge: {naive['seconds']:.1f}s peak {naive['peak_mb']:.0f} MB "
                    f"(streaming uses {merged['peak_mb'] / naive['peak_mb']:.2f}x the memory, "
                    f"{merged['seconds'] / naive['seconds']:.2f}x the time)",
                    flush=True,
                )
            if not args.keep:
                shutil.rmtree(inputs, ignore_errors=True)
                for name in (f"merged-{size}.json", f"naive-{size}.json"):
                    (work / name).unlink(missing_ok=True)
        if len(sizes) >= 2:
            small, large = min(sizes), max(sizes)
            s, big = results[small]["merge"], results[large]["merge"]
            print(
                f"scaling {small} -> {large} inventories ({large / small:.0f}x the findings): "
                f"time {big['seconds'] / s['seconds']:.2f}x, peak memory {big['peak_mb'] / s['peak_mb']:.2f}x, "
                f"per-finding time {big['seconds'] / big['findings'] * 1e6:.1f} vs "
                f"{s['seconds'] / s['findings'] * 1e6:.1f} µs"
            )
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
