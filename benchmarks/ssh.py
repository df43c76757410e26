"""SSH scanning benchmark: qscan against ssh-audit on the same local OpenSSH servers.

Starts N (default 24) Debian sshd servers on 127.0.0.1 in mixed configurations (defaults,
classical-only, SHA-1 legacy, CBC, single host key types, group exchange only, ...), then
scans all of them with `qscan scan` and with ssh-audit 3.9.0 (`-T targets --threads`,
installed from PyPI into benchmarks/_work/ssh-audit-venv), alternating, --rounds times.
Prints wall time (median), throughput, the ratio, and per-server agreement of the kex,
host key algorithm, cipher, MAC and compression lists, RSA key sizes and host key
fingerprints. ssh-audit runs with --skip-rate-test: its default 38-connection DHEat rate
probe is a denial-of-service check, not part of the inventory both tools produce.

Needs root (sshd privilege separation) and Debian's openssh-server.

    python benchmarks/ssh.py [--servers 24] [--rounds 3] [--threads 32]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
AUDIT_VENV = WORK / "ssh-audit-venv"
SSH_AUDIT_VERSION = "3.9.0"
SIGNALS = ("kex-strict-", "ext-info-")

CONFIGS: list[tuple[str, tuple[str, ...], list[str]]] = [
    ("defaults", ("rsa", "ecdsa", "ed25519"), []),
    (
        "classical-only",
        ("rsa", "ecdsa", "ed25519"),
        ["KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256"],
    ),
    (
        "sha1-legacy",
        ("rsa", "ecdsa", "ed25519"),
        [
            "KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
            "HostKeyAlgorithms +ssh-rsa",
            "Ciphers +aes128-cbc,3des-cbc",
            "MACs +hmac-sha1-96,hmac-md5",
        ],
    ),
    ("ed25519-only", ("ed25519",), []),
    (
        "rsa2048-cbc",
        ("rsa2048",),
        ["Ciphers aes256-ctr,aes128-cbc,aes256-cbc", "MACs hmac-sha2-256,hmac-sha1"],
    ),
    (
        "ecdsa-hardened",
        ("ecdsa",),
        [
            "KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256",
            "Ciphers aes256-gcm@openssh.com",
            "MACs hmac-sha2-512-etm@openssh.com",
        ],
    ),
    (
        "gex-only",
        ("rsa", "ed25519"),
        ["KexAlgorithms diffie-hellman-group-exchange-sha256", "Compression no"],
    ),
    (
        "pq-not-first",
        ("ed25519", "rsa"),
        ["KexAlgorithms curve25519-sha256,sntrup761x25519-sha512@openssh.com,ecdh-sha2-nistp384"],
    ),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ensure_ssh_audit() -> Path:
    exe = AUDIT_VENV / "bin" / "ssh-audit"
    if not exe.exists():
        log(f"installing ssh-audit {SSH_AUDIT_VERSION} into {AUDIT_VENV}")
        venv.create(AUDIT_VENV, with_pip=True)
        subprocess.run(
            [str(AUDIT_VENV / "bin" / "pip"), "install", "-q", f"ssh-audit=={SSH_AUDIT_VERSION}"],
            check=True,
        )
    return exe


def keygen(folder: Path) -> dict[str, Path]:
    keys = {}
    for name, args in {
        "rsa": ["-t", "rsa", "-b", "3072"],
        "rsa2048": ["-t", "rsa", "-b", "2048"],
        "ecdsa": ["-t", "ecdsa", "-b", "256"],
        "ed25519": ["-t", "ed25519"],
    }.items():
        path = folder / f"host_{name}"
        subprocess.run(["ssh-keygen", "-q", *args, "-N", "", "-f", str(path)], check=True)
        keys[name] = path
    return keys


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(count: int, folder: Path, keys: dict[str, Path], servers: list) -> None:
    """Append each started server to `servers` at once, so the caller can stop them all
    even when a later one fails to start."""
    os.makedirs("/run/sshd", exist_ok=True)
    for i in range(count):
        servers.append(start_server(i, folder, keys))


def start_server(
    index: int, folder: Path, keys: dict[str, Path]
) -> tuple[int, str, subprocess.Popen]:
    """One sshd in configuration CONFIGS[index % len]; a new port if the chosen one was taken."""
    name, key_names, lines = CONFIGS[index % len(CONFIGS)]
    for _ in range(5):
        port = free_port()
        config = folder / f"sshd_{port}"
        body = [f"HostKey {keys[k]}" for k in key_names]
        body += [
            f"Port {port}",
            "ListenAddress 127.0.0.1",
            "PidFile none",
            "UsePAM no",
            "MaxStartups 100",
            "LogLevel VERBOSE",
            *lines,
        ]
        config.write_text("\n".join(body) + "\n")
        process = subprocess.Popen(
            [shutil.which("sshd") or "/usr/sbin/sshd", "-D", "-e", "-f", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=open(folder / f"sshd_{port}.log", "wb"),  # noqa: SIM115 (lives as long as sshd)
        )
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return port, name, process
            except OSError:
                time.sleep(0.05)
        process.kill()
        process.wait()
    raise SystemExit(f"sshd ({name}) did not start")


def connections(folder: Path) -> int:
    """Connections accepted so far by all servers (LogLevel VERBOSE logs each one)."""
    return sum(p.read_bytes().count(b"Connection from ") for p in folder.glob("sshd_*.log"))


def timed(run) -> tuple[float, float]:
    """Wall time of run() and the CPU time (user + system) of the tool process it waited for."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    run()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_qscan(ports: list[int], out: Path, concurrency: int) -> None:
    targets = [f"ssh://127.0.0.1:{p}" for p in ports]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "qscan",
            "scan",
            *targets,
            "--format",
            "json",
            "--output",
            str(out),
            "--concurrency",
            str(concurrency),
            "--per-host",
            str(concurrency * 4),
            "--quiet",
        ],
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def run_ssh_audit(exe: Path, ports: list[int], out: Path, threads: int, folder: Path) -> None:
    targets = folder / "targets.txt"
    targets.write_text("".join(f"127.0.0.1:{p}\n" for p in ports))
    with open(out, "w") as fh:
        subprocess.run(
            [str(exe), "-j", "--skip-rate-test", "--threads", str(threads), "-T", str(targets)],
            stdout=fh,
            check=False,
        )


