"""Output formats. Adding one is one module and one line in RENDERERS."""

from __future__ import annotations

from qscan.render import cbom, csv_table, html, json_inventory, markdown, sarif, text
from qscan.render.interface import Renderer, RenderOptions

RENDERERS: dict[str, Renderer] = {
    "json": json_inventory.render,
    "html": html.render,
    "text": text.render,
    "sarif": sarif.render,
    "csv": csv_table.render,
    "cbom": cbom.render,
    "md": markdown.render,
}

__all__ = ["RENDERERS", "RenderOptions", "Renderer"]
