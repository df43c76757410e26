"""`qscan scan` on a repository from the command line: the project's own checkout (the CI
use), --workers and --exclude."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qscan.render import RENDERERS

ROOT = Path(__file__).resolve().parents[3]


def qscan(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "qscan", "scan", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_scan_of_the_project_itself(tmp_path, validate_inventory):
    formats = ["--format", "json", "--output", str(tmp_path / "inv.json")]
    if "sarif" in RENDERERS:
        formats += ["--format", "sarif", "--output", str(tmp_path / "qscan.sarif")]
    result = qscan(".", *formats, "--quiet")
    assert result.returncode == 0, result.stderr
    doc = json.loads((tmp_path / "inv.json").read_text())
    validate_inventory(doc)
    findings = doc["findings"]
    paths = {f["location"]["path"] for f in findings}
    assert any(p.startswith("tests/corpus/") for p in paths)
    assert all(not p.startswith("/") and "\\" not in p for p in paths)
    assert all(
        f["location"].get("line")
        for f in findings
        if f["location"]["path"].startswith("tests/corpus/java/")
    )
    assert not [e for e in doc["errors"] if e["kind"] == "analyzer-error"], doc["errors"]
    if "sarif" in RENDERERS:
        sarif = json.loads((tmp_path / "qscan.sarif").read_text())
        assert sarif["runs"][0]["results"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_workers_and_excludes(tmp_path, workers):
    out = tmp_path / "inv.json"
    result = qscan(
        "tests/corpus",
        "--workers",
        workers,
        "--exclude",
        "*.expected.yaml",
        "--exclude",
        "java",
        "--format",
        "json",
        "--output",
        str(out),
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    paths = {f["location"]["path"] for f in json.loads(out.read_text())["findings"]}
    assert any(p.startswith("python/") for p in paths)
    assert not any(p.startswith("java/") for p in paths)
