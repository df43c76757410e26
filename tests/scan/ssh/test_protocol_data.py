"""The shared SSH data (rules/ssh/) and finding builders (qscan.protocols.ssh)."""

from __future__ import annotations

import re

import pytest

from qscan.assess.engine import assess
from qscan.assess.rules import load_rules
from qscan.catalog import catalog
from qscan.model import Inventory, Location
from qscan.protocols import ssh

BASE = Location(target="ssh://192.0.2.1:22", host="192.0.2.1", port=22, service="ssh")


def _verdicts(findings):
    inventory = assess(Inventory(findings=list(findings)))
    return {(f.location.component, f.params.get("ssh_name")): f.verdict for f in inventory.findings}


def test_every_ssh_name_maps_to_a_catalog_algorithm():
    data = ssh.ssh_data()
    for category in ssh.CATEGORIES:
        for name, spec in data.specs[category].items():
            if spec.signal:
                continue
            assert catalog().canonical(spec.algorithm), f"{category} {name} -> {spec.algorithm}"
            for key in ("curve",):
                if key in spec.params:
                    assert catalog().curve(spec.params[key]), f"{name}: curve {spec.params[key]}"


def test_default_lists_use_only_known_names():
    data = ssh.ssh_data()
    lists = {"kex": ssh.KEX, "host_key": ssh.HOST_KEY, "ca_signature": ssh.HOST_KEY}
    for version in ("7.4", "8.2", "8.5", "8.8", "8.9", "9.0", "9.2", "9.8", "9.9", "10.0", "10.5"):
        for side in ("server", "client"):
            defaults = ssh.openssh_defaults(version, side)
            assert defaults is not None
            for key, names in defaults.items():
                category = lists.get(key, key)
                for name in names:
                    assert data.lookup(category, name), f"{version} {side} {key}: {name}"


@pytest.mark.parametrize(
    ("version", "first_kex", "has_pq"),
    [
        ("8.8p1", "curve25519-sha256", False),
        ("8.9p1", "curve25519-sha256", True),
        ("9.2p1", "sntrup761x25519-sha512@openssh.com", True),
        ("9.9p2", "sntrup761x25519-sha512", True),
        ("10.0p1", "mlkem768x25519-sha256", True),
        ("10.2", "mlkem768x25519-sha256", True),
    ],
)
def test_openssh_default_kex_by_release(version, first_kex, has_pq):
    kex = ssh.openssh_defaults(version)["kex"]
    assert kex[0] == first_kex
    assert ssh.pq_kex_status(kex).offered is has_pq


def test_openssh_10_server_has_no_finite_field_dh_but_client_does():
    server = ssh.openssh_defaults("10.0", "server")["kex"]
    client = ssh.openssh_defaults("10.0", "client")["kex"]
    assert not any(n.startswith("diffie-hellman") for n in server)
    assert "diffie-hellman-group14-sha256" in client


def test_ssh_rsa_leaves_the_default_host_key_list_in_8_8():
    assert "ssh-rsa" in ssh.openssh_defaults("8.7")["host_key"]
    assert "ssh-rsa" not in ssh.openssh_defaults("8.8")["host_key"]
    assert ssh.openssh_defaults("6.6") is None
    assert ssh.openssh_defaults("not a version") is None


def test_directive_names_are_case_insensitive():
    assert ssh.directive_list("KexAlgorithms") == "kex"
    assert ssh.directive_list("pubkeyacceptedkeytypes") == "host_key"
    assert ssh.directive_list("CASignatureAlgorithms") == "ca_signature"
    assert ssh.directive_list("Port") is None


DEFAULTS = ["a-1", "b-1", "c-2", "d-sha1"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", DEFAULTS),
        ("x,y", ["x", "y"]),
        ("x, y ,x", ["x", "y"]),
        ("+x,a-1", [*DEFAULTS, "x"]),
        ("^x,c-2", ["x", "c-2", "a-1", "b-1", "d-sha1"]),
        ("-b-1", ["a-1", "c-2", "d-sha1"]),
        ("-*-1", ["c-2", "d-sha1"]),
        ("-*sha1,?-2", ["a-1", "b-1"]),
        ("*-1", ["a-1", "b-1"]),
    ],
)
def test_resolve_algorithm_list(value, expected):
    assert ssh.resolve_algorithm_list(value, DEFAULTS) == expected


def test_resolve_wildcards_against_supported_names():
    defaults = ssh.openssh_defaults("9.2")["ciphers"]
    resolved = ssh.resolve_algorithm_list("+*-cbc", defaults, ssh.supported_names("ciphers"))
    assert resolved[: len(defaults)] == defaults
    assert {"aes128-cbc", "aes256-cbc", "3des-cbc"} <= set(resolved[len(defaults) :])
    assert all(n.endswith("-cbc") for n in resolved[len(defaults) :])


