"""The path scanner's shortcuts must not change what is scanned: name gates admit every file
an analyzer wants, the name index picks exactly what the gates admit, and the Python import
prefilter agrees with the regular expression it replaces."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from qscan.scan.files import HEAD_BYTES, _Plan, read_file
from qscan.scan.registry import file_analyzers
from qscan.scan.repo.code.patterns import any_of, load_patterns
from qscan.scan.repo.code.python import imports_crypto
from qscan.scan.repo.configs.lines import words

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

NAMES = [
    "f1.md",
    "k.py",
    "K.PY",
    "site.conf",
    "nginx.conf",
    "default",
    "main.cf",
    "a.conf.template",
    "x.template",
    "sshd_config",
    "sshd_config.j2",
    "config",
    "x.yaml",
    ".htaccess",
    "haproxy.cfg",
    "my-haproxy",
    "java.security",
    "x.security",
    "server.xml",
    "app.min.js",
    "types.d.ts",
    "openssl.cnf",
    "openssl.conf",
    "key.pem",
    "noext",
    ".py",
]
FOLDERS = ["/src", "/etc/nginx/sites-enabled", "/etc/ssh/sshd_config.d", "/home/u/.ssh"]


def _gate(analyzer):
    gate = getattr(analyzer, "could_want", None)
    return (lambda name, path: True) if gate is None else gate


def test_gates_admit_every_corpus_file_an_analyzer_wants():
    analyzers = file_analyzers()
    checked = 0
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file()):
        head = path.read_bytes()[:HEAD_BYTES]
        for analyzer in analyzers:
            if analyzer.wants(path, head):
                checked += 1
                assert _gate(analyzer)(path.name.lower(), str(path)), (analyzer.name, path)
    assert checked > 50


@pytest.mark.parametrize("folder", FOLDERS)
def test_name_index_picks_what_the_gates_admit(folder):
    analyzers = file_analyzers()
    plan = _Plan(analyzers)
    for name in NAMES:
        low = name.lower()
        path = f"{folder}/{name}"
        expected = [a.name for a in analyzers if _gate(a)(low, path)]
        assert [a.name for a in plan.pick(low, path)] == expected, path
        assert [a.name for a in plan.pick(low, path)] == expected, path  # remembered picks


def test_import_prefilter_matches_the_line_regex():
    modules = "|".join(re.escape(m) for m in load_patterns("python").words).encode()
    regex = re.compile(rb"(?m)^[ \t]*(?:from|import)[ \t][^\n]*\b(?:" + modules + rb")\b")
    samples = [
        b"import hashlib\n",
        b"  from cryptography.hazmat.primitives import hashes\n",
        b"from os import path\nx = 'import hashlib'\n",
        b"# import hashlib\n",
        b"reimport hashlib\n",
        b"from\thmac import new",
        b"from cryptography \\\n  import x\n",
        b"import os, rsa\n",
        b"import rsautil\n",
        b"x = 1\nimport\tjwt",
        b"import os\r\nimport nacl\r\n",
        b"",
    ]
    for sample in samples:
        assert imports_crypto(sample) == (regex.search(sample) is not None), sample


def test_keyword_trie_finds_what_the_alternation_finds():
    words_ = ["rsa", "rsautl", "RSA", "hmac", "h", "EVP_PKEY", "EVP_MD"]
    trie = any_of(words_)
    flat = re.compile(b"|".join(re.escape(w.encode()) for w in words_))
    for text in [b"", b"xrsx", b"RSautl", b"EVP_", b"EVP_M", b"a h b", b"EVP_PKEY_new", b"rsa"]:
        assert (trie.search(text) is None) == (flat.search(text) is None), text


def test_words_without_quotes_split_like_shlex():
    assert words("Ciphers aes128-ctr,aes256-ctr") == ["Ciphers", "aes128-ctr,aes256-ctr"]
    assert words("  SSLProtocol\tall -SSLv3\r") == ["SSLProtocol", "all", "-SSLv3"]
    assert words("a\xa0b") == ["a\xa0b"]  # shlex splits on ASCII blanks only
    assert words('SSLCipherSuite "HIGH:!aNULL"') == ["SSLCipherSuite", "HIGH:!aNULL"]


def test_read_file_reads_whole_files_and_refuses_large_ones(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 300_000)
    assert read_file(str(big), 1_000_000) == b"x" * 300_000
    assert read_file(big, 1_000_000) == b"x" * 300_000
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert read_file(str(empty), 10) == b""
    with pytest.raises(Exception) as info:
        read_file(str(big), 1000)
    assert getattr(info.value, "kind", None) == "too-large"
    with pytest.raises(Exception) as info:
        read_file(str(tmp_path), 1000)
    assert getattr(info.value, "kind", None) == "not-a-file"
    os.chmod(big, 0)
    if os.geteuid() != 0:
        with pytest.raises(Exception) as info:
            read_file(str(big), 1_000_000)
        assert getattr(info.value, "kind", None) == "unreadable"


def test_auto_workers_honour_a_container_cpu_quota(tmp_path, monkeypatch):
    from qscan.scan import files
    from qscan.scan.interface import ScanOptions

    v2 = tmp_path / "cpu.max"
    monkeypatch.setattr(files, "_CGROUP_QUOTA_FILES", ((str(v2), None),))
    monkeypatch.setattr(files.os, "sched_getaffinity", lambda pid: set(range(64)))
    v2.write_text("150000 100000\n")
    assert files.worker_count(ScanOptions()) == 2
    v2.write_text("max 100000\n")
    assert files.worker_count(ScanOptions()) == files.MAX_AUTO_WORKERS
    assert files.worker_count(ScanOptions(workers=12)) == 12
    quota, period = tmp_path / "cfs_quota_us", tmp_path / "cfs_period_us"
    quota.write_text("-1\n")
    period.write_text("100000\n")
    monkeypatch.setattr(files, "_CGROUP_QUOTA_FILES", ((str(quota), str(period)),))
    assert files.worker_count(ScanOptions()) == files.MAX_AUTO_WORKERS
    quota.write_text("100000\n")
    assert files.worker_count(ScanOptions()) == 1


class _Recorder:
    """A stand-in analyzer: wants files whose head starts with `want`, records sizes."""

    def __init__(self, name: str, want: bytes, fail: bool = False) -> None:
        self.name = name
        self.want = want
        self.fail = fail
        self.seen: list[int] = []

    def wants(self, path, head):  # type: ignore[no-untyped-def]
        if self.fail:
            raise ValueError("odd head")
        return head.startswith(self.want)

    def analyze(self, data, ctx):  # type: ignore[no-untyped-def]
        self.seen.append(len(data))
        return iter(())


@pytest.mark.parametrize("size", [1, 4095, 4096, 4097, 300_000])
def test_a_wanted_file_is_read_whole_and_an_unwanted_one_is_not_needed(tmp_path, size):
    from qscan.scan.files import analyze_file
    from qscan.scan.interface import ScanOptions
    from qscan.scan.walk import FileEntry

    wanted, unwanted = tmp_path / "a.txt", tmp_path / "b.bin"
    wanted.write_bytes(b"W" * size)
    unwanted.write_bytes(b"\0" * size)
    recorder = _Recorder("rec", b"W")
    analyzers = [recorder]
    for path in (wanted, unwanted):
        assert analyze_file(analyzers, FileEntry(str(path), path.name), "t", ScanOptions()) == []
    assert recorder.seen == [size]


def test_a_failing_wants_is_reported_in_analyzer_order(tmp_path):
    from qscan.scan.files import analyze_file
    from qscan.scan.interface import ScanOptions
    from qscan.scan.walk import FileEntry

    path = tmp_path / "x.txt"
    path.write_bytes(b"W" * 10)
    analyzers = [_Recorder("first", b"W", fail=True), _Recorder("second", b"W")]
    records = analyze_file(analyzers, FileEntry(str(path), "x.txt"), "t", ScanOptions())
    assert [(r.kind, r.message) for r in records] == [
        ("analyzer-error", "first: ValueError: odd head")
    ]
    assert analyzers[1].seen == [10]


def test_common_modules_count_only_with_their_words():
    assert not imports_crypto(b"import random\nroll = random.randint(1, 6)\n")
    assert imports_crypto(b"import random\nreset_token = random.getrandbits(64)\n")
    # `ssl` alone does not make a file worth parsing (benchmark cost, docs/repository-scanner.md)
    assert not imports_crypto(b"import ssl\nctx.minimum_version = ssl.TLSVersion.TLSv1\n")
    assert imports_crypto(b"import ssl\nimport hmac\nctx.minimum_version = ssl.TLSVersion.TLSv1\n")
    assert not imports_crypto(b"import os\nkey = os.urandom(32)\n")
    assert imports_crypto(b"import os\nimport hashlib\nkey = os.urandom(32)\n")
