"""Fixed texts of the human-facing reports in English and Dutch (reports/i18n/<lang>.yaml).

Keys are dotted paths into the YAML (`summary.heading`); values are str.format templates.
A text that depends on a count has `one` and `other` forms (CLDR plural categories). A key
missing in a language falls back to English; tests keep both files complete. Numbers, shares
and dates are formatted for the language by Babel (CLDR data).

The fixed English texts of scan records (evidence, error messages: qscan.model.Text) are
under `texts.`; there a placeholder written `{name!p}` takes a label qscan made from
catalogue names ("RSA with SHA-256", "unknown algorithm 1.2.3") and says its fixed words
through the language's `label_phrases`.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from functools import cache
from typing import Any

import yaml
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from qscan.model import Text
from qscan.resources import YAML_LOADER, reports_dir

LANGUAGES = ("en", "nl")
"""Report languages, English first: it is the text of rules/ and of the templates; the others
are `<lang>:` blocks in rules/ and reports/i18n/<lang>.yaml."""


def plural(n: int, one: str, other: str) -> str:
    """`1 finding`, `2 findings`: English count words for messages on stderr and in
    machine-facing texts (report texts have their own forms in reports/i18n/)."""
    return f"{n} {one if n == 1 else other}"


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Texts by dotted key; lists (phrase tables) are not texts and are left out."""
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif not isinstance(value, list):
            out[name] = str(value)
    return out


@cache
def _document(lang: str) -> dict[str, Any]:
    path = reports_dir() / "i18n" / f"{lang}.yaml"
    return yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}


@cache
def strings(lang: str) -> dict[str, str]:
    return _flatten(_document(lang))


@cache
def _phrases(lang: str, table: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One regex over a phrase table of a language (`component_phrases`, `label_phrases`:
    longest first, whole words) and the replacement of each phrase."""
    pairs = {str(a): str(b) for a, b in _document(lang).get(table) or []}
    if not pairs:
        return None
    ordered = sorted(pairs, key=len, reverse=True)
    pattern = r"(?<![\w.])(?:" + "|".join(map(re.escape, ordered)) + r")(?![\w(])"
    return re.compile(pattern), pairs


def _say_phrases(lang: str, table: str, text: str) -> str:
    found = _phrases(lang, table)
    if found is None:
        return text
    regex, pairs = found
    return regex.sub(lambda m: pairs[m.group(0)], text)


class _TextFormatter(string.Formatter):
    """str.format with the `!p` conversion: a label said through `label_phrases`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "p":
            return _say_phrases(self.lang, "label_phrases", str(value))
        return super().convert_field(value, conversion)


class Translator:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self.locale = Locale.parse(self.lang)
        self._own = strings(self.lang)
        self._en = strings("en")
        self._formatter = _TextFormatter(self.lang)

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

    def context_key(self, key: str) -> str:
        """The label of a finding's context field (`not_after` -> "valid until")."""
        return self(f"context_key.{key}") if self.has(f"context_key.{key}") else key

    def context_value(self, key: str, value: Any) -> Any:
        """A context value for people: yes/no for booleans, the material scope's name, a
        role or storage in the component phrases of this language; other values as they are
        (scanned data)."""
        if isinstance(value, bool):
            return self("values.yes" if value else "values.no")
        if key == "material_scope" and self.has(f"scope.{value}"):
            return self(f"scope.{value}")
        if key in ("role", "stored_in") and isinstance(value, str):
            return self.component(value)
        if isinstance(value, str) and self.has(f"context_value.{key}.{value}"):
            return self(f"context_value.{key}.{value}")
        return value

    def text(self, value: Any, english: str) -> str:
        """A record's fixed text (qscan.model.Text) in this language; `english`, the text
        as the record holds it, when the Text is malformed or names a key, argument or
        placeholder this version does not know."""
        try:
            return self._text(value)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            return english

    def _text(self, value: Text) -> str:
        key = value["key"]
        template = self._own.get(f"texts.{key}") or self._en[f"texts.{key}"]
        args = {name: self._arg(arg) for name, arg in (value.get("args") or {}).items()}
        return self._formatter.format(template, **args)

    def _arg(self, arg: Any) -> Any:
        """A nested Text said in this language; a list of them joined with "; "."""
        if isinstance(arg, dict):
            return self._text(arg)
        if isinstance(arg, list):
            return "; ".join(str(self._arg(a)) for a in arg)
        return arg

    def error_kind(self, kind: str) -> str:
        """The label of a scan error kind (`connection-refused` -> "connection refused")."""
        return self(f"error_kind.{kind}") if self.has(f"error_kind.{kind}") else kind

    def component(self, component: str) -> str:
        """A location component in this language: its fixed English words replaced
        (`certificate chain[1] signature` -> `certificaatketen[1] handtekening`); API and
        directive names stay as written."""
        return _say_phrases(self.lang, "component_phrases", component)

    def number(self, value: float, decimals: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, share: float | None) -> str:
        """A share as a percentage; "n/a" for a readiness with nothing to measure."""
        if share is None:
            return self("summary.not_applicable")
        return format_percent(share, locale=self.locale)

    def points(self, delta: float) -> str:
        """A change of a share in percentage points, signed (`+8 pt`)."""
        value = round(delta * 100, 1)
        sign = "+" if value > 0 else "−" if value < 0 else "±"
        return self(
            "units.points", n=sign + self.number(abs(value), 0 if value == int(value) else 1)
        )

    def plural(self, key: str, n: int, **values: Any) -> str:
        """The text under `key.one` or `key.other` (CLDR plural category of `n` in this
        language), with `{n}` the localised number."""
        return self(f"{key}.{self.locale.plural_form(n)}", n=self.number(n), **values)

    def count(self, noun: str, n: int) -> str:
        """`n` with its noun in the right form (`1 finding`, `3 bevindingen`): `count.<noun>`."""
        return self.plural(f"count.{noun}", n)

    def date(self, value: str) -> str:
        """An ISO date or timestamp as a date in this language (`1 mei 2026`); text that is
        not a date is returned as it is."""
        try:
            day = dt.date.fromisoformat(value[:10])
        except (TypeError, ValueError):
            return value
        return format_date(day, "medium", locale=self.locale)

    def timestamp(self, value: str) -> str:
        """An ISO timestamp in this language, in UTC (`1 mei 2026 10:00 UTC`)."""
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except (TypeError, ValueError):
            return value
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        when = format_datetime(moment, "medium", tzinfo=dt.UTC, locale=self.locale)
        return f"{when} UTC"

    def prefix(self, prefix: str) -> dict[str, str]:
        """Every text under a prefix (for the inline script), without the prefix."""
        keys = {k for k in self._en if k.startswith(prefix)}
        return {k[len(prefix) :]: self(k) for k in sorted(keys)}


@cache
def _english() -> Translator:
    return Translator("en")


def english(text: Text) -> str:
    """A fixed text (a message key and its arguments) in English: what the inventory
    records where a scanner states a reason as a Text."""
    return _english()._text(text)
