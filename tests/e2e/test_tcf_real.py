"""TCF on the IAB's own code: @iabtcf/stub + CmpApi + TCModel/TCString 1.5.6 (Apache-2.0, vendored under
tests/sites/assets.consent-judge.com/vendor/iabtcf/) behind a small fixture CMP (cmp.consent-judge-cmp.com).

- tcfreal: the CMP in the top frame, waiting for the visitor: zero findings.
- tcfrealbad: the same CMP granting everything before any choice, then honouring a reject: exactly one
  `tcf-consent-before-choice`.
- tcfframe: the CMP in a cross-origin iframe, the top page without `__tcfapi`: read by postMessage through
  the `__tcfapiLocator` frame the stub creates in the CMP's frame.
Plus the reader script alone on each route (one browser, no scan).
"""

from __future__ import annotations

import asyncio
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from pixelaudit.browser import launch_scenario, make_profile
from pixelaudit.config import ScanConfig, parse_resolve
from pixelaudit.tcf import READ_TCF_JS, decode_tc_string

EMPTY = {"purposes": [], "vendors": []}
ALL = {"purposes": list(range(1, 12)), "vendors": [1, 2, 755]}  # the fixture CMP's vendor list


def states(result: dict) -> dict:
    """(scenario, moment) -> what the TC string said then."""
    out = {}
    for t in result["tcf"]:
        decoded = t["decoded"]
        assert decoded["policy_version"] == 4 and decoded["vendor_list_version"] == 100 and decoded["cmp_version"] == 1
        out[(t["scenario"], t["moment"])] = (t["cmp_id"], t["event_status"],
                                             {"purposes": decoded["purposes_consent"],
                                              "vendors": decoded["vendors_consent"]})
    return out


def findings(result: dict) -> set[tuple[str, str, str]]:
    return {(f["scenario"], f["type"], f["host"]) for f in result["findings"]}


def test_cmpapi_in_the_top_frame_waits_for_the_visitor(scan):
    result = scan("https://tcfreal.consent-judge.com/", scenarios=("reject", "accept"))
    assert result["complete"], result["errors"]
    clicks = {c["scenario"]: c for c in result["consent"]["clicks"]}
    assert clicks["reject"]["button_text"] == "Reject all" and clicks["accept"]["button_text"] == "Accept all"
    assert states(result) == {
        ("reject", "before-choice"): (301, "cmpuishown", EMPTY),
        ("reject", "after-choice"): (301, "useractioncomplete", EMPTY),
        ("accept", "before-choice"): (301, "cmpuishown", EMPTY),
        ("accept", "after-choice"): (301, "useractioncomplete", ALL),
    }
    assert findings(result) == set()
    assert {(p["scenario"], p["url"]) for p in result["pages"]} >= {
        ("accept", "https://tcfreal.consent-judge.com/page2.html")}


def test_cmpapi_granting_before_the_choice(scan):
    result = scan("https://tcfrealbad.consent-judge.com/", scenarios=("reject",))
    assert result["complete"], result["errors"]
    assert states(result) == {
        ("reject", "before-choice"): (301, "cmpuishown", ALL),
        ("reject", "after-choice"): (301, "useractioncomplete", EMPTY),  # the reject itself is honoured
    }
    assert findings(result) == {("reject", "tcf-consent-before-choice", "tcfrealbad.consent-judge.com")}
    finding = next(f for f in result["findings"])
    assert finding["severity"] == "high" and finding["evidence"]["cmp_id"] == 301
    assert finding["evidence"]["event_status"] == "cmpuishown"
    from pixelaudit.report.html import render

    page = render(result)  # the report shows the TC strings and the verdict
    assert 'id="tcf"' in page and page.count('<div class="sub">consent before the visitor acted</div>') == 1


