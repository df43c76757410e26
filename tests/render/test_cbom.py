"""CycloneDX 1.6 CBOM: valid against the 1.6 schema, and the crypto assets are complete."""

from __future__ import annotations

import json

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from qscan.render import RENDERERS, RenderOptions
from tests.render.report_samples import CA_SHA, CERT_SHA


def render(inventory) -> dict:
    text = RENDERERS["cbom"](inventory, RenderOptions())
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, error
    return json.loads(text)


def _by_ref(doc: dict) -> dict[str, dict]:
    return {c["bom-ref"]: c for c in doc["components"]}


def test_valid_cyclonedx_16(inventory):
    doc = render(inventory)
    assert doc["bomFormat"] == "CycloneDX" and doc["specVersion"] == "1.6"
    assert doc["serialNumber"].startswith("urn:uuid:")
    assert doc["metadata"]["component"]["name"] == "Ministry of Examples"
    assert all(c["type"] == "cryptographic-asset" for c in doc["components"])
    # the same inventory gives the same document
    assert render(inventory) == doc


def test_algorithms_have_levels_oids_and_occurrences(inventory):
    comps = _by_ref(render(inventory))
    rsa = comps["crypto/algorithm/RSA-2048"]["cryptoProperties"]
    assert rsa["assetType"] == "algorithm"
    assert rsa["oid"] == "1.2.840.113549.1.1.1"
    props = rsa["algorithmProperties"]
    assert props["parameterSetIdentifier"] == "2048"
    assert props["classicalSecurityLevel"] == 112 and props["nistQuantumSecurityLevel"] == 0
    assert set(props["cryptoFunctions"]) >= {"keygen", "sign", "verify"}
    mldsa = comps["crypto/algorithm/ML-DSA-65"]["cryptoProperties"]
    assert mldsa["algorithmProperties"]["nistQuantumSecurityLevel"] == 3
    assert mldsa["algorithmProperties"]["parameterSetIdentifier"] == "65"
    assert mldsa["oid"] == "2.16.840.1.101.3.4.3.18"
    hybrid = comps["crypto/algorithm/X25519MLKEM768"]["cryptoProperties"]["algorithmProperties"]
    assert hybrid["primitive"] == "kem" and hybrid["nistQuantumSecurityLevel"] == 3
    ecdh = comps["crypto/algorithm/ECDH-P-256"]["cryptoProperties"]["algorithmProperties"]
    assert ecdh["curve"] == "P-256" and ecdh["classicalSecurityLevel"] == 128
    sig = comps["crypto/algorithm/sha1WithRSAEncryption"]
    assert sig["cryptoProperties"]["oid"] == "1.2.840.113549.1.1.5"
    assert {"name": "qscan:status", "value": "classically-broken"} in sig["properties"]
    occurrences = comps["crypto/algorithm/MD5"]["evidence"]["occurrences"]
    assert occurrences == [
        {
            "location": 'src/weird "name" <b>.java',
            "line": 42,
            "additionalContext": "java MessageDigest.getInstance",
        }
    ]
    unknown = comps["crypto/algorithm/unknown-1.3.9999.99.1"]["cryptoProperties"]
    assert unknown["oid"] == "1.3.9999.99.1"


def test_certificates_keys_and_their_dependencies(inventory):
    doc = render(inventory)
    comps = _by_ref(doc)
    deps = {d["ref"]: d for d in doc["dependencies"]}
    leaf = comps[f"crypto/certificate/{CERT_SHA}"]
    cert = leaf["cryptoProperties"]["certificateProperties"]
    assert cert["subjectName"].startswith("CN=evil.example.org")
    assert cert["notValidAfter"].startswith("2033-01-01")
    assert cert["signatureAlgorithmRef"] == "crypto/algorithm/sha256WithRSAEncryption"
    key_ref = cert["subjectPublicKeyRef"]
    key = comps[key_ref]["cryptoProperties"]
    assert key["assetType"] == "related-crypto-material"
    rcm = key["relatedCryptoMaterialProperties"]
    assert rcm["type"] == "public-key" and rcm["size"] == 2048
    assert rcm["algorithmRef"] == "crypto/algorithm/RSA-2048"
    assert "value" not in rcm
    assert set(deps[leaf["bom-ref"]]["dependsOn"]) == {cert["signatureAlgorithmRef"], key_ref}
    assert {"name": "qscan:issued_by", "value": CA_SHA} in leaf["properties"]
    private = [
        c
        for c in doc["components"]
        if c["cryptoProperties"].get("relatedCryptoMaterialProperties", {}).get("type")
        == "private-key"
    ]
    assert len(private) == 1
    assert private[0]["evidence"]["occurrences"][0]["location"] == "keys/id_rsa"
    assert "BEGIN" not in json.dumps(private[0]["cryptoProperties"])


def test_protocols_with_cipher_suites_and_provides(inventory):
    doc = render(inventory)
    comps = _by_ref(doc)
    deps = {d["ref"]: d for d in doc["dependencies"]}
    tls13 = comps["crypto/protocol/tls-portal.example.org-443/1.3"]["cryptoProperties"]
    proto = tls13["protocolProperties"]
    assert proto["type"] == "tls" and proto["version"] == "1.3"
    assert proto["cipherSuites"] == [
        {
            "name": "TLS_AES_256_GCM_SHA384",
            "algorithms": ["crypto/algorithm/AES-256-GCM"],
            "identifiers": ["0x1302"],
        }
    ]
    assert f"crypto/certificate/{CERT_SHA}" in proto["cryptoRefArray"]
    dep = deps["crypto/protocol/tls-portal.example.org-443/1.3"]
    assert dep["dependsOn"] == [f"crypto/certificate/{CERT_SHA}"]
    assert "crypto/algorithm/X25519MLKEM768" in dep["provides"]
    legacy = comps["crypto/protocol/tls-legacy.example.org-443/1.2"]["cryptoProperties"]
    suite = legacy["protocolProperties"]["cipherSuites"][0]
    assert suite["identifiers"] == ["0xC012"]
    assert set(suite["algorithms"]) == {"crypto/algorithm/3DES", "crypto/algorithm/ECDH-P-256"}
    ssh = comps["crypto/protocol/ssh-git.example.org-22"]["cryptoProperties"]["protocolProperties"]
    assert ssh["type"] == "ssh"
    root = deps["qscan-scan"]["dependsOn"]
    assert "crypto/protocol/ssh-git.example.org-22" in root
    # every reference resolves
    refs = set(comps) | {"qscan-scan"}
    for d in doc["dependencies"]:
        assert d["ref"] in refs
        assert set(d.get("dependsOn", [])) <= refs and set(d.get("provides", [])) <= refs


def test_empty_inventory_is_valid(plain_inventory):
    plain_inventory.findings = []
    doc = render(plain_inventory)
    assert doc.get("components", []) == []
