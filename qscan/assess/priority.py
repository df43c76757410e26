"""Migration priority from Mosca's inequality: a score 0-100, a wave 1-4 and the reasons.

x = how long the data must stay confidential, y = how long the migration takes, z = years
until a cryptographically relevant quantum computer (CRQC) under the chosen scenario. When
x + y > z, data protected today is already at risk. The formula, its weights and worked
examples are documented in docs/priority.md; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from qscan.assess.policy import KEX_FUNCTIONS, Policy
from qscan.assess.reasons import reason
from qscan.assess.scenario import Assumptions, Scenario, book, get_scenario, scenario_from_dict
from qscan.model import READY, Finding, Inventory, Priority

SEVERITY_POINTS = {"critical": 20, "high": 15, "medium": 10, "low": 5, "info": 0}
EXPOSURE_POINTS = {"internet": 15, "internal": 5}
CRITICALITY_POINTS = {"critical": 15, "high": 10, "medium": 5, "low": 0}
URGENCY_MAX = 50
WEIGHT_HNDL = 1.0
WEIGHT_LONG_TRUST = 1.0
WEIGHT_SIGNATURE = 0.7
WEIGHT_OTHER = 0.85
WEIGHT_UNKNOWN_STATUS = 0.5
BROKEN_FLOOR = 90
CODE_SIGNING_CATEGORY = "software-firmware-signing"

_CODE_SIGNING_EKU = {"codesigning", "code-signing", "1.3.6.1.5.5.7.3.3"}
_CODE_SIGNING_COMPONENT = re.compile(
    r"code.?sign|firmware|authenticode|jarsign|secure.?boot|uefi", re.IGNORECASE
)


@dataclass(frozen=True)
class SystemProfile:
    """What the estate file says about one system (every field optional)."""

    name: str
    organisation_id: str = ""
    owner: str | None = None
    exposure: str | None = None
    criticality: str | None = None
    confidentiality_years: float | None = None
    migration_years: float | None = None
    signature_lifetime_years: float | None = None
    cnsa_category: str | None = None
    eu_risk: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], organisation_id: str = "") -> SystemProfile:
        def num(key: str) -> float | None:
            value = data.get(key)
            return float(value) if isinstance(value, int | float) else None

        return cls(
            name=str(data.get("name", "")),
            organisation_id=organisation_id,
            owner=data.get("owner"),
            exposure=data.get("exposure"),
            criticality=data.get("criticality"),
            confidentiality_years=num("confidentiality_years"),
            migration_years=num("migration_years"),
            signature_lifetime_years=num("signature_lifetime_years"),
            cnsa_category=data.get("cnsa_category"),
            eu_risk=data.get("eu_risk"),
        )


@dataclass(frozen=True)
class PrioritySetting:
    """Everything besides the finding that the score depends on; fixed for one inventory."""

    scenario: Scenario = field(default_factory=get_scenario)
    today: dt.date = field(default_factory=dt.date.today)
    systems: Mapping[tuple[str, str], SystemProfile] = field(default_factory=dict)

    def profile(self, finding: Finding) -> SystemProfile | None:
        system = finding.context.get("system")
        if not system:
            return None
        org = str(finding.context.get("organisation_id") or "")
        return self.systems.get((org, str(system))) or self.systems.get(("", str(system)))


def decimal_year(value: dt.date | str) -> float:
    """2030-12-31 -> 2030.997...; accepts a date or an ISO date/time string."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


def _years(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _span(value: float) -> str:
    text = _years(value)
    return reason("span-one") if text == "1" else reason("span", years=text)


def _parse_year(value: Any) -> float | None:
    try:
        return decimal_year(str(value))
    except ValueError:
        return None


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "yes", "1"))


def _is_ca(finding: Finding) -> bool:
    ctx = finding.context
    return any(_truthy(ctx.get(k)) for k in ("is_ca", "trust_anchor", "ca"))


