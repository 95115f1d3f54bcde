"""Unit tests for pixelaudit.findings.derive_findings and the findings part of findings.json (schema v1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pixelaudit.classify import classify_request, first_party_sites
from pixelaudit.findings import counts_as_tracking, derive_findings
from pixelaudit.model import (
    ClassifiedRequest,
    Finding,
    ImageElement,
    PageVisit,
    Pixel,
    Request,
    TrackerMatch,
)
from pixelaudit.parties import party_of
from pixelaudit.result import ScanResult, to_dict
from pixelaudit.rules import load_rules

SHOP = frozenset({"shop.com"})
ADS = TrackerMatch("Acme Ads", "advertising", "acme-ads", "Acme Inc.", "marketing")
ANALYTICS = TrackerMatch("Acme Analytics", "analytics", "acme-analytics", "Acme Inc.", "statistics")
CMP = TrackerMatch("Acme Consent", "consent", "acme-cmp", "Acme Inc.", "necessary")
TAGS = TrackerMatch("Acme Tags", "tag-manager", "acme-tags", "Acme Inc.", "functional")
FUNCTIONAL = TrackerMatch("Acme Chat", "functional", "acme-chat", "Acme Inc.", "functional")
PIXEL = Pixel(1, 1, 43, ("decoded gif is 1×1", "third-party", "carries data in its query string"))


def cr(url: str, *, tracker: TrackerMatch | None = None, pixel: Pixel | None = None, before: bool = True,
       scenario: str = "no-interaction", time_ms: float = 100.0, rtype: str = "image") -> ClassifiedRequest:
    req = Request(url=url, method="GET", resource_type=rtype, scenario=scenario, page_url="https://shop.com/",
                  time_ms=time_ms, frame="main", status=200)
    return ClassifiedRequest(req, party_of(url, SHOP), tracker, pixel, before)


def types(findings: list[Finding]) -> list[tuple[str, str, str | None]]:
    return [(f.type, f.severity, f.host) for f in findings]


# --- severity and type ------------------------------------------------------------------------------


def test_known_advertising_tracker_before_consent_is_high() -> None:
    (f,) = derive_findings([cr("https://ads.acme.test/t?id=1", tracker=ADS, rtype="script")])
    assert (f.type, f.severity) == ("tracker-before-consent", "high")
    assert (f.vendor, f.host, f.site) == ("Acme Ads", "ads.acme.test", "acme.test")
    assert f.scenario == "no-interaction"
    assert f.url == "https://ads.acme.test/t?id=1"
    assert "Acme Ads" in f.message and "before any consent choice" in f.message


def test_unknown_pixel_before_consent_is_medium_plus_tracking_pixel_info() -> None:
    findings = derive_findings([cr("https://px.unknown.test/p.gif?u=1", pixel=PIXEL)])
    assert types(findings) == [("tracker-before-consent", "medium", "px.unknown.test"),
                               ("tracking-pixel", "info", "px.unknown.test")]
    assert all(f.vendor is None for f in findings)
    pixel = findings[1]
    assert "third-party" in pixel.message and "query string" in pixel.message


def test_known_tracker_pixel_gives_high_and_info() -> None:
    findings = derive_findings([cr("https://ads.acme.test/p.gif?ev=1", tracker=ADS, pixel=PIXEL)])
    assert types(findings) == [("tracker-before-consent", "high", "ads.acme.test"),
                               ("tracking-pixel", "info", "ads.acme.test")]
    assert findings[1].vendor == "Acme Ads"


@pytest.mark.parametrize("tracker", [CMP, TAGS, FUNCTIONAL], ids=lambda t: t.category)
def test_non_tracking_categories_never_count_before_consent(tracker: TrackerMatch) -> None:
    plain = cr("https://cdn.acme.test/loader.js", tracker=tracker, rtype="script")
    assert counts_as_tracking(plain) is False
    assert derive_findings([plain]) == []
    # a pixel owned by such a rule is still informational, but never a violation
    owned = cr("https://cdn.acme.test/hit.gif?x=1", tracker=tracker, pixel=PIXEL)
    assert types(derive_findings([owned])) == [("tracking-pixel", "info", "cdn.acme.test")]


def test_after_consent_requests_give_no_before_consent_finding() -> None:
    findings = derive_findings([cr("https://ads.acme.test/t", tracker=ADS, before=False),
                                cr("https://px.unknown.test/p.gif?u=1", pixel=PIXEL, before=False)])
    assert types(findings) == [("tracking-pixel", "info", "px.unknown.test")]


def test_plain_requests_give_no_findings() -> None:
    assert derive_findings([cr("https://shop.com/", rtype="document"),
                            cr("https://cdn.other.test/lib.js", rtype="script")]) == []
    assert derive_findings([]) == []


# --- grouping and evidence --------------------------------------------------------------------------------


def test_one_finding_per_type_host_scenario_pointing_at_first_request() -> None:
    requests = [
        cr("https://shop.com/", rtype="document", time_ms=0.0),
        cr("https://ads.acme.test/t?n=1", tracker=ADS, time_ms=10.0),  # index 1: first
        cr("https://cdn.other.test/lib.js", rtype="script", time_ms=20.0),
        cr("https://ads.acme.test/t?n=2", tracker=ADS, time_ms=30.0),
        cr("https://ads.acme.test/t?n=3", tracker=ADS, time_ms=40.0),
    ]
    (f,) = derive_findings(requests)
    assert f.evidence["request_index"] == 1
    assert f.evidence["requests"] == 3
    assert f.url == "https://ads.acme.test/t?n=1"
    assert f.evidence["time_ms"] == 10.0
    assert f.evidence["page_url"] == "https://shop.com/"
    assert f.evidence["party"] == "third"


def test_other_host_or_scenario_is_another_finding() -> None:
    requests = [
        cr("https://ads.acme.test/t", tracker=ADS),
        cr("https://ads2.acme.test/t", tracker=ADS),  # same site, other host
        cr("https://ads.acme.test/t", tracker=ADS, scenario="reject"),
        cr("https://ads.acme.test/t", tracker=ADS, scenario="reject"),
    ]
    findings = derive_findings(requests)
    got = sorted((f.host, f.scenario, f.evidence["request_index"], f.evidence["requests"]) for f in findings)
    assert got == [("ads.acme.test", "no-interaction", 0, 1), ("ads.acme.test", "reject", 2, 2),
                   ("ads2.acme.test", "no-interaction", 1, 1)]


def test_known_tracker_on_host_upgrades_an_unknown_pixel_finding() -> None:
    """Evidence points at the first request that justifies the finding's severity; all are counted."""
    requests = [cr("https://ads.acme.test/x.gif?u=1", pixel=PIXEL),
                cr("https://ads.acme.test/t?id=9", tracker=ADS)]
    before = [f for f in derive_findings(requests) if f.type == "tracker-before-consent"]
    assert len(before) == 1
    (f,) = before
    assert (f.severity, f.vendor) == ("high", "Acme Ads")
    assert (f.evidence["request_index"], f.evidence["requests"]) == (1, 2)


