"""Certificate scanning speed and memory against a bare cryptography loop, same run, same files.

    python benchmarks/certs.py [--count 10000] [--work benchmarks/_work]

Generates COUNT DER certificates (RSA-2048/3072, ECDSA P-256/P-384, Ed25519 and ML-DSA-65
subject keys, issued by RSA, ECDSA and ML-DSA CAs; a few keys are reused and subjects and
serials vary, which is all parsing speed depends on), then times
  (a) a bare loop: read each file and `cryptography.x509.load_der_x509_certificate` it;
  (b) qscan's file scanner with the certificate analyzer (walk, read, recognise, parse,
      build findings; no assessment, no rendering) as `qscan scan` runs it by default: one
      worker process per CPU this process may use (here: see the label);
  (b1) the same in one process (--workers 1);
  (c) for reference, qscan's walker and reader with no analyzer, in one process.
Prints certificates per second for each and the ratios to (a) (target: qscan within 3x;
the verdict is on (b), qscan as it runs; (b1) is printed beside it, with the CPU time per
certificate of every run, workers included), then the peak memory of a fresh process
scanning 1,000 and COUNT certificates (target: flat), in one process and with two workers,
beside the walker's own (it lists the one flat folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa, rsa  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

ROUNDS = 5


def _name(cn: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def generate(folder: Path, count: int) -> None:
    """COUNT DER files; kept between runs (delete the folder to regenerate)."""
    marker = folder / ".complete"
    if marker.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    subject_keys = [
        rsa.generate_private_key(65537, 2048),
        rsa.generate_private_key(65537, 3072),
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP384R1()),
        ed25519.Ed25519PrivateKey.generate(),
        mldsa.MLDSA65PrivateKey.generate(),
    ]
    cas = [
        (rsa.generate_private_key(65537, 2048), "Bench RSA CA", hashes.SHA256()),
        (ec.generate_private_key(ec.SECP384R1()), "Bench ECDSA CA", hashes.SHA384()),
        (mldsa.MLDSA65PrivateKey.generate(), "Bench ML-DSA CA", None),
    ]
    for i in range(count):
        key = subject_keys[i % len(subject_keys)]
        ca_key, ca_name, digest = cas[i % len(cas)]
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(f"host-{i:05d}.bench.example", f"Bench Org {i % 97}"))
            .issuer_name(_name(ca_name, "Bench PKI"))
            .public_key(key.public_key())
            .serial_number(0x10000 + i)
            .not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=365 + i % 700))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(True, False, i % 2 == 0, False, False, False, False, False, False),
                critical=True,
            )
            .sign(ca_key, digest)
        )
        (folder / f"cert-{i:05d}.der").write_bytes(cert.public_bytes(serialization.Encoding.DER))
    marker.write_text(str(count))


def bare_loop(folder: Path) -> int:
    """List the folder, read every file, load it with cryptography: nothing else."""
    count = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(".der"):
                with open(entry.path, "rb") as fh:
                    x509.load_der_x509_certificate(fh.read())
                count += 1
    return count


def walk_only(folder: Path) -> int:
    """qscan's file walker and reader with no analyzer: the floor under (b)."""
    from qscan.scan.files import PathScanner
    from qscan.scan.interface import ScanOptions
    from qscan.targets import parse_target

    return sum(1 for _ in PathScanner([]).scan(parse_target(str(folder)), ScanOptions(workers=1)))


def default_workers() -> int:
    from qscan.scan.files import worker_count
    from qscan.scan.interface import ScanOptions

    return worker_count(ScanOptions())


def qscan_default(folder: Path) -> int:
    return qscan_scan(folder, workers=0)


def qscan_scan(folder: Path, workers: int = 1) -> int:
    from qscan.scan.certs import CertificateAnalyzer
    from qscan.scan.files import PathScanner
    from qscan.scan.interface import ScanOptions
    from qscan.targets import parse_target

    scanner = PathScanner([CertificateAnalyzer()])
    findings = errors = 0
    for record in scanner.scan(parse_target(str(folder)), ScanOptions(workers=workers)):
        if type(record).__name__ == "Finding":
            findings += 1
        else:
            errors += 1
    if errors:
        raise SystemExit(f"qscan reported {errors} errors on generated certificates")
    return findings


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def interleaved(runs: dict[str, object], folder: Path) -> dict[str, tuple[float, float, int]]:
    """name -> (best wall seconds, best CPU seconds of this process and its finished worker
    processes, result). The contenders take turns for ROUNDS rounds, so that load from
    other processes hits them alike; best of each."""
    best: dict[str, list[float]] = {name: [float("inf"), float("inf"), 0] for name in runs}
    for _ in range(ROUNDS):
        for name, fn in runs.items():
            wall, cpu = time.perf_counter(), time.process_time() + _children_cpu()
            result = fn(folder)  # type: ignore[operator]
            wall = time.perf_counter() - wall
            cpu = time.process_time() + _children_cpu() - cpu
            entry = best[name]
            entry[0], entry[1], entry[2] = min(entry[0], wall), min(entry[1], cpu), result
    return {name: (v[0], v[1], int(v[2])) for name, v in best.items()}


