"""SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps).

- Every rule of the loaded packs is declared with full help (why and fix as text and
  Markdown), a default level and GitHub's `security-severity`, so a rule that found nothing
  can close its alerts.
- Results carry repository-relative URIs and regions; `partialFingerprints` hold qscan's
  line-independent fingerprint, so moved code keeps its alert.
- Endpoint findings have no file: they get a stable pseudo-location
  `qscan-endpoints/<service>/<host>/<port>` plus a logical location `service://host:port`.
- Findings of severity `info` (quantum-safe uses with nothing to do) are left out; the
  JSON inventory and the CBOM keep them. At most 25,000 results (GitHub's limit), the most
  urgent first; a notification says when results were cut.
- The CI gate, when recorded: waived findings get an accepted external suppression,
  baseline comparison sets `baselineState`, expired waivers become configuration warnings.
- Scan errors become tool execution notifications.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from qscan.assess.issues import assign_issues
from qscan.assess.rules import Rule, load_rules
from qscan.i18n import plural
from qscan.model import Finding, Inventory, ScanError, object_at, scope_of, severity_rank
from qscan.render.interface import RenderOptions
from qscan.render.locations import is_file_target

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
ENDPOINT_ROOT = "qscan-endpoints"


def _rule_name(title: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.findall(r"[A-Za-z0-9]+", title))


def _help(why: str, fix: str, example: str, references: tuple[str, ...]) -> dict[str, str]:
    text = f"Why: {why}\n\nFix: {fix}"
    md = f"**Why.** {why}\n\n**Fix.** {fix}"
    if example:
        text += f"\n\nExample: {example}"
        md += f"\n\n**Example.**\n\n```\n{example}\n```"
    if references:
        text += "\n\nReferences:\n" + "\n".join(f"- {r}" for r in references)
        md += "\n\n**References.**\n\n" + "\n".join(f"- <{r}>" for r in references)
    return {"text": text, "markdown": md}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    props: dict[str, Any] = {
        "tags": ["security", "cryptography", "post-quantum", rule.area or "general", rule.status],
        "precision": "high",
        "problem.severity": {"critical": "error", "high": "error", "medium": "warning"}.get(
            rule.severity, "recommendation"
        ),
        "qscan-severity": rule.severity,
        "qscan-status": rule.status,
    }
    if rule.severity in SECURITY_SEVERITY:
        props["security-severity"] = SECURITY_SEVERITY[rule.severity]
    out: dict[str, Any] = {
        "id": rule.id,
        "name": _rule_name(rule.title),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.why},
        "help": _help(rule.why, rule.fix, rule.example, rule.references),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": props,
    }
    if rule.references:
        out["helpUri"] = rule.references[0]
    return out


def _verdict_rule(finding: Finding) -> Rule:
    """A rule known only from an inventory's verdict (e.g. rendered by another version)."""
    v = finding.verdict
    assert v is not None
    return Rule(
        id=v.rule, title=v.title, severity=v.severity, status=v.status, why=v.why, fix=v.fix
    )


def artifact_uri(finding: Finding) -> str:
    """Repository-relative URI of a file finding: the scan target joined with the path
    relative to it; absolute targets give a file:// URI (upload tools relativise it)."""
    loc = finding.location
    path = (loc.path or "").replace("\\", "/")
    target = loc.target.replace("\\", "/").rstrip("/")
    if target in ("", "."):
        full = path
    elif is_file_target(target, path):
        full = target  # a single-file target: the path is its file name
    else:
        full = f"{target}/{path}"
    full = str(PurePosixPath(full))
    if full.startswith("/"):
        return "file://" + quote(full, safe="/")
    return quote(full, safe="/")


def _location(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    if loc.path is not None:
        return {
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(finding)},
                "region": {"startLine": max(1, loc.line or 1)},
            },
            "logicalLocations": [{"name": loc.component, "kind": "member"}]
            if loc.component
            else [],
        }
    service = loc.service or "tls"
    host = loc.host or loc.target
    return {
        "physicalLocation": {
            "artifactLocation": {
                "uri": f"{ENDPOINT_ROOT}/{quote(service, safe='')}/{quote(host, safe='')}/{loc.port}"
            },
            "region": {"startLine": 1},
        },
        "logicalLocations": [
            {
                "name": f"{host}:{loc.port}",
                "fullyQualifiedName": f"{service}://{host}:{loc.port}",
                "kind": "resource",
            }
        ],
    }


def _message(finding: Finding, policy: str) -> str:
    v = finding.verdict
    assert v is not None
    params = ", ".join(f"{k}={val}" for k, val in finding.params.items() if k != "oid")
    alg = f"{finding.algorithm} ({params})" if params else finding.algorithm
    where = f" in {finding.location.component}" if finding.location.component else ""
    text = f"{v.title}: {alg} for {finding.function}{where}."
    if finding.evidence:
        text += f" Evidence: {finding.evidence}."
    if v.deadline:
        text += f" Migrate by {v.deadline} under {policy}."
    elif v.status == "classically-broken":
        text += " Migrate now."
    return text


