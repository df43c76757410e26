"""Verdicts that depend on what a finding is part of, not only on its algorithm."""

from __future__ import annotations

import pytest

from tests.assess.test_engine import judge

ROOT = {"role": "signature", "self_signed": True, "is_ca": True}


@pytest.mark.parametrize(
    ("params", "context", "rule", "severity"),
    [
        # a root's self-signature: never verified, its hash does not matter
        ({"bits": 2048, "hash": "SHA-1"}, ROOT, "QS212", "info"),
        ({"bits": 4096, "hash": "MD5"}, ROOT, "QS212", "info"),
        ({"bits": 1024, "hash": "SHA-256"}, ROOT, "QS212", "info"),
        (
            {"bits": 2048, "hash": "SHA-1"},
            {**ROOT, "role": "alternative signature"},
            "QS212",
            "info",
        ),
        # a CA's signature on another certificate is verified: SHA-1 stays broken
        ({"bits": 2048, "hash": "SHA-1"}, {**ROOT, "self_signed": False}, "QS205", "critical"),
        # a self-signed end-entity certificate is no trust anchor
        ({"bits": 2048, "hash": "SHA-1"}, {**ROOT, "is_ca": False}, "QS205", "critical"),
        # the root's public key is judged by its size
        ({"bits": 1024}, {**ROOT, "role": "public key"}, "QS203", "critical"),
        ({"bits": 2048}, {**ROOT, "role": "public key"}, "QS200", "medium"),
    ],
)
def test_trust_anchor_self_signatures(params, context, rule, severity):
    v = judge("RSA", "signature", params=params, context=context).verdict
    assert (v.rule, v.severity) == (rule, severity)
    if rule == "QS212":
        assert v.status == "quantum-vulnerable" and v.deadline is None


@pytest.mark.parametrize("policy", ["nist-ir-8547", "bsi-tr-02102", "cnsa-2.0"])
def test_frodokem_is_quantum_safe_key_establishment(policy):
    v = judge("FrodoKEM-976-SHAKE", "kem", asset="key", policy=policy).verdict
    assert (v.rule, v.status, v.severity) == ("QS106", "quantum-safe", "info")


def test_curve_sm2_mlkem768_is_a_hybrid_group():
    v = judge("curveSM2MLKEM768", "key-exchange", asset="protocol").verdict
    assert (v.rule, v.status) == ("QS104", "hybrid")
    cnsa = judge("curveSM2MLKEM768", "key-exchange", asset="protocol", policy="cnsa-2.0").verdict
    assert cnsa.rule == "QS190"
