"""The scanner against Debian's real OpenSSH server (9.2) in several configurations. The
expected lists come from `sshd -T` (the server's effective configuration), not from
hard-coded defaults."""

from __future__ import annotations

import subprocess

import pytest

from qscan.assess.engine import assess
from qscan.model import Inventory
from qscan.protocols import ssh as data

from .conftest import names, run_scan

pytestmark = [pytest.mark.slow, pytest.mark.needs_sshd]

KEY_TYPES = {"rsa": "ssh-rsa", "ecdsa": "ecdsa-sha2-nistp256", "ed25519": "ssh-ed25519"}


def expected_host_key_algorithms(effective: dict[str, str], keys: tuple[str, ...]) -> list[str]:
    """sshd offers, HostKey file by HostKey file and then for the certificates, the
    HostKeyAlgorithms entries that the key can sign with (sshd.c list_hostkey_types)."""
    allowed = effective["hostkeyalgorithms"].split(",")
    loaded = [KEY_TYPES[k] for k in keys]
    if "hostcertificate" in effective:
        loaded.append("ssh-ed25519-cert-v01@openssh.com")
    return [
        n
        for key_type in loaded
        for n in allowed
        if data.lookup(data.HOST_KEY, n).key_type == key_type
    ]


def expected_compression(effective: dict[str, str]) -> list[str]:
    # sshd_config(5) Compression: yes/delayed offer zlib@openssh.com after none; no offers none.
    return ["none"] if effective["compression"] == "no" else ["none", "zlib@openssh.com"]


def check_lists_match(server, findings, keys=("rsa", "ecdsa", "ed25519")):
    effective = server.effective()
    assert names(findings, "ssh kex") == effective["kexalgorithms"].split(",")
    assert names(findings, "ssh host key algorithm") == expected_host_key_algorithms(
        effective, keys
    )
    assert names(findings, "ssh cipher") == effective["ciphers"].split(",")
    assert names(findings, "ssh mac") == effective["macs"].split(",")
    assert names(findings, "ssh compression") == expected_compression(effective)
    return effective


def by_component(findings, component):
    return [f for f in findings if f.location.component == component]


def verdicts(findings):
    return {
        (f.location.component, f.params.get("ssh_name") or f.params.get("key_type")): f.verdict
        for f in assess(Inventory(findings=findings)).findings
    }


def test_default_configuration(sshd, host_keys):
    server = sshd()
    findings, errors = run_scan(server.target)
    assert errors == []
    effective = check_lists_match(server, findings)
    (protocol,) = by_component(findings, "ssh protocol")
    assert protocol.context["software"].startswith("OpenSSH_9.2")
    assert protocol.context["openssh_version"] == "9.2"
    assert protocol.context["strict_kex"] is True
    assert protocol.context["pq_kex_first"] is True
    assert protocol.context["preferred_kex"] == effective["kexalgorithms"].split(",")[0]
    keys = {f.params["key_type"]: f for f in by_component(findings, "ssh host key")}
    assert set(keys) == {"ssh-rsa", "ecdsa-sha2-nistp256", "ssh-ed25519"}
    assert keys["ssh-rsa"].params["bits"] == 3072 and keys["ssh-rsa"].algorithm == "RSA"
    assert keys["ecdsa-sha2-nistp256"].params["curve"] == "P-256"
    assert keys["ssh-ed25519"].algorithm == "Ed25519"
    for kind, key_type in KEY_TYPES.items():
        assert keys[key_type].context["fingerprint_sha256"] == host_keys.fingerprint(kind)
    assert keys["ssh-rsa"].context["host_key_algorithms"] == ["rsa-sha2-512", "rsa-sha2-256"]
    judged = verdicts(findings)
    assert judged[("ssh protocol", None)].rule == "QS422"
    protocol = next(f for f in findings if f.location.component == "ssh protocol")
    if protocol.context.get("openssh_pq_kex") == "sntrup761x25519-sha512@openssh.com":
        fix = judged[("ssh protocol", None)].fix
        assert f"OpenSSH {protocol.context['openssh_version']} offers sntrup761x25519" in fix
        assert "needs OpenSSH 9.9 or later" in fix
    assert judged[("ssh kex", "curve25519-sha256")].rule == "QS131"


