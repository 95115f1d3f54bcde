"""Google Consent Mode: gcs and gcd decoding, a hit's state, and how it changes a before-consent finding."""

from __future__ import annotations

import pytest

from pixelaudit.consentmode import (
    consent_state,
    decode_gcd,
    decode_gcs,
    google_hit,
    granted_signals,
    read_hit,
    summary,
)
from pixelaudit.findings import derive_findings
from pixelaudit.model import ClassifiedRequest, Party, Request, TrackerMatch

SIGNALS = ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")
GRANTED = {"default": "granted", "update": "unset", "final": "granted"}
DENIED = {"default": "denied", "update": "unset", "final": "denied"}
UNSET = {"default": "unset", "update": "unset", "final": "unset"}
UNKNOWN = {"default": "unknown", "update": "unknown", "final": "unknown"}


@pytest.mark.parametrize(("gcs", "decoded", "state"), [
    ("G100", {"ad_storage": "denied", "analytics_storage": "denied"}, "denied"),
    ("G111", {"ad_storage": "granted", "analytics_storage": "granted"}, "granted"),
    ("G101", {"ad_storage": "denied", "analytics_storage": "granted"}, "granted"),
    ("G110", {"ad_storage": "granted", "analytics_storage": "denied"}, "granted"),
    (" G100 ", {"ad_storage": "denied", "analytics_storage": "denied"}, "denied"),
    (None, None, "none"), ("", None, "none"), ("G1", None, "none"), ("X100", None, "none"),
    ("G102", None, "none"), ("G1000", None, "none"), (100, None, "none"),
])  # fmt: skip
def test_decode_gcs(gcs, decoded, state) -> None:
    assert decode_gcs(gcs) == decoded and consent_state(gcs) == state


def letters(raw: str, *states: dict) -> dict:
    """The expected decode_gcd result: each signal's letter and states."""
    picked = [c for c in raw[2:] if c.isalpha()][:4]
    return {"raw": raw, **{name: {"letter": letter, **state}
                           for name, letter, state in zip(SIGNALS, picked, states, strict=True)}}


@pytest.mark.parametrize(("gcd", "expected", "state"), [
    # no Consent Mode at all: every signal unset
    ("13l3l3l3l1", letters("13l3l3l3l1", UNSET, UNSET, UNSET, UNSET), "none"),
    ("13l3l3l3l1l1", letters("13l3l3l3l1l1", UNSET, UNSET, UNSET, UNSET), "none"),
    # everything denied by default, no update yet (seen with gcs=G100)
    ("13p3p3p2p1", letters("13p3p3p2p1", DENIED, DENIED, DENIED, DENIED), "denied"),
    ("13p3p3p2p5l1", letters("13p3p3p2p5l1", DENIED, DENIED, DENIED, DENIED), "denied"),
    ("11p1p1p1p5", letters("11p1p1p1p5", DENIED, DENIED, DENIED, DENIED), "denied"),
    # denied by default, denied again by the update (a reject; seen with gcs=G100)
    ("13q3q3q2q5l1", letters("13q3q3q2q5l1", *[{"default": "denied", "update": "denied", "final": "denied"}] * 4),
     "denied"),
    # denied by default, granted by the update (an accept; seen with gcs=G111)
    ("13r3r3r2r7", letters("13r3r3r2r7", *[{"default": "denied", "update": "granted", "final": "granted"}] * 4),
     "granted"),
    # granted by default: a violation before any choice
    ("11t1t1t1t5", letters("11t1t1t1t5", GRANTED, GRANTED, GRANTED, GRANTED), "granted"),
    ("13t3t3t2t5l1", letters("13t3t3t2t5l1", GRANTED, GRANTED, GRANTED, GRANTED), "granted"),
    # granted by default, withdrawn by the update
    ("11u1u1u1u5", letters("11u1u1u1u5", *[{"default": "granted", "update": "denied", "final": "denied"}] * 4),
     "denied"),
    ("11v1v1v1v5", letters("11v1v1v1v5", *[{"default": "granted", "update": "granted", "final": "granted"}] * 4),
     "granted"),
    # no default, only an update
    ("11p1m1p1p5", letters("11p1m1p1p5", DENIED, {"default": "unset", "update": "denied", "final": "denied"},
                           DENIED, DENIED), "denied"),
    ("11n1n1n1n5", letters("11n1n1n1n5", *[{"default": "unset", "update": "granted", "final": "granted"}] * 4),
     "granted"),
    # storage denied but the v2 signals granted by default: counts as granted
    ("13p3p3t2t5", letters("13p3p3t2t5", DENIED, DENIED, GRANTED, GRANTED), "granted"),
    # only analytics_storage denied, the rest never set: not a cookieless ping
    ("11l1p1l1l5", letters("11l1p1l1l5", UNSET, DENIED, UNSET, UNSET), "none"),
    # storage denied, v2 signals never set (a v1 setup): storage decides, so a cookieless ping
    ("11p1p1l1l5", letters("11p1p1l1l5", DENIED, DENIED, UNSET, UNSET), "denied"),
    # letters outside the table are unknown and never make a ping cookieless
    ("13e3p3p2p1", letters("13e3p3p2p1", UNKNOWN, DENIED, DENIED, DENIED), "none"),
    ("13P3p3p2p1", letters("13P3p3p2p1", UNKNOWN, DENIED, DENIED, DENIED), "none"),
    ("13o3s3p2p1", letters("13o3s3p2p1", UNKNOWN, UNKNOWN, DENIED, DENIED), "none"),
    (" 13p3p3p2p1 ", letters("13p3p3p2p1", DENIED, DENIED, DENIED, DENIED), "denied"),
])  # fmt: skip
def test_decode_gcd(gcd, expected, state) -> None:
    assert decode_gcd(gcd) == expected
    assert consent_state(None, gcd) == state


