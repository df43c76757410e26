"""Rule packs (rules/packs/*.yaml) and matching a finding against them.

A rule's `match` holds conditions that must all hold:
  algorithm / family / quantum / primitive / function / asset: a value or a list of values
    (family, quantum and primitive come from the catalog entry of the finding's algorithm);
  component: a regular expression searched in location.component;
  params / context: {key: condition}, where a condition is a value, a list of values, or
    an operator map {lt, le, gt, ge, eq, ne, in, not_in, exists};
  classical_bits: an operator map against the catalog strength of the finding.
Among the matching rules the one with the highest (precedence, severity, specificity) wins;
`policies` restricts a rule to those policy ids. `status: from-algorithm` takes the status
from the catalog's quantum standing of the finding's algorithm (used by hygiene rules).

A rule may name its fix for what the finding says about the software, in `fixes`: a list
of `{when: {<match conditions>}, fix: ..., nl: {fix: ...}}`; the first variant whose `when`
holds replaces the rule's fix for that finding (`Rule.fix_for`). A fix may name facts of the
finding with placeholders `{context.KEY}` and `{params.KEY}` (e.g. "This server runs OpenSSH
{context.openssh_version}"), filled when the verdict is made.

Translations are data next to the English text, under a language code: a rule may hold
`nl: {title: ..., why: ..., fix: ...}` (only those keys). The same convention holds in the
policies (rules/policies/*.yaml): a deadline `{date, note, nl: {note: ...}}` and a
milestone `{date, label, nl: {label: ...}}`. Renderers ask `rule_text(rule_id, lang)`
(and `qscan.assess.policy.note_text` / `milestone_label`); any missing text falls back to
English. The inventory JSON always keeps English: it is the interchange format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.catalog import Catalog, catalog
from qscan.configfile import ConfigError, line_of, load_yaml
from qscan.i18n import LANGUAGES
from qscan.model import SEVERITIES, STATUSES, Finding, severity_rank
from qscan.resources import rules_dir

_CATALOG_KEYS = ("family", "quantum", "primitive")
_FINDING_KEYS = ("algorithm", "function", "asset")
FROM_ALGORITHM = "from-algorithm"
_OPS = {"lt", "le", "gt", "ge", "eq", "ne", "in", "not_in", "exists"}
_MATCH_KEYS = frozenset({*_FINDING_KEYS, *_CATALOG_KEYS, "component", "classical_bits"}) | {
    "params",
    "context",
}
TRANSLATED_KEYS = ("title", "why", "fix")
_PLACEHOLDER = re.compile(r"\{(context|params)\.([A-Za-z0-9_]+)\}")
UNKNOWN_FACT = "(not observed)"


class RuleError(ValueError):
    """A rule pack that does not follow the format."""


@dataclass(frozen=True)
class FixVariant:
    """A fix for the findings that meet `when` (match conditions), with its translations."""

    when: dict[str, Any]
    fix: str
    translations: dict[str, str] = field(default_factory=dict)
    """{lang: fix} for the languages other than English."""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    status: str
    why: str
    fix: str
    references: tuple[str, ...] = ()
    deadline: str | None = None
    policies: tuple[str, ...] = ()
    precedence: int = 0
    match: dict[str, Any] = field(default_factory=dict)
    area: str = ""
    example: str = ""
    pack: str = ""
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    """{lang: {title, why, fix}} for the languages other than English."""
    fixes: tuple[FixVariant, ...] = ()

    def text(self, lang: str = "en") -> tuple[str, str, str]:
        """(title, why, fix) in `lang`, each falling back to English; the fix is the rule's
        general one, with its placeholders unfilled (see `fix_for`)."""
        own = self.translations.get(lang, {})
        return (
            own.get("title", self.title),
            own.get("why", self.why),
            own.get("fix", self.fix),
        )

    def fix_for(self, finding: Finding, lang: str = "en") -> str:
        """The fix for this finding in `lang`: the first variant whose `when` holds, else the
        rule's fix, with the placeholders filled from the finding."""
        cat = catalog()
        variant = next(
            (v for v in self.fixes if all(_check(k, c, finding, cat) for k, c in v.when.items())),
            None,
        )
        if variant is not None:
            text = variant.translations.get(lang, variant.fix)
        else:
            text = self.translations.get(lang, {}).get("fix", self.fix)
        return fill(text, finding)

    @property
    def specificity(self) -> int:
        return sum(len(v) if isinstance(v, dict) else 1 for v in self.match.values())

    def applies_to_policy(self, policy: str) -> bool:
        return not self.policies or policy in self.policies

    def matches(self, finding: Finding, cat: Catalog) -> bool:
        return all(_check(key, cond, finding, cat) for key, cond in self.match.items())