def test_findings_are_ordered_most_severe_first() -> None:
    requests = [
        cr("https://px.unknown.test/p.gif?u=1", pixel=PIXEL),  # medium + info
        cr("https://cdn.acme.test/hit.gif?x=1", tracker=CMP, pixel=PIXEL),  # info only
        cr("https://ads.acme.test/t", tracker=ANALYTICS),  # high
    ]
    findings = derive_findings(requests)
    assert [f.severity for f in findings] == ["high", "medium", "info", "info"]
    assert findings[0].host == "ads.acme.test"
    # ties: by type, then by capture order
    assert [f.evidence["request_index"] for f in findings[2:]] == [0, 1]


# --- Google Consent Mode (gcs / gcd) ----------------------------------------------------------------------

GA = TrackerMatch("Google Analytics", "analytics", "google-analytics", "Google LLC", "statistics")
GADS = TrackerMatch("Google Ads", "advertising", "google-ads", "Google LLC", "marketing")
COLLECT = "https://region1.google-analytics.com/g/collect?v=2&tid=G-1"
DENIED_SIGNAL = {"default": "denied", "update": "unset", "final": "denied"}


def test_cookieless_ping_then_granted_hit_is_high_with_the_granted_hit_as_evidence() -> None:
    requests = [cr(f"{COLLECT}&gcs=G100&gcd=13p3p3p2p5l1", tracker=GA, rtype="ping", time_ms=10.0),
                cr(f"{COLLECT}&gcs=G111&gcd=13t3t3t2t5l1", tracker=GA, rtype="ping", time_ms=20.0)]
    (f,) = derive_findings(requests)
    assert (f.type, f.severity, f.evidence["request_index"], f.evidence["requests"]) == (
        "tracker-before-consent", "high", 1, 2)
    assert f.message.endswith("(Consent Mode says ad_storage, analytics_storage, ad_user_data, "
                              "ad_personalization granted)")
    assert (f.evidence["consent_mode"]["gcs"], f.evidence["consent_mode"]["gcd"]) == ("G111", "13t3t3t2t5l1")
    assert f.evidence["consent_mode"]["state"] == "granted"


