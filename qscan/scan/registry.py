"""Which scanners and file analyzers exist. Adding one is one line here."""

from __future__ import annotations

from qscan.scan.certs import CertificateAnalyzer
from qscan.scan.files import PathScanner
from qscan.scan.interface import EndpointScanner, FileAnalyzer, FileScanner
from qscan.scan.ssh import SshScanner
from qscan.scan.tls import TLSScanner


def file_analyzers() -> list[FileAnalyzer]:
    return [CertificateAnalyzer()]


def file_scanners() -> list[FileScanner]:
    return [PathScanner(file_analyzers())]


def endpoint_scanners() -> list[EndpointScanner]:
    return [TLSScanner(), SshScanner()]