def _check(key: str, cond: Any, finding: Finding, cat: Catalog) -> bool:
    if key in _FINDING_KEYS:
        return _value_ok(getattr(finding, key), cond)
    if key in _CATALOG_KEYS:
        alg = cat.get(finding.algorithm)
        return _value_ok(getattr(alg, key) if alg else None, cond)
    if key == "component":
        return re.search(cond, finding.location.component or "") is not None
    if key == "classical_bits":
        return _value_ok(cat.classical_bits(finding.algorithm, finding.params), cond)
    if key in ("params", "context"):
        source = finding.params if key == "params" else finding.context
        return all(_value_ok(source.get(k), c, present=k in source) for k, c in cond.items())
    raise RuleError(f"unknown match key {key!r}")


def fill(text: str, finding: Finding) -> str:
    """The text with `{context.KEY}` / `{params.KEY}` replaced by the finding's values."""
    if "{" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        source = finding.context if match[1] == "context" else finding.params
        found = source.get(match[2])
        return UNKNOWN_FACT if found is None or found == "" else str(found)

    return _PLACEHOLDER.sub(value, text)


def _value_ok(value: Any, cond: Any, present: bool = True) -> bool:
    if isinstance(cond, dict):
        return all(_op(op, value, arg, present) for op, arg in cond.items())
    if isinstance(cond, list):
        return value in cond
    return value == cond


def _op(op: str, value: Any, arg: Any, present: bool) -> bool:
    if op == "exists":
        return present == bool(arg)
    if op == "in":
        return value in arg
    if op == "not_in":
        return value not in arg
    if op == "eq":
        return value == arg
    if op == "ne":
        return value != arg
    if value is None:
        return False
    try:
        return {
            "lt": value < arg,
            "le": value <= arg,
            "gt": value > arg,
            "ge": value >= arg,
        }[op]
    except TypeError:
        return False


def _parse_rule(raw: dict[str, Any], pack: str) -> Rule:
    missing = {"id", "title", "severity", "status", "why", "fix"} - raw.keys()
    if missing:
        raise RuleError(f"{pack}: rule {raw.get('id', '?')} lacks {sorted(missing)}")
    if raw["severity"] not in SEVERITIES:
        raise RuleError(f"{pack}: rule {raw['id']} has severity {raw['severity']!r}")
    if raw["status"] not in (*STATUSES, FROM_ALGORITHM):
        raise RuleError(f"{pack}: rule {raw['id']} has status {raw['status']!r}")
    _check_match(raw.get("match") or {}, f"{pack}: rule {raw['id']}")
    return Rule(
        translations=_parse_translations(raw, pack),
        id=raw["id"],
        title=raw["title"].strip(),
        severity=raw["severity"],
        status=raw["status"],
        why=" ".join(raw["why"].split()),
        fix=" ".join(raw["fix"].split()),
        references=tuple(raw.get("references") or ()),
        deadline=raw.get("deadline"),
        policies=tuple(raw.get("policies") or ()),
        precedence=int(raw.get("precedence", 0)),
        match=dict(raw.get("match") or {}),
        area=raw.get("area", ""),
        example=(raw.get("example") or "").strip(),
        pack=pack,
        fixes=_parse_fixes(raw, pack),
    )


def _check_match(match: dict[str, Any], where: str) -> None:
    for key, cond in match.items():
        if key not in _MATCH_KEYS:
            raise RuleError(f"{where} matches on unknown key {key!r}")
        if isinstance(cond, dict) and key == "classical_bits" and not set(cond) <= _OPS:
            raise RuleError(f"{where} has a bad operator in {key}")


def _parse_fixes(raw: dict[str, Any], pack: str) -> tuple[FixVariant, ...]:
    out = []
    for n, variant in enumerate(raw.get("fixes") or (), 1):
        where = f"{pack}: rule {raw['id']} fix variant {n}"
        if not isinstance(variant, dict) or not variant.get("when") or not variant.get("fix"):
            raise RuleError(f"{where} needs `when` (match conditions) and `fix`")
        _check_match(variant["when"], where)
        translations = {}
        for lang in LANGUAGES[1:]:
            block = variant.get(lang)
            if block is None:
                continue
            if not isinstance(block, dict) or set(block) != {"fix"}:
                raise RuleError(f"{where} has a bad {lang!r} block (a map with fix)")
            translations[lang] = " ".join(str(block["fix"]).split())
        out.append(
            FixVariant(dict(variant["when"]), " ".join(variant["fix"].split()), translations)
        )
    return tuple(out)