@pytest.mark.parametrize("garbage", [
    None, "", "garbage", "G100", "13", "13l3l3l", "13l3l3l3", "1l3l3l3l1", "13ll3l3l1", "13l3l3l3l1-x",
    "13l3l3l3l1" + "1" * 20, "13l3l3l3l1<script>", "１３l3l3l3l1", 13, ["13l3l3l3l1"], b"13l3l3l3l1",
])  # fmt: skip
def test_garbage_gcd_is_none_and_never_raises(garbage) -> None:
    assert decode_gcd(garbage) is None
    assert consent_state(None, garbage) == "none"


@pytest.mark.parametrize(("gcs", "gcd", "state"), [
    ("G100", "13p3p3p2p5l1", "denied"),
    ("G100", "13q3q3q2q5l1", "denied"),
    ("G111", "13r3r3r2r5l1", "granted"),
    ("G100", "13p3p3t2t5", "granted"),  # ad_user_data / ad_personalization granted by default
    ("G100", "13l3l3l3l1", "denied"),  # gcs is the storage state the tag acted on
    ("G100", "garbage", "denied"),
    ("G100", "13r3r3r2r5", "granted"),  # contradiction: granted wins
    ("G111", "13p3p3p2p1", "granted"),
    ("junk", "13p3p3p2p1", "denied"),  # unparsable gcs: gcd decides
    ("junk", "13l3l3l3l1", "none"),
    (None, None, "none"),
])  # fmt: skip
def test_gcs_and_gcd_together(gcs, gcd, state) -> None:
    assert consent_state(gcs, gcd) == state


def test_read_hit_from_query_and_floodlight_path() -> None:
    hit = read_hit("https://region1.google-analytics.com/g/collect?v=2&tid=G-1&gcs=G100&gcd=13p3p3p2p5l1&npa=1")
    assert hit == {"gcs": "G100", "gcd": "13p3p3p2p5l1",
                   "gcs_decoded": {"ad_storage": "denied", "analytics_storage": "denied"},
                   "gcd_decoded": letters("13p3p3p2p5l1", DENIED, DENIED, DENIED, DENIED), "state": "denied"}
    flood = read_hit("https://ad.doubleclick.net/activity;src=1;type=a;gcs=G111;gcd=13r3r3r2r5l1;dma=1;ord=2?")
    assert (flood["gcs"], flood["gcd"], flood["state"]) == ("G111", "13r3r3r2r5l1", "granted")
    only_gcd = read_hit("https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/?gcd=13l3l3l3l1l1&dma=0")
    assert (only_gcd["gcs"], only_gcd["gcs_decoded"], only_gcd["state"]) == (None, None, "none")
    assert read_hit("https://region1.google-analytics.com/g/collect?v=2&tid=G-1") is None
    assert read_hit("https://x.test/?notgcs=G100&xgcd=13p3p3p2p1") is None
    assert read_hit(None) is None and read_hit("") is None


