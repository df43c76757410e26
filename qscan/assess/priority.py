"""Migration priority of one finding: score 0-100, wave 1-4 and the reasons in words.

Without estate context (owner, exposure, data lifetime) the score comes from the verdict,
the function (key establishment is harvest-now-decrypt-later exposed) and the deadline.
"""

from __future__ import annotations

from qscan.assess.policy import KEX_FUNCTIONS, Policy
from qscan.model import Finding, Priority

_SEVERITY_BASE = {"critical": 80, "high": 60, "medium": 40, "low": 20, "info": 0}
_SAFE = ("quantum-safe", "hybrid")


def prioritise(finding: Finding, policy: Policy) -> Priority:
    verdict = finding.verdict
    if verdict is None:
        return Priority(score=0, wave=4, reasons=["not assessed"])
    score = _SEVERITY_BASE.get(verdict.severity, 0)
    reasons = [f"{verdict.severity} severity ({verdict.rule})"]
    if verdict.status not in _SAFE and finding.function in KEX_FUNCTIONS:
        score += 15
        reasons.append("key establishment: recorded traffic can be decrypted later")
    if finding.location.host and verdict.status not in _SAFE:
        score += 5
        reasons.append("network-exposed endpoint")
    year = int(verdict.deadline[:4]) if verdict.deadline else None
    if year is not None and year <= 2030 and verdict.status not in _SAFE:
        score += 5
        reasons.append(f"deadline {verdict.deadline} under {policy.id}")
    score = max(0, min(100, score))
    if verdict.status == "classically-broken" or score >= 80:
        wave = 1
    elif verdict.status in _SAFE and verdict.severity == "info":
        wave = 4
    elif year is not None and year <= 2030:
        wave = 2
    elif year is not None and year <= 2035:
        wave = 3
    else:
        wave = 4 if verdict.severity in ("info", "low") and year is None else 3
    return Priority(score=score, wave=wave, reasons=reasons)
