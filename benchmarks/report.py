"""Render 1,000 / 10,000 / 50,000 findings in every output format; print time and size.

Reproducible: the inventories are generated (endpoints, certificates, keys and source files
with realistic shapes) and assessed by the real rules engine. The cost per finding is shown
against the smallest size measured in the same run, so linear growth reads as a ratio ~1.0;
when both are rendered, the CBOM's time is shown against the HTML report's (target: within
3x at every size).

    PYTHONPATH=. python benchmarks/report.py [--sizes 1000,10000,50000] [--formats html,cbom]
"""

from __future__ import annotations

import argparse
import time

from qscan.assess.engine import assess
from qscan.model import Finding, Inventory, Location, ScanError
from qscan.render import RENDERERS, RenderOptions

SUITE = {
    "suite": "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "codepoint": "0xC02F",
    "kx": "ECDHE",
    "au": "RSA",
    "enc": "AES-128-GCM",
    "cipher": "AES-128",
    "mac": "AEAD",
}
# (algorithm, function, asset, component, params, kind): the shapes the scanners write
# (qscan.protocols.tls, qscan.scan.certs.findings, the repository scanner).
SHAPES = [
    (
        "X25519MLKEM768",
        "key-exchange",
        "protocol",
        "tls1.3 supported group",
        {"group": "X25519MLKEM768", "codepoint": "0x11EC"},
        {},
    ),
    (
        "X25519",
        "key-exchange",
        "protocol",
        "tls1.3 supported group",
        {"group": "x25519", "codepoint": "0x001D", "curve": "Curve25519"},
        {},
    ),
    (
        "ECDH",
        "key-exchange",
        "protocol",
        "tls1.2 ecdhe curve",
        {"group": "secp256r1", "codepoint": "0x0017", "curve": "P-256"},
        {},
    ),
    ("ECDH", "key-exchange", "protocol", "tls1.2 cipher suite", SUITE, {}),
    (
        "RSA",
        "signature",
        "certificate",
        "certificate chain[0] public key",
        {"bits": 2048, "oid": "1.2.840.113549.1.1.1"},
        {"cert": True},
    ),
    (
        "RSA",
        "signature",
        "certificate",
        "certificate chain[0] signature",
        {"hash": "SHA-256", "padding": "PKCS1v15", "oid": "1.2.840.113549.1.1.11", "bits": 4096},
        {"cert": True},
    ),
    (
        "RSA",
        "key-generation",
        "algorithm",
        "python rsa.generate_private_key",
        {"bits": 2048},
        {"file": "py"},
    ),
    ("MD5", "hash", "algorithm", "java MessageDigest.getInstance", {}, {"file": "java"}),
    (
        "RSA",
        "key-storage",
        "key",
        "private key file",
        {"bits": 3072},
        {"file": "pem", "encrypted": False},
    ),
    (
        "ML-DSA-65",
        "signature",
        "certificate",
        "certificate signature",
        {"parameter_set": "ML-DSA-65", "oid": "2.16.840.1.101.3.4.3.18"},
        {"file": "crt", "cert": True},
    ),
]


def inventory(n: int) -> Inventory:
    findings = []
    for i in range(n):
        alg, fn, asset, comp, params, kind = SHAPES[i % len(SHAPES)]
        context: dict[str, object] = {"organisation": f"org{i % 7}", "system": f"system{i % 40}"}
        if kind.get("cert"):
            sha = f"{i // 2:064x}"
            context.update(
                subject=f"CN=host{i // 2}.example.org",
                issuer="CN=Example CA",
                not_after="2031-06-30T00:00:00+00:00",
                sha256=sha,
                is_ca=False,
            )
        if "encrypted" in kind:
            context["encrypted"] = kind["encrypted"]
        if kind.get("file"):
            loc = Location(
                target=".",
                component=comp,
                path=f"src/pkg{i // 100}/mod{i % 100}.{kind['file']}",
                line=i % 500 + 1,
            )
        else:
            loc = Location(
                target=f"tls://h{i // 10}.example.org:443",
                component=comp,
                host=f"h{i // 10}.example.org",
                port=443,
                service="tls",
            )
        findings.append(
            Finding(
                algorithm=alg,
                function=fn,
                asset=asset,
                location=loc,
                params=dict(params),
                evidence=f"{alg} use {i}",
                context=context,
                identity=str(i),
            )
        )
    errors = [
        ScanError(
            target=f"tls://down{i}.example.org:443",
            kind="timeout",
            message="no answer",
            host=f"down{i}.example.org",
            port=443,
        )
        for i in range(n // 1000)
    ]
    inv = Inventory(
        findings=findings,
        errors=errors,
        targets=["."],
        scanned_at="2026-11-20T10:00:00+00:00",
        tool={"name": "qscan", "version": "0.1.0"},
    )
    return assess(inv)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--formats", default=",".join(RENDERERS))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = args.formats.split(",")
    inventories = {n: inventory(n) for n in sizes}
    print(
        f"{'format':<6} {'findings':>9} {'seconds':>8} {'MB':>8} {'µs/finding':>11} {'time ratio':>10} {'size ratio':>10}"
    )
    times: dict[tuple[str, int], float] = {}
    for fmt in formats:
        base: tuple[float, int, int] | None = None
        for n in sizes:
            start = time.perf_counter()
            text = RENDERERS[fmt](inventories[n], RenderOptions())
            seconds = time.perf_counter() - start
            times[fmt, n] = seconds
            size = len(text.encode("utf-8"))
            if base is None:
                base = (seconds, size, n)
            time_ratio = (seconds / n) / (base[0] / base[2])
            size_ratio = (size / n) / (base[1] / base[2])
            print(
                f"{fmt:<6} {n:>9,} {seconds:>8.2f} {size / 1e6:>8.2f} {seconds / n * 1e6:>11.1f} {time_ratio:>10.2f} {size_ratio:>10.2f}"
            )
    print("ratios: cost per finding against the smallest size; ~1.0 means linear growth")
    if "cbom" in formats and "html" in formats:
        for n in sizes:
            ratio = times["cbom", n] / times["html", n]
            print(f"cbom/html {n:>9,}: {ratio:.2f}x (target: within 3x)")


if __name__ == "__main__":
    main()
