"""CycloneDX 1.6 CBOM: valid against the strict 1.6 schema, and every component says what it is.

Inventories come from real scans: the shipped examples (certificates, keys, keystores, SSH
files, source), configuration files written here (nginx, sshd_config), and two loopback
endpoints (a TLS server on Python's ssl and a scripted SSH server offering compression)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from pathlib import Path

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from qscan.assess.engine import assess
from qscan.catalog import catalog
from qscan.model import Finding, Inventory, Location
from qscan.pipeline import collect, scan
from qscan.protocols import ssh, tls
from qscan.render import RENDERERS, RenderOptions
from qscan.render.cbom.algorithms import PRIMITIVES
from qscan.render.cbom.protocols import suite_parts
from qscan.scan.certs.algorithms import lookup
from qscan.scan.interface import ScanOptions
from qscan.targets import parse_target
from tests.render.report_samples import CERT_SHA
from tests.scan.ssh.conftest import scan_async
from tests.scan.ssh.peers import ScriptedServer, kexinit, serve
from tests.scan.tls.servers import make_chain, python_ssl_server

ROOT = Path(__file__).resolve().parents[2]
NGINX = """events {}
http {
  ssl_protocols TLSv1.2 TLSv1.3;
  server {
    listen 443 ssl;
    server_name www.example.org;
    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-SHA:DES-CBC3-SHA;
    ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1;
  }
  server {
    listen 8443 ssl;
    server_name api.example.org;
    ssl_protocols TLSv1.3;
  }
}
"""
SSHD = """Protocol 2
KexAlgorithms curve25519-sha256,diffie-hellman-group14-sha1
Ciphers chacha20-poly1305@openssh.com,aes128-cbc
MACs hmac-sha2-256,hmac-md5
Compression yes
"""


def render(inventory: Inventory) -> dict:
    text = RENDERERS["cbom"](inventory, RenderOptions())
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, error
    return json.loads(text)


def by_ref(doc: dict) -> dict[str, dict]:
    return {c["bom-ref"]: c for c in doc["components"]}


def of_type(doc: dict, asset_type: str) -> list[dict]:
    return [c for c in doc["components"] if c["cryptoProperties"]["assetType"] == asset_type]


def algorithm(doc: dict, name: str) -> dict:
    (found,) = [c for c in of_type(doc, "algorithm") if c["name"] == name]
    return found


def rules_of(component: dict) -> set[str]:
    found = [p["value"] for p in component.get("properties", []) if p["name"] == "qscan:rules"]
    return set(found[0].split(",")) if found else set()


def props(component: dict) -> dict:
    crypto = component["cryptoProperties"]
    return crypto.get("algorithmProperties") or crypto.get("protocolProperties") or {}


def located(path: str, component: str, algorithm: str, function: str, **params) -> Finding:
    """An algorithm use found in a file (line 1)."""
    return Finding(
        algorithm=algorithm,
        function=function,
        asset="algorithm",
        location=Location(target=".", component=component, path=path, line=1),
        params=params,
    )


@pytest.fixture(scope="module")
def examples() -> dict:
    inventory = scan([parse_target(str(ROOT / "examples"))], ScanOptions(), "nist-ir-8547")
    return render(inventory)


@pytest.fixture(scope="module")
def configs(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("configs")
    (folder / "nginx.conf").write_text(NGINX)
    (folder / "sshd_config").write_text(SSHD)
    return render(scan([parse_target(str(folder))], ScanOptions(), "nist-ir-8547"))


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory) -> tuple[dict, int, int]:
    """A TLS 1.2/1.3 server (RSA-2048 chain) and an SSH server offering PQ and classical key
    exchange, compression and a legacy MAC; (CBOM, TLS port, SSH port)."""
    chain = make_chain(tmp_path_factory.mktemp("chain"), "rsa")
    offer = kexinit(
        ["mlkem768x25519-sha256", "curve25519-sha256", "diffie-hellman-group14-sha1"],
        ["ssh-ed25519", "rsa-sha2-512"],
        ["chacha20-poly1305@openssh.com", "aes256-ctr"],
        ["hmac-sha2-256-etm@openssh.com", "hmac-sha1"],
        compression=("none", "zlib@openssh.com"),
    )

    async def ssh_scan() -> tuple[list[Finding], int]:
        async with serve(ScriptedServer(offer)) as port:
            findings, errors = await scan_async(f"ssh://127.0.0.1:{port}")
            assert errors == []
            return findings, port

    with python_ssl_server(chain) as server:
        findings, errors = collect([parse_target(server.address)], ScanOptions(timeout=5.0))
        assert errors == []
    ssh_findings, ssh_port = asyncio.run(ssh_scan())
    inventory = assess(Inventory(findings=findings + ssh_findings, targets=["endpoints"]))
    return render(inventory), server.port, ssh_port


def test_valid_deterministic_and_without_key_material(examples, inventory):
    assert examples["specVersion"] == "1.6" and examples["serialNumber"].startswith("urn:uuid:")
    assert all(c["type"] == "cryptographic-asset" for c in examples["components"])
    text = json.dumps(examples)
    assert "PRIVATE KEY-----" not in text
    keys = of_type(examples, "related-crypto-material")
    assert keys and all(
        "value" not in c["cryptoProperties"]["relatedCryptoMaterialProperties"] for c in keys
    )
    first = RENDERERS["cbom"](inventory, RenderOptions())
    assert RENDERERS["cbom"](inventory, RenderOptions()) == first
    doc = json.loads(first)
    assert doc["metadata"]["component"]["name"] == "Ministry of Examples"
    refs = [c["bom-ref"] for c in doc["components"]]
    assert refs == sorted(refs) and len(refs) == len(set(refs))


def test_aliases_and_spellings_merge_into_one_component():
    """X25519 from a TLS group (with its curve), an SSH kex and an alias; ChaCha20-Poly1305
    from SSH (mode AEAD) and a TLS 1.3 suite; ML-DSA-65 with and without a parameter set."""
    endpoint = Location("tls://h:443", "tls1.3 supported group", host="h", port=443, service="tls")
    ssh_base = Location("ssh://h:22", host="h", port=22, service="ssh")
    findings = [
        tls.group_finding(tls.group(0x001D), endpoint),
        tls.suite_finding(tls.suite(0x1303), endpoint),
        *ssh.kex_findings(["curve25519-sha256"], ssh_base),
        *ssh.cipher_findings(["chacha20-poly1305@openssh.com"], ssh_base),
        located("a.py", "python", "curve25519", "key-exchange"),
        located("b.py", "python", "ML-DSA-65", "key-generation"),
        located("c.py", "python", "MLDSA65", "signature", parameter_set="ML-DSA-65"),
    ]
    doc = render(assess(Inventory(findings=findings)))
    names = Counter(c["name"] for c in of_type(doc, "algorithm"))
    assert names["X25519"] == names["ChaCha20-Poly1305"] == names["ML-DSA-65"] == 1
    assert not [n for n in names if "Curve25519" in n or "AEAD" in n or n.count("ML-DSA") > 1]
    assert props(algorithm(doc, "X25519"))["curve"] == "Curve25519"
    assert props(algorithm(doc, "ML-DSA-65"))["parameterSetIdentifier"] == "65"
    occurrences = algorithm(doc, "X25519")["evidence"]["occurrences"]
    assert {o["location"] for o in occurrences} == {"h:443", "h:22", "a.py"}


def test_parameter_sets_stay_apart(examples):
    """A signature algorithm is one component per signer key size: the root CA's RSA-4096
    signatures, the self-signed RSA-2048 ones, and the SHA-1 one capped at SHA-1's strength."""
    rsa4096 = algorithm(examples, "RSA-4096-SHA-256")
    rsa2048 = algorithm(examples, "RSA-2048-SHA-256")
    sha1 = algorithm(examples, "RSA-2048-SHA-1")
    assert props(rsa4096)["parameterSetIdentifier"] == "4096"
    assert props(rsa4096)["classicalSecurityLevel"] == 128
    assert props(rsa2048)["classicalSecurityLevel"] == 112
    assert props(sha1)["classicalSecurityLevel"] == 63
    for sig in (rsa4096, rsa2048, sha1):
        assert props(sig)["primitive"] == "signature" and props(sig)["padding"] == "pkcs1v15"
        assert props(sig)["nistQuantumSecurityLevel"] == 0
    assert {"RSA-2048", "RSA-3072", "RSA-4096", "ECDSA-P-256", "ECDSA-P-384"} <= {
        c["name"] for c in of_type(examples, "algorithm")
    }