def test_google_ads_hit_with_an_all_denied_gcd_and_no_gcs_is_a_cookieless_ping() -> None:
    url = "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/123/?gcd=13p3p3p2p5l1&dma=1"
    (f,) = derive_findings([cr(url, tracker=GADS, rtype="script")])
    assert (f.type, f.severity) == ("tracker-before-consent", "low")
    assert f.message.endswith("(a cookieless ping: Consent Mode says storage is denied)")
    assert f.evidence["consent_mode"] == {
        "gcs": None, "gcd": "13p3p3p2p5l1", "gcs_decoded": None, "state": "denied",
        "gcd_decoded": {"raw": "13p3p3p2p5l1", **{name: {"letter": "p", **DENIED_SIGNAL} for name in (
            "ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")}}}


@pytest.mark.parametrize(("query", "severity", "note"), [
    ("gcs=G100&gcd=13p3p3t2p5l1", "high", "(Consent Mode says ad_user_data granted)"),
    ("gcs=G100&gcd=13p3p3p2t5l1", "high", "(Consent Mode says ad_personalization granted)"),
    ("gcd=13l3l3l3l1l1", "high", "(no Consent Mode state: gcd shows no default and no update)"),
    ("gcd=13q3q3q2q5l1", "low", "(a cookieless ping: Consent Mode says storage is denied)"),
    ("gcs=G1zz", "high", "(no readable Consent Mode state)"),
])  # fmt: skip
def test_before_the_choice_the_decoded_gcd_sets_severity_and_message(query, severity, note) -> None:
    (f,) = derive_findings([cr(f"{COLLECT}&{query}", tracker=GA, rtype="ping")])
    assert (f.type, f.severity) == ("tracker-before-consent", severity)
    assert f.message.endswith(note)


def test_after_reject_consent_mode_is_evidence_but_never_lowers_the_severity() -> None:
    requests = [cr(f"{COLLECT}&gcs=G100&gcd=13q3q3q2q5l1", tracker=GA, before=False, scenario="reject"),
                cr("https://www.google-analytics.com/g/collect?v=2&gcs=G111&gcd=13r3r3r2r5l1", tracker=GA,
                   before=False, scenario="reject")]
    findings = sorted(derive_findings(requests), key=lambda f: f.host)
    assert [(f.type, f.severity, f.host) for f in findings] == [
        ("tracker-after-reject", "high", "region1.google-analytics.com"),
        ("tracker-after-reject", "high", "www.google-analytics.com")]
    assert findings[0].message.endswith("(a cookieless ping: Consent Mode says storage is denied)")
    assert findings[1].message.endswith("(Consent Mode says ad_storage, analytics_storage, ad_user_data, "
                                        "ad_personalization granted)")
    assert [f.evidence["consent_mode"]["state"] for f in findings] == ["denied", "granted"]


