"""Rule and policy texts, priority reasons, location components and the fixed texts of scan
records (evidence, context values, error and note messages) in the report language, looked
up at render time by each verdict's rule id, by matching each reason against
qscan.assess.reasons, through the component phrases of reports/i18n and by each record's
message keys (`texts`). The inventory itself (and its JSON) keeps English: it is the
interchange format; the human-facing renderers work on a localised shallow copy."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import TypeVar

from qscan.assess.policy import Policy, PolicyError, get_policy
from qscan.assess.reasons import translate
from qscan.assess.rules import rule_by_id
from qscan.i18n import Translator
from qscan.model import Finding, Inventory, ScanError, Verdict

Record = TypeVar("Record", bound=ScanError)


def _changes(
    verdict: Verdict, lang: str, policy: Policy | None, finding: Finding | None = None
) -> dict[str, str]:
    changes: dict[str, str] = {}
    rule = rule_by_id(verdict.rule)
    if rule is not None and rule.title == verdict.title:
        changes["title"], changes["why"], changes["fix"] = rule.text(lang)
        if finding is not None and verdict.fix == rule.fix_for(finding):
            changes["fix"] = rule.fix_for(finding, lang)  # the finding's variant, filled
    if policy is not None and verdict.deadline_note:
        changes["deadline_note"] = policy.note_text(verdict.deadline_note, lang)
    return changes


def localized_verdict(verdict: Verdict, lang: str, policy: Policy | None) -> Verdict:
    """The verdict with its rule's title, why and fix and its deadline note in `lang`.

    Texts are replaced only when the verdict still carries its rule's English title (the
    engine's "No rule matched" verdict reuses QS000 with other texts, and an inventory from
    another rules version may too); anything without a translation stays English."""
    if lang == "en":
        return verdict
    return replace(verdict, **_changes(verdict, lang, policy))


def localize(inventory: Inventory, lang: str) -> Inventory:
    """A shallow copy of the inventory whose findings carry localised verdicts, priority
    reasons and location components (same fingerprints and order; the input inventory and
    its findings are not touched)."""
    if lang == "en":
        return inventory
    t = Translator(lang)
    components: dict[str, str] = {}
    try:
        policy: Policy | None = get_policy(inventory.policy)
    except PolicyError:
        policy = None
    memo: dict[tuple[str, str, str | None, str], dict[str, str]] = {}
    findings = []
    for finding in inventory.findings:
        verdict, priority = finding.verdict, finding.priority
        component = components.get(finding.location.component)
        if component is None:
            component = components[finding.location.component] = t.component(
                finding.location.component
            )
        finding = copy.copy(finding)
        if component != finding.location.component:
            finding.location = replace(finding.location, component=component)
        if verdict is not None:
            key = (verdict.rule, verdict.title, verdict.deadline_note, verdict.fix)
            changes = memo.get(key)
            if changes is None:
                changes = memo[key] = _changes(verdict, lang, policy, finding)
            finding.verdict = replace(verdict, **changes)
        if priority is not None:
            reasons = [translate(r, lang) for r in priority.reasons]
            finding.priority = replace(priority, reasons=reasons)
        if finding.texts:
            _say_texts(finding, t)
        findings.append(finding)
    out = copy.copy(inventory)
    out.findings = findings
    out.errors = [localized_record(e, t) for e in inventory.errors]
    out.notes = [localized_record(n, t) for n in inventory.notes]
    return out


def _say_texts(finding: Finding, t: Translator) -> None:
    """The finding's (a copy's) evidence and context values said from their message keys."""
    texts = finding.texts or {}
    if "evidence" in texts:
        finding.evidence = t.text(texts["evidence"], finding.evidence)
    keys = [k.removeprefix("context.") for k in texts if k.startswith("context.")]
    said = {
        k: t.text(texts[f"context.{k}"], str(finding.context[k]))
        for k in keys
        if k in finding.context
    }
    if said:
        finding.context = {**finding.context, **said}


def localized_record(record: Record, t: Translator) -> Record:
    """An error or note with its message said from its message key (the same record when it
    has none)."""
    text = (record.texts or {}).get("message")
    if text is None:
        return record
    return replace(record, message=t.text(text, record.message))
