"""derive_findings names every page a finding showed on (evidence `pages`), as a crawl needs."""

from __future__ import annotations

from dataclasses import replace

from pixelaudit.findings import derive_findings
from pixelaudit.model import ClassifiedCookie, ClassifiedRequest, Cookie, Request, TrackerMatch
from pixelaudit.parties import party_of

SHOP = frozenset({"shop.com"})
ADS = TrackerMatch("Acme Ads", "advertising", "acme-ads", "Acme Inc.", "marketing")


def cr(url: str, page: str, scenario: str = "no-interaction") -> ClassifiedRequest:
    req = Request(url=url, method="GET", resource_type="script", scenario=scenario, page_url=page,
                  time_ms=10.0, frame="main", status=200)
    return ClassifiedRequest(req, party_of(url, SHOP), ADS, None, True)


def cookie(name: str) -> ClassifiedCookie:
    c = Cookie(name, "1", ".acme.test", "/", None, True, False, "None", "no-interaction", "header",
               "https://ads.acme.test/t", 12.0)
    return ClassifiedCookie(c, "acme.test", "third", ADS, True)


def test_request_finding_lists_its_pages_in_first_seen_order_once_each() -> None:
    pages = ["https://shop.com/b", "https://shop.com/a", "https://shop.com/b", "https://shop.com/c"]
    (f,) = derive_findings([cr("https://ads.acme.test/t", p) for p in pages])
    assert f.evidence["page_url"] == "https://shop.com/b"  # the first record's page
    assert f.evidence["pages"] == ["https://shop.com/b", "https://shop.com/a", "https://shop.com/c"]
    assert f.evidence["requests"] == 4


def test_pages_are_kept_per_scenario() -> None:
    findings = derive_findings([cr("https://ads.acme.test/t", "https://shop.com/a"),
                                cr("https://ads.acme.test/t", "https://shop.com/b", scenario="reject")])
    by_scenario = {f.scenario: f.evidence["pages"] for f in findings}
    assert by_scenario == {"no-interaction": ["https://shop.com/a"], "reject": ["https://shop.com/b"]}


def test_cookie_finding_names_its_page_when_the_caller_knows_it() -> None:
    cookies = [cookie("uid"), replace(cookie("uid2"))]
    (f,) = derive_findings([], cookies, cookie_pages=["https://shop.com/x", "https://shop.com/y"])
    assert (f.type, f.evidence["page_url"], f.evidence["pages"]) == (
        "cookie-before-consent", "https://shop.com/x", ["https://shop.com/x", "https://shop.com/y"])


def test_cookie_finding_without_pages_is_unchanged() -> None:
    (f,) = derive_findings([], [cookie("uid")])
    assert "page_url" not in f.evidence and "pages" not in f.evidence
