"""Every family of certificate, key and keystore, asserted case by case after assess."""

from __future__ import annotations

import pytest

from qscan.model import Finding, Inventory
from tests.scan.certs import builders
from tests.scan.certs.corpus import Row, rows

ROWS = rows()


def _match(inventory: Inventory, row: Row) -> list[Finding]:
    return [
        f
        for f in inventory.findings
        if f.location.path == row.file
        and f.location.component == row.component
        and (row.line is None or f.location.line == row.line)
    ]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_case(row: Row, case_inventory: Inventory) -> None:
    if row.file.startswith("store.") and not builders.have("keytool"):
        pytest.skip("keytool (openjdk-17-jre-headless) is not installed")
    found = _match(case_inventory, row)
    assert found, f"no finding for {row.id}; errors: {case_inventory.errors}"
    finding = found[0]
    assert finding.algorithm == row.algorithm
    for key, value in row.params.items():
        assert finding.params.get(key) == value, (key, finding.params)
    if row.function:
        assert finding.function == row.function
    for key, value in row.context.items():
        assert finding.context.get(key) == value, (key, finding.context)
    assert finding.verdict is not None
    assert (finding.verdict.status, finding.verdict.severity) == (row.status, row.severity), (
        finding.verdict.rule
    )
    if row.deadline is not None:
        assert finding.verdict.deadline == row.deadline


def test_at_least_25_files_and_only_expected_errors(case_inventory: Inventory) -> None:
    files = {r.file for r in ROWS}
    assert len(files) >= 25
    kinds = {(e.path, e.kind) for e in case_inventory.errors}
    assert kinds == {("locked.p12", "locked-keystore")}, case_inventory.errors
