import pytest

from qscan.assess.engine import assess
from qscan.assess.policy import PolicyError, deadline_class, get_policy, policies
from qscan.assess.rules import Rule, RuleError, RuleIndex, _parse_rule, load_rules
from qscan.model import Finding, Inventory, Location


def judge(
    algorithm, function="signature", asset="certificate", policy="nist-ir-8547", host=None, **kw
):
    loc = (
        Location(target="t", host=host, port=443, service="tls")
        if host
        else Location(target="t", path="f.pem")
    )
    finding = Finding(algorithm=algorithm, function=function, asset=asset, location=loc, **kw)
    inv = assess(Inventory(findings=[finding]), policy)
    return inv.findings[0]


@pytest.mark.parametrize(
    ("algorithm", "function", "params", "status", "severity", "rule", "deadline"),
    [
        ("RSA", "signature", {"bits": 1024}, "classically-broken", "critical", "QS203", None),
        ("RSA", "signature", {"bits": 2048}, "quantum-vulnerable", "medium", "QS200", "2030-12-31"),
        ("RSA", "signature", {"bits": 3072}, "quantum-vulnerable", "low", "QS201", "2035-12-31"),
        ("RSA", "signature", {"bits": 4096}, "quantum-vulnerable", "low", "QS201", "2035-12-31"),
        ("ECDSA", "signature", {"curve": "P-192"}, "classically-broken", "critical", "QS203", None),
        (
            "ECDSA",
            "signature",
            {"curve": "P-224"},
            "quantum-vulnerable",
            "medium",
            "QS200",
            "2030-12-31",
        ),
        (
            "ECDSA",
            "signature",
            {"curve": "P-256"},
            "quantum-vulnerable",
            "low",
            "QS201",
            "2035-12-31",
        ),
        ("Ed25519", "signature", {}, "quantum-vulnerable", "low", "QS201", "2035-12-31"),
        ("DSA", "signature", {"bits": 2048}, "classically-broken", "high", "QS204", None),
        (
            "RSA",
            "signature",
            {"bits": 2048, "hash": "SHA-1"},
            "classically-broken",
            "critical",
            "QS205",
            None,
        ),
        (
            "ECDSA",
            "signature",
            {"curve": "P-256", "hash": "MD5"},
            "classically-broken",
            "critical",
            "QS205",
            None,
        ),
        ("ML-DSA-65", "signature", {}, "quantum-safe", "info", "QS206", None),
        ("SLH-DSA-SHAKE-256f", "signature", {}, "quantum-safe", "info", "QS206", None),
        ("LMS", "signature", {}, "quantum-safe", "info", "QS206", None),
        ("XMSS^MT", "signature", {}, "quantum-safe", "info", "QS206", None),
        ("Composite-ML-DSA", "signature", {}, "hybrid", "info", "QS207", None),
        ("Dilithium3", "signature", {}, "quantum-safe", "medium", "QS208", "2030-12-31"),
        ("Composite-pre-standard", "signature", {}, "hybrid", "medium", "QS209", "2030-12-31"),
        ("ML-KEM-768", "kem", {}, "quantum-safe", "info", "QS103", None),
        ("X25519MLKEM768", "key-exchange", {}, "hybrid", "info", "QS104", None),
        ("Kyber768", "kem", {}, "hybrid", "medium", "QS105", "2030-12-31"),
        (
            "ECDH",
            "key-exchange",
            {"curve": "P-256"},
            "quantum-vulnerable",
            "high",
            "QS101",
            "2035-12-31",
        ),
        ("DH", "key-exchange", {"bits": 2048}, "quantum-vulnerable", "high", "QS101", "2030-12-31"),
        ("DH", "key-exchange", {"bits": 1024}, "classically-broken", "critical", "QS102", None),
        ("RC4", "encryption", {}, "classically-broken", "critical", "QS300", None),
        ("3DES", "encryption", {}, "classically-broken", "high", "QS301", None),
        ("AES-128", "encryption", {}, "quantum-safe", "info", "QS303", None),
        ("unknown", "signature", {"oid": "1.2.3.4"}, "unknown", "low", "QS000", None),
    ],
)
def test_verdicts_under_nist(algorithm, function, params, status, severity, rule, deadline):
    v = judge(algorithm, function, params=params).verdict
    assert (v.status, v.severity, v.rule, v.deadline) == (status, severity, rule, deadline)


def test_cnsa_is_stricter_on_parameter_sets_and_dates():
    nist = judge("ML-KEM-768", "kem").verdict
    cnsa = judge("ML-KEM-768", "kem", policy="cnsa-2.0").verdict
    assert nist.rule == "QS103" and nist.severity == "info"
    assert cnsa.rule == "QS190" and cnsa.severity == "medium" and cnsa.deadline == "2033-12-31"
    assert judge("ML-KEM-1024", "kem", policy="cnsa-2.0").verdict.rule == "QS103"
    assert judge("ML-DSA-65", policy="cnsa-2.0").verdict.rule == "QS190"
    assert judge("ML-DSA-87", policy="cnsa-2.0").verdict.rule == "QS206"
    assert judge("RSA", params={"bits": 3072}, policy="cnsa-2.0").verdict.deadline == "2033-12-31"


