"""Google Consent Mode: gcs decoding and how it changes a before-consent finding's severity."""

from __future__ import annotations

import pytest

from pixelaudit.consentmode import consent_state, decode_gcs
from pixelaudit.findings import derive_findings
from pixelaudit.model import ClassifiedRequest, Party, Request, TrackerMatch


@pytest.mark.parametrize(("gcs", "decoded", "state"), [
    ("G100", {"ad_storage": "denied", "analytics_storage": "denied"}, "denied"),
    ("G111", {"ad_storage": "granted", "analytics_storage": "granted"}, "granted"),
    ("G101", {"ad_storage": "denied", "analytics_storage": "granted"}, "granted"),
    ("G110", {"ad_storage": "granted", "analytics_storage": "denied"}, "granted"),
    (None, None, "none"), ("", None, "none"), ("G1", None, "none"), ("X100", None, "none"),
])  # fmt: skip
def test_decode(gcs, decoded, state) -> None:
    assert decode_gcs(gcs) == decoded and consent_state(gcs) == state


def ga_hit(gcs: str | None) -> ClassifiedRequest:
    url = "https://www.google-analytics.com/g/collect?v=2&tid=G-1" + (f"&gcs={gcs}" if gcs else "")
    request = Request(url, "POST", "ping", "no-interaction", "https://shop.example/", 100.0, "main")
    tracker = TrackerMatch("Google Analytics", "analytics", "google-analytics", consent=gcs)
    return ClassifiedRequest(request, Party("www.google-analytics.com", "google-analytics.com", "third"),
                             tracker, None, True)


@pytest.mark.parametrize(("gcs", "severity"), [("G100", "low"), ("G111", "high"), (None, "high")])
def test_denied_pings_are_a_warning_granted_or_unknown_are_high(gcs, severity) -> None:
    (finding,) = derive_findings([ga_hit(gcs)])
    assert finding.type == "tracker-before-consent" and finding.severity == severity
    assert ("cookieless ping" in finding.message) == (gcs == "G100")
