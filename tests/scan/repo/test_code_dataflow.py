"""Data flow inside one source file (issue 12, item 2): what a name assigned once carries to
later calls, how a use names a key's algorithm, and that the finding says where its
algorithm was inferred from."""

from __future__ import annotations

from pathlib import Path

from qscan.model import Finding
from qscan.scan.interface import ScanOptions
from qscan.scan.registry import file_scanners
from qscan.targets import parse_target


def scan_source(tmp_path: Path, name: str, text: str) -> list[Finding]:
    (tmp_path / name).write_text(text)
    records = file_scanners()[0].scan(parse_target(str(tmp_path)), ScanOptions(workers=1))
    return [r for r in records if isinstance(r, Finding)]


def at(findings: list[Finding], line: int) -> list[Finding]:
    return [f for f in findings if f.location.line == line]


def test_a_key_is_named_by_its_use_and_says_where_from(tmp_path):
    findings = scan_source(
        tmp_path,
        "kex.py",
        "from cryptography.hazmat.primitives.asymmetric import ec\n"
        "def agree(peer):\n"
        "    mine = ec.generate_private_key(ec.SECP384R1())\n"
        "    return mine.exchange(ec.ECDH(), peer)\n"
        "def unknown_use():\n"
        "    return ec.generate_private_key(ec.SECP256R1())\n",
    )
    made, used, unknown = at(findings, 3)[0], at(findings, 4)[0], at(findings, 6)[0]
    assert (made.algorithm, made.function, made.params["curve"]) == (
        "ECDH",
        "key-generation",
        "P-384",
    )
    assert made.context["inferred_from"] == "line 4"
    assert (used.algorithm, used.function, used.params["curve"]) == (
        "ECDH",
        "key-exchange",
        "P-384",
    )
    assert used.context["inferred_from"] == "line 3"
    assert (unknown.algorithm, unknown.function) == ("EC", "key-generation")


def test_constants_and_random_keys_carry_sizes_and_names(tmp_path):
    findings = scan_source(
        tmp_path,
        "sym.py",
        "import os\n"
        "import jwt\n"
        "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n"
        'ALG = "ES384"\n'
        "def seal(data):\n"
        "    key = os.urandom(32)\n"
        "    return Cipher(algorithms.AES(key), modes.GCM(b'0' * 12)).encryptor()\n"
        "def token(claims, k):\n"
        "    return jwt.encode(claims, k, algorithm=ALG)\n",
    )
    (aes,) = at(findings, 7)
    assert (aes.algorithm, aes.params["mode"], aes.params["bits"]) == ("AES-256", "GCM", 256)
    (token,) = at(findings, 9)
    assert (token.algorithm, token.params["curve"]) == ("ECDSA", "P-384")
    assert token.context["inferred_from"] == "line 4"
    assert not at(findings, 4), "a constant read by a matched call is reported where it is used"


def test_a_name_assigned_twice_stands_for_nothing(tmp_path):
    findings = scan_source(
        tmp_path,
        "twice.py",
        "import hashlib\n"
        "NAME = 'sha1'\n"
        "NAME = 'sha256'\n"
        "def f(d):\n"
        "    return hashlib.new(NAME, d)\n",
    )
    assert not at(findings, 5)


def test_library_attribution_takes_the_most_specific_name(tmp_path):
    findings = scan_source(
        tmp_path,
        "jose_use.py",
        "from jose import jwt as jose_jwt\n"
        "import jwt\n"
        "a = jose_jwt.encode({}, 'k', algorithm='RS256')\n"
        "b = jwt.encode({}, 'k', algorithm='RS256')\n",
    )
    assert "python-jose" in at(findings, 3)[0].location.component
    assert "PyJWT" in at(findings, 4)[0].location.component


def test_non_security_hash_and_predictable_secrets_are_marked(tmp_path):
    findings = scan_source(
        tmp_path,
        "marks.py",
        "import hashlib\n"
        "import random\n"
        "etag = hashlib.md5(b'x', usedforsecurity=False).hexdigest()\n"
        "reset_token = '%x' % random.getrandbits(64)\n"
        "dice = random.randint(1, 6)\n",
    )
    assert at(findings, 3)[0].context["usedforsecurity"] is False
    (prng,) = at(findings, 4)
    assert (prng.algorithm, prng.context["secret_use"]) == ("PRNG", True)
    assert not at(findings, 5)