def test_classical_only_key_exchange(sshd):
    server = sshd(
        "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256"
    )
    findings, errors = run_scan(server.target)
    assert errors == []
    check_lists_match(server, findings)
    judged = verdicts(findings)
    assert (judged[("ssh protocol", None)].rule, judged[("ssh protocol", None)].status) == (
        "QS420",
        "quantum-vulnerable",
    )
    # the fix names what this OpenSSH release can do (Debian 12: 9.2, sntrup761 but no ML-KEM)
    protocol = next(f for f in findings if f.location.component == "ssh protocol")
    version = protocol.context["openssh_version"]
    fix = judged[("ssh protocol", None)].fix
    if protocol.context.get("openssh_pq_kex") == "sntrup761x25519-sha512@openssh.com":
        assert fix.startswith(f"This server runs OpenSSH {version}: enable sntrup761x25519")
        assert "mlkem768x25519-sha256 (ML-KEM, FIPS 203) needs OpenSSH 9.9" in fix
    else:
        assert f"OpenSSH {version}" in fix and "KexAlgorithms mlkem768x25519-sha256" in fix
    assert judged[("ssh kex", "curve25519-sha256")].rule == "QS130"


def test_sha1_legacy_algorithms_enabled(sshd):
    server = sshd(
        "KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
        "HostKeyAlgorithms +ssh-rsa",
        "Ciphers +aes128-cbc,3des-cbc",
        "MACs +hmac-sha1-96,hmac-md5",
    )
    findings, errors = run_scan(server.target)
    assert errors == []
    effective = check_lists_match(server, findings)
    assert "ssh-rsa" in effective["hostkeyalgorithms"].split(",")
    judged = verdicts(findings)
    assert judged[("ssh kex", "diffie-hellman-group14-sha1")].rule == "QS135"
    assert judged[("ssh kex", "diffie-hellman-group1-sha1")].rule == "QS134"
    assert judged[("ssh host key algorithm", "ssh-rsa")].rule == "QS240"
    assert judged[("ssh cipher", "aes128-cbc")].rule == "QS330"
    assert judged[("ssh cipher", "3des-cbc")].rule == "QS301"
    assert judged[("ssh mac", "hmac-sha1-96")].rule == "QS340"
    assert judged[("ssh mac", "hmac-md5")].rule == "QS304"
    (rsa,) = [
        f for f in by_component(findings, "ssh host key") if f.params["key_type"] == "ssh-rsa"
    ]
    assert rsa.context["host_key_algorithms"] == ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]


@pytest.mark.parametrize(
    "method",
    [
        "ecdh-sha2-nistp384",
        "ecdh-sha2-nistp521",
        "diffie-hellman-group14-sha256",
        "diffie-hellman-group16-sha512",
        "diffie-hellman-group1-sha1",
        "diffie-hellman-group-exchange-sha256",
    ],
)
def test_every_client_key_exchange_reaches_the_host_key(sshd, method):
    server = sshd(f"KexAlgorithms {method}", keys=("ed25519",))
    findings, errors = run_scan(server.target)
    assert errors == []
    assert names(findings, "ssh kex") == [method]
    (key,) = by_component(findings, "ssh host key")
    assert key.params["key_type"] == "ssh-ed25519"


def test_post_quantum_only_server_keeps_the_algorithm_findings(sshd):
    server = sshd("KexAlgorithms sntrup761x25519-sha512@openssh.com", keys=("ed25519",))
    findings, errors = run_scan(server.target)
    assert [e.kind for e in errors] == ["ssh-unsupported-kex"]
    assert names(findings, "ssh kex") == ["sntrup761x25519-sha512@openssh.com"]
    assert verdicts(findings)[("ssh protocol", None)].rule == "QS422"


