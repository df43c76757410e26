"""Policy timelines (rules/policies/*.yaml): when each class of use must be migrated.

Deadline notes and milestone labels carry their translations as `nl: {note: ...}` /
`nl: {label: ...}` (the convention of qscan.assess.rules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from qscan.configfile import ConfigError, load_yaml
from qscan.i18n import Translator
from qscan.resources import rules_dir

KEX_FUNCTIONS = ("key-exchange", "kem", "encryption")
VALID_UNTIL = "; valid until {date}, beyond this deadline"
"""Appended (in English, the inventory's language) to a deadline note when a certificate
outlives the deadline; reports translate it with `deadline.valid_until` of reports/i18n."""


class PolicyError(ValueError):
    """An unknown policy id or a malformed policy file."""


@dataclass(frozen=True)
class Deadline:
    date: str | None
    note: str
    translations: dict[str, str] = field(default_factory=dict)
    """{lang: note} for the languages other than English."""


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    source: str
    verified: str
    deadlines: dict[str, Deadline]
    milestones: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-category years (CNSA 2.0 `web-server-cloud: {prefer, exclusive}`, EU `high-risk`),
    matched against an estate system's `cnsa_category` and `eu_risk`."""
    roadmap_row: int | None = None
    """Row of this policy's milestones on the roadmap's timeline (1 first)."""

    def deadline(self, cls: str | None) -> Deadline | None:
        if not cls:
            return None
        return self.deadlines.get(cls)

    def note_text(self, note: str, lang: str = "en") -> str:
        """A verdict's English deadline note (as the engine wrote it, perhaps with the
        VALID_UNTIL suffix) in `lang`; unchanged when no translation matches."""
        if lang == "en" or not note:
            return note
        base, suffix = note, ""
        head, sep, tail = note.partition("; valid until ")
        if sep and tail.endswith(", beyond this deadline"):
            base = head
            date = tail.removesuffix(", beyond this deadline")
            suffix = Translator(lang)("deadline.valid_until", date=date)
        for d in self.deadlines.values():
            if d.note == base and lang in d.translations:
                return d.translations[lang] + suffix
        return note


def roadmap_policies() -> list[Policy]:
    """The policies whose milestones the roadmap's timeline shows, in their row order."""
    shown = [p for p in policies().values() if p.roadmap_row is not None]
    return sorted(shown, key=lambda p: p.roadmap_row or 0)


def milestone_label(milestone: dict[str, Any], lang: str = "en") -> str:
    """A policy milestone's label in `lang` (English where it has none)."""
    own = milestone.get(lang)
    if lang != "en" and isinstance(own, dict) and own.get("label"):
        return str(own["label"])
    return str(milestone.get("label", ""))


def _translations(raw: dict[str, Any], key: str) -> dict[str, str]:
    out = {}
    for lang, block in raw.items():
        if isinstance(block, dict) and set(block) == {key} and isinstance(block[key], str):
            out[lang] = block[key]
        elif isinstance(block, dict):
            raise PolicyError(f"bad translation block {lang!r}: only {{{key}: text}} is allowed")
    return out


@cache
def policies() -> dict[str, Policy]:
    out: dict[str, Policy] = {}
    for path in sorted((rules_dir() / "policies").glob("*.yaml")):
        try:
            raw, _ = load_yaml(path, "policy file")
        except ConfigError as exc:
            raise PolicyError(str(exc)) from None
        try:
            deadlines = {
                k: Deadline(
                    date=str(v["date"]) if v.get("date") else None,
                    note=v["note"],
                    translations=_translations(v, "note"),
                )
                for k, v in raw["deadlines"].items()
            }
            out[raw["id"]] = Policy(
                id=raw["id"],
                name=raw["name"],
                source=raw["source"],
                verified=raw.get("verified", ""),
                deadlines=deadlines,
                milestones=tuple(raw.get("milestones") or ()),
                categories=dict(raw.get("categories") or {}),
                roadmap_row=raw.get("roadmap_row"),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise PolicyError(f"{path.name}: malformed policy ({exc})") from exc
    return out


def get_policy(policy_id: str) -> Policy:
    try:
        return policies()[policy_id]
    except KeyError:
        known = ", ".join(sorted(policies()))
        raise PolicyError(f"unknown policy {policy_id!r} (known: {known})") from None


def deadline_class(
    rule_deadline: str | None, function: str, classical_bits: int | None
) -> str | None:
    """Resolve a rule's `deadline: auto` to kex-112 / kex-128 / sig-112 / sig-128 (by the
    finding's function), and `kex` / `sig` to the strength class of that kind (a rule that
    knows the use better than the function, such as key-agreement keys being generated)."""
    if rule_deadline not in ("auto", "kex", "sig"):
        return rule_deadline
    if rule_deadline == "auto":
        kind = "kex" if function in KEX_FUNCTIONS else "sig"
    else:
        kind = rule_deadline
    strength = "128" if classical_bits is not None and classical_bits >= 128 else "112"
    return f"{kind}-{strength}"
