"""CSV: one row per finding, parseable, with formula injection neutralised."""

from __future__ import annotations

import csv
import io

from qscan.assess.gate import GateConfig, apply_gate
from qscan.render import RENDERERS, RenderOptions
from qscan.render.csv_table import COLUMNS, neutralise


def _rows(inventory) -> list[dict[str, str]]:
    text = RENDERERS["csv"](inventory, RenderOptions())
    assert text.endswith("\r\n")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_one_row_per_finding(inventory):
    rows = _rows(inventory)
    assert len(rows) == len(inventory.findings)
    assert list(rows[0]) == list(COLUMNS)
    app = next(r for r in rows if r["path"] == "src/app.py")
    assert app["line"] == "10" and app["rule"] == "QS200" and app["params"] == '{"bits": 2048}'
    assert app["organisation"] == "Ministry of Examples" and app["owner"] == "team-web"
    endpoint = next(r for r in rows if r["algorithm"] == "X25519")
    assert endpoint["host"] == "portal.example.org" and endpoint["port"] == "443"


def test_formula_injection_is_neutralised(inventory):
    for f in inventory.findings:
        if f.algorithm == "MD5":
            f.evidence = '=HYPERLINK("http://x")'
            f.context["owner"] = "@SUM(1+1)"
            f.location.component = "+cmd"
            f.location.path = "-rf"
    row = next(r for r in _rows(inventory) if r["algorithm"] == "MD5")
    assert row["evidence"] == '\'=HYPERLINK("http://x")'
    assert row["owner"] == "'@SUM(1+1)"
    assert row["component"] == "'+cmd" and row["path"] == "'-rf"
    for value in row.values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_neutralise_leaves_numbers_and_plain_text():
    assert neutralise(-1) == -1
    assert neutralise("RSA") == "RSA"
    assert neutralise("\tx") == "'\tx"


def test_gate_column(plain_inventory):
    apply_gate(plain_inventory, GateConfig(fail_on="critical"))
    rows = _rows(plain_inventory)
    assert {r["gate"] for r in rows if r["severity"] == "critical"} == {"failing"}
    assert {r["gate"] for r in rows if r["severity"] != "critical"} == {""}


def test_formula_after_leading_blanks_or_control_characters_is_neutralised():
    for value in ("\n=cmd|' /C calc'!A0", " =1+1", "\x00@SUM(1)", "\u00a0+1", "\x1b-2"):
        assert neutralise(value) == "'" + value
    assert neutralise(" plain") == " plain"
