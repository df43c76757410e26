"""The CBOM of the shipped examples, compared with a reviewed golden file.

The golden file was read component by component (names, OIDs, parameter sets, levels,
references, occurrences); a change to it is a change to what qscan tells auditors, so review
the diff before accepting it. The scan time is the only thing that varies between runs: it is
fixed before rendering (it gives both the timestamp and the serial number).
Regenerate with: QSCAN_REGENERATE_GOLDEN=1 pytest tests/render/test_cbom_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from qscan.pipeline import scan
from qscan.render import RENDERERS, RenderOptions
from qscan.scan.interface import ScanOptions
from qscan.targets import parse_target

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden" / "examples.cbom.json"
SCANNED_AT = "2026-12-01T09:00:00+00:00"


def test_examples_cbom_matches_the_reviewed_golden_file(monkeypatch):
    monkeypatch.chdir(ROOT)
    inventory = scan([parse_target("examples")], ScanOptions(), "nist-ir-8547")
    inventory.scanned_at = SCANNED_AT
    text = RENDERERS["cbom"](inventory, RenderOptions())
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    if os.environ.get("QSCAN_REGENERATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")
