"""The CI gate: which findings count, which fail the build, and the exit code.

A finding counts unless its fingerprint is in the baseline or a waiver that has not expired
matches it. A counted finding fails the build when its severity is at or above `fail_on`, or
when it matches a `--fail-on-status STATUS[:FUNCTION]` condition. Waivers apply to baseline
findings as well (an accepted risk stays accepted, so code scanning closes its alert). Expired
waivers stop applying and are reported; waivers that matched nothing are reported as unused.
A target that could not be scanned at all (model.TARGET_ERRORS: missing, unreadable,
unsupported) makes the scan incomplete (exit 3) even without --strict, unless findings
already fail it (exit 1).

The result is also stored on the inventory (`inventory.extra["gate"]`) so that every output
(SARIF suppressions and baseline state, the HTML and Markdown gate sections) shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qscan.assess.baseline import Baseline, load_baseline
from qscan.assess.waivers import Waiver, load_waivers
from qscan.configfile import ConfigError
from qscan.i18n import plural
from qscan.model import (
    FUNCTIONS,
    RESOURCE_LIMIT,
    SEVERITIES,
    STATUSES,
    TARGET_ERRORS,
    Finding,
    Inventory,
    ScanError,
    severity_rank,
)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3


class GateConfigError(ValueError):
    """A gate option or file that cannot be used (exit code 2)."""


@dataclass(frozen=True)
class StatusCondition:
    status: str
    function: str | None = None

    @classmethod
    def parse(cls, text: str) -> StatusCondition:
        status, _, function = text.strip().partition(":")
        if status not in STATUSES:
            raise GateConfigError(
                f"--fail-on-status: unknown status {status!r} (one of {', '.join(STATUSES)})"
            )
        if function and function not in FUNCTIONS:
            raise GateConfigError(
                f"--fail-on-status: unknown function {function!r} (one of {', '.join(FUNCTIONS)})"
            )
        return cls(status, function or None)

    def matches(self, finding: Finding) -> bool:
        return (
            finding.verdict is not None
            and finding.verdict.status == self.status
            and (self.function is None or finding.function == self.function)
        )

    def __str__(self) -> str:
        return f"{self.status}:{self.function}" if self.function else self.status


@dataclass(frozen=True)
class GateConfig:
    fail_on: str | None = None
    fail_on_status: tuple[StatusCondition, ...] = ()
    baseline: Baseline | None = None
    waivers: tuple[Waiver, ...] = ()
    strict: bool = False
    today: dt.date | None = None

    @property
    def active(self) -> bool:
        return bool(self.fail_on or self.fail_on_status or self.baseline or self.waivers)


@dataclass
class GateResult:
    exit_code: int
    config: GateConfig
    failing: list[Finding] = field(default_factory=list)
    new: list[Finding] = field(default_factory=list)
    known: int = 0
    waived: dict[str, Waiver] = field(default_factory=dict)
    expired: dict[int, int] = field(default_factory=dict)
    """Expired waiver index -> how many findings it would have matched."""
    unused: list[Waiver] = field(default_factory=list)
    lost: int = 0
    """Targets lost to the scanning machine's resource limits."""
    unscanned: list[ScanError] = field(default_factory=list)
    """Error records of targets that could not be scanned at all: the scan is incomplete
    (exit 3) with or without --strict."""

    def expired_waivers(self) -> list[Waiver]:
        return [w for w in self.config.waivers if w.index in self.expired]

    def messages(self) -> list[str]:
        """Warnings for stderr: expired and unused waivers, targets that were not scanned."""
        out = [
            f"{w.describe()} has expired and no longer applies "
            f"({plural(self.expired[w.index], 'finding counts', 'findings count')} again)"
            for w in self.expired_waivers()
        ]
        out += [f"{w.describe()} matched no finding" for w in self.unused]
        out += [
            f"target {e.target} was not scanned ({e.kind}: {e.message})" for e in self.unscanned
        ]
        return out

    def to_dict(self) -> dict[str, Any]:
        cfg = self.config
        out: dict[str, Any] = {
            "exit_code": self.exit_code,
            "fail_on": cfg.fail_on,
            "fail_on_status": [str(c) for c in cfg.fail_on_status],
            "failing": [f.fingerprint for f in self.failing],
            "waived": {fp: w.index for fp, w in self.waived.items()},
            "waivers": [w.to_dict() for w in cfg.waivers],
            "expired_waivers": [
                {**w.to_dict(), "matched": self.expired[w.index]} for w in self.expired_waivers()
            ],
            "unused_waivers": [w.index for w in self.unused],
            "lost_to_resource_limits": self.lost,
        }
        if cfg.baseline is not None:
            out["baseline"] = {
                "source": cfg.baseline.source,
                "created_at": cfg.baseline.created_at,
                "known": self.known,
                "new": [f.fingerprint for f in self.new],
            }
        return out