def test_protocol_facts_are_never_algorithms(endpoints, configs):
    for doc in (endpoints[0], configs):
        names = [c["name"] for c in of_type(doc, "algorithm")]
        assert not [n for n in names if n.startswith(("TLS", "SSL", "SSH", "NULL", "unknown"))]
        assert not [n for n in names if n in ("zlib", "uncompressed")]
    doc, tls_port, ssh_port = endpoints
    refs = by_ref(doc)
    tls13 = props(refs[f"crypto/protocol/tls/127.0.0.1:{tls_port}"])
    assert tls13["type"] == "tls" and tls13["version"] == "1.3"
    versions = {
        p["name"]: p["value"]
        for p in refs[f"crypto/protocol/tls/127.0.0.1:{tls_port}"]["properties"]
    }
    assert versions["qscan:versions"] == "TLS 1.2, TLS 1.3"
    ssh_proto = props(refs[f"crypto/protocol/ssh/127.0.0.1:{ssh_port}"])
    assert ssh_proto["type"] == "ssh" and ssh_proto["version"] == "2.0"
    assert "zlib" not in json.dumps(doc)


def test_oids_are_of_the_right_kind(examples, endpoints, configs):
    """MAC, hash, signature, key and cipher OIDs are kept apart: the PKCS#12 MAC (whose
    finding carries SHA-256's OID from MacData) is hmacWithSHA256."""
    doc = endpoints[0]
    expected = [
        ((examples, "HMAC-SHA256"), "1.2.840.113549.2.9"),
        ((examples, "HMAC-SHA1"), "1.2.840.113549.2.7"),
        ((doc, "SHA-256"), "2.16.840.1.101.3.4.2.1"),
        ((examples, "RSA-2048"), "1.2.840.113549.1.1.1"),
        ((examples, "RSA-4096-SHA-256"), "1.2.840.113549.1.1.11"),
        ((examples, "RSA-2048-SHA-1"), "1.2.840.113549.1.1.5"),
        ((examples, "ECDSA-P-256"), "1.2.840.10045.2.1"),
        ((examples, "ECDSA-P-384-SHA-256"), "1.2.840.10045.4.3.2"),
        ((examples, "Ed25519"), "1.3.101.112"),
        ((examples, "ML-DSA-65"), "2.16.840.1.101.3.4.3.18"),
        ((examples, "AES-256-CBC"), "2.16.840.1.101.3.4.1.42"),
        ((doc, "AES-128-GCM"), "2.16.840.1.101.3.4.1.6"),
        ((doc, "ChaCha20-Poly1305"), "1.2.840.113549.1.9.16.3.18"),
        ((doc, "X25519"), "1.3.101.110"),
        ((doc, "RSA-2048-SHA-256-PSS"), "1.2.840.113549.1.1.10"),
        ((configs, "3DES-CBC"), "1.2.840.113549.3.7"),
        ((configs, "ECDH-P-256"), "1.3.132.1.12"),
    ]
    for (source, name), oid in expected:
        assert algorithm(source, name)["cryptoProperties"].get("oid") == oid, name
    assert "oid" not in algorithm(doc, "AES-256-CTR")["cryptoProperties"]  # none exists
    assert "oid" not in algorithm(doc, "mlkem768x25519-sha256")["cryptoProperties"]


