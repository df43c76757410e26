"""The Dutch reports are Dutch throughout: fixed texts from reports/i18n, components, context
labels, error kinds, scenario labels and certificate roles translated; dates, numbers and
plurals formatted for the language (Babel); the reviewed wording kept."""

from __future__ import annotations

import html
import re
from pathlib import Path

import yaml

from qscan.i18n import Translator
from qscan.render import RENDERERS, RenderOptions

ROOT = Path(__file__).resolve().parents[2]


def _visible(page: str) -> str:
    """The page's text without the embedded findings data and script."""
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_dutch_html_translates_components_labels_and_error_kinds(inventory):
    text = _visible(RENDERERS["html"](inventory, RenderOptions(lang="nl")))
    assert "publieke sleutel van het certificaat" in text
    assert "certificate public key" not in text and "certificate chain" not in text
    assert "geldig tot" in text  # the not_after context field of a certificate finding
    assert "time-out" in text and "onleesbaar" in text  # error kinds
    assert "timeout" not in text.replace("time-out", "")


def test_dates_and_numbers_follow_the_language(inventory):
    nl = _visible(RENDERERS["html"](inventory, RenderOptions(lang="nl")))
    en = _visible(RENDERERS["html"](inventory, RenderOptions(lang="en")))
    assert "20 nov 2026 10:00:00 UTC" in nl.replace(",", "")
    assert "Nov 20, 2026" in en
    assert "2026-11-20T10:00:00" not in nl and "2026-11-20T10:00:00" not in en
    assert "1 jan 2033" in nl  # a certificate's validity, as a date
    t = Translator("nl")
    assert (t.number(19662), t.number(1656), t.percent(0.256)) == ("19.662", "1.656", "26%")
    assert Translator("en").number(19662) == "19,662"


def test_plural_forms():
    nl, en = Translator("nl"), Translator("en")
    assert nl.count("findings", 1) == "1 bevinding" and nl.count("findings", 2) == "2 bevindingen"
    assert en.count("targets", 1) == "1 scan target" and en.count("targets", 3) == "3 scan targets"
    assert nl.plural("meta.targets", 15) == "15 scandoelen"
    assert nl.points(0.08) == "+8 procentpunt" and en.points(-0.125) == "−12.5 pt"


def test_markdown_is_dutch(inventory):
    md = RENDERERS["md"](inventory, RenderOptions(lang="nl")).replace("\\", "")
    assert "20 nov 2026" in md and "2026-11-20T10:00:00" not in md
    assert "keys/id_rsa (PEM-privésleutel)" in md  # the asset, its component in Dutch
    assert "time-out" in md


def test_reviewed_wording():
    nl = (ROOT / "reports" / "i18n" / "nl.yaml").read_text(encoding="utf-8")
    assert not re.search(r"\bdoel(en)?\b", nl), "scandoel, not doel"
    assert "over tijd" not in nl and "te laat" not in nl, "achterstallig, not over tijd"
    rules = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "rules").rglob("*.yaml"))
    assert not re.search(r"Geef (nu )?opnieuw uit", rules), "laat opnieuw uitgeven"
    assert "achterstallig" in nl and "scandoel" in nl


def test_glossary_covers_the_reviewed_terms():
    glossary = (ROOT / "docs" / "glossary-nl.md").read_text(encoding="utf-8")
    for term in ("scandoel", "achterstallig", "opnieuw laten uitgeven", "kwantumgereed", "golf"):
        assert term in glossary


def test_scenario_labels_are_translated():
    from qscan.assess.scenario import get_scenario, label_text

    early = get_scenario("early")
    assert label_text(early.label, "nl").startswith("CRQC in 2030 (vroeg")
    assert label_text(get_scenario(crqc_year=2031).label, "nl") == "CRQC in 2031 (eigen keuze)"
    assert label_text("something else", "nl") == "something else"
    data = yaml.safe_load((ROOT / "rules" / "scenarios.yaml").read_text(encoding="utf-8"))
    assert all("nl" in s for s in data["scenarios"].values())


DUTCH = re.compile(
    r"\b(een|het|niet|bevinding(en)?|kwestie(s)?|kwantum\w*|geldig|termijn|sleutel|golf|"
    r"beleid|jaar|gebroken|handtekening|opgegeven|aangenomen|migreren|scandoel(en)?)\b",
    re.IGNORECASE,
)


def test_no_dutch_in_python_code():
    """Every Dutch text comes from reports/i18n (or the `nl:` blocks of rules/): the Python
    code holds none (docstrings aside, which may quote an example)."""
    import ast

    found = []
    for path in sorted((ROOT / "qscan").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and DUTCH.search(node.value)
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
    assert found == []


def _with_record_texts(inventory):
    """The sample inventory with an error, a note and a finding whose fixed texts carry
    their message keys, as the scanners write them."""
    from qscan.model import ScanError, ScanNote, text_key

    locked = text_key("pkcs12.locked", n=0)
    inventory.errors.append(
        ScanError(
            target="pki",
            kind="locked-keystore",
            message="line 3: " + Translator("en").text(locked, ""),
            path="vault.p12",
            line=3,
            texts={"message": text_key("at-line", line=3, message=locked)},
        )
    )
    inventory.notes.append(
        ScanNote(
            target="pki/www.pem",
            kind="duplicate-target",
            message="the same as pki/www.pem: scanned once",
            texts={"message": text_key("target.duplicate", first="pki/www.pem")},
        )
    )
    finding = inventory.findings[0]
    said = text_key("cert.signature", subject="CN=www.example", signature="RSA with SHA-256")
    finding.evidence = "CN=www.example: signed with RSA with SHA-256"
    finding.texts = {"evidence": said}
    return inventory


def test_dutch_reports_say_scan_record_texts_in_dutch(inventory):
    inventory = _with_record_texts(inventory)
    nl = _visible(RENDERERS["html"](inventory, RenderOptions(lang="nl")))
    page = RENDERERS["html"](inventory, RenderOptions(lang="nl"))
    assert "regel 3: PKCS#12-keystore kon niet worden geopend" in nl
    assert "could not be opened" not in nl
    assert "CN=www.example: ondertekend met RSA met SHA-256" in html.unescape(page)
    assert "signed with RSA with SHA-256" not in html.unescape(page)
    md = RENDERERS["md"](inventory, RenderOptions(lang="nl")).replace("\\", "")
    assert "regel 3: PKCS#12-keystore kon niet worden geopend" in md
    en = _visible(RENDERERS["html"](inventory, RenderOptions(lang="en")))
    assert "line 3: PKCS#12 keystore could not be opened" in en
    assert inventory.errors[-1].message.startswith("line 3: PKCS#12 keystore")  # not touched
