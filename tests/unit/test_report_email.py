"""E-mail reports: the per-message and batch HTML pages (escaping, sections, rows, links, the inlined
rendering) and the e-mail CSVs (columns, rows, formula guard), from small findings.json dicts built here."""

from __future__ import annotations

import base64
import csv
import html as htmllib
import re

import pytest
from markupsafe import escape

from pixelaudit.report import csv as csv_report
from pixelaudit.report import html, html_email

HOSTILE_SUBJECT = "<script>alert('subject')</script> Spring sale"
HOSTILE_URL = 'https://t.esp.example/o?u=1&x="><script>alert(1)</script>'
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def one_mail() -> dict:
    """findings.json for one mail, in the shape pixelaudit.mail.result.mail_to_dict writes."""
    return {
        "schema_version": 1, "kind": "email", "target": "in/news.eml", "complete": True, "live": False,
        "tool": {"name": "pixelaudit", "version": "9.9"}, "browser": {"name": "chromium", "version": "1.2"},
        "started_at": "2024-05-14T13:05:12Z", "finished_at": "2024-05-14T13:05:14Z", "options": {}, "rules": {},
        "email": {
            "id": "in/news.eml", "path": "in/news.eml", "source": "eml", "size": 7102, "subject": HOSTILE_SUBJECT,
            "from": "news@shop.example", "sender_sites": ["shop.example"], "to": ["jane@example.com"],
            "date": "2024-05-14T13:05:12+00:00", "identities": ["jane@example.com"],
            "platform": {"vendor": "Mailchimp", "rule": "mailchimp",
                         "evidence": ["header x-mailer", "DKIM d=mcdlv.net"]},
            "body_type": "text/html", "charset": "utf-8", "declared_charset": "us-ascii", "inline_parts": [],
            "attachments": [{"filename": "<b>invoice</b>.pdf", "content_type": "application/pdf", "size": 125,
                             "disposition": "attachment", "content_id": None, "part": "2"}],
            "issues": [{"level": "warning", "code": "charset-mismatch", "message": "declares us-ascii", "part": "1"}],
        },
        "screenshot": "mail.png",
        "requests": [{"index": 0, "url": HOSTILE_URL, "answered": "stub"}],
        "pixels": [{"url": HOSTILE_URL, "host": "t.esp.example", "site": "esp.example", "party": "third", "tag": "img",
                    "media": "screen", "reasons": ["Mailchimp tracking URL (mailchimp)", "declared 1×1"],
                    "vendor": "Mailchimp", "rule": "mailchimp"}],
        "click_tracking": [{"href": "https://c.esp.example/click?id=7", "text": "Shop now", "host": "c.esp.example",
                            "site": "esp.example", "party": "third", "reason": "Mailchimp click redirect (mailchimp)",
                            "vendor": "Mailchimp", "rule": "mailchimp", "final_url": "https://shop.example/sale"}],
        "links": [{"href": "https://c.esp.example/click?id=7", "text": "Shop now"},
                  {"href": "https://shop.example/unsubscribe", "text": "unsubscribe"}],
        "remote_content": [{"url": "https://cdn.other.example/hero.jpg", "host": "cdn.other.example",
                            "site": "other.example", "party": "third", "resource_type": "image", "media": "screen"}],
        "leaks": [{"url": "https://c.esp.example/click?id=7&e=amFuZUBleGFtcGxlLmNvbQ", "kind": "link",
                   "host": "c.esp.example", "party": "third", "vendor": "Mailchimp", "identity": "jane@example.com",
                   "form": "base64-nopad", "where": "query:e", "matched": "amFuZUBleGFtcGxlLmNvbQ", "via": ""}],
        "recipient_ids": [{"url": HOSTILE_URL, "where": "query:u", "value": "5d2b7e9c4a", "reason": "hex, 10 chars"},
                          {"url": "https://c.esp.example/click?id=7", "where": "query:u", "value": "5d2b7e9c4a",
                           "reason": "hex, 10 chars"}],
        "findings": [
            {"type": "email-remote-content", "severity": "low", "host": "cdn.other.example", "vendor": None,
             "url": "https://cdn.other.example/hero.jpg", "message": "loads image from third party cdn.other.example",
             "evidence": {"remote_index": 0, "count": 1}},
            {"type": "email-open-pixel", "severity": "high", "host": "t.esp.example", "vendor": "Mailchimp",
             "url": HOSTILE_URL, "message": "open pixel on t.esp.example", "evidence": {"pixel_index": 0, "count": 2}},
        ],
        "errors": [{"code": "render-failed", "message": "<i>boom</i>", "fatal": False}],
        "summary": {"requests": 1, "pixels": 1, "click_tracking_links": 1, "links": 2, "third_party_remote": 1,
                    "leaks": 1, "findings": {"high": 1, "medium": 0, "low": 1, "info": 0}},
    }


