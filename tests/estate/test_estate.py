"""Estate file: validation errors that name the line, scanning with attribution, the CLI."""

from __future__ import annotations

import json
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from qscan.assess.scenario import get_scenario
from qscan.cli import main
from qscan.estate import EstateError, load_estate, parse_estate
from qscan.model import Finding, Location
from qscan.pipeline import scan as plain_scan
from qscan.pipeline import scan_estate
from qscan.scan.interface import EndpointScanner, ScanOptions
from qscan.targets import Target, parse_target
from tests.inventories.conftest import make_cert

DOCS = Path(__file__).resolve().parents[2] / "docs"

VALID = textwrap.dedent(
    """\
    version: 1
    organisation:
      name: Example Agency
      id: EXA
    defaults:
      exposure: internal
      owner: IT department
      migration_years: 3
    systems:
      - name: portal
        owner: Portal team
        exposure: internet
        confidentiality_years: 25
        criticality: high
        targets:
          endpoints: [portal.example.org:443, "ssh://bastion.example.org"]
          paths: [certs/portal]
      - name: payroll
        targets:
          repositories: [repos/payroll]
    """
)


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(EstateError) as info:
        parse_estate(text, source="estate.yaml")
    return info.value.problems


def test_valid_estate_loads_with_defaults() -> None:
    estate = parse_estate(VALID, base_dir=Path("/srv/estate"))
    assert estate.id == "EXA" and estate.organisation["name"] == "Example Agency"
    portal, payroll = estate.systems
    assert portal.owner == "Portal team" and portal.attributes["exposure"] == "internet"
    assert portal.attributes["migration_years"] == 3
    assert payroll.owner == "IT department" and payroll.attributes["exposure"] == "internal"
    kinds = [(t.kind, t.value, t.line) for t in estate.targets()]
    assert kinds == [
        ("endpoint", "portal.example.org:443", 16),
        ("endpoint", "ssh://bastion.example.org", 16),
        ("path", "certs/portal", 17),
        ("repository", "repos/payroll", 20),
    ]


def test_the_documented_example_estate_is_valid() -> None:
    estate = load_estate(DOCS / "estate.example.yaml")
    assert [s.name for s in estate.systems] == ["Burgerportaal", "Build and release"]


@pytest.mark.parametrize(
    ("old", "new", "line", "fragment"),
    [
        (
            "exposure: internet",
            "exposure: internett",
            12,
            "systems[0].exposure: 'internett' is not one of",
        ),
        (
            "criticality: high",
            "criticality: high\n    colour: blue",
            15,
            "systems[0]: unknown key(s) colour",
        ),
        ("  id: EXA\n", "", 2, "organisation: 'id' is a required property"),
        (
            "confidentiality_years: 25",
            "confidentiality_years: -3",
            13,
            "less than the minimum of 0",
        ),
        (
            "confidentiality_years: 25",
            "confidentiality_years: lots",
            13,
            "'lots' is not of type 'number'",
        ),
        ("  owner: IT department\n", "", 17, "system 'payroll' has no owner"),
        (
            "portal.example.org:443",
            "portal.example.org",
            16,
            "an endpoint needs a port or a scheme",
        ),
        ("repositories: [repos/payroll]", "paths: [certs/portal]", 20, "already listed on line 17"),
        (
            "- name: payroll",
            "- name: portal",
            18,
            "system 'portal' is listed twice (first on line 10)",
        ),
        (
            "    exposure: internet",
            "    exposure: internet\n    exposure: internal",
            13,
            "duplicate key 'exposure'",
        ),
        ("  name: Example Agency", "  name: [Example", 4, "not valid YAML"),
    ],
)
def test_validation_errors_name_the_line(old: str, new: str, line: int, fragment: str) -> None:
    assert old in VALID
    found = problems(VALID.replace(old, new, 1))
    assert any(n == line and fragment in message for n, message in found), found


def test_error_message_lists_every_problem_with_file_and_line() -> None:
    text = VALID.replace("exposure: internet", "exposure: web").replace(
        "criticality: high", "criticality: urgent"
    )
    with pytest.raises(EstateError) as info:
        parse_estate(text, source="agency.yaml")
    lines = str(info.value).splitlines()
    assert lines[0].startswith("agency.yaml:12: systems[0].exposure")
    assert lines[1].startswith("agency.yaml:14: systems[0].criticality")


def test_not_a_mapping_and_unreadable_file(tmp_path: Path) -> None:
    assert problems("- a\n- b\n")[0][1].startswith("the estate file must be a mapping")
    with pytest.raises(EstateError, match="cannot read"):
        load_estate(tmp_path / "missing.yaml")


