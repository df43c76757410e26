"""Chain relations across the files of one scan: certificates seen so far that can issue
others (CA or self-issued), indexed by subject name."""

from __future__ import annotations

from qscan.scan.certs.x509 import CertInfo

MAX_ISSUERS = 10_000


class IssuerIndex:
    def __init__(self) -> None:
        self._by_subject: dict[bytes, list[CertInfo]] = {}
        self._count = 0

    def add(self, info: CertInfo) -> None:
        if not (info.is_ca or info.self_issued) or self._count >= MAX_ISSUERS:
            return
        same = self._by_subject.setdefault(info.subject_der, [])
        if any(c.sha256 == info.sha256 for c in same):
            return
        same.append(info)
        self._count += 1

    def candidates(self, info: CertInfo) -> list[CertInfo]:
        return self._by_subject.get(info.issuer_der, [])