def row(mail: str, **values) -> dict:
    """A batch index row as summary_row writes it."""
    base = {"mail": mail, "subject": None, "from": None, "platform": None, "pixels": 0, "click_tracking": 0,
            "third_party_remote": 0, "leaks": 0, "leak_forms": [], "high": 0, "medium": 0, "low": 0,
            "complete": True, "error": None}
    return {**base, **values}


def batch() -> dict:
    return {
        "schema_version": 1, "kind": "email", "batch": True, "target": "in/", "complete": False,
        "tool": {"name": "pixelaudit", "version": "9.9"}, "browser": {},
        "started_at": "2024-05-14T13:05:12Z", "finished_at": "2024-05-14T13:05:20Z",
        "messages": [
            row("in/a.eml", subject=HOSTILE_SUBJECT, **{"from": "news@shop.example"}, platform="Mailchimp", pixels=1,
                click_tracking=3, third_party_remote=2, leaks=1, leak_forms=["md5", "sha256"], high=2, medium=1,
                dir="messages/0001-a.eml"),
            row("in/box.mbox#2", subject="Receipt", platform=None, dir="messages/0002-box.mbox#2"),
            row("in/bad.eml", pixels=None, click_tracking=None, third_party_remote=None, leaks=None, high=None,
                medium=None, low=None, complete=False, error="not-mime: not an e-mail message"),
            row("in/c.eml", subject="Hi", platform="Mailchimp", pixels=2, leaks=0, low=1, dir="/etc"),
        ],
        "findings": [
            {"type": "email-open-pixel", "severity": "high", "mail": "in/a.eml", "message": "=HYPERLINK(\"x\")",
             "url": "-1+1", "host": "t.esp.example", "vendor": "Mailchimp", "scenario": "open", "site": "esp.example",
             "evidence": {"pixel_index": 0, "count": 1}},
            {"type": "email-open-pixel", "severity": "medium", "mail": "in/c.eml", "message": "m", "url": "u"},
            {"type": "pii-leak", "severity": "high", "mail": "in/a.eml", "message": "m", "url": "u"},
        ],
        "errors": [{"code": "not-mime", "message": "in/bad.eml: not an e-mail message", "fatal": False,
                    "mail": "in/bad.eml"}],
        "summary": {"messages": 4, "unreadable": 1, "with_pixels": 2, "with_click_tracking": 1, "with_leaks": 1,
                    "findings": {"high": 2, "medium": 1, "low": 0, "info": 0}},
    }


def text(fragment: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def section(page: str, anchor: str) -> str:
    start = page.index(f'<h2 id="{anchor}">')
    return page[start:page.index("</section>", start)]


def header(page: str) -> str:
    return page[page.index("<header>"):page.index("</header>")]


def rows(page: str, anchor: str) -> list[list[str]]:
    """Each body row of the section's first table, as the visible text of its cells."""
    body = section(page, anchor).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.DOTALL)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)]


@pytest.fixture
def mail_page(tmp_path) -> str:
    (tmp_path / "mail.png").write_bytes(PNG)
    (path,) = html.write(one_mail(), tmp_path)
    return path.read_text(encoding="utf-8")


def test_hostile_strings_are_text_and_nothing_runs(mail_page):
    assert "<script" not in mail_page.lower()
    assert "&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt; Spring sale" in mail_page
    assert f"<title>pixelaudit e-mail report: {escape(HOSTILE_SUBJECT)}</title>" in mail_page
    assert escape(HOSTILE_URL) in mail_page
    assert "<b>invoice" not in mail_page and "&lt;b&gt;invoice&lt;/b&gt;.pdf" in mail_page
    assert "<i>boom" not in mail_page
    assert "onerror" not in mail_page and "javascript:" not in mail_page
    assert not re.search(r'(?:src|href)="(?!data:image/png;base64,|#)', mail_page)  # self-contained, nothing to fetch


