"""Real consent-platform code from npm, vendored with its licence: vanilla-cookieconsent 3.1.0 (MIT) and
Klaro 0.7.22 (BSD-3-Clause). Each gates the same tags; DuckDuckGo autoconsent must recognise the platform
and reject and accept through it, the CMP must store that choice, and a compliant setup must give zero
violations."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

ALL = ("no-interaction", "reject", "accept", "gpc")
TAGS = {"www.facebook.com", "www.google-analytics.com"}


@pytest.mark.parametrize(("host", "cmp", "cookie", "reject_text", "accept_text", "stored"), [
    ("vcc.consent-real.com", "cookieconsent3", "cc_cookie", "Reject all", "Accept all",
     lambda v: json.loads(v)["categories"]),
    # autoconsent's Klaro rule rejects through Klaro's own API, so no button is pressed (and none claimed)
    ("klaro.consent-real.com", "Klaro", "klaro", None, "That's ok",
     lambda v: sorted(k for k, on in json.loads(v).items() if on)),
])  # fmt: skip
def test_real_cmp(scan, host, cmp, cookie, reject_text, accept_text, stored):
    result = scan(f"https://{host}/", scenarios=ALL)
    assert result["complete"], result["errors"]
    clicks = {c["scenario"]: c for c in result["consent"]["clicks"]}
    assert set(clicks) == {"reject", "accept"}
    for scenario, text in (("reject", reject_text), ("accept", accept_text)):
        click = clicks[scenario]
        assert click["clicked"] and click["method"] == "autoconsent" and click["cmp"] == cmp, click
        assert click["button_text"] == text and (click["selector"] is None) == (text is None)
        assert click["time_ms"] > 0 and click["screenshot"]
        if text is None:
            assert click["note"] == "choice made through the platform's own API (no button pressed)"
    assert [f for f in result["findings"] if f["type"] != "tracking-pixel"] == []  # compliant: zero violations
    fired = {(r["scenario"], r["host"]) for r in result["requests"] if r["host"] in TAGS}
    assert fired == {("accept", h) for h in TAGS}  # only after accepting, on both pages
    assert all(not r["before_consent"] for r in result["requests"] if r["host"] in TAGS)
    choice = {c["scenario"]: stored(unquote(c["value"])) for c in result["cookies"] if c["name"] == cookie}
    assert set(choice) == {"reject", "accept"}  # autoconsent is injected to click, never to watch
    assert choice["reject"] in (["necessary"], [])  # the CMP stored a reject
    assert choice["accept"] in (["necessary", "analytics"], ["google-analytics", "meta-pixel"])
