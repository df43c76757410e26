"""Where a stored private key sits (its file mode, whether it is in a git checkout), observed
by the path scanner on real files with real keys, and judged by QS500 / QS502 / QS510.

Tests run as root, which can read any file: the facts come from the mode bits, never from
what the scanning user may open."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from qscan.model import Finding, Inventory
from qscan.pipeline import scan
from qscan.scan import walk as walk_module
from qscan.scan.files import SMALL_TREE
from qscan.scan.interface import ScanOptions
from qscan.scan.walk import FileEntry, walk
from qscan.targets import parse_target

OWNER_ONLY = {"file_mode": "0600", "readable_by_others": False, "in_repository": False}


def _pem(password: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def _write(path: Path, data: bytes | str, mode: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    path.chmod(mode)
    return path


def _scan(target: Path) -> Inventory:
    return scan([parse_target(str(target))], ScanOptions(workers=1), "nist-ir-8547")


def _stored(inventory: Inventory) -> dict[str, Finding]:
    assert inventory.errors == []
    return {f.location.path: f for f in inventory.findings if f.function == "key-storage"}


def _facts(finding: Finding) -> dict[str, object]:
    return {k: finding.context.get(k) for k in OWNER_ONLY}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    checkout = tmp_path / "repo"
    checkout.mkdir()
    _git(checkout, "init", "-q")
    return checkout


def test_an_owner_only_key_outside_any_repository_is_listed_not_alarmed(tmp_path: Path) -> None:
    _write(tmp_path / "server.key", _pem(), 0o600)
    _write(tmp_path / "server-encrypted.key", _pem(b"s3cret"), 0o600)
    stored = _stored(_scan(tmp_path))
    # the status follows the key's algorithm, which the encryption hides without the password
    statuses = {"server.key": "quantum-vulnerable", "server-encrypted.key": "unknown"}
    for name, status in statuses.items():
        key = stored[name]
        assert _facts(key) == OWNER_ONLY
        v = key.verdict
        assert (v.rule, v.severity, v.status, v.deadline) == ("QS502", "low", status, None)
        assert key.priority.wave >= 2
    assert stored["server.key"].context["encrypted"] is False
    assert "passphrase" in stored["server-encrypted.key"].verdict.fix


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_group_or_others_can_read_is_critical(tmp_path: Path, mode: int) -> None:
    _write(tmp_path / "server.key", _pem(), mode)
    (key,) = _stored(_scan(tmp_path)).values()
    assert _facts(key) == {
        "file_mode": f"{mode:04o}",
        "readable_by_others": True,
        "in_repository": False,
    }
    assert (key.verdict.rule, key.verdict.severity) == ("QS500", "critical")
    assert key.verdict.fix.startswith(f"File mode {mode:04o} lets group members or other users")
    assert key.priority.wave == 1


def test_keys_in_a_checkout_are_critical_tracked_or_not_and_ignored_ones_are_not_read(
    repo: Path,
) -> None:
    _write(repo / ".gitignore", "secret.key\n", 0o644)
    _write(repo / "deploy" / "server.key", _pem(), 0o600)
    _git(repo, "add", ".gitignore", "deploy/server.key")
    _write(repo / "local.key", _pem(), 0o600)  # untracked, not ignored: one `git add` away
    _write(repo / "secret.key", _pem(), 0o600)  # ignored: not walked
    stored = _stored(_scan(repo))
    assert sorted(stored) == ["deploy/server.key", "local.key"]
    for key in stored.values():
        assert _facts(key) == {**OWNER_ONLY, "in_repository": True}
        assert (key.verdict.rule, key.verdict.severity) == ("QS500", "critical")
        assert key.verdict.fix.startswith("This key is in a repository checkout (tracked")
        assert key.priority.wave == 1


def test_a_readable_key_in_a_checkout_names_both(repo: Path) -> None:
    _write(repo / "server.key", _pem(), 0o644)
    _git(repo, "add", "server.key")
    (key,) = _stored(_scan(repo)).values()
    assert key.verdict.rule == "QS500"
    assert key.verdict.fix.startswith(
        "This key is in a repository checkout, and its file mode 0644 also lets"
    )


def test_a_single_file_target_asks_git_once_and_only_inside_a_checkout(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracked = _write(repo / "keys" / "server.key", _pem(), 0o600)
    _git(repo, "add", "keys/server.key")
    _write(repo / ".gitignore", "*.local.key\n", 0o644)
    ignored = _write(repo / "keys" / "dev.local.key", _pem(), 0o600)
    outside = _write(tmp_path / "etc" / "service.key", _pem(), 0o600)
    calls: list[list[str]] = []
    run = subprocess.run

    def counting(args, *rest, **kw):
        if args[:1] == ["git"] and "ls-files" in args:
            calls.append(args)
        return run(args, *rest, **kw)

    monkeypatch.setattr(walk_module.subprocess, "run", counting)
    results = {}
    for path in (tracked, ignored, outside):
        calls.clear()
        (key,) = _stored(_scan(path)).values()
        results[path.name] = (key.verdict.rule, key.context["in_repository"], len(calls))
    assert results == {
        "server.key": ("QS500", True, 1),
        "dev.local.key": ("QS502", False, 1),
        "service.key": ("QS502", False, 0),
    }


def test_a_pem_key_embedded_in_source_is_judged_by_where_the_source_sits(
    repo: Path, tmp_path: Path
) -> None:
    source = f'KEY = """{_pem().decode()}"""\n'
    _write(repo / "app" / "settings.py", source, 0o644)
    _git(repo, "add", "app/settings.py")
    in_checkout = _stored(_scan(repo))["app/settings.py"]
    assert in_checkout.context["in_repository"] is True
    assert (in_checkout.verdict.rule, in_checkout.verdict.severity) == ("QS500", "critical")
    # the same code deployed outside a checkout: its file mode decides
    deployed = tmp_path / "srv"
    _write(deployed / "app" / "settings.py", source, 0o600)
    owner_only = _stored(_scan(deployed))["app/settings.py"]
    assert _facts(owner_only) == OWNER_ONLY and owner_only.verdict.rule == "QS502"


def _b64url(value: int) -> str:
    raw = value.to_bytes(32, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_private_jwk_gets_the_facts_of_its_file(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(public.x),
        "y": _b64url(public.y),
        "d": _b64url(key.private_numbers().private_value),
    }
    _write(tmp_path / "signing.jwks.json", json.dumps({"keys": [jwk]}), 0o640)
    (stored,) = _stored(_scan(tmp_path)).values()
    assert stored.location.component == "jwk private key"
    assert _facts(stored) == {
        "file_mode": "0640",
        "readable_by_others": True,
        "in_repository": False,
    }
    assert stored.verdict.rule == "QS500"


def test_test_material_keeps_its_own_rule(repo: Path, tmp_path: Path) -> None:
    _write(repo / "tests" / "fixtures" / "server.key", _pem(), 0o644)
    _git(repo, "add", "tests")
    _write(tmp_path / "plain" / "tests" / "server.key", _pem(), 0o600)
    for target in (repo, tmp_path / "plain"):
        (key,) = _stored(_scan(target)).values()
        assert key.context["material_scope"] == "test"
        assert (key.verdict.rule, key.verdict.severity) == ("QS510", "medium")


def test_a_checkout_inside_a_plain_folder_is_found_by_its_dot_git(repo: Path) -> None:
    srv = repo.parent
    _write(repo / "server.key", _pem(), 0o600)  # untracked, not ignored
    _write(srv / "loose.key", _pem(), 0o600)
    stored = _stored(_scan(srv))
    assert stored["repo/server.key"].context["in_repository"] is True
    assert stored["loose.key"].context["in_repository"] is False


def test_without_git_a_dot_git_above_the_target_means_a_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "work" / ".git").mkdir(parents=True)
    _write(tmp_path / "work" / "deploy" / "server.key", _pem(), 0o600)
    _write(tmp_path / "other" / "server.key", _pem(), 0o600)
    monkeypatch.setattr(walk_module.shutil, "which", lambda name: None)
    inside = list(walk(tmp_path / "work" / "deploy", "t", ()))
    assert [(e.relpath, e.in_repository) for e in inside if isinstance(e, FileEntry)] == [
        ("server.key", True)
    ]
    outside = list(walk(tmp_path / "other", "t", ()))
    assert [e.in_repository for e in outside if isinstance(e, FileEntry)] == [False]
    assert walk_module.file_in_repository(tmp_path / "work" / "deploy" / "server.key")


def test_a_key_a_configuration_names_keeps_the_facts_of_its_own_file(tmp_path: Path) -> None:
    key = _write(tmp_path / "private" / "www.key", _pem(), 0o600)
    conf = _write(
        tmp_path / "nginx" / "site.conf",
        f"server {{\n  listen 443 ssl;\n  ssl_certificate_key {key};\n}}\n",
        0o644,
    )
    (stored,) = _stored(_scan(conf)).values()
    assert stored.location.path == str(key)
    assert stored.context["referenced_from"] == "site.conf:3"
    assert _facts(stored) == OWNER_ONLY
    assert stored.verdict.rule == "QS502"


def test_the_facts_are_in_the_schema(tmp_path: Path, validate_inventory) -> None:
    _write(tmp_path / "server.key", _pem(), 0o600)
    doc = json.loads(_scan(tmp_path).to_json())
    (stored,) = [f for f in doc["findings"] if f["function"] == "key-storage"]
    assert stored["context"]["file_mode"] == "0600"
    validate_inventory(doc)


def test_the_facts_travel_with_the_files_to_worker_processes(repo: Path) -> None:
    # more than SMALL_TREE files: batches of them go to a worker process, a key in each
    for n in range(SMALL_TREE + 60):
        if n % 50:
            _write(repo / "conf" / f"f{n:03d}.txt", f"setting {n}\n", 0o644)
        else:
            _write(repo / "conf" / f"f{n:03d}.key", _pem(), 0o600)
    inventory = scan([parse_target(str(repo))], ScanOptions(workers=2), "nist-ir-8547")
    stored = _stored(inventory)
    assert len(stored) == 6
    assert all(_facts(key) == {**OWNER_ONLY, "in_repository": True} for key in stored.values())
