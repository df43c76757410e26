"""The priority reasons as data: one English and one Dutch template per sentence.

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


@dataclass(frozen=True)
class Template:
    kind: str
    en: str
    nl: str

    def text(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


# kind "reason": a whole entry of Priority.reasons; other kinds are fragments used inside one.
TEMPLATES: dict[str, Template] = {
    "not-assessed": Template("reason", "not assessed", "niet beoordeeld"),
    "safe": Template("reason", "{status} ({rule} {title})", "{status} ({rule} {title})"),
    "policy-deadline": Template(
        "reason", "policy deadline {deadline}", "beleidstermijn {deadline}"
    ),
    "mosca": Template(
        "reason",
        "{lead}; {window}, {migration}, {crqc}: {inequality}",
        "{lead}; {window}, {migration}, {crqc}: {inequality}",
    ),
    "unknown-status": Template(
        "reason",
        "algorithm not recognised: weighted as half as urgent until identified",
        "algoritme niet herkend: weegt half zo zwaar mee totdat het is vastgesteld",
    ),
    "deadline-first": Template(
        "reason",
        "policy deadline {deadline} comes first",
        "beleidstermijn {deadline} ligt eerder en is leidend",
    ),
    "at-risk": Template(
        "reason",
        "already at risk: migration should have started (Mosca)",
        "nu al risico: de migratie had al moeten beginnen (Mosca)",
    ),
    "start-by": Template(
        "reason",
        "start migrating by {year} at the latest",
        "uiterlijk in {year} met de migratie beginnen",
    ),
    "exposure-estate": Template(
        "reason", "{exposure} exposure (estate)", "blootstelling: {exposure} (opgegeven)"
    ),
    "exposure-endpoint": Template(
        "reason",
        "network endpoint, {exposure} exposure (assumed)",
        "netwerkendpoint, blootstelling: {exposure} (aangenomen)",
    ),
    "exposure-file": Template(
        "reason",
        "file or repository, {exposure} exposure (assumed)",
        "bestand of repository, blootstelling: {exposure} (aangenomen)",
    ),
    "criticality": Template(
        "reason",
        "criticality {criticality} ({source})",
        "bedrijfskritiek: {criticality} ({source})",
    ),
    "severity": Template("reason", "{severity} severity ({rule})", "ernst: {severity} ({rule})"),
    "informational": Template(
        "reason",
        "informational ({rule} {title}): not part of the migration priority",
        "ter informatie ({rule} {title}): telt niet mee in de migratieprioriteit",
    ),
    "deadline-driven": Template(
        "reason",
        "not exposed before a CRQC exists: its deadlines set its wave (wave {wave} at the "
        "earliest)",
        "niet blootgesteld zolang er geen CRQC is: de termijnen bepalen de golf (op zijn "
        "vroegst golf {wave})",
    ),
    "trust-store": Template(
        "reason",
        "a root held in a trust store, not operated here: its deadlines set its wave (wave "
        "{wave} at the earliest); keep the store current and add post-quantum roots as their "
        "vendors ship them",
        "een root in een vertrouwensarchief, hier niet beheerd: de termijnen bepalen de golf (op "
        "zijn vroegst golf {wave}); houd het archief actueel en voeg post-quantumroots toe zodra "
        "de leveranciers die uitbrengen",
    ),
    "start-now": Template(
        "reason",
        "start migrating now to be done by {year}",
        "nu met de migratie beginnen om in {year} klaar te zijn",
    ),
    "assumed-cap": Template(
        "reason",
        "x is assumed, so wave {wave} at the earliest; assumed: set {setting} in the estate "
        "to confirm",
        "x is aangenomen, dus op zijn vroegst golf {wave}; aangenomen: zet {setting} in het "
        "estate-bestand om dit te bevestigen",
    ),
    "apart": Template(
        "reason",
        "{scope} material: shown apart, wave {wave} at the earliest, score at most {score}",
        "materiaal ({scope}): apart getoond, op zijn vroegst golf {wave}, score hoogstens {score}",
    ),
    "broken": Template(
        "reason",
        "already broken classically: migrate now",
        "nu al klassiek gebroken: direct migreren",
    ),
    "rollup-count": Template("reason", "{n} issue(s): {counts}", "{n} kwestie(s): {counts}"),
    "rollup-apart": Template(
        "reason",
        "{n} issue(s) in test, documentation or vendored material, not ranked",
        "{n} kwestie(s) in test-, documentatie- of meegeleverd materiaal, niet gerangschikt",
    ),
    "rollup-top-issue": Template(
        "reason",
        "most urgent issue: {rule} {title} — {asset}",
        "urgentste kwestie: {rule} {title} — {asset}",
    ),
    "rollup-top": Template("reason", "most urgent issue: {reason}", "urgentste kwestie: {reason}"),
    "rollup-none": Template("reason", "no findings", "geen bevindingen"),
    "rollup-errors": Template(
        "reason",
        "{n} scan error(s): the picture of this system is incomplete",
        "{n} scanfout(en): het beeld van dit systeem is onvolledig",
    ),
    "wave-count": Template("wave-count", "{n} in wave {wave}", "{n} in golf {wave}"),
    "lead-hndl": Template(
        "lead",
        "harvest now, decrypt later: traffic recorded today can be decrypted later",
        "nu onderscheppen, later ontsleutelen: verkeer dat vandaag wordt opgeslagen, "
        "kan later worden ontsleuteld",
    ),
    "lead-signature": Template(
        "lead",
        "signature: forgeable once a CRQC exists, so it must be replaced before then",
        "handtekening: te vervalsen zodra er een CRQC is, dus vóór die tijd vervangen",
    ),
    "lead-other": Template(
        "lead",
        "quantum-vulnerable {function}: replace it before a CRQC exists",
        "kwantumkwetsbaar ({function}): vervangen voordat er een CRQC is",
    ),
    "window-confidential": Template(
        "window",
        "data must stay confidential {span} ({source})",
        "gegevens moeten {span} vertrouwelijk blijven ({source})",
    ),
    "window-none": Template(
        "window",
        "checked when used, no lasting trust",
        "gecontroleerd bij gebruik, geen blijvend vertrouwen",
    ),
    "window-signatures": Template(
        "window",
        "signatures must stay valid {span} (estate)",
        "handtekeningen moeten {span} geldig blijven (opgegeven)",
    ),
    "window-code-signing": Template(
        "window",
        "code/firmware signing: verifiers keep this key {span} (assumed)",
        "ondertekening van code/firmware: verificateurs vertrouwen deze sleutel {span} "
        "(aangenomen)",
    ),
    "window-certificate": Template(
        "window", "certificate trusted until {date}", "certificaat vertrouwd tot {date}"
    ),
    "window-ca": Template(
        "window",
        "certificate authority trusted until {date}",
        "certificaatautoriteit (CA) vertrouwd tot {date}",
    ),
    "migration": Template(
        "migration", "migration takes {span} ({source})", "migratie duurt {span} ({source})"
    ),
    "crqc": Template(
        "crqc",
        "a CRQC by {year} (scenario {scenario})",
        "een CRQC in {year} (scenario {scenario})",
    ),
    "inequality": Template(
        "inequality", "x + y = {sum} {cmp} z = {z}", "x + y = {sum} {cmp} z = {z}"
    ),
    "span-one": Template("span", "1 year", "1 jaar"),
    "span": Template("span", "{years} years", "{years} jaar"),
    "deadline": Template("deadline", "{date} under {policy}", "{date} volgens {policy}"),
    "deadline-category": Template(
        "deadline",
        "{date} for category {category} under {policy}",
        "{date} voor categorie {category} volgens {policy}",
    ),
}


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
    return TEMPLATES[key].en.format(**values)


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
    return value.replace(".", ",") if lang == "nl" else value


def _term(section: str, value: str, lang: str) -> str:
    from qscan.i18n import strings

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
