"""Fingerprints: the same finding in two scans of an unchanged site gets the same one; a different one not."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from pixelaudit.fingerprint import fingerprint, fingerprint_key, url_shape

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "sample-findings.json").read_text())


def _site(url="https://www.facebook.com/tr?id=123&ev=PageView&ts=1772446501200", **changes) -> tuple[dict, dict]:
    """A findings.json with one tracker-before-consent finding pointing at its request."""
    request = {"index": 0, "url": url, "scenario": "no-interaction", "host": "www.facebook.com",
               "before_consent": True, "tracker": {"vendor": "Meta", "category": "advertising", "rule": "meta-pixel"}}
    finding = {"type": "tracker-before-consent", "severity": "high", "site": "facebook.com",
               "host": "www.facebook.com", "vendor": "Meta", "scenario": "no-interaction", "url": url,
               "message": "Meta (advertising) sent a request to www.facebook.com before any consent choice, 412 ms",
               "evidence": {"request_index": 0, "time_ms": 412.0, "page_url": "https://shop.example/",
                            "party": "third", "requests": 3, "pages": ["https://shop.example/"]}}
    finding.update(changes)
    result = {"kind": "site", "started_at": "2026-11-23T17:00:00Z", "options": {}, "requests": [request],
              "findings": [finding]}
    return finding, result


def test_fingerprint_is_short_hex_and_deterministic():
    finding, result = _site()
    fp = fingerprint(finding, result)
    assert len(fp) == 16 and int(fp, 16) >= 0
    assert fingerprint(copy.deepcopy(finding), copy.deepcopy(result)) == fp


def test_volatile_parts_do_not_change_it():
    finding, result = _site()
    base = fingerprint(finding, result)
    # a second scan: other times, indexes, counts, messages and query values
    other, other_result = _site(url="https://www.facebook.com/tr?ev=Purchase&id=999&ts=1772446999999",
                                message="Meta (advertising) sent a request … 980 ms")
    other["evidence"] = {"request_index": 7, "time_ms": 980.5, "page_url": "https://shop.example/",
                         "party": "third", "requests": 11}
    other_result["requests"] = [{}] * 7 + [{**result["requests"][0], "index": 7, "url": other["url"]}]
    other_result["started_at"] = "2026-12-01T09:00:00Z"
    assert fingerprint(other, other_result) == base


def test_query_parameter_names_do_not_change_it():
    # vendors add experiment flags and hints on their own schedule
    assert fingerprint(*_site(url="https://www.facebook.com/tr?id=1&ev=PageView&expv2[0]=pl1")) == \
        fingerprint(*_site(url="https://www.facebook.com/tr?id=1&ev=PageView"))


@pytest.mark.parametrize("change", [
    {"type": "tracker-after-reject"},
    {"scenario": "reject"},
    {"host": "connect.facebook.net"},
    {"url": "https://www.facebook.com/privacy_sandbox/pixel/register/trigger/?id=1"},
])
def test_identifying_fields_change_it(change):
    base = fingerprint(*_site())
    finding, result = _site(**change)
    assert fingerprint(finding, result) != base


def test_rule_id_is_preferred_to_the_vendor_name():
    finding, result = _site()
    renamed = {**finding, "vendor": "Meta (Facebook)"}
    assert fingerprint(renamed, result) == fingerprint(finding, result)  # a reworded vendor name
    result["requests"][0]["tracker"]["rule"] = "tiktok-pixel"
    assert fingerprint(finding, result) != fingerprint(*_site())


def test_vendor_name_counts_when_no_rule_is_known():
    finding, result = _site(evidence={"cookie_index": 0})
    result["cookies"] = [{"name": "x", "tracker": None}]
    assert fingerprint_key(finding, result)[4] == "vendor:Meta"
    assert fingerprint({**finding, "vendor": "TikTok"}, result) != fingerprint(finding, result)


def test_crawl_page_path_counts_and_plain_scan_pages_do_not():
    finding, result = _site()
    scan_fp = fingerprint(finding, result)
    finding["evidence"]["pages"] = ["https://shop.example/checkout"]
    assert fingerprint(finding, result) == scan_fp  # a single-page scan: the page is the target
    result["options"] = {"crawl": {"max_pages": 50}}
    on_checkout = fingerprint(finding, result)
    finding["evidence"]["pages"] = ["https://shop.example/products/123?ref=mail", "https://shop.example/"]
    on_product = fingerprint(finding, result)
    finding["evidence"]["pages"] = ["https://shop.example/products/456?ref=ad"]
    assert on_checkout != on_product == fingerprint(finding, result)


def test_email_findings():
    url = "https://t.mailer.example/open/5f2b6c1e9a7d4e3f8b0c/pixel.gif?u=alice%40example.com"
    finding = {"type": "email-open-pixel", "severity": "high", "site": "mailer.example", "host": "t.mailer.example",
               "vendor": "Mailer", "scenario": "open", "url": url, "message": "open pixel …",
               "evidence": {"pixel_index": 0, "media": "screen", "count": 1}}
    result = {"kind": "email", "pixels": [{"url": url, "rule": "mailer-open"}], "findings": [finding]}
    fp = fingerprint(finding, result)
    # the next newsletter: another recipient token, another count
    other_url = "https://t.mailer.example/open/0a1b2c3d4e5f60718293/pixel.gif?u=bob%40example.com"
    other = {**finding, "url": other_url, "evidence": {"pixel_index": 2, "media": "screen", "count": 3}}
    other_result = {"kind": "email", "pixels": [{}, {}, {"url": other_url, "rule": "mailer-open"}]}
    assert fingerprint(other, other_result) == fp
    # in a batch index each finding names its mail: the file name counts, not the folder it was read from
    assert fingerprint({**finding, "mail": "/home/ci/build/mails/welcome.eml"}, result) == \
        fingerprint({**finding, "mail": "/srv/x/mails/welcome.eml"}, result) != \
        fingerprint({**finding, "mail": "/srv/x/mails/receipt.eml"}, result)


def test_the_order_of_folded_records_does_not_change_it():
    # one finding per (type, scenario, host): which of its records comes first can race between runs
    finding, result = _site()
    script = {**result["requests"][0], "url": "https://www.facebook.com/signals/config/4242?v=2"}
    result["requests"] = [result["requests"][0], script]
    swapped = {**result, "requests": [script, result["requests"][0]]}
    moved = {**finding, "url": script["url"], "evidence": {**finding["evidence"], "request_index": 0}}
    assert fingerprint(finding, result) == fingerprint(moved, swapped)
    # two trackers' cookies on the site's own domain, set in either order
    ga = {"name": "_ga", "domain": ".shop.example", "scenario": "no-interaction", "before_consent": True,
          "tracker": {"vendor": "Google Analytics", "rule": "google-analytics"}, "set_by_url": "https://shop.example/"}
    fbp = {**ga, "name": "_fbp", "tracker": {"vendor": "Meta Pixel", "rule": "meta-pixel"},
           "set_by_url": "https://connect.facebook.net/en_US/fbevents.js"}
    cookie = {"type": "cookie-before-consent", "severity": "high", "scenario": "no-interaction",
              "host": "shop.example", "site": "shop.example", "vendor": "Google Analytics", "url": ga["set_by_url"],
              "evidence": {"cookie_index": 0}}
    other = {**cookie, "vendor": "Meta Pixel", "url": fbp["set_by_url"]}
    assert fingerprint(cookie, {"cookies": [ga, fbp]}) == fingerprint(other, {"cookies": [fbp, ga]})
    # a cookie-based key still tells the site's own domain from a tracker's
    assert fingerprint({**cookie, "host": "facebook.com"}, {"cookies": [ga, fbp]}) != \
        fingerprint(cookie, {"cookies": [ga, fbp]})


def test_no_consent_banner_is_one_per_scan():
    # its host and scenario are those of whichever tracker fired first
    banner = {"type": "no-consent-banner", "severity": "high", "scenario": "accept", "host": "www.facebook.com",
              "vendor": "Meta Pixel", "url": "https://www.facebook.com/tr", "evidence": {"request_index": 3}}
    other = {**banner, "scenario": "reject", "host": "www.google-analytics.com", "vendor": "Google Analytics"}
    assert fingerprint(banner, {}) == fingerprint(other, {}) != fingerprint({**banner, "type": "x"}, {})


def test_every_sample_finding_has_a_distinct_fingerprint():
    fps = [fingerprint(f, SAMPLE) for f in SAMPLE["findings"]]
    assert len(set(fps)) == len(fps)


@pytest.mark.parametrize(("url", "shape"), [
    ("https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123&_p=1772446501",
     "https://www.google-analytics.com/g/collect?_p&tid&v"),
    ("https://connect.facebook.net/signals/config/1234567890?v=2.9.176", "https://connect.facebook.net/signals/config/{n}?v"),
    ("https://cdn.example/a/3f2b6c1e-9a7d-4e3f-8b0c-1d2e3f4a5b6c/x.js", "https://cdn.example/a/{id}/x.js"),
    ("https://cdn.example/app.9f8e7d6c5b4a.js", "https://cdn.example/app.{id}.js"),
    ("https://t.example/o/eyJ1IjoiYWxpY2UifQ/p", "https://t.example/o/{id}/p"),
    ("https://px-12.ads.example/sdk/v2.13.1/pixel.js", "https://px-{n}.ads.example/sdk/v{n}.{n}.{n}/pixel.js"),
    ("https://ads.example/1x1.gif?a=1&a=2&b", "https://ads.example/{n}x{n}.gif?a&b"),
    ("https://www.example.com", "https://www.example.com/"),
    ("data:image/gif;base64,R0lGOD", "data:"),
    (None, None),
])
def test_url_shape(url, shape):
    assert url_shape(url) == shape


def test_url_shape_without_query():
    assert url_shape("https://a.example/p?x=1", query=False) == "https://a.example/p"
