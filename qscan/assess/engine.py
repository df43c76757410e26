"""Judge findings: the matching rule gives the verdict, the policy gives the deadline."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from qscan.assess.issues import group
from qscan.assess.policy import VALID_UNTIL, Policy, deadline_class, get_policy
from qscan.assess.priority import PrioritySetting, prioritise, rollup_systems, setting_for
from qscan.assess.rules import FROM_ALGORITHM, Rule, RuleIndex, load_rules
from qscan.catalog import catalog
from qscan.model import Finding, Inventory, Verdict

_QUANTUM_STATUS = {
    "vulnerable": "quantum-vulnerable",
    "safe": "quantum-safe",
    "weakened": "quantum-safe",
    "hybrid": "hybrid",
    "pre-standard": "quantum-safe",
    "broken": "classically-broken",
}


def verdict_for(finding: Finding, rule: Rule | None, policy: Policy) -> Verdict:
    if rule is None:
        return Verdict(
            status="unknown",
            severity="low",
            rule="QS000",
            title="No rule matched",
            why="No rule in the loaded rule packs judges this finding.",
            fix="Add a rule for this algorithm and function to rules/packs.",
        )
    cat = catalog()
    status = rule.status
    if status == FROM_ALGORITHM:
        alg = cat.get(finding.algorithm)
        status = _QUANTUM_STATUS.get(alg.quantum, "unknown") if alg else "unknown"
    cls = deadline_class(
        rule.deadline, finding.function, cat.classical_bits(finding.algorithm, finding.params)
    )
    deadline = policy.deadline(cls)
    note = deadline.note if deadline else None
    not_after = str(finding.context.get("not_after") or "")
    if deadline and deadline.date and not_after[:10] > deadline.date:
        note = deadline.note + VALID_UNTIL.format(date=not_after[:10])
    return Verdict(
        status=status,
        severity=rule.severity,
        rule=rule.id,
        title=rule.title,
        why=rule.why,
        fix=rule.fix_for(finding),
        deadline=deadline.date if deadline else None,
        deadline_note=note,
    )


def assess_findings(
    findings: Iterable[Finding], policy_id: str, setting: PrioritySetting | None = None
) -> Iterator[Finding]:
    policy = get_policy(policy_id)
    index = RuleIndex(load_rules(), policy_id)
    for finding in findings:
        finding.verdict = verdict_for(finding, index.best(finding), policy)
        finding.priority = prioritise(finding, policy, setting)
        yield finding


def assess(inventory: Inventory, policy_id: str | None = None) -> Inventory:
    """Judge every finding of the inventory in place under the policy, group the findings
    into issues (`extra["issues"]`, each finding's `issue`), and return it."""
    inventory.policy = policy_id or inventory.policy
    inventory.findings = list(
        assess_findings(inventory.findings, inventory.policy, setting_for(inventory))
    )
    for finding in inventory.findings:
        finding.issue = ""  # judged afresh: grouped afresh
    issues = group(inventory.findings)
    inventory.extra["issues"] = [issue.to_dict() for issue in issues]
    rollup_systems(inventory, issues)
    return inventory
