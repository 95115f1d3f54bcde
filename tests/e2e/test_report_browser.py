"""The HTML report in a real browser (pytest-playwright): hostile strings stay text, nothing runs, nothing is
fetched, no console errors, no element wider than the page at 1280 px or in print (A4 too), the timeline is
drawn, and a screenshot is taken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pixelaudit.demo.server import PNG_1X1
from pixelaudit.report.html import write

SAMPLE = Path(__file__).parent.parent / "data" / "sample-findings.json"
SCRIPT_URL = "https://x.example/?q=<script>alert(1)</script>"
IMG_COOKIE = '"><img src=x onerror=alert(1)>'
SVG_VENDOR = "<svg onload=alert(1)>"
A4_WIDTH = 794  # px at 96 dpi
WIDEST = """w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def hostile(result: dict, out: Path) -> dict:
    """The sample with hostile strings where a report shows them, a banner and a page screenshot beside it."""
    pixel = next(r for r in result["requests"] if r["pixel"])  # pixels are listed with their URLs
    pixel["url"] = SCRIPT_URL
    result["cookies"][0]["name"] = IMG_COOKIE
    result["requests"][5]["tracker"]["vendor"] = SVG_VENDOR  # the timeline's row label and tooltip
    result["consent"]["clicks"] = [{"scenario": "no-interaction", "clicked": False, "banner_found": True,
                                    "screenshot": "banner-no-interaction.png", "note": IMG_COOKIE}]
    result["pages"][0]["screenshot"] = "evidence/page.png"
    (out / "evidence").mkdir(parents=True)
    (out / "evidence" / "page.png").write_bytes(PNG_1X1)
    (out / "banner-no-interaction.png").write_bytes(PNG_1X1)
    return result


def crawl(pages: int) -> dict:
    """A crawl-shaped result: many pages, a tracker on every other one, a hostile page URL."""
    result = json.loads(SAMPLE.read_text())
    urls = [f"https://www.northwind-shop.com/product/{i}-with-a-rather-long-slug-{'x' * 40}" for i in range(pages)]
    urls[4] = "https://www.northwind-shop.com/p?<script>alert(1)</script>"
    result["pages"] = [{"url": u, "scenario": "no-interaction", "status": 200} for u in urls]
    template = next(r for r in result["requests"] if r["tracker"])
    result["requests"] = [{**template, "index": i, "page_url": u, "time_ms": 500.0 * i} for i, u in enumerate(urls)
                          if i % 2 == 0]
    for f in result["findings"]:
        f["evidence"] = {**f["evidence"], "pages": urls[::2]}
    return result


def open_clean(page, path: Path) -> dict:
    """Open the report and collect what must stay empty: errors, dialogs, requests beyond the file itself."""
    seen = {"errors": [], "dialogs": [], "requests": []}
    page.on("console", lambda msg: seen["errors"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(path.as_uri())
    return seen


def assert_layout(page, width: int) -> None:
    assert page.evaluate(WIDEST, width) == [], f"elements wider than {width}px"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def report(tmp_path) -> Path:
    (path,) = write(hostile(json.loads(SAMPLE.read_text()), tmp_path), tmp_path)
    return path


def test_report_is_inert_clean_and_laid_out(page, report, tmp_path):
    seen = open_clean(page, report)

    assert seen["dialogs"] == [] and seen["errors"] == []
    assert page.locator("script").count() == 0
    assert page.locator("img[src='x']").count() == 0 and page.locator("svg svg").count() == 0
    assert seen["requests"][0] == report.as_uri()
    assert all(url.startswith("data:image/png;base64,") for url in seen["requests"][1:])  # inlined pictures only
    body = page.inner_text("body")
    assert SCRIPT_URL in body and IMG_COOKIE in body  # shown as text
    assert page.get_by_text(SCRIPT_URL).first.is_visible()
    assert page.get_by_text(IMG_COOKIE).first.is_visible()
    assert SVG_VENDOR in page.locator("#timeline ~ figure svg").first.text_content()
    assert page.locator("#figure-1 img").evaluate("img => img.naturalWidth") == 1  # the page screenshot
    assert page.locator("#banner-no-interaction img").count() == 1

    svg = page.locator("figure.timeline svg").first.bounding_box()
    assert svg["width"] > 1000 and svg["height"] > 50  # scaled to the page width
    assert page.locator("figure.timeline rect.mark.before").count() >= 3
    assert_layout(page, 1280)
    shot = tmp_path / "report-1280.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000

    page.emulate_media(media="print")
    assert_layout(page, 1280)
    page.set_viewport_size({"width": A4_WIDTH, "height": 1123})
    assert_layout(page, A4_WIDTH)
    assert page.locator("figure.timeline svg").first.bounding_box()["width"] > 0
    assert page.locator("section.major").first.evaluate("s => getComputedStyle(s).breakBefore") == "page"
    print_shot = tmp_path / "report-print.png"
    page.screenshot(path=str(print_shot), full_page=True)
    assert print_shot.read_bytes()[:4] == b"\x89PNG"
    assert seen["dialogs"] == [] and seen["errors"] == []


def test_crawl_report_of_200_pages_stays_usable(page, tmp_path):
    (path,) = write(crawl(200), tmp_path)
    seen = open_clean(page, path)

    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["requests"] == [path.as_uri()]
    section = page.locator("section:has(#per-page)")
    assert section.locator("td", has_text="100 of 200").count() == 1  # the vendor's page count
    assert "<script>alert(1)</script>" in section.text_content()  # a hostile page URL, as text
    assert page.locator("script").count() == 0
    long_list = section.locator("details:not([open])").first
    assert not long_list.locator("div.url").first.is_visible()  # collapsed on screen
    assert_layout(page, 1280)
    page.emulate_media(media="print")
    assert long_list.locator("div.url").first.is_visible()  # and printed in full
    page.set_viewport_size({"width": A4_WIDTH, "height": 1123})
    assert_layout(page, A4_WIDTH)
