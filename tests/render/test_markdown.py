"""Markdown summary: escaped, bounded in size, translated, shows the gate."""

from __future__ import annotations

import re

from qscan.assess.gate import GateConfig, apply_gate
from qscan.render import RENDERERS, RenderOptions
from qscan.render.markdown import Md, escape


def render(inventory, lang: str = "en") -> str:
    return RENDERERS["md"](inventory, RenderOptions(lang=lang))


def test_summary_content(inventory):
    text = render(inventory)
    assert text.startswith("## qscan quantum-readiness summary — Ministry of Examples\n\n")
    assert "issues in production material" in text
    assert "| quantum-vulnerable | 6 |" in text
    assert "QS500 Unencrypted private key stored in a file" in text
    assert "2 scan errors" in text


def test_scanned_text_cannot_inject_markdown_or_html(inventory):
    text = render(inventory)
    assert not re.search(r"(?<!\\)<(script|img|b)\b", text)
    assert '| src/weird "name" \\<b\\>.java | 1 (line 42) |' in text
    for line in text.splitlines():
        if line.startswith("| ") and "QS" in line:
            assert line.count(" | ") == 5  # no extra table cells from input


def test_escape():
    assert escape("a|b*c_[x](y)<z>") == "a\\|b\\*c\\_\\[x\\](y)\\<z\\>"
    assert escape("two\nlines") == "two lines"
    assert escape(Md("**bold**")) == "**bold**"


def test_bounded_size(make_synthetic):
    text = render(make_synthetic(5_000))
    assert len(text) < 20_000
    assert "more issues; see the HTML report or the CSV." in text


def test_gate_and_dutch(plain_inventory):
    apply_gate(plain_inventory, GateConfig(fail_on="critical"))
    text = render(plain_inventory, "nl")
    assert "**CI-controle: Niet geslaagd (exitcode 1)**" in text
    assert "Urgentste kwesties" in text and "kritiek" in text


def test_control_characters_never_reach_the_markdown(inventory):
    inventory.extra["estate"]["organisation"]["name"] = "Ministry\x1b]0;owned\x07 of Examples"
    for f in inventory.findings:
        f.location.path = "evil\x1b[2J\x9bname.pem"
    out = render(inventory)
    assert not any(ch in out for ch in "\x1b\x07\x9b")
    assert "Ministry?\\]0;owned? of Examples" in out
