"""Migration priority from Mosca's inequality: a score 0-100, a wave 1-4 and the reasons.

x = how long the data must stay confidential, y = how long the migration takes, z = years
until a cryptographically relevant quantum computer (CRQC) under the chosen scenario. When
x + y > z, data protected today is already at risk. Wave 1 is for what must move now:
classically broken uses in production, and harvest-now-decrypt-later exposures (and operated
roots and code signing) where the inequality holds with an x the estate states. Everything
else takes its wave from its deadlines; test, documentation and vendored material never
ranks with production. The formula, its weights and worked examples are documented in
docs/priority.md; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from qscan.assess.issues import Issue, urgency
from qscan.assess.policy import KEX_FUNCTIONS, Policy
from qscan.assess.reasons import reason
from qscan.assess.scenario import Scenario, book, get_scenario, scenario_from_dict
from qscan.model import PRODUCTION, READY, Finding, Inventory, Priority, Verdict, scope_of

SEVERITY_POINTS = {"critical": 20, "high": 15, "medium": 10, "low": 5, "info": 0}
EXPOSURE_POINTS = {"internet": 15, "internal": 5}
CRITICALITY_POINTS = {"critical": 15, "high": 10, "medium": 5, "low": 0}
URGENCY_MAX = 50
WEIGHT_HNDL = 1.0
WEIGHT_LONG_TRUST = 1.0
WEIGHT_SIGNATURE = 0.7
WEIGHT_OTHER = 0.85
WEIGHT_UNKNOWN_STATUS = 0.5
BROKEN_URGENCY = 40
"""Urgency points of a classically broken use: exposed now, whatever the CRQC year."""
BROKEN_FLOOR = 90
"""The least score of a classically broken use in production on an internet-facing or
critical system; elsewhere a broken use scores what its points add up to (65-80)."""
FIRST_WAVE_ASSUMED = 2
"""The earliest wave a harvest-now-decrypt-later or long-trust finding reaches while its
Mosca x is only assumed (no estate value)."""
FIRST_WAVE_DEADLINE = 2
"""The earliest wave of a finding whose urgency comes from deadlines only (signatures,
certificates and keys that are neither roots nor code signing; unrecognised algorithms)."""
FIRST_WAVE_NON_PRODUCTION = 3
NON_PRODUCTION_SCORE_MAX = 25
"""Test, documentation and vendored material: listed, never ranked above production."""
READY_WEIGHT = 0.5
"""Quantum-safe and hybrid uses score half their severity points (0 for info)."""
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


def _is_operated_root(finding: Finding) -> bool:
    """A self-signed CA certificate that is not one of a trust store's third-party roots:
    a root the organisation runs, whose key relying parties keep trusting for its lifetime."""
    ctx = finding.context
    self_signed = _truthy(ctx.get("self_signed")) or _truthy(ctx.get("trust_anchor"))
    return self_signed and _is_ca(finding) and not _truthy(ctx.get("trust_store"))


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


@dataclass(frozen=True)
class _Window:
    """Mosca's x of one finding and what kind of exposure it measures."""

    x: float
    text: str
    stated: bool
    """x comes from the estate or the certificate itself, not from an assumption."""
    weight: float
    lead: str
    mosca_first: bool
    """Mosca's inequality can put it in wave 1: harvest now, decrypt later (key exchange,
    KEM, encryption), and long trust (operated roots, code and firmware signing). Everything
    else is not exposed before a CRQC exists, so its deadlines set its wave."""
    setting: str
    """The estate value that would state x."""


def _exposure_window(
    finding: Finding, profile: SystemProfile | None, now: float, code_signing: bool
) -> _Window:
    if finding.function in KEX_FUNCTIONS:
        stated = profile is not None and profile.confidentiality_years is not None
        x, x_text = _pick(
            profile.confidentiality_years if profile else None,
            book().assumptions.confidentiality_years,
            "window-confidential",
        )
        return _Window(
            x, x_text, stated, WEIGHT_HNDL, reason("lead-hndl"), True, "confidentiality_years"
        )
    x, x_text, stated = _signature_lifetime(finding, profile, now, code_signing)
    long_trust = _is_operated_root(finding) or code_signing
    if finding.function == "signature":
        lead = reason("lead-signature")
    else:
        lead = reason("lead-other", function=finding.function)
    if long_trust or _is_ca(finding):
        weight = WEIGHT_LONG_TRUST
    else:
        weight = WEIGHT_SIGNATURE if finding.function == "signature" else WEIGHT_OTHER
    return _Window(x, x_text, stated, weight, lead, long_trust, "signature_lifetime_years")


