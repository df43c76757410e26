"""The records of one blob (a file, or a snippet embedded in one) while it is being read:
the dispatcher (blob.py) and the readers of each format (jks, pkcs12, ssh) add to it."""

from __future__ import annotations

from dataclasses import dataclass, field

from qscan.model import Finding
from qscan.scan.certs.findings import chain_findings, key_findings
from qscan.scan.certs.keys import PrivateKey
from qscan.scan.certs.x509 import CertInfo
from qscan.scan.records import FileRecords


@dataclass
class Blob(FileRecords):
    """What one file (or embedded snippet) yields while it is being read."""

    link: bool = False
    """Certificates carry their Link, for relations across files (the file analyzer's)."""
    certs: list[tuple[CertInfo, int | None]] = field(default_factory=list)
    recognised: bool = False
    """Content of a known kind that yields nothing (EC PARAMETERS, a CRL, a comment-only
    authorized_keys) is not an error."""

    def add(self, findings: list[Finding]) -> None:
        self.records.extend(findings)

    def private_key(
        self,
        pk: PrivateKey,
        line: int | None,
        component: str,
        evidence: str,
        identity: str | None = None,
    ) -> None:
        key = pk.key
        ident = identity or key.fingerprint or f"{component}@{line}"
        context = {"format": pk.fmt, **pk.context}
        reason = pk.context.get("locked_reason")
        if reason:
            self.error("locked-keystore", f"{pk.fmt} {component} stays locked: {reason}", line)
        self.add(
            key_findings(
                key,
                self.location(line),
                component=component,
                evidence=evidence,
                encrypted=pk.encrypted,
                identity=ident,
                context=context,
            )
        )

    def flush_certs(self) -> None:
        if not self.certs:
            return
        infos = [c for c, _ in self.certs]
        lines = [None if line is None else line + self.line_offset for _, line in self.certs]
        self.add(chain_findings(infos, self.location(), lines=lines, link=self.link))
        self.certs.clear()
