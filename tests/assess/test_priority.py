"""Mosca-based migration priority: crafted orderings, waves, reasons, determinism."""

from __future__ import annotations

import datetime as dt

import pytest

from qscan.assess.engine import assess
from qscan.assess.issues import Issue
from qscan.assess.policy import get_policy
from qscan.assess.priority import PrioritySetting, SystemProfile, SystemRollup, prioritise
from qscan.assess.scenario import ScenarioError, get_scenario
from qscan.model import Finding, Inventory, Location, Priority, Verdict
from tests.inventories.conftest import finding

TODAY = "2026-03-01T00:00:00+00:00"


def assessed(
    findings: list[Finding],
    systems: list[dict] | None = None,
    scenario: str | None = None,
    crqc_year: int | None = None,
    policy: str = "nist-ir-8547",
) -> list[Finding]:
    inv = Inventory(findings=findings, scanned_at=TODAY, policy=policy)
    inv.extra["scenario"] = get_scenario(scenario, crqc_year).to_dict()
    if systems is not None:
        inv.extra["estate"] = {"organisation": {"id": "org", "name": "Org"}, "systems": systems}
        for f in findings:
            f.context["organisation_id"] = "org"
    return assess(inv, policy).findings


def cert(
    algorithm: str = "ECDSA",
    not_after: str = "2026-05-30",
    system: str | None = None,
    is_ca: bool = False,
    host: str | None = "www.example.org",
    params: dict | None = None,
    component: str = "certificate chain[0] public key",
    self_signed: bool = False,
    context: dict | None = None,
) -> Finding:
    context = {
        "not_after": not_after,
        "is_ca": is_ca,
        "self_signed": self_signed,
        **(context or {}),
    }
    if system:
        context["system"] = system
    location = (
        Location(target=f"{host}:443", host=host, port=443, service="tls", component=component)
        if host
        else Location(target="certs", path="ca.pem", component=component)
    )
    return Finding(
        algorithm=algorithm,
        function="signature",
        asset="certificate",
        location=location,
        params=params or {"curve": "P-256"},
        context=context,
        identity=f"{algorithm}{not_after}{is_ca}{component}",
    )


ARCHIVE = {
    "name": "archive",
    "exposure": "internet",
    "confidentiality_years": 25,
    "migration_years": 4,
    "criticality": "high",
}
WEBSITE = {
    "name": "website",
    "exposure": "internet",
    "confidentiality_years": 0,
    "migration_years": 1,
    "criticality": "low",
}


def test_long_confidential_rsa_key_exchange_outranks_short_lived_ecdsa_web_certificate() -> None:
    rsa_kex = finding(
        1,
        algorithm="RSA",
        function="key-exchange",
        host="archive.example.org",
        params={"bits": 2048},
        context={"system": "archive"},
    )
    web_cert = cert(system="website")
    kex, leaf = assessed([rsa_kex, web_cert], systems=[ARCHIVE, WEBSITE])
    assert kex.priority.score > leaf.priority.score
    assert kex.priority.wave == 1
    assert leaf.priority.wave > kex.priority.wave
    text = " ".join(kex.priority.reasons)
    assert "harvest now, decrypt later" in text
    assert "25 years (estate)" in text and "x + y = 29 >" in text
    assert "should have started" in text


def test_the_same_ordering_holds_without_an_estate() -> None:
    kex, leaf = assessed([finding(1, algorithm="RSA", params={"bits": 2048}), cert()])
    assert kex.priority.score > leaf.priority.score
    assert any("(assumed)" in r for r in kex.priority.reasons)


def test_long_lived_root_outranks_short_lived_leaf() -> None:
    root = cert(not_after="2045-01-01", is_ca=True, self_signed=True, host=None, component="root")
    leaf = cert(not_after="2026-05-30", host=None)
    root, leaf = assessed([root, leaf])
    assert root.priority.score > leaf.priority.score
    # the root's stated lifetime passes the CRQC year minus the migration time
    assert root.priority.wave == 1
    assert any("certificate authority trusted until 2045-01-01" in r for r in root.priority.reasons)
    assert leaf.priority.wave >= 2


