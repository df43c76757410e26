"""Verdicts that depend on what a finding is part of, not only on its algorithm."""

from __future__ import annotations

import pytest

from qscan.assess.engine import assess
from qscan.assess.rules import UNKNOWN_FACT, fill
from qscan.model import Finding, Inventory, Location
from qscan.render.localize import localize
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


def ssh_protocol_finding(**context):
    return Finding(
        algorithm="SSH-2.0",
        function="protocol",
        asset="protocol",
        location=Location("ssh://h:22", "ssh protocol", host="h", port=22, service="ssh"),
        context={"pq_kex_offered": False, "pq_kex_first": False, **context},
    )


def test_fix_variants_follow_the_observed_release_in_every_language():
    old = ssh_protocol_finding(
        openssh_version="9.2", openssh_pq_kex="sntrup761x25519-sha512@openssh.com"
    )
    new = ssh_protocol_finding(openssh_version="10.0", openssh_pq_kex="mlkem768x25519-sha256")
    plain = ssh_protocol_finding()
    inventory = assess(Inventory(findings=[old, new, plain]))
    fixes = [f.verdict.fix for f in inventory.findings]
    assert fixes[0].startswith("This server runs OpenSSH 9.2: enable sntrup761x25519")
    assert fixes[1].startswith("This server runs OpenSSH 10.0, which has mlkem768x25519-sha256")
    assert fixes[2].startswith("Offer a hybrid post-quantum key exchange first.")
    dutch = [f.verdict.fix for f in localize(inventory, "nl").findings]
    assert dutch[0].startswith("Deze server draait OpenSSH 9.2: schakel nu sntrup761x25519")
    assert dutch[1].startswith("Deze server draait OpenSSH 10.0, dat mlkem768x25519-sha256")
    assert dutch[2].startswith("Bied als eerste een hybride post-quantum sleuteluitwisseling aan.")


def test_placeholders_without_a_value_say_so():
    finding = ssh_protocol_finding(openssh_version="9.2")
    assert fill("OpenSSH {context.openssh_version}, {params.bits} bits", finding) == (
        f"OpenSSH 9.2, {UNKNOWN_FACT} bits"
    )


@pytest.mark.parametrize(
    ("algorithm", "function", "params", "rule"),
    [
        # RSA-OAEP / MGF1 with SHA-1: key transport, the hash is no signature hash
        ("RSA", "encryption", {"bits": 2048, "padding": "OAEP", "hash": "SHA-1"}, "QS101"),
        ("RSA", "encryption", {"bits": 3072, "hash": "SHA-256", "mgf_hash": "SHA-1"}, "QS101"),
        # HMAC over SHA-1 (a PKCS#12 MAC, an SSH or TLS MAC): a MAC, not a broken hash
        ("HMAC-SHA1", "mac", {"hash": "SHA-1"}, "QS303"),
        # a signature made with SHA-1 stays broken
        ("RSA", "signature", {"bits": 2048, "hash": "SHA-1"}, "QS205"),
        ("SHA-1", "hash", {}, "QS302"),
    ],
)
def test_a_hash_is_judged_by_the_construction_it_serves(algorithm, function, params, rule):
    assert judge(algorithm, function, asset="key", params=params).verdict.rule == rule


def _stored_key(**facts):
    return Finding(
        algorithm="Ed25519",
        function="key-storage",
        asset="key",
        location=Location("srv", "private key file", path="ssh_host_ed25519_key"),
        context={"encrypted": False, **facts},
    )


def test_where_a_stored_key_sits_is_named_in_the_fix_in_every_language():
    owner_only = {"file_mode": "0600", "readable_by_others": False, "in_repository": False}
    inventory = assess(
        Inventory(
            findings=[
                _stored_key(**owner_only),
                _stored_key(**{**owner_only, "file_mode": "0640", "readable_by_others": True}),
                _stored_key(**{**owner_only, "in_repository": True}),
            ]
        )
    )
    rules = [(f.verdict.rule, f.verdict.severity) for f in inventory.findings]
    assert rules == [("QS502", "low"), ("QS500", "critical"), ("QS500", "critical")]
    dutch = [f.verdict.fix for f in localize(inventory, "nl").findings]
    assert dutch[0].startswith("Niets te herstellen aan de opslag")
    assert dutch[1].startswith("Bestandsrechten 0640 laten groepsleden")
    assert dutch[2].startswith("Deze sleutel staat in een repository-checkout (vastgelegd")
