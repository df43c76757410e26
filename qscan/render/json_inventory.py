"""The canonical JSON inventory (schema qscan/inventory@1)."""

from __future__ import annotations

import json

from qscan.model import Inventory
from qscan.render.interface import RenderOptions


def render(inventory: Inventory, options: RenderOptions) -> str:
    return json.dumps(inventory.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
