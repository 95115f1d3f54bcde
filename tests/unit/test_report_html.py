"""The HTML report: escaping, self-containment, sections, status banner and the view's groupings."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
from html.parser import HTMLParser

import pytest

from pixelaudit.report import html

SAMPLE = pathlib.Path(__file__).parent.parent / "data" / "sample-findings.json"
SECTIONS = {
    "summary": "Executive summary",
    "violations": "Violations and their evidence",
    "trackers": "Vendors by category and purpose",
    "consent": "Consent and the scenario matrix",
    "timeline": "Request timeline",
    "findings": "All findings",
    "pixels": "Tracking pixels",
    "third-parties": "Third parties",
    "cookies": "Cookies",
    "storage": "Storage",
    "websockets": "WebSockets",
    "errors": "Errors",
    "rules": "Vendor rules",
    "methodology": "Methodology",
    "provenance": "Provenance",
}
LISTED_SECTIONS = (
    "findings", "trackers", "pixels", "third-parties", "cookies", "storage", "websockets", "errors",
)


@pytest.fixture
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def empty_result(sample: dict) -> dict:
    result = {**sample, "complete": True, "errors": [], "findings": [], "requests": [], "cookies": [],
              "storage": [], "websockets": []}
    no_findings = dict.fromkeys(html.SEVERITY_ORDER, 0)
    result["summary"] = dict.fromkeys(sample["summary"], 0) | {"findings": no_findings}
    return result


def render(result: dict, out_dir: pathlib.Path) -> str:
    written = html.write(result, out_dir)
    assert written == [out_dir / "report.html"]
    return written[0].read_text(encoding="utf-8")


def section(page: str, section_id: str) -> str:
    """The markup from a section's heading up to the next heading."""
    start = page.index(f'<h2 id="{section_id}">')
    end = page.find("<h2 ", start + 1)
    return page[start : end if end != -1 else len(page)]


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_write_creates_missing_directories(sample, tmp_path):
    out_dir = tmp_path / "nested" / "out"
    assert html.write(sample, out_dir) == [out_dir / "report.html"]


def test_hostile_strings_are_only_escaped(sample, tmp_path):
    page = render(sample, tmp_path)

    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # request URL
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # cookie name
    assert "&lt;/style&gt;&lt;script&gt;x()&lt;/script&gt;" in page  # storage value
    assert page.count("</style>") == 1  # only the stylesheet's own end tag


