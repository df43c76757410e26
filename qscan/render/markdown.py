"""Markdown summary for merge-request comments and $GITHUB_STEP_SUMMARY (template
reports/summary.md.j2). Bounded in size whatever the inventory (top issues and errors only).

Every value from scanned input is escaped by default: the environment's `finalize` escapes
anything that is not a trusted `Md` string, so neither Markdown syntax (table pipes, links,
emphasis, code) nor raw HTML from a file name or certificate subject reaches the renderer.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2

from qscan.i18n import Translator
from qscan.model import Inventory
from qscan.render.formatting import add_format_filters
from qscan.render.interface import RenderOptions
from qscan.render.localize import localize
from qscan.render.locations import error_place, where
from qscan.render.summary import PLACES_SHOWN, to_act
from qscan.render.view import build_view
from qscan.resources import reports_dir

TOP = 20
ERRORS = 10
# Inside a line (every value follows "| " or "- "), these are the characters that can start
# Markdown or HTML syntax; a backslash makes each literal (CommonMark, GFM tables).
_SPECIAL = re.compile(r"([\\`*_\[\]|<>~&])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class Md(str):
    """Text that is already Markdown (built by qscan, not taken from input)."""


def escape(value: Any) -> str:
    """Markdown-escaped text from input, on one line, without control characters (ESC,
    BEL and their kind would drive the terminal of whoever reads the file)."""
    if isinstance(value, Md):
        return value
    text = re.sub(r"\s*[\r\n]+\s*", " ", str(value))  # no line breaks inside a table cell
    text = _CONTROL.sub("?", text)
    return _SPECIAL.sub(r"\\\1", text)


def _finalize(value: Any) -> Any:
    return escape(value) if isinstance(value, str) else value


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(reports_dir())),
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    add_format_filters(env)
    env.filters["where"] = where
    env.filters["error_place"] = error_place
    env.filters["md"] = Md
    return env


def render(inventory: Inventory, options: RenderOptions) -> str:
    t = Translator(options.lang)
    inventory = localize(inventory, t.lang)
    view = build_view(inventory, lang=t.lang)
    ranked = to_act(view.summary.all_issues)
    template = environment().get_template("summary.md.j2")
    return template.render(
        inv=inventory,
        view=view,
        s=view.summary,
        t=t,
        fmt=t,
        top=ranked[:TOP],
        more=max(0, len(ranked) - TOP),
        places_shown=PLACES_SHOWN,
        errors=inventory.errors[:ERRORS],
    )
