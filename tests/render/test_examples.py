"""The shipped CI examples and pre-commit hooks parse, and use options that exist."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from qscan.assess.waivers import parse_waivers
from qscan.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _scan_options() -> str:
    return CliRunner().invoke(main, ["scan", "--help"]).output


def test_ci_examples_parse_and_use_real_options():
    help_text = _scan_options()
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        text = (ROOT / "examples" / "ci" / name).read_text(encoding="utf-8")
        yaml.safe_load(text)
        for option in ("--fail-on", "--fail-on-status", "--baseline", "--waivers", "--format"):
            assert option in text and option in help_text
    workflow = yaml.safe_load((ROOT / "examples" / "ci" / "github-actions.yml").read_text())
    steps = workflow["jobs"]["qscan"]["steps"]
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)


def test_waivers_example_is_valid():
    data = yaml.safe_load((ROOT / "examples" / "ci" / "qscan-waivers.yaml").read_text())
    assert len(parse_waivers(data)) == 3


def test_pre_commit_hooks():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"qscan", "qscan-private-keys"}
    for hook in hooks:
        assert hook["entry"].startswith("qscan scan ") and hook["language"] == "python"