def test_header_facts(mail_page):
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", header(mail_page)))
    assert {k: text(v) for k, v in facts.items()} == {
        "From": "news@shop.example", "Sender site": "shop.example", "To": "jane@example.com",
        "Date": "2024-05-14T13:05:12+00:00", "Sending platform": "Mailchimp (rule mailchimp)",
        "Recipient identities searched": "jane@example.com", "Message": "eml in/news.eml (7,102 bytes)",
        "Body": "text/html utf-8 (declared us-ascii)",
        "Mode": "safe: every remote request was answered locally, none left the machine",
        "Platform evidence": "header x-mailer DKIM d=mcdlv.net",
    }


def test_verdict_and_cards(mail_page):
    verdict = section(mail_page, "summary").split('<div class="cards">')[0]
    assert 'class="verdict sev-high"' in verdict
    assert text(verdict) == (
        "Summary high Opening this mail is reported by 1 open pixel to Mailchimp. "
        "1 link goes through click tracking (Mailchimp): the click is recorded before the destination opens. "
        "The recipient's address reaches Mailchimp (base64-nopad) only when the link is clicked. "
        "1 value in tracking URLs looks per-recipient: opens and clicks can be tied to the person. "
        "It loads 1 item from third parties (other.example).")


def test_clean_mail_verdict():
    clean = {**one_mail(), "pixels": [], "click_tracking": [], "remote_content": [], "leaks": [],
             "recipient_ids": [], "findings": []}
    assert html_email.verdict(clean) == {
        "level": "clean", "lines": ["No open pixel, click tracking, third-party content or address leak was found."]}


def test_findings_first_high_first_with_links_to_rows(mail_page):
    assert mail_page.index('id="findings"') < mail_page.index('id="rendering"') < mail_page.index('id="pixels"')
    assert rows(mail_page, "findings") == [
        ["high", "email-open-pixel open pixel on t.esp.example ×2 on this host", "Mailchimp t.esp.example",
         f"{HOSTILE_URL} details"],
        ["low", "email-remote-content loads image from third party cdn.other.example", "— cdn.other.example",
         "https://cdn.other.example/hero.jpg details"],
    ]
    assert '<a class="row" href="#pixel-0">' in mail_page and '<a class="row" href="#remote-0">' in mail_page


def test_tracker_sections_rows(mail_page):
    assert rows(mail_page, "pixels") == [["P1", f"{HOSTILE_URL} <img>, media screen", "t.esp.example", "third",
                                     "Mailchimp mailchimp", "Mailchimp tracking URL (mailchimp) declared 1×1"]]
    assert rows(mail_page, "clicks") == [["C1", "Shop now", "c.esp.example https://c.esp.example/click?id=7", "third",
                                     "Mailchimp Mailchimp click redirect (mailchimp)", "https://shop.example/sale"]]
    assert rows(mail_page, "remote") == [["R1", "https://cdn.other.example/hero.jpg", "cdn.other.example", "third",
                                     "image", "screen"]]
    assert rows(mail_page, "leaks") == [["L1", "jane@example.com", "base64-nopad", "query:e", "amFuZUBleGFtcGxlLmNvbQ",
                                    "Mailchimp third https://c.esp.example/click?id=7&e=amFuZUBleGFtcGxlLmNvbQ",
                                    "only when the link is clicked"]]
    assert rows(mail_page, "recipient-ids") == [["5d2b7e9c4a", "query:u", "hex, 10 chars",
                                            f"{HOSTILE_URL} https://c.esp.example/click?id=7"]]
    assert rows(mail_page, "links") == [["unsubscribe", "https://shop.example/unsubscribe"]]
    assert rows(mail_page, "errors") == [["render-failed", "<i>boom</i>", "no"]]
    for anchor, title in (("pixels", "Open pixels (1)"), ("clicks", "Click tracking (1)"),
                          ("leaks", "Recipient address leaks (1)"), ("errors", "Errors (1)")):
        assert text(section(mail_page, anchor)).startswith(title)


def test_message_parts_listed_never_rendered(mail_page):
    message = text(section(mail_page, "message"))
    assert "Parse issues (1) Level Code Message Part warning charset-mismatch declares us-ascii 1" in message
    assert ("Attachments (1) File name Type Size Disposition Part <b>invoice</b>.pdf application/pdf 125 "
            "attachment 2 Attachments are listed, never opened or rendered.") in message
    assert "Inline parts (cid:) (0) None found." in message


