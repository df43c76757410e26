"""Which scanners and file analyzers exist. Adding one is one line here."""

from __future__ import annotations

from qscan.scan.certs import CertificateAnalyzer
from qscan.scan.files import PathScanner
from qscan.scan.interface import EndpointScanner, FileAnalyzer, FileScanner
from qscan.scan.repo.code.c import CAnalyzer
from qscan.scan.repo.code.csharp import CSharpAnalyzer
from qscan.scan.repo.code.go import GoAnalyzer
from qscan.scan.repo.code.java import JavaAnalyzer
from qscan.scan.repo.code.javascript import JavaScriptAnalyzer
from qscan.scan.repo.code.php import PhpAnalyzer
from qscan.scan.repo.code.python import PythonAnalyzer
from qscan.scan.repo.code.rust import RustAnalyzer
from qscan.scan.repo.configs.apache import ApacheAnalyzer
from qscan.scan.repo.configs.haproxy import HaproxyAnalyzer
from qscan.scan.repo.configs.java_security import JavaSecurityAnalyzer
from qscan.scan.repo.configs.kubernetes import KubernetesAnalyzer
from qscan.scan.repo.configs.nginx import NginxAnalyzer
from qscan.scan.repo.configs.openssl_cnf import OpenSslCnfAnalyzer
from qscan.scan.repo.configs.postfix import PostfixAnalyzer
from qscan.scan.repo.configs.ssh_config import SshConfigAnalyzer
from qscan.scan.repo.configs.terraform import TerraformAnalyzer
from qscan.scan.repo.configs.tomcat import TomcatAnalyzer
from qscan.scan.repo.embedded import EmbeddedKeyAnalyzer
from qscan.scan.ssh import SshScanner
from qscan.scan.tls import TLSScanner


def file_analyzers() -> list[FileAnalyzer]:
    return [
        CertificateAnalyzer(),
        PythonAnalyzer(),
        JavaAnalyzer(),
        GoAnalyzer(),
        JavaScriptAnalyzer(),
        CAnalyzer(),
        CSharpAnalyzer(),
        RustAnalyzer(),
        PhpAnalyzer(),
        NginxAnalyzer(),
        ApacheAnalyzer(),
        HaproxyAnalyzer(),
        OpenSslCnfAnalyzer(),
        SshConfigAnalyzer(),
        JavaSecurityAnalyzer(),
        TomcatAnalyzer(),
        PostfixAnalyzer(),
        KubernetesAnalyzer(),
        TerraformAnalyzer(),
        EmbeddedKeyAnalyzer(),
    ]


def file_scanners() -> list[FileScanner]:
    return [PathScanner(file_analyzers())]


def endpoint_scanners() -> list[EndpointScanner]:
    return [TLSScanner(), SshScanner()]
