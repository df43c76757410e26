"""Dutch priority reasons: the inventory keeps the English sentences of
qscan.assess.reasons; the Dutch reports translate them by matching the templates."""

from __future__ import annotations

import copy
import json
import re
from string import Formatter

import pytest

from qscan.assess.engine import assess
from qscan.assess.reasons import PLACEHOLDERS, TEMPLATES, placeholders, translate
from qscan.model import Finding, Inventory, Location
from qscan.render import RENDERERS, RenderOptions
from qscan.render.html import json_for_script
from qscan.render.localize import localize

ESTATE = {
    "organisation": {"id": "org", "name": "Org"},
    "systems": [
        {
            "name": "payments",
            "exposure": "internet",
            "criticality": "high",
            "confidentiality_years": 12,
            "migration_years": 2.5,
        },
        {"name": "firmware", "cnsa_category": "software-firmware-signing"},
    ],
}


def _finding(algorithm: str, function: str, asset: str = "algorithm", **kw) -> Finding:
    host = kw.pop("host", None)
    location = Location(
        target=f"tls://{host}:443" if host else "/repo",
        host=host,
        port=443 if host else None,
        path=None if host else "src/x.py",
        component=kw.pop("component", ""),
    )
    return Finding(
        algorithm=algorithm,
        function=function,
        asset=asset,
        location=location,
        params=kw.pop("params", {}),
        evidence=algorithm,
        context=kw.pop("context", {}),
    )


def _inventory(policy: str = "cnsa-2.0") -> Inventory:
    findings = [
        # key exchange with estate values
        _finding("ECDH", "key-exchange", host="pay.example", context={"system": "payments"}),
        # certificate authority signature, trusted until a date
        _finding(
            "RSA",
            "signature",
            "certificate",
            params={"bits": 2048},
            context={"is_ca": True, "not_after": "2040-06-30T00:00:00Z"},
        ),
        # classically broken
        _finding("RSA", "encryption", "key", params={"bits": 512}),
        # quantum-safe
        _finding("ML-KEM-768", "kem", host="pq.example"),
        # unknown algorithm
        _finding("unknown", "signature", params={"oid": "1.2.3.4.5"}),
        # code signing with a category deadline
        _finding(
            "ECDSA",
            "signature",
            params={"curve": "P-256"},
            component="codesign",
            context={"system": "firmware"},
        ),
        # an endpoint without estate values
        _finding("X25519", "key-exchange", host="web.example"),
        # another function, no estate
        _finding("RSA", "key-storage", "keystore", params={"bits": 3072}),
        # a root held in a trust store
        _finding(
            "RSA",
            "signature",
            "certificate",
            params={"bits": 2048},
            context={"is_ca": True, "self_signed": True, "trust_store": True},
        ),
        # test material
        _finding(
            "ECDH", "key-exchange", params={"curve": "P-256"}, context={"material_scope": "test"}
        ),
    ]
    inventory = Inventory(findings=findings, targets=["/repo"], extra={"estate": ESTATE})
    inventory.scanned_at = "2026-06-01T00:00:00Z"
    assess(inventory, policy)
    return inventory


def _literals(text: str) -> list[str]:
    return [lit for lit, _, _, _ in Formatter().parse(text) if re.search(r"[A-Za-z]{3}", lit)]


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_has_dutch_with_the_same_placeholders(key):
    template = TEMPLATES[key]
    assert template.text("nl").strip()
    assert sorted(placeholders(template.text("nl"))) == sorted(placeholders(template.en))
    assert all(name in PLACEHOLDERS for name in placeholders(template.en))
    if _literals(template.en):
        assert template.text("nl") != template.en


def test_inventory_covers_the_branches():
    reasons = [r for f in _inventory().findings for r in f.priority.reasons]
    text = "\n".join(reasons)
    for needle in (
        "harvest now",
        "(estate)",
        "certificate authority trusted until 2040-06-30",
        "already broken classically",
        "quantum-safe (",
        "algorithm not recognised",
        "code/firmware signing: verifiers keep this key",
        "quantum-vulnerable key-storage",
        "file or repository",
        "network endpoint",
        "test material: shown apart",
        "assumed: set confidentiality_years in the estate to confirm",
        "its deadlines set its wave",
        "a root held in a trust store",
    ):
        assert needle in text, needle