def test_a_keys_stated_expiry_is_its_signature_window() -> None:
    """An OpenPGP key names its expiry: the Mosca line states it instead of assuming."""
    key = Finding(
        algorithm="Ed25519",
        function="signature",
        asset="key",
        location=Location(target="keys", path="archive.asc", component="openpgp public key"),
        params={},
        context={"expires": "2033-03-22T10:00:00+00:00"},
    )
    (judged,) = assessed([key])
    assert any("key trusted until 2033-03-22" in r for r in judged.priority.reasons)


def test_a_trust_store_root_takes_its_wave_from_the_deadlines() -> None:
    held = cert(
        not_after="2045-01-01",
        is_ca=True,
        self_signed=True,
        host=None,
        params={"bits": 2048},
        algorithm="RSA",
        context={"trust_store": True},
    )
    (held,) = assessed([held])
    assert held.priority.wave == 2  # RSA-2048: NIST IR 8547 deprecates it after 2030
    assert any(
        "a root held in a trust store, not operated here" in r for r in held.priority.reasons
    )


def test_code_signing_outranks_an_ordinary_signature() -> None:
    signing = cert(host=None, component="firmware signing key", not_after="2027-01-01")
    plain = cert(host=None, component="document signature", not_after="2027-01-01")
    signing, plain = assessed([signing, plain])
    assert signing.priority.score > plain.priority.score
    assert any("code/firmware signing" in r for r in signing.priority.reasons)


def test_internet_exposure_and_criticality_raise_the_score() -> None:
    systems = [
        {"name": "public", "exposure": "internet", "criticality": "critical"},
        {"name": "back-office", "exposure": "internal", "criticality": "low"},
    ]
    public, internal = assessed(
        [finding(1, context={"system": "public"}), finding(2, context={"system": "back-office"})],
        systems=systems,
    )
    assert public.priority.score - internal.priority.score == (15 - 5) + (15 - 0)


def test_classically_broken_is_wave_one_with_a_high_floor() -> None:
    weak = finding(1, algorithm="RSA", function="signature", params={"bits": 1024})
    (weak,) = assessed([weak])
    assert weak.verdict.status == "classically-broken"
    assert weak.priority.wave == 1
    assert weak.priority.score >= 90
    assert weak.priority.reasons[0].startswith("already broken classically")


def test_broken_scores_90_only_in_production_on_internet_facing_or_critical_systems() -> None:
    systems = [
        {"name": "shop", "exposure": "internet", "criticality": "low"},
        {"name": "intranet", "exposure": "internal", "criticality": "medium"},
        {"name": "core", "exposure": "internal", "criticality": "critical"},
    ]
    weak = [
        finding(
            n, algorithm="RSA", function="signature", params={"bits": 1024}, context={"system": s}
        )
        for n, s in enumerate(("shop", "intranet", "core"))
    ]
    shop, intranet, core = assessed(weak, systems=systems)
    assert [f.priority.wave for f in (shop, intranet, core)] == [1, 1, 1]
    assert shop.priority.score >= 90 and core.priority.score >= 90
    assert 60 <= intranet.priority.score < 90


def test_non_production_material_is_never_in_waves_one_or_two() -> None:
    weak = finding(1, algorithm="RSA", function="signature", params={"bits": 1024})
    weak.context["material_scope"] = "documentation"
    kex = finding(2, context={"system": "archive", "material_scope": "test"})
    weak, kex = assessed([weak, kex], systems=[ARCHIVE])
    for f in (weak, kex):
        assert f.priority.wave >= 3 and f.priority.score <= 25
    assert weak.priority.reasons[0].startswith("documentation material: shown apart")