def _parse_translations(raw: dict[str, Any], pack: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES[1:]:
        block = raw.get(lang)
        if block is None:
            continue
        if not isinstance(block, dict) or not set(block) <= set(TRANSLATED_KEYS):
            raise RuleError(
                f"{pack}: rule {raw['id']} has a bad {lang!r} block "
                f"(a map of {', '.join(TRANSLATED_KEYS)})"
            )
        texts = {}
        for key, value in block.items():
            if not isinstance(value, str) or not value.strip():
                raise RuleError(f"{pack}: rule {raw['id']} has an empty {lang}.{key}")
            texts[key] = value.strip() if key == "title" else " ".join(value.split())
        out[lang] = texts
    return out


@cache
def load_rules() -> tuple[Rule, ...]:
    """Every rule of every pack in rules/packs/, in file order; ids must be unique."""
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in sorted((rules_dir() / "packs").glob("*.yaml")):
        try:
            data, root = load_yaml(path, "rule pack")
        except ConfigError as exc:
            raise RuleError(str(exc)) from None
        entries = (data or {}).get("rules", []) if isinstance(data or {}, dict) else None
        if not isinstance(entries, list):
            raise RuleError(f"{path}: expected a mapping with a list under 'rules'")
        for index, raw in enumerate(entries):
            try:
                rule = _parse_rule(raw, path.name)
            except (KeyError, TypeError, AttributeError, ValueError) as exc:
                if isinstance(exc, RuleError):
                    raise
                where = f"{path}:{line_of(root, ['rules', index])}"
                raise RuleError(f"{where}: malformed rule ({type(exc).__name__}: {exc})") from None
            if rule.id in seen:
                raise RuleError(f"rule id {rule.id} in {path.name} already used in {seen[rule.id]}")
            seen[rule.id] = path.name
            rules.append(rule)
    return tuple(rules)


@cache
def _rules_by_id() -> dict[str, Rule]:
    return {r.id: r for r in load_rules()}


def rule_by_id(rule_id: str) -> Rule | None:
    return _rules_by_id().get(rule_id)


def rule_text(rule_id: str, lang: str = "en") -> tuple[str, str, str] | None:
    """(title, why, fix) of a rule in `lang` (English where no translation), None if unknown."""
    rule = rule_by_id(rule_id)
    return rule.text(lang) if rule else None


class RuleIndex:
    """The rules of one policy, ordered by (precedence, severity, specificity) and bucketed
    by algorithm, so that judging a finding tries only its candidates, best first.

    The winner depends only on the finding's algorithm, function, asset, component and the
    params and context keys some rule looks at, so it is memoised on exactly those: an
    estate repeats the same suites, groups and keys thousands of times."""

    def __init__(self, rules: tuple[Rule, ...], policy: str) -> None:
        applicable = [r for r in rules if r.applies_to_policy(policy)]
        ranked = sorted(
            applicable,
            key=lambda r: (r.precedence, severity_rank(r.severity), r.specificity),
            reverse=True,
        )
        self._ranked = ranked
        self._candidates: dict[str, list[Rule]] = {}
        self._winners: dict[tuple[Any, ...], Rule | None] = {}
        # classical_bits reads the key size and curve
        self._param_keys = frozenset(
            {"bits", "curve"} | {k for r in ranked for k in r.match.get("params", {})}
        )
        self._context_keys = frozenset({k for r in ranked for k in r.match.get("context", {})})

    def candidates(self, algorithm: str) -> list[Rule]:
        found = self._candidates.get(algorithm)
        if found is None:
            found = [r for r in self._ranked if _may_match_algorithm(r, algorithm)]
            self._candidates[algorithm] = found
        return found

    def best(self, finding: Finding) -> Rule | None:
        pkeys, ckeys = self._param_keys, self._context_keys
        key = (
            finding.algorithm,
            finding.function,
            finding.asset,
            finding.location.component,
            tuple([(k, v) for k, v in finding.params.items() if k in pkeys]),
            tuple([(k, v) for k, v in finding.context.items() if k in ckeys]),
        )
        try:
            return self._winners[key]
        except KeyError:
            winner = self._match(finding)
            self._winners[key] = winner
            return winner
        except TypeError:  # an unhashable value (a list): judge without the memo
            return self._match(finding)

    def _match(self, finding: Finding) -> Rule | None:
        cat = catalog()
        return next(
            (r for r in self.candidates(finding.algorithm) if r.matches(finding, cat)), None
        )


def _may_match_algorithm(rule: Rule, algorithm: str) -> bool:
    if "algorithm" not in rule.match:
        return True
    return _value_ok(algorithm, rule.match["algorithm"])
