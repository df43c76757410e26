"""Every human-facing output names the repository or target of a location (one formatting
function, qscan.render.locations): two repositories with the same file never look alike."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from qscan.assess.engine import assess
from qscan.model import Finding, Inventory, Location, ScanError
from qscan.render import RENDERERS, RenderOptions
from qscan.render.locations import error_place, place, where


def _file(target: str, path: str, line: int = 23) -> Finding:
    return Finding(
        "RSA",
        "signature",
        "key",
        Location(target=target, path=path, line=line, component="python rsa.generate"),
        params={"bits": 1024},
        identity=f"{target}/{path}",
    )


@pytest.fixture
def two_repositories() -> Inventory:
    findings = [
        _file("repo-a", "docs/usage.rst"),
        _file("repo-b", "docs/usage.rst"),
        _file("certs/www.pem", "www.pem", line=1),
        _file(".", "src/crypto_util.py", line=12),
    ]
    errors = [
        ScanError(target="repo-b", kind="unreadable", message="permission denied", path="k.pem"),
        ScanError(
            target="ssh://git.example.org:22",
            kind="timeout",
            message="timed out",
            host="git.example.org",
            port=22,
        ),
    ]
    inv = Inventory(
        findings=findings,
        errors=errors,
        targets=["repo-a", "repo-b", "."],
        scanned_at="2026-05-01T10:00:00+00:00",
        tool={"name": "qscan", "version": "t"},
    )
    return assess(inv)


def test_the_formatting_function():
    assert where(_file("repo-a", "docs/usage.rst")) == (
        "repo-a: docs/usage.rst:23 (python rsa.generate)"
    )
    assert place(_file("certs/www.pem", "www.pem")) == "certs/www.pem"
    assert place(_file(".", "src/crypto_util.py")) == "src/crypto_util.py"
    assert place(_file("/srv/repos/a/", "x.py")) == "/srv/repos/a/: x.py"
    ssh = Finding(
        "X25519",
        "key-exchange",
        "algorithm",
        Location(
            target="ssh://[2001:db8::1]:22",
            host="2001:db8::1",
            port=22,
            service="ssh",
            component="ssh kex",
        ),
    )
    assert where(ssh) == "ssh://[2001:db8::1]:22 (ssh kex)"
    assert error_place(ScanError("repo-b", "unreadable", "x", path="k.pem")) == "repo-b: k.pem"
    assert error_place(ScanError("ssh://h:22", "timeout", "x", host="h", port=22)) == "ssh://h:22"


EXPECTED = (
    "repo-a: docs/usage.rst:23",
    "repo-b: docs/usage.rst:23",
    "certs/www.pem:1",
    "src/crypto_util.py:12",
)


def _render(inv: Inventory, fmt: str) -> str:
    return RENDERERS[fmt](inv, RenderOptions())


@pytest.mark.parametrize("fmt", ["text", "md"])
def test_text_and_markdown_name_the_target(two_repositories, fmt):
    """Their top lists are issues: the asset names the file with its target (no line)."""
    out = _render(two_repositories, fmt).replace("\\", "")
    for expected in EXPECTED:
        assert expected.rsplit(":", 1)[0] in out, expected
    assert "repo-b: k.pem" in out and "ssh://git.example.org:22" in out


def test_csv_location_column(two_repositories):
    rows = list(csv.DictReader(io.StringIO(_render(two_repositories, "csv"))))
    assert sorted(r["location"] for r in rows) == sorted(EXPECTED)


def test_html_tables_and_findings_data_name_the_target(two_repositories):
    html = _render(two_repositories, "html")
    data = json.loads(re.search(r'id="qscan-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    places = {data["s"][row[7]] + f":{row[8]}" for row in data["f"]}
    assert places == set(EXPECTED)
    static = re.search(r'<div id="findings-static">(.*?)</div>', html, re.S).group(1)
    for expected in EXPECTED:
        assert expected in static
    errors = re.search(r'<section id="errors">(.*?)</section>', html, re.S).group(1)
    assert "<code>repo-b: k.pem</code>" in errors
    assert "<code>ssh://git.example.org:22</code>" in errors
