"""End to end in real headless Chromium: the Pixel Lab fixture site, served on loopback under real
third-party hostnames, exercises every way a page sends data. Each assertion names exact requests."""

from __future__ import annotations

import pytest

LAB = "https://www.pixel-lab.com/"
FB = "https://www.facebook.com/tr?id=111222333&ev=PageView&noscript=1"
FIRST_PX = "https://www.pixel-lab.com/px.gif?e=view"
SPACER = "https://www.pixel-lab.com/img/spacer.gif"
LOGO = "https://cdn.partner-logos.com/logo.png"
UNKNOWN = "https://tracker.adnet-example.com/p.gif?uid=abc123"
CSS_BG = "https://bg.pixel-example.net/b.gif?c=1"
SYNC = "https://sync.adnet-example.com/sync?u=42"
SYNC_END = "https://match.partner-example.org/m.gif?u=42"
GA = "https://www.google-analytics.com/g/collect?v=2&tid=G-LAB123&en=page_view"
SEGMENT = "https://api.segment.io/v1/t"
EMBED = "https://widgets.social-example.com/embed.html"
EMBED_PX = "https://widgets.social-example.com/px.gif?w=embed"
SHARE = "https://widgets.social-example.com/share.html"
XHR = "https://www.pixel-lab.com/api/config?v=1"
A_PING = "https://widgets.social-example.com/ping?share=1"
LAZY = "https://bat.bing.com/action/0?ti=5566&evt=pageLoad"
UNLOAD = "https://stats.pixel-lab.com/leave?x=1"

PIXELS = {FB, FIRST_PX, UNKNOWN, CSS_BG, SYNC_END, GA, SEGMENT, EMBED_PX, A_PING, LAZY, UNLOAD}
NOT_PIXELS = {LAB, SPACER, LOGO, SYNC, EMBED, SHARE, XHR}


@pytest.fixture(scope="module")
def lab(scan):
    return scan(LAB)