def test_report_is_self_contained(sample, tmp_path):
    page = render(sample, tmp_path)
    parser = TagCollector()
    parser.feed(page)

    names = {tag for tag, _ in parser.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source"}
    for tag, attrs in parser.tags:
        assert "src" not in attrs, tag
        assert (attrs.get("href") or "#").startswith("#"), (tag, attrs)  # only in-page links
    style = page[page.index("<style>") : page.index("</style>")]
    assert "url(" not in style
    assert "@import" not in style
    assert "overflow-wrap: anywhere" in style
    assert "@media print" in style


def test_every_section_is_present_in_order(sample, tmp_path):
    page = render(sample, tmp_path)

    positions = []
    for section_id, title in SECTIONS.items():
        match = re.search(rf'<h2 id="{section_id}">{re.escape(title)}\b', page)
        assert match, title
        positions.append(match.start())
    assert positions == sorted(positions)


def test_incomplete_scan_shows_banner_with_errors(sample, tmp_path):
    page = render(sample, tmp_path)

    banner = page[page.index('<div class="banner incomplete"') : page.index('<h2 id="summary">')]
    assert "Scan incomplete" in banner
    assert "Page did not reach network idle within 30 s" in banner


def test_complete_scan_has_no_incomplete_banner(sample, tmp_path):
    page = render({**sample, "complete": True}, tmp_path)

    assert "Scan incomplete" not in page
    assert "Scan complete." in page
    assert "1 non-fatal error(s)" in page


def test_empty_result_says_none_found_in_every_list_section(sample, tmp_path):
    page = render(empty_result(sample), tmp_path)

    for section_id in LISTED_SECTIONS:
        assert "None found." in section(page, section_id), section_id
    assert "Scan incomplete" not in page


def test_spec_minimal_result_renders():
    # the spec's required minimum only: no extension fields, no indexes, no summary
    pixel_url = "https://www.facebook.com/tr?id=123"
    result = {
        "schema_version": 1,
        "tool": {"name": "pixelaudit", "version": "0.1.0"},
        "browser": {"name": "chromium", "version": "156.0.8078.79"},
        "target": "https://shop.example/",
        "kind": "site",
        "started_at": "2026-11-23T17:00:00Z",
        "finished_at": "2026-11-23T17:00:09Z",
        "scenarios": ["accept"],
        "consent": {"banner_found": True, "cmp": "klaro", "reject_clicked": True, "accept_clicked": True},
        "pages": [{"url": "https://shop.example/", "scenario": "accept", "status": 200}],
        "requests": [{
            "url": pixel_url, "method": "GET", "resource_type": "image", "status": 200, "scenario": "accept",
            "page_url": "https://shop.example/", "time_ms": 412.0, "before_consent": True,
            "host": "www.facebook.com", "site": "facebook.com", "party": "third",
            "tracker": {"vendor": "Meta", "category": "advertising", "rule": "meta-pixel"},
            "pixel": {"width": 1, "height": 1, "bytes": 43},
        }],
        "cookies": [],
        "findings": [{
            "type": "tracker-before-consent", "severity": "high", "site": "facebook.com",
            "host": "www.facebook.com", "vendor": "Meta", "scenario": "accept", "url": pixel_url,
            "evidence": {"request_index": 0},
        }],
    }
    page = html.render(result)

    assert "meta-pixel" in page
    assert "klaro" in page
    assert "request #0, image, at 412 ms" in page


def test_build_view_groups_trackers_by_vendor(sample):
    trackers = {group["vendor"]: group for group in html.build_view(sample)["trackers"]}

    assert list(trackers) == ["Google Analytics", "Meta"]
    ga, meta = trackers["Google Analytics"], trackers["Meta"]
    assert ga["rules"] == ["google-gtag", "google-analytics-ga4"]
    assert ga["hosts"] == ["www.google-analytics.com", "www.googletagmanager.com"]
    assert (ga["requests"], ga["pixels"], ga["first_ms"]) == (2, 0, 301.7)
    assert ga["companies"] == ["Google LLC"]
    assert meta["hosts"] == ["connect.facebook.net", "www.facebook.com"]
    assert (meta["requests"], meta["pixels"], meta["first_ms"]) == (3, 2, 356.2)
    assert meta["categories"] == ["advertising"]
    assert meta["purposes"] == ["Conversion tracking and ad targeting"]


def test_build_view_groups_third_parties_by_site():
    def request(party: str, site: str, host: str, resource_type: str, vendor: str | None = None) -> dict:
        tracker = {"vendor": vendor} if vendor else None
        return {"party": party, "site": site, "host": host, "resource_type": resource_type,
                "tracker": tracker}

    requests = [
        request("third", "cdn.example", "b.cdn.example", "image"),
        request("third", "cdn.example", "a.cdn.example", "image"),
        request("third", "cdn.example", "a.cdn.example", "script", vendor="Acme"),
        request("third", "ads.example", "ads.example", "ping"),
        request("first", "shop.example", "shop.example", "document"),
    ]
    groups = html.group_third_parties(requests)

    assert [group["site"] for group in groups] == ["cdn.example", "ads.example"]
    assert groups[0]["hosts"] == ["a.cdn.example", "b.cdn.example"]
    assert groups[0]["requests"] == 3
    assert groups[0]["resource_types"] == ["image ×2", "script"]
    assert groups[0]["vendors"] == ["Acme"]
    assert groups[1]["vendors"] == []


def test_build_view_orders_findings_and_resolves_evidence(sample):
    findings = html.build_view(sample)["findings"]

    assert [finding["severity"] for finding in findings] == ["high", "high", "medium", "info"]
    assert findings[0]["request"]["url"] == "https://www.facebook.com/tr?id=123&ev=PageView&noscript=1"
    assert findings[2]["cookie"]["name"] == "fr"


def test_build_view_pixels_and_cookie_lifetimes(sample):
    view = html.build_view(sample)

    assert [(pixel["host"], pixel["size_wh"], pixel["pixel_bytes"]) for pixel in view["pixels"]] == [
        ("www.facebook.com", "1×1", 43), ("www.facebook.com", "1×1", 43),
    ]
    lifetimes = [cookie["lifetime"] for cookie in view["cookies"]]
    assert lifetimes == ["3 months", "3 months", "13 months (395 days)", "session", "session"]  # 90, 90 and 395 days
    assert view["cookies"][1]["flags"] == ["Secure", "HttpOnly", "SameSite=None"]


@pytest.mark.parametrize(
    ("expires_in", "expected"),
    [(None, "session"), (-10, "expired"), (30, "1 minute"), (45 * 60, "45 minutes"), (5 * 3600, "5 hours"),
     (86400, "1 day"), (44 * 86400, "44 days"), (90 * 86400, "3 months"), (395 * 86400, "13 months (395 days)"),
     (400 * 86400, "13 months (400 days)"), (730 * 86400, "2 years")],
)
def test_lifetime_is_measured_from_scan_time(expires_in, expected):
    scanned = dt.datetime(2026, 3, 2, 10, 15, 12, tzinfo=dt.UTC)
    expires = None if expires_in is None else scanned.timestamp() + expires_in

    assert html.lifetime(expires, scanned) == expected


def test_session_cookie_reported_as_minus_one_is_session():
    assert html.lifetime(-1, None) == "session"
