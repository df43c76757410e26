"""The shared TLS data (rules/tls/*.yaml), its lookups, and the finding builders + rules."""

import re
import shutil
import subprocess

import pytest

from qscan.assess.engine import assess_findings
from qscan.catalog import catalog
from qscan.model import Location
from qscan.protocols import tls as T


def loc(component: str) -> Location:
    return Location(
        target="example:443", component=component, host="example", port=443, service="tls"
    )


def judged(finding, policy="nist-ir-8547"):
    return next(assess_findings([finding], policy))


def test_reference_suites_are_present_with_their_parts():
    s = T.suite(0xC02F)
    assert (s.name, s.openssl, s.kx, s.au, s.cipher, s.mac) == (
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE",
        "RSA",
        "AES-128",
        "AEAD",
    )
    assert T.suite("0x1302").tls13 and T.suite("0x1302").cipher == "AES-256"
    assert T.suite(0x0005).cipher == "RC4" and T.suite(0x000A).cipher == "3DES"
    for cp in (
        0x0034,
        0x003A,
        0x0046,
        0x006C,
        0x006D,
        0x0089,
        0x00A6,
        0x00A7,
        0x00BF,
        0x00C5,
        0xC018,
        0xC019,
    ):
        assert T.suite(cp).anon, hex(cp)
    for cp in (0x0001, 0x0002, 0x003B, 0xC006, 0xC010, 0xC015):
        assert T.suite(cp).null, hex(cp)
    assert T.suite(0x0003).export and T.suite(0x0014).export
    assert [T.suite(cp).kx for cp in range(0xC01D, 0xC023)] == ["SRP"] * 6
    assert T.is_signalling(0x00FF) and T.is_signalling(0x5600) and T.is_signalling(0x0A0A)


