"""The terminal summary: nothing read from an inventory can drive the terminal."""

from __future__ import annotations

from qscan.assess.engine import assess
from qscan.model import Finding, Inventory, Location, ScanError
from qscan.render import RENDERERS, RenderOptions


def test_every_field_is_sanitised_and_only_qscan_colours_remain():
    evil = "\x1b]0;owned\x07\x9b2J"
    inventory = assess(
        Inventory(
            findings=[
                Finding(
                    algorithm="RSA" + evil,
                    function="signature",
                    asset="key",
                    location=Location(target="t", path="k.pem" + evil, component=evil),
                    params={"bits": 1024},
                )
            ],
            errors=[ScanError(target="t", kind="unreadable", message=evil, path=evil)],
            policy="nist-ir-8547",
            scanned_at=evil,
            tool={"name": "qscan", "version": evil},
        )
    )
    for color in (False, True):
        out = RENDERERS["text"](inventory, RenderOptions(color=color))
        assert "\x07" not in out and "\x9b" not in out
        coloured = [line for line in out.splitlines() if "\x1b" in line]
        assert len(coloured) == (1 if color else 0)
        assert all(line.count("\x1b") == 2 and line.endswith("m") is False for line in coloured)


def test_text_in_dutch(inventory):
    """--lang nl: every fixed text, severity, status, scope, error kind and message, rule
    title and component in Dutch; numbers and dates as the Dutch write them; the severity
    column colours the (longer) Dutch word whole."""
    from tests.render.test_dutch import _with_record_texts

    inventory = _with_record_texts(inventory)
    out = RENDERERS["text"](inventory, RenderOptions(lang="nl"))
    lines = out.splitlines()
    assert lines[0].startswith("qscan ") and " — beleid nist-ir-8547 — 20 nov 2026" in lines[0]
    assert lines[1].startswith("scandoelen: ") and "kwantumgereed: " in lines[1]
    assert "kwesties naar status: " in out and "kwesties naar ernst:  " in out
    assert "grootste risico's:" in out and "fouten:" in out
    assert "regel 3: PKCS#12-keystore kon niet worden geopend" in out
    assert "vergrendelde keystore" in out  # the error kind
    for english in ("targets:", "findings:", "top risks", "wave ", "deadline", "errors:"):
        assert english not in out
    coloured = RENDERERS["text"](inventory, RenderOptions(lang="nl", color=True))
    severity = next(line for line in coloured.splitlines() if "\x1b[" in line)
    word = severity.split("\x1b[", 1)[1].split("m", 1)[1].split("\x1b[0m")[0]
    assert word.strip() in ("kritiek", "hoog", "gemiddeld", "laag", "info")


def test_english_text_keeps_its_words(inventory):
    out = RENDERERS["text"](inventory, RenderOptions())
    assert out.splitlines()[1].startswith("targets: ") and "top risks:" in out
    assert "issues by status:   " in out and "Nov 20, 2026" in out.splitlines()[0]
