import json

from qscan.model import SCHEMA_ID, Finding, Inventory, Location, ScanError


def _finding(**kw) -> Finding:
    base = dict(
        algorithm="RSA",
        function="signature",
        asset="certificate",
        location=Location(
            target="certs", path="a/leaf.pem", line=3, component="certificate public key"
        ),
        params={"bits": 2048, "oid": "1.2.840.113549.1.1.1"},
        evidence="RSA 2048",
        context={"subject": "CN=x"},
        identity="sha256:abc",
    )
    base.update(kw)
    return Finding(**base)


def test_fingerprint_ignores_line_numbers():
    a = _finding()
    b = _finding(
        location=Location(
            target="certs", path="a/leaf.pem", line=40, component="certificate public key"
        )
    )
    assert a.fingerprint == b.fingerprint


def test_fingerprint_changes_with_identity_params_and_place():
    a = _finding()
    assert a.fingerprint != _finding(identity="sha256:other").fingerprint
    assert a.fingerprint != _finding(params={"bits": 4096}).fingerprint
    assert (
        a.fingerprint
        != _finding(
            location=Location(target="certs", path="b.pem", component="certificate public key")
        ).fingerprint
    )


def test_fingerprint_is_stable_across_processes():
    # A constant: the fingerprint recipe is part of the public contract (baselines use it).
    assert len(_finding().fingerprint) == 32
    assert _finding().fingerprint == _finding().fingerprint


def test_inventory_round_trip_keeps_everything():
    inv = Inventory(
        findings=[_finding()],
        errors=[ScanError(target="x", kind="timeout", message="slow", host="h", port=443)],
        targets=["certs", "h:443"],
        scanned_at="2026-11-29T00:00:00+00:00",
        tool={"name": "qscan", "version": "1"},
        extra={"estate": {"organisation": {"name": "Org"}}},
    )
    doc = json.loads(json.dumps(inv.to_dict()))
    assert doc["schema"] == SCHEMA_ID
    again = Inventory.from_dict(doc)
    assert again.to_dict() == inv.to_dict()
    assert again.findings[0].fingerprint == inv.findings[0].fingerprint


def test_from_dict_rejects_other_documents():
    import pytest

    with pytest.raises(ValueError):
        Inventory.from_dict({"schema": "something/else"})


def test_json_is_written_in_pieces_of_one_record():
    findings = [_finding(location=Location(target="certs", path=f"{n}.pem")) for n in range(3)]
    inv = Inventory(
        findings=findings,
        targets=["certs"],
        scanned_at="2026-11-29T00:00:00+00:00",
        tool={"name": "qscan", "version": "1"},
        extra={"issues": [{"id": "a"}, {"id": "b"}], "estate": {"name": "≤ Org"}},
    )
    chunks = list(inv.json_chunks())
    text = "".join(chunks)
    assert text == inv.to_json()
    assert json.loads(text) == json.loads(json.dumps(inv.to_dict()))
    assert max(chunk.count('"fingerprint"') for chunk in chunks) == 1
    lines = text.splitlines()
    assert sum(1 for line in lines if '"fingerprint"' in line) == 3
    assert sum(1 for line in lines if line.strip().startswith('{"id"')) == 2
