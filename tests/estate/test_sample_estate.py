"""The ranking properties of the priority model on a realistic estate (tests/estate/sample.py):
24 systems with real endpoints, certificates, keys, configurations and code. The numbers are
in docs/priority.md (benchmarks/estate_priority.py prints them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qscan.assess.issues import Issue, issues_of
from qscan.inventories.roadmap import build, load
from qscan.model import Inventory
from qscan.render import RENDERERS, RenderOptions
from tests.estate.sample import sample_estate


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Inventory, dict[str, str]]]:
    with sample_estate(tmp_path_factory.mktemp("sample-estate")) as estate:
        yield estate.scan(), estate.expect


def _systems(inventory: Inventory) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in inventory.extra["estate"]["systems"]}


def _rank(inventory: Inventory) -> list[str]:
    """Systems most urgent first, as the roadmap orders them: wave, then score."""
    systems = inventory.extra["estate"]["systems"]
    ordered = sorted(systems, key=lambda s: (s["priority"]["wave"], -s["priority"]["score"]))
    return [s["name"] for s in ordered]


def _of(expect: dict[str, str], *kinds: str) -> list[str]:
    return [name for name, kind in expect.items() if kind in kinds]


def test_the_estate_is_scanned_completely(scanned: tuple[Inventory, dict[str, str]]) -> None:
    inventory, expect = scanned
    assert len(expect) >= 20
    assert inventory.errors == []
    systems = _systems(inventory)
    assert all(systems[name]["findings"] > 0 for name in expect if expect[name] != "empty")


def test_internet_facing_long_confidentiality_systems_come_first(
    scanned: tuple[Inventory, dict[str, str]],
) -> None:
    inventory, expect = scanned
    rank = _rank(inventory)
    systems = _systems(inventory)
    hndl = _of(expect, "hndl-internet")
    assert all(systems[name]["priority"]["wave"] == 1 for name in hndl)
    below = _of(expect, "non-production", "non-security-hash", "ready", "empty")
    assert max(rank.index(n) for n in hndl) < min(rank.index(n) for n in below)


def test_quantum_safe_and_hybrid_systems_are_at_the_bottom(
    scanned: tuple[Inventory, dict[str, str]],
) -> None:
    inventory, expect = scanned
    rank = _rank(inventory)
    systems = _systems(inventory)
    ready = _of(expect, "ready")
    assert all(systems[n]["priority"]["wave"] == 4 for n in ready)
    assert all(systems[n]["priority"]["score"] <= 5 for n in ready)
    # a hash marked as not used for security is informational once its rule knows the mark
    to_migrate = _of(expect, *(set(expect.values()) - {"ready", "empty", "non-security-hash"}))
    assert min(rank.index(n) for n in ready) > max(rank.index(n) for n in to_migrate)


def test_no_wave_is_driven_by_non_production_material(
    scanned: tuple[Inventory, dict[str, str]],
) -> None:
    inventory, expect = scanned
    issues = issues_of(inventory)
    assert all(i.production for i in issues if i.priority.wave <= 2)
    systems = _systems(inventory)
    for name in _of(expect, "non-production"):
        assert systems[name]["priority"]["wave"] >= 3, name
        assert systems[name]["priority"]["score"] <= 25, name
    by_system: dict[str, list[Issue]] = {}
    for issue in issues:
        by_system.setdefault(issue.attribution["system"], []).append(issue)
    for name, own in by_system.items():
        production = [i for i in own if i.production]
        top = systems[name]["priority"]
        if production:  # a system with production issues is ranked by them alone
            best = min(production, key=lambda i: (i.priority.wave, -i.priority.score))
            assert (top["wave"], top["score"]) == (best.priority.wave, best.priority.score)


def test_the_waves_are_spread(scanned: tuple[Inventory, dict[str, str]]) -> None:
    inventory, expect = scanned
    systems = _systems(inventory)
    waves = Counter(s["priority"]["wave"] for s in systems.values())
    assert set(waves) == {1, 2, 3, 4}
    assert waves[1] <= len(systems) / 2
    scores = [s["priority"]["score"] for s in systems.values()]
    assert sum(score >= 90 for score in scores) <= len(systems) / 4
    assert len(set(scores)) >= len(systems) / 3


@pytest.mark.parametrize(
    ("kind", "wave"),
    [
        ("long-trust", 1),  # an operated root and code signing with stated lifetimes
        ("broken", 1),  # RSA-1024 in production
        ("hndl-internal", 1),  # x from the estate, Mosca holds
        ("assumed", 2),  # x assumed: wave 2 at most
        ("trust-store", 2),  # third-party roots: deadlines, not lifetimes
    ],
)
def test_each_kind_of_system_gets_its_wave(
    scanned: tuple[Inventory, dict[str, str]], kind: str, wave: int
) -> None:
    inventory, expect = scanned
    systems = _systems(inventory)
    assert {systems[n]["priority"]["wave"] for n in _of(expect, kind)} == {wave}


def test_a_service_key_kept_owner_only_is_listed_and_a_readable_one_is_urgent(
    scanned: tuple[Inventory, dict[str, str]],
) -> None:
    inventory, _ = scanned
    stored = {
        i.attribution["system"]: i for i in issues_of(inventory) if i.rule in ("QS500", "QS502")
    }
    host_key, readable = stored["sftp-exchange"], stored["legacy-crm"]
    assert (host_key.rule, host_key.severity) == ("QS502", "low")
    assert host_key.priority.wave >= 3  # listed in the inventory, not a wave driver
    assert (readable.rule, readable.severity, readable.priority.wave) == ("QS500", "critical", 1)
    assert set(stored) == {"sftp-exchange", "legacy-crm"}


def test_a_system_with_nothing_found_has_no_readiness_and_ranks_last(
    scanned: tuple[Inventory, dict[str, str]], tmp_path: Path
) -> None:
    inventory, expect = scanned
    (empty,) = _of(expect, "empty")
    path = tmp_path / "inventory.json"
    path.write_text(inventory.to_json())
    header, aggregates = load(path)
    systems = {s["name"]: s for s in aggregates["systems"]}
    assert systems[empty]["findings"] == 0 and systems[empty]["readiness"] is None
    roadmap = build(header, aggregates)
    assert empty not in [s["name"] for s in roadmap.systems_first]
    assert [s["name"] for s in roadmap.systems_first][0] in _of(expect, "hndl-internet")


def test_reports_count_the_same_issues_as_the_json(
    scanned: tuple[Inventory, dict[str, str]],
) -> None:
    inventory, _ = scanned
    issues = inventory.extra["issues"]
    production = [i for i in issues if i["scope"] == "production"]
    apart = len(issues) - len(production)
    to_act = [
        i
        for i in production
        if i["severity"] != "info" and i["status"] not in ("quantum-safe", "hybrid")
    ]
    informational = len(production) - len(to_act)
    assert to_act and informational
    text = RENDERERS["text"](inventory, RenderOptions())
    headline = f"issues: {len(to_act)} to act on (+{informational} informational)"
    assert f"findings: {len(inventory.findings)}   {headline}" in text
    assert f"apart:       {apart} issues in test, documentation or vendored" in text
    markdown = RENDERERS["md"](inventory, RenderOptions())
    assert f"**{len(to_act)} issues to act on** (+{informational} informational" in markdown
    assert f"of {len(production)} issues in production material" in markdown
    first = text.split("top risks:\n", 1)[1].splitlines()[0]
    assert f"{to_act[0]['rule']} {to_act[0]['title']} — {to_act[0]['asset']}" in first