def test_kex_findings_shape_and_pq_context():
    names = [
        "curve25519-sha256",
        "sntrup761x25519-sha512@openssh.com",
        "diffie-hellman-group14-sha256",
        "kex-strict-s-v00@openssh.com",
        "curve25519-sha256",
    ]
    findings = ssh.kex_findings(names, BASE)
    assert [f.params["ssh_name"] for f in findings] == names[:3]
    assert [f.context["position"] for f in findings] == [1, 2, 3]
    x25519, hybrid, dh = findings
    assert x25519.algorithm == "X25519" and x25519.params["hash"] == "SHA-256"
    assert hybrid.algorithm == "sntrup761x25519-sha512"
    assert dh.algorithm == "DH" and dh.params["bits"] == 2048
    for f in findings:
        assert f.location.component == "ssh kex"
        assert f.function == "key-exchange" and f.asset == "algorithm"
        assert f.context["pq_kex_offered"] is True and f.context["pq_kex_first"] is False
        assert "position" not in f.params


def test_fingerprint_survives_reordering():
    one = ssh.kex_findings(["curve25519-sha256", "ecdh-sha2-nistp256"], BASE)
    two = ssh.kex_findings(
        ["mlkem768x25519-sha256", "ecdh-sha2-nistp256", "curve25519-sha256"], BASE
    )
    assert {f.fingerprint for f in one} <= {f.fingerprint for f in two}


def test_unknown_names_are_kept():
    (finding,) = ssh.mac_findings(["hmac-whirlpool@example.org"], BASE)
    assert finding.algorithm == "unknown"
    assert finding.params == {"ssh_name": "hmac-whirlpool@example.org"}
    assert _verdicts([finding])[("ssh mac", "hmac-whirlpool@example.org")].rule == "QS149"


def test_gssapi_prefix_names():
    (finding,) = ssh.kex_findings(["gss-group14-sha256-toWM5Slw5Ew8Mqkay+al2g=="], BASE)
    assert finding.algorithm == "DH" and finding.params["gssapi"] is True


@pytest.mark.parametrize(
    ("kex", "rule", "status", "severity"),
    [
        (["curve25519-sha256", "ecdh-sha2-nistp256"], "QS420", "quantum-vulnerable", "high"),
        (["curve25519-sha256", "sntrup761x25519-sha512@openssh.com"], "QS421", "hybrid", "medium"),
        (["mlkem768x25519-sha256", "curve25519-sha256"], "QS422", "hybrid", "info"),
        (["sntrup761x25519-sha512", "curve25519-sha256"], "QS422", "hybrid", "info"),
        (
            ["sntrup4591761x25519-sha512@tinyssh.org", "curve25519-sha256"],
            "QS420",
            "quantum-vulnerable",
            "high",
        ),
    ],
)
def test_endpoint_verdict(kex, rule, status, severity):
    finding = ssh.protocol_finding(BASE, kex)
    verdict = _verdicts([finding])[("ssh protocol", None)]
    assert (verdict.rule, verdict.status, verdict.severity) == (rule, status, severity)


def test_endpoint_fix_names_the_kexalgorithms_line_and_versions():
    verdict = _verdicts([ssh.protocol_finding(BASE, ["curve25519-sha256"])])[("ssh protocol", None)]
    assert (
        "KexAlgorithms mlkem768x25519-sha256,sntrup761x25519-sha512,curve25519-sha256"
        in verdict.fix
    )
    assert "9.9" in verdict.fix and "8.5" in verdict.fix


def test_ssh1_protocol():
    verdicts = _verdicts([ssh.protocol_finding(BASE, [], protocol_version="1.5")])
    assert verdicts[("ssh protocol", None)].rule == "QS423"
    both = ssh.protocol_finding(BASE, ["curve25519-sha256"], context={"ssh1_supported": True})
    assert _verdicts([both])[("ssh protocol", None)].rule == "QS424"


