"""CRQC scenarios and planning assumptions (rules/scenarios.yaml) for migration priority."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.resources import load_yaml


class ScenarioError(ValueError):
    """An unknown scenario id or an impossible CRQC year."""


@dataclass(frozen=True)
class Scenario:
    id: str
    crqc_year: int
    label: str
    labels: dict[str, str] = field(default_factory=dict, compare=False)
    """The label in other languages ({lang: label}, from the scenario's `nl: {label}`)."""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "crqc_year": self.crqc_year, "label": self.label}


@dataclass(frozen=True)
class Assumptions:
    confidentiality_years: float
    migration_years: float
    signed_artifact_years: float
    exposure_unknown_endpoint: str
    exposure_unknown_file: str
    criticality: str


@dataclass(frozen=True)
class ScenarioBook:
    default: str
    scenarios: dict[str, Scenario]
    assumptions: Assumptions
    waves: dict[int, str]
    custom: dict[str, str]
    """The label template of a custom CRQC year, by language (`en` and the others)."""


@cache
def book() -> ScenarioBook:
    raw = load_yaml("scenarios.yaml")
    scenarios = {
        sid: Scenario(
            id=sid,
            crqc_year=int(spec["crqc_year"]),
            label=str(spec["label"]),
            labels=_translations(spec),
        )
        for sid, spec in raw["scenarios"].items()
    }
    if raw["default"] not in scenarios:
        raise ScenarioError(f"scenarios.yaml: default {raw['default']!r} is not a scenario")
    return ScenarioBook(
        default=raw["default"],
        scenarios=scenarios,
        assumptions=Assumptions(**raw["assumptions"]),
        waves={int(k): str(v) for k, v in raw["waves"].items()},
        custom={"en": str(raw["custom"]["label"]), **_translations(raw["custom"])},
    )


def _translations(spec: dict[str, Any]) -> dict[str, str]:
    return {
        lang: str(value["label"])
        for lang, value in spec.items()
        if isinstance(value, dict) and "label" in value
    }


def _custom(year: int) -> Scenario:
    templates = book().custom
    return Scenario(
        id="custom",
        crqc_year=year,
        label=templates["en"].format(year=year),
        labels={lang: text.format(year=year) for lang, text in templates.items() if lang != "en"},
    )


def label_text(label: str, lang: str) -> str:
    """A scenario label as an inventory records it (English) in `lang`: a known scenario's
    translation, a custom year's template, else the label unchanged."""
    if lang == "en":
        return label
    for scenario in book().scenarios.values():
        if scenario.label == label:
            return scenario.labels.get(lang, label)
    template = book().custom
    pattern = re.escape(template["en"]).replace(re.escape("{year}"), r"(\d{4})")
    match = re.fullmatch(pattern, label)
    if match and lang in template:
        return template[lang].format(year=match.group(1))
    return label


def get_scenario(scenario_id: str | None = None, crqc_year: int | None = None) -> Scenario:
    """The named scenario (default when None), or a custom one when a CRQC year is given."""
    if crqc_year is not None:
        if not 2000 <= crqc_year <= 2100:
            raise ScenarioError(f"CRQC year {crqc_year} is outside 2000-2100")
        return _custom(crqc_year)
    b = book()
    sid = scenario_id or b.default
    try:
        return b.scenarios[sid]
    except KeyError:
        known = ", ".join(sorted(b.scenarios))
        raise ScenarioError(f"unknown scenario {sid!r} (known: {known})") from None


def scenario_from_dict(data: Any) -> Scenario:
    """The scenario recorded in an inventory (`extra["scenario"]`), else the default."""
    if isinstance(data, dict) and isinstance(data.get("crqc_year"), int):
        sid = str(data.get("id") or "custom")
        known = book().scenarios.get(sid)
        if known is not None and known.crqc_year == data["crqc_year"]:
            return known
        return Scenario(
            id=sid,
            crqc_year=data["crqc_year"],
            label=str(data.get("label") or f"CRQC by {data['crqc_year']}"),
        )
    return get_scenario()
