"""Issues, not rows: one rule on one asset is one issue, on real endpoints, certificates,
keys, configurations and source files; stable ids; the same grouping from objects, from the
JSON inventory and after a merge."""

from __future__ import annotations

import json
import random
import ssl
from pathlib import Path

import jsonschema
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from qscan import api
from qscan.assess.issues import group, issues_of, member_of, member_of_dict
from qscan.assess.scenario import get_scenario
from qscan.estate import load_estate
from qscan.inventories.merge import merge
from qscan.model import Inventory
from qscan.pipeline import scan_estate
from qscan.scan.interface import ScanOptions
from tests.inventories.conftest import make_cert
from tests.scan.tls.servers import make_chain, python_ssl_server

SCHEMA = Path(__file__).resolve().parents[2] / "qscan" / "schemas" / "inventory.schema.json"
RSA_KEYGEN = "from cryptography.hazmat.primitives.asymmetric import ec, rsa\n"


def _by_rule(inventory: Inventory) -> dict[str, list]:
    out: dict[str, list] = {}
    for issue in issues_of(inventory):
        out.setdefault(issue.rule, []).append(issue)
    return out


def test_an_endpoint_accepting_rsa_key_transport_is_one_issue(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, "rsa")
    ciphers = "AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA:AES256-SHA:AES128-SHA256"
    with python_ssl_server(chain, ciphers=ciphers, max_version=ssl.TLSVersion.TLSv1_2) as server:
        inventory = api.scan(server.address, timeout=3)
    suites = [f for f in inventory.findings if f.verdict and f.verdict.rule == "QS114"]
    assert len(suites) == 5
    (issue,) = _by_rule(inventory)["QS114"]
    assert issue.count == 5 and issue.kind == "endpoint"
    assert issue.asset == f"tls://127.0.0.1:{server.port}"
    assert issue.component == "tls1.2 cipher suite"
    assert {f.issue for f in suites} == {issue.id}
    # the leaf certificate: its public key and signature are judged by their own rules, each
    # one issue about that certificate on that endpoint
    leaf = [f for f in inventory.findings if f.context.get("chain_index") == 0]
    assert leaf and all(
        i.kind == "certificate" and i.asset.endswith("CN=localhost")
        for i in issues_of(inventory)
        if set(i.members) & {f.fingerprint for f in leaf}
    )


def test_a_certificate_copied_into_two_files_is_one_issue_with_two_places(
    tmp_path: Path,
) -> None:
    first = make_cert(tmp_path / "a" / "cert.pem", "rsa", bits=1024, name="grouping test")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "copy.pem").write_bytes(first.read_bytes())
    inventory = api.scan(tmp_path)
    (weak,) = _by_rule(inventory)["QS203"]  # RSA-1024: the public key and the signature, twice
    assert weak.kind == "certificate" and weak.count == 4
    assert weak.places == [f"{tmp_path}: a/cert.pem:1", f"{tmp_path}: b/copy.pem:1"]
    assert weak.asset == "CN=grouping test"  # the certificate, not one of its files
    assert weak.to_dict()["places"] == weak.places


def _estate(tmp_path: Path, systems: dict[str, dict[str, list[str]]]) -> Inventory:
    lines = ["organisation: {name: Example Agency, id: EXA}", "systems:"]
    for name, targets in systems.items():
        lines += [f"  - name: {name}", f"    owner: team {name}", "    targets:"]
        lines += [f"      {kind}: {json.dumps(values)}" for kind, values in targets.items()]
    (tmp_path / "estate.yaml").write_text("\n".join(lines) + "\n")
    estate = load_estate(tmp_path / "estate.yaml")
    return scan_estate(estate, ScanOptions(timeout=3), "nist-ir-8547", get_scenario("mid"))