def test_dutch_html_report_has_dutch_reasons_only():
    inventory = _inventory()
    before = RENDERERS["json"](inventory, RenderOptions())
    english_html = RENDERERS["html"](inventory, RenderOptions(lang="en"))
    page = RENDERERS["html"](inventory, RenderOptions(lang="nl"))
    dutch = localize(inventory, "nl")
    for original, localized in zip(inventory.findings, dutch.findings, strict=True):
        assert original.priority.score == localized.priority.score
        assert original.priority.wave == localized.priority.wave
        joined = "; ".join(localized.priority.reasons)
        assert str(json_for_script(joined)) in page
        for english in original.priority.reasons:
            assert english not in localized.priority.reasons or not _literals(english)
    all_dutch = "\n".join(r for f in dutch.findings for r in f.priority.reasons)
    for template in TEMPLATES.values():
        for literal in _literals(template.en):
            if literal not in template.text("nl"):
                assert literal not in all_dutch, literal
    for word in ("beleidstermijn", "blootstelling: internet", "jaar (opgegeven)"):
        assert word in all_dutch
    assert "2,5 jaar" in all_dutch  # Dutch decimal comma
    # inventory, JSON and the English report are untouched
    assert RENDERERS["json"](inventory, RenderOptions(lang="nl")) == before
    assert RENDERERS["html"](inventory, RenderOptions(lang="en")) == english_html
    first = inventory.findings[0].priority.reasons[0]
    assert first.startswith("harvest now") and str(json_for_script(first))[1:-1] in english_html


def test_system_rollup_reasons_translate():
    inventory = _inventory()
    systems = {s["name"]: s for s in inventory.extra["estate"]["systems"]}
    reasons = systems["payments"]["priority"]["reasons"]
    assert reasons[0].startswith("1 issue(s): 1 in wave ")
    assert (
        reasons[1].startswith("most urgent issue: QS") and "— tls://pay.example:443" in reasons[1]
    )
    dutch = [translate(r, "nl") for r in reasons]
    assert dutch[0].startswith("1 kwestie(s): 1 in golf ")
    assert dutch[1].startswith("urgentste kwestie: QS") and dutch[1] != reasons[1]
    assert dutch[2].startswith("urgentste kwestie: nu onderscheppen, later ontsleutelen")
    apart = "2 issue(s) in test, documentation or vendored material, not ranked"
    assert translate(apart, "nl").startswith("2 kwestie(s) in test-, documentatie-")
    assert translate("3 scan error(s): the picture of this system is incomplete", "nl") == (
        "3 scanfout(en): het beeld van dit systeem is onvolledig"
    )


def test_unknown_reasons_pass_through():
    assert translate("made by another version", "nl") == "made by another version"
    assert translate("high severity (QS101)", "en") == "high severity (QS101)"
    assert translate("high severity (QS101)", "nl") == "ernst: hoog (QS101)"
    # a fragment that does not match its templates makes the whole reason pass through
    category = "policy deadline 2030-12-31 for category software-firmware-signing under cnsa-2.0"
    assert translate(category + " comes first", "nl") == (
        "beleidstermijn 2030-12-31 voor categorie software-firmware-signing volgens cnsa-2.0"
        " ligt eerder en is leidend"
    )
    odd = "policy deadline sometime under a different wording comes first"
    assert translate(odd, "nl") == odd


def test_localize_leaves_the_inventory_alone():
    inventory = _inventory()
    snapshot = copy.deepcopy([f.priority for f in inventory.findings])
    localize(inventory, "nl")
    assert [f.priority for f in inventory.findings] == snapshot
    data = json.loads(RENDERERS["json"](inventory, RenderOptions(lang="nl")))
    assert data["findings"][0]["priority"]["reasons"][0].startswith("harvest now")


def test_roadmap_system_reasons_translate():
    from qscan.render.roadmap import _localized_system

    system = {"name": "s", "priority": {"score": 5, "reasons": ["no findings", "other"]}}
    out = _localized_system(system, "nl")
    assert out["priority"]["reasons"] == ["geen bevindingen", "other"]
    assert system["priority"]["reasons"] == ["no findings", "other"]
