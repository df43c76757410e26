"""SARIF 2.1.0: schema-valid, GitHub's extra requirements, gate state, limits."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest

from qscan.assess.baseline import Baseline
from qscan.assess.gate import GateConfig, apply_gate
from qscan.assess.rules import load_rules
from qscan.assess.waivers import parse_waivers
from qscan.model import Finding, Location
from qscan.render import RENDERERS, RenderOptions
from qscan.render import sarif as sarif_mod

SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json"


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def render(inventory) -> dict:
    doc = json.loads(RENDERERS["sarif"](inventory, RenderOptions()))
    _validator().validate(doc)
    return doc


def test_valid_and_github_ready(inventory):
    doc = render(inventory)
    assert doc["$schema"] and doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "qscan"
    assert {r["id"] for r in rules} >= {r.id for r in load_rules()}
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert "Why:" in rule["help"]["text"] and "**Fix.**" in rule["help"]["markdown"]
        if rule["defaultConfiguration"]["level"] == "error":
            assert float(rule["properties"]["security-severity"]) >= 7.0
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        phys = result["locations"][0]["physicalLocation"]
        uri = phys["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:")) and ".." not in uri
        assert phys["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["primaryLocationLineHash"]
        assert result["message"]["text"]


def test_results_locations_and_omitted_info(inventory):
    run = render(inventory)["runs"][0]
    by_uri = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in run["results"]
    }
    assert by_uri["src/app.py"]["locations"][0]["physicalLocation"]["region"]["startLine"] == 10
    # spaces, quotes and angle brackets in a path are percent-encoded
    assert "src/weird%20%22name%22%20%3Cb%3E.java" in by_uri
    endpoint = by_uri["qscan-endpoints/tls/portal.example.org/443"]
    assert endpoint["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == (
        "tls://portal.example.org:443"
    )
    rules = {r["ruleId"] for r in run["results"]}
    assert "QS104" not in rules and "QS303" not in rules  # info: nothing to do
    assert run["properties"]["infoFindingsOmitted"] == 5  # with the SSH protocol finding (QS422)
    assert len(run["invocations"][0]["toolExecutionNotifications"]) == 2


def test_fingerprint_survives_moved_line(inventory):
    first = render(inventory)["runs"][0]["results"]
    moved = next(f for f in inventory.findings if f.location.path == "src/app.py")
    moved.location.line = 99
    second = render(inventory)["runs"][0]["results"]
    fps = [r["partialFingerprints"]["primaryLocationLineHash"] for r in first]
    assert fps == [r["partialFingerprints"]["primaryLocationLineHash"] for r in second]


def test_gate_suppressions_baseline_and_expired_waivers(inventory):
    known = {f.fingerprint for f in inventory.findings if f.location.path != "src/app.py"}
    waivers = parse_waivers(
        [
            {
                "rule": "QS500",
                "justification": "test fixture key",
                "owner": "team-web",
                "expires": "2027-01-01",
            },
            {"rule": "QS302", "justification": "old", "owner": "x", "expires": "2020-01-01"},
        ]
    )
    apply_gate(
        inventory,
        GateConfig(
            fail_on="high",
            baseline=Baseline(frozenset(known)),
            waivers=waivers,
            today=dt.date(2026, 11, 20),
        ),
    )
    run = render(inventory)["runs"][0]
    states = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r.get("baselineState")
        for r in run["results"]
    }
    assert states["src/app.py"] == "new"
    assert states["keys/id_rsa"] == "unchanged"
    suppressed = [r for r in run["results"] if r.get("suppressions")]
    # QS500 is in the baseline and waived: the accepted risk is suppressed (its alert closes)
    assert [(r["ruleId"], r["baselineState"]) for r in suppressed] == [("QS500", "unchanged")]
    assert suppressed[0]["suppressions"][0]["status"] == "accepted"
    notes = run["invocations"][0]["toolConfigurationNotifications"]
    assert notes[0]["descriptor"]["id"] == "waiver-expired"


def test_waived_result_is_suppressed(plain_inventory):
    waivers = parse_waivers(
        [
            {
                "rule": "QS500",
                "justification": "test fixture key",
                "owner": "team-web",
                "expires": "2099-01-01",
            }
        ]
    )
    apply_gate(plain_inventory, GateConfig(fail_on="high", waivers=waivers))
    run = render(plain_inventory)["runs"][0]
    suppressed = [r for r in run["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["QS500"]
    supp = suppressed[0]["suppressions"][0]
    assert supp["kind"] == "external" and supp["status"] == "accepted"
    assert "team-web" in supp["justification"]


def test_result_limit(monkeypatch, make_synthetic):
    monkeypatch.setattr(sarif_mod, "MAX_RESULTS", 50)
    inv = make_synthetic(200)
    run = render(inv)["runs"][0]
    assert len(run["results"]) == 50
    severities = [r["properties"]["severity"] for r in run["results"]]
    assert severities[0] == "critical"
    assert any(
        n["descriptor"]["id"] == "results-truncated"
        for n in run["invocations"][0]["toolExecutionNotifications"]
    )


@pytest.mark.parametrize(
    "target, path, expected",
    [
        (".", "src/a.py", "src/a.py"),
        ("./", "./src/a.py", "src/a.py"),
        ("services/api", "main.go", "services/api/main.go"),
        ("certs/server.pem", "server.pem", "certs/server.pem"),
        ("/abs/repo", "a b.py", "file:///abs/repo/a%20b.py"),
    ],
)
def test_artifact_uri(target, path, expected):
    f = Finding(
        algorithm="MD5",
        function="hash",
        asset="algorithm",
        location=Location(target=target, path=path, line=1),
    )
    assert sarif_mod.artifact_uri(f) == expected
