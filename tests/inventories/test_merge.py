"""qscan merge: de-duplication within an organisation, attribution, aggregates, a valid
inventory, streaming layout, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from qscan.cli import main
from qscan.inventories.merge import merge
from qscan.inventories.stream import InventoryFormatError, read_header
from qscan.model import Inventory, ScanError, ScanNote

from .conftest import finding, inventory, write

INVENTORY_SCHEMA = (
    Path(__file__).resolve().parents[2] / "qscan" / "schemas" / "inventory.schema.json"
)
SYSTEMS = [
    {"name": "portal", "owner": "Portal team", "exposure": "internet", "criticality": "high"},
    {"name": "mail", "owner": "Mail team", "exposure": "internal"},
]


@pytest.fixture
def inputs(tmp_path: Path) -> list[Path]:
    """Agency: two scans that overlap; Bureau: one scan that shares a fingerprint with the
    Agency (same public endpoint scanned by both); a third file without an estate."""
    a1 = inventory(
        [finding(n, context={"system": "portal"}) for n in range(5)]
        + [
            finding(
                50,
                algorithm="RSA",
                function="signature",
                params={"bits": 1024},
                context={"system": "mail"},
            )
        ],
        org=("AGY", "Agency"),
        systems=SYSTEMS,
        errors=[
            ScanError(
                target="gone/", kind="not-found", message="no such file", context={"system": "mail"}
            )
        ],
        scanned_at="2026-01-01T00:00:00+00:00",
    )
    a2 = inventory(
        [finding(n, context={"system": "portal"}) for n in range(3, 8)],
        org=("AGY", "Agency"),
        systems=SYSTEMS,
        scanned_at="2026-01-02T00:00:00+00:00",
    )
    bureau = inventory(
        [
            finding(0, context={"system": "www"}),
            finding(99, algorithm="X25519MLKEM768", params={}, context={"system": "www"}),
        ],
        org=("BUR", "Bureau"),
        systems=[{"name": "www", "owner": "Web <team>"}],
        scanned_at="2026-01-03T00:00:00+00:00",
    )
    loose = inventory(
        [finding(7, host="loose.example.org")], scanned_at="2026-01-04T00:00:00+00:00"
    )
    return [
        write(a1, tmp_path / "agency-1.json"),
        write(a2, tmp_path / "agency-2.json"),
        write(bureau, tmp_path / "bureau.json"),
        write(loose, tmp_path / "loose.json"),
    ]


def test_merge_deduplicates_within_an_organisation_only(inputs: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "merged.json"
    aggregates = merge(inputs, out)
    data = json.loads(out.read_text())
    keys = [(f["context"]["organisation_id"], f["fingerprint"]) for f in data["findings"]]
    assert len(keys) == len(set(keys)) == 8 + 1 + 2 + 1
    agency_fps = {fp for org, fp in keys if org == "AGY"}
    bureau_fps = {fp for org, fp in keys if org == "BUR"}
    assert agency_fps & bureau_fps  # the shared endpoint is kept in both organisations
    totals = aggregates["totals"]
    assert (totals["findings"], totals["duplicates"], totals["errors"]) == (12, 2, 1)
    assert totals["organisations"] == 3 and totals["systems"] == 3


def test_merge_keeps_attribution_and_attributes_loose_files(
    inputs: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "merged.json"
    merge(inputs, out)
    data = json.loads(out.read_text())
    for f in data["findings"]:
        ctx = f["context"]
        if ctx["organisation_id"] == "AGY":
            assert ctx["organisation"] == "Agency" and ctx["system"] in ("portal", "mail")
    loose = [f for f in data["findings"] if f["context"]["organisation_id"].startswith("file:")]
    assert len(loose) == 1 and loose[0]["context"]["organisation"] == "loose"
    (error,) = data["errors"]
    assert error["context"] == {
        "organisation": "Agency",
        "organisation_id": "AGY",
        "system": "mail",
    }
    orgs = {o["id"]: o for o in data["organisations"]}
    assert orgs["AGY"]["sources"] == [str(inputs[0]), str(inputs[1])]
    assert orgs["AGY"]["scanned_at"] == "2026-01-02T00:00:00+00:00"
    assert [s["name"] for s in orgs["AGY"]["systems"]] == ["portal", "mail"]


def test_aggregates_by_organisation_system_and_algorithm(
    inputs: list[Path], tmp_path: Path
) -> None:
    merge(inputs, tmp_path / "merged.json")
    agg = json.loads((tmp_path / "merged.json").read_text())["aggregates"]
    orgs = {o["id"]: o for o in agg["organisations"]}
    agency = orgs["AGY"]
    assert (agency["findings"], agency["duplicates"], agency["errors"]) == (9, 2, 1)
    # the eight groups of one endpoint are one issue; the RSA-1024 signature another
    assert agency["issues"] == 2 and agency["by_scope"]["production"] == 2
    assert agency["by_status"]["classically-broken"] == 1
    assert agency["by_algorithm"] == {"ECDH": 1, "RSA": 1}
    assert agency["by_deadline_class"]["now"] == 1
    assert orgs["BUR"]["readiness"] == 0.5
    systems = {(s["organisation_id"], s["name"]): s for s in agg["systems"]}
    portal = systems[("AGY", "portal")]
    assert portal["findings"] == 8 and portal["issues"] == 1 and portal["owner"] == "Portal team"
    assert portal["exposure"] == "internet" and portal["criticality"] == "high"
    # no confidentiality_years in the estate: harvest-now-decrypt-later reaches wave 2 at most
    assert portal["priority"]["wave"] == 2 and portal["priority"]["score"] > 0
    assert any("set confidentiality_years" in r for r in portal["priority"]["reasons"])
    assert systems[("AGY", "mail")]["errors"] == 1
    algorithms = {a["algorithm"]: a for a in agg["algorithms"]}
    assert algorithms["ECDH"]["findings"] == 10 and algorithms["ECDH"]["organisations"] == 3
    assert algorithms["ECDH"]["issues"] == 3
    assert algorithms["X25519MLKEM768"]["ready"] == 1


def test_merged_file_is_a_valid_inventory_with_its_summary_first(
    inputs: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "merged.json"
    merge(inputs, out)
    data = json.loads(out.read_text())
    assert data["schema"] == "qscan/inventory@1"
    inv = Inventory.from_dict(data)
    assert len(inv.findings) == 12 and len(inv.errors) == 1 and inv.targets
    keys = list(data)
    assert keys.index("organisations") < keys.index("aggregates") < keys.index("findings")
    head = read_header(out, until=frozenset({"findings"}))
    assert {"organisations", "aggregates", "targets"} <= head.keys()


def test_merged_inventory_validates_against_the_inventory_schema(
    inputs: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "merged.json"
    merge(inputs, out)
    jsonschema.validate(json.loads(out.read_text()), json.loads(INVENTORY_SCHEMA.read_text()))


def test_merge_is_independent_of_input_order(inputs: list[Path], tmp_path: Path) -> None:
    merge(inputs, tmp_path / "f.json")
    merge(list(reversed(inputs)), tmp_path / "b.json")
    forward = json.loads((tmp_path / "f.json").read_text())
    backward = json.loads((tmp_path / "b.json").read_text())
    for key in ("aggregates", "findings", "errors", "targets"):
        assert forward[key] == backward[key], key
    organisations = [{**o, "sources": sorted(o["sources"])} for o in forward["organisations"]]
    assert organisations == [
        {**o, "sources": sorted(o["sources"])} for o in backward["organisations"]
    ]


def test_merge_rejects_bad_inputs(inputs: list[Path], tmp_path: Path) -> None:
    merged = tmp_path / "merged.json"
    merge(inputs, merged)
    with pytest.raises(InventoryFormatError, match="already a merged inventory"):
        merge([merged], tmp_path / "again.json")
    other = tmp_path / "other.json"
    other.write_text('{"schema": "something/else", "findings": []}')
    with pytest.raises(InventoryFormatError, match="not a qscan inventory"):
        merge([other], tmp_path / "x.json")
    broken = tmp_path / "broken.json"
    broken.write_text(inputs[0].read_text()[:-200])
    with pytest.raises(InventoryFormatError, match="not valid JSON"):
        merge([broken], tmp_path / "y.json")
    assert not (tmp_path / "y.json").exists()
    assert not list(tmp_path.glob(".*.partial"))


def test_cli_merge(inputs: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "merged.json"
    result = CliRunner().invoke(main, ["merge", *map(str, inputs), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 organisations, 12 findings (2 duplicates removed), 1 errors" in result.output
    bad = CliRunner().invoke(main, ["merge", str(out), "--output", str(tmp_path / "z.json")])
    assert bad.exit_code == 2 and "already a merged inventory" in bad.output
    to_stdout = CliRunner().invoke(main, ["merge", *map(str, inputs), "--output", "-", "-q"])
    assert json.loads(to_stdout.output)["aggregates"]["totals"]["findings"] == 12


def test_merge_keeps_the_notes_of_each_organisation_once(tmp_path: Path) -> None:
    note = ScanNote(target="repo", kind="corrupt-pem", message="line 3: truncated", path="a.md")
    paths = []
    for n, org in enumerate((("AGY", "Agency"), ("AGY", "Agency"), ("BUR", "Bureau"))):
        inv = inventory([finding(n)], org=org, scanned_at=f"2026-01-0{n + 1}T00:00:00+00:00")
        inv.notes = [note]
        paths.append(write(inv, tmp_path / f"in-{n}.json"))
    out = tmp_path / "merged.json"
    merge(paths, out)
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, json.loads(INVENTORY_SCHEMA.read_text()))
    owners = sorted(n["context"]["organisation_id"] for n in doc["notes"])
    assert owners == ["AGY", "BUR"]
    assert Inventory.from_json(out.read_text()).notes[0].kind == "corrupt-pem"
