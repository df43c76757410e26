"""The records of one configuration file, located at the directive's file and line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from qscan.model import Finding
from qscan.scan.records import FileRecords


@dataclass
class ConfigFindings(FileRecords):
    """Collects findings and errors. The same setting in two blocks of one file (two
    server blocks, two Match blocks) keeps distinct fingerprints: identity gets #n."""

    _seen: Counter[str] = field(default_factory=Counter)

    def add(self, finding: Finding) -> None:
        self._seen[finding.fingerprint] += 1
        count = self._seen[finding.fingerprint]
        if count > 1:
            finding = replace(finding, identity=f"{finding.identity}#{count}", fingerprint="")
        self.records.append(finding)

    def extend(self, findings: list[Finding]) -> None:
        for finding in findings:
            self.add(finding)