def test_every_suite_names_catalog_algorithms():
    cat = catalog()
    for s in T.all_suites():
        assert cat.canonical(s.cipher), (s.name, s.cipher)
        if s.kx_algorithm:
            assert cat.canonical(s.kx_algorithm), (s.name, s.kx)


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl CLI not installed")
def test_every_suite_the_system_openssl_knows_is_in_the_table():
    out = subprocess.run(
        ["openssl", "ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = re.findall(r"0x(..),0x(..) - (\S+)\s+- (\S+)", out)
    assert len(rows) > 100
    for hi, lo, std, ossl in rows:
        s = T.suite(int(hi + lo, 16))
        assert s is not None and s.name == std and s.openssl == ossl
        assert T.suite_by_name(ossl) is s and T.suite_by_name(std.lower()) is s


def test_suite_names_in_every_spelling():
    assert T.suite_by_name("DES-CBC3-SHA").hex == "0x000A"
    assert T.suite_by_name("SSL_RSA_WITH_3DES_EDE_CBC_SHA").hex == "0x000A"
    assert T.suite_by_name("TLS_AES_128_GCM_SHA256").hex == "0x1301"
    assert T.suite_by_name("no-such-suite") is None


@pytest.mark.parametrize(
    "name, codepoint",
    [
        ("X25519MLKEM768", 0x11EC),
        ("SecP256r1MLKEM768", 0x11EB),
        ("SecP384r1MLKEM1024", 0x11ED),
        ("MLKEM768", 0x0201),
        ("x25519", 0x001D),
        ("X448", 0x001E),
        ("prime256v1", 0x0017),
        ("secp256r1", 0x0017),
        ("P-256", 0x0017),
        ("secp384r1", 0x0018),
        ("P-521", 0x0019),
        ("ffdhe2048", 0x0100),
        ("ffdhe8192", 0x0104),
        ("brainpoolP256r1tls13", 0x001F),
        ("X25519Kyber768Draft00", 0x6399),
        ("GROUP-X25519", 0x001D),
    ],
)
def test_group_names(name, codepoint):
    assert T.group_by_name(name).codepoint == codepoint


def test_groups_cover_reference_section_1():
    for cp in [*range(0x0001, 0x002A), *range(0x0100, 0x0105), 0x0200, 0x0201, 0x0202]:
        assert T.group(cp).algorithm != "unknown" and not T.group(cp).probable, hex(cp)
    for cp in (0x11EB, 0x11EC, 0x11ED):
        g = T.group(cp)
        assert g.kind == "hybrid" and g.standard_pq and g.algorithm == g.name
    assert T.group(0x11EC).key_share == (1216, 1120)
    assert T.group(0x11ED).key_share == (1665, 1665)
    for cp in (0x6399, 0x639A):
        assert T.group(cp).status == "obsolete" and not T.group(cp).standard_pq
    for cp in (
        0x023A,
        0x2F3A,
        0x2F39,
        0x023C,
        0x2F3C,
        0x2F90,
        0x023D,
        0x2F3D,
        0x0247,
        0x2F47,
        0x0248,
        0x2F48,
        0x0249,
        0x2F49,
        0x2F4B,
        0x2FB6,
        0x2F4C,
        0x2FB7,
        0x2F4D,
        0xFE20,
        0xFE21,
        0xFE22,
        0xFE00,
        0xFE10,
        0xFE25,
        0xFE35,
    ):
        assert T.group(cp).probable and T.group(cp).post_quantum, hex(cp)
    for cp in (0xFE30, 0xFE31, 0xFE32):
        assert T.group(cp).algorithm == "unknown" and len(T.group(cp).candidates) == 2
    assert T.group(0x0A0A) is None and T.group(0xFAFA) is None
    cat = catalog()
    for g in T.all_groups():
        if g.algorithm != "unknown":
            assert cat.canonical(g.algorithm), g.name
        if g.curve:
            assert cat.curve(g.curve), g.name


def test_sigalgs_and_versions():
    assert T.sigalg(0x0905).algorithm == "ML-DSA-65"
    assert T.sigalg(0x0804).padding == "PSS" and T.sigalg(0x0804).hash == "SHA-256"
    assert T.sigalg(0x0201).hash == "SHA-1"
    assert T.sigalg_by_name("RSA+SHA256").hex == "0x0401"
    assert T.sigalg_by_name("ECDSA+SHA384").hex == "0x0503"
    assert T.sigalg_by_name("RSA-PSS+SHA256").name == "rsa_pss_rsae_sha256"
    assert T.sigalg_by_name("ed25519").hex == "0x0807"
    assert T.sigalg(0xFED8).status == "probable"
    for name, cp in [
        ("TLSv1.2", 0x0303),
        ("TLS 1.3", 0x0304),
        ("SSLv3", 0x0300),
        ("TLSv1", 0x0301),
    ]:
        assert T.version_by_name(name).codepoint == cp
    cat = catalog()
    for sa in T.all_sigalgs():
        assert cat.canonical(sa.algorithm), sa.name


@pytest.mark.parametrize(
    "finding, rule, status, severity",
    [
        (
            T.suite_finding(T.suite(0x009C), loc("tls1.2 cipher suite")),
            "QS114",
            "quantum-vulnerable",
            "critical",
        ),
        (
            T.suite_finding(T.suite(0x0005), loc("tls1.2 cipher suite")),
            "QS311",
            "classically-broken",
            "critical",
        ),
        (
            T.suite_finding(T.suite(0x000A), loc("tls1.2 cipher suite")),
            "QS312",
            "classically-broken",
            "high",
        ),
        (
            T.suite_finding(T.suite(0x0003), loc("tls1.0 cipher suite")),
            "QS122",
            "classically-broken",
            "critical",
        ),
        (
            T.suite_finding(T.suite(0x00A6), loc("tls1.2 cipher suite")),
            "QS121",
            "classically-broken",
            "critical",
        ),
        (
            T.suite_finding(T.suite(0xC010), loc("tls1.2 cipher suite")),
            "QS310",
            "classically-broken",
            "critical",
        ),
        (
            T.suite_finding(T.suite(0xC02F), loc("tls1.2 cipher suite")),
            "QS101",
            "quantum-vulnerable",
            "high",
        ),
        (
            T.suite_finding(
                T.suite(0xC02F),
                loc("tls1.2 cipher suite"),
                hybrid_supported=True,
                hybrid_preferred=True,
            ),
            "QS117",
            "quantum-vulnerable",
            "low",
        ),
        (
            T.suite_finding(
                T.suite(0x009C),
                loc("tls1.2 cipher suite"),
                hybrid_supported=True,
                hybrid_preferred=True,
            ),
            "QS114",
            "quantum-vulnerable",
            "critical",
        ),
        (
            T.suite_finding(T.suite(0x1301), loc("tls1.3 cipher suite")),
            "QS303",
            "quantum-safe",
            "info",
        ),
        (
            T.group_finding(T.group(0x11EC), loc("tls1.3 supported group")),
            "QS104",
            "hybrid",
            "info",
        ),
        (
            T.group_finding(T.group(0x001D), loc("tls1.3 supported group")),
            "QS101",
            "quantum-vulnerable",
            "high",
        ),
        (
            T.group_finding(
                T.group(0x001D),
                loc("tls1.3 supported group"),
                hybrid_supported=True,
                hybrid_preferred=False,
            ),
            "QS116",
            "quantum-vulnerable",
            "medium",
        ),
        (
            T.group_finding(T.group(0x6399), loc("tls1.3 supported group")),
            "QS118",
            "hybrid",
            "medium",
        ),
        (
            T.group_finding(T.group(0x2F4B), loc("tls1.3 supported group")),
            "QS119",
            "quantum-safe",
            "medium",
        ),
        (
            T.group_finding(T.group(0xFE31), loc("tls1.3 supported group")),
            "QS120",
            "unknown",
            "medium",
        ),
        (T.dh_finding(1024, loc("tls1.2 dhe group")), "QS102", "classically-broken", "critical"),
        (
            T.version_finding(T.version(0x0300), loc("tls protocol version")),
            "QS400",
            "classically-broken",
            "critical",
        ),
        (
            T.version_finding(T.version(0x0301), loc("tls protocol version")),
            "QS401",
            "classically-broken",
            "high",
        ),
        (
            T.version_finding(T.version(0x0303), loc("tls protocol version"), tls13_supported=True),
            "QS402",
            "quantum-vulnerable",
            "low",
        ),
        (
            T.version_finding(
                T.version(0x0303), loc("tls protocol version"), tls13_supported=False
            ),
            "QS403",
            "quantum-vulnerable",
            "medium",
        ),
        (
            T.version_finding(T.version(0x0304), loc("tls protocol version")),
            "QS404",
            "quantum-safe",
            "info",
        ),
        (
            T.sigalg_finding(T.sigalg(0x0201), loc("tls1.2 signature algorithm"), key_bits=2048),
            "QS230",
            "classically-broken",
            "medium",
        ),
        (
            T.sigalg_finding(T.sigalg(0x0101), loc("tls1.2 signature algorithm"), key_bits=2048),
            "QS231",
            "classically-broken",
            "high",
        ),
    ],
)
def test_rules_judge_builder_shapes(finding, rule, status, severity):
    v = judged(finding).verdict
    assert (v.rule, v.status, v.severity) == (rule, status, severity)


def _endpoint(group_cp, supported, preferred, fallback):
    return T.endpoint_finding(
        loc(T.COMPONENT_ENDPOINT),
        negotiated_version=T.version(0x0304),
        negotiated_suite=T.suite(0x1301),
        negotiated_group=T.group(group_cp),
        hybrid_supported=supported,
        hybrid_preferred=preferred,
        classical_fallback=fallback,
        summary={"versions": ["TLS 1.3"]},
    )


@pytest.mark.parametrize(
    "args, rule, severity",
    [
        ((0x001D, False, False, True), "QS110", "high"),
        ((0x001D, True, False, True), "QS111", "medium"),
        ((0x11EC, True, True, True), "QS112", "info"),
        ((0x11EC, True, True, False), "QS113", "info"),
    ],
)
def test_endpoint_rules(args, rule, severity):
    f = judged(_endpoint(*args))
    assert (f.verdict.rule, f.verdict.severity) == (rule, severity)
    assert f.context["endpoint"] == {"versions": ["TLS 1.3"]}


def test_hybrid_flags_from_a_configured_order():
    g = T.group_by_name
    assert T.hybrid_flags([g("X25519MLKEM768"), g("X25519")]) == (True, True, True)
    assert T.hybrid_flags([g("X25519"), g("X25519MLKEM768")]) == (True, False, True)
    assert T.hybrid_flags([g("X25519"), g("P-256")]) == (False, False, True)
    assert T.hybrid_flags([g("MLKEM1024")]) == (True, True, False)


def test_fingerprints_are_stable_and_distinct():
    a = T.suite_finding(T.suite(0xC02F), loc("tls1.2 cipher suite"))
    b = T.suite_finding(T.suite(0xC02F), loc("tls1.2 cipher suite"))
    c = T.suite_finding(T.suite(0xC030), loc("tls1.2 cipher suite"))
    assert a.fingerprint == b.fingerprint != c.fingerprint
