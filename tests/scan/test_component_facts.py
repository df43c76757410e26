"""What a finding's component says in words (certificate chain[1] signature, tls1.2 cipher
suite) is also in its context as data: chain_index, role, tls_version. Reports keep
showing the component alone."""

from __future__ import annotations

import re
import ssl
from pathlib import Path

import qscan
from qscan.model import COMPONENT_FACTS
from tests.scan.tls.servers import make_chain, python_ssl_server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROLE_IN_COMPONENT = re.compile(
    r"(?:chain\[(\d+)\] )?(alternative public key|alternative signature|public key|signature)$"
)


def test_certificate_and_key_findings_carry_chain_index_and_role() -> None:
    inventory = qscan.scan([EXAMPLES / "pki", EXAMPLES / "keys"])
    certificates = [f for f in inventory.findings if f.asset == "certificate"]
    assert certificates
    for f in certificates:
        m = ROLE_IN_COMPONENT.search(f.location.component)
        assert m, f.location.component
        assert f.context["role"] == m.group(2)
        assert f.context.get("chain_index") == (int(m.group(1)) if m.group(1) else None)
    chained = {f.context["chain_index"] for f in certificates if "chain_index" in f.context}
    assert chained == {0, 1, 2}  # demo-www-fullchain.pem: leaf, intermediate, root
    keys = [f for f in inventory.findings if f.asset == "key" and f.function != "key-storage"]
    assert keys and all(f.context["role"] == "private key" for f in keys)


def test_endpoint_findings_carry_the_tls_version_they_were_offered_in(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, "ecdsa")
    with python_ssl_server(chain, min_version=ssl.TLSVersion.TLSv1_2) as server:
        inventory = qscan.scan(server.address, timeout=3, retries=0)
    assert not inventory.errors
    versioned = 0
    for f in inventory.findings:
        m = re.match(r"tls(1\.[0-3]) ", f.location.component)
        if m:
            versioned += 1
            assert f.context["tls_version"] == f"TLS {m.group(1)}", f.location.component
        else:
            assert "tls_version" not in f.context, f.location.component
    assert versioned >= 5
    leaf = [f for f in inventory.findings if f.context.get("chain_index") == 0]
    assert {f.context["role"] for f in leaf} == {"public key", "signature"}


def test_reports_show_the_component_not_its_restatement() -> None:
    inventory = qscan.scan(EXAMPLES / "pki")
    html = qscan.render(inventory, "html")
    for key in COMPONENT_FACTS:
        assert f"{key}</dt>" not in html and f'"{key}"' not in html
    assert "position in the chain</dt>" in html  # context.chain_index, labelled
    document = qscan.render(inventory, "json")
    assert '"role": "signature"' in document