def _is_code_signing(finding: Finding, profile: SystemProfile | None) -> bool:
    if profile is not None and profile.cnsa_category == CODE_SIGNING_CATEGORY:
        return True
    ctx = finding.context
    purpose = str(ctx.get("purpose") or "").lower()
    if "code" in purpose or "firmware" in purpose:
        return True
    for key in ("eku", "extended_key_usage"):
        values = ctx.get(key)
        if isinstance(values, str):
            values = [values]
        if isinstance(values, list) and any(str(v).lower() in _CODE_SIGNING_EKU for v in values):
            return True
    return bool(_CODE_SIGNING_COMPONENT.search(finding.location.component or ""))


def _category_deadline(
    finding: Finding, profile: SystemProfile | None, policy: Policy, code_signing: bool
) -> tuple[float, str] | None:
    """The earliest `exclusive` year of the policy categories this finding falls under."""
    keys = []
    if profile is not None:
        if profile.cnsa_category:
            keys.append(profile.cnsa_category)
        if profile.eu_risk:
            keys.append(f"{profile.eu_risk}-risk")
    if code_signing:
        keys.append(CODE_SIGNING_CATEGORY)
    best: tuple[float, str] | None = None
    for key in keys:
        year = (policy.categories.get(key) or {}).get("exclusive")
        if isinstance(year, int):
            candidate = (decimal_year(f"{year}-12-31"), key)
            best = candidate if best is None or candidate < best else best
    return best


def _pick(estate_value: float | None, default: float, key: str) -> tuple[float, str]:
    """The estate's value, else the assumption, with words (reason `key`) saying which."""
    if estate_value is not None:
        return estate_value, reason(key, span=_span(estate_value), source="estate")
    return default, reason(key, span=_span(default), source="assumed")


def _deadline(
    finding: Finding, profile: SystemProfile | None, policy: Policy, code_signing: bool
) -> tuple[float | None, str]:
    """The verdict's policy deadline, or an earlier category deadline, as a decimal year."""
    verdict = finding.verdict
    assert verdict is not None
    deadline = _parse_year(verdict.deadline) if verdict.deadline else None
    text = reason("deadline", date=verdict.deadline, policy=policy.id) if verdict.deadline else ""
    category = _category_deadline(finding, profile, policy, code_signing)
    if category is not None and (deadline is None or category[0] < deadline):
        year = math.floor(category[0])
        date = f"{year}-12-31"
        return category[0], reason(
            "deadline-category", date=date, category=category[1], policy=policy.id
        )
    return deadline, text


def _exposure_window(
    finding: Finding,
    profile: SystemProfile | None,
    now: float,
    code_signing: bool,
) -> tuple[float, str, float, str]:
    """Mosca's x with its explanation, the urgency weight and the lead reason."""
    if finding.function in KEX_FUNCTIONS:
        x, x_text = _pick(
            profile.confidentiality_years if profile else None,
            book().assumptions.confidentiality_years,
            "window-confidential",
        )
        lead = reason("lead-hndl")
        return x, x_text, WEIGHT_HNDL, lead
    x, x_text = _signature_lifetime(finding, profile, now, code_signing, book().assumptions)
    long_trust = _is_ca(finding) or code_signing
    if finding.function == "signature":
        weight = WEIGHT_LONG_TRUST if long_trust else WEIGHT_SIGNATURE
        lead = reason("lead-signature")
    else:
        weight = WEIGHT_LONG_TRUST if long_trust else WEIGHT_OTHER
        lead = reason("lead-other", function=finding.function)
    return x, x_text, weight, lead