def test_certificate_references_signature_with_signer_key_size(examples):
    """www.example.org (RSA-2048 key) is signed by the ECDSA P-384 issuing CA, which is
    signed by the RSA-4096 root."""
    refs = by_ref(examples)
    deps = {d["ref"]: d for d in examples["dependencies"]}
    certs = {c["name"]: c for c in of_type(examples, "certificate")}
    www = certs["www.example.org"]["cryptoProperties"]["certificateProperties"]
    sig = props(refs[www["signatureAlgorithmRef"]])
    assert sig["curve"] == "P-384" and sig["primitive"] == "signature"
    assert refs[www["signatureAlgorithmRef"]]["cryptoProperties"]["oid"] == "1.2.840.10045.4.3.2"
    key = refs[www["subjectPublicKeyRef"]]["cryptoProperties"]["relatedCryptoMaterialProperties"]
    assert key["type"] == "public-key" and key["size"] == 2048
    assert key["algorithmRef"] == "crypto/algorithm/RSA-2048"
    issuing = certs["Example Issuing CA"]
    assert issuing["cryptoProperties"]["certificateProperties"]["signatureAlgorithmRef"] == (
        "crypto/algorithm/RSA-4096-SHA-256"
    )
    assert issuing["bom-ref"] in deps[certs["www.example.org"]["bom-ref"]]["dependsOn"]
    assert www["notValidAfter"].endswith("Z") and www["subjectName"].startswith("CN=www.")
    # the same certificate in five files is one component, seen in each
    root = certs["Example Root CA"]["evidence"]["occurrences"]
    assert len({o["location"] for o in root}) == len(root) == 4