def test_harvest_now_decrypt_later_reaches_wave_one_only_with_a_stated_confidentiality() -> None:
    stated = finding(1, context={"system": "archive"})
    assumed = finding(2, context={"system": "no-values"})
    stated, assumed = assessed([stated, assumed], systems=[ARCHIVE, {"name": "no-values"}])
    assert stated.priority.wave == 1
    assert assumed.priority.wave == 2
    assert any(
        "assumed: set confidentiality_years in the estate to confirm" in r
        for r in assumed.priority.reasons
    )


def test_signatures_take_their_wave_from_their_deadlines() -> None:
    slow = {"name": "slow", "migration_years": 8, "confidentiality_years": 30}
    leaf = cert(algorithm="RSA", params={"bits": 2048}, system="slow", not_after="2027-01-01")
    (leaf,) = assessed([leaf], systems=[slow])
    # the deadline minus eight years of migration has passed, but a signature is not
    # exposed before a CRQC exists: wave 2 (by the end of 2030), not wave 1
    assert leaf.priority.wave == 2
    assert any("start migrating now" in r for r in leaf.priority.reasons)


def test_code_signing_reaches_wave_one_only_with_a_stated_lifetime() -> None:
    assumed = cert(host=None, component="firmware signing key", not_after="2027-01-01")
    stated = cert(host=None, component="firmware signing key", not_after="2027-01-01", system="fw")
    assumed, stated = assessed(
        [assumed, stated], systems=[{"name": "fw", "signature_lifetime_years": 15}]
    )
    assert assumed.priority.wave == 2 and stated.priority.wave == 1
    assert any("set signature_lifetime_years" in r for r in assumed.priority.reasons)


def test_an_informational_verdict_is_not_in_the_priority() -> None:
    md5 = finding(1, algorithm="MD5", function="hash", params={})
    md5.verdict = Verdict(
        "classically-broken", "info", "QS399", "Non-security hash", "why", "fix", None
    )
    p = prioritise(md5, get_policy("nist-ir-8547"))
    assert (p.score, p.wave) == (0, 4)
    assert p.reasons[0].startswith("informational (QS399 Non-security hash)")


def test_quantum_safe_is_monitored_with_a_low_score() -> None:
    hybrid = finding(1, algorithm="X25519MLKEM768", params={})
    (hybrid,) = assessed([hybrid], systems=[ARCHIVE])
    assert hybrid.verdict.status == "hybrid"
    assert hybrid.priority.wave == 4
    assert hybrid.priority.score == 0


def test_an_earlier_crqc_scenario_is_more_urgent() -> None:
    def score(scenario: str) -> tuple[int, int]:
        (f,) = assessed([cert(host=None)], scenario=scenario)
        return f.priority.score, f.priority.wave

    early, mid, late = score("early"), score("mid"), score("late")
    assert early[0] > mid[0] > late[0]
    assert early[1] <= mid[1] <= late[1]


def test_custom_crqc_year_is_named_in_the_reasons() -> None:
    (f,) = assessed([finding(1)], crqc_year=2040)
    assert any("CRQC by 2040 (scenario custom)" in r for r in f.priority.reasons)
    with pytest.raises(ScenarioError):
        get_scenario(crqc_year=1990)
    with pytest.raises(ScenarioError):
        get_scenario("tomorrow")


@pytest.mark.parametrize(
    ("system", "expected_wave"),
    [
        # 2 years of slack before 2033 - 0 - 1: start by 2032 -> done by 2033 -> wave 3
        ({"name": "s", "confidentiality_years": 0, "migration_years": 1}, 3),
        # x + y > z: already late -> wave 1
        ({"name": "s", "confidentiality_years": 10, "migration_years": 2}, 1),
        # done by 2033 - 2.5 = 2030.5 -> wave 2
        ({"name": "s", "confidentiality_years": 2.5, "migration_years": 1}, 2),
    ],
)
def test_waves_follow_the_mosca_dates(system: dict, expected_wave: int) -> None:
    (f,) = assessed([finding(1, context={"system": "s"})], systems=[system], scenario="mid")
    assert f.priority.wave == expected_wave


