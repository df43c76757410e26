import re
from pathlib import Path

import pytest

from qscan.catalog import catalog

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "REFERENCE.md"


def test_every_oid_maps_to_a_catalog_algorithm():
    cat = catalog()
    for entry in cat.oids.values():
        assert entry.algorithm in cat.algorithms, entry


@pytest.mark.parametrize(
    ("oid", "algorithm", "params"),
    [
        ("1.2.840.113549.1.1.1", "RSA", {}),
        ("1.2.840.113549.1.1.5", "RSA", {"hash": "SHA-1"}),
        ("1.2.840.10045.4.3.2", "ECDSA", {"hash": "SHA-256"}),
        ("1.3.101.112", "Ed25519", {}),
        ("1.3.101.110", "X25519", {}),
        ("2.16.840.1.101.3.4.3.18", "ML-DSA-65", {}),
        ("2.16.840.1.101.3.4.3.33", "HashML-DSA-65", {}),
        ("2.16.840.1.101.3.4.3.20", "SLH-DSA-SHA2-128s", {}),
        ("2.16.840.1.101.3.4.3.31", "SLH-DSA-SHAKE-256f", {}),
        ("2.16.840.1.101.3.4.3.46", "HashSLH-DSA-SHAKE-256f", {}),
        ("2.16.840.1.101.3.4.4.2", "ML-KEM-768", {}),
        ("1.2.840.113549.1.9.16.3.17", "LMS", {}),
        ("1.3.6.1.5.5.7.6.34", "XMSS", {}),
        ("1.3.6.1.5.5.7.6.35", "XMSS^MT", {}),
        ("1.3.6.1.5.5.7.6.37", "Composite-ML-DSA", {"parameter_set": "MLDSA44-RSA2048-PSS-SHA256"}),
        ("1.3.6.1.5.5.7.6.54", "Composite-ML-DSA", {"parameter_set": "MLDSA87-ECDSA-P521-SHA512"}),
        ("1.3.6.1.5.5.7.6.58", "Composite-ML-KEM", {"parameter_set": "MLKEM768-X25519-SHA3-256"}),
        ("1.0.18033.2.2.7.1", "FrodoKEM-976-SHAKE", {}),
        ("1.0.18033.2.2.7.4", "eFrodoKEM-1344-SHAKE", {}),
        ("1.0.18033.2.2.7.6", "FrodoKEM-1344-AES", {}),
        ("1.3.6.1.4.1.2.267.7.6.5", "Dilithium3", {}),
        ("1.3.6.1.4.1.2.267.8.3.3", "Kyber768", {}),
        ("1.3.9999.7.7", "Composite-pre-standard", {"parameter_set": "p384_mldsa65"}),
        ("1.3.9999.3.11", "Falcon-512", {}),
        ("1.3.9999.6.4.16", "SPHINCS+", {}),
        (
            "2.16.840.1.114027.80.8.1.3",
            "Composite-pre-standard",
            {"parameter_set": "mldsa44_ed25519"},
        ),
    ],
)
def test_oid_lookup(oid, algorithm, params):
    entry = catalog().oid(oid)
    assert entry is not None and entry.algorithm == algorithm
    for k, v in params.items():
        assert entry.params[k] == v


def test_unlisted_oid_in_a_known_arc_is_still_recognised():
    entry = catalog().oid("1.3.9999.42.1")
    assert entry is not None and entry.algorithm == "OQS-test-arc"
    assert catalog().oid("1.2.3.4.5") is None


def test_all_dotted_oids_of_reference_section_4_are_known():
    if not REFERENCE.exists():
        pytest.skip("shared/REFERENCE.md is not beside this checkout")
    text = REFERENCE.read_text().split("## 4.", 1)[1].split("## 5.", 1)[0]
    # Full dotted OIDs written out in the tables (abbreviated "…3.17" forms are tested above).
    oids = set(re.findall(r"\b(?:1|2)\.\d+(?:\.\d+){3,}\b", text))
    curves = {c.oid for c in catalog().curves.values()}
    known = list(catalog().oids) + list(catalog().arcs)
    arcs = {o for o in oids if any(k.startswith(o + ".") for k in known)}
    missing = sorted(
        o for o in oids - arcs - curves if catalog().oid(o) is None and not o.startswith("2.5.29.")
    )
    assert not missing


@pytest.mark.parametrize(
    ("alg", "params", "bits"),
    [
        ("RSA", {"bits": 1024}, 80),
        ("RSA", {"bits": 2048}, 112),
        ("RSA", {"bits": 3072}, 128),
        ("RSA", {"bits": 4096}, 128),
        ("RSA", {"bits": 7680}, 192),
        ("DH", {"bits": 2048}, 112),
        ("ECDSA", {"curve": "P-192"}, 96),
        ("ECDSA", {"curve": "secp256r1"}, 128),
        ("ECDH", {"curve": "P-521"}, 256),
        ("Ed25519", {}, 128),
        ("RSA", {}, None),
    ],
)
def test_classical_strength(alg, params, bits):
    assert catalog().classical_bits(alg, params) == bits


def test_aliases_resolve_case_insensitively():
    cat = catalog()
    assert cat.canonical("rsaEncryption") == "RSA"
    assert cat.canonical("MLKEM768") == "ML-KEM-768"
    assert cat.canonical("x25519") == "X25519"
    assert cat.canonical("no-such-thing") is None
    assert cat.curve("prime256v1").name == "P-256"
    assert cat.curve("1.3.132.0.34").name == "P-384"
