"""Layout of an estate-sized HTML report in headless Chromium, at 1280 and 1920 px and in
both languages: nothing overflows sideways, no chart label is clipped or hidden under another
label or a bubble, tables stay readable (no column squeezed to a few characters), the
certificate table pages and says why a row is broken or vulnerable; printed to PDF, the page
count is sane and every section header is there."""

from __future__ import annotations

import asyncio
import io
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from qscan.i18n import Translator
from qscan.model import SCOPES, scope_of
from qscan.render import RENDERERS, RenderOptions
from tests.render.chromium_cdp import chromium_page, find_chromium
from tests.render.estate_report import estate_inventory

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.needs_chromium,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]
WIDTHS = (1280, 1920)
MIN_COLUMN_PX = 64
"""Narrower than this a column shows a few characters per line."""
MAX_PDF_PAGES = 40

LAYOUT = """(() => {
  const vw = document.documentElement.clientWidth, out = {};
  out.overflow = document.documentElement.scrollWidth - vw;
  out.wide = Array.from(document.querySelectorAll("body *"))
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > vw + 1)
    .slice(0, 5).map(e => e.tagName + "." + e.className + ": " + (e.textContent || "").slice(0, 60));
  const box = b => ({l: b.x, t: b.y, r: b.x + b.width, b: b.y + b.height});
  const meet = (a, b) => a.l < b.r - 1 && b.l < a.r - 1 && a.t < b.b - 1 && b.t < a.b - 1;
  out.clipped = []; out.overlaps = [];
  document.querySelectorAll("svg.chart").forEach(svg => {
    const vb = svg.viewBox.baseVal, label = svg.getAttribute("aria-label");
    const texts = Array.from(svg.querySelectorAll("text")).map(t => [t.textContent, box(t.getBBox())]);
    texts.forEach(([s, b]) => {
      if (b.l < vb.x - 0.5 || b.t < vb.y - 0.5 || b.r > vb.x + vb.width + 0.5 || b.b > vb.y + vb.height + 0.5)
        out.clipped.push(label + ": " + s);
    });
    texts.forEach(([s, a], i) => texts.slice(i + 1).forEach(([u, b]) => {
      if (meet(a, b)) out.overlaps.push(label + ": " + s + " / " + u);
    }));
    svg.querySelectorAll("circle[data-mark]").forEach(c => {
      const cb = box(c.getBBox());
      texts.forEach(([s, b]) => { if (meet(cb, b)) out.overlaps.push(label + ": " + s + " under a bubble"); });
    });
  });
  out.narrow = [];
  document.querySelectorAll("main table").forEach(table => {
    const head = table.closest("section") ? table.closest("section").id : "";
    Array.from(table.querySelectorAll("thead th")).forEach(th => {
      if (th.getClientRects().length && th.getBoundingClientRect().width < MIN_COLUMN_PX)
        out.narrow.push(head + ": " + th.textContent + " " + Math.round(th.getBoundingClientRect().width) + "px");
    });
  });
  const certs = document.querySelector("#certificates table");
  const rows = certs ? Array.from(certs.querySelectorAll("tbody tr")) : [];
  out.certRows = rows.length;
  out.certShown = rows.filter(r => r.getClientRects().length).length;
  out.certPager = !!document.querySelector("#certificates .pager");
  out.reasons = rows.filter(r => r.getClientRects().length)
    .map(r => [r.dataset.status, (r.querySelector("td.reason") || {}).textContent || ""]);
  return out;
})()""".replace("MIN_COLUMN_PX", str(MIN_COLUMN_PX))


@pytest.fixture(scope="module")
def estate(tmp_path_factory):
    return estate_inventory(tmp_path_factory.mktemp("estate"))


def _page_text(pdf: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFKC", text)  # "ﬁ" ligatures -> "fi"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_estate_report_layout_and_print(tmp_path, estate, lang):
    path = tmp_path / f"report-{lang}.html"
    path.write_text(RENDERERS["html"](estate, RenderOptions(lang=lang)), encoding="utf-8")

    async def run() -> None:
        assert CHROMIUM is not None
        async with chromium_page(CHROMIUM) as page:
            await page.open(path.as_uri(), width=WIDTHS[0])
            for width in WIDTHS:
                await page.resize(width)
                await asyncio.sleep(0.2)
                found = await page.evaluate(LAYOUT)
                where = f"{lang} at {width}px"
                assert found["overflow"] <= 0, (where, found["wide"])
                assert found["clipped"] == [], (where, found["clipped"])
                assert found["overlaps"] == [], (where, found["overlaps"])
                assert found["narrow"] == [], (where, found["narrow"])
                assert found["certRows"] > 150 and found["certPager"]
                assert 0 < found["certShown"] <= 50
                broken = [r for s, r in found["reasons"] if s != "quantum-safe"]
                assert broken and all(r.strip() for r in broken), found["reasons"][:5]
            # the material-scope filter of the findings table keeps the findings of that scope
            scopes = Counter(scope_of(f) for f in estate.findings)
            assert len(scopes) > 1
            other = next(s for s in SCOPES if s != "production" and scopes[s])
            await page.evaluate(
                "(() => { const e = document.querySelector('select[data-filter=scope]');"
                f" e.value = '{SCOPES.index(other)}'; e.dispatchEvent(new Event('change')); }})()"
            )
            status = await page.evaluate("document.getElementById('findings-status').textContent")
            assert status.startswith(Translator(lang).number(scopes[other]) + " "), status
            headers = await page.evaluate(
                "Array.from(document.querySelectorAll('main h2')).map(h => h.textContent.trim())"
            )
            pages, text = _page_text(await page.pdf())
            flat = " ".join(text.split())
            assert 2 <= pages <= MAX_PDF_PAGES, pages
            missing = [
                h for h in headers if " ".join(unicodedata.normalize("NFKC", h).split()) not in flat
            ]
            assert missing == [], missing
            assert page.console_errors() == []

    asyncio.run(run())


def test_layout_measures_catch_overflow(tmp_path):
    """The measurements themselves: a page that overflows and a clipped label are seen."""
    path = tmp_path / "bad.html"
    path.write_text(
        "<!DOCTYPE html><html><body><main><div style='width:3000px'>x</div>"
        '<svg class="chart" viewBox="0 0 100 30" width="100" height="30" aria-label="c">'
        '<text x="-20" y="15">clipped label</text></svg></main></body></html>'
    )

    async def run() -> None:
        assert CHROMIUM is not None
        async with chromium_page(CHROMIUM) as page:
            await page.open(Path(path).as_uri(), width=1280)
            found = await page.evaluate(LAYOUT)
            assert found["overflow"] > 0 and found["clipped"] == ["c: clipped label"]

    asyncio.run(run())
