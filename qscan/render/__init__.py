"""Output formats. Adding one is one module and one line in _MODULES.

Renderer modules are imported when first used: some pull in heavy libraries (the CBOM
renderer imports cyclonedx-python-lib), and a scan that writes JSON should not pay for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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


def render_chunks(name: str, inventory: Inventory, options: RenderOptions) -> Iterable[str]:
    """The output in pieces to be written one after the other: a renderer module with
    `chunks` never holds its whole output in memory (the JSON inventory of a large scan is
    tens of MB as one string); the others give their text in one piece."""
    module = import_module(f"qscan.render.{_MODULES[name]}")
    chunks = getattr(module, "chunks", None)
    return (
        chunks(inventory, options) if chunks is not None else (module.render(inventory, options),)
    )


__all__ = ["RENDERERS", "RenderOptions", "Renderer", "render_chunks"]
