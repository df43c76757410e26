"""Every hostile file of the campaign ends within 20 s and 2 GB of address space with a
finding or an error record, and the scan of its folder goes on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qscan.model import ScanError
from qscan.pipeline import collect
from qscan.scan.certs import pkcs12
from qscan.scan.interface import ScanOptions
from qscan.targets import parse_target
from tests.hostile.files import CASES, Case, pkcs12_hidden_key_iterations, write_all
from tests.hostile.limited import run_limited

PASSWORDS = ("first-guess", "second-guess")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("hostile"))


def scan_file(path: Path) -> tuple[int, list[tuple[str, str]]]:
    findings, errors = collect(
        [parse_target(str(path))], ScanOptions(passwords=PASSWORDS, workers=1)
    )
    return len(findings), [(e.kind, e.message) for e in errors]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_hostile_file_ends_with_a_record(case: Case, hostile: dict[str, Path]) -> None:
    outcome = run_limited(scan_file, hostile[case.name])
    findings, errors = outcome.value
    assert findings or errors, "neither a finding nor an error record"
    kinds = {kind for kind, _ in errors}
    assert "timeout" not in kinds, errors  # ended by its own limits, not the file budget
    assert "analyzer-error" not in kinds, errors
    if case.expect:
        assert kinds & set(case.expect), errors


def test_folder_of_hostile_files_completes(hostile: dict[str, Path]) -> None:
    folder = next(iter(hostile.values())).parent

    def scan_folder() -> list[str]:
        _, errors = collect([parse_target(str(folder))], ScanOptions(passwords=PASSWORDS))
        return sorted({e.path or "" for e in errors if isinstance(e, ScanError)})

    failed = run_limited(scan_folder).value
    assert set(failed) >= {name for name, path in hostile.items() if _expects(name)}


def _expects(name: str) -> bool:
    return any(case.name == name and case.expect for case in CASES)


def test_a_key_hidden_in_an_encrypted_safe_cannot_hang_the_scan(tmp_path, monkeypatch) -> None:
    """The key bag's iteration count shows only after its safe is decrypted, inside the
    library's native code where no signal arrives: the opening runs in a child process,
    killed at its deadline, and the keystore is recorded as locked with the reason."""
    path = tmp_path / "hidden-key-iterations.p12"
    path.write_bytes(pkcs12_hidden_key_iterations(1))
    monkeypatch.setattr(pkcs12, "NATIVE_CALL_SECONDS", 1.0)

    def scan_and_look_for_children() -> tuple[tuple[int, list[tuple[str, str]]], bool]:
        scanned = scan_file(path)
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return scanned, False
        return scanned, True

    (findings, errors), child_left = run_limited(scan_and_look_for_children, seconds=10).value
    assert not child_left
    assert findings  # the locked keystore
    reasons = [message for kind, message in errors if kind == "locked-keystore"]
    assert reasons and "took longer than 1 s" in reasons[0], errors
