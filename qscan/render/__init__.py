"""Output formats. Adding one is one module and one line in _MODULES.

Renderer modules are imported when first used: some pull in heavy libraries (the CBOM
renderer imports cyclonedx-python-lib), and a scan that writes JSON should not pay for them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

from qscan.model import Inventory
from qscan.render.interface import Renderer, RenderOptions

_MODULES = {
    "json": "json_inventory",
    "html": "html",
    "text": "text",
    "sarif": "sarif",
    "csv": "csv_table",
    "cbom": "cbom",
    "md": "markdown",
}


class _Registry(Mapping[str, Renderer]):
    def __getitem__(self, name: str) -> Renderer:
        module = import_module(f"qscan.render.{_MODULES[name]}")

        def render(inventory: Inventory, options: RenderOptions) -> str:
            return module.render(inventory, options)

        return render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


RENDERERS: Mapping[str, Renderer] = _Registry()

__all__ = ["RENDERERS", "RenderOptions", "Renderer"]
