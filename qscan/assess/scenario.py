"""CRQC scenarios and planning assumptions (rules/scenarios.yaml) for migration priority."""

from __future__ import annotations

from dataclasses import dataclass
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


@cache
def book() -> ScenarioBook:
    raw = load_yaml("scenarios.yaml")
    scenarios = {
        sid: Scenario(id=sid, crqc_year=int(spec["crqc_year"]), label=str(spec["label"]))
        for sid, spec in raw["scenarios"].items()
    }
    if raw["default"] not in scenarios:
        raise ScenarioError(f"scenarios.yaml: default {raw['default']!r} is not a scenario")
    return ScenarioBook(
        default=raw["default"],
        scenarios=scenarios,
        assumptions=Assumptions(**raw["assumptions"]),
        waves={int(k): str(v) for k, v in raw["waves"].items()},
    )


def get_scenario(scenario_id: str | None = None, crqc_year: int | None = None) -> Scenario:
    """The named scenario (default when None), or a custom one when a CRQC year is given."""
    if crqc_year is not None:
        if not 2000 <= crqc_year <= 2100:
            raise ScenarioError(f"CRQC year {crqc_year} is outside 2000-2100")
        return Scenario(id="custom", crqc_year=crqc_year, label=f"CRQC by {crqc_year} (custom)")
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