def test_a_certificate_or_key_two_systems_hold_is_an_issue_of_each(tmp_path: Path) -> None:
    cert = make_cert(tmp_path / "portal" / "ca.pem", "rsa", bits=1024, name="shared CA")
    (tmp_path / "payroll").mkdir()
    (tmp_path / "payroll" / "root.pem").write_bytes(cert.read_bytes())
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    ssh_key = public.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    for system in ("portal", "payroll"):
        (tmp_path / system / "deploy.pub").write_bytes(ssh_key + b" deploy@example\n")
    (tmp_path / "portal" / "nginx.conf").write_text(
        "http { server { listen 443 ssl; ssl_protocols TLSv1 TLSv1.2; } }\n"
    )
    inventory = _estate(tmp_path, {s: {"paths": [s]} for s in ("portal", "payroll")})
    issues = _by_rule(inventory)
    for rule, kind in (("QS203", "certificate"), ("QS201", "key")):
        by_system = {i.attribution["system"]: i for i in issues[rule] if i.kind == kind}
        assert sorted(by_system) == ["payroll", "portal"], rule
        for system, issue in by_system.items():
            assert all(p.startswith(str(tmp_path / system)) for p in issue.places), rule
    # each system's priority sees its own issue
    systems = {s["name"]: s for s in inventory.extra["estate"]["systems"]}
    own = {s: sum(i.attribution.get("system") == s for i in issues_of(inventory)) for s in systems}
    assert {s: systems[s]["issues"] for s in systems} == own
    assert all("shared CA" in " ".join(s["priority"]["reasons"]) for s in systems.values())
    # a merge counts them the same way; protocol versions apart from the algorithms
    source = tmp_path / "estate.json"
    source.write_text(inventory.to_json())
    merge([source], tmp_path / "merged.json")
    aggregates = json.loads((tmp_path / "merged.json").read_text())["aggregates"]
    merged = {s["name"]: s for s in aggregates["systems"]}
    assert {s: merged[s]["issues"] for s in systems} == own
    assert merged["portal"]["by_protocol"] == {"TLS 1.0": 1, "TLS 1.2": 1}
    assert merged["payroll"]["by_protocol"] == {}
    assert [p["protocol"] for p in aggregates["protocols"]] == ["TLS 1.0", "TLS 1.2"]
    assert not {"TLS 1.0", "TLS 1.2"} & {a["algorithm"] for a in aggregates["algorithms"]}


def test_a_leaf_on_an_endpoint_and_in_a_file_of_one_system_is_one_issue(tmp_path: Path) -> None:
    chain = make_chain(tmp_path, "rsa")
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "leaf.pem").write_bytes(ssl.DER_cert_to_PEM_cert(chain.leaf_der).encode())
    with python_ssl_server(chain) as server:
        targets = {"endpoints": [server.address], "paths": ["certs"]}
        inventory = _estate(tmp_path, {"portal": targets})
    leaf = {
        i.id: i
        for i in issues_of(inventory)
        if i.kind == "certificate" and i.asset.startswith("CN=localhost")
    }
    assert leaf
    for issue in leaf.values():
        assert issue.places == [f"{tmp_path / 'certs'}: leaf.pem:1", f"tls://{server.address}"]
        assert issue.attribution["system"] == "portal"


def test_source_code_is_one_issue_per_rule_and_file_with_its_lines(tmp_path: Path) -> None:
    calls = "".join(f"k{n} = rsa.generate_private_key(65537, 2048)\n" for n in range(5))
    (tmp_path / "keys.py").write_text(RSA_KEYGEN + calls)
    inventory = api.scan(tmp_path)
    (issue,) = [i for i in issues_of(inventory) if i.place == "keys.py"]
    assert issue.count == 5 and issue.kind == "file" and issue.lines == [2, 3, 4, 5, 6]
    first_id = issue.id
    # lines move: the issue keeps its id
    (tmp_path / "keys.py").write_text(RSA_KEYGEN + "\n\n# moved\n" + calls)
    (moved,) = [i for i in issues_of(api.scan(tmp_path)) if i.place == "keys.py"]
    assert moved.id == first_id and moved.lines == [5, 6, 7, 8, 9]


