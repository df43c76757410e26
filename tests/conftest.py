import json
import shutil
from pathlib import Path

import pytest

from qscan.resources import data_dir

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "qscan" / "schemas" / "inventory.schema.json"


@pytest.fixture(scope="session")
def inventory_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text())


@pytest.fixture
def validate_inventory(inventory_schema):
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        inventory_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )

    def check(doc: dict) -> None:
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])

    return check


def need_program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (CI installs it via .ci/system-deps)")
    return found


@pytest.fixture(scope="session")
def rules_root() -> Path:
    return data_dir("rules")
