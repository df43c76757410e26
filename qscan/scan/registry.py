"""Which scanners and file analyzers exist. Adding one is one line here.

Entries are "module:class" and imported only when a scan needs them, so that scanning one
SSH endpoint does not load every source-code analyzer (start-up time counts at estate scale).
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import Any

from qscan.scan.interface import EndpointScanner, FileAnalyzer, FileScanner

FILE_ANALYZERS = (
    "qscan.scan.certs:CertificateAnalyzer",
    "qscan.scan.repo.code.python:PythonAnalyzer",
    "qscan.scan.repo.code.java:JavaAnalyzer",
    "qscan.scan.repo.code.go:GoAnalyzer",
    "qscan.scan.repo.code.javascript:JavaScriptAnalyzer",
    "qscan.scan.repo.code.c:CAnalyzer",
    "qscan.scan.repo.code.csharp:CSharpAnalyzer",
    "qscan.scan.repo.code.rust:RustAnalyzer",
    "qscan.scan.repo.code.php:PhpAnalyzer",
    "qscan.scan.repo.configs.nginx:NginxAnalyzer",
    "qscan.scan.repo.configs.apache:ApacheAnalyzer",
    "qscan.scan.repo.configs.haproxy:HaproxyAnalyzer",
    "qscan.scan.repo.configs.openssl_cnf:OpenSslCnfAnalyzer",
    "qscan.scan.repo.configs.ssh_config:SshConfigAnalyzer",
    "qscan.scan.repo.configs.java_security:JavaSecurityAnalyzer",
    "qscan.scan.repo.configs.tomcat:TomcatAnalyzer",
    "qscan.scan.repo.configs.postfix:PostfixAnalyzer",
    "qscan.scan.repo.configs.kubernetes:KubernetesAnalyzer",
    "qscan.scan.repo.configs.terraform:TerraformAnalyzer",
    "qscan.scan.repo.embedded:EmbeddedKeyAnalyzer",
)

# target kind (qscan.targets.Target.kind) -> endpoint scanner
ENDPOINT_SCANNERS = {
    "tls": "qscan.scan.tls:TLSScanner",
    "ssh": "qscan.scan.ssh:SshScanner",
}


def _load(spec: str) -> Any:
    module, name = spec.split(":")
    return getattr(import_module(module), name)


def file_analyzers() -> list[FileAnalyzer]:
    return [_load(spec)() for spec in FILE_ANALYZERS]


def file_scanners() -> list[FileScanner]:
    from qscan.scan.files import PathScanner

    return [PathScanner(file_analyzers())]


def endpoint_scanners(kinds: Iterable[str] | None = None) -> list[EndpointScanner]:
    """The endpoint scanners for these target kinds (all of them when None)."""
    wanted = set(ENDPOINT_SCANNERS) if kinds is None else set(kinds)
    return [_load(spec)() for kind, spec in ENDPOINT_SCANNERS.items() if kind in wanted]