def build_config(
    fail_on: str | None = None,
    fail_on_status: tuple[str, ...] = (),
    baseline: Path | None = None,
    waivers: Path | None = None,
    strict: bool = False,
    today: dt.date | None = None,
) -> GateConfig:
    if fail_on is not None and fail_on not in SEVERITIES:
        raise GateConfigError(f"--fail-on: unknown severity {fail_on!r}")
    try:
        return GateConfig(
            fail_on=fail_on,
            fail_on_status=tuple(StatusCondition.parse(s) for s in fail_on_status),
            baseline=load_baseline(baseline) if baseline else None,
            waivers=load_waivers(waivers) if waivers else (),
            strict=strict,
            today=today,
        )
    except ConfigError as exc:  # the baseline or waivers file, with its line
        raise GateConfigError(str(exc)) from None


def evaluate(inventory: Inventory, config: GateConfig) -> GateResult:
    today = config.today or dt.datetime.now(dt.UTC).date()
    live = [w for w in config.waivers if not w.expired(today)]
    dead = [w for w in config.waivers if w.expired(today)]
    threshold = severity_rank(config.fail_on) if config.fail_on else None
    result = GateResult(exit_code=EXIT_OK, config=config)
    used: set[int] = set()
    for finding in inventory.findings:
        for expired in dead:
            if expired.matches(finding):
                result.expired[expired.index] = result.expired.get(expired.index, 0) + 1
        known = config.baseline is not None and finding.fingerprint in config.baseline
        if config.baseline is not None:
            if known:
                result.known += 1
            else:
                result.new.append(finding)
        waiver = next((w for w in live if w.matches(finding)), None)
        if waiver is not None:
            result.waived[finding.fingerprint] = waiver
            used.add(waiver.index)
            continue
        if known:
            continue
        verdict = finding.verdict
        if verdict is None:
            continue
        if (threshold is not None and severity_rank(verdict.severity) >= threshold) or any(
            c.matches(finding) for c in config.fail_on_status
        ):
            result.failing.append(finding)
    for waiver in dead:
        result.expired.setdefault(waiver.index, 0)
    result.unused = [w for w in live if w.index not in used]
    result.lost = lost_targets(inventory)
    result.unscanned = [e for e in inventory.errors if e.kind in TARGET_ERRORS]
    if config.strict and result.lost:
        # an inventory known to miss targets cannot pass or fail the build on its findings
        result.exit_code = EXIT_INCOMPLETE
    elif result.failing:
        result.exit_code = EXIT_FINDINGS
    elif result.unscanned or (config.strict and inventory.errors):
        result.exit_code = EXIT_INCOMPLETE
    return result


def lost_targets(inventory: Inventory) -> int:
    """How many targets the scan lost to the scanning machine's resource limits."""
    return len({e.target for e in inventory.errors if e.kind == RESOURCE_LIMIT})


def apply_gate(inventory: Inventory, config: GateConfig) -> GateResult:
    """Evaluate the gate and record the result on the inventory for the renderers."""
    result = evaluate(inventory, config)
    if config.active:
        inventory.extra["gate"] = result.to_dict()
    else:
        inventory.extra.pop("gate", None)
    return result
