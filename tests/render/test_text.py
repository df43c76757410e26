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
