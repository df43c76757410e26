"""The project installs under its own name, `qscan-pqc` ("qscan" on the public index is an
unrelated project): no document or CI template may install anything else, and every install
line pins the current version."""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from pathlib import Path

from qscan.version import __version__

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTION = "qscan-pqc"
DOCUMENTS = ("README.md", "CHANGELOG.md", ".pre-commit-hooks.yaml", "docs/", "examples/")
_INSTALL = re.compile(r"\bpip3?\s+install\s+(.*)")


def _tracked_documents() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--", *DOCUMENTS], cwd=ROOT, capture_output=True, text=True
    )
    names = listed.stdout.split() if listed.returncode == 0 else []
    return [ROOT / n for n in names if (ROOT / n).suffix in {".md", ".yml", ".yaml", ".py", ""}]


def _installed_projects(line: str) -> list[str]:
    """The requirement arguments of one `pip install ...` line (options left out)."""
    words = shlex.split(line.split(" #")[0], comments=False)
    return [w for w in words if not w.startswith("-") and w not in ("\\",)]


def test_pyproject_names_the_distribution():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"qscan": "qscan.cli:main"}


def test_docs_and_templates_install_only_this_project_pinned():
    seen = []
    for path in _tracked_documents():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = _INSTALL.search(line)
            if not match:
                continue
            for spec in _installed_projects(match.group(1).strip("`")):
                where = f"{path.relative_to(ROOT)}:{number}"
                name = re.split(r"[\[=<>!~ ]", spec, maxsplit=1)[0]
                assert name == DISTRIBUTION, f"{where} installs {spec!r}"
                assert spec.endswith(f"=={__version__}"), f"{where}: pin {spec!r} to {__version__}"
                seen.append(where)
    assert any(w.startswith("README.md") for w in seen)
    assert any(w.startswith("examples/ci/github-actions.yml") for w in seen)
    assert any(w.startswith("examples/ci/gitlab-ci.yml") for w in seen)
