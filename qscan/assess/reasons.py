"""The priority reasons as data: one template per sentence, its English and Dutch texts in
reports/i18n/<lang>.yaml (`reasons.<key>`), its kind here.

`priority.py` builds its (English) reasons only through `reason()`, so the inventory keeps
English strings, which are part of the interchange format. Reports in another language call
`translate()`, which matches a stored reason against the English templates (compiled to
regexes from their placeholders) and fills the template of that language with the matched
values, themselves translated: a nested fragment through its own templates, a word such as a
severity or exposure through the report's terms (reports/i18n/<lang>.yaml), a rule title
through the rule's translation. A reason that matches no template stays as it is.

Placeholders are typed (see PLACEHOLDERS): a fragment placeholder such as `{window}` may hold
any template of the kind of the same name, which keeps the regexes unambiguous where a
fragment itself contains commas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from string import Formatter

from qscan.i18n import Translator, strings


@dataclass(frozen=True)
class Template:
    """One sentence or fragment; its texts are `reasons.<key>` in reports/i18n/<lang>.yaml."""

    key: str
    kind: str

    @property
    def en(self) -> str:
        return self.text("en")

    def text(self, lang: str) -> str:
        return strings(lang).get(f"reasons.{self.key}") or strings("en")[f"reasons.{self.key}"]


KINDS: dict[str, str] = {
    "not-assessed": "reason",
    "safe": "reason",
    "policy-deadline": "reason",
    "mosca": "reason",
    "unknown-status": "reason",
    "deadline-first": "reason",
    "at-risk": "reason",
    "start-by": "reason",
    "exposure-estate": "reason",
    "exposure-endpoint": "reason",
    "exposure-file": "reason",
    "criticality": "reason",
    "severity": "reason",
    "informational": "reason",
    "deadline-driven": "reason",
    "trust-store": "reason",
    "start-now": "reason",
    "assumed-cap": "reason",
    "apart": "reason",
    "not-in-effect": "reason",
    "broken": "reason",
    "rollup-count": "reason",
    "rollup-apart": "reason",
    "rollup-top-issue": "reason",
    "rollup-top": "reason",
    "rollup-none": "reason",
    "rollup-errors": "reason",
    "wave-count": "wave-count",
    "lead-hndl": "lead",
    "lead-signature": "lead",
    "lead-other": "lead",
    "window-confidential": "window",
    "window-none": "window",
    "window-signatures": "window",
    "window-code-signing": "window",
    "window-certificate": "window",
    "window-key": "window",
    "window-ca": "window",
    "migration": "migration",
    "crqc": "crqc",
    "inequality": "inequality",
    "span-one": "span",
    "span": "span",
    "deadline": "deadline",
    "deadline-category": "deadline",
}
"""Each template's kind: "reason" is a whole entry of Priority.reasons; the other kinds are
fragments used inside one (a placeholder of that name holds any template of its kind)."""
TEMPLATES: dict[str, Template] = {key: Template(key, kind) for key, kind in KINDS.items()}


@dataclass(frozen=True)
class Placeholder:
    """How a value is matched (`pattern`, or any template of `kind`) and translated (`how`)."""

    pattern: str = ""
    kind: str = ""
    how: str = "keep"  # keep | number | term:<section> | fragment | reason | list | title


_WORD = r"[\w-]+"
PLACEHOLDERS: dict[str, Placeholder] = {
    "status": Placeholder(_WORD, how="term:status"),
    "severity": Placeholder(_WORD, how="term:severity"),
    "criticality": Placeholder(_WORD, how="term:severity"),
    "exposure": Placeholder(_WORD, how="term:exposure"),
    "source": Placeholder(_WORD, how="term:source"),
    "function": Placeholder(_WORD, how="term:function"),
    "rule": Placeholder(r"[^\s()]+"),
    "scope": Placeholder(_WORD, how="term:scope"),
    "setting": Placeholder(r"[a-z_]+"),
    "asset": Placeholder(r".+"),
    "score": Placeholder(r"\d+"),
    "title": Placeholder(r".+", how="title"),
    "policy": Placeholder(r"\S+"),
    "category": Placeholder(r"\S+"),
    "scenario": Placeholder(r"[^()]+"),
    "date": Placeholder(r"\S+"),
    "year": Placeholder(r"\d{4}"),
    "n": Placeholder(r"\d+"),
    "wave": Placeholder(r"\d+"),
    "years": Placeholder(r"\d+(?:\.\d+)?", how="number"),
    "sum": Placeholder(r"\d+(?:\.\d+)?", how="number"),
    "z": Placeholder(r"-?\d+(?:\.\d+)?", how="number"),
    "cmp": Placeholder(r">|≤"),
    "counts": Placeholder(r".+", kind="wave-count", how="list"),
    "reason": Placeholder(r".+", how="reason"),
    "deadline": Placeholder(kind="deadline", how="fragment"),
    "lead": Placeholder(kind="lead", how="fragment"),
    "window": Placeholder(kind="window", how="fragment"),
    "migration": Placeholder(kind="migration", how="fragment"),
    "crqc": Placeholder(kind="crqc", how="fragment"),
    "inequality": Placeholder(kind="inequality", how="fragment"),
    "span": Placeholder(kind="span", how="fragment"),
}


def reason(key: str, **values: object) -> str:
    """The English text of one reason or fragment."""
    return _english(key).format(**values)


@cache
def _english(key: str) -> str:
    """A template's English text, looked up once per key (a finding has about ten reasons)."""
    return TEMPLATES[key].en


