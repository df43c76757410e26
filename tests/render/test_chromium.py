"""The HTML report in a real headless Chromium: no console errors, no network requests, the
filter, grouping and detail rows work, hostile input never runs, 50,000 findings load.

Set QSCAN_UPDATE_SCREENSHOT=1 to refresh docs/report.png from this test.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from qscan.render import RENDERERS, RenderOptions
from tests.render.chromium_cdp import chromium_page, find_chromium

CHROMIUM = find_chromium()
pytestmark = [
    pytest.mark.needs_chromium,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (.ci/system-deps installs it)"
    ),
]
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _write(tmp_path: Path, inventory, lang: str = "en", name: str = "report.html") -> Path:
    path = tmp_path / name
    path.write_text(RENDERERS["html"](inventory, RenderOptions(lang=lang)), encoding="utf-8")
    return path


ROWS = "document.querySelectorAll('#findings-results tr.finding').length"
STATUS = "document.getElementById('findings-status').textContent"


async def _set(page, selector: str, value: str) -> None:
    await page.evaluate(
        f"(() => {{ const e = document.querySelector({selector!r}); e.value = {value!r};"
        " e.dispatchEvent(new Event(e.tagName === 'INPUT' ? 'input' : 'change')); })()"
    )


def test_report_in_chromium(tmp_path, inventory):
    path = _write(tmp_path, inventory)

    async def run() -> None:
        assert CHROMIUM is not None
        async with chromium_page(CHROMIUM) as page:
            await page.open(path.as_uri())
            assert (
                await page.evaluate("document.getElementById('findings-app').dataset.ready")
                == "true"
            )
            assert await page.evaluate("document.getElementById('findings-static')") is None
            assert await page.evaluate(ROWS) == 16
            # search
            await _set(page, "input[data-filter=q]", "messagedigest")
            assert await page.evaluate(ROWS) == 1
            assert await page.evaluate(STATUS) == "1 of 16 findings"
            await _set(page, "input[data-filter=q]", "")
            # severity and status filters
            await _set(page, "select[data-filter=sev]", "0")
            assert await page.evaluate(ROWS) == 2
            await _set(page, "select[data-filter=sev]", "")
            await _set(page, "select[data-filter=st]", "1")
            assert await page.evaluate(ROWS) == 3  # two hybrid key exchanges, the SSH protocol
            await _set(page, "select[data-filter=st]", "")
            # a row opens to why / fix / evidence, hostile text shown as text
            await page.evaluate(
                "Array.from(document.querySelectorAll('#findings-results tr.finding'))"
                ".find(r => r.textContent.includes('QS200')).click()"
            )
            detail = await page.evaluate("document.querySelector('tr.detail').textContent")
            assert "Why" in detail and "Fix" in detail and "Fingerprint" in detail
            await _set(page, "input[data-filter=q]", "evil.example.org")
            await page.evaluate("document.querySelector('#findings-results tr.finding').click()")
            detail = await page.evaluate("document.querySelector('tr.detail').textContent")
            assert "<script>alert(1)</script>" in detail
            assert await page.evaluate("document.querySelectorAll('img').length") == 0
            await _set(page, "input[data-filter=q]", "")
            # sorting by a column header
            await page.evaluate(
                "document.querySelectorAll('#findings-results th.sortable')[2].click()"
            )
            first = await page.evaluate(
                "document.querySelector('#findings-results tr.finding td:nth-child(3)').textContent"
            )
            assert first.startswith("3DES")
            # grouping by rule, a group opens to its rows
            await _set(page, "select[data-filter=group]", "rule")
            groups = await page.evaluate(
                "document.querySelectorAll('#findings-results details.group').length"
            )
            assert groups == len({f.verdict.rule for f in inventory.findings})
            await page.evaluate(
                "const d = document.querySelector('#findings-results details.group'); d.open = true;"
            )
            await asyncio.sleep(0.2)
            assert (
                await page.evaluate(
                    "document.querySelectorAll('#findings-results details.group tr.finding').length"
                )
                >= 1
            )
            # grouping by issue: one group per issue of the inventory (the JSON's issues)
            await _set(page, "select[data-filter=group]", "issue")
            groups = await page.evaluate(
                "document.querySelectorAll('#findings-results details.group').length"
            )
            assert groups == len(inventory.extra["issues"])
            await _set(page, "select[data-filter=group]", "")
            await page.evaluate("window.scrollTo(0, 0)")
            shot = tmp_path / "report.png"
            await page.screenshot(shot)
            assert shot.stat().st_size > 10_000
            if os.environ.get("QSCAN_UPDATE_SCREENSHOT"):
                DOCS.mkdir(exist_ok=True)
                (DOCS / "report.png").write_bytes(shot.read_bytes())
            dialogs = [e for e in page.events if e["method"] == "Page.javascriptDialogOpening"]
            assert dialogs == []
            assert page.console_errors() == []
            assert page.requests() == [path.as_uri()]

    asyncio.run(run())


def test_dutch_report_in_chromium(tmp_path, inventory):
    path = _write(tmp_path, inventory, "nl")

    async def run() -> None:
        assert CHROMIUM is not None
        async with chromium_page(CHROMIUM) as page:
            await page.open(path.as_uri())
            await _set(page, "input[data-filter=q]", "messagedigest")
            assert await page.evaluate(STATUS) == "1 van 16 bevindingen"
            assert page.console_errors() == []

    asyncio.run(run())


@pytest.mark.slow
def test_50k_findings_stay_usable(tmp_path, make_synthetic):
    path = _write(tmp_path, make_synthetic(50_000), name="big.html")

    async def run() -> None:
        assert CHROMIUM is not None
        async with chromium_page(CHROMIUM) as page:
            start = time.monotonic()
            await page.open(path.as_uri())
            loaded = time.monotonic() - start
            assert (
                await page.evaluate("document.getElementById('findings-app').dataset.ready")
                == "true"
            )
            assert loaded < 30, loaded
            assert await page.evaluate(ROWS) == 100  # one page
            start = time.monotonic()
            await _set(page, "input[data-filter=q]", "md5")
            assert (time.monotonic() - start) < 5
            assert await page.evaluate(STATUS) == "6,250 of 50,000 findings"
            await _set(page, "select[data-filter=group]", "place")
            assert (
                await page.evaluate(
                    "document.querySelectorAll('#findings-results details.group').length"
                )
                == 50
            )
            assert page.console_errors() == []
            assert page.requests() == [path.as_uri()]

    asyncio.run(run())
