"""Repository scan throughput against `grep -rE` with the same detection keywords, and
qscan's peak memory at two tree sizes.

Builds trees under benchmarks/_work/ (git-ignored): copies of this Python's standard
library (`sysconfig.get_paths()["stdlib"]`, without site-packages and caches) plus
generated configuration and source files (nginx, Apache, sshd_config, Kubernetes,
Terraform, Java, Go, JavaScript, C, Python; about one in eight uses cryptography), to the
requested file counts. In the same run it times

  grep:   LC_ALL=C grep -rEIn -e '<every keyword qscan's patterns and parsers look for>' TREE
  scan:   qscan's scan phase alone (walk, read, every analyzer; records counted, not kept),
          in a fresh interpreter, so Python start-up is included
  qscan:  python -m qscan scan TREE --format json (the CLI: scan, assess every finding
          against the rule packs, write the JSON inventory)

and prints files/s and MB/s, the ratio to grep, and qscan's peak memory (largest process,
and the whole process tree sampled from /proc). Flat memory means the second, larger tree
needs about the same peak as the first.

    PYTHONPATH=. python benchmarks/repo.py [--sizes 20000,40000] [--workers 0] [--repeat 5] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"

sys.path.insert(0, str(ROOT))

from qscan.scan.repo.code.patterns import load_patterns  # noqa: E402

LANGUAGES = ("python", "java", "go", "javascript", "c", "csharp", "rust", "php")
CONFIG_KEYWORDS = [
    "ssl_protocols",
    "ssl_ciphers",
    "ssl_ecdh_curve",
    "ssl_conf_command",
    "ssl_certificate",
    "SSLProtocol",
    "SSLCipherSuite",
    "SSLOpenSSLConfCmd",
    "ssl-default-bind",
    "ciphersuites",
    "CipherString",
    "MinProtocol",
    "KexAlgorithms",
    "HostKeyAlgorithms",
    "PubkeyAcceptedAlgorithms",
    "Ciphers",
    "MACs",
    "HostKey",
    "disabledAlgorithms",
    "namedGroups",
    "smtpd_tls_",
    "smtp_tls_",
    "tls_private_key",
    "aws_kms_key",
    "key_algorithm",
    "key_type",
    "privateKey",
    "ssl-ciphers",
    "kubernetes.io/tls",
    "-----BEGIN ",
    "kty",
]


def keywords() -> list[str]:
    words: set[str] = set(CONFIG_KEYWORDS)
    for language in LANGUAGES:
        words.update(load_patterns(language).words)
    return sorted(words)


# -- the tree -------------------------------------------------------------------------------

NGINX = """server {{
    listen 443 ssl;
    server_name s{i}.example.org;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA;
    ssl_ecdh_curve X25519:prime256v1;
    location / {{ proxy_pass http://127.0.0.1:{port}; }}
}}
"""
APACHE = """<VirtualHost *:443>
    ServerName a{i}.example.org
    SSLEngine on
    SSLProtocol all -SSLv3 -TLSv1
    SSLCipherSuite ECDHE-RSA-AES256-GCM-SHA384
</VirtualHost>
"""
SSHD = "Port 22\nKexAlgorithms curve25519-sha256,diffie-hellman-group14-sha1\nCiphers aes128-ctr\n"
K8S = """apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: c{i}
spec:
  privateKey:
    algorithm: RSA
    size: {bits}
"""
TF = 'resource "tls_private_key" "k{i}" {{\n  algorithm = "RSA"\n  rsa_bits  = {bits}\n}}\n'
JAVA = """package gen;

import java.security.KeyPairGenerator;

public class C{i} {{
    public Object make() throws Exception {{
        KeyPairGenerator k = KeyPairGenerator.getInstance("RSA");
        k.initialize({bits});
        return k.generateKeyPair();
    }}
}}
"""
GO = 'package gen\n\nimport (\n\t"crypto/rand"\n\t"crypto/rsa"\n)\n\nfunc K{i}() {{ rsa.GenerateKey(rand.Reader, {bits}) }}\n'
JS = "const crypto = require('crypto');\nexports.h{i} = (d) => crypto.createHash('md5').update(d).digest('hex');\n"
C = "#include <openssl/evp.h>\nEVP_PKEY *k{i}(void) {{ return EVP_RSA_gen({bits}); }}\n"
PY = "from cryptography.hazmat.primitives.asymmetric import rsa\n\n\ndef k{i}():\n    return rsa.generate_private_key(65537, {bits})\n"
PLAIN = {
    ".py": 'def f{i}(x):\n    """Plain code."""\n    total = 0\n    for n in range(x):\n        total += n * {i}\n    return total\n'
    * 6,
    ".java": "package gen;\n\npublic class P{i} {{\n    int add(int a, int b) {{ return a + b + {i}; }}\n}}\n"
    * 4,
    ".go": "package gen\n\nfunc Add{i}(a, b int) int {{ return a + b + {i} }}\n" * 5,
    ".js": "export function add{i}(a, b) {{ return a + b + {i}; }}\n" * 8,
    ".c": "int add{i}(int a, int b) {{ return a + b + {i}; }}\n" * 8,
    ".yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n  key: value\n" * 2,
    ".md": "# Notes {i}\n\nNothing to see here.\n" * 10,
}
CRYPTO = [
    ("conf/d{d}/nginx/site{i}.conf", NGINX),
    ("conf/d{d}/apache/vhost{i}.conf", APACHE),
    ("hosts/h{i}/etc/ssh/sshd_config", SSHD),
    ("k8s/d{d}/cert{i}.yaml", K8S),
    ("infra/d{d}/key{i}.tf", TF),
    ("src/d{d}/java/C{i}.java", JAVA),
    ("src/d{d}/go/k{i}.go", GO),
    ("src/d{d}/js/h{i}.js", JS),
    ("src/d{d}/c/k{i}.c", C),
    ("src/d{d}/py/k{i}.py", PY),
]


def copy_stdlib(dest: Path) -> int:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    shutil.copytree(
        stdlib,
        dest,
        ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"),
        symlinks=True,
        dirs_exist_ok=True,
    )
    return sum(1 for p in dest.rglob("*") if p.is_file() and not p.is_symlink())


def build(tree: Path, total: int, seed: int = 8547) -> None:
    if tree.exists():
        shutil.rmtree(tree)
    tree.mkdir(parents=True)
    copies = max(1, total // 20000)
    files = 0
    for n in range(copies):
        files += copy_stdlib(tree / f"stdlib{n}")
    rng = random.Random(seed)
    i = 0
    while files < total:
        if rng.random() < 0.125:
            rel_template, template = CRYPTO[i % len(CRYPTO)]
            rel = rel_template.format(i=i, d=i // 200)
            text = template.format(
                i=i, bits=rng.choice([1024, 2048, 3072, 4096]), port=8000 + i % 1000
            )
        else:
            suffix = rng.choice(sorted(PLAIN))
            rel, text = f"gen/d{i // 500}/f{i}{suffix}", PLAIN[suffix].format(i=i)
        path = tree / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        files += 1
        i += 1


def tree_stats(tree: Path) -> tuple[int, int]:
    count = size = 0
    for p in tree.rglob("*"):
        if p.is_file() and not p.is_symlink():
            count += 1
            size += p.stat().st_size
    return count, size


# -- measuring ------------------------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int, bytes]:
    """(seconds, peak RSS of the largest process, peak RSS of the process tree, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    peak_tree = 0
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.wait(0.05):
            peak_tree = max(peak_tree, _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    if largest <= before * 1024:
        largest = 0  # an earlier, bigger child holds the maximum: not measurable for this run
    return elapsed, largest, peak_tree, out


SCAN_ONLY = (
    "import sys\n"
    "from qscan.scan.interface import ScanOptions\n"
    "from qscan.scan.registry import file_scanners\n"
    "from qscan.targets import parse_target\n"
    "records = file_scanners()[0].scan(parse_target(sys.argv[1]), ScanOptions(workers=int(sys.argv[2])))\n"
    "print(sum(1 for _ in records))\n"
)


def best(
    cmds: list[list[str]], env: dict[str, str], repeat: int
) -> list[tuple[float, int, int, bytes]]:
    """For each command, the fastest of `repeat` runs (memory: the largest peak seen). The
    commands take turns, so that a load from elsewhere on the machine hits them alike."""
    runs: list[list[tuple[float, int, int, bytes]]] = [[] for _ in cmds]
    for _ in range(max(1, repeat)):
        for i, cmd in enumerate(cmds):
            runs[i].append(timed(cmd, env))
    out = []
    for results in runs:
        fastest = min(results, key=lambda r: r[0])
        out.append((fastest[0], max(r[1] for r in results), max(r[2] for r in results), fastest[3]))
    return out


def run(size: int, workers: int, words: list[str], keep: bool, repeat: int) -> dict:
    tree = WORK / f"tree-{size}"
    if not (keep and tree.exists()):
        build(tree, size)
    files, size_bytes = tree_stats(tree)
    mb = size_bytes / 1e6
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C"}
    out = WORK / f"inventory-{size}.json"
    q_cmd = [
        sys.executable,
        "-m",
        "qscan",
        "scan",
        str(tree),
        "--format",
        "json",
        "--output",
        str(out),
        "--quiet",
        "--workers",
        str(workers),
    ]
    pattern = "|".join(re.escape(w) for w in words)
    g_cmd = ["grep", "-rEIn", "-e", pattern, str(tree)]
    timed(g_cmd, env)  # warm the page cache for both
    s_cmd = [sys.executable, "-c", SCAN_ONLY, str(tree), str(workers)]
    grep, scan, cli = best([g_cmd, s_cmd, q_cmd], env, repeat)
    g_time, _, _, g_out = grep
    s_time, _, s_tree, _ = scan
    q_time, q_largest, q_tree, _ = cli
    inventory = json.loads(out.read_text())
    return {
        "size": size,
        "files": files,
        "mb": mb,
        "grep_s": g_time,
        "grep_lines": g_out.count(b"\n"),
        "scan_s": s_time,
        "scan_tree_mb": s_tree / 1e6,
        "qscan_s": q_time,
        "findings": len(inventory["findings"]),
        "errors": len(inventory["errors"]),
        "largest_mb": q_largest / 1e6,
        "tree_mb": q_tree / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="20000,40000")
    parser.add_argument("--workers", type=int, default=0, help="qscan --workers (0: one per CPU)")
    parser.add_argument("--keep", action="store_true", help="reuse trees built by an earlier run")
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs per tool, taking turns; the fastest counts"
    )
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    words = keywords()
    print(f"{len(words)} detection keywords; CPUs available: {len(os.sched_getaffinity(0))}")
    rows = [run(int(s), args.workers, words, args.keep, args.repeat) for s in args.sizes.split(",")]
    print(
        f"\n{'':>15} | {'grep':^22} | {'qscan scan phase':^30} | {'qscan CLI (scan+assess+json)':^30} |"
        f"\n{'files':>7} {'MB':>7} | {'s':>6} {'files/s':>8} {'MB/s':>6} | "
        f"{'s':>6} {'files/s':>8} {'MB/s':>6} {'ratio':>6} | {'s':>6} {'files/s':>8} {'MB/s':>6} {'ratio':>6} | "
        f"{'findings':>8} | peak MB scan / CLI (largest, tree)"
    )
    for r in rows:
        print(
            f"{r['files']:>7} {r['mb']:>7.1f} | {r['grep_s']:>6.2f} {r['files'] / r['grep_s']:>8.0f} {r['mb'] / r['grep_s']:>6.1f} | "
            f"{r['scan_s']:>6.2f} {r['files'] / r['scan_s']:>8.0f} {r['mb'] / r['scan_s']:>6.1f} {r['scan_s'] / r['grep_s']:>6.2f} | "
            f"{r['qscan_s']:>6.2f} {r['files'] / r['qscan_s']:>8.0f} {r['mb'] / r['qscan_s']:>6.1f} {r['qscan_s'] / r['grep_s']:>6.2f} | "
            f"{r['findings']:>8} | {r['scan_tree_mb']:.1f} / {r['largest_mb']:.1f}, {r['tree_mb']:.1f}"
        )
    for r in rows:
        print(
            f"\n{r['files']} files: qscan scan phase {r['scan_s'] / r['grep_s']:.2f}x grep "
            f"(target: within 5x), full CLI {r['qscan_s'] / r['grep_s']:.2f}x grep "
            f"(scan {r['scan_s']:.2f} s, CLI {r['qscan_s']:.2f} s, grep {r['grep_s']:.2f} s; "
            f"fastest of {args.repeat})"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        grow = last["files"] / first["files"]
        print(
            f"\npeak memory of the scan phase (process tree): {first['scan_tree_mb']:.1f} MB at "
            f"{first['files']} files, {last['scan_tree_mb']:.1f} MB at {last['files']} files "
            f"(x{last['scan_tree_mb'] / first['scan_tree_mb']:.2f} for x{grow:.2f} the files)"
            f"\npeak memory of the CLI (process tree, findings kept for the report): "
            f"{first['tree_mb']:.1f} MB -> {last['tree_mb']:.1f} MB (x{last['tree_mb'] / first['tree_mb']:.2f})"
        )


if __name__ == "__main__":
    main()