def qscan_lists(path: Path) -> dict[int, dict[str, object]]:
    inventory = json.loads(path.read_text())
    per_port: dict[int, dict[str, list]] = {}
    for finding in inventory["findings"]:
        port = finding["location"]["port"]
        component = finding["location"]["component"]
        entry = per_port.setdefault(
            port, {"kex": [], "key": [], "enc": [], "mac": [], "compression": [], "keys": {}}
        )
        key = {
            "ssh kex": "kex",
            "ssh host key algorithm": "key",
            "ssh cipher": "enc",
            "ssh mac": "mac",
            "ssh compression": "compression",
        }.get(component)
        if key:
            entry[key].append((finding["context"]["position"], finding["params"]["ssh_name"]))
        elif component == "ssh host key":
            fp = finding["context"]["fingerprint_sha256"].removeprefix("SHA256:")
            entry["keys"][fp] = finding["params"].get("bits")
    for entry in per_port.values():
        for key in ("kex", "key", "enc", "mac", "compression"):
            entry[key] = [n for _, n in sorted(entry[key])]
    for error in inventory["errors"]:
        per_port.setdefault(error["port"], {}).setdefault("errors", []).append(error["kind"])
    return per_port


def ssh_audit_lists(path: Path) -> dict[int, dict[str, object]]:
    text = path.read_text().strip()
    results = (
        json.loads(text)
        if text.startswith("[")
        else [json.loads(line) for line in text.splitlines() if line]
    )
    per_port = {}
    for result in results:
        port = int(str(result["target"]).rsplit(":", 1)[1])
        fps = {f["hash"]: None for f in result.get("fingerprints", []) if f["hash_alg"] == "SHA256"}
        rsa_bits = {
            k.get("keysize")
            for k in result.get("key", [])
            if k["algorithm"].startswith(("rsa-", "ssh-rsa")) and k.get("keysize")
        }
        per_port[port] = {
            "kex": [
                k["algorithm"]
                for k in result.get("kex", [])
                if not k["algorithm"].startswith(SIGNALS)
            ],
            "key": [k["algorithm"] for k in result.get("key", [])],
            "enc": [k["algorithm"] for k in result.get("enc", [])],
            "mac": [k["algorithm"] for k in result.get("mac", [])],
            "compression": list(result.get("compression", [])),
            "fingerprints": set(fps),
            "rsa_bits": rsa_bits,
        }
    return per_port