def peak_memory(folder: Path, run: str) -> tuple[float, float]:
    """(peak RSS in MiB of the largest process, Python heap peak in MiB of the scanning
    process) of a fresh process doing `run` on folder: `qscan_scan(folder, 1)`,
    `qscan_scan(folder, 2)` (the scanning process and one worker) or `walk_only(folder)`."""
    code = (
        "import resource, sys, tracemalloc\n"
        f"sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import certs\n"
        f"folder = __import__('pathlib').Path({str(folder)!r})\n"
        "tracemalloc.start()\n"
        f"certs.{run}\n"
        "rss = max(resource.getrusage(who).ru_maxrss\n"
        "          for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
        "print(tracemalloc.get_traced_memory()[1], rss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True)
    traced, rss_kib = out.stdout.split()
    return int(rss_kib) / 1024, int(traced) / 2**20


def subset(source: Path, target: Path, count: int) -> Path:
    """A folder holding the first COUNT certificates of source (hard links)."""
    if (target / ".complete").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.der"))[:count]:
        link = target / path.name
        if not link.exists():
            os.link(path, link)
    (target / ".complete").write_text(str(count))
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "_work")
    args = parser.parse_args()
    folder = args.work / f"certs-{args.count}"
    started = time.perf_counter()
    generate(folder, args.count)
    files = list(folder.glob("*.der"))
    print(
        f"{len(files)} certificates in {folder} (ready after {time.perf_counter() - started:.1f} s)"
    )

    bare_loop(folder)  # warm the page cache and the imports of every side
    qscan_scan(folder)
    walk_only(folder)
    results = interleaved(
        {"bare": bare_loop, "qscan": qscan_default, "qscan1": qscan_scan, "walk": walk_only},
        folder,
    )
    n = len(files)
    workers = default_workers()
    labels = {
        "bare": "(a) bare loop: list, read, load_der_x509_certificate",
        "qscan": f"(b) qscan scanner + certificate analyzer, default: {workers} worker(s)",
        "qscan1": "(b1) the same in one process (--workers 1)",
        "walk": "(c) for reference: qscan scanner, no analyzer, 1 process",
    }
    for name, label in labels.items():
        wall, cpu, result = results[name]
        extra = f", {result} findings" if name.startswith("qscan") else ""
        print(
            f"{label:62s} {n / wall:9,.0f} certs/s wall ({wall:.3f} s), "
            f"{cpu / n * 1e6:5.1f} us CPU/cert{extra}"
        )
    bare_wall, bare_cpu = results["bare"][0], results["bare"][1]
    ratio = results["qscan"][0] / bare_wall
    verdict = "OK" if ratio <= 3 else "ABOVE TARGET"
    print(
        f"ratio qscan (default, {workers} worker(s)) / bare: {ratio:.2f}x wall (target <= 3x): {verdict}"
    )
    single_wall = results["qscan1"][0] / bare_wall
    single_cpu = results["qscan1"][1] / bare_cpu
    print(f"ratio qscan (1 process) / bare: {single_wall:.2f}x wall, {single_cpu:.2f}x CPU")
    walk_share = results["walk"][1] / bare_cpu
    print(f"  of which walking and reading alone (1 process): {walk_share:.2f}x the bare loop")

    small = subset(folder, args.work / "certs-1000", 1000)
    runs = {
        "qscan, 1 process": "qscan_scan(folder, 1)",
        "qscan, --workers 2": "qscan_scan(folder, 2)",
        "for reference, walker alone": "walk_only(folder)",
    }
    for label, run in runs.items():
        rss_label = "largest process RSS" if run.endswith(", 2)") else "RSS"
        measured = {count: peak_memory(where, run) for count, where in ((1000, small), (n, folder))}
        for count, (rss, traced) in measured.items():
            print(
                f"peak memory, {label}, {count:6,} certs: {rss_label} {rss:6.1f} MiB, "
                f"Python heap {traced:5.1f} MiB"
            )
        (rss_small, heap_small), (rss_big, heap_big) = measured[1000], measured[n]
        print(
            f"  growth 1,000 -> {n:,}: {rss_big - rss_small:+.1f} MiB {rss_label}, "
            f"{heap_big - heap_small:+.1f} MiB heap (target: flat)"
        )


if __name__ == "__main__":
    main()