@pytest.mark.parametrize(
    ("policy", "kex", "sig"),
    [
        ("nist-ir-8547", "2035-12-31", "2035-12-31"),
        ("cnsa-2.0", "2033-12-31", "2033-12-31"),
        ("eu-pqc-roadmap", "2030-12-31", "2035-12-31"),
        ("bsi-tr-02102", "2031-12-31", "2035-12-31"),
        ("ncsc-nl", "2030-12-31", "2035-12-31"),
    ],
)
def test_policy_deadlines_for_128_bit_classical(policy, kex, sig):
    assert (
        judge("ECDH", "key-exchange", params={"curve": "P-256"}, policy=policy).verdict.deadline
        == kex
    )
    assert judge("ECDSA", params={"curve": "P-256"}, policy=policy).verdict.deadline == sig


def test_certificate_valid_beyond_deadline_says_so():
    v = judge(
        "RSA", params={"bits": 2048}, context={"not_after": "2032-05-01T00:00:00+00:00"}
    ).verdict
    assert "beyond this deadline" in v.deadline_note
    v = judge(
        "RSA", params={"bits": 2048}, context={"not_after": "2027-05-01T00:00:00+00:00"}
    ).verdict
    assert "beyond" not in v.deadline_note


def test_private_key_hygiene():
    f = judge("RSA", "key-storage", "key", params={"bits": 3072}, context={"encrypted": False})
    assert (f.verdict.rule, f.verdict.severity, f.verdict.status) == (
        "QS500",
        "critical",
        "classically-broken",
    )
    f = judge("ML-DSA-65", "key-storage", "key", context={"encrypted": True})
    assert (f.verdict.rule, f.verdict.status) == ("QS501", "quantum-safe")


def test_locked_keystore():
    f = judge("unknown", "key-storage", "keystore", context={"locked": True})
    assert f.verdict.rule == "QS210" and f.verdict.status == "unknown"


def test_priority_orders_key_exchange_before_signatures():
    kex = judge("ECDH", "key-exchange", params={"curve": "P-256"}, host="h")
    sig = judge("ECDSA", params={"curve": "P-256"})
    safe = judge("ML-DSA-65")
    assert kex.priority.score > sig.priority.score > safe.priority.score
    assert safe.priority.wave == 4
    assert judge("RSA", params={"bits": 1024}).priority.wave == 1


def test_rule_packs_load_with_unique_ids_and_complete_docs():
    rules = load_rules()
    assert len({r.id for r in rules}) == len(rules)
    for r in rules:
        assert r.title and r.why and r.fix, r.id


MINIMAL_RULE = {
    "id": "QS999",
    "title": "t",
    "severity": "low",
    "status": "hybrid",
    "why": "w",
    "fix": "f",
}


@pytest.mark.parametrize(
    "change",
    [
        {"severity": "urgent"},
        {"match": {"colour": 1}},
        # fix variants: a condition and a fix each, known match keys, translations of the fix
        {"fixes": [{"fix": "no condition"}]},
        {"fixes": [{"when": {"context": {"x": 1}}}]},
        {"fixes": [{"when": {"colour": "red"}, "fix": "f"}]},
        {"fixes": [{"when": {"context": {"x": 1}}, "fix": "f", "nl": {"why": "w"}}]},
    ],
)
def test_malformed_rules_are_rejected(change):
    with pytest.raises(RuleError):
        _parse_rule({**MINIMAL_RULE, **change}, "x")


def test_match_operators():
    rule = Rule(
        id="QS998",
        title="t",
        severity="low",
        status="unknown",
        why="w",
        fix="f",
        match={
            "params": {"bits": {"ge": 2048, "lt": 4096}, "mode": {"exists": False}},
            "component": "chain\\[1\\]",
        },
    )
    loc = Location(target="t", path="p", component="certificate chain[1] signature")
    ok = Finding(
        algorithm="RSA",
        function="signature",
        asset="certificate",
        location=loc,
        params={"bits": 3072},
    )
    assert RuleIndex((rule,), "nist-ir-8547").best(ok) is rule
    big = Finding(
        algorithm="RSA",
        function="signature",
        asset="certificate",
        location=loc,
        params={"bits": 4096},
    )
    assert RuleIndex((rule,), "nist-ir-8547").best(big) is None


def test_unknown_policy_is_an_error_and_all_policies_resolve_auto_classes():
    with pytest.raises(PolicyError):
        get_policy("nope")
    for p in policies().values():
        for cls in (
            "now",
            "kex-112",
            "kex-128",
            "sig-112",
            "sig-128",
            "pre-standard",
            "pq-parameter",
        ):
            assert p.deadline(cls) is not None, (p.id, cls)
    assert deadline_class("auto", "kem", 192) == "kex-128"
    assert deadline_class("auto", "signature", None) == "sig-112"
