"""A normal (non-editable) install must find rules/ and reports/ as package data, ship
py.typed and offer the library API."""

import datetime as dt
import json
import os
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

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


@pytest.mark.slow
def test_wheel_install_scans_from_package_data(tmp_path):
    dist = tmp_path / "dist"
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
    wheel = next(dist.glob("qscan-*.whl"))
    assert "qscan/py.typed" in zipfile.ZipFile(wheel).namelist()
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    purelib = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Dependencies come from the test venv; qscan itself only from the wheel.
    deps = [p for p in site.getsitepackages() if "site-packages" in p]
    Path(purelib, "deps.pth").write_text("\n".join(deps) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            purelib,
            str(wheel),
        ],
        check=True,
    )
    work = tmp_path / "work"
    work.mkdir()
    _certificate(work)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def installed(code: str) -> str:
        return subprocess.run(
            [py, "-c", code], cwd=work, env=env, check=True, capture_output=True, text=True
        ).stdout

    where = installed("import qscan.resources as r; print(r.rules_dir()); print(r.reports_dir())")
    assert str(ROOT) not in where and "_data" in where
    assert int(installed("import qscan; print(len(qscan.scan('.').findings))")) > 0
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
