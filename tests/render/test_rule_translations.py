"""Dutch rule, deadline and milestone texts (issue 6): data in the packs and policies, looked
up by rule id at render time; the inventory and `qscan rules show` stay English."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from qscan.assess.engine import assess
from qscan.assess.policy import policies
from qscan.assess.rules import RuleError, _parse_rule, load_rules, rule_by_id, rule_text
from qscan.cli import main
from qscan.model import Finding, Inventory, Location
from qscan.render import RENDERERS, RenderOptions


@pytest.mark.parametrize("rule", load_rules(), ids=lambda r: r.id)
def test_every_rule_has_dutch_texts(rule):
    en = (rule.title, rule.why, rule.fix)
    nl = rule.text("nl")
    assert set(rule.translations.get("nl", {})) == {"title", "why", "fix"}
    for english, dutch in zip(en, nl, strict=True):
        assert dutch.strip() and dutch != english


@pytest.mark.parametrize("rule", [r for r in load_rules() if r.fixes], ids=lambda r: r.id)
def test_every_fix_variant_has_dutch_with_the_same_placeholders(rule):
    placeholder = re.compile(r"\{(?:context|params)\.[A-Za-z0-9_]+\}")
    for variant in rule.fixes:
        dutch = variant.translations.get("nl", "")
        assert dutch.strip() and dutch != variant.fix
        assert sorted(placeholder.findall(dutch)) == sorted(placeholder.findall(variant.fix))


def test_rule_text_falls_back_to_english():
    assert rule_text("QS101", "en") == rule_by_id("QS101").text()
    assert rule_text("QS101", "de") == rule_text("QS101", "en")
    assert rule_text("QS101", "nl")[0] == "Kwantumkwetsbare sleuteluitwisseling"
    assert rule_text("QS999", "nl") is None
    base = {"id": "QS9", "title": "T", "severity": "low", "status": "unknown", "why": "W"}
    partial = _parse_rule({**base, "fix": "F", "nl": {"title": "Titel"}}, "x.yaml")
    assert partial.text("nl") == ("Titel", "W", "F")


@pytest.mark.parametrize(
    "block", [{"title": "a", "summary": "b"}, {"title": ""}, "tekst", {"why": 3}]
)
def test_bad_translation_block_is_rejected(block):
    raw = {"id": "QS9", "title": "T", "severity": "low", "status": "unknown"}
    with pytest.raises(RuleError):
        _parse_rule({**raw, "why": "W", "fix": "F", "nl": block}, "x.yaml")


@pytest.mark.parametrize("policy", sorted(policies()))
def test_every_deadline_note_and_milestone_has_dutch(policy):
    p = policies()[policy]
    for deadline in p.deadlines.values():
        assert deadline.translations.get("nl") and deadline.translations["nl"] != deadline.note
        assert p.note_text(deadline.note, "nl") == deadline.translations["nl"]
    for milestone in p.milestones:
        assert milestone["nl"]["label"] and milestone["nl"]["label"] != milestone["label"]


def test_deadline_note_with_certificate_suffix():
    p = policies()["nist-ir-8547"]
    note = p.deadlines["sig-112"].note + "; valid until 2031-05-01, beyond this deadline"
    assert p.note_text(note, "nl") == (
        p.deadlines["sig-112"].translations["nl"] + "; geldig tot 2031-05-01, na deze termijn"
    )
    assert p.note_text(note, "en") == note
    assert p.note_text("some other note", "nl") == "some other note"


def _inventory() -> Inventory:
    finding = Finding(
        algorithm="RSA",
        function="key-exchange",
        asset="algorithm",
        location=Location(target="tls://a.example:443", host="a.example", port=443),
        params={"bits": 1024},
        evidence="TLS_RSA_WITH_AES_128_CBC_SHA",
    )
    return assess(Inventory(findings=[finding], targets=["tls://a.example:443"]))


def test_dutch_html_report_shows_dutch_rule_texts():
    inventory = _inventory()
    verdict = inventory.findings[0].verdict
    rule = rule_by_id(verdict.rule)
    nl_title, nl_why, nl_fix = rule.text("nl")
    page = RENDERERS["html"](inventory, RenderOptions(lang="nl"))
    text = page.replace("&#39;", "'").replace("&#34;", '"')
    assert nl_title in text and rule.title not in text
    assert nl_why in text and rule.why not in text
    note_nl = policies()[inventory.policy].note_text(verdict.deadline_note, "nl")
    assert note_nl != verdict.deadline_note
    # the note is a string of the findings JSON; the priority reasons (English, from
    # qscan.assess.priority) may still quote it inside a longer sentence
    assert f'"{note_nl}"' in page and f'"{verdict.deadline_note}"' not in page
    milestone = policies()[inventory.policy].milestones[0]
    assert milestone["nl"]["label"] in text and milestone["label"] not in text
    # the English report and the inventory itself are untouched
    english = RENDERERS["html"](inventory, RenderOptions(lang="en"))
    assert rule.title in english and nl_title not in english
    assert inventory.findings[0].verdict.title == rule.title
    data = json.loads(RENDERERS["json"](inventory, RenderOptions(lang="nl")))
    assert data["findings"][0]["verdict"]["title"] == rule.title


def test_dutch_markdown_shows_dutch_rule_title():
    inventory = _inventory()
    rule = rule_by_id(inventory.findings[0].verdict.rule)
    text = RENDERERS["md"](inventory, RenderOptions(lang="nl"))
    assert rule.text("nl")[0] in text and rule.title not in text


def test_rules_show_stays_english():
    out = CliRunner().invoke(main, ["rules", "show", "QS101"]).output
    rule = rule_by_id("QS101")
    assert rule.title in out and rule.why in out
    assert rule.text("nl")[0] not in out and rule.text("nl")[1] not in out
