"""All four scenarios against sites that are compliant, leaky, honour reject only on page 1, and honour or
ignore GPC. Each test asserts the exact violations per scenario (tracking-pixel findings are informational
and checked separately)."""

from __future__ import annotations

import pytest

ALL = ("no-interaction", "reject", "accept", "gpc")
FB, GA = "www.facebook.com", "www.google-analytics.com"
FR = "facebook.com"  # the pixel's answer sets Meta's third-party fr cookie on .facebook.com


def violations(result: dict) -> set[tuple[str, str, str]]:
    return {(f["scenario"], f["type"], f["host"]) for f in result["findings"] if f["type"] != "tracking-pixel"}


@pytest.fixture(scope="module")
def judged(scan):
    cache: dict[str, dict] = {}

    def run(host: str) -> dict:
        if host not in cache:
            cache[host] = scan(f"https://{host}/", scenarios=ALL)
        return cache[host]

    return run


def test_compliant_site_has_zero_violations(judged):
    result = judged("compliant.consent-judge.com")
    assert result["complete"], result["errors"]
    assert violations(result) == set()
    consent = result["consent"]
    assert consent["banner_found"] is True and consent["reject_clicked"] is True and consent["accept_clicked"] is True
    # tracking happens only after accept: informational pixels in that scenario alone
    assert {f["scenario"] for f in result["findings"]} <= {"accept"}
    after_accept = [r for r in result["requests"] if r["scenario"] == "accept" and r["host"] == FB]
    assert after_accept and all(r["before_consent"] is False for r in after_accept)
    pages = {(p["scenario"], p["url"]) for p in result["pages"]}
    assert ("reject", "https://compliant.consent-judge.com/page2.html") in pages


def test_leaky_site(judged):
    site = "leaky.consent-judge.com"
    result = judged(site)
    before = {(s, "tracker-before-consent", h) for s in ALL for h in (FB, GA)}
    cookies = {(s, "cookie-before-consent", host) for s in ALL for host in (site, FR)}
    after_reject = {("reject", "tracker-after-reject", h) for h in (FB, GA)}  # page 2 loads them again
    gpc = {("gpc", "gpc-ignored", h) for h in (FB, GA)}
    assert violations(result) == before | cookies | after_reject | gpc


def test_reject_honoured_on_page_one_but_not_page_two(judged):
    result = judged("page2leak.consent-judge.com")
    assert violations(result) == {("reject", "tracker-after-reject", h) for h in (FB, GA)}
    leak = next(f for f in result["findings"] if f["type"] == "tracker-after-reject")
    assert leak["evidence"]["page_url"] == "https://page2leak.consent-judge.com/page2.html"


def test_gpc_ignored(judged):
    site = "gpcignore.consent-judge.com"
    result = judged(site)
    assert violations(result) == ({("gpc", t, h) for t in ("tracker-before-consent", "gpc-ignored") for h in (FB, GA)}
                                  | {("gpc", "cookie-before-consent", h) for h in (site, FR)})


def test_gpc_honoured(judged):
    site = "gpchonour.consent-judge.com"
    result = judged(site)
    fired = {(s, "tracker-before-consent", h) for s in ("no-interaction", "reject", "accept") for h in (FB, GA)}
    cookies = {(s, "cookie-before-consent", h) for s in ("no-interaction", "reject", "accept") for h in (site, FR)}
    after_reject = {("reject", "tracker-after-reject", h) for h in (FB, GA)}  # page 2 ignores the reject too
    assert violations(result) == fired | cookies | after_reject
    assert not any(r["scenario"] == "gpc" and r["host"] in (FB, GA) for r in result["requests"])


def test_tcf_consent_before_choice_and_after_reject(judged):
    result = judged("tcfbad.consent-judge.com")
    assert violations(result) == ({(s, "tcf-consent-before-choice", "tcfbad.consent-judge.com") for s in ALL}
                                  | {("reject", "tcf-consent-after-reject", "tcfbad.consent-judge.com")})
    before = next(t for t in result["tcf"] if t["scenario"] == "reject" and t["moment"] == "before-choice")
    assert before["cmp_id"] == 300 and before["event_status"] == "cmpuishown"
    assert before["decoded"]["purposes_consent"] == list(range(1, 11))
    assert before["decoded"]["vendors_consent"] == [1, 2, 755] and before["decoded"]["policy_version"] == 4


def test_tcf_that_waits_for_the_visitor(judged):
    result = judged("tcfgood.consent-judge.com")
    assert violations(result) == set()
    states = {(t["scenario"], t["moment"]): t["decoded"]["purposes_consent"] for t in result["tcf"]}
    assert states[("reject", "after-choice")] == [] and states[("accept", "after-choice")] == list(range(1, 11))
    assert states[("no-interaction", "before-choice")] == []
