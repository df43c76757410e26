"""Which scanners and file analyzers exist. Adding one is one line here."""

from __future__ import annotations

from qscan.scan.files import PathScanner
from qscan.scan.interface import EndpointScanner, FileAnalyzer, FileScanner
from qscan.scan.ssh import SshScanner


def file_analyzers() -> list[FileAnalyzer]:
    return []


def file_scanners() -> list[FileScanner]:
    return [PathScanner(file_analyzers())]


def endpoint_scanners() -> list[EndpointScanner]:
    return [SshScanner()]