def test_rendering_inlines_the_screenshot_and_lists_trackers_beside_it(mail_page):
    rendering = section(mail_page, "rendering")
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in rendering
    assert text(rendering.split("<h3>", 1)[1]).startswith(
        "Trackers in this mail P1 open pixel: Mailchimp , img (Mailchimp tracking URL (mailchimp), declared 1×1) "
        "C1 link “Shop now” through Mailchimp L1 address as base64-nopad to Mailchimp , only when the link is "
        "clicked R1 image from cdn.other.example")


def test_screenshot_missing_or_outside_the_folder_is_not_read(tmp_path):
    (tmp_path / "secret.png").write_bytes(PNG)
    (tmp_path / "out").mkdir()
    for name in ("mail.png", "../secret.png", str(tmp_path / "secret.png")):
        page = html_email.render_email({**one_mail(), "screenshot": name}, tmp_path / "out")
        assert "data:image" not in page
    assert "The screenshot mail.png was not beside findings.json" in html_email.render_email(one_mail(), tmp_path)


def test_site_report_still_renders_its_own_page(tmp_path):
    site = {"kind": "site", "target": "https://shop.example/", "requests": [], "findings": []}
    (path,) = html.write(site, tmp_path)
    assert path.read_text(encoding="utf-8") == html.render(site, tmp_path)
    assert "pixelaudit privacy report" in path.read_text(encoding="utf-8")
    assert ".badge {" in html_email.render_email(one_mail(), tmp_path)  # e-mail pages share the site CSS


@pytest.fixture
def batch_page(tmp_path) -> str:
    (path,) = html.write(batch(), tmp_path)
    return path.read_text(encoding="utf-8")


def test_batch_escapes_and_links_each_readable_message(batch_page):
    assert "<script" not in batch_page.lower()
    assert f'<a class="row" href="messages/0001-a.eml/report.html">{escape(HOSTILE_SUBJECT)}</a>' in batch_page
    assert '<a class="row" href="messages/0002-box.mbox%232/report.html">Receipt</a>' in batch_page
    assert re.findall(r'href="([^"#]+)"', batch_page) == [
        "messages/0001-a.eml/report.html", "messages/0002-box.mbox%232/report.html"]  # no link to /etc, none for errors


def test_batch_message_rows(batch_page):
    assert rows(batch_page, "messages") == [
        [f"{HOSTILE_SUBJECT} in/a.eml", "news@shop.example", "Mailchimp", "1", "3", "2", "1 md5 sha256", "2", "1",
         "0", "ok"],
        ["Receipt in/box.mbox#2", "—", "—", "0", "0", "0", "0", "0", "0", "0", "ok"],
        ["in/bad.eml", "—", "—", "—", "—", "—", "—", "—", "—", "—", "error not-mime: not an e-mail message"],
        ["Hi in/c.eml", "—", "Mailchimp", "2", "0", "0", "0", "0", "0", "1", "ok"],
    ]


def test_batch_totals_platforms_types_errors(batch_page):
    cards = re.findall(r'<div class="n">(.*?)</div><div class="label">(.*?)</div>', section(batch_page, "summary"))
    assert cards == [("4", "Messages"), ("1", "Unreadable"), ("2", "With open pixels"), ("1", "With click tracking"),
                     ("1", "With address leaks"), ("2", "high findings"), ("1", "medium findings"),
                     ("0", "low findings"), ("0", "info findings")]
    assert rows(batch_page, "platforms") == [["Mailchimp", "2", "3", "3", "1", "1"],
                                            ["none named", "1", "0", "0", "0", "0"]]
    assert rows(batch_page, "types") == [["email-open-pixel", "1", "1", "0", "0", "2"],
                                        ["pii-leak", "1", "0", "0", "0", "1"]]
    assert rows(batch_page, "errors") == [["in/bad.eml", "not-mime", "in/bad.eml: not an e-mail message", "no"]]
    assert "Batch incomplete" in batch_page