def prioritise(
    finding: Finding, policy: Policy, setting: PrioritySetting | None = None
) -> Priority:
    """Score, wave and reasons for one assessed finding (see docs/priority.md)."""
    verdict = finding.verdict
    if verdict is None:
        return Priority(score=0, wave=4, reasons=[reason("not-assessed")])
    setting = setting or PrioritySetting()
    assumed = book().assumptions
    profile = setting.profile(finding)
    now = decimal_year(setting.today)
    crqc = float(setting.scenario.crqc_year)
    severity_points = SEVERITY_POINTS.get(verdict.severity, 0)
    reasons: list[str] = []

    code_signing = _is_code_signing(finding, profile)
    deadline, deadline_text = _deadline(finding, profile, policy, code_signing)

    if verdict.status in READY:
        reasons.append(
            reason("safe", status=verdict.status, rule=verdict.rule, title=verdict.title)
        )
        wave = _wave_by_date(deadline) if deadline is not None else 4
        if deadline is not None:
            reasons.append(reason("policy-deadline", deadline=deadline_text))
        return Priority(score=severity_points, wave=wave, reasons=reasons)

    y, y_text = _pick(
        profile.migration_years if profile else None, assumed.migration_years, "migration"
    )
    z = crqc - now
    crqc_text = reason("crqc", year=setting.scenario.crqc_year, scenario=setting.scenario.id)

    x, x_text, weight, lead = _exposure_window(finding, profile, now, code_signing)
    cmp = ">" if x + y > z else "≤"
    inequality = reason("inequality", sum=_years(x + y), cmp=cmp, z=_years(z))
    reasons.append(
        reason(
            "mosca",
            lead=lead,
            window=x_text,
            migration=y_text,
            crqc=crqc_text,
            inequality=inequality,
        )
    )
    if verdict.status == "unknown":
        weight *= WEIGHT_UNKNOWN_STATUS
        reasons.append(reason("unknown-status"))

    done_by = crqc - x
    if deadline is not None and deadline < done_by:
        done_by = deadline
        reasons.append(reason("deadline-first", deadline=deadline_text))
    start_by = done_by - y
    slack = start_by - now
    if slack <= 0:
        reasons.append(reason("at-risk"))
    else:
        reasons.append(reason("start-by", year=math.floor(start_by)))
    urgency = max(0.0, min(float(URGENCY_MAX), 25 - 5 * slack)) * weight

    exposure, exposure_text = _exposure(finding, profile, assumed.exposure_unknown_endpoint)
    criticality = (profile.criticality if profile else None) or assumed.criticality
    source = "estate" if profile and profile.criticality else "assumed"
    context_reasons = [
        exposure_text,
        reason("criticality", criticality=criticality, source=source),
        reason("severity", severity=verdict.severity, rule=verdict.rule),
    ]
    score = round(
        urgency
        + severity_points
        + EXPOSURE_POINTS.get(exposure, 0)
        + CRITICALITY_POINTS.get(criticality, 0)
    )
    if verdict.status == "classically-broken":
        reasons = [reason("broken"), *context_reasons]
        return Priority(score=max(min(score, 100), BROKEN_FLOOR), wave=1, reasons=reasons)
    reasons += context_reasons
    wave = 1 if slack <= 0 else _wave_by_date(done_by)
    return Priority(score=max(0, min(100, score)), wave=wave, reasons=reasons)


def _signature_lifetime(
    finding: Finding,
    profile: SystemProfile | None,
    now: float,
    code_signing: bool,
    assumed: Assumptions,
) -> tuple[float, str]:
    """How many years signatures made now must stay trustworthy (Mosca's x for signatures)."""
    candidates: list[tuple[float, str]] = [(0.0, reason("window-none"))]
    if profile is not None and profile.signature_lifetime_years is not None:
        years = profile.signature_lifetime_years
        candidates.append((years, reason("window-signatures", span=_span(years))))
    if code_signing:
        years = assumed.signed_artifact_years
        candidates.append((years, reason("window-code-signing", span=_span(years))))
    not_after = finding.context.get("not_after")
    remaining = _parse_year(not_after) if not_after else None
    if remaining is not None:
        years = max(0.0, remaining - now)
        key = "window-ca" if _is_ca(finding) else "window-certificate"
        candidates.append((years, reason(key, date=str(not_after)[:10])))
    return max(candidates, key=lambda c: c[0])


