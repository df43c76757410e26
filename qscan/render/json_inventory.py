"""The canonical JSON inventory (schema qscan/inventory@1); the layout is Inventory.to_json's."""

from __future__ import annotations

from collections.abc import Iterator

from qscan.model import Inventory
from qscan.render.interface import RenderOptions


def render(inventory: Inventory, options: RenderOptions) -> str:
    return inventory.to_json()


def chunks(inventory: Inventory, options: RenderOptions) -> Iterator[str]:
    return inventory.json_chunks()
