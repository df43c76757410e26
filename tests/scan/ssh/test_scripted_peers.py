"""The scanner against scripted peers: handcrafted KEXINITs (post-quantum first, classical
only, legacy only, SSH-1) and hostile behaviour that must end in an error record, fast."""

from __future__ import annotations

import asyncio
import time

import pytest

from qscan.assess.engine import assess
from qscan.model import Finding, Inventory, ScanError
from qscan.scan.interface import ScanOptions
from qscan.scan.net.engine import run_endpoints
from qscan.scan.ssh import SshScanner
from qscan.scan.ssh.transport import packet
from qscan.scan.ssh.wire import string, u32
from qscan.targets import parse_target

from .conftest import names, scan_async
from .peers import ScriptedServer, kexinit, kexinit_packet, raw_peer, serve

BANNER = b"SSH-2.0-Hostile_0.1\r\n"


def verdict_rules(findings: list[Finding]) -> dict[tuple[str, str | None], str]:
    return {
        (f.location.component, f.params.get("ssh_name") or f.params.get("key_type")): f.verdict.rule
        for f in assess(Inventory(findings=findings)).findings
    }


def scan_peer(handler, **options) -> tuple[list[Finding], list[ScanError], float]:
    async def main():
        async with serve(handler) as port:
            started = time.monotonic()
            findings, errors = await scan_async(f"ssh://127.0.0.1:{port}", **options)
            return findings, errors, time.monotonic() - started

    return asyncio.run(main())


def check_offer(findings: list[Finding], offer) -> None:
    assert names(findings, "ssh kex") == [n for n in offer.kex if not n.startswith("kex-strict")]
    assert names(findings, "ssh host key algorithm") == offer.host_key
    assert names(findings, "ssh cipher") == offer.ciphers_c2s
    assert names(findings, "ssh mac") == offer.macs_c2s
    assert names(findings, "ssh compression") == offer.compression_c2s


def scan_offer(offer) -> tuple[ScriptedServer, list[Finding], dict[tuple[str, str | None], str]]:
    """Scan a scripted peer making this offer: it scans without errors and every algorithm
    offered is a finding; the server, the findings and their rules by (component, name)."""
    server = ScriptedServer(offer)
    findings, errors, _ = scan_peer(server)
    assert errors == []
    check_offer(findings, offer)
    return server, findings, verdict_rules(findings)


def test_mlkem_first_peer():
    offer = kexinit(
        [
            "mlkem768x25519-sha256",
            "sntrup761x25519-sha512",
            "curve25519-sha256",
            "kex-strict-s-v00@openssh.com",
        ],
        ["ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"],
        ["aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com"],
        ["hmac-sha2-512-etm@openssh.com"],
        ["none", "zlib@openssh.com"],
    )
    server, findings, rules = scan_offer(offer)
    assert rules[("ssh protocol", None)] == "QS422"
    assert rules[("ssh kex", "mlkem768x25519-sha256")] == "QS132"
    assert rules[("ssh kex", "curve25519-sha256")] == "QS131"
    keys = {f.params["key_type"]: f for f in findings if f.location.component == "ssh host key"}
    assert set(keys) == {"ssh-ed25519", "ssh-rsa"}
    assert keys["ssh-rsa"].params["bits"] == 2048
    assert sorted(server.exchanges) == [
        ("curve25519-sha256", "rsa-sha2-512"),
        ("curve25519-sha256", "ssh-ed25519"),
    ]
    (protocol,) = [f for f in findings if f.location.component == "ssh protocol"]
    assert protocol.context["software"] == "ScriptedSSH_1.0"
    assert protocol.context["strict_kex"] is True


