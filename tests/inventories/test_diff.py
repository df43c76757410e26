"""qscan diff OLD NEW: new, fixed and unchanged findings by fingerprint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qscan.cli import main
from qscan.inventories.history import diff_files
from qscan.inventories.merge import merge
from qscan.render.diff import render_diff

from .conftest import finding, inventory, write


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old = inventory([finding(n) for n in range(5)], scanned_at="2026-01-01T00:00:00+00:00")
    new = inventory(
        [finding(n) for n in range(3, 8)] + [finding(1, host="other.example.org")],
        scanned_at="2026-02-01T00:00:00+00:00",
    )
    return write(old, tmp_path / "old.json"), write(new, tmp_path / "new.json")


def test_diff_by_fingerprint(pair: tuple[Path, Path]) -> None:
    diff = diff_files(*pair)
    assert diff.summary() == {"new": 4, "fixed": 3, "unchanged": 2}
    assert {f["evidence"] for f in diff.fixed} == {"value 0", "value 1", "value 2"}
    assert diff.old["scanned_at"] == "2026-01-01T00:00:00+00:00"


def test_moved_lines_are_not_changes(tmp_path: Path) -> None:
    from qscan.model import Finding, Location

    def at(line: int) -> Finding:
        return Finding(
            "RSA",
            "signature",
            "key",
            Location(target="repo", path="src/a.py", line=line, component="call"),
            params={"bits": 2048},
            identity="RSA.generate(2048)",
        )

    old = write(inventory([at(10)]), tmp_path / "a.json")
    new = write(inventory([at(42)]), tmp_path / "b.json")
    assert diff_files(old, new).summary() == {"new": 0, "fixed": 0, "unchanged": 1}


def test_diff_of_merged_inventories_keys_on_the_organisation(tmp_path: Path) -> None:
    def merged(name: str, orgs: list[str]) -> Path:
        files = [
            write(inventory([finding(1)], org=(org, org)), tmp_path / f"{name}-{org}.json")
            for org in orgs
        ]
        merge(files, tmp_path / f"{name}.json")
        return tmp_path / f"{name}.json"

    diff = diff_files(merged("q1", ["A"]), merged("q2", ["A", "B"]))
    assert diff.summary() == {"new": 1, "fixed": 0, "unchanged": 1}


def test_render_formats(pair: tuple[Path, Path]) -> None:
    diff = diff_files(*pair)
    data = json.loads(render_diff(diff, "json"))
    assert data["summary"] == {"new": 4, "fixed": 3, "unchanged": 2}
    assert len(data["new_findings"]) == 4
    text = render_diff(diff, "text")
    assert "4 new, 3 fixed, 2 unchanged" in text
    assert sum(line.startswith("+ ") for line in text.splitlines()) == 4
    md = render_diff(diff, "md")
    assert "**4 new**" in md and "## Fixed" in md


def test_cli_diff(pair: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    result = CliRunner().invoke(
        main, ["diff", *map(str, pair), "--format", "json", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["summary"]["fixed"] == 3
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    result = CliRunner().invoke(main, ["diff", str(bad), str(pair[1])])
    assert result.exit_code == 2 and "not a JSON object" in result.output
