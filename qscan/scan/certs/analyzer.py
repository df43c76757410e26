"""The file analyzer: certificates, keys and keystores recognised by content."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from qscan.catalog import catalog
from qscan.model import Location
from qscan.scan.certs import der, pkcs12
from qscan.scan.certs.blob import analyze_blob
from qscan.scan.certs.collect import CRYPTO_SUFFIXES, OPENPGP_SUFFIXES
from qscan.scan.certs.findings import chain_findings
from qscan.scan.certs.issuers import IssuerIndex
from qscan.scan.certs.jks import is_keystore
from qscan.scan.certs.openpgp import starts_keyring
from qscan.scan.certs.x509 import CertificateError, CertInfo, parse_certificate
from qscan.scan.interface import FileAnalyzer, FileContext, Record

# Names that promise certificate or key content even when the first 4 KiB do not show it
# (e.g. `openssl x509 -text` output, whose PEM block comes after several KiB of text).
_HINT_SUFFIXES = (
    ".pem", ".crt", ".cer", ".key", ".pub", ".csr", ".p7b", ".p7c", ".ppk", *OPENPGP_SUFFIXES
)  # fmt: skip
_HINT_NAMES = frozenset({"authorized_keys", "authorized_keys2", "known_hosts", "ssh_known_hosts"})
_SSH_LINE = re.compile(rb"(?:ssh|ecdsa|sk)-[A-Za-z0-9@._-]+[ \t]+AAAA")


def wants_content(path: Path, head: bytes) -> bool:
    """Cheap test on the first bytes: PEM, DER, Java keystore, OpenPGP, SSH and PuTTY keys."""
    if not head:
        return False
    if head[0] == 0x30 and len(head) > 1 and (head[1] >= 0x80 or head[1] + 2 <= len(head)):
        return True
    if is_keystore(head) or starts_keyring(head):
        return True
    if b"-----BEGIN " in head or head.startswith(b"PuTTY-User-Key-File-"):
        return True
    if b"---- BEGIN SSH2 PUBLIC KEY ----" in head:
        return True
    if (b" AAAA" in head or b"\tAAAA" in head) and _SSH_LINE.search(head):
        return True
    name = path.name.lower()
    return name in _HINT_NAMES or name.endswith(_HINT_SUFFIXES) or name.endswith(CRYPTO_SUFFIXES)


class CertificateAnalyzer(FileAnalyzer):
    """Certificates, CSRs, PKCS#7, PKCS#12, JKS/JCEKS, private and public keys, SSH keys.

    One instance serves one scan: its `relate` pass gives certificates their `issued_by`
    relation across files (see issuers)."""

    name = "certs"

    def __init__(self) -> None:
        self.issuers = IssuerIndex()

    def prepare(self) -> None:
        """Load the algorithm catalog before the file scanner forks its workers (they
        inherit it instead of each parsing it again)."""
        catalog()

    def wants(self, path: Path, head: bytes) -> bool:
        return wants_content(path, head)

    def analyze(self, data: bytes, ctx: FileContext) -> Iterator[Record]:
        if data[:1] == b"\x30":
            single = _single_der_certificate(data)
            if single is not None:
                location = Location(target=ctx.target, path=ctx.relpath)
                return iter(chain_findings([single], location, link=True))
        return analyze_blob(data, ctx, 0, link=True)

    def relate(self, records: Iterator[Record]) -> Iterator[Record]:
        return self.issuers.relate(records)


def _single_der_certificate(data: bytes) -> CertInfo | None:
    """The common case of a file holding exactly one DER certificate, without the general
    recogniser's detours; None sends everything else down the general path."""
    try:
        outer = der.tlv(data, 0)
        if outer[2] != len(data) or pkcs12.looks_like(data):
            return None
        return parse_certificate(data, outer)
    except (CertificateError, der.DerError):
        return None
