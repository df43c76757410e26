"""Many endpoints under a small file-descriptor limit: qscan against 5,000 endpoints on
loopback (half TLS, half SSH) with `ulimit -n 256` (soft and hard), as a CI runner or a
container might impose.

A server process (its own, high descriptor limit) listens on 127.0.x.y for every endpoint,
each a separate host as in an estate: TLS on 4433 (Python's ssl, an ECDSA certificate) and
SSH on 2222 (banner, KEXINIT and the ECDH reply of a small scripted server). qscan scans
them all with --strict, --profile quick and --concurrency 200 (200 TLS endpoints at 4
connections each need 800 descriptors). Printed for each run: wall time, qscan's peak
memory and peak number of open descriptors, whether every target is accounted for (a
finding or an error record), how many were lost to descriptor limits, the error kinds and
the exit code.

A last run starves qscan of descriptors (it inherits so many open ones that only a few
are left, as from a leaky parent process): targets that get no descriptor are recorded as
`resource-limit` (none is silently missing), and --strict exits 3. `--before TREE` first
runs an earlier qscan source tree the same way, e.g. one made with
`git archive <commit> | tar -x -C TREE`.

    python benchmarks/endpoints.py [--endpoints 5000] [--limit 256] [--before TREE]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import ssl
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.scan.ssh.peers import ScriptedServer, kexinit  # noqa: E402
from tests.scan.tls.servers import make_chain  # noqa: E402

SSH_PORT, TLS_PORT = 2222, 4433
CONCURRENCY = 200
QSCAN = [sys.executable, "-m", "qscan"]


def addresses(count: int) -> list[str]:
    return [f"127.0.{1 + i // 250}.{1 + i % 250}" for i in range(count)]


def serve(count: int, certfile: Path, keyfile: Path) -> None:
    """Listen for TLS and SSH on every address until killed (run in its own process)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(certfile, keyfile)
    offer = kexinit(
        ["curve25519-sha256"], ["ssh-ed25519"], ["aes256-gcm@openssh.com"], ["hmac-sha2-256"]
    )

    async def main() -> None:
        ssh_session = ScriptedServer(offer)

        async def ssh(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):  # a client that hangs up early
                await ssh_session(reader, writer)
            writer.close()

        async def tls_session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                await reader.read(1)
            writer.close()

        for host in addresses(count):
            await asyncio.start_server(ssh, host, SSH_PORT, backlog=512)
            await asyncio.start_server(tls_session, host, TLS_PORT, ssl=tls, backlog=512)
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def targets(count: int) -> list[str]:
    """Half TLS (quick profile: about 25 connections each, 4 at a time), half SSH."""
    return [
        f"tls://{host}:{TLS_PORT}" if i % 2 else f"ssh://{host}:{SSH_PORT}"
        for i, host in enumerate(addresses(count))
    ]


def _open_fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def run_qscan(
    targets_file: Path, output: Path, limit: int, free: int | None, tree: Path = ROOT
) -> dict:
    """qscan under RLIMIT_NOFILE `limit`; with `free`, it inherits so many open
    descriptors that only `free` are left when it starts (its JSON goes to stdout, which
    needs no descriptor of its own). `tree`: the source tree of the qscan to run."""
    held = (
        [] if free is None else [os.open(os.devnull, os.O_RDONLY) for _ in range(limit - 3 - free)]
    )

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

    command = [*QSCAN, "scan", "--targets-file", str(targets_file), "--strict", "--quiet"]
    command += ["--concurrency", str(CONCURRENCY), "--profile", "quick"]
    command += ["--format", "json", "--output", "-"]
    started = time.monotonic()
    with output.open("wb") as stdout:
        process = subprocess.Popen(
            command,
            preexec_fn=limits,
            pass_fds=held,
            stdout=stdout,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(tree)},
            cwd=tree,  # python -m puts the working directory first on the path
        )
    for fd in held:
        os.close(fd)
    peak_fds = 0
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        peak_fds = max(peak_fds, _open_fds(process.pid))
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    inventory = json.loads(output.read_text() or "{}")
    return {
        "seconds": elapsed,
        "exit": os.waitstatus_to_exitcode(status),
        "peak_rss_mb": usage.ru_maxrss // 1024,
        "peak_fds": peak_fds,
        "inventory": inventory,
        "open_at_start": 3 + len(held),
        "stderr": stderr[-2000:],
    }


def report(name: str, scanned: list[str], result: dict) -> None:
    inventory = result["inventory"]
    errors = inventory.get("errors", [])
    seen = {f["location"]["target"] for f in inventory.get("findings", [])}
    seen |= {e["target"] for e in errors}
    kinds = Counter(e["kind"] for e in errors)
    missing = len(set(scanned) - seen)
    lost = {
        e["target"]
        for e in errors
        if e["kind"] == "resource-limit" or "Too many open files" in e["message"]
    }
    print(f"\n{name}")
    print(f"  wall time          {result['seconds']:.1f} s")
    print(f"  peak memory (RSS)  {result['peak_rss_mb']} MB")
    print(f"  peak open fds      {result['peak_fds']}")
    print(f"  targets            {len(scanned)}, accounted for {len(scanned) - missing}")
    print(f"  lost to fd limits  {len(lost)}")
    print(f"  error kinds        {dict(kinds) or 'none'}")
    print(f"  exit code          {result['exit']} (--strict)")
    if result["stderr"].strip():
        print("  stderr (tail)      " + result["stderr"].strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=256, help="RLIMIT_NOFILE for qscan")
    parser.add_argument(
        "--starve", type=int, default=3, help="descriptors left free in the second run"
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="source tree of an earlier qscan to run the same way first, e.g. one made with "
        "git archive <commit> | tar -x -C DIR",
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--chain", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.chain / "ecdsa-chain.pem", args.chain / "ecdsa-key.pem")
        return
    with tempfile.TemporaryDirectory() as work:
        make_chain(Path(work), "ecdsa")
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(args.endpoints), "--chain", work],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
            run_all(args, Path(work))
        finally:
            server.kill()
            server.wait()


def run_all(args: argparse.Namespace, work: Path) -> None:
    scanned = targets(args.endpoints)
    targets_file = work / "targets.txt"
    targets_file.write_text("\n".join(scanned) + "\n")
    output = work / "inventory.json"
    print(
        f"{args.endpoints} endpoints on loopback (half TLS, half SSH), qscan --concurrency "
        f"{CONCURRENCY} under ulimit -n {args.limit}"
    )
    if args.before:
        before = run_qscan(targets_file, output, args.limit, None, args.before)
        report(f"before ({args.before})", scanned, before)
    report("now", scanned, run_qscan(targets_file, output, args.limit, None))
    starved = run_qscan(targets_file, output, args.limit, args.starve)
    report(f"now, only {args.starve} descriptors free at start", scanned, starved)


if __name__ == "__main__":
    main()
