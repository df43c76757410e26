import pytest

from qscan.assess.engine import assess
from qscan.model import Inventory
from qscan.pipeline import collect
from qscan.scan.interface import ScanOptions
from qscan.targets import parse_target
from tests.scan.tls.servers import make_chain


@pytest.fixture(scope="session")
def chains(tmp_path_factory):
    base = tmp_path_factory.mktemp("tls-chains")
    return {kind: make_chain(base, kind) for kind in ("rsa", "ecdsa", "mldsa")}


class Scan:
    """Findings and errors of a scan, with helpers to read one endpoint."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.findings = inventory.findings
        self.errors = inventory.errors

    def at(self, port: int, component: str | None = None):
        return [
            f
            for f in self.findings
            if f.location.port == port and (component is None or f.location.component == component)
        ]

    def params(self, port: int, component: str, key: str) -> list:
        return [f.params[key] for f in self.at(port, component)]

    def endpoint(self, port: int):
        (found,) = self.at(port, "tls key exchange (modern client)")
        return found

    def errors_for(self, port: int):
        return [e for e in self.errors if e.port == port]


@pytest.fixture
def scan():
    def run(*targets: str, profile: str = "full", timeout: float = 3.0, retries: int = 0, sni=None):
        options = ScanOptions(timeout=timeout, retries=retries, profile=profile)
        parsed = [parse_target(t, sni=sni) for t in targets]
        findings, errors = collect(parsed, options)
        return Scan(assess(Inventory(findings=findings, errors=errors), "nist-ir-8547"))

    return run