def test_cmpapi_in_a_cross_origin_iframe_is_read_by_postmessage(scan):
    result = scan("https://tcfframe.consent-judge.com/", scenarios=("reject", "accept"))
    assert result["complete"], result["errors"]
    clicks = {c["scenario"]: c for c in result["consent"]["clicks"]}
    for scenario in ("reject", "accept"):
        assert clicks[scenario]["clicked"] and clicks[scenario]["frame_url"] == (
            "https://cmp.consent-judge-cmp.com/frame.html")
    assert states(result) == {
        ("reject", "before-choice"): (302, "cmpuishown", EMPTY),
        ("reject", "after-choice"): (302, "useractioncomplete", EMPTY),
        ("accept", "before-choice"): (302, "cmpuishown", EMPTY),
        ("accept", "after-choice"): (302, "useractioncomplete", ALL),
    }
    assert {t["page_url"] for t in result["tcf"]} == {"https://tcfframe.consent-judge.com/"}
    assert {t["via"] for t in result["tcf"]} == {"postMessage"}  # findings.json says how it was read
    assert findings(result) == set()


READER_PAGES = {
    "top": "https://tcfreal.consent-judge.com/",
    "iframe": "https://tcfframe.consent-judge.com/",
    "named": "https://tcfframe.consent-judge.com/named.html",
    "mute": "https://tcfframe.consent-judge.com/mute.html",
    "none": "https://compliant.consent-judge.com/",
}
# The stub makes its locator frame on a 5 ms timer once <body> exists, which can fall after the load event;
# a scan reads only after the network went quiet, so wait for the locator as a scan would.
LOCATOR_READY = "() => { try { return !!window.frames[0].frames['__tcfapiLocator']; } catch (e) { return false; } }"


async def _read_all(sites, chromium, out_dir) -> dict:
    from playwright.async_api import async_playwright

    config = ScanConfig(target=READER_PAGES["top"], out_dir=out_dir,
                        resolve=(parse_resolve(sites.resolve),), trust_certs=(sites.leaf_pem,))
    results = {}
    async with async_playwright() as playwright:
        profile = make_profile(False)
        context = await launch_scenario(playwright, config, chromium, profile, None)
        try:
            page = await context.new_page()
            for name, url in READER_PAGES.items():
                await page.goto(url, wait_until="load")
                if name == "iframe":
                    await page.wait_for_function(LOCATOR_READY, timeout=5000)
                results[name] = await page.evaluate(READ_TCF_JS)
            # After the reader unsubscribed, a choice made in the CMP's frame reaches a second read.
            await page.goto(READER_PAGES["iframe"], wait_until="load")
            await page.wait_for_function(LOCATOR_READY, timeout=5000)
            first = await page.evaluate(READ_TCF_JS)
            cmp = next(f for f in page.frames if f.url == "https://cmp.consent-judge-cmp.com/frame.html")
            await cmp.click("#accept-all")
            results["iframe-after-accept"] = (first, await page.evaluate(READ_TCF_JS))
        finally:
            await context.close()
            shutil.rmtree(profile, ignore_errors=True)
    return results


@pytest.fixture(scope="module")
def reads(sites, chromium, tmp_path_factory):
    # A worker thread keeps this event loop apart from pytest-playwright's.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _read_all(sites, chromium, tmp_path_factory.mktemp("tcf"))).result()


def _summary(read: dict) -> tuple:
    decoded = decode_tc_string(read["tcString"])
    return (read["via"], read["cmpId"], read["eventStatus"], read["gdprApplies"],
            decoded["purposes_consent"], decoded["vendors_consent"])


def test_reader_calls_tcfapi_in_the_top_frame(reads):
    assert _summary(reads["top"]) == ("__tcfapi", 301, "cmpuishown", True, [], [])


def test_reader_posts_to_the_window_holding_the_locator(reads):
    # the stub made __tcfapiLocator a child of the CMP's iframe: only postMessage reaches it
    assert _summary(reads["iframe"]) == ("postMessage", 302, "cmpuishown", True, [], [])


def test_reader_posts_to_a_cmp_frame_named_locator(reads):
    assert _summary(reads["named"]) == ("postMessage", 303, "cmpuishown", True, [], [])


def test_reader_gives_up_on_a_locator_nobody_answers_for(reads):
    assert reads["mute"] == {"timeout": True}


def test_reader_without_any_tcf(reads):
    assert reads["none"] is None


def test_reader_sees_a_choice_made_after_an_earlier_read(reads):
    before, after = reads["iframe-after-accept"]
    assert _summary(before) == ("postMessage", 302, "cmpuishown", True, [], [])
    assert _summary(after) == ("postMessage", 302, "useractioncomplete", True, list(range(1, 12)), [1, 2, 755])