@pytest.fixture
def cert_estate(tmp_path: Path) -> Path:
    make_cert(tmp_path / "certs/portal/leaf.pem", days=30, name="portal")
    make_cert(tmp_path / "certs/portal/root.pem", days=7000, ca=True, name="root")
    make_cert(tmp_path / "certs/hr/hr.pem", kind="ed25519", days=365, name="hr")
    estate = tmp_path / "estate.yaml"
    estate.write_text(
        textwrap.dedent(
            """\
            organisation: {name: Example Agency, id: EXA}
            systems:
              - name: portal
                owner: Portal team
                exposure: internet
                criticality: high
                targets:
                  paths: [certs/portal, certs/gone]
              - name: hr
                owner: HR IT
                confidentiality_years: 30
                targets:
                  paths: [certs/hr]
                  repositories: ["https://git.example.org/hr/app.git"]
            """
        )
    )
    return estate


def test_scan_estate_attributes_every_finding_and_error(
    cert_scanner: None, cert_estate: Path
) -> None:
    estate = load_estate(cert_estate)
    inv = scan_estate(estate, ScanOptions(), "nist-ir-8547", get_scenario("mid"))
    by_system = {}
    for f in inv.findings:
        assert f.context["organisation"] == "Example Agency"
        assert f.context["organisation_id"] == "EXA"
        by_system.setdefault(f.context["system"], []).append(f)
        assert f.context["owner"] == {"portal": "Portal team", "hr": "HR IT"}[f.context["system"]]
        assert f.priority is not None and f.verdict is not None
    assert sorted(by_system) == ["hr", "portal"] and len(by_system["portal"]) == 2
    kinds = {(e.kind, e.context["system"]) for e in inv.errors}
    assert kinds == {("not-found", "portal"), ("unsupported-target", "hr")}
    assert all(e.context["owner"] for e in inv.errors)
    extra = inv.extra["estate"]
    assert extra["organisation"] == {"name": "Example Agency", "id": "EXA"}
    portal = next(s for s in extra["systems"] if s["name"] == "portal")
    assert portal["findings"] == 2 and portal["priority"]["wave"] in (1, 2, 3)
    assert portal["errors"] == 1
    assert portal["priority"]["reasons"][-1].startswith("1 scan error(s): the picture")
    assert inv.extra["scenario"]["crqc_year"] == 2033


def test_a_system_may_declare_the_scope_of_its_targets(
    cert_scanner: None, cert_estate: Path
) -> None:
    text = cert_estate.read_text().replace("confidentiality_years: 30", "scope: test")
    cert_estate.write_text(text)
    inv = scan_estate(load_estate(cert_estate), ScanOptions(), "nist-ir-8547", get_scenario())
    scopes = {(f.context["system"], f.context.get("material_scope")) for f in inv.findings}
    assert ("hr", "test") in scopes
    assert all(scope == "test" for system, scope in scopes if system == "hr")
    assert all(scope != "test" for system, scope in scopes if system == "portal")


def test_attribution_does_not_change_fingerprints(cert_scanner: None, cert_estate: Path) -> None:
    estate = load_estate(cert_estate)
    attributed = scan_estate(estate, ScanOptions(), "nist-ir-8547", get_scenario())
    root = cert_estate.parent
    targets = [parse_target(str(root / p)) for p in ("certs/portal", "certs/hr")]
    plain = plain_scan(targets, ScanOptions(), "nist-ir-8547")
    assert {f.fingerprint for f in attributed.findings} == {f.fingerprint for f in plain.findings}
    for f in attributed.findings:
        assert f.fingerprint == f.compute_fingerprint()


def test_cli_scan_with_estate(cert_scanner: None, cert_estate: Path, tmp_path: Path) -> None:
    out = tmp_path / "inventory.json"
    result = CliRunner().invoke(
        main,
        [
            "scan",
            "--estate",
            str(cert_estate),
            "--format",
            "json",
            "--output",
            str(out),
            "--scenario",
            "early",
            "-q",
        ],
    )
    # the estate lists a folder that is gone and a remote repository: both are error
    # records, the rest is scanned, and the scan is incomplete (exit 3)
    assert result.exit_code == 3, result.output
    assert "certs/gone was not scanned (not-found" in result.stderr
    data = json.loads(out.read_text())
    schema = Path(__file__).resolve().parents[2] / "qscan" / "schemas" / "inventory.schema.json"
    jsonschema.validate(data, json.loads(schema.read_text()))
    assert data["estate"]["organisation"]["id"] == "EXA"
    assert data["scenario"]["id"] == "early"
    assert {f["context"]["system"] for f in data["findings"]} == {"portal", "hr"}
    assert all("system" in e["context"] for e in data["errors"])