def _result(
    finding: Finding,
    rule_index: int,
    policy: str,
    gate: dict[str, Any],
    new: set[str] | None,
) -> dict[str, Any]:
    v = finding.verdict
    assert v is not None
    fp = finding.fingerprint
    result: dict[str, Any] = {
        "ruleId": v.rule,
        "ruleIndex": rule_index,
        "level": LEVEL.get(v.severity, "note"),
        "message": {"text": _message(finding, policy)},
        "locations": [_location(finding)],
        "partialFingerprints": {"primaryLocationLineHash": fp, "qscanFingerprint/v1": fp},
        "properties": {
            "severity": v.severity,
            "status": v.status,
            "algorithm": finding.algorithm,
            "function": finding.function,
            "asset": finding.asset,
            "scope": scope_of(finding),
        },
    }
    if finding.issue:
        result["properties"]["issue"] = finding.issue
    if v.deadline:
        result["properties"]["deadline"] = v.deadline
    if finding.priority is not None:
        result["rank"] = float(finding.priority.score)
    if new is not None:
        result["baselineState"] = "new" if fp in new else "unchanged"
    waiver_index = gate.get("waived", {}).get(fp)
    if waiver_index is not None:
        waiver: dict[str, Any] = next(
            (w for w in gate.get("waivers", []) if w.get("index") == waiver_index), {}
        )
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{waiver.get('justification', '')} "
                f"(owner {waiver.get('owner', '?')}, expires {waiver.get('expires', '?')})",
            }
        ]
    return result


def _error_notification(error: ScanError) -> dict[str, Any]:
    note: dict[str, Any] = {
        "level": "error",
        "message": {"text": f"{error.kind}: {error.message}"},
        "descriptor": {"id": error.kind},
    }
    if error.path:
        note["locations"] = [
            {"physicalLocation": {"artifactLocation": {"uri": quote(error.path, safe="/")}}}
        ]
    elif error.host:
        note["locations"] = [
            {
                "logicalLocations": [
                    {"fullyQualifiedName": f"{error.host}:{error.port}", "kind": "resource"}
                ]
            }
        ]
    return note


def build_sarif(inventory: Inventory) -> dict[str, Any]:
    rules: list[Rule] = list(load_rules())
    index = {r.id: i for i, r in enumerate(rules)}
    for f in inventory.findings:
        if f.verdict and f.verdict.rule not in index:
            index[f.verdict.rule] = len(rules)
            rules.append(_verdict_rule(f))
    gate = object_at(inventory.extra, "gate")
    baseline = gate.get("baseline") if isinstance(gate.get("baseline"), dict) else None
    new = set(baseline.get("new", [])) if baseline is not None else None

    reportable = [f for f in inventory.findings if f.verdict and f.verdict.severity != "info"]
    reportable.sort(
        key=lambda f: (
            -severity_rank(f.verdict.severity),  # type: ignore[union-attr]
            -(f.priority.score if f.priority else 0),
        )
    )
    kept = reportable[:MAX_RESULTS]
    assign_issues(inventory)
    results = [
        _result(f, index[rule], inventory.policy, gate, new)
        for f in kept
        if (rule := f.verdict.rule if f.verdict else "")
    ]

    notifications = [_error_notification(e) for e in inventory.errors]
    if len(reportable) > MAX_RESULTS:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{len(reportable) - MAX_RESULTS} of {len(reportable)} results left "
                    f"out (code scanning accepts {MAX_RESULTS} per run); the JSON inventory has all."
                },
                "descriptor": {"id": "results-truncated"},
            }
        )
    config_notes = [
        {
            "level": "warning",
            "message": {
                "text": f"Waiver #{w.get('index')} (owner {w.get('owner')}) expired on "
                f"{w.get('expires')} and no longer applies; "
                f"{plural(int(w.get('matched', 0)), 'finding counts', 'findings count')} again."
            },
            "descriptor": {"id": "waiver-expired"},
        }
        for w in gate.get("expired_waivers", [])
    ]
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "toolExecutionNotifications": notifications,
        "toolConfigurationNotifications": config_notes,
    }
    if inventory.scanned_at:
        invocation["startTimeUtc"] = inventory.scanned_at
    version = inventory.tool.get("version", "")
    driver: dict[str, Any] = {
        "name": "qscan",
        "fullName": "qscan quantum-safe cryptography scanner",
        "rules": [_rule_descriptor(r) for r in rules],
    }
    if version:
        driver["version"] = version
        if re.fullmatch(r"\d+\.\d+\.\d+.*", version):
            driver["semanticVersion"] = version
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"qscan/{inventory.policy}/"},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "policy": inventory.policy,
            "targets": inventory.targets,
            "findings": len(inventory.findings),
            "infoFindingsOmitted": len(inventory.findings) - len(reportable),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(inventory: Inventory, options: RenderOptions) -> str:
    return json.dumps(build_sarif(inventory), indent=1, ensure_ascii=False) + "\n"