def requests_by_url(result: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in result["requests"]:
        out.setdefault(r["url"], r)
    return out


def test_scan_is_complete_and_follows_the_contract(lab):
    assert lab["complete"] is True and lab["errors"] == []
    assert lab["schema_version"] == 1 and lab["kind"] == "site" and lab["target"] == LAB
    assert lab["scenarios"] == ["no-interaction"]
    assert lab["browser"]["version"] and lab["tool"]["name"] == "pixelaudit"
    assert lab["pages"] == [{"url": LAB, "scenario": "no-interaction", "status": 200, "final_url": LAB,
                             "title": "Pixel Lab"}]
    required = {"url", "method", "resource_type", "status", "scenario", "page_url", "time_ms",
                "before_consent", "host", "site", "party", "tracker", "pixel"}
    for r in lab["requests"]:
        assert required <= r.keys()
        assert r["scenario"] == "no-interaction" and r["before_consent"] is True
        assert r["time_ms"] >= 0


def test_every_kind_of_request_is_captured(lab):
    reqs = requests_by_url(lab)
    assert PIXELS | NOT_PIXELS <= reqs.keys()
    assert "https://widgets.social-example.com/thanks.html" in reqs
    assert reqs[LAB]["resource_type"] == "document" and reqs[LAB]["frame"] == "main"
    assert reqs[GA]["resource_type"] == "ping" and reqs[GA]["method"] == "POST"
    assert reqs[SEGMENT]["resource_type"] == "fetch" and reqs[SEGMENT]["keepalive"] is True
    assert reqs[A_PING]["resource_type"] == "ping"
    assert reqs[UNKNOWN]["resource_type"] == "image"  # new Image(), never in the DOM
    assert reqs[CSS_BG]["resource_type"] == "image"
    assert reqs[LAZY]["resource_type"] == "image"  # loaded only after the scroll
    assert reqs[XHR]["resource_type"] == "xhr" and reqs[XHR]["status"] == 200
    assert reqs[XHR]["content_type"] == "application/json" and reqs[XHR]["size"] == 2
    # data: placeholders are not network requests
    assert not any(u.startswith("data:") for u in reqs)


def test_iframes_redirects_websockets_and_unload_beacons(lab):
    reqs = requests_by_url(lab)
    assert reqs[EMBED]["frame"] == "subframe" and reqs[EMBED]["resource_type"] == "document"
    assert reqs[EMBED_PX]["frame"] == "subframe"
    assert reqs[SYNC]["status"] == 302 and reqs[SYNC]["redirected_to"] == SYNC_END
    assert reqs[SYNC_END]["redirect_chain"] == [SYNC] and reqs[SYNC_END]["status"] == 200
    assert [ws["url"] for ws in lab["websockets"]] == ["wss://ws.pixel-lab.com/socket"]
    leave = reqs[UNLOAD]
    assert leave["source"] == "netlog" and leave["unload"] is True and leave["method"] == "POST"
    # the browser closes 150 ms after unload: the beacon starts, its answer may come too late to read
    assert leave["status"] in (204, None)
    # Only the unload beacon needed the net log; the favicon is the browser's, never reported.
    assert [r["url"] for r in lab["requests"] if r["source"] == "netlog"] == [UNLOAD]


def test_pixels_are_exactly_the_tracking_ones(lab):
    reqs = requests_by_url(lab)
    flagged = {u for u, r in reqs.items() if r["pixel"]}
    assert flagged == PIXELS
    fb = reqs[FB]["pixel"]
    assert (fb["width"], fb["height"], fb["bytes"]) == (1, 1, 43)
    assert any("hidden" in why for why in fb["reasons"])
    assert any("never drawn" in why for why in reqs[UNKNOWN]["pixel"]["reasons"])
    assert any("redirect" in why for why in reqs[SYNC_END]["pixel"]["reasons"])
    assert reqs[SYNC_END]["pixel"]["width"] == 1  # a PNG, decoded
    assert any("net log" in why for why in reqs[UNLOAD]["pixel"]["reasons"])


def test_parties(lab):
    reqs = requests_by_url(lab)
    assert reqs[FIRST_PX]["party"] == "first" and reqs[FIRST_PX]["site"] == "pixel-lab.com"
    assert reqs[UNLOAD]["party"] == "first"  # stats.pixel-lab.com
    assert reqs[SPACER]["party"] == "first"
    for url in (FB, LOGO, UNKNOWN, GA, SEGMENT, EMBED, LAZY):
        assert reqs[url]["party"] == "third", url
    assert reqs[FB]["site"] == "facebook.com" and reqs[FB]["host"] == "www.facebook.com"


def test_known_trackers_are_named(lab):
    reqs = requests_by_url(lab)
    assert reqs[FB]["tracker"]["rule"] == "meta-pixel"
    assert reqs[GA]["tracker"]["rule"] == "google-analytics"
    assert reqs[SEGMENT]["tracker"]["rule"] == "segment"
    assert reqs[LAZY]["tracker"]["rule"] == "microsoft-uet"
    assert reqs[GA]["tracker"]["id"] == "G-LAB123" and reqs[GA]["tracker"]["event"] == "page_view"
    assert reqs[FB]["tracker"]["label"] == "Meta Pixel 111222333 · PageView"
    # an unknown ad network sending uid=: found by the heuristics, never named as a vendor
    unknown = reqs[UNKNOWN]["tracker"]
    assert unknown["rule"] == "heuristic:id-param" and unknown["vendor"] is None and unknown["category"] == "unknown"
    for url in (CSS_BG, LOGO, FIRST_PX, SPACER):
        assert reqs[url]["tracker"] is None, url


def test_findings(lab):
    got = {(f["type"], f["host"], f["severity"]) for f in lab["findings"]}
    high = {"www.facebook.com", "www.google-analytics.com", "api.segment.io", "bat.bing.com"}
    medium = {"www.pixel-lab.com", "tracker.adnet-example.com", "bg.pixel-example.net",
              "match.partner-example.org", "widgets.social-example.com", "stats.pixel-lab.com"}
    expected = ({("tracker-before-consent", h, "high") for h in high}
                | {("tracker-before-consent", h, "medium") for h in medium}
                | {("tracking-pixel", h, "info") for h in high | medium}
                # Meta's _fbp (first-party, set by script) and fr (third-party, on .facebook.com)
                | {("cookie-before-consent", "www.pixel-lab.com", "high"),
                   ("cookie-before-consent", "facebook.com", "high")})
    assert got == expected
    assert [f["severity"] for f in lab["findings"]][:4] == ["high"] * 4
    for f in lab["findings"]:
        if "cookie_index" in f["evidence"]:
            assert lab["cookies"][f["evidence"]["cookie_index"]]["name"] in {"_fbp", "fr"}
            continue
        evidence = lab["requests"][f["evidence"]["request_index"]]
        assert evidence["host"] == f["host"] and f["scenario"] == "no-interaction"


def test_cookies_and_storage(lab):
    cookies = {c["name"]: c for c in lab["cookies"]}
    assert set(cookies) == {"lab_session", "_fbp", "fr"}
    assert cookies["lab_session"]["set_by"] == "header" and cookies["lab_session"]["http_only"] is True
    assert cookies["lab_session"]["party"] == "first" and cookies["lab_session"]["expires"] is None
    assert cookies["_fbp"]["set_by"] == "script" and cookies["_fbp"]["party"] == "first"
    assert cookies["_fbp"]["tracker"]["rule"] == "meta-pixel"
    # A third-party cookie is stored, as in a typical visitor's browser.
    fr = cookies["fr"]
    assert fr["domain"] == ".facebook.com" and fr["party"] == "third" and fr["same_site"] == "None"
    assert fr["set_by"] == "header" and fr["secure"] is True and fr["expires"] > 0
    writes = [(s["storage"], s["key"], s["value"], s["operation"]) for s in lab["storage"]]
    assert writes == [("local", "lab_visitor", "v-123", "set"), ("session", "lab_webdriver", "false", "set")]


def test_blocking_third_party_cookies_is_an_option(scan):
    result = scan(LAB, block_third_party_cookies=True)
    names = {c["name"] for c in result["cookies"]}
    assert "fr" not in names and {"lab_session", "_fbp"} <= names
    assert result["options"]["block_third_party_cookies"] is True