def test_policy_category_brings_the_deadline_forward() -> None:
    systems = [
        {
            "name": "vpn",
            "confidentiality_years": 0,
            "migration_years": 1,
            "cnsa_category": "networking-equipment",
        },
        {
            "name": "web",
            "confidentiality_years": 0,
            "migration_years": 1,
            "cnsa_category": "web-server-cloud",
        },
    ]
    vpn, web = assessed(
        [finding(1, context={"system": "vpn"}), finding(2, context={"system": "web"})],
        systems=systems,
        scenario="late",
        policy="cnsa-2.0",
    )
    assert vpn.priority.wave == 2 and web.priority.wave == 3
    assert any("category networking-equipment" in r for r in vpn.priority.reasons)


def test_priority_is_deterministic_and_the_two_argument_call_still_works() -> None:
    policy = get_policy("nist-ir-8547")
    setting = PrioritySetting(scenario=get_scenario("mid"), today=dt.date(2026, 3, 1))
    (f,) = assessed([finding(1)])
    first = prioritise(f, policy, setting)
    assert prioritise(f, policy, setting) == first
    plain = prioritise(f, policy)
    assert 0 <= plain.score <= 100 and plain.wave in (1, 2, 3, 4) and plain.reasons


def test_estate_profile_is_found_by_system_name() -> None:
    setting = PrioritySetting(systems={("", "archive"): SystemProfile.from_dict(ARCHIVE)})
    f = finding(1, context={"system": "archive"})
    assert setting.profile(f).confidentiality_years == 25
    assert setting.profile(finding(2)) is None


def _issue(
    id: str,
    score: int,
    wave: int,
    scope: str = "production",
    rule: str = "QS101",
    severity: str = "high",
) -> Issue:
    return Issue(
        id=id,
        rule=rule,
        title="Quantum-vulnerable key establishment",
        severity=severity,
        status="quantum-vulnerable",
        kind="endpoint",
        asset=f"tls://{id}:443",
        place=f"tls://{id}:443",
        scope=scope,
        priority=Priority(score, wave, [f"reason {id}"]),
        deadline=None,
        deadline_class="",
        members=[id],
        algorithms=["ECDH"],
        component="",
        lines=[],
    )


def test_system_rollup_is_order_independent() -> None:
    items = [
        _issue("a", 40, 3),
        _issue("b", 90, 1),
        _issue("c", 90, 1),
        _issue("d", 10, 4),
        _issue("e", 25, 3, scope="test"),
    ]
    forward, backward = SystemRollup(), SystemRollup()
    for item in items:
        forward.add(item)
    for item in reversed(items):
        backward.add(item)
    assert forward.priority() == backward.priority()
    p = forward.priority()
    assert (p.score, p.wave) == (90, 1)
    assert p.reasons[0] == "4 issue(s): 2 in wave 1, 1 in wave 3, 1 in wave 4"
    assert p.reasons[1] == "1 issue(s) in test, documentation or vendored material, not ranked"
    assert (
        p.reasons[2]
        == "most urgent issue: QS101 Quantum-vulnerable key establishment — tls://b:443"
    )
    assert "most urgent issue: reason b" in p.reasons


def test_the_most_urgent_issue_of_equal_priority_is_chosen_by_severity_then_rule() -> None:
    """Issue ids are digests of paths that differ from copy to copy of the same material;
    the issue a system is ranked by must not."""
    for ids in (("z", "y", "x"), ("a", "b", "c")):
        rollup = SystemRollup()
        rollup.add(_issue(ids[0], 0, 4, rule="QS212", severity="info"))
        rollup.add(_issue(ids[1], 0, 4, rule="QS104", severity="info"))
        rollup.add(_issue(ids[2], 0, 4, rule="QS206", severity="low"))
        assert "most urgent issue: reason " + ids[2] in rollup.priority().reasons
        rollup.add(_issue("q", 0, 4, rule="QS105", severity="low"))
        assert "most urgent issue: reason q" in rollup.priority().reasons