def prioritise(
    finding: Finding, policy: Policy, setting: PrioritySetting | None = None
) -> Priority:
    """Score, wave and reasons for one assessed finding (see docs/priority.md)."""
    verdict = finding.verdict
    if verdict is None:
        return Priority(score=0, wave=4, reasons=[reason("not-assessed")])
    if verdict.severity == "info" and verdict.status not in READY:
        return Priority(
            score=0,
            wave=4,
            reasons=[reason("informational", rule=verdict.rule, title=verdict.title)],
        )
    setting = setting or PrioritySetting()
    profile = setting.profile(finding)
    code_signing = _is_code_signing(finding, profile)
    deadline, deadline_text = _deadline(finding, profile, policy, code_signing)
    if verdict.status in READY:
        return _ready(verdict, deadline, deadline_text)
    points, context_reasons, urgent_context = _context_points(finding, profile)
    if verdict.status == "classically-broken":
        score = BROKEN_URGENCY + points
        production = scope_of(finding) == PRODUCTION
        if production and urgent_context:
            score = max(score, BROKEN_FLOOR)
        priority = Priority(min(score, 100), 1, [reason("broken"), *context_reasons])
    else:
        priority = _quantum_priority(
            finding, profile, setting, code_signing, deadline, deadline_text, points
        )
        priority.reasons += context_reasons
    priority = _apart(priority, scope_of(finding))
    if finding.context.get("in_effect") is False:
        return _not_in_effect(priority)
    return priority


def _ready(verdict: Verdict, deadline: float | None, deadline_text: str) -> Priority:
    """Quantum-safe and hybrid: monitored, unless a deadline says when to replace a
    pre-standard algorithm or parameter set."""
    reasons = [reason("safe", status=verdict.status, rule=verdict.rule, title=verdict.title)]
    score = round(SEVERITY_POINTS.get(verdict.severity, 0) * READY_WEIGHT)
    if deadline is None:
        return Priority(score=score, wave=4, reasons=reasons)
    reasons.append(reason("policy-deadline", deadline=deadline_text))
    return Priority(
        score=score, wave=max(FIRST_WAVE_DEADLINE, _wave_by_date(deadline)), reasons=reasons
    )


def _context_points(finding: Finding, profile: SystemProfile | None) -> tuple[int, list[str], bool]:
    """Severity, exposure and criticality points with their reasons, and whether the system
    is internet-facing or critical."""
    verdict = finding.verdict
    assert verdict is not None
    assumed = book().assumptions
    exposure, exposure_text = _exposure(finding, profile, assumed.exposure_unknown_endpoint)
    criticality = (profile.criticality if profile else None) or assumed.criticality
    source = "estate" if profile and profile.criticality else "assumed"
    points = (
        SEVERITY_POINTS.get(verdict.severity, 0)
        + EXPOSURE_POINTS.get(exposure, 0)
        + CRITICALITY_POINTS.get(criticality, 0)
    )
    reasons = [
        exposure_text,
        reason("criticality", criticality=criticality, source=source),
        reason("severity", severity=verdict.severity, rule=verdict.rule),
    ]
    return points, reasons, exposure == "internet" or criticality == "critical"


def _quantum_priority(
    finding: Finding,
    profile: SystemProfile | None,
    setting: PrioritySetting,
    code_signing: bool,
    deadline: float | None,
    deadline_text: str,
    points: int,
) -> Priority:
    """A quantum-vulnerable (or unrecognised) use: Mosca's inequality and the deadlines."""
    verdict = finding.verdict
    assert verdict is not None
    now = decimal_year(setting.today)
    crqc = float(setting.scenario.crqc_year)
    y, y_text = _pick(
        profile.migration_years if profile else None,
        book().assumptions.migration_years,
        "migration",
    )
    z = crqc - now
    window = _exposure_window(finding, profile, now, code_signing)
    x = window.x
    holds = x + y > z
    crqc_text = reason("crqc", year=setting.scenario.crqc_year, scenario=setting.scenario.id)
    inequality = reason("inequality", sum=_years(x + y), cmp=">" if holds else "≤", z=_years(z))
    reasons = [
        reason(
            "mosca",
            lead=window.lead,
            window=window.text,
            migration=y_text,
            crqc=crqc_text,
            inequality=inequality,
        )
    ]
    weight, mosca_first = window.weight, window.mosca_first
    if verdict.status == "unknown":
        weight *= WEIGHT_UNKNOWN_STATUS
        mosca_first = False
        reasons.append(reason("unknown-status"))
    elif not mosca_first:
        held = _is_ca(finding) and _truthy(finding.context.get("trust_store"))
        key = "trust-store" if held else "deadline-driven"
        reasons.append(reason(key, wave=FIRST_WAVE_DEADLINE))

    done_by = crqc - x if mosca_first else crqc
    if deadline is not None and deadline < done_by:
        done_by = deadline
        reasons.append(reason("deadline-first", deadline=deadline_text))
    slack = done_by - y - now
    if mosca_first and holds:
        wave = 1 if window.stated else FIRST_WAVE_ASSUMED
        if window.stated:
            reasons.append(reason("at-risk"))
        else:
            reasons.append(reason("assumed-cap", wave=wave, setting=window.setting))
    else:
        wave = max(FIRST_WAVE_DEADLINE, _wave_by_date(done_by))
        if slack <= 0:
            reasons.append(reason("start-now", year=math.floor(done_by)))
        else:
            reasons.append(reason("start-by", year=math.floor(done_by - y)))
    urgency = max(0.0, min(float(URGENCY_MAX), 25 - 5 * slack)) * weight
    return Priority(score=max(0, min(100, round(urgency + points))), wave=wave, reasons=reasons)


