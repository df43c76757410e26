"""Chain relations across the files of one scan.

Each certificate read from a file leaves a Link in its findings' context (under LINK_KEY):
its subject and issuer names, key identifiers and, for one that can issue, its key's size or
curve. The scanning process passes the scan's records through IssuerIndex.relate in walk
order, whichever process read the file, so the result does not depend on how files were
shared among worker processes. Certificates that can issue others (CA or self-issued) are
indexed by subject name; a certificate whose issuer turns up earlier is related at once, one
read before its issuer waits (by issuer name, through weak references to its findings) and
is related when the issuer turns up: either way the same `issued_by`, `issued_by_match` (key
identifier or name; never a signature check, which would dominate the scan time) and
signature params (the signing key's size or curve, as within a bundle), so the result does
not depend on the order of the files either.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any, NamedTuple

from qscan.model import Finding
from qscan.scan.interface import Record

LINK_KEY = "_issuer_link"
SIGNATURE_IDENTITY = "/signature"
"""The identity of a certificate's signature finding: its SHA-256 and this."""
MAX_ISSUERS = 10_000
MAX_WAITING = 200_000
_SWEEP_AT = 4096


class Link(NamedTuple):
    """What relates a certificate to its issuer (a named tuple: it crosses process
    boundaries with its findings)."""

    sha256: str
    subject: bytes
    issuer: bytes
    ski: bytes | None
    aki: bytes | None
    can_issue: bool
    self_issued: bool
    key_algorithm: str
    key_params: tuple[tuple[str, Any], ...]
    """The size or curve of its key, which a signature it made has too."""


def _relate(link: Link, finding: Finding, issuer: Link) -> None:
    finding.context["issued_by"] = issuer.sha256
    match = "key-id" if link.aki is not None and link.aki == issuer.ski else "name"
    finding.context["issued_by_match"] = match
    if (
        issuer.key_params
        and finding.algorithm == issuer.key_algorithm
        and finding.identity == link.sha256 + SIGNATURE_IDENTITY
    ):
        finding.params = {**finding.params, **dict(issuer.key_params)}
        finding.fingerprint = finding.compute_fingerprint()


class IssuerIndex:
    def __init__(self) -> None:
        self._by_subject: dict[bytes, list[Link]] = {}
        self._count = 0
        self._waiting: dict[bytes, list[tuple[Link, weakref.ref[Finding]]]] = {}
        self._waiting_count = 0
        self._sweep_at = _SWEEP_AT

    def relate(self, records: Iterator[Record]) -> Iterator[Record]:
        """The records, unchanged but for the relations of certificate findings (and their
        Link taken out of the context). The findings of one certificate come together and
        share one Link: it is looked up once."""
        last: Link | None = None
        issuer: Link | None = None
        for record in records:
            if isinstance(record, Finding):
                link = record.context.pop(LINK_KEY, None)
                if link is not None:
                    if link is not last:
                        last = link
                        if link.can_issue:
                            self._add(link)
                        issuer = None if link.self_issued else self._issuer_of(link)
                    if not link.self_issued and "issued_by" not in record.context:
                        if issuer is not None:
                            _relate(link, record, issuer)
                        else:
                            self._wait(link, record)
            yield record

    def _issuer_of(self, link: Link) -> Link | None:
        candidates = [c for c in self._by_subject.get(link.issuer, ()) if c.sha256 != link.sha256]
        if link.aki is not None:
            for candidate in candidates:
                if candidate.ski == link.aki:
                    return candidate
        return candidates[0] if candidates else None

    def _add(self, link: Link) -> None:
        same = self._by_subject.setdefault(link.subject, [])
        if any(c.sha256 == link.sha256 for c in same):
            return
        self._resolve(link)
        if self._count < MAX_ISSUERS:
            same.append(link)
            self._count += 1

    def _wait(self, link: Link, finding: Finding) -> None:
        if self._waiting_count >= MAX_WAITING:
            return
        self._waiting.setdefault(link.issuer, []).append((link, weakref.ref(finding)))
        self._waiting_count += 1
        if self._waiting_count >= self._sweep_at:
            self._sweep()

    def _sweep(self) -> None:
        """Forget waiting findings that are gone (a streaming consumer that does not keep
        them), so that memory stays flat; amortised by doubling."""
        count = 0
        for issuer in list(self._waiting):
            alive = [(link, ref) for link, ref in self._waiting[issuer] if ref() is not None]
            if alive:
                self._waiting[issuer] = alive
                count += len(alive)
            else:
                del self._waiting[issuer]
        self._waiting_count = count
        self._sweep_at = max(_SWEEP_AT, 2 * count)

    def _resolve(self, issuer: Link) -> None:
        waiting = self._waiting.get(issuer.subject)
        if not waiting:
            return
        keep = []
        for link, ref in waiting:
            if (link.aki is not None and issuer.ski is not None and link.aki != issuer.ski) or (
                link.sha256 == issuer.sha256
            ):
                keep.append((link, ref))
                continue
            finding = ref()
            if finding is not None:
                _relate(link, finding, issuer)
            self._waiting_count -= 1
        if keep:
            self._waiting[issuer.subject] = keep
        else:
            del self._waiting[issuer.subject]
