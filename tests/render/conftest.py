"""Fixtures for the report tests: fresh copies of the hand-built sample inventories."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from qscan.model import Inventory
from tests.render.report_samples import sample_inventory, synthetic

_CACHE: dict[bool, Inventory] = {}


@pytest.fixture
def inventory() -> Inventory:
    if True not in _CACHE:
        _CACHE[True] = sample_inventory(True)
    return copy.deepcopy(_CACHE[True])


@pytest.fixture
def plain_inventory() -> Inventory:
    if False not in _CACHE:
        _CACHE[False] = sample_inventory(False)
    return copy.deepcopy(_CACHE[False])


@pytest.fixture
def make_synthetic() -> Callable[[int], Inventory]:
    return synthetic
