"""Hostile strings a page controls (cookie names and values, storage, URLs, its title) are recorded
verbatim in findings.json and shown as inert text in report.html, opened in a real browser."""

from __future__ import annotations

from pathlib import Path

from pixelaudit.report.html import write

HOSTILE = "https://hostile.pixel-lab.com/"


def test_hostile_page_is_recorded_verbatim_and_rendered_inert(scan, page, tmp_path: Path):
    result = scan(HOSTILE)
    cookies = {c["name"]: c["value"] for c in result["cookies"]}  # a cookie name ends at its first "="
    assert cookies["<script>window.__pwned"] == '2</script>="><img src=x onerror=window.__pwned=3>'
    assert any(s["key"] == '"><svg onload=window.__pwned=4>' for s in result["storage"])
    assert any("<script>window.__pwned=6</script>" in r["url"] or "%3Cscript%3E" in r["url"]
               for r in result["requests"] if r["host"] == "tracker.adnet-example.com")
    assert result["pages"][0]["title"] == "</title><script>window.__pwned=1</script>"

    (report,) = write(result, tmp_path)
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(report.as_uri())
    assert page.evaluate("window.__pwned") is None and dialogs == [] and errors == []
    assert page.locator("script, img").count() == 0
    # the only SVG is the report's own request timeline; the page's "<svg onload=…>" stayed text
    assert page.locator("svg").count() == page.locator("figure.timeline > svg").count() >= 1
    assert page.locator("svg[onload], svg svg").count() == 0
    text = page.inner_text("body")
    assert "<script>window.__pwned" in text and "</title><script>window.__pwned=1</script>" in text