def test_ipv6_literal_target():
    offer = kexinit(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"])

    async def main():
        async with serve(ScriptedServer(offer), host="::1") as port:
            return await scan_async(f"ssh://[::1]:{port}")

    try:
        findings, errors = asyncio.run(main())
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    assert errors == []
    assert {f.location.host for f in findings} == {"::1"}
    assert names(findings, "ssh kex") == ["curve25519-sha256"]


def test_mlkem_only_peer_gets_a_real_ml_kem_exchange():
    offer = kexinit(["mlkem768x25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"])
    server = ScriptedServer(offer)
    findings, errors, _ = scan_peer(server)
    assert errors == []
    assert server.exchanges == [("mlkem768x25519-sha256", "ssh-ed25519")]
    assert [f.params["key_type"] for f in findings if f.location.component == "ssh host key"] == [
        "ssh-ed25519"
    ]


def test_classical_only_peer():
    offer = kexinit(
        ["ecdh-sha2-nistp256", "curve25519-sha256", "diffie-hellman-group16-sha512"],
        ["ecdsa-sha2-nistp384"],
        ["aes128-ctr"],
        ["hmac-sha2-256"],
    )
    server, findings, rules = scan_offer(offer)
    assert rules[("ssh protocol", None)] == "QS420"
    assert rules[("ssh kex", "ecdh-sha2-nistp256")] == "QS130"
    (key,) = [f for f in findings if f.location.component == "ssh host key"]
    assert key.params == {"key_type": "ecdsa-sha2-nistp384", "curve": "P-384"}
    assert server.exchanges == [("curve25519-sha256", "ecdsa-sha2-nistp384")]


def test_legacy_only_peer():
    offer = kexinit(
        ["diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1"],
        ["ssh-rsa", "ssh-dss"],
        ["3des-cbc", "arcfour", "blowfish-cbc", "aes128-cbc"],
        ["hmac-md5", "hmac-sha1-96"],
    )
    server, findings, rules = scan_offer(offer)
    assert rules[("ssh protocol", None)] == "QS420"
    assert rules[("ssh kex", "diffie-hellman-group1-sha1")] == "QS134"
    assert rules[("ssh kex", "diffie-hellman-group14-sha1")] == "QS135"
    assert rules[("ssh host key algorithm", "ssh-rsa")] == "QS240"
    assert rules[("ssh host key algorithm", "ssh-dss")] == "QS241"
    assert rules[("ssh cipher", "3des-cbc")] == "QS301"
    assert rules[("ssh cipher", "arcfour")] == "QS300"
    assert rules[("ssh cipher", "blowfish-cbc")] == "QS331"
    assert rules[("ssh cipher", "aes128-cbc")] == "QS330"
    assert rules[("ssh mac", "hmac-md5")] == "QS304"
    assert rules[("ssh mac", "hmac-sha1-96")] == "QS340"
    assert rules[("ssh host key", "ssh-dss")] == "QS203"
    assert {m for m, _ in server.exchanges} == {"diffie-hellman-group14-sha1"}


def test_obsolete_prestandard_kex_peer():
    offer = kexinit(
        ["sntrup4591761x25519-sha512@tinyssh.org", "curve25519-sha256"],
        ["ssh-ed25519"],
        ["aes128-ctr"],
        ["hmac-sha2-256"],
    )
    findings, errors, _ = scan_peer(ScriptedServer(offer))
    rules = verdict_rules(findings)
    assert rules[("ssh kex", "sntrup4591761x25519-sha512@tinyssh.org")] == "QS133"
    assert rules[("ssh protocol", None)] == "QS420"


def test_ssh_1_99_peer_supports_both_protocols():
    offer = kexinit(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"])
    findings, errors, _ = scan_peer(ScriptedServer(offer, banner=b"SSH-1.99-OldSSH_3.9\r\n"))
    assert errors == []
    assert verdict_rules(findings)[("ssh protocol", None)] == "QS424"


def test_ssh_1_only_peer():
    findings, errors, _ = scan_peer(raw_peer(b"SSH-1.5-Ancient_1.2.27\r\n"))
    assert errors == []
    (finding,) = findings
    assert finding.algorithm == "SSH-1" and finding.params["protocol_version"] == "1.5"
    assert verdict_rules(findings)[("ssh protocol", None)] == "QS423"


def test_peer_with_lines_before_the_banner():
    offer = kexinit(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"])
    server = ScriptedServer(
        offer, banner=b"Welcome\r\nAuthorised use only\r\nSSH-2.0-Chatty_2.0\r\n"
    )
    findings, errors, _ = scan_peer(server)
    assert errors == []
    assert names(findings, "ssh kex") == ["curve25519-sha256"]


def test_host_key_failure_keeps_the_algorithm_findings():
    offer = kexinit(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"])
    findings, errors, _ = scan_peer(ScriptedServer(offer, close_after_kexinit=True))
    assert names(findings, "ssh kex") == ["curve25519-sha256"]
    assert [e.kind for e in errors] == ["connection-closed"]
    assert "host key for ssh-ed25519" in errors[0].message


# --- hostile peers ------------------------------------------------------------------


def one_error(handler, kind: str, **options) -> ScanError:
    findings, errors, elapsed = scan_peer(handler, **options)
    assert findings == []
    assert [e.kind for e in errors] == [kind], errors
    assert elapsed < 3.0
    return errors[0]


def test_no_banner_closes_at_once():
    one_error(raw_peer(), "ssh-no-banner")


def test_silent_peer_times_out():
    error = one_error(raw_peer(stall=10, close=False), "timeout", timeout=0.5)
    assert "version line" in error.message


def test_garbage_instead_of_a_banner():
    one_error(raw_peer(b"\x00\xff\xfe garbage\r\n" * 4), "ssh-bad-banner")


def test_http_server_is_not_an_ssh_server():
    error = one_error(
        raw_peer(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), "ssh-bad-banner"
    )
    assert "HTTP/1.1 400" in error.message


def test_one_megabyte_banner():
    error = one_error(raw_peer(b"SSH-2.0-" + b"A" * 1_000_000 + b"\r\n"), "ssh-banner-too-long")
    assert "8192" in error.message


def test_endless_pre_banner_lines():
    one_error(raw_peer(b"hello\r\n" * 100_000), "ssh-bad-banner")


def test_dripping_banner_hits_the_connection_deadline():
    async def drip(reader, writer):
        while True:
            writer.write(b"S")
            await writer.drain()
            await asyncio.sleep(0.05)

    one_error(drip, "timeout", timeout=0.5)


def test_stall_after_banner():
    error = one_error(raw_peer(BANNER, stall=10, close=False), "timeout", timeout=0.5)
    assert "KEXINIT" in error.message


def test_malformed_kexinit_length():
    error = one_error(
        raw_peer(BANNER + b"\xff\xff\xff\xff\x04" + b"\x00" * 64), "ssh-malformed-packet"
    )
    assert "4294967295" in error.message


def test_kexinit_name_list_runs_past_the_packet():
    payload = bytes([20]) + b"\x00" * 16 + u32(100_000) + b"curve25519-sha256"
    one_error(raw_peer(BANNER + packet(payload)), "ssh-malformed-packet")


def test_kexinit_with_non_ascii_names():
    payload = (
        bytes([20])
        + b"\x00" * 16
        + string("curve25519-sha256\u00e9".encode())
        + string(b"") * 9
        + b"\x00"
        + u32(0)
    )
    one_error(raw_peer(BANNER + packet(payload)), "ssh-malformed-packet")


def test_truncated_kexinit_then_close():
    offer = kexinit(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"])
    one_error(raw_peer(BANNER + kexinit_packet(offer)[:40]), "connection-closed")


def test_disconnect_instead_of_kexinit():
    payload = bytes([1]) + u32(2) + string(b"go away") + string(b"")
    error = one_error(raw_peer(BANNER + packet(payload)), "ssh-disconnected")
    assert "go away" in error.message


def test_refused_connection_is_an_error_record():
    from .conftest import free_port

    findings, errors = asyncio.run(scan_async(f"ssh://127.0.0.1:{free_port()}"))
    assert findings == [] and [e.kind for e in errors] == ["connection-refused"]


def test_scan_goes_on_past_hostile_peers():
    offer = kexinit(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"])

    async def main():
        async with (
            serve(ScriptedServer(offer)) as good,
            serve(raw_peer(BANNER, stall=10, close=False)) as stall,
            serve(raw_peer(b"SSH-2.0-" + b"B" * 1_000_000)) as flood,
        ):
            records: list = []
            jobs = [
                (SshScanner(), parse_target(f"ssh://127.0.0.1:{p}")) for p in (stall, flood, good)
            ]
            net = await run_endpoints(jobs, ScanOptions(timeout=0.5, retries=0), records.append)
            return records, net, good

    records, net, good = asyncio.run(main())
    errors = {e.port: e.kind for e in records if isinstance(e, ScanError)}
    findings = [f for f in records if isinstance(f, Finding)]
    assert set(errors.values()) == {"timeout", "ssh-banner-too-long"}
    assert {f.location.port for f in findings} == {good}
    assert net.connections[("127.0.0.1", good)] == 1


@pytest.mark.parametrize(
    ("version", "kex", "rule", "says", "not_says"),
    [
        ("9.2p1 Debian-2+deb12u3", ["curve25519-sha256"], "QS420",
         "OpenSSH 9.2: enable sntrup761x25519-sha512@openssh.com now", "mlkem768x25519-sha256,"),
        ("9.9", ["curve25519-sha256"], "QS420",
         "OpenSSH 9.9, which has mlkem768x25519-sha256", "needs OpenSSH 9.9"),
        ("10.0p2", ["curve25519-sha256", "sntrup761x25519-sha512"], "QS421",
         "OpenSSH 10.0: put mlkem768x25519-sha256 (ML-KEM, FIPS 203) first", "needs"),
        ("8.4p1", ["curve25519-sha256"], "QS420",
         "OpenSSH 8.4, which has no post-quantum key exchange: upgrade it", "enable"),
        ("9.0", ["sntrup761x25519-sha512@openssh.com", "curve25519-sha256"], "QS422",
         "OpenSSH 9.0 offers sntrup761x25519-sha512@openssh.com first", "prefer it over"),
        ("9.9p1", ["sntrup761x25519-sha512", "mlkem768x25519-sha256"], "QS422",
         "prefer it over sntrup761x25519-sha512", "Nothing to do"),
    ],
)  # fmt: skip
def test_fix_names_what_the_observed_openssh_release_can_do(version, kex, rule, says, not_says):
    offer = kexinit(kex, ["ssh-ed25519"], ["aes256-gcm@openssh.com"], ["hmac-sha2-256"])
    server = ScriptedServer(offer, banner=f"SSH-2.0-OpenSSH_{version}\r\n".encode())
    findings, errors, _ = scan_peer(server)
    assert errors == []
    (protocol,) = [
        f for f in assess(Inventory(findings=findings)).findings
        if f.location.component == "ssh protocol"
    ]  # fmt: skip
    assert protocol.verdict.rule == rule
    assert says in protocol.verdict.fix and not_says not in protocol.verdict.fix
    assert "{" not in protocol.verdict.fix


def test_without_a_recognisable_openssh_banner_the_general_fix_applies():
    offer = kexinit(
        ["curve25519-sha256"], ["ssh-ed25519"], ["aes256-gcm@openssh.com"], ["hmac-sha2-256"]
    )
    findings, errors, _ = scan_peer(ScriptedServer(offer))
    (protocol,) = [
        f for f in assess(Inventory(findings=findings)).findings
        if f.location.component == "ssh protocol"
    ]  # fmt: skip
    assert protocol.verdict.rule == "QS420"
    assert protocol.verdict.fix.startswith("Offer a hybrid post-quantum key exchange first.")
