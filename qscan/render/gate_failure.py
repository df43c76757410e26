"""Why the CI gate failed, for stderr: the conditions, the failing findings counted by rule,
and the first few locations. A CI log shows this even when every output went to a file."""

from __future__ import annotations

from collections import Counter

from qscan.assess.gate import GateResult
from qscan.i18n import plural
from qscan.model import Finding, severity_rank
from qscan.render.locations import where
from qscan.render.summary import most_urgent_findings
from qscan.render.text import sanitise

SHOWN_RULES = 10
SHOWN_LOCATIONS = 5


def _conditions(result: GateResult) -> str:
    config = result.config
    parts = [f"severity {config.fail_on} or above"] if config.fail_on else []
    parts += [f"status {c}" for c in config.fail_on_status]
    return " or ".join(parts)


def _not_counted(result: GateResult) -> str:
    parts = []
    if result.config.baseline is not None:
        parts.append(f"{result.known} in the baseline")
    if result.waived:
        parts.append(f"{len(result.waived)} waived")
    return f"; not counted: {', '.join(parts)}" if parts else ""


def _rule_of(finding: Finding) -> tuple[str, str, str]:
    v = finding.verdict
    assert v is not None
    return v.rule, v.title, v.severity


def failure_lines(result: GateResult) -> list[str]:
    """The reason lines (empty when the gate did not fail on findings)."""
    failing = result.failing
    if not failing:
        return []
    head = (
        f"gate failed: {plural(len(failing), 'finding fails', 'findings fail')} "
        f"({_conditions(result)}){_not_counted(result)}"
    )
    rules = Counter(_rule_of(f) for f in failing)
    ordered = sorted(rules.items(), key=lambda item: (-severity_rank(item[0][2]), -item[1]))
    lines = [head]
    for (rule, title, severity), n in ordered[:SHOWN_RULES]:
        lines.append(f"  {rule} {severity:<8} ×{n}  {title}")
    if len(ordered) > SHOWN_RULES:
        lines.append(f"  … and {plural(len(ordered) - SHOWN_RULES, 'more rule', 'more rules')}")
    first = most_urgent_findings(failing)[:SHOWN_LOCATIONS]
    lines.append("first locations:" if len(first) > 1 else "location:")
    lines += [f"  {_rule_of(f)[0]} {where(f)}" for f in first]
    if len(failing) > len(first):
        rest = plural(len(failing) - len(first), "more finding", "more findings")
        lines.append(f"  … and {rest} (see the reports)")
    return [sanitise(line) for line in lines]
