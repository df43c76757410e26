"""Locate the data folders (rules/, reports/) in a source checkout and in an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

_PKG = Path(__file__).resolve().parent
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (about 8x faster), else the pure-Python one."""


def data_dir(name: str) -> Path:
    installed = _PKG / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PKG.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"qscan data folder {name!r} not found (broken installation)")


def rules_dir() -> Path:
    return data_dir("rules")


def reports_dir() -> Path:
    return data_dir("reports")


@cache
def load_yaml(relative: str) -> Any:
    """Load one YAML file from rules/, cached for the life of the process."""
    with open(rules_dir() / relative, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=YAML_LOADER)