def test_a_key_is_one_asset_wherever_it_is_found(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    (tmp_path / "id_ecdsa").write_bytes(private)
    (tmp_path / "id_ecdsa.pub").write_bytes(public + b" alice@example\n")
    inventory = api.scan(tmp_path)
    (signature,) = _by_rule(inventory)["QS201"]  # the private key and its .pub
    assert signature.kind == "key" and signature.count == 2
    (stored,) = _by_rule(inventory)["QS500"]  # stored unencrypted: its own rule
    assert stored.place == "id_ecdsa"


def test_configuration_blocks_are_separate_issues(tmp_path: Path) -> None:
    (tmp_path / "nginx.conf").write_text(
        "http {\n"
        "  server { server_name a.example.org; ssl_protocols TLSv1 TLSv1.2; }\n"
        "  server { server_name b.example.org; ssl_protocols TLSv1.1 TLSv1.2; }\n"
        "}\n"
    )
    inventory = api.scan(tmp_path)
    old = _by_rule(inventory)["QS401"]
    assert sorted(i.asset for i in old) == [  # the file with its scan target
        f"{tmp_path}: nginx.conf (server a.example.org)",
        f"{tmp_path}: nginx.conf (server b.example.org)",
    ]


def test_grouping_ignores_order_and_matches_the_json_form(tmp_path: Path) -> None:
    make_cert(tmp_path / "c.pem", "rsa")
    (tmp_path / "k.py").write_text(RSA_KEYGEN + "rsa.generate_private_key(65537, 1024)\n" * 3)
    inventory = api.scan(tmp_path)
    expected = [(i.id, i.members, i.priority) for i in issues_of(inventory)]
    shuffled = list(inventory.findings)
    random.Random(7).shuffle(shuffled)
    for f in shuffled:
        f.issue = ""
    assert [(i.id, i.members, i.priority) for i in group(shuffled)] == expected
    data = json.loads(inventory.to_json())
    for f, raw in zip(inventory.findings, data["findings"], strict=True):
        assert member_of(f) == member_of_dict(raw)


def test_the_json_inventory_carries_the_issues_and_keeps_them(tmp_path: Path) -> None:
    make_cert(tmp_path / "c.pem", "rsa", bits=1024)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "k.py").write_text(RSA_KEYGEN + "rsa.generate_private_key(65537, 2048)\n")
    inventory = api.scan(tmp_path)
    data = json.loads(inventory.to_json())
    jsonschema.validate(data, json.loads(SCHEMA.read_text()))
    ids = {i["id"] for i in data["issues"]}
    assert {f["issue"] for f in data["findings"]} == ids
    assert sum(i["count"] for i in data["issues"]) == len(data["findings"])
    scopes = {i["place"]: i["scope"] for i in data["issues"]}
    assert scopes == {"c.pem": "production", "tests/k.py": "test"}
    reloaded = Inventory.from_json(inventory.to_json())
    assert [i.to_dict() for i in issues_of(reloaded)] == data["issues"]


def test_a_merge_keeps_the_grouping_of_its_inputs(tmp_path: Path) -> None:
    make_cert(tmp_path / "src" / "c.pem", "rsa", bits=1024)
    (tmp_path / "src" / "k.py").write_text(RSA_KEYGEN + "rsa.generate_private_key(65537, 2048)\n")
    inventory = api.scan(tmp_path / "src")
    source = tmp_path / "one.json"
    source.write_text(inventory.to_json())
    merge([source], tmp_path / "merged.json")
    merged = json.loads((tmp_path / "merged.json").read_text())
    jsonschema.validate(merged, json.loads(SCHEMA.read_text()))
    before = {i["id"]: i["members"] for i in json.loads(source.read_text())["issues"]}
    after = {i["id"]: i["members"] for i in merged["issues"]}
    assert after == before
    assert all(f["issue"] in after for f in merged["findings"])
    assert merged["aggregates"]["totals"]["issues"] == len(before)


def test_issues_stay_within_their_organisation(tmp_path: Path) -> None:
    make_cert(tmp_path / "src" / "c.pem", "rsa", bits=1024)
    inventory = api.scan(tmp_path / "src")
    first, second = tmp_path / "agency.json", tmp_path / "bureau.json"
    first.write_text(inventory.to_json())
    second.write_text(inventory.to_json())  # the same material, scanned by another body
    merge([first, second], tmp_path / "merged.json")
    merged = json.loads((tmp_path / "merged.json").read_text())
    own = len(inventory.extra["issues"])
    assert len(merged["issues"]) == 2 * own
    regrouped = issues_of(Inventory.from_dict(merged))
    assert len(regrouped) == 2 * own
    assert {i.attribution["organisation_id"] for i in regrouped} == {
        f"file:{first}",
        f"file:{second}",
    }
