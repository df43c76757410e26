"""Fixtures for the SSH tests: Debian's sshd on loopback ports with generated host keys,
and a helper that runs the SSH scanner on the engine and returns its records."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from qscan.model import Finding, ScanError
from qscan.scan.interface import ScanOptions
from qscan.scan.net.engine import run_endpoints
from qscan.scan.ssh import SshScanner
from qscan.targets import parse_target

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"
SSH_KEYGEN = shutil.which("ssh-keygen") or "/usr/bin/ssh-keygen"


def run_scan(target: str, **options) -> tuple[list[Finding], list[ScanError]]:
    """Scan one ssh:// target through the engine, as the pipeline would."""
    records: list = []
    opts = ScanOptions(**{"timeout": 5.0, "retries": 0, **options})
    asyncio.run(run_endpoints([(SshScanner(), parse_target(target))], opts, records.append))
    return (
        [r for r in records if isinstance(r, Finding)],
        [r for r in records if isinstance(r, ScanError)],
    )


async def scan_async(target: str, **options) -> tuple[list[Finding], list[ScanError]]:
    records: list = []
    opts = ScanOptions(**{"timeout": 5.0, "retries": 0, **options})
    await run_endpoints([(SshScanner(), parse_target(target))], opts, records.append)
    return (
        [r for r in records if isinstance(r, Finding)],
        [r for r in records if isinstance(r, ScanError)],
    )


def names(findings: list[Finding], component: str) -> list[str]:
    """The SSH names of one component's findings, in offered order."""
    chosen = [f for f in findings if f.location.component == component]
    chosen.sort(key=lambda f: f.context["position"])
    return [f.params["ssh_name"] for f in chosen]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class HostKeys:
    folder: Path
    files: dict[str, Path] = field(default_factory=dict)

    def fingerprint(self, kind: str) -> str:
        out = subprocess.run(
            [SSH_KEYGEN, "-l", "-E", "sha256", "-f", f"{self.files[kind]}.pub"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return out.split()[1]


@pytest.fixture(scope="session")
def host_keys(tmp_path_factory) -> HostKeys:
    if not os.path.exists(SSHD) or not os.path.exists(SSH_KEYGEN):
        pytest.skip("Debian's openssh-server is not installed (.ci/system-deps installs it)")
    folder = tmp_path_factory.mktemp("sshd-keys")
    keys = HostKeys(folder)
    for kind, args in {
        "rsa": ["-t", "rsa", "-b", "3072"],
        "ecdsa": ["-t", "ecdsa", "-b", "256"],
        "ed25519": ["-t", "ed25519"],
    }.items():
        path = folder / f"ssh_host_{kind}_key"
        subprocess.run([SSH_KEYGEN, "-q", *args, "-N", "", "-f", str(path)], check=True)
        keys.files[kind] = path
    ca = folder / "host_ca"
    subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", str(ca)], check=True)
    subprocess.run(
        [
            SSH_KEYGEN,
            "-q",
            "-s",
            str(ca),
            "-I",
            "qscan-test-host",
            "-h",
            "-n",
            "localhost",
            "-V",
            "+52w",
            f"{keys.files['ed25519']}.pub",
        ],
        check=True,
    )
    keys.files["ca"] = ca
    return keys


@dataclass
class Sshd:
    port: int
    config: Path
    process: subprocess.Popen

    @property
    def target(self) -> str:
        return f"ssh://127.0.0.1:{self.port}"

    def effective(self) -> dict[str, str]:
        """`sshd -T`: the effective configuration, lower-case keys."""
        out = subprocess.run(
            [SSHD, "-T", "-f", str(self.config)], check=True, capture_output=True, text=True
        ).stdout
        return dict(line.split(" ", 1) for line in out.splitlines() if " " in line)


@pytest.fixture
def sshd(host_keys, tmp_path) -> Iterator:
    """Start sshd with the given extra config lines; stopped after the test."""
    started: list[Sshd] = []
    logs: list = []
    os.makedirs("/run/sshd", exist_ok=True)

    def start(*lines: str, keys: tuple[str, ...] = ("rsa", "ecdsa", "ed25519")) -> Sshd:
        port = free_port()
        config = tmp_path / f"sshd_config_{port}"
        body = [f"HostKey {host_keys.files[k]}" for k in keys]
        body += [f"Port {port}", "ListenAddress 127.0.0.1", "PidFile none", "UsePAM no", *lines]
        config.write_text("\n".join(body) + "\n")
        check = subprocess.run([SSHD, "-t", "-f", str(config)], capture_output=True, text=True)
        if check.returncode != 0:
            pytest.skip(f"sshd cannot run here: {check.stderr.strip()}")
        log = open(tmp_path / f"sshd_{port}.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=log
        )
        logs.append(log)
        server = Sshd(port, config, process)
        started.append(server)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"sshd exited: {(tmp_path / f'sshd_{port}.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return server
            except OSError:
                time.sleep(0.05)
        pytest.fail("sshd did not start listening")

    yield start
    for server in started:
        server.process.terminate()
        try:
            server.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    for log in logs:
        log.close()
