from __future__ import annotations

from pathlib import Path

import pytest

from qscan.model import Inventory
from qscan.pipeline import scan
from qscan.scan.interface import ScanOptions
from qscan.targets import parse_target
from tests.scan.certs import builders, corpus


def scan_folder(
    folder: Path, passwords: tuple[str, ...] = (), policy: str = "nist-ir-8547"
) -> Inventory:
    return scan([parse_target(str(folder))], ScanOptions(passwords=passwords), policy)


@pytest.fixture(scope="session")
def case_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    for program in ("openssl", "ssh-keygen"):
        if not builders.have(program):
            pytest.skip(f"{program} is not installed (CI installs it via .ci/system-deps)")
    folder = tmp_path_factory.mktemp("cases")
    corpus.build(folder)
    return folder


@pytest.fixture(scope="session")
def case_inventory(case_folder: Path) -> Inventory:
    return scan_folder(case_folder, passwords=(corpus.PASSWORD,))