def test_other_vendors_carrying_gcs_are_not_read_as_consent_mode() -> None:
    (f,) = derive_findings([cr("https://ads.acme.test/t?gcs=G100&gcd=13p3p3p2p1", tracker=ADS)])
    assert f.severity == "high" and "consent_mode" not in f.evidence and "Consent Mode" not in f.message


# --- through a real (tiny) rule set -----------------------------------------------------------------------

TRANSPARENT_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

RULES = {
    "acme-ads": """\
id: acme-ads
vendor: Acme Ads
company: Acme Inc.
category: advertising
purpose: marketing
source: unit test
domains: [acme-ads.test]
examples: ["https://px.acme-ads.test/p.gif?id=1"]
counterexamples: ["https://acme.test/"]
""",
    "acme-cmp": """\
id: acme-cmp
vendor: Acme Consent
company: Acme Inc.
category: consent
purpose: necessary
source: unit test
domains: [acme-cmp.test]
examples: ["https://cdn.acme-cmp.test/cmp.js"]
counterexamples: ["https://acme.test/"]
""",
}


@pytest.fixture
def tiny_rules(tmp_path: Path):
    for name, text in RULES.items():
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return load_rules([tmp_path / f"{name}.yaml" for name in RULES])


def test_classified_through_rules(tiny_rules) -> None:
    first = first_party_sites(["https://www.shop.com/"])
    img = dict(method="GET", resource_type="image", scenario="no-interaction", page_url="https://www.shop.com/",
               frame="main", status=200, content_type="image/gif", size=43, body=TRANSPARENT_GIF)
    requests = [
        Request(url="https://www.shop.com/", method="GET", resource_type="document",
                scenario="no-interaction", page_url="https://www.shop.com/", time_ms=0.0, frame="main",
                status=200),
        Request(url="https://cdn.acme-cmp.test/cmp.js", method="GET", resource_type="script",
                scenario="no-interaction", page_url="https://www.shop.com/", time_ms=5.0, frame="main",
                status=200),
        Request(url="https://px.acme-ads.test/p.gif?id=1", time_ms=20.0, **img),
        Request(url="https://px.unknown.test/i.gif?uid=7", time_ms=30.0, **img),
        Request(url="https://www.shop.com/img/spacer.gif", time_ms=40.0, **img),
    ]
    spacer = "https://www.shop.com/img/spacer.gif"
    elements = {spacer: [ImageElement(spacer, "https://www.shop.com/", "img", 600, 10, True, False)]}
    classified = [classify_request(r, tiny_rules, first, elements, True) for r in requests]
    rules = [c.tracker.rule if c.tracker else None for c in classified]
    assert rules == [None, "acme-cmp", "acme-ads", "heuristic:id-param", None]  # an unknown uid= pixel
    assert [c.pixel is not None for c in classified] == [False, False, True, True, False]
    assert types(derive_findings(classified)) == [
        ("tracker-before-consent", "high", "px.acme-ads.test"),
        ("tracker-before-consent", "medium", "px.unknown.test"),
        ("tracking-pixel", "info", "px.acme-ads.test"),
        ("tracking-pixel", "info", "px.unknown.test"),
    ]


# --- findings.json ---------------------------------------------------------------------------------------

SPEC_TOP = ("schema_version", "tool", "browser", "target", "kind", "started_at", "finished_at", "scenarios",
            "consent", "pages", "requests", "cookies", "findings")
SPEC_REQUEST = ("url", "method", "resource_type", "status", "scenario", "page_url", "time_ms",
                "before_consent", "host", "site", "party", "tracker", "pixel")
SPEC_FINDING = ("type", "severity", "site", "host", "vendor", "scenario", "url", "evidence")
FINDING_TYPES = {"tracker-before-consent", "tracker-after-reject", "cookie-before-consent", "tracking-pixel",
                 "no-consent-banner", "gpc-ignored", "pii-leak", "email-open-pixel", "email-click-tracking",
                 "email-remote-content"}