def test_a_system_is_ranked_by_its_production_issues_not_by_counts() -> None:
    production = SystemRollup()
    production.add(_issue("prod", 20, 3))
    production.add(_issue("fixture", 25, 3, scope="test"))
    assert production.priority().score == 20  # the test fixture never drives it
    only_tests = SystemRollup()
    only_tests.add(_issue("fixture", 25, 3, scope="test"))
    assert (only_tests.priority().score, only_tests.priority().wave) == (25, 3)
    many, one = SystemRollup(), SystemRollup()
    for n in range(50):
        many.add(_issue(f"m{n}", 40, 2))
    one.add(_issue("x", 60, 2))
    assert one.priority().score > many.priority().score  # fifty issues do not outrank one worse


def test_assess_writes_system_priorities_into_the_estate() -> None:
    inv = Inventory(findings=[finding(1, context={"system": "archive"})], scanned_at=TODAY)
    inv.extra["estate"] = {
        "organisation": {"id": "o", "name": "O"},
        "systems": [dict(ARCHIVE), {"name": "idle"}],
    }
    assess(inv)
    archive, idle = inv.extra["estate"]["systems"]
    assert archive["priority"]["wave"] == 1 and archive["findings"] == 1
    assert idle["priority"] == {"score": 0, "wave": 4, "reasons": ["no findings"]}


def test_the_worked_examples_in_docs_priority_md() -> None:
    """docs/priority.md walks through these numbers; keep the two in step."""
    archive = finding(1, algorithm="RSA", params={"bits": 2048}, context={"system": "archive"})
    web = cert(system="website", not_after="2026-05-30")
    root = cert(
        not_after="2045-01-01", is_ca=True, self_signed=True, host=None, params={"curve": "P-384"}
    )
    x25519 = finding(2, algorithm="X25519", params={})
    found = assessed([archive, web, root, x25519], systems=[ARCHIVE, WEBSITE])
    assert [(f.priority.score, f.priority.wave) for f in found] == [
        (90, 1),
        (20, 3),
        (65, 1),
        (66, 2),
    ]
    (late,) = assessed([finding(2, algorithm="X25519", params={})], scenario="late")
    assert (late.priority.score, late.priority.wave) == (56, 2)
    held = cert(
        algorithm="RSA",
        params={"bits": 2048},
        not_after="2045-01-01",
        is_ca=True,
        self_signed=True,
        host=None,
        context={"trust_store": True},
    )
    fixture = finding(3, algorithm="RSA", function="signature", params={"bits": 1024})
    fixture.context["material_scope"] = "test"
    held, fixture = assessed([held, fixture])
    assert (held.priority.score, held.priority.wave) == (36, 2)
    assert fixture.priority.wave == 3 and fixture.priority.score <= 25


def _stored_key(n: int, system: str, **facts: object) -> Finding:
    return Finding(
        algorithm="RSA",
        function="key-storage",
        asset="key",
        location=Location(target="srv", path=f"key{n}.pem", component="private key file"),
        params={"bits": 2048},
        context={"system": system, "encrypted": False, **facts},
    )


def test_an_owner_only_key_outside_a_repository_never_reaches_wave_one() -> None:
    systems = [{"name": "shop", "exposure": "internet", "criticality": "critical"}]
    owner_only = {"file_mode": "0600", "readable_by_others": False, "in_repository": False}
    service, readable, committed, unobserved = assessed(
        [
            _stored_key(1, "shop", **owner_only),
            _stored_key(2, "shop", **{**owner_only, "readable_by_others": True}),
            _stored_key(3, "shop", **{**owner_only, "in_repository": True}),
            _stored_key(4, "shop"),
        ],
        systems=systems,
    )
    assert service.verdict.rule == "QS502" and service.priority.wave >= 2
    assert service.priority.score < 50
    for exposed in (readable, committed, unobserved):  # production: classically broken now
        assert exposed.verdict.rule == "QS500"
        assert (exposed.priority.wave, exposed.priority.score >= 90) == (1, True)
