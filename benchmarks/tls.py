"""TLS scan benchmark: qscan against sslyze 6.3.1, same servers, same run.

Starts 50 local TLS servers of ten configurations (Python ssl on the system OpenSSL 3.0 and
pyOpenSSL on cryptography's OpenSSL 4 with ML-KEM), each on its own loopback address
(127.0.0.11 ...) so that every server is a separate host as in an estate. Scans them all with
`qscan scan --profile full` and with sslyze (in its own venv: it pins an older cryptography)
asked for the comparable commands (SSL 3.0 to TLS 1.3 suites, elliptic curves, certificate
chain). Prints wall time for both, the ratio, connections per endpoint (counted at the
servers), agreement on TLS 1.2 and 1.3 suites and on groups per server, and the PQ groups each
tool detected.

    python benchmarks/tls.py [--servers 50] [--sslyze-venv benchmarks/_work/sslyze-venv]

The sslyze venv is created on first use: python3 -m venv ... && pip install sslyze==6.3.1.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import ssl
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from OpenSSL import SSL  # noqa: E402

from qscan.protocols import tls as T  # noqa: E402
from tests.scan.tls.servers import (  # noqa: E402
    ffdhe2048_params,
    make_chain,
    pyopenssl_server,
    python_ssl_server,
)

WORK = ROOT / "benchmarks" / "_work"
KNOWN_CAUSES = """
known causes (both checked by hand against the servers):
  groups, TLS 1.2 server with an ECDSA certificate: sslyze offers one curve per handshake, and
    such a server refuses any curve list without its certificate's curve (RFC 8422 5.1), so
    sslyze sees only that curve; qscan also sees the curves the server ranks above it.
  TLS 1.2 suites, OpenSSL 4 server whose only ECDHE curve is X25519: sslyze tests those suites
    with nassl's legacy OpenSSL 1.0.2 client, which has no X25519; a pyOpenSSL client does get
    TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 over x25519 from that server."""
SSLYZE_VERSION = "6.3.1"
V = ssl.TLSVersion


def _configs(chains: dict, dhparams: Path) -> list[tuple[str, object]]:
    """Ten configurations: (name, factory(host) -> server)."""
    rsa, ecdsa = chains["rsa"], chains["ecdsa"]
    return [
        (
            "py-rsa-kx",
            lambda h: python_ssl_server(
                rsa, ciphers="AES128-GCM-SHA256:AES256-SHA", max_version=V.TLSv1_2, host=h
            ),
        ),
        (
            "py-ecdhe-p256",
            lambda h: python_ssl_server(
                rsa,
                ciphers="ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
                curve="prime256v1",
                max_version=V.TLSv1_2,
                host=h,
            ),
        ),
        (
            "py-dhe-2048",
            lambda h: python_ssl_server(
                rsa,
                ciphers="DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384",
                dhparams=dhparams,
                max_version=V.TLSv1_2,
                host=h,
            ),
        ),
        (
            "py-tls13-x25519",
            lambda h: python_ssl_server(rsa, curve="X25519", min_version=V.TLSv1_3, host=h),
        ),
        (
            "py-ecdsa",
            lambda h: python_ssl_server(
                ecdsa,
                ciphers="ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
                "ECDHE-ECDSA-AES128-SHA",
                max_version=V.TLSv1_2,
                host=h,
            ),
        ),
        ("py-default", lambda h: python_ssl_server(rsa, host=h)),
        (
            "py-legacy",
            lambda h: python_ssl_server(
                rsa,
                ciphers="ECDHE-RSA-AES256-SHA:AES128-SHA:DHE-RSA-AES128-SHA:@SECLEVEL=0",
                dhparams=dhparams,
                min_version=V.TLSv1,
                max_version=V.TLSv1_2,
                server_order=True,
                host=h,
            ),
        ),
        ("pyo-pq-default", lambda h: pyopenssl_server(rsa, host=h)),
        ("pyo-pq-notpref", lambda h: pyopenssl_server(rsa, groups="X25519/X25519MLKEM768", host=h)),
        (
            "pyo-pq-tls13",
            lambda h: pyopenssl_server(
                ecdsa,
                groups="X25519MLKEM768:SecP256r1MLKEM768:X25519:secp384r1",
                min_version=SSL.TLS1_3_VERSION,
                host=h,
            ),
        ),
    ]


def _serve(assignments: list[tuple[str, str]], chains: dict, dhparams: Path, pipe) -> None:
    """One server process: start its servers, report addresses, answer count requests."""
    factories = dict(_configs(chains, dhparams))
    servers = [(name, host, factories[name](host)) for name, host in assignments]
    pipe.send([(name, host, s.port) for name, host, s in servers])
    while True:
        command = pipe.recv()
        if command == "counts":
            pipe.send({(host, s.port): s.accepted for _, host, s in servers})
        elif command == "reset":
            for _, _, s in servers:
                s.accepted = 0
            pipe.send("ok")
        else:
            for _, _, s in servers:
                s.stop()
            pipe.send("stopped")
            return


def _ensure_sslyze(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", f"sslyze=={SSLYZE_VERSION}"], check=True
        )
    return python


def _counts(pipes) -> dict:
    total: dict = {}
    for pipe in pipes:
        pipe.send("counts")
        total.update(pipe.recv())
    for pipe in pipes:
        pipe.send("reset")
        pipe.recv()
    return total


def _timed(cmd: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _qscan_view(doc: dict) -> dict:
    view: dict = defaultdict(lambda: {"tls12": set(), "tls13": set(), "groups": set(), "pq": set()})
    for f in doc["findings"]:
        loc = f["location"]
        key = (loc.get("host"), loc.get("port"))
        comp = loc.get("component", "")
        if comp.endswith("cipher suite"):
            versions = f["context"].get("versions", [])
            if "tls1.2" in versions:
                view[key]["tls12"].add(f["params"]["suite"])
            if "tls1.3" in versions:
                view[key]["tls13"].add(f["params"]["suite"])
        elif comp in ("tls1.3 supported group", "tls1.2 ecdhe curve"):
            g = T.group_by_name(f["params"]["group"])
            if g.post_quantum:
                view[key]["pq"].add(g.name)
            view[key][comp] = view[key].get(comp, set()) | {g.name}
    for v in view.values():  # what sslyze compares: groups at the highest version
        v["groups"] = v.get("tls1.3 supported group") or v.get("tls1.2 ecdhe curve") or set()
    return view


def _sslyze_view(doc: dict) -> tuple[dict, set]:
    view: dict = {}
    tested: set = set()
    for r in doc["server_scan_results"]:
        key = (r["server_location"]["ip_address"], r["server_location"]["port"])
        res = r.get("scan_result") or {}

        def suites(cmd: str, res: dict = res) -> set:
            result = (res.get(cmd) or {}).get("result") or {}
            return {c["cipher_suite"]["name"] for c in result.get("accepted_cipher_suites", [])}

        curves = ((res.get("elliptic_curves") or {}).get("result")) or {}
        supported = {T.group_by_name(c["name"]).name for c in curves.get("supported_curves") or []}
        for c in (curves.get("supported_curves") or []) + (curves.get("rejected_curves") or []):
            tested.add(T.group_by_name(c["name"]).name)
        view[key] = {
            "tls12": suites("tls_1_2_cipher_suites"),
            "tls13": suites("tls_1_3_cipher_suites"),
            "groups": supported,
            "pq": set(),
        }
    return view, tested


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=50)
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternate the two tools this often; report medians"
    )
    parser.add_argument("--sslyze-venv", type=Path, default=WORK / "sslyze-venv")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    sslyze = _ensure_sslyze(args.sslyze_venv)
    chains = {k: make_chain(WORK / "certs", k) for k in ("rsa", "ecdsa")}
    dhparams = ffdhe2048_params(WORK / "ffdhe2048.pem")
    names = [name for name, _ in _configs(chains, dhparams)]
    assignments = [(names[i % len(names)], f"127.0.0.{11 + i}") for i in range(args.servers)]
    ctx = mp.get_context("fork")
    pipes, procs = [], []
    for p in range(args.processes):
        parent, child = ctx.Pipe()
        proc = ctx.Process(
            target=_serve,
            args=(assignments[p :: args.processes], chains, dhparams, child),
            daemon=True,
        )
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    servers = [s for pipe in pipes for s in pipe.recv()]
    kind = {(host, port): name for name, host, port in servers}
    targets = WORK / "targets.txt"
    targets.write_text("".join(f"{host}:{port}\n" for _, host, port in servers))
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        qscan_out, sslyze_out = WORK / "qscan.json", WORK / "sslyze.json"
        qscan_cmd = [
            sys.executable,
            "-m",
            "qscan",
            "scan",
            "--targets-file",
            str(targets),
            "--profile",
            "full",
            "--timeout",
            "10",
            "--format",
            "json",
            "--output",
            str(qscan_out),
            "--quiet",
        ]
        sslyze_cmd = [
            str(sslyze),
            "-m",
            "sslyze",
            "--targets_in",
            str(targets),
            "--json_out",
            str(sslyze_out),
            "--quiet",
            "--mozilla_config",
            "disable",
            "--sslv3",
            "--tlsv1",
            "--tlsv1_1",
            "--tlsv1_2",
            "--tlsv1_3",
            "--elliptic_curves",
            "--certinfo",
        ]
        q_times, s_times = [], []
        for _ in range(args.rounds):
            q_times.append(_timed(qscan_cmd, env))
            q_conns = _counts(pipes)
            s_times.append(_timed(sslyze_cmd))
            s_conns = _counts(pipes)
        q_time, s_time = statistics.median(q_times), statistics.median(s_times)
    finally:
        for pipe in pipes:
            pipe.send("stop")
            pipe.recv()
        for proc in procs:
            proc.join(5)

    qdoc = json.loads(qscan_out.read_text())
    q_view = _qscan_view(qdoc)
    s_view, tested = _sslyze_view(json.loads(sslyze_out.read_text()))
    n = len(servers)
    print(f"servers: {n} ({len(names)} configurations, {args.processes} server processes)")
    rounds = ", ".join(f"{q:.2f}/{s:.2f}" for q, s in zip(q_times, s_times, strict=True))
    print(f"wall time per round, qscan/sslyze (s): {rounds}")
    print(f"qscan  --profile full: {q_time:7.2f} s median  ({n / q_time:6.2f} endpoints/s)")
    print(
        f"sslyze {SSLYZE_VERSION}:          {s_time:7.2f} s median  ({n / s_time:6.2f} endpoints/s)"
    )
    print(f"throughput ratio qscan/sslyze: {s_time / q_time:.1f}x (median of {args.rounds} rounds)")
    print(f"qscan errors: {len(qdoc['errors'])}")
    print()
    header = f"{'configuration':16} {'conns q/s':>11} {'TLS1.2':>7} {'TLS1.3':>7} {'groups':>7}  PQ groups (qscan; sslyze: none)"
    print(header)
    agree = defaultdict(int)
    by_kind: dict = defaultdict(list)
    for key in sorted(kind, key=lambda k: (kind[k], k)):
        by_kind[kind[key]].append(key)
    notes = []
    for name, keys in by_kind.items():
        row = defaultdict(int)
        for key in keys:
            q, s = q_view.get(key), s_view.get(key)
            if q is None or s is None:
                notes.append(
                    f"{name} {key}: missing result (qscan {q is not None}, sslyze {s is not None})"
                )
                continue
            for field in ("tls12", "tls13"):
                same = q[field] == s[field]
                row[field] += same
                agree[field] += same
                if not same:
                    notes.append(
                        f"{name} {key[0]} {field}: only qscan {sorted(q[field] - s[field])}, "
                        f"only sslyze {sorted(s[field] - q[field])}"
                    )
            same = (q["groups"] & tested) == s["groups"]
            row["groups"] += same
            agree["groups"] += same
            if not same:
                notes.append(
                    f"{name} {key[0]} groups: qscan {sorted(q['groups'] & tested)}, "
                    f"sslyze {sorted(s['groups'])}"
                )
            row["pq"] += bool(q["pq"])
        qc = sum(q_conns.get(k, 0) for k in keys) / len(keys)
        sc = sum(s_conns.get(k, 0) for k in keys) / len(keys)
        pq = sorted(set().union(*(q_view[k]["pq"] for k in keys if k in q_view)))
        print(
            f"{name:16} {qc:5.0f}/{sc:<5.0f} {row['tls12']:>4}/{len(keys)} {row['tls13']:>4}/{len(keys)}"
            f" {row['groups']:>4}/{len(keys)}  {', '.join(pq) or '-'}"
        )
    qa = sum(q_conns.values()) / n
    sa = sum(s_conns.values()) / n
    print(
        f"{'all':16} {qa:5.0f}/{sa:<5.0f} {agree['tls12']:>4}/{n} {agree['tls13']:>4}/{n} {agree['groups']:>4}/{n}"
    )
    pq_servers = sum(1 for k in kind if q_view.get(k, {}).get("pq"))
    print(f"\nservers with PQ groups: qscan {pq_servers}, sslyze 0 (nassl's OpenSSL has no ML-KEM)")
    print(
        f"connections per endpoint (mean, counted at the servers): qscan {qa:.1f}, sslyze {sa:.1f}"
    )
    if notes:
        print("\ndifferences:")
        for note in notes:
            print("  " + note)
        print(KNOWN_CAUSES)


if __name__ == "__main__":
    main()