def test_a_stored_key_references_its_algorithm(inventory):
    """A key known only from its storage finding still names its algorithm, whose status
    is not the storage verdict's (an unencrypted key file is the key's problem)."""
    doc = render(inventory)
    (key,) = [c for c in of_type(doc, "related-crypto-material") if "id_rsa" in c["bom-ref"]]
    rcm = key["cryptoProperties"]["relatedCryptoMaterialProperties"]
    assert rcm["type"] == "private-key" and rcm["algorithmRef"] == "crypto/algorithm/RSA-2048"
    rules = {c["bom-ref"]: rules_of(c) for c in doc["components"]}
    assert rules[key["bom-ref"]] == {"QS500"}
    assert "QS500" not in rules["crypto/algorithm/RSA-2048"]


def test_unknown_signer_gives_a_signature_without_key_size(inventory):
    doc = render(inventory)
    cert = by_ref(doc)[f"crypto/certificate/{CERT_SHA}"]["cryptoProperties"]
    sig = by_ref(doc)[cert["certificateProperties"]["signatureAlgorithmRef"]]
    assert sig["name"] == "RSA-SHA-256"
    assert "parameterSetIdentifier" not in props(sig)
    assert "classicalSecurityLevel" not in props(sig)
    assert sig["cryptoProperties"]["oid"] == "1.2.840.113549.1.1.11"