def test_host_certificate(sshd, host_keys):
    cert = f"{host_keys.files['ed25519']}-cert.pub"
    server = sshd(f"HostCertificate {cert}", keys=("ed25519",))
    findings, errors = run_scan(server.target)
    assert errors == []
    check_lists_match(server, findings, keys=("ed25519",))
    keys = {f.params["key_type"]: f for f in by_component(findings, "ssh host key")}
    certificate = keys["ssh-ed25519-cert-v01@openssh.com"]
    assert certificate.params["certificate"] is True
    details = certificate.context["certificate"]
    assert details["type"] == "host" and details["key_id"] == "qscan-test-host"
    assert details["principals"] == ["localhost"]
    assert details["ca_key_type"] == "ssh-ed25519"
    assert details["ca_fingerprint_sha256"] == host_keys.fingerprint("ca")


def test_pipeline_inventory_validates_against_the_schema(sshd, validate_inventory):
    from qscan.pipeline import scan
    from qscan.scan.interface import ScanOptions
    from qscan.targets import parse_target

    server = sshd("HostKeyAlgorithms +ssh-rsa")
    inventory = scan([parse_target(server.target)], ScanOptions(timeout=5), "nist-ir-8547")
    assert inventory.errors == []
    validate_inventory(inventory.to_dict())
    protocol = [f for f in inventory.findings if f.location.component == "ssh protocol"]
    assert [f.verdict.rule for f in protocol] == ["QS422"]


@pytest.mark.parametrize(
    "line",
    [
        "KexAlgorithms ^diffie-hellman-group14-sha1",
        "KexAlgorithms -*-sha1,diffie-hellman-group-exchange*",
        "KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1",
        "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256",
        "HostKeyAlgorithms ssh-ed25519,ecdsa-sha2-nistp*",
        "HostKeyAlgorithms +ssh-rsa*",
        "HostKeyAlgorithms -*-cert-v01@openssh.com,sk-*",
        "HostKeyAlgorithms ^ssh-ed25519",
        "PubkeyAcceptedAlgorithms -rsa-sha2-256",
        "CASignatureAlgorithms +ssh-rsa",
        "Ciphers -aes1*",
        "Ciphers ^aes256-cbc",
        "Ciphers +aes128-cbc,3des-cbc",
        "MACs -*-etm@openssh.com",
        "MACs +hmac-sha1-96,hmac-md5",
        "MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com",
    ],
)
def test_resolve_algorithm_list_matches_sshd(host_keys, tmp_path, line):
    """The shared resolver computes what `sshd -T` reports for the same directive."""
    from .conftest import SSHD

    directive, value = line.split(" ", 1)
    key = directive.lower()

    def effective(*lines: str) -> str:
        config = tmp_path / "sshd_config"
        config.write_text("\n".join([f"HostKey {host_keys.files['ed25519']}", *lines]) + "\n")
        out = subprocess.run(
            [SSHD, "-T", "-f", str(config)], capture_output=True, text=True, check=True
        ).stdout
        return dict(row.split(" ", 1) for row in out.splitlines() if " " in row)[key]

    defaults = effective().split(",")
    expected = effective(line).split(",")
    available = data.openssh_available(data.directive_list(directive))
    assert data.resolve_algorithm_list(value, defaults, available) == expected


@pytest.mark.parametrize(
    ("lines", "exit_code"),
    [((), 0), (("KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256",), 1)],
)
def test_cli_gate_fails_on_a_classical_only_server(sshd, lines, exit_code):
    import json

    from click.testing import CliRunner

    from qscan.cli import main

    server = sshd(*lines)
    result = CliRunner().invoke(
        main,
        [
            "scan",
            server.target,
            "--format",
            "json",
            "--output",
            "-",
            "--fail-on",
            "high",
            "--quiet",
        ],
    )
    assert result.exit_code == exit_code, result.output
    doc = json.loads(result.stdout)
    assert doc["errors"] == []
    assert {f["location"]["component"] for f in doc["findings"]} >= {
        "ssh protocol",
        "ssh kex",
        "ssh host key",
    }