def read_csv(path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_batch_csv_summary_and_findings(tmp_path):
    written = csv_report.write(batch(), tmp_path)

    assert written == [tmp_path / "summary.csv", tmp_path / "findings.csv"]
    assert read_csv(tmp_path / "summary.csv") == [
        ["mail", "subject", "from", "platform", "pixels", "click_tracking", "third_party_remote", "leaks",
         "leak_forms", "high", "medium", "low", "complete", "error"],
        ["in/a.eml", HOSTILE_SUBJECT, "news@shop.example", "Mailchimp", "1", "3", "2", "1", "md5;sha256", "2", "1",
         "0", "True", ""],
        ["in/box.mbox#2", "Receipt", "", "", "0", "0", "0", "0", "", "0", "0", "0", "True", ""],
        ["in/bad.eml", "", "", "", "", "", "", "", "", "", "", "", "False", "not-mime: not an e-mail message"],
        ["in/c.eml", "Hi", "", "Mailchimp", "2", "0", "0", "0", "", "0", "0", "1", "True", ""],
    ]
    assert read_csv(tmp_path / "findings.csv") == [
        ["mail", "type", "severity", "scenario", "site", "host", "vendor", "url", "message", "evidence"],
        ["in/a.eml", "email-open-pixel", "high", "open", "esp.example", "t.esp.example", "Mailchimp", "'-1+1",
         "'=HYPERLINK(\"x\")", '{"count":1,"pixel_index":0}'],
        ["in/c.eml", "email-open-pixel", "medium", "", "", "", "", "u", "m", ""],
        ["in/a.eml", "pii-leak", "high", "", "", "", "", "u", "m", ""],
    ]


def test_single_mail_csv_pixels_links_findings(tmp_path):
    mail = one_mail()
    mail["click_tracking"][0]["text"] = "@SUM(1+1)"
    written = csv_report.write(mail, tmp_path)

    assert written == [tmp_path / "pixels.csv", tmp_path / "links.csv", tmp_path / "findings.csv"]
    assert read_csv(tmp_path / "pixels.csv") == [
        ["url", "host", "site", "party", "vendor", "rule", "tag", "media", "reasons"],
        [HOSTILE_URL, "t.esp.example", "esp.example", "third", "Mailchimp", "mailchimp", "img", "screen",
         "Mailchimp tracking URL (mailchimp); declared 1×1"],
    ]
    assert read_csv(tmp_path / "links.csv") == [
        ["text", "href", "host", "site", "party", "vendor", "rule", "reason", "final_url"],
        ["'@SUM(1+1)", "https://c.esp.example/click?id=7", "c.esp.example", "esp.example", "third", "Mailchimp",
         "mailchimp", "Mailchimp click redirect (mailchimp)", "https://shop.example/sale"],
    ]
    assert [r[:3] for r in read_csv(tmp_path / "findings.csv")] == [
        ["type", "severity", "scenario"], ["email-remote-content", "low", ""], ["email-open-pixel", "high", ""]]


def test_empty_mail_csvs_have_headers_only(tmp_path):
    csv_report.write({"kind": "email", "pixels": [], "click_tracking": [], "findings": []}, tmp_path / "one")
    csv_report.write({"kind": "email", "batch": True, "messages": [], "findings": []}, tmp_path / "many")

    assert read_csv(tmp_path / "one" / "links.csv") == [list(csv_report.EMAIL_LINK_COLUMNS)]
    assert read_csv(tmp_path / "many" / "summary.csv") == [list(csv_report.EMAIL_SUMMARY_COLUMNS)]
    assert sorted(p.name for p in (tmp_path / "many").iterdir()) == ["findings.csv", "summary.csv"]


def test_overlays_mark_visible_pixels_and_links_on_the_screenshot():
    data = {"pixels": [{"box": [400, 500, 1, 1]}, {"box": None}],  # the second is hidden: listed, not drawn
            "click_tracking": [{"box": [80, 250, 160, 40]}]}
    assert html_email.overlays(data, (800, 1000)) == [
        {"label": "P1", "kind": "pixel", "anchor": "pixel-0", "left": 50.0, "top": 50.0, "width": 1.0, "height": 0.8},
        {"label": "C1", "kind": "click", "anchor": "click-0", "left": 10.0, "top": 25.0, "width": 20.0, "height": 4.0},
    ]
    assert html_email.overlays(data, None) == []


def test_png_size_is_read_from_the_inlined_screenshot():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (800).to_bytes(4, "big")
                           + (1234).to_bytes(4, "big") + b"\x08\x06\x00\x00\x00").decode()
    assert html_email._png_size("data:image/png;base64," + png) == (800, 1234)
    assert html_email._png_size("data:image/png;base64," + base64.b64encode(b"GIF89a" + b"\0" * 30).decode()) is None