@pytest.mark.parametrize(
    ("builder", "name", "context", "rule"),
    [
        (ssh.kex_findings, "curve25519-sha256", {}, "QS130"),
        (ssh.kex_findings, "diffie-hellman-group1-sha1", {}, "QS134"),
        (ssh.kex_findings, "diffie-hellman-group14-sha1", {}, "QS135"),
        (ssh.kex_findings, "diffie-hellman-group-exchange-sha1", {}, "QS135"),
        (ssh.kex_findings, "sntrup4591761x25519-sha512@tinyssh.org", {}, "QS133"),
        (ssh.kex_findings, "mlkem768x25519-sha256", {}, "QS132"),
        (ssh.host_key_algorithm_findings, "ssh-rsa", {}, "QS240"),
        (ssh.host_key_algorithm_findings, "ssh-rsa-cert-v01@openssh.com", {}, "QS240"),
        (ssh.host_key_algorithm_findings, "ssh-dss", {}, "QS241"),
        (ssh.host_key_algorithm_findings, "rsa-sha2-256", {}, "QS242"),
        (ssh.host_key_algorithm_findings, "ssh-ed25519", {}, "QS242"),
        (ssh.host_key_algorithm_findings, "ssh-mldsa44-ed25519@openssh.com", {}, "QS207"),
        (ssh.cipher_findings, "aes256-cbc", {}, "QS330"),
        (ssh.cipher_findings, "3des-cbc", {}, "QS301"),
        (ssh.cipher_findings, "arcfour256", {}, "QS300"),
        (ssh.cipher_findings, "cast128-cbc", {}, "QS331"),
        (ssh.cipher_findings, "aes256-gcm@openssh.com", {}, "QS303"),
        (ssh.cipher_findings, "chacha20-poly1305@openssh.com", {}, "QS303"),
        (ssh.cipher_findings, "chacha20-poly1305@openssh.com", {"strict_kex": False}, "QS332"),
        (ssh.cipher_findings, "chacha20-poly1305@openssh.com", {"strict_kex": True}, "QS303"),
        (ssh.mac_findings, "hmac-sha1-96", {}, "QS340"),
        (ssh.mac_findings, "hmac-md5", {}, "QS304"),
        (ssh.mac_findings, "hmac-sha1", {}, "QS341"),
        (ssh.mac_findings, "umac-64@openssh.com", {}, "QS342"),
        (ssh.mac_findings, "hmac-sha2-512", {}, "QS343"),
        (ssh.mac_findings, "hmac-sha2-256-etm@openssh.com", {}, "QS303"),
        (
            ssh.mac_findings,
            "hmac-sha2-256-etm@openssh.com",
            {"strict_kex": False, "cbc_offered": True},
            "QS344",
        ),
        (ssh.compression_findings, "zlib@openssh.com", {}, "QS425"),
    ],
)
def test_algorithm_rules(builder, name, context, rule):
    (finding,) = builder([name], BASE, context=context)
    verdict = _verdicts([finding])[(finding.location.component, name)]
    assert verdict.rule == rule


def test_classical_kex_next_to_a_hybrid_is_low():
    findings = ssh.kex_findings(["sntrup761x25519-sha512", "curve25519-sha256"], BASE)
    assert _verdicts(findings)[("ssh kex", "curve25519-sha256")].rule == "QS131"


def test_host_key_finding():
    key = ssh.HostKey("ssh-rsa", "RSA", "SHA256:abc", bits=2048)
    finding = ssh.host_key_finding(key, BASE, host_key_algorithms=["rsa-sha2-512", "rsa-sha2-256"])
    assert finding.location.component == "ssh host key"
    assert finding.asset == "key" and finding.params == {"key_type": "ssh-rsa", "bits": 2048}
    assert finding.context["host_key_algorithms"] == ["rsa-sha2-512", "rsa-sha2-256"]
    assert _verdicts([finding])[("ssh host key", None)].rule == "QS200"


def test_builders_accept_a_file_location():
    base = Location(target="repo", path="etc/ssh/sshd_config", line=12)
    (finding,) = ssh.kex_findings(
        ["curve25519-sha256"], base, evidence="KexAlgorithms curve25519-sha256"
    )
    assert finding.location.path == "etc/ssh/sshd_config" and finding.location.line == 12
    assert finding.evidence == "KexAlgorithms curve25519-sha256"
    moved = ssh.kex_findings(
        ["curve25519-sha256"], Location(target="repo", path="etc/ssh/sshd_config", line=40)
    )
    assert moved[0].fingerprint == finding.fingerprint


def test_ssh_rule_ids_stay_in_the_ssh_ranges():
    ranges = [(130, 149), (240, 249), (330, 349), (420, 429)]
    ids = [r.id for r in load_rules() if r.pack == "ssh.yaml"]
    assert ids
    for rule_id in ids:
        number = int(re.fullmatch(r"QS(\d+)", rule_id)[1])
        assert any(lo <= number <= hi for lo, hi in ranges), rule_id


def test_openssh_version_from_banner_software():
    assert ssh.openssh_version("OpenSSH_9.2p1") == "9.2"
    assert ssh.openssh_version("OpenSSH_10.0") == "10.0"
    assert ssh.openssh_version("dropbear_2022.83") is None