def minimal_result(requests: list[ClassifiedRequest]) -> ScanResult:
    return ScanResult(
        target="https://shop.com/", kind="site",
        started_at=datetime(2026, 11, 23, 17, 0, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, 23, 17, 0, 9, tzinfo=UTC),
        browser_version="156.0.8078.79", browser_path="/usr/bin/chromium",
        scenarios=("no-interaction",),
        pages=(PageVisit("https://shop.com/", "no-interaction", 200, "https://shop.com/"),),
        requests=tuple(requests), cookies=(), storage=(), websockets=(),
        findings=tuple(derive_findings(requests)), errors=(), options={}, rules_info={},
    )


def test_findings_json_has_the_spec_fields() -> None:
    requests = [cr("https://shop.com/", rtype="document"),
                cr("https://www.facebook.com/tr?id=123&ev=PageView", tracker=ADS, pixel=PIXEL),
                cr("https://px.unknown.test/p.gif?u=1", pixel=PIXEL)]
    doc = json.loads(json.dumps(to_dict(minimal_result(requests))))  # serialisable as written
    assert doc["schema_version"] == 1
    for key in SPEC_TOP:
        assert key in doc, key
    assert (doc["started_at"], doc["finished_at"]) == ("2026-11-23T17:00:00Z", "2026-11-23T17:00:09Z")
    for key in ("banner_found", "cmp", "reject_clicked", "accept_clicked"):
        assert key in doc["consent"]  # unknown values are null, never omitted
    for r in doc["requests"]:
        assert set(SPEC_REQUEST) <= set(r)
    assert doc["requests"][1]["pixel"] == {"width": 1, "height": 1, "bytes": 43,
                                           "reasons": list(PIXEL.reasons)}
    assert doc["requests"][1]["tracker"]["vendor"] == "Acme Ads"
    assert doc["requests"][0]["tracker"] is None and doc["requests"][0]["pixel"] is None

    assert len(doc["findings"]) == 4
    for f in doc["findings"]:
        assert set(SPEC_FINDING) <= set(f), f
        assert f["type"] in FINDING_TYPES
        assert f["severity"] in ("info", "low", "medium", "high")
        index = f["evidence"]["request_index"]
        assert doc["requests"][index]["url"] == f["url"]
        assert doc["requests"][index]["host"] == f["host"]
    first = doc["findings"][0]
    assert {k: first[k] for k in SPEC_FINDING} == {
        "type": "tracker-before-consent", "severity": "high", "site": "facebook.com",
        "host": "www.facebook.com", "vendor": "Acme Ads", "scenario": "no-interaction",
        "url": "https://www.facebook.com/tr?id=123&ev=PageView", "evidence": first["evidence"]}
    assert first["evidence"]["request_index"] == 1
    assert doc["summary"]["findings"] == {"high": 1, "medium": 1, "low": 0, "info": 2}


def test_findings_json_carries_the_decoded_consent_mode_of_google_hits() -> None:
    requests = [cr(f"{COLLECT}&gcs=G100&gcd=13p3p3p2p5l1", tracker=GA, rtype="ping"),
                cr("https://ads.acme.test/t?gcs=G100", tracker=ADS)]
    doc = json.loads(json.dumps(to_dict(minimal_result(requests))))
    hit = doc["requests"][0]["consent_mode"]
    assert (hit["gcs"], hit["gcd"], hit["state"]) == ("G100", "13p3p3p2p5l1", "denied")
    assert hit["gcs_decoded"] == {"ad_storage": "denied", "analytics_storage": "denied"}
    assert hit["gcd_decoded"]["ad_personalization"] == {"letter": "p", **DENIED_SIGNAL}
    assert doc["requests"][1]["consent_mode"] is None  # present, null: not a Google hit
    low = next(f for f in doc["findings"] if f["host"] == "region1.google-analytics.com")
    assert (low["severity"], low["evidence"]["consent_mode"]) == ("low", hit)
