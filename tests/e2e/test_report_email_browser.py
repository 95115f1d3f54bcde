"""The e-mail reports in a real browser (pytest-playwright): hostile strings from a mail stay text, nothing
runs or loads, the rendering is inlined, no console errors, no overflow at 1280 px or in print."""

from __future__ import annotations

import pytest

from pixelaudit.report.html import write

SUBJECT = '"><script>window.__pwned=1</script> Spring sale'
PIXEL = 'https://t.esp.example/o?u="><img src=x onerror="window.__pwned=2">&e=' + "9" * 180
LONG_ERROR = "not-mime: not an e-mail message: " + "x" * 300


def mail() -> dict:
    """A findings.json for one mail (the fields the page reads) with hostile and very long values."""
    pixel = {"url": PIXEL, "host": "t.esp.example", "site": "esp.example", "party": "third", "tag": "img",
             "media": "screen", "reasons": ["declared 1×1"], "vendor": "Mailchimp", "rule": "mailchimp"}
    click = {"href": "https://c.esp.example/click?r=" + "a" * 300, "text": "</td><b>Shop</b>", "host": "c.esp.example",
             "site": "esp.example", "party": "third", "reason": "generic redirect", "vendor": None, "rule": None,
             "final_url": "https://shop.example/sale"}
    return {
        "kind": "email", "target": "in/news.eml", "complete": True, "live": False, "screenshot": "mail.png",
        "email": {"id": "in/news.eml", "subject": SUBJECT, "from": "news@shop.example", "identities": ["j@x.example"],
                  "platform": {"vendor": "Mailchimp", "rule": "mailchimp", "evidence": ["header x-mailer"]},
                  "attachments": [], "issues": [], "inline_parts": []},
        "pixels": [pixel], "click_tracking": [click], "links": [click], "remote_content": [],
        "leaks": [{"url": PIXEL, "kind": "request", "host": "t.esp.example", "party": "third", "vendor": "Mailchimp",
                   "identity": "j@x.example", "form": "md5", "where": "query:e", "matched": "9" * 32, "via": ""}],
        "recipient_ids": [{"url": PIXEL, "where": "query:e", "value": "9" * 180, "reason": "digits"}],
        "findings": [{"type": "email-open-pixel", "severity": "high", "host": "t.esp.example", "url": PIXEL,
                      "message": SUBJECT, "evidence": {"pixel_index": 0, "count": 1}}],
        "errors": [], "summary": {"pixels": 1, "findings": {"high": 1, "medium": 0, "low": 0, "info": 0}},
    }


def batch() -> dict:
    row = {"mail": "in/" + "long-name-" * 20 + ".eml", "subject": SUBJECT, "from": "news@" + "sub." * 20 + "example",
           "platform": "Salesforce Marketing Cloud Engagement", "pixels": 12, "click_tracking": 140,
           "third_party_remote": 3, "leaks": 2, "leak_forms": ["sha256", "base64-nopad"], "high": 3, "medium": 10,
           "low": 1, "complete": True, "error": None, "dir": "messages/0001-news.eml"}
    bad = {**row, "mail": "in/bad.eml", "subject": None, "pixels": None, "error": LONG_ERROR, "dir": None}
    return {"kind": "email", "batch": True, "target": "in/", "complete": False, "messages": [row, bad],
            "findings": [], "errors": [{"code": "not-mime", "message": LONG_ERROR, "mail": "in/bad.eml"}],
            "summary": {"messages": 2, "unreadable": 1, "findings": {"high": 3}}}


def check(page, url: str) -> str:
    errors, dialogs, requests = [], [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert errors == []
    assert page.locator("script").count() == 0
    assert [r for r in requests if not r.startswith("data:")] == [url]  # self-contained
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, f"horizontal overflow in {media}: {width}px"
    return page.inner_text("body")


@pytest.fixture
def mail_url(page, tmp_path) -> str:
    page.set_content("<body style='margin:0;background:#fc0'><h1>The mail</h1></body>")
    (tmp_path / "mail.png").write_bytes(page.screenshot(full_page=True))
    (path,) = write(mail(), tmp_path)
    return path.as_uri()


def test_mail_report_is_inert_clean_and_shows_the_rendering(page, mail_url):
    body = check(page, mail_url)
    assert SUBJECT in body and PIXEL in body and "</td><b>Shop</b>" in body  # shown as text
    shot = page.locator("img.shot")
    assert shot.evaluate("img => img.complete && img.naturalWidth > 0") is True


def test_batch_report_is_inert_clean_and_links_messages(page, tmp_path):
    (path,) = write(batch(), tmp_path)
    body = check(page, path.as_uri())
    assert SUBJECT in body and LONG_ERROR in body
    assert page.locator("a.row").evaluate_all("links => links.map(a => a.getAttribute('href'))") == [
        "messages/0001-news.eml/report.html"]
