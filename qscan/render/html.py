"""Self-contained HTML report (jinja2 template in reports/), everything autoescaped."""

from __future__ import annotations

from functools import cache

import jinja2

from qscan.model import Inventory
from qscan.render.interface import RenderOptions
from qscan.render.summary import summarise, where
from qscan.resources import reports_dir


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(reports_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["where"] = where
    return env


def render(inventory: Inventory, options: RenderOptions) -> str:
    template = environment().get_template("report.html.j2")
    return template.render(inv=inventory, summary=summarise(inventory), lang=options.lang)
