"""Chain relations across the files of one scan.

Certificates that can issue others (CA or self-issued) are indexed by subject name, so a
certificate read later finds its issuer. A certificate read before its issuer waits (by
issuer name, through weak references to its findings) and gets `issued_by` filled in when
the issuer turns up; the match is then by name and key identifier, never by a signature
check (which would dominate the scan time)."""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from qscan.model import Finding
from qscan.scan.certs.x509 import CertInfo

MAX_ISSUERS = 10_000
MAX_WAITING = 200_000
_SWEEP_AT = 4096


class IssuerIndex:
    def __init__(self) -> None:
        self._by_subject: dict[bytes, list[CertInfo]] = {}
        self._count = 0
        self._waiting: dict[bytes, list[tuple[bytes | None, list[weakref.ref[Finding]]]]] = {}
        self._waiting_count = 0
        self._sweep_at = _SWEEP_AT

    def add(self, info: CertInfo) -> None:
        if not (info.is_ca or info.self_issued):
            return
        self._resolve(info)
        if self._count >= MAX_ISSUERS:
            return
        same = self._by_subject.setdefault(info.subject_der, [])
        if any(c.sha256 == info.sha256 for c in same):
            return
        same.append(info)
        self._count += 1

    def candidates(self, info: CertInfo) -> list[CertInfo]:
        return self._by_subject.get(info.issuer_der, [])

    def wait(self, info: CertInfo, findings: Sequence[Finding]) -> None:
        """info's issuer is not known yet: remember its findings until it is."""
        if self._waiting_count >= MAX_WAITING or info.self_issued:
            return
        refs = list(map(weakref.ref, findings))
        self._waiting.setdefault(info.issuer_der, []).append((info.aki, refs))
        self._waiting_count += 1
        if self._waiting_count >= self._sweep_at:
            self._sweep()

    def _sweep(self) -> None:
        """Forget waiting certificates whose findings are gone (a streaming consumer that
        does not keep them), so that memory stays flat; amortised by doubling."""
        count = 0
        for issuer in list(self._waiting):
            alive = [(aki, refs) for aki, refs in self._waiting[issuer] if any(r() for r in refs)]
            if alive:
                self._waiting[issuer] = alive
                count += len(alive)
            else:
                del self._waiting[issuer]
        self._waiting_count = count
        self._sweep_at = max(_SWEEP_AT, 2 * count)

    def _resolve(self, issuer: CertInfo) -> None:
        waiting = self._waiting.get(issuer.subject_der)
        if not waiting:
            return
        keep = []
        for aki, refs in waiting:
            if aki is not None and issuer.ski is not None and aki != issuer.ski:
                keep.append((aki, refs))
                continue
            match = "key-id" if aki is not None and aki == issuer.ski else "name"
            for ref in refs:
                finding = ref()
                if finding is not None:
                    finding.context["issued_by"] = issuer.sha256
                    finding.context["issued_by_match"] = match
            self._waiting_count -= 1
        if keep:
            self._waiting[issuer.subject_der] = keep
        else:
            del self._waiting[issuer.subject_der]
