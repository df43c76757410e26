"""Auditor HTML report: escaping, languages, views, estate and history sections, scale."""

from __future__ import annotations

import html.parser
import json
import re
import string

import pytest

from qscan.assess.gate import GateConfig, apply_gate
from qscan.assess.waivers import parse_waivers
from qscan.i18n import LANGUAGES, strings
from qscan.render import RENDERERS, RenderOptions
from qscan.render.html import json_for_script
from tests.render.dom import parse
from tests.render.report_samples import HOSTILE


def render(inventory, lang: str = "en") -> str:
    return RENDERERS["html"](inventory, RenderOptions(lang=lang))


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def _parse(page: str) -> _Collector:
    parser = _Collector()
    parser.feed(page)
    return parser


def test_hostile_input_is_escaped_everywhere(inventory):
    page = render(inventory)
    assert HOSTILE not in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text
    parsed = _parse(page)
    tags = [t for t, _ in parsed.tags]
    assert "img" not in tags
    assert tags.count("script") == 2  # the JSON data block and the one inline script
    for _, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs)
    # the JSON block holds the hostile text, but only as \u escapes
    data = page.split('<script id="qscan-data" type="application/json">', 1)[1].split(
        "</script>", 1
    )[0]
    assert "<" not in data and ">" not in data and "&" not in data
    contexts = [json.loads(x) for x in json.loads(data)["s"] if x.startswith("{")]
    assert any(HOSTILE in str(c.get("subject")) for c in contexts)


def test_json_for_script_never_closes_the_element():
    text = str(json_for_script({"a": "</script><!-- & \u2028"}))
    assert "</" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_self_contained_with_hash_csp(inventory):
    page = render(inventory)
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), (tag, value)
    csp = next(
        a["content"]
        for t, a in parsed.tags
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert "@media print" in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_fixed_text_is_translated(inventory, lang):
    page = render(inventory, lang)
    assert f'<html lang="{lang}">' in page
    own = strings(lang)
    for key in ("title", "summary.heading", "nav.endpoints", "certs.intro", "legend.heading"):
        assert own[key] in page.replace("&#39;", "'")


def test_language_files_match():
    en, nl = strings("en"), strings("nl")
    assert set(en) == set(nl)
    fields = string.Formatter()
    for key in en:
        names = lambda text: sorted(f for _, f, _, _ in fields.parse(text) if f)  # noqa: E731
        assert names(en[key]) == names(nl[key]), key
    letters = lambda text: re.sub(r"[^A-Za-z]", "", re.sub(r"\{\w+\}", "", text))  # noqa: E731
    same = [k for k in en if en[k] == nl[k] and len(letters(en[k])) > 10]
    assert same == [], f"untranslated: {same}"


def test_dutch_report_has_no_english_headings(inventory):
    page = render(inventory, "nl")
    for english in (
        "Executive summary",
        "Top risks",
        "Scan scope",
        "What the statuses mean",
        "Certificates",
    ):
        assert english not in page
    assert "Managementsamenvatting" in page and "kwantumkwetsbaar" in page


def test_views(inventory):
    page = render(inventory)
    # endpoints: one row each, readiness from the scanner summary or derived from verdicts
    endpoints = page.split('id="endpoints"', 1)[1].split("</section>", 1)[0]
    assert endpoints.count("<code>tls://portal.example.org:443</code>") == 1
    assert "ready-pq-preferred" in page  # portal (summary) and git (SSH summary)
    assert "ready-classical" in page  # legacy: derived, ECDH only
    assert "derived from the findings" in page
    # certificates: validity beyond the 2030 deadline, chain link to the issuing CA
    assert "valid beyond the deadline" in page
    assert 'href="#cert-bbbbbbbbbbbbbbbb"' in page and 'id="cert-bbbbbbbbbbbbbbbb"' in page
    # code grouped by file
    assert "src/weird &#34;name&#34; &lt;b&gt;.java" in page
    # errors listed, never hidden
    assert "no answer within 10 s" in page


def test_estate_and_history_sections(inventory, plain_inventory):
    page = render(inventory)
    assert "By organisation" in page and "By system" in page and "Legacy CRM (team-crm)" in page
    assert "Since the last scan" in page and "Quantum readiness over time" in page
    assert "Oct 20, 2026, 10:00:00\u202fAM UTC" in page  # the previous scan, localised
    card = parse(page).find("div", **{"data-card": "out-of-scope"})
    assert card.text == "14out of scope"  # the number in <b>, the label after it
    assert "both scans covered: 25% → 35% (+10 pt)" in page
    assert "Not scanned again: /srv/legacy-crm (14 findings)" in page
    dutch = render(inventory, "nl")
    assert "buiten de reikwijdte" in dutch and "Niet opnieuw gescand: /srv/legacy-crm" in dutch
    assert "25% → 35% (+10 procentpunt)" in dutch
    for f in plain_inventory.findings:
        for key in ("organisation", "system", "owner"):
            f.context.pop(key, None)
    plain = render(plain_inventory)
    assert "By organisation" not in plain and "Since the last scan" not in plain


def test_gate_section(inventory):
    waivers = parse_waivers(
        [
            {
                "rule": "QS500",
                "justification": "<b>old</b>",
                "owner": "team-web",
                "expires": "2020-01-01",
            }
        ]
    )
    apply_gate(inventory, GateConfig(fail_on="high", waivers=waivers))
    page = render(inventory)
    assert "Failed (exit code 1)" in page and "Expired waivers" in page
    assert "&lt;b&gt;old&lt;/b&gt;" in page and "<b>old</b>" not in page


def test_scale_50k_groups_and_pages(make_synthetic):
    inv = make_synthetic(50_000)
    page = render(inv)
    size = len(page.encode("utf-8"))
    assert size < 25 * 1024 * 1024, size
    # views are capped, the static table shows the most urgent 100 only
    assert page.count('<tr class="finding"') == 0
    static = page.split('id="findings-static"', 1)[1].split("</table>", 1)[0]
    assert static.count("<tr>") == 101
    assert "Showing 500 of" in page
