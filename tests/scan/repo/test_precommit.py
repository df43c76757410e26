"""The pre-commit hooks (.pre-commit-hooks.yaml) scan the files of a commit as the
repository's own: repository-relative paths, one target, configuration references followed
only inside the repository (never to the workstation's own keys)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from qscan.cli import main
from qscan.scan.interface import ScanOptions
from qscan.targets import Target, TargetError, parse_target, under_root

ROOT = Path(__file__).resolve().parents[3]
HOOKS = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def _key_pem(bits: int = 2048) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


@pytest.fixture
def workstation(tmp_path: Path) -> tuple[Path, Path]:
    """A repository with an nginx and an sshd configuration, and the workstation's own host
    key and TLS key outside it, which both configurations name."""
    outside = tmp_path / "etc-ssh"
    outside.mkdir()
    (outside / "ssh_host_rsa_key").write_bytes(_key_pem())
    (outside / "tls.key").write_bytes(_key_pem())
    repo = tmp_path / "repo"
    (repo / "deploy" / "keys").mkdir(parents=True)
    (repo / "src").mkdir()
    ec_key = ec.generate_private_key(ec.SECP256R1())
    (repo / "deploy" / "keys" / "site.key").write_bytes(
        ec_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (repo / "deploy" / "nginx.conf").write_text(
        "server {\n  listen 443 ssl;\n"
        f"  ssl_certificate_key {outside / 'tls.key'};\n"
        "  ssl_certificate_key keys/site.key;\n"
        "  ssl_protocols TLSv1.2 TLSv1.3;\n}\n"
    )
    (repo / "deploy" / "sshd_config").write_text(
        f"HostKey {outside / 'ssh_host_rsa_key'}\nKexAlgorithms curve25519-sha256\n"
    )
    (repo / "src" / "crypto_util.py").write_text(
        "import hashlib\n\n\ndef digest(data):\n    return hashlib.md5(data).hexdigest()\n"
    )
    return repo, outside


STAGED = ["deploy/nginx.conf", "deploy/sshd_config", "src/crypto_util.py"]


def _hook(hook_id: str, files: list[str], out: Path, monkeypatch, repo: Path):
    """Run a hook's entry the way pre-commit does: in the repository root, the staged file
    names appended; the JSON inventory is written next to the text output to check it."""
    monkeypatch.chdir(repo)
    args = shlex.split(HOOKS[hook_id]["entry"])[2:]
    assert HOOKS[hook_id].get("pass_filenames", True) and "types" not in HOOKS[hook_id]
    args += ["--format", "json", "--output", str(out), *files]
    args[args.index("--output") + 1] = str(out.with_suffix(".txt"))
    return CliRunner().invoke(main, ["scan", *args], catch_exceptions=False)


def test_hook_scans_the_commit_inside_the_repository(workstation, tmp_path, monkeypatch):
    repo, outside = workstation
    out = tmp_path / "inv.json"
    result = _hook("qscan", STAGED, out, monkeypatch, repo)
    assert result.exit_code == 1, result.output  # MD5 and the committed key fail the commit
    doc = json.loads(out.read_text())
    assert doc["targets"] == ["."]
    paths = {f["location"]["path"] for f in doc["findings"]}
    assert {"deploy/nginx.conf", "deploy/sshd_config", "src/crypto_util.py"} <= paths
    # the repository's key named by nginx.conf is followed, with its repository-relative path
    assert "deploy/keys/site.key" in paths
    # the workstation's keys are never read
    assert not [p for p in paths if str(outside) in p or "ssh_host" in p or "tls.key" in p]
    assert not [f for f in doc["findings"] if f["algorithm"] == "RSA"]
    text = out.with_suffix(".txt").read_text()
    assert "— src/crypto_util.py —" in text  # the issue, with the repository-relative path


def test_a_file_both_committed_and_referenced_is_one_finding(workstation, tmp_path, monkeypatch):
    repo, _ = workstation
    out = tmp_path / "inv.json"
    _hook("qscan-private-keys", [*STAGED, "deploy/keys/site.key"], out, monkeypatch, repo)
    doc = json.loads(out.read_text())
    keys = [f for f in doc["findings"] if f["location"]["path"] == "deploy/keys/site.key"]
    fingerprints = [f["fingerprint"] for f in keys]
    assert keys and len(fingerprints) == len(set(fingerprints))
    assert doc["gate"]["failing"]  # the unencrypted key fails the private-key hook


def test_without_a_root_a_config_target_still_reads_what_it_names(workstation):
    """`qscan scan /etc/nginx/nginx.conf` on a server: the administrator wants the keys."""
    import qscan

    repo, outside = workstation
    inv = qscan.scan(str(repo / "deploy" / "sshd_config"))
    assert any(f.context.get("referenced_from") for f in inv.findings)
    bounded = qscan.scan(str(repo / "deploy" / "sshd_config"), root=repo)
    assert not any(f.context.get("referenced_from") for f in bounded.findings)


def test_under_root(tmp_path, monkeypatch):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.pem").write_text("x")
    (tmp_path / "y.conf").write_text("y")
    monkeypatch.chdir(tmp_path)
    targets = [parse_target(t) for t in ("a/x.pem", "y.conf", "a", "example.org:443")]
    grouped = under_root(targets, Path("."))
    assert grouped[0] == Target(raw=".", kind="path", path=Path("."), files=("a/x.pem", "y.conf"))
    assert [t.raw for t in grouped[1:]] == ["a", "example.org:443"]
    with pytest.raises(TargetError, match="outside --root"):
        under_root([parse_target(str(tmp_path / "y.conf"))], tmp_path / "a")
    assert ScanOptions(root=Path(".")).root == Path(".")
