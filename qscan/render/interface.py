"""The renderer seam: every output format renders the same assessed inventory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qscan.model import Inventory


@dataclass(frozen=True)
class RenderOptions:
    lang: str = "en"
    color: bool = False


Renderer = Callable[[Inventory, RenderOptions], str]
