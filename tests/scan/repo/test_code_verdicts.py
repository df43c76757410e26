"""Verdicts for what the source-code inventory finds besides public-key algorithms: symmetric
ciphers and modes, hashes, MACs, KDFs and random generators under every policy, the
non-security marker, predictable generators used for secrets, and key-agreement keys made
in code (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qscan.assess.engine import assess
from qscan.assess.policy import policies
from qscan.catalog import catalog
from qscan.model import FUNCTIONS, Finding, Inventory, Location
from qscan.scan.interface import ScanOptions
from qscan.scan.registry import file_scanners
from qscan.targets import parse_target

NATURAL_FUNCTION = {
    "block-cipher": "encryption",
    "stream-cipher": "encryption",
    "ae": "encryption",
    "hash": "hash",
    "xof": "hash",
    "mac": "mac",
    "kdf": "kdf",
    "drbg": "random",
}


def judge(algorithm, function, policy="nist-ir-8547", params=None, context=None, component=""):
    finding = Finding(
        algorithm=algorithm,
        function=function,
        asset="algorithm",
        location=Location(target="t", path="app.py", line=3, component=component or "python x"),
        params=dict(params or {}),
        context=dict(context or {}),
    )
    return assess(Inventory(findings=[finding]), policy).findings[0]


def test_new_functions_are_part_of_the_model():
    assert {"kdf", "random"} <= set(FUNCTIONS)


@pytest.mark.parametrize("policy", sorted(policies()))
def test_every_symmetric_primitive_has_a_rule_under_every_policy(policy):
    cat = catalog()
    judged = 0
    for alg in cat.algorithms.values():
        function = NATURAL_FUNCTION.get(alg.primitive)
        if function is None:
            continue
        verdict = judge(alg.name, function, policy).verdict
        assert verdict.rule != "QS000", (alg.name, policy)
        if alg.quantum in ("safe", "weakened"):
            assert verdict.status == "quantum-safe", (alg.name, policy, verdict.rule)
            assert verdict.severity in ("info", "low"), (alg.name, policy, verdict.rule)
        judged += 1
    assert judged > 60


@pytest.mark.parametrize(
    ("algorithm", "function", "params", "context", "rule", "status", "severity"),
    [
        ("AES-128", "encryption", {"mode": "GCM"}, {}, "QS303", "quantum-safe", "info"),
        ("AES", "encryption", {"mode": "CBC"}, {}, "QS303", "quantum-safe", "info"),
        ("AES-256", "encryption", {"mode": "ECB"}, {}, "QS370", "classically-broken", "high"),
        ("DES", "encryption", {"mode": "CBC"}, {}, "QS300", "classically-broken", "critical"),
        ("3DES", "encryption", {"bits": 112}, {}, "QS301", "classically-broken", "high"),
        ("RC4", "encryption", {}, {}, "QS300", "classically-broken", "critical"),
        ("Blowfish", "encryption", {}, {}, "QS371", "classically-broken", "high"),
        ("ChaCha20-Poly1305", "encryption", {}, {}, "QS303", "quantum-safe", "info"),
        ("MD5", "hash", {}, {}, "QS302", "classically-broken", "high"),
        ("SHA-1", "hash", {}, {}, "QS302", "classically-broken", "high"),
        ("MD4", "hash", {}, {}, "QS372", "classically-broken", "high"),
        ("MD5", "hash", {}, {"usedforsecurity": False}, "QS350", "quantum-safe", "info"),
        ("SHA-1", "hash", {}, {"reference": True}, "QS353", "unknown", "medium"),
        ("MD5", "hash", {}, {"reference": True}, "QS353", "unknown", "medium"),
        ("SHA-256", "hash", {}, {"reference": True}, "QS303", "quantum-safe", "info"),
        ("HMAC-MD5", "mac", {}, {}, "QS304", "classically-broken", "medium"),
        ("SHA-1", "hash", {}, {"usedforsecurity": False}, "QS350", "quantum-safe", "info"),
        ("SHA-256", "hash", {}, {}, "QS303", "quantum-safe", "info"),
        ("HMAC-SHA1", "mac", {}, {}, "QS303", "quantum-safe", "info"),
        ("HKDF", "kdf", {"hash": "SHA-1"}, {}, "QS377", "quantum-safe", "info"),
        (
            "PBKDF2",
            "kdf",
            {"hash": "SHA-1", "iterations": 600000},
            {},
            "QS377",
            "quantum-safe",
            "info",
        ),
        (
            "PBKDF2",
            "kdf",
            {"hash": "SHA-256", "iterations": 100},
            {},
            "QS374",
            "classically-broken",
            "medium",
        ),
        ("EVP_BytesToKey", "kdf", {"hash": "MD5"}, {}, "QS373", "classically-broken", "high"),
        ("Argon2", "kdf", {}, {}, "QS377", "quantum-safe", "info"),
        ("CSPRNG", "random", {}, {}, "QS377", "quantum-safe", "info"),
        ("PRNG", "random", {}, {"secret_use": "key"}, "QS351", "classically-broken", "critical"),
        (
            "RSA",
            "encryption",
            {"padding": "OAEP", "hash": "SHA-1"},
            {},
            "QS101",
            "quantum-vulnerable",
            "high",
        ),
    ],
)
def test_verdicts_under_nist(algorithm, function, params, context, rule, status, severity):
    verdict = judge(algorithm, function, params=params, context=context).verdict
    assert (verdict.rule, verdict.status, verdict.severity) == (rule, status, severity)


@pytest.mark.parametrize(
    ("algorithm", "function", "params", "rule", "severity"),
    [
        ("AES-128", "encryption", {}, "QS191", "low"),
        ("AES", "encryption", {}, "QS380", "low"),
        ("Fernet", "encryption", {}, "QS380", "low"),
        ("AES-256", "encryption", {"mode": "GCM"}, "QS303", "info"),
        ("ChaCha20-Poly1305", "encryption", {}, "QS381", "low"),
        ("SHA3-256", "hash", {}, "QS191", "low"),
        ("SHA3-512", "hash", {}, "QS381", "low"),
        ("SHA-384", "hash", {}, "QS303", "info"),
        ("HMAC-SHA256", "mac", {}, "QS381", "low"),
        ("HMAC-SHA512", "mac", {}, "QS303", "info"),
        ("HKDF", "kdf", {"hash": "SHA-256"}, "QS382", "low"),
        ("HKDF", "kdf", {"hash": "SHA-384"}, "QS377", "info"),
        ("PBKDF2", "kdf", {}, "QS382", "low"),
    ],
)
def test_cnsa_lists_only_aes256_and_sha384_up(algorithm, function, params, rule, severity):
    verdict = judge(algorithm, function, "cnsa-2.0", params=params).verdict
    assert (verdict.rule, verdict.severity, verdict.status) == (rule, severity, "quantum-safe")
    if severity == "low":
        assert verdict.deadline == "2033-12-31"


def test_bsi_withdrew_112_bit_hashes():
    assert judge("SHA-224", "hash", "bsi-tr-02102").verdict.rule == "QS383"
    assert judge("SHA-224", "hash").verdict.rule == "QS303"
    assert judge("SHA-256", "hash", "bsi-tr-02102").verdict.rule == "QS303"


def test_quantum_safe_symmetric_findings_do_not_raise_priorities():
    safe = judge("AES-256", "encryption")
    kex = judge("ECDH", "key-exchange", params={"curve": "P-256"})
    assert safe.priority.score < kex.priority.score
    assert safe.priority.wave == 4


def _scan(root: Path) -> list[Finding]:
    records = file_scanners()[0].scan(parse_target(str(root)), ScanOptions(workers=1))
    findings = [r for r in records if isinstance(r, Finding)]
    return assess(Inventory(findings=findings)).findings


def test_dh_parameter_generation_in_code_is_judged_as_key_exchange(tmp_path):
    (tmp_path / "kex.py").write_text(
        "from cryptography.hazmat.primitives.asymmetric import dh\n"
        "params = dh.generate_parameters(generator=2, key_size=2048)\n"
        "weak = dh.generate_parameters(generator=2, key_size=1024)\n"
    )
    found = {f.location.line: f for f in _scan(tmp_path)}
    strong, weak = found[2], found[3]
    assert (strong.algorithm, strong.function) == ("DH", "key-generation")
    assert strong.verdict.rule == "QS352"
    assert strong.verdict.status == "quantum-vulnerable"
    assert "ML-KEM" in strong.verdict.fix
    assert strong.verdict.deadline == policies()["nist-ir-8547"].deadline("kex-112").date
    assert weak.verdict.rule == "QS154"
    assert all(f.verdict.rule not in ("QS200", "QS201") for f in found.values())


def test_a_hash_named_for_later_is_not_judged_like_a_hash_computed(tmp_path):
    """paramiko's `_mac_info = {"hmac-sha1": {"class": sha1}}` and `hash_algo = sha1` name
    SHA-1 for code elsewhere (HMAC, a key exchange hash); `sha1().digest_size` only reads a
    size; `sha1(data)` hashes."""
    (tmp_path / "transport.py").write_text(
        "import os\n"
        "from hashlib import md5, sha1\n"
        "MACS = {'hmac-sha1': {'class': sha1, 'size': 20}}\n"
        "salt = os.urandom(sha1().digest_size)\n"
        "digest = md5(b'payload').hexdigest()\n"
    )
    found = {(f.location.line, f.algorithm): f for f in _scan(tmp_path)}
    named = found[(3, "SHA-1")]
    assert named.context.get("reference") is True
    assert (named.verdict.rule, named.verdict.status) == ("QS353", "unknown")
    assert named.priority.wave > 1
    assert (4, "SHA-1") not in found
    computed = found[(5, "MD5")]
    assert "reference" not in computed.context
    assert (computed.verdict.rule, computed.priority.wave) == ("QS302", 1)
