"""qscan diff OLD NEW: new, fixed, unchanged and out-of-scope findings by fingerprint, with
locations that name their target and the organisation, and readiness over what both scanned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qscan.cli import main
from qscan.inventories.history import diff_files
from qscan.inventories.merge import merge
from qscan.model import Finding, Location, ScanError
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
    assert diff.summary() == {"new": 4, "fixed": 3, "unchanged": 2, "out_of_scope": 0}
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
    assert diff_files(old, new).summary() == {
        "new": 0,
        "fixed": 0,
        "unchanged": 1,
        "out_of_scope": 0,
    }


def test_diff_of_merged_inventories_keys_on_the_organisation(tmp_path: Path) -> None:
    def merged(name: str, orgs: list[str]) -> Path:
        files = [
            write(inventory([finding(1)], org=(org, org)), tmp_path / f"{name}-{org}.json")
            for org in orgs
        ]
        merge(files, tmp_path / f"{name}.json")
        return tmp_path / f"{name}.json"

    diff = diff_files(merged("q1", ["A"]), merged("q2", ["A", "B"]))
    assert diff.summary() == {"new": 1, "fixed": 0, "unchanged": 1, "out_of_scope": 0}


def test_render_formats(pair: tuple[Path, Path]) -> None:
    diff = diff_files(*pair)
    data = json.loads(render_diff(diff, "json"))
    assert data["summary"] == {"new": 4, "fixed": 3, "unchanged": 2, "out_of_scope": 0}
    assert len(data["new_findings"]) == 4
    text = render_diff(diff, "text")
    assert "4 new, 3 fixed, 2 unchanged, 0 out of scope" in text
    assert sum(line.startswith("+ ") for line in text.splitlines()) == 4
    md = render_diff(diff, "md")
    assert "**4 new, 3 fixed, 2 unchanged, 0 out of scope**" in md and "## Fixed" in md


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


def _repo_finding(target: str, path: str, n: int, algorithm: str = "RSA", **context) -> Finding:
    return Finding(
        algorithm,
        "signature",
        "key",
        Location(target=target, path=path, line=n, component="call"),
        params={"bits": 2048} if algorithm == "RSA" else {},
        identity=f"{algorithm} {path} {n}",
        context=dict(context),
    )


def test_a_target_no_longer_scanned_is_out_of_scope_not_fixed(tmp_path: Path) -> None:
    """An estate that drops a system: its findings are out of scope, not fixed, and the
    readiness change counts only what both inventories scanned."""
    kept = [_repo_finding("repo-a", "src/a.py", n) for n in range(4)]
    dropped = [_repo_finding("repo-b", "src/b.py", n) for n in range(6)]
    ready = _repo_finding("repo-a", "src/pq.py", 1, algorithm="ML-DSA-65")
    old = write(inventory([*kept, *dropped]), tmp_path / "old.json")
    new = write(inventory([*kept[1:], ready]), tmp_path / "new.json")
    diff = diff_files(old, new)
    assert diff.summary() == {"new": 1, "fixed": 1, "unchanged": 3, "out_of_scope": 6}
    assert diff.out_of_scope_targets() == [("repo-b", 6)]
    readiness = diff.readiness.to_dict()
    assert readiness["old"] == 0 and readiness["new"] == 0.25
    assert readiness["delta_points"] == 25.0
    assert readiness["findings_compared"] == {"old": 4, "new": 4}
    text = render_diff(diff, "text")
    assert "1 new, 1 fixed, 3 unchanged, 6 out of scope" in text
    assert "out of scope: repo-b: 6 findings" in text
    assert "readiness 0% -> 25% (+25 pt) over the targets scanned in both" in text
    fixed = next(x for x in text.splitlines() if x.startswith("- "))
    assert "RSA at repo-a: src/a.py (call): QS" in fixed
    md = render_diff(diff, "md")
    assert "## Out of scope (targets not scanned in the newer inventory)" in md
    data = json.loads(render_diff(diff, "json"))
    assert len(data["out_of_scope_findings"]) == 6
    assert data["out_of_scope_targets"] == [{"target": "repo-b", "findings": 6}]


def test_a_target_that_failed_entirely_is_out_of_scope(tmp_path: Path) -> None:
    old = write(inventory([finding(n) for n in range(3)]), tmp_path / "old.json")
    down = ScanError(
        target="web.example.org:443",
        kind="timeout",
        message="timed out",
        host="web.example.org",
        port=443,
    )
    failed = inventory([], errors=[down])
    failed.targets = ["web.example.org:443"]
    new = write(failed, tmp_path / "new.json")
    assert diff_files(old, new).summary()["out_of_scope"] == 3


def test_locations_name_their_target_and_lines_their_organisation(tmp_path: Path) -> None:
    context = {"organisation": "Ministry of Examples", "system": "Portal"}
    old = write(inventory([], org=("m1", "Ministry of Examples")), tmp_path / "old.json")
    new_inv = inventory(
        [_repo_finding("repo-a", "docs/usage.rst", 23, **context)],
        org=("m1", "Ministry of Examples"),
    )
    new = write(new_inv, tmp_path / "new.json")
    text = render_diff(diff_files(old, new), "text")
    assert "Ministry of Examples)" in text.splitlines()[0]
    line = next(x for x in text.splitlines() if x.startswith("+ "))
    assert "repo-a: docs/usage.rst:23 (call) [Ministry of Examples / Portal]" in line


def test_diff_in_dutch(tmp_path: Path) -> None:
    """--lang nl: counts, readiness, severities, rule titles, components and sections in
    Dutch; the JSON stays English."""
    kept = [_repo_finding("repo-a", "src/a.py", n) for n in range(4)]
    dropped = [_repo_finding("repo-b", "src/b.py", n) for n in range(6)]
    ready = _repo_finding("repo-a", "src/pq.py", 1, algorithm="ML-DSA-65")
    old = write(
        inventory([*kept, *dropped], scanned_at="2026-03-01T10:00:00+00:00"), tmp_path / "o.json"
    )
    new = write(inventory([*kept[1:], ready]), tmp_path / "n.json")
    diff = diff_files(old, new)
    text = render_diff(diff, "text", "nl")
    assert "1 nieuw, 1 opgelost, 3 ongewijzigd, 6 buiten de reikwijdte" in text
    assert "buiten de reikwijdte: repo-b: 6 bevindingen" in text
    assert "kwantumgereedheid 0% -> 25% (+25 procentpunt) over de scandoelen" in text
    assert "(1 mrt 2026 10:00:00 UTC)" in text.replace(",", "")
    fixed = next(x for x in text.splitlines() if x.startswith("- "))
    assert "RSA in repo-a: src/a.py (call): QS200 Kwantumkwetsbare handtekening" in fixed
    assert fixed.startswith("- gemiddeld ")
    for english in ("new,", "fixed", "out of scope", "Quantum-vulnerable", "readiness"):
        assert english not in text
    md = render_diff(diff, "md", "nl")
    assert "## Opgelost" in md and "## Buiten de reikwijdte (scandoelen" in md
    assert render_diff(diff, "json", "nl") == render_diff(diff, "json")
    out = CliRunner().invoke(main, ["diff", str(old), str(new), "--lang", "nl"])
    assert out.exit_code == 0 and "1 nieuw, 1 opgelost" in out.output