def _exposure(
    finding: Finding, profile: SystemProfile | None, endpoint_default: str
) -> tuple[str, str]:
    if profile is not None and profile.exposure:
        return profile.exposure, reason("exposure-estate", exposure=profile.exposure)
    if finding.location.host:
        return endpoint_default, reason("exposure-endpoint", exposure=endpoint_default)
    internal = book().assumptions.exposure_unknown_file
    return internal, reason("exposure-file", exposure=internal)


def _wave_by_date(done_by: float) -> int:
    for wave, date in sorted(book().waves.items()):
        if done_by <= decimal_year(date):
            return wave
    return 4


@dataclass
class SystemRollup:
    """Aggregate priority of one system from its findings' priorities, in any order."""

    by_wave: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0, 4: 0})
    findings: int = 0
    _top: tuple[int, int, str] | None = None
    _top_reasons: list[str] = field(default_factory=list)

    def add(self, score: int, wave: int, reasons: list[str], fingerprint: str) -> None:
        self.findings += 1
        self.by_wave[wave] = self.by_wave.get(wave, 0) + 1
        key = (score, -wave, fingerprint)
        if self._top is None or key > self._top:
            self._top = key
            self._top_reasons = list(reasons)

    def priority(self) -> Priority:
        if self._top is None:
            return Priority(score=0, wave=4, reasons=[reason("rollup-none")])
        score = self._top[0]
        wave = min(w for w, n in self.by_wave.items() if n)
        counts = ", ".join(
            reason("wave-count", n=n, wave=w) for w, n in sorted(self.by_wave.items()) if n
        )
        reasons = [reason("rollup-count", n=self.findings, counts=counts)]
        reasons += [reason("rollup-top", reason=r) for r in self._top_reasons[:2]]
        return Priority(score=score, wave=wave, reasons=reasons)


def setting_for(inventory: Inventory) -> PrioritySetting:
    """The scenario, date and estate systems recorded in an inventory (or merged inventory)."""
    try:
        today = dt.date.fromisoformat(inventory.scanned_at[:10])
    except ValueError:
        today = dt.date.today()
    systems: dict[tuple[str, str], SystemProfile] = {}
    estates = [inventory.extra.get("estate")] + list(inventory.extra.get("organisations") or [])
    for estate in estates:
        if not isinstance(estate, dict):
            continue
        org = estate.get("organisation") or {"id": estate.get("id")}
        org_id = str(org.get("id") or "") if isinstance(org, dict) else ""
        for system in estate.get("systems") or []:
            profile = SystemProfile.from_dict(system, org_id)
            systems[(org_id, profile.name)] = profile
            systems.setdefault(("", profile.name), profile)
    return PrioritySetting(
        scenario=scenario_from_dict(inventory.extra.get("scenario")), today=today, systems=systems
    )


def rollup_systems(inventory: Inventory) -> None:
    """Write each estate system's aggregate priority into `extra["estate"]["systems"]`."""
    estate = inventory.extra.get("estate")
    if not isinstance(estate, dict) or not isinstance(estate.get("systems"), list):
        return
    rollups: dict[str, SystemRollup] = {}
    for finding in inventory.findings:
        system = finding.context.get("system")
        if system and finding.priority is not None:
            p = finding.priority
            rollups.setdefault(str(system), SystemRollup()).add(
                p.score, p.wave, p.reasons, finding.fingerprint
            )
    errors: dict[str, int] = {}
    for error in inventory.errors:
        system = (error.context or {}).get("system")
        if system:
            errors[str(system)] = errors.get(str(system), 0) + 1
    for system in estate["systems"]:
        if isinstance(system, dict):
            name = str(system.get("name"))
            priority = asdict(rollups.get(name, SystemRollup()).priority())
            if errors.get(name):
                priority["reasons"].append(reason("rollup-errors", n=errors[name]))
            system["priority"] = priority
            system["findings"] = rollups[name].findings if name in rollups else 0
            system["errors"] = errors.get(name, 0)
