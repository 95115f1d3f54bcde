"""Real consent-platform code from npm, vendored with its licence: vanilla-cookieconsent 3.1.0 (MIT) and
Klaro 0.7.22 (BSD-3-Clause). Each gates the same tags; our engine must reject and accept through the
CMP's own UI, the CMP must store that choice, and a compliant setup must give zero violations."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest

ALL = ("no-interaction", "reject", "accept", "gpc")
TAGS = {"www.facebook.com", "www.google-analytics.com"}


@pytest.mark.parametrize(("host", "cookie", "reject_text", "accept_text", "stored"), [
    ("vcc.consent-real.com", "cc_cookie", "Reject all", "Accept all",
     lambda v: json.loads(v)["categories"]),
    ("klaro.consent-real.com", "klaro", "I decline", "That's ok",
     lambda v: sorted(k for k, on in json.loads(v).items() if on)),
])  # fmt: skip
def test_real_cmp(scan, host, cookie, reject_text, accept_text, stored):
    result = scan(f"https://{host}/", scenarios=ALL)
    assert result["complete"], result["errors"]
    clicks = {c["scenario"]: c for c in result["consent"]["clicks"]}
    assert clicks["reject"]["clicked"] and clicks["reject"]["button_text"] == reject_text
    assert clicks["accept"]["clicked"] and clicks["accept"]["button_text"] == accept_text
    assert [f for f in result["findings"] if f["type"] != "tracking-pixel"] == []  # compliant: zero violations
    fired = {(r["scenario"], r["host"]) for r in result["requests"] if r["host"] in TAGS}
    assert fired == {("accept", h) for h in TAGS}  # only after accepting, on both pages
    assert all(not r["before_consent"] for r in result["requests"] if r["host"] in TAGS)
    choice = {c["scenario"]: stored(unquote(c["value"])) for c in result["cookies"] if c["name"] == cookie}
    assert choice["reject"] in (["necessary"], [])  # the CMP stored a reject
    assert choice["accept"] in (["necessary", "analytics"], ["google-analytics", "meta-pixel"])
