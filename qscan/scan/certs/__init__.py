"""Certificates, keys and keystores: the file analyzer and the shared API other scanners use.

- `certificate_findings(der, location, chain_index=None, issuer_der=None)`: the findings of
  one DER certificate seen anywhere (a TLS server chain, a file). `location` gives the target
  and path/line or host/port/service; a non-empty `location.component` is kept as a prefix
  (e.g. "tls server " -> "tls server certificate chain[0] public key"). Raises
  `CertificateError` (a ValueError) for bytes that are not a certificate.
- `analyze_bytes(data, ctx, line_offset=0)`: everything the file analyzer does for a blob;
  a finding on line L of the blob is reported at line_offset + L, so an embedded PEM block
  that starts at line N of a source file is passed with line_offset = N - 1.
"""

from __future__ import annotations

from collections.abc import Iterator

from qscan.model import Finding, Location
from qscan.scan.certs.analyzer import CertificateAnalyzer, wants_content
from qscan.scan.certs.blob import analyze_blob
from qscan.scan.certs.findings import cert_findings
from qscan.scan.certs.x509 import CertificateError, parse_certificate
from qscan.scan.interface import FileContext, Record

__all__ = [
    "CertificateAnalyzer",
    "CertificateError",
    "analyze_bytes",
    "certificate_findings",
    "wants_content",
]


def certificate_findings(
    der: bytes,
    location: Location,
    *,
    chain_index: int | None = None,
    issuer_der: bytes | None = None,
) -> list[Finding]:
    info = parse_certificate(der)
    issuer = parse_certificate(issuer_der) if issuer_der is not None else None
    prefix = f"{location.component} " if location.component else ""
    return cert_findings(info, location, prefix=prefix, chain_index=chain_index, issuer=issuer)


def analyze_bytes(data: bytes, ctx: FileContext, line_offset: int = 0) -> Iterator[Record]:
    return analyze_blob(data, ctx, line_offset)
