"""An estate-sized report for the layout tests: a real scan of a trust store of 160 CA
certificates with long Dutch names, the repository corpus and the examples (every analyzer,
certificates, keys, keystores, configs, code), plus the sample endpoints (TLS and SSH), all
attributed to systems with long names, with history and a CI gate. What an officer's report
of a whole ministry looks like, built in a few seconds."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

import qscan
from qscan.assess.engine import assess
from qscan.assess.gate import GateConfig, apply_gate
from qscan.model import Inventory
from tests.render.report_samples import sample_inventory

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = (
    "Beheeromgeving Certificaatdienstverlening",
    "Basisregistratie Personen — koppelvlak",
    "Portaal voor burgers en bedrijven (productie)",
    "Legacy CRM",
)
CA_NAMES = ("Beheeromgeving", "Productieomgeving", "Acceptatieomgeving", "Private Services")


def ca_bundle(folder: Path, n: int = 160) -> Path:
    """n self-signed CA certificates in one PEM bundle (a trust store): RSA-2048, RSA-3072,
    ECDSA P-256 and P-384, valid until 2036-2045."""
    keys = [
        (rsa.generate_private_key(public_exponent=65537, key_size=2048), hashes.SHA256()),
        (rsa.generate_private_key(public_exponent=65537, key_size=3072), hashes.SHA384()),
        (ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()),
        (ec.generate_private_key(ec.SECP384R1()), hashes.SHA384()),
    ]
    pems = []
    for i in range(n):
        key, digest = keys[i % len(keys)]
        name = x509.Name(
            [
                x509.NameAttribute(
                    NameOID.COMMON_NAME,
                    f"Staat der Nederlanden {CA_NAMES[i % 4]} Services CA G{i}",
                ),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ministerie van Voorbeeldzaken"),
                x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(1000 + i)
            .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
            .not_valid_after(dt.datetime(2036 + i % 10, 1, 1, tzinfo=dt.UTC))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, digest)
        )
        pems.append(cert.public_bytes(serialization.Encoding.PEM))
    folder.mkdir(parents=True, exist_ok=True)
    bundle = folder / "vertrouwde-basiscertificaten-beheeromgeving.pem"
    bundle.write_bytes(b"".join(pems))
    return bundle


def estate_inventory(workdir: Path) -> Inventory:
    store = workdir / "ministerie-van-voorbeeldzaken" / "beheeromgeving" / "ca-store"
    ca_bundle(store)
    scanned = qscan.scan([str(store), str(ROOT / "tests" / "corpus"), str(ROOT / "examples")])
    sample = sample_inventory(True)
    findings = scanned.findings + [copy.deepcopy(f) for f in sample.findings]
    for i, finding in enumerate(findings):
        context = finding.context
        context.setdefault("organisation", "Ministerie van Voorbeeldzaken")
        context.setdefault("system", SYSTEMS[i % len(SYSTEMS)])
        context.setdefault("owner", "Directie Informatievoorziening en Inkoop")
    inventory = Inventory(
        findings=findings,
        errors=scanned.errors + sample.errors,
        targets=scanned.targets + sample.targets,
        scanned_at="2026-11-20T10:00:00+00:00",
        tool={"name": "qscan", "version": qscan.__version__},
        extra=dict(sample.extra),
    )
    inventory.extra["estate"] = {
        "organisation": {"name": "Ministerie van Voorbeeldzaken", "id": "MinVZ"},
        "systems": [{"name": s, "owner": "Directie Informatievoorziening"} for s in SYSTEMS],
    }
    inventory = assess(inventory)
    apply_gate(inventory, GateConfig(fail_on="high", today=dt.date(2026, 11, 20)))
    return inventory


async def _scan_live(workdir: Path) -> Inventory:
    """Four real endpoints on loopback, scanned by the real scanners: a classical TLS
    server (Python ssl), a TLS server preferring X25519MLKEM768 (pyOpenSSL), an SSH server
    offering sntrup761x25519 first and one offering only curve25519 (scripted peers)."""
    from tests.scan.ssh.peers import ScriptedServer, kexinit, serve
    from tests.scan.tls.servers import make_chain, pyopenssl_server, python_ssl_server

    chain = make_chain(workdir, "rsa")
    hybrid_first = kexinit(
        ["sntrup761x25519-sha512@openssh.com", "curve25519-sha256"],
        ["ssh-ed25519", "rsa-sha2-512"],
        ["aes256-gcm@openssh.com"],
        ["hmac-sha2-256-etm@openssh.com"],
    )
    classical = kexinit(["curve25519-sha256"], ["rsa-sha2-512"], ["aes128-ctr"], ["hmac-sha2-256"])
    with (
        python_ssl_server(chain) as plain,
        pyopenssl_server(chain, groups="X25519MLKEM768:X25519") as hybrid,
    ):
        async with (
            serve(ScriptedServer(hybrid_first)) as ssh_pq,
            serve(ScriptedServer(classical)) as ssh_plain,
        ):
            return await qscan.scan_async(
                [
                    f"tls://{plain.address}",
                    f"tls://{hybrid.address}",
                    f"ssh://127.0.0.1:{ssh_pq}",
                    f"ssh://127.0.0.1:{ssh_plain}",
                ],
                profile="quick",
                timeout=5,
            )


def live_estate_inventory(workdir: Path) -> Inventory:
    """The estate inventory with the four live endpoints added, assessed again."""
    import asyncio

    inventory = estate_inventory(workdir)
    live = asyncio.run(_scan_live(workdir))
    inventory.findings += live.findings
    inventory.errors += live.errors
    inventory.targets += live.targets
    inventory = assess(inventory)
    apply_gate(inventory, GateConfig(fail_on="high", today=dt.date(2026, 11, 20)))
    return inventory
