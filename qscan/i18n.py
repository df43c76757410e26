"""Fixed texts of the human-facing reports in English and Dutch (reports/i18n/<lang>.yaml).

Keys are dotted paths into the YAML (`summary.heading`); values are str.format templates.
A key missing in a language falls back to English; tests keep both files complete.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from qscan.resources import reports_dir

LANGUAGES = ("en", "nl")
"""Report languages, English first: it is the text of rules/ and of the templates; the others
are `<lang>:` blocks in rules/ and reports/i18n/<lang>.yaml."""


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = str(value)
    return out


@cache
def strings(lang: str) -> dict[str, str]:
    path = reports_dir() / "i18n" / f"{lang}.yaml"
    return _flatten(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


class Translator:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self._own = strings(self.lang)
        self._en = strings("en")

    def __call__(self, key: str, **values: Any) -> str:
        template = self._own.get(key) or self._en.get(key)
        if template is None:
            raise KeyError(f"no text for {key!r}")
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return key in self._own or key in self._en

    def status(self, status: str) -> str:
        return self(f"status.{status}") if self.has(f"status.{status}") else status

    def severity(self, severity: str) -> str:
        return self(f"severity.{severity}") if self.has(f"severity.{severity}") else severity

    def function(self, function: str) -> str:
        return self(f"function.{function}") if self.has(f"function.{function}") else function

    def number(self, value: float, decimals: int = 0) -> str:
        text = f"{value:,.{decimals}f}"
        if self.lang == "nl":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text

    def percent(self, share: float | None) -> str:
        """A share as a percentage; "n/a" for a readiness with nothing to measure."""
        if share is None:
            return self("summary.not_applicable")
        return f"{self.number(share * 100)}%"

    def prefix(self, prefix: str) -> dict[str, str]:
        """Every text under a prefix (for the inline script), without the prefix."""
        keys = {k for k in self._en if k.startswith(prefix)}
        return {k[len(prefix) :]: self(k) for k in sorted(keys)}