def test_cli_rejects_a_broken_estate_with_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "estate.yaml"
    bad.write_text(VALID.replace("criticality: high", "criticality: extreme"))
    result = CliRunner().invoke(main, ["scan", "--estate", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:14: systems[0].criticality: 'extreme' is not one of" in result.output


def test_cli_estate_usage_errors(cert_estate: Path) -> None:
    runner = CliRunner()
    both = runner.invoke(main, ["scan", "somewhere/", "--estate", str(cert_estate)])
    assert both.exit_code == 2 and "either TARGETS or --estate" in both.output
    shard_alone = runner.invoke(main, ["scan", "somewhere/", "--shard", "1/2"])
    assert shard_alone.exit_code == 2 and "--shard splits an estate" in shard_alone.output
    shard_history = runner.invoke(
        main, ["scan", "--estate", str(cert_estate), "--shard", "1/2", "--history", "h.db"]
    )
    assert shard_history.exit_code == 2 and "merge the shards" in shard_history.output
    bad_shard = runner.invoke(main, ["scan", "--estate", str(cert_estate), "--shard", "3/2"])
    assert bad_shard.exit_code == 2 and "K must be between 1 and N" in bad_shard.output


class FakeTLS(EndpointScanner):
    """Answers for `up` hosts without touching the network; `down` hosts refuse."""

    name = "fake-tls"

    def accepts(self, target: Target) -> bool:
        return target.kind == "tls"

    async def scan(
        self, target: Target, options: ScanOptions, net: object
    ) -> AsyncIterator[Finding]:
        if target.host.startswith("down"):
            raise ConnectionRefusedError("connection refused")
        yield Finding(
            algorithm="ECDH",
            function="key-exchange",
            asset="protocol",
            location=Location(
                target=target.display,  # not the raw string: attribution falls back to host:port
                host=target.host,
                port=target.port,
                service="tls",
                component="tls1.3 key share",
            ),
            params={"curve": "P-256"},
            evidence="secp256r1",
        )


def test_endpoint_findings_and_errors_are_attributed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qscan.pipeline.endpoint_scanners", lambda kinds=None: [FakeTLS()])
    estate = parse_estate(
        textwrap.dedent(
            """\
            organisation: {name: Net Org, id: NET}
            systems:
              - {name: web, owner: Web team, exposure: internet, confidentiality_years: 20,
                 targets: {endpoints: ["up.example.org:443"]}}
              - {name: api, owner: API team, targets: {endpoints: ["down.example.org:8443"]}}
            """
        )
    )
    inv = scan_estate(estate, ScanOptions(retries=0), "nist-ir-8547", get_scenario())
    (found,) = inv.findings
    assert found.location.target == "tls://up.example.org:443"
    assert (found.context["system"], found.context["owner"]) == ("web", "Web team")
    assert any("20 years (estate)" in r for r in found.priority.reasons)
    (error,) = inv.errors
    assert error.kind == "connection-refused"
    assert error.context["system"] == "api" and error.context["owner"] == "API team"


def test_nested_targets_are_scanned_once_under_the_most_specific_system(
    cert_scanner: None, tmp_path: Path
) -> None:
    """A folder of one system holds a keystore folder listed by another system (an estate
    file that lists the same target twice is rejected when it is loaded): every file is
    read once, and the inner folder's findings belong to the system that lists it."""
    make_cert(tmp_path / "srv/app/leaf.pem", days=30, name="app")
    make_cert(tmp_path / "srv/keystores/signing.pem", days=365, name="signing")
    estate = tmp_path / "estate.yaml"
    estate.write_text(
        textwrap.dedent(
            """\
            organisation: {name: Example Agency, id: EXA}
            defaults: {owner: IT}
            systems:
              - name: platform
                targets: {paths: [srv]}
              - name: signing
                targets: {paths: [srv/keystores]}
            """
        )
    )
    inv = scan_estate(load_estate(estate), ScanOptions(), "nist-ir-8547", get_scenario("mid"))
    fingerprints = [f.fingerprint for f in inv.findings]
    assert len(fingerprints) == len(set(fingerprints))
    systems = {(f.location.path, f.context["system"]) for f in inv.findings}
    assert systems == {("app/leaf.pem", "platform"), ("signing.pem", "signing")}
    notes = {(n.kind, n.context["system"]) for n in inv.notes}
    assert notes == {("nested-target", "signing")}
    assert not inv.errors