def test_tls_endpoint_suites_groups_and_certificates(endpoints):
    doc, port, _ = endpoints
    refs = by_ref(doc)
    ref = f"crypto/protocol/tls/127.0.0.1:{port}"
    proto = props(refs[ref])
    suites = {s["name"]: s for s in proto["cipherSuites"]}
    gcm = suites["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    assert gcm["identifiers"] == ["0xC02F"]
    assert {refs[a]["name"] for a in gcm["algorithms"]} == {"ECDH", "RSA", "AES-128-GCM", "SHA-256"}
    assert props(refs["crypto/algorithm/AES-128-GCM"])["primitive"] == "ae"
    assert props(refs["crypto/algorithm/AES-128-GCM"])["mode"] == "gcm"
    assert {refs[a]["name"] for a in suites["TLS_AES_256_GCM_SHA384"]["algorithms"]} == {
        "AES-256-GCM",
        "SHA-384",
    }
    offered = {refs[r]["name"] for r in proto["cryptoRefArray"]}
    assert {"X25519", "ECDH-P-256", "RSA-2048-SHA-256-PSS", "localhost"} <= offered
    dep = {d["ref"]: d for d in doc["dependencies"]}[ref]
    assert [refs[r]["cryptoProperties"]["assetType"] for r in dep["dependsOn"]] == [
        "certificate"
    ] * 2
    assert "crypto/algorithm/X25519" in dep["provides"]
    assert refs[ref]["evidence"]["occurrences"] == [
        {"location": f"127.0.0.1:{port}", "additionalContext": "tls"}
    ]


def test_ssh_endpoint(endpoints):
    doc, _, port = endpoints
    refs = by_ref(doc)
    proto = props(refs[f"crypto/protocol/ssh/127.0.0.1:{port}"])
    offered = {refs[r]["name"] for r in proto["cryptoRefArray"]}
    assert {"mlkem768x25519-sha256", "X25519", "DH-2048", "ChaCha20-Poly1305"} <= offered
    assert {"AES-256-CTR", "HMAC-SHA256", "HMAC-SHA1", "RSA-SHA-512", "Ed25519"} <= offered
    assert [n for n in offered if n.endswith("public key")]  # the host key
    assert props(refs["crypto/algorithm/mlkem768x25519-sha256"])["nistQuantumSecurityLevel"] == 3
    assert props(refs["crypto/algorithm/mlkem768x25519-sha256"])["cryptoFunctions"] == [
        "decapsulate",
        "encapsulate",
    ]
    assert props(refs["crypto/algorithm/AES-256-CTR"])["mode"] == "ctr"


def test_configuration_protocols_per_file_and_scope(configs):
    protocols = {c["name"]: c for c in of_type(configs, "protocol")}
    assert set(protocols) == {
        "TLS nginx.conf (http)",
        "TLS nginx.conf (server www.example.org)",
        "TLS nginx.conf (server api.example.org)",
        "SSH sshd_config",
    }
    www = props(protocols["TLS nginx.conf (server www.example.org)"])
    suites = {s["name"]: s["identifiers"] for s in www["cipherSuites"]}
    assert suites["TLS_RSA_WITH_3DES_EDE_CBC_SHA"] == ["0x000A"]
    refs = by_ref(configs)
    assert {refs[r]["name"] for r in www["cryptoRefArray"]} >= {"X25519MLKEM768", "3DES-CBC"}
    sshd = protocols["SSH sshd_config"]
    assert {refs[r]["name"] for r in props(sshd)["cryptoRefArray"]} == {
        "X25519",
        "DH-2048",
        "ChaCha20-Poly1305",
        "AES-128-CBC",
        "HMAC-SHA256",
        "HMAC-MD5",
    }
    assert {o["line"] for o in sshd["evidence"]["occurrences"]} == {2, 3, 4}


def test_occurrences_deduplicated_with_relative_paths(examples, configs, tmp_path):
    for doc in (examples, configs):
        for c in doc["components"]:
            occurrences = [
                json.dumps(o, sort_keys=True) for o in c.get("evidence", {}).get("occurrences", [])
            ]
            assert len(occurrences) == len(set(occurrences)), c["bom-ref"]
            assert not [o for o in occurrences if "examples/" in o or str(tmp_path) in o]
    md5 = algorithm(configs, "HMAC-MD5")["evidence"]["occurrences"]
    assert md5 == [{"location": "sshd_config", "line": 4, "additionalContext": "ssh mac"}]
    single = tmp_path / "nginx.conf"
    single.write_text(NGINX)
    doc = render(scan([parse_target(str(single))], ScanOptions(), "nist-ir-8547"))
    locations = {o["location"] for c in doc["components"] for o in c["evidence"]["occurrences"]}
    assert locations == {"nginx.conf"}


def test_files_of_several_targets_are_qualified(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "sshd_config").write_text(SSHD)
    targets = [parse_target(str(tmp_path / name)) for name in ("a", "b")]
    doc = render(scan(targets, ScanOptions(), "nist-ir-8547"))
    (md5,) = [c for c in of_type(doc, "algorithm") if c["name"] == "HMAC-MD5"]
    assert [o["location"] for o in md5["evidence"]["occurrences"]] == [
        f"{tmp_path}/a/sshd_config",
        f"{tmp_path}/b/sshd_config",
    ]


def test_keys_one_component_each(examples):
    keys = {c["bom-ref"]: c for c in of_type(examples, "related-crypto-material")}
    private = [c for c in keys.values() if "demo-www-rsa2048.key" in json.dumps(c)]
    (www,) = private
    rcm = www["cryptoProperties"]["relatedCryptoMaterialProperties"]
    assert rcm["type"] == "private-key" and rcm["algorithmRef"] == "crypto/algorithm/RSA-2048"
    assert rcm["format"] == "PKCS#1" and rcm["size"] == 2048
    assert www["evidence"]["occurrences"] == [
        {"location": "keys/demo-www-rsa2048.key", "line": 1, "additionalContext": "private key"}
    ]
    ssh_public = keys["crypto/key/public/SHA256:PwHsRn2kdg05q5qSQuIqya3giSKBm8NhqwNF3D7ZjQk"]
    assert [o["location"] for o in ssh_public["evidence"]["occurrences"]] == [
        "ssh/authorized_keys",
        "ssh/demo_id_ed25519.pub",
    ]
    locked = [c for c in keys.values() if "encrypted PKCS#8" in json.dumps(c)]
    assert [
        c["cryptoProperties"]["relatedCryptoMaterialProperties"].get("algorithmRef") for c in locked
    ] == [None]


def test_every_algorithm_is_described(examples, endpoints, configs):
    """Primitive, functions and the NIST level always; the classical level wherever the
    strength is defined, which leaves out only a size-dependent algorithm of unknown size."""
    for doc in (examples, endpoints[0], configs):
        for c in of_type(doc, "algorithm"):
            p = props(c)
            assert p["primitive"] in PRIMITIVES and p["cryptoFunctions"], c["name"]
            assert "nistQuantumSecurityLevel" in p, c["name"]
            if "classicalSecurityLevel" not in p:
                assert c["name"].split("-")[0] in ("RSA", "DH", "ECDH", "ECDSA"), c["name"]
                assert "parameterSetIdentifier" not in p and "curve" not in p, c["name"]
    dh = props(algorithm(endpoints[0], "DH-2048"))
    assert dh["parameterSetIdentifier"] == "2048" and dh["classicalSecurityLevel"] == 112
    assert props(algorithm(endpoints[0], "X25519"))["classicalSecurityLevel"] == 128
    assert props(algorithm(configs, "HMAC-MD5"))["classicalSecurityLevel"] == 0


def test_unknown_algorithms_are_named_by_what_identifies_them():
    findings = [
        located("x.pem", "certificate public key", "unknown", "signature", oid="1.2.3.4.5"),
        located("sshd_config", "ssh kex", "unknown", "key-exchange", ssh_name="foo@example.org"),
        located("y.py", "python", "unknown", "unknown"),
        located("z.pem", "certificate public key", "unknown", "signature", oid="1.3.9999.99.1"),
    ]
    doc = render(assess(Inventory(findings=findings)))
    names = {c["name"]: c for c in of_type(doc, "algorithm")}
    assert set(names) == {
        "unknown-1.2.3.4.5",
        "unknown-foo@example.org",
        "OQS-test-arc-1.3.9999.99.1",
    }
    assert names["unknown-1.2.3.4.5"]["cryptoProperties"]["oid"] == "1.2.3.4.5"
    assert props(names["unknown-1.2.3.4.5"])["primitive"] == "unknown"
    # a member of an OID arc has the family's primitive but no levels of its own
    arc = props(names["OQS-test-arc-1.3.9999.99.1"])
    assert arc["primitive"] == "signature"
    assert "classicalSecurityLevel" not in arc and "nistQuantumSecurityLevel" not in arc


def test_code_algorithms_of_primitive_other_are_components():
    """An EC key whose use is not visible and a predictable generator used for a secret are
    cryptography (primitive `other`), unlike protocol versions or compression."""
    findings = [
        located("app.py", "python ec.generate_private_key", "EC", "key-generation", curve="P-256"),
        located("token.py", "python random.getrandbits", "PRNG", "random"),
        located("app.py", "python ssl", "TLS 1.2", "protocol"),
    ]
    doc = render(assess(Inventory(findings=findings)))
    names = {c["name"]: props(c) for c in of_type(doc, "algorithm")}
    assert set(names) == {"EC-P-256", "PRNG"}
    assert names["EC-P-256"]["primitive"] == "other"
    assert names["EC-P-256"]["curve"] == "P-256"


def test_composites_are_named_by_their_parameter_set():
    """The certificate scanner's params of a composite ML-DSA and a composite ML-KEM key."""
    findings = []
    for oid in ("1.3.6.1.5.5.7.6.48", "1.3.6.1.5.5.7.6.58"):
        algorithm_name, params, _ = lookup(oid)
        findings.append(
            located(
                "c.pem", "certificate public key", algorithm_name, "signature", oid=oid, **params
            )
        )
    doc = render(assess(Inventory(findings=findings)))
    mldsa = algorithm(doc, "Composite-ML-DSA-MLDSA65-Ed25519-SHA512")
    assert mldsa["cryptoProperties"]["oid"] == "1.3.6.1.5.5.7.6.48"
    assert props(mldsa)["parameterSetIdentifier"] == "MLDSA65-Ed25519-SHA512"
    assert props(mldsa)["nistQuantumSecurityLevel"] == 3  # its ML-DSA-65 part
    mlkem = algorithm(doc, "Composite-ML-KEM-MLKEM768-X25519-SHA3-256")
    assert props(mlkem)["primitive"] == "kem" and props(mlkem)["nistQuantumSecurityLevel"] == 3


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            0xC02F,
            {
                ("ECDH", "key-exchange"),
                ("RSA", "signature"),
                ("AES-128", "encryption"),
                ("SHA-256", "hash"),
            },
        ),
        (0xC0A8, {("AES-128", "encryption"), ("SHA-256", "hash")}),  # PSK: no public-key algorithm
        (0x0005, {("RSA", "key-exchange"), ("RC4", "encryption"), ("HMAC-SHA1", "mac")}),
        (
            0x0032,
            {
                ("DH", "key-exchange"),
                ("DSA", "signature"),
                ("AES-128", "encryption"),
                ("HMAC-SHA1", "mac"),
            },
        ),
    ],
)
def test_suite_parts(code, expected):
    parts = suite_parts(catalog(), code)
    assert {(name, function) for name, function, _ in parts} == expected


