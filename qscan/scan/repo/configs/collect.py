"""The records of one configuration file, located at the directive's file and line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from qscan.model import Finding, Location, ScanError
from qscan.scan.interface import FileContext, Record


@dataclass
class ConfigFindings:
    """Collects findings and errors. The same setting in two blocks of one file (two
    server blocks, two Match blocks) keeps distinct fingerprints: identity gets #n."""

    ctx: FileContext
    records: list[Record] = field(default_factory=list)
    _seen: Counter[str] = field(default_factory=Counter)

    def location(self, component: str, line: int | None) -> Location:
        return Location(
            target=self.ctx.target, component=component, path=self.ctx.relpath, line=line
        )

    def add(self, finding: Finding) -> None:
        self._seen[finding.fingerprint] += 1
        count = self._seen[finding.fingerprint]
        if count > 1:
            finding = replace(finding, identity=f"{finding.identity}#{count}", fingerprint="")
        self.records.append(finding)

    def extend(self, findings: list[Finding]) -> None:
        for finding in findings:
            self.add(finding)

    def error(self, kind: str, message: str, line: int | None = None) -> None:
        where = f"line {line}: " if line else ""
        self.records.append(
            ScanError(
                target=self.ctx.target, kind=kind, message=where + message, path=self.ctx.relpath
            )
        )