def placeholders(text: str) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(text) if name]


def _pattern(key: str, named: bool) -> str:
    out = []
    for literal, name, _, _ in Formatter().parse(TEMPLATES[key].en):
        out.append(re.escape(literal))
        if not name:
            continue
        spec = PLACEHOLDERS[name]
        body = spec.pattern or _kind_pattern(spec.kind)
        out.append(f"(?P<{name}>{body})" if named else f"(?:{body})")
    return "".join(out)


@cache
def _kind_pattern(kind: str) -> str:
    return "|".join(f"(?:{_pattern(k, False)})" for k, t in TEMPLATES.items() if t.kind == kind)


@cache
def _compiled(kind: str) -> list[tuple[str, re.Pattern[str]]]:
    keys = [k for k, t in TEMPLATES.items() if t.kind == kind]
    return [(k, re.compile(_pattern(k, True))) for k in keys]


def _number(value: str, lang: str) -> str:
    decimals = len(value.partition(".")[2])
    return Translator(lang).number(float(value), decimals)


def _term(section: str, value: str, lang: str) -> str:
    return strings(lang).get(f"{section}.{value}", value)


def _title(rule_id: str, title: str, lang: str) -> str:
    from qscan.assess.rules import rule_by_id

    rule = rule_by_id(rule_id)
    return rule.text(lang)[0] if rule is not None and rule.title == title else title


def _fill(kind: str, text: str, lang: str) -> str | None:
    for key, regex in _compiled(kind):
        match = regex.fullmatch(text)
        if match is None:
            continue
        values = match.groupdict()
        out = {}
        for name, value in values.items():
            spec = PLACEHOLDERS[name]
            if spec.how == "number":
                out[name] = _number(value, lang)
            elif spec.how.startswith("term:"):
                out[name] = _term(spec.how[5:], value, lang)
            elif spec.how == "fragment":
                out[name] = _fill(spec.kind, value, lang) or value
            elif spec.how == "list":
                out[name] = ", ".join(
                    _fill(spec.kind, item, lang) or item for item in value.split(", ")
                )
            elif spec.how == "reason":
                out[name] = translate(value, lang)
            elif spec.how == "title":
                out[name] = _title(values.get("rule") or "", value, lang)
            else:
                out[name] = value
        return TEMPLATES[key].text(lang).format(**out)
    return None


@cache
def translate(text: str, lang: str) -> str:
    """One stored (English) reason in `lang`; unchanged when no template matches."""
    if lang == "en":
        return text
    return _fill("reason", text, lang) or text