def _apart(priority: Priority, scope: str) -> Priority:
    """Test, documentation and vendored material never ranks with production."""
    if scope == PRODUCTION:
        return priority
    return _ranked_apart(priority, "apart", scope=scope)


def _not_in_effect(priority: Priority) -> Priority:
    """A configuration file the server does not read (not enabled) is a template that takes
    effect once enabled: ranked like non-production material."""
    return _ranked_apart(priority, "not-in-effect")


def _ranked_apart(priority: Priority, why: str, **args: str) -> Priority:
    """Wave 3 at the earliest and a capped score, with the reason (`why`) first."""
    wave = max(priority.wave, FIRST_WAVE_NON_PRODUCTION)
    score = min(priority.score, NON_PRODUCTION_SCORE_MAX)
    note = reason(why, wave=FIRST_WAVE_NON_PRODUCTION, score=score, **args)
    return Priority(score=score, wave=wave, reasons=[note, *priority.reasons])


def _signature_lifetime(
    finding: Finding, profile: SystemProfile | None, now: float, code_signing: bool
) -> tuple[float, str, bool]:
    """How many years signatures made now must stay trustworthy (Mosca's x for signatures),
    its words, and whether it is stated (estate, certificate) rather than assumed."""
    candidates: list[tuple[float, str, bool]] = [(0.0, reason("window-none"), True)]
    if profile is not None and profile.signature_lifetime_years is not None:
        years = profile.signature_lifetime_years
        candidates.append((years, reason("window-signatures", span=_span(years)), True))
    not_after = finding.context.get("not_after")
    remaining = _parse_year(not_after) if not_after else None
    if remaining is not None:
        years = max(0.0, remaining - now)
        key = "window-ca" if _is_ca(finding) else "window-certificate"
        candidates.append((years, reason(key, date=str(not_after)[:10]), True))
    expires = finding.context.get("expires")  # an OpenPGP key's stated expiry
    until = _parse_year(expires) if expires and finding.asset == "key" else None
    if until is not None:
        years = max(0.0, until - now)
        candidates.append((years, reason("window-key", date=str(expires)[:10]), True))
    if code_signing:
        years = book().assumptions.signed_artifact_years
        candidates.append((years, reason("window-code-signing", span=_span(years)), False))
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
    """Aggregate priority of one system from its issues, in any order: the priority of its
    most urgent production issue (of its most urgent other issue when it has no production
    issue), never a count of rows. Counts are named in the reasons."""

    by_wave: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0, 4: 0})
    """Production issues per wave."""
    issues: int = 0
    apart: int = 0
    """Issues in test, documentation or vendored material."""
    _top: tuple[bool, tuple[int, int, int, str, str, str]] | None = None
    _top_issue: Issue | None = None

    def add(self, issue: Issue) -> None:
        self.issues += 1
        p = issue.priority
        if issue.production:
            self.by_wave[p.wave] = self.by_wave.get(p.wave, 0) + 1
        else:
            self.apart += 1
        key = (not issue.production, urgency(issue))
        if self._top is None or key < self._top:
            self._top = key
            self._top_issue = issue

    def priority(self) -> Priority:
        top = self._top_issue
        if top is None:
            return Priority(score=0, wave=4, reasons=[reason("rollup-none")])
        counts = ", ".join(
            reason("wave-count", n=n, wave=w) for w, n in sorted(self.by_wave.items()) if n
        )
        reasons = []
        if counts:
            reasons.append(reason("rollup-count", n=self.issues - self.apart, counts=counts))
        if self.apart:
            reasons.append(reason("rollup-apart", n=self.apart))
        reasons.append(reason("rollup-top-issue", rule=top.rule, title=top.title, asset=top.asset))
        reasons += [reason("rollup-top", reason=r) for r in top.priority.reasons[:2]]
        return Priority(score=top.priority.score, wave=top.priority.wave, reasons=reasons)


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


def rollup_systems(inventory: Inventory, issues: Iterable[Issue]) -> None:
    """Write each estate system's aggregate priority, with its numbers of findings and issues,
    into `extra["estate"]["systems"]`."""
    estate = inventory.extra.get("estate")
    if not isinstance(estate, dict) or not isinstance(estate.get("systems"), list):
        return
    rollups: dict[str, SystemRollup] = {}
    for issue in issues:
        system = issue.attribution.get("system")
        if system:
            rollups.setdefault(system, SystemRollup()).add(issue)
    findings: Counter[str] = Counter(
        str(f.context["system"]) for f in inventory.findings if f.context.get("system")
    )
    errors: Counter[str] = Counter(
        str((e.context or {})["system"])
        for e in inventory.errors
        if (e.context or {}).get("system")
    )
    for system in estate["systems"]:
        if isinstance(system, dict):
            name = str(system.get("name"))
            priority = asdict(rollups.get(name, SystemRollup()).priority())
            if errors[name]:
                priority["reasons"].append(reason("rollup-errors", n=errors[name]))
            system["priority"] = priority
            system["findings"] = findings[name]
            system["issues"] = rollups[name].issues if name in rollups else 0
            system["errors"] = errors[name]
