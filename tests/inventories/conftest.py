"""Fixtures for the roadmap area: certificates on disk, a stand-in certificate analyzer,
hand-built inventories, and a throw-away PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from qscan.assess.engine import assess
from qscan.catalog import catalog
from qscan.model import Finding, Inventory, Location, ScanError
from qscan.scan.files import PathScanner
from qscan.scan.interface import FileAnalyzer, FileContext

PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PemCertificates(FileAnalyzer):
    """Stand-in for the certificate analyzer built elsewhere: one finding per PEM
    certificate's public key, with not_after and is_ca in the context."""

    name = "test-pem-certificates"

    def wants(self, path: Path, head: bytes) -> bool:
        return b"-----BEGIN CERTIFICATE-----" in head

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Finding]:
        for cert in x509.load_pem_x509_certificates(data):
            key = cert.public_key()
            if isinstance(key, rsa.RSAPublicKey):
                algorithm, params = "RSA", {"bits": key.key_size}
            elif isinstance(key, ec.EllipticCurvePublicKey):
                algorithm, params = "ECDSA", {"curve": catalog().curve(key.curve.name).name}
            else:
                algorithm, params = "Ed25519", {}
            try:
                is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
            except x509.ExtensionNotFound:
                is_ca = False
            yield Finding(
                algorithm=algorithm,
                function="signature",
                asset="certificate",
                location=Location(
                    target=ctx.target, path=ctx.relpath, component="certificate public key"
                ),
                params=params,
                evidence=cert.subject.rfc4514_string(),
                context={"not_after": cert.not_valid_after_utc.isoformat(), "is_ca": is_ca},
                identity=hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest(),
            )


@pytest.fixture
def cert_scanner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qscan.pipeline.file_scanners", lambda: [PathScanner([PemCertificates()])])


def make_cert(
    path: Path,
    kind: str = "ec",
    days: int = 90,
    ca: bool = False,
    name: str = "test",
    bits: int = 2048,
) -> Path:
    """Write a self-signed certificate (ec = P-256, rsa = `bits` bits, ed25519)."""
    if kind == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    elif kind == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    algorithm = None if kind == "ed25519" else hashes.SHA256()
    cert = builder.sign(key, algorithm)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def finding(
    n: int,
    algorithm: str = "ECDH",
    function: str = "key-exchange",
    host: str = "web.example.org",
    context: dict | None = None,
    params: dict | None = None,
) -> Finding:
    return Finding(
        algorithm=algorithm,
        function=function,
        asset="protocol",
        location=Location(
            target=f"{host}:443", host=host, port=443, service="tls", component=f"group {n}"
        ),
        params=params if params is not None else {"curve": "P-256"},
        evidence=f"value {n}",
        context=dict(context or {}),
    )


def inventory(
    findings: list[Finding],
    org: tuple[str, str] | None = None,
    systems: list[dict] | None = None,
    scanned_at: str = "2026-03-01T10:00:00+00:00",
    errors: list[ScanError] | None = None,
    policy: str = "nist-ir-8547",
) -> Inventory:
    """An assessed inventory, attributed to `org` (id, name) when given."""
    inv = Inventory(
        findings=findings,
        errors=errors or [],
        targets=sorted({f.location.target for f in findings}),
        policy=policy,
        scanned_at=scanned_at,
        tool={"name": "qscan", "version": "test"},
    )
    if org is not None:
        org_id, name = org
        inv.extra["estate"] = {
            "organisation": {"id": org_id, "name": name},
            "systems": systems or [],
        }
        for f in findings:
            f.context.setdefault("organisation", name)
            f.context.setdefault("organisation_id", org_id)
    return assess(inv, policy)


def write(inv: Inventory, path: Path) -> Path:
    from qscan.render.interface import RenderOptions
    from qscan.render.json_inventory import render

    path.write_text(render(inv, RenderOptions()), encoding="utf-8")
    return path


# --- PostgreSQL --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a loopback port, stopped after the session."""
    if not (PG_BIN / "initdb").exists():
        pytest.skip(
            f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql)"
        )
    run_as: list[str] = []
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user for initdb")
        run_as = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="qscan-pg-"))
    data, sockets = base / "data", base / "sock"
    sockets.mkdir()
    if run_as:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C"}
    ctl = [*run_as, str(PG_BIN / "pg_ctl"), "-D", str(data)]
    try:
        subprocess.run(
            [
                *run_as,
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=120,
        )
        subprocess.run(
            [
                *ctl,
                "-w",
                "-t",
                "60",
                "-l",
                str(base / "log"),
                "-o",
                f"-p {port} -k {sockets} -h 127.0.0.1 -F",
                "start",
            ],
            check=True,
            capture_output=True,
            env=env,
            timeout=90,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(base, ignore_errors=True)
        out = getattr(exc, "stderr", b"") or b""
        pytest.fail(f"could not start PostgreSQL: {exc} {out.decode(errors='replace')}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*ctl, "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.needs_postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty history database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "history.db")
        return
    from sqlalchemy import create_engine, text

    from qscan.inventories.store import database_url

    base = request.getfixturevalue("postgres_url")
    name = f"qscan_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{base.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