def test_suite_cipher_modes_and_sizes():
    cat = catalog()
    ccm8 = [p for p in suite_parts(cat, 0xC0AE) if p[1] == "encryption"]
    assert ccm8 == [("AES-128", "encryption", {"mode": "CCM8"})]
    rc4_40 = [p for p in suite_parts(cat, 0x0003) if p[1] == "encryption"]
    assert rc4_40 == [("RC4", "encryption", {"bits": 40})]


def test_empty_inventory_is_valid(plain_inventory):
    plain_inventory.findings = []
    doc = render(plain_inventory)
    assert doc["components"] == []
    assert doc["dependencies"] == [{"ref": "qscan-scan"}]


def test_leaf_certificate_checks_judge_the_certificate_not_a_key(tmp_path):
    """An expired, self-signed server certificate: the checks' verdicts belong to the
    certificate component (and, like every verdict of the endpoint, to its protocol); no
    key or algorithm component is judged by them."""
    chain = make_chain(tmp_path, "ecdsa", valid_from_days=-60, self_signed_leaf=True)
    with python_ssl_server(chain) as server:
        findings, errors = collect([parse_target(server.address)], ScanOptions(timeout=5.0))
    assert errors == []
    inventory = assess(Inventory(findings=findings, targets=[server.address]))
    checks = [f for f in inventory.findings if f.context.get("role") == "certificate check"]
    assert {f.context["check"] for f in checks} == {"expired", "self-signed"}
    doc = render(inventory)
    leaf = next(c for c in of_type(doc, "certificate") if c["name"] == "localhost")
    assert {"QS232", "QS235"} <= rules_of(leaf)
    material = of_type(doc, "algorithm") + of_type(doc, "related-crypto-material")
    assert material and not any({"QS232", "QS235"} & rules_of(c) for c in material)
