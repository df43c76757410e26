"""A normal (non-editable) install of the wheel (project `qscan-pqc`) must find rules/ and
reports/ as package data, ship py.typed and offer the library API; the README's CI example
and the CI templates in examples/ci/ run as written with the pinned project replaced by the
wheel."""

import datetime as dt
import json
import os
import shutil
import site
import subprocess
import sys
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from qscan.version import __version__

ROOT = Path(__file__).resolve().parents[2]


def _certificate(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP384R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wheel-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA384())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    env: dict[str, str]
    """Environment for commands run in the venv: its bin/ first on PATH, and pip told to
    install without dependencies and without an index (they come from the test venv)."""

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """The wheel built from this checkout, installed into a fresh venv (with pip) whose
    dependencies come from the test venv through a .pth file; qscan only from the wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(dist.glob("qscan_pqc-*.whl"))
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = [p for p in site.getsitepackages() if "site-packages" in p]
    Path(purelib, "deps.pth").write_text("\n".join(deps) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(
        PATH=f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        PIP_NO_DEPS="1",
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return Installed(wheel, env_dir, env)


def _pip_install_wheel(installed: Installed) -> None:
    subprocess.run(
        [installed.python, "-m", "pip", "install", "--quiet", str(installed.wheel)],
        env=installed.env,
        check=True,
    )


@pytest.mark.slow
def test_wheel_install_scans_from_package_data(tmp_path, installed):
    wheel = installed.wheel
    assert "qscan/py.typed" in zipfile.ZipFile(wheel).namelist()
    _pip_install_wheel(installed)
    py = installed.python
    work = tmp_path / "work"
    work.mkdir()
    _certificate(work)
    env = installed.env

    def run_installed(code: str) -> str:
        return subprocess.run(
            [py, "-c", code], cwd=work, env=env, check=True, capture_output=True, text=True
        ).stdout

    where = run_installed(
        "import qscan.resources as r; print(r.rules_dir()); print(r.reports_dir())"
    )
    assert str(ROOT) not in where and "_data" in where
    assert int(run_installed("import qscan; print(len(qscan.scan('.').findings))")) > 0
    result = subprocess.run(
        [
            py,
            "-m",
            "qscan",
            "scan",
            ".",
            "--format",
            "json",
            "--output",
            "inv.json",
            "--format",
            "html",
            "--output",
            "r.html",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads((work / "inv.json").read_text())
    assert any(
        f["algorithm"] == "ECDSA" and f["params"].get("curve") == "P-384" for f in doc["findings"]
    )
    assert "<html" in (work / "r.html").read_text()


def _repository(tmp_path: Path) -> Path:
    """A small repository to scan in CI: a certificate and the example waivers file."""
    work = tmp_path / "repo"
    work.mkdir()
    _certificate(work)
    shutil.copy(ROOT / "examples" / "ci" / "qscan-waivers.yaml", work / "qscan-waivers.yaml")
    return work


def _with_wheel(command: str, installed: Installed) -> str:
    """The command with the pinned project replaced by the local wheel."""
    spec = f"qscan-pqc=={__version__}"
    return command.replace(spec, str(installed.wheel))


def _run_shell(commands: list[str], installed: Installed, cwd: Path, **env: str) -> None:
    for command in commands:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", _with_wheel(command, installed)],
            cwd=cwd,
            env={**installed.env, **env},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def _readme_ci_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## CI gate") :]
    block = section[section.index("```sh\n") + 6 : section.index("\n```", section.index("```sh"))]
    return [block.replace("\\\n", " ")]


@pytest.mark.slow
def test_readme_ci_example_works_from_the_wheel(tmp_path, installed):
    work = _repository(tmp_path)
    commands = _readme_ci_commands()
    assert f"pip install qscan-pqc=={__version__}" in commands[0]
    _run_shell(commands, installed, work)
    sarif = json.loads((work / "qscan.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert "qscan" in (work / "qscan.md").read_text()


def _template_commands(name: str) -> list[str]:
    doc = yaml.safe_load((ROOT / "examples" / "ci" / name).read_text(encoding="utf-8"))
    if "jobs" in doc:
        steps = next(iter(doc["jobs"].values()))["steps"]
        return [step["run"] for step in steps if "run" in step]
    job = doc["qscan"]
    return [*job["script"], *job.get("after_script", [])]


@pytest.mark.slow
@pytest.mark.parametrize("template", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_templates_run_from_the_wheel(tmp_path, installed, template):
    work = _repository(tmp_path)
    baseline = next(c for c in _readme_ci_commands()[0].splitlines() if "baseline create" in c)
    commands = _template_commands(template)
    assert any(f"pip install qscan-pqc=={__version__}" in c for c in commands)
    summary = tmp_path / "step-summary.md"
    _run_shell(
        [commands[0], baseline.split("#")[0], *commands[1:]],
        installed,
        work,
        GITHUB_STEP_SUMMARY=str(summary),
    )
    for output in ("qscan.sarif", "qscan.md", "qscan-report.html", "qscan.cdx.json"):
        assert (work / output).stat().st_size > 0, output
    if template == "github-actions.yml":
        assert summary.read_text() == (work / "qscan.md").read_text()
