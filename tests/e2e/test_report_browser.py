"""The HTML report in a real browser (pytest-playwright): hostile strings stay text, nothing runs,
no console errors, no broken layout at 1280 px or in print."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pixelaudit.report.html import write

SAMPLE = Path(__file__).parent.parent / "data" / "sample-findings.json"


@pytest.fixture
def report_url(tmp_path) -> str:
    result = json.loads(SAMPLE.read_text())
    pixel = next(r for r in result["requests"] if r["pixel"])  # pixels are listed with their URLs
    pixel["url"] = 'https://x.example/?q="><script>window.__pwned=1</script>'
    result["cookies"][0]["name"] = '"><img src=x onerror="window.__pwned=2">'
    (path,) = write(result, tmp_path)
    return path.as_uri()


def test_report_is_inert_and_clean(page, report_url):
    errors, dialogs = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(report_url)
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert errors == []
    assert page.locator("script").count() == 0
    body = page.inner_text("body")
    assert '"><script>window.__pwned=1</script>' in body  # shown as text
    assert '"><img src=x onerror="window.__pwned=2">' in body
    assert requests == [report_url]  # self-contained: nothing else is fetched
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"horizontal overflow: {width}px"
    page.emulate_media(media="print")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert page.screenshot(full_page=True)