def test_read_hit_prefers_the_rule_extracted_gcs_and_clips_raw_values() -> None:
    assert read_hit("https://x.test/g/collect?gcs=G111", "G100")["gcs"] == "G100"
    assert read_hit("https://x.test/g/collect?v=2", "G100")["state"] == "denied"
    long = read_hit("https://x.test/?gcd=" + "9" * 500)
    assert (len(long["gcd"]), long["gcd_decoded"], long["state"]) == (100, None, "none")
    assert read_hit("https://x.test/?gcd=13p3p3p2p1%20")["gcd_decoded"]["raw"] == "13p3p3p2p1"


def test_only_google_tags_are_read() -> None:
    url = "https://www.facebook.com/tr?id=1&gcs=G100&gcd=13p3p3p2p1"
    meta = TrackerMatch("Meta Pixel", "advertising", "meta-pixel", "Meta Platforms, Inc.")
    assert google_hit(meta, url) is None
    assert google_hit(None, url) is None
    ads = TrackerMatch("Google Ads", "advertising", "google-ads", "Google LLC")
    assert google_hit(ads, url)["state"] == "denied"
    assert google_hit(ads, "https://googleads.g.doubleclick.net/pagead/conversion/1/?label=x") is None
    extracted = TrackerMatch("Google Analytics", "analytics", "google-analytics", consent="G100")
    assert google_hit(extracted, "https://x.test/g/collect?v=2")["gcs"] == "G100"


@pytest.mark.parametrize(("gcs", "gcd", "granted", "text"), [
    ("G100", "13p3p3p2p1", [], "a cookieless ping: Consent Mode says storage is denied"),
    ("G111", "13r3r3r2r5", list(SIGNALS), "Consent Mode says " + ", ".join(SIGNALS) + " granted"),
    ("G100", "13p3p3t2p5", ["ad_user_data"], "Consent Mode says ad_user_data granted"),
    (None, "13l3l3l3l1", [], "no Consent Mode state: gcd shows no default and no update"),
    ("G1x", None, [], "no readable Consent Mode state"),
])  # fmt: skip
def test_summary_says_what_the_hit_carries(gcs, gcd, granted, text) -> None:
    query = "&".join(f"{k}={v}" for k, v in (("gcs", gcs), ("gcd", gcd)) if v)
    hit = read_hit(f"https://x.test/g/collect?{query}")
    assert granted_signals(hit) == granted and summary(hit) == text


def ga_hit(gcs: str | None, gcd: str | None = None, company: str | None = None) -> ClassifiedRequest:
    url = ("https://www.google-analytics.com/g/collect?v=2&tid=G-1" + (f"&gcs={gcs}" if gcs else "")
           + (f"&gcd={gcd}" if gcd else ""))
    request = Request(url, "POST", "ping", "no-interaction", "https://shop.example/", 100.0, "main")
    tracker = TrackerMatch("Google Analytics", "analytics", "google-analytics", company, consent=gcs)
    return ClassifiedRequest(request, Party("www.google-analytics.com", "google-analytics.com", "third"),
                             tracker, None, True)


@pytest.mark.parametrize(("gcs", "severity"), [("G100", "low"), ("G111", "high"), (None, "high")])
def test_denied_pings_are_a_warning_granted_or_unknown_are_high(gcs, severity) -> None:
    (finding,) = derive_findings([ga_hit(gcs)])
    assert finding.type == "tracker-before-consent" and finding.severity == severity
    assert ("cookieless ping" in finding.message) == (gcs == "G100")


@pytest.mark.parametrize(("gcs", "gcd", "severity"), [
    (None, "13p3p3p2p5l1", "low"),  # all denied in gcd, no gcs: a cookieless ping too
    (None, "13q3q3q2q5l1", "low"),
    (None, "13l3l3l3l1", "high"),  # no consent default at all
    (None, "11t1t1t1t5", "high"),
    (None, "13e3p3p2p1", "high"),  # an unknown letter never lowers the severity
    (None, "garbage", "high"),
    ("G100", "13p3p3t2t5", "high"),  # ad_user_data / ad_personalization granted before the choice
    ("G100", "13p3p3p2p5l1", "low"),
])  # fmt: skip
def test_gcd_decides_for_google_hits(gcs, gcd, severity) -> None:
    (finding,) = derive_findings([ga_hit(gcs, gcd, company="Google LLC")])
    assert (finding.type, finding.severity) == ("tracker-before-consent", severity)