def compare(ours: dict, theirs: dict, servers: list) -> tuple[dict[str, int], list[str]]:
    agree = {k: 0 for k in ("kex", "key", "enc", "mac", "compression", "fingerprints", "rsa_bits")}
    notes = []
    for port, name, _ in servers:
        a, b = ours.get(port, {}), theirs.get(port, {})
        for key in ("kex", "key", "enc", "mac", "compression"):
            if a.get(key) == b.get(key):
                agree[key] += 1
            else:
                notes.append(f"  {name}:{port} {key}: qscan={a.get(key)} ssh-audit={b.get(key)}")
        fps = set(a.get("keys", {}))
        if fps == b.get("fingerprints"):
            agree["fingerprints"] += 1
        else:
            notes.append(
                f"  {name}:{port} fingerprints: qscan={sorted(fps)} ssh-audit={sorted(b.get('fingerprints', []))}"
            )
        rsa = {bits for bits in a.get("keys", {}).values() if bits}
        if rsa == b.get("rsa_bits"):
            agree["rsa_bits"] += 1
        else:
            notes.append(f"  {name}:{port} RSA bits: qscan={rsa} ssh-audit={b.get('rsa_bits')}")
        if a.get("errors"):
            notes.append(f"  {name}:{port} qscan errors: {a['errors']}")
    return agree, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=32, help="ssh-audit --threads and qscan --concurrency"
    )
    args = parser.parse_args()
    if not shutil.which("sshd") and not Path("/usr/sbin/sshd").exists():
        raise SystemExit("Debian's openssh-server is needed (apt-get install openssh-server)")
    exe = ensure_ssh_audit()
    with tempfile.TemporaryDirectory(prefix="qscan-ssh-bench-") as tmp:
        folder = Path(tmp)
        keys = keygen(folder)
        servers: list[tuple[int, str, subprocess.Popen]] = []
        try:
            start_servers(args.servers, folder, keys, servers)
            ports = [p for p, _, _ in servers]
            walls: dict[str, list[float]] = {"qscan": [], "ssh-audit": []}
            cpus: dict[str, list[float]] = {"qscan": [], "ssh-audit": []}
            conns = {"qscan": 0, "ssh-audit": 0}
            runs = {
                "qscan": lambda: run_qscan(ports, folder / "qscan.json", args.threads),
                "ssh-audit": lambda: run_ssh_audit(
                    exe, ports, folder / "ssh-audit.json", args.threads, folder
                ),
            }
            for round_ in range(args.rounds):
                for tool, run in runs.items():
                    before = connections(folder)
                    wall, cpu = timed(run)
                    walls[tool].append(wall)
                    cpus[tool].append(cpu)
                    conns[tool] = connections(folder) - before
                log(
                    f"round {round_ + 1}: qscan {walls['qscan'][-1]:.2f}s, "
                    f"ssh-audit {walls['ssh-audit'][-1]:.2f}s"
                )
            ours = qscan_lists(folder / "qscan.json")
            theirs = ssh_audit_lists(folder / "ssh-audit.json")
        finally:
            for _, _, process in servers:
                process.terminate()
            for _, _, process in servers:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    n = len(servers)
    print(
        f"SSH benchmark: {n} local OpenSSH servers ({len(CONFIGS)} configurations), "
        f"{args.rounds} rounds (os.cpu_count()={os.cpu_count()}, load average "
        f"{os.getloadavg()[0]:.1f})"
    )
    print(
        f"  ssh-audit {SSH_AUDIT_VERSION} --skip-rate-test --threads {args.threads}; "
        f"qscan --concurrency {args.threads}; median of the rounds"
    )
    for tool in runs:
        wall = statistics.median(walls[tool])
        rounds = ", ".join(f"{t:.2f}" for t in walls[tool])
        print(
            f"  {tool:10s} {wall:6.2f} s wall  {n / wall:5.1f} servers/s  "
            f"{statistics.median(cpus[tool]):5.2f} s client CPU  {conns[tool]:4d} connections  "
            f"(rounds: {rounds})"
        )
    per_round = [a / q for q, a in zip(walls["qscan"], walls["ssh-audit"], strict=True)]
    print(
        f"  ratio      qscan has {statistics.median(walls['ssh-audit']) / statistics.median(walls['qscan']):.2f}x "
        f"ssh-audit's throughput (per-round ratios: {', '.join(f'{r:.2f}' for r in per_round)}; "
        f"median {statistics.median(per_round):.2f})"
    )
    agree, notes = compare(ours, theirs, servers)
    print("agreement (servers with identical results, of " + str(n) + "):")
    for key, label in (
        ("kex", "kex"),
        ("key", "host key algorithms"),
        ("enc", "ciphers"),
        ("mac", "MACs"),
        ("compression", "compression"),
        ("fingerprints", "host key fingerprints"),
        ("rsa_bits", "RSA key sizes"),
    ):
        print(f"  {label:22s} {agree[key]}/{n}")
    if notes:
        print("differences:")
        print("\n".join(notes))


if __name__ == "__main__":
    main()
