"""Template filters that localise numbers, shares, dates and timestamps with the render's
Translator (qscan.i18n, Babel): `{{ n | num }}`, `{{ share | pct }}`, `{{ delta | points }}`,
`{{ iso_date | day }}`, `{{ iso_timestamp | moment }}`. The template gets the Translator as
the variable `fmt`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2

_METHODS = {
    "num": "number",
    "pct": "percent",
    "points": "points",
    "day": "date",
    "moment": "timestamp",
}


def _filter(method: str) -> Callable[..., str]:
    @jinja2.pass_context
    def apply(context: Any, value: Any) -> str:
        return str(getattr(context["fmt"], method)(value))

    return apply


def add_format_filters(env: jinja2.Environment) -> None:
    for name, method in _METHODS.items():
        env.filters[name] = _filter(method)
