"""Unit tests for pixelaudit.pixels.judge_pixel: hand-built records, no browser."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pixelaudit.model import ImageElement, ImageInfo, Party, Pixel, Request
from pixelaudit.pixels import data_carried, invisibility, is_image_request, judge_pixel

FIRST = Party("cdn.shop.com", "shop.com", "first")
THIRD = Party("px.tracker.net", "tracker.net", "third")
GIF_1X1 = ImageInfo("gif", 1, 1, True)
GIF_1X1_OPAQUE = ImageInfo("gif", 1, 1, False)


def req(url: str = "https://px.tracker.net/p.gif", **kw) -> Request:
    base = dict(url=url, method="GET", resource_type="image", scenario="no-interaction",
                page_url="https://shop.com/", time_ms=100.0, frame="main", status=200,
                content_type="image/gif", size=43)
    base.update(kw)
    return Request(**base)


def el(url: str = "https://px.tracker.net/p.gif", width: float = 1, height: float = 1, *,
       visible: bool = True, offscreen: bool = False, kind: str = "img") -> ImageElement:
    return ImageElement(url, "https://shop.com/", kind, width, height, visible, offscreen)


def reasons(p: Pixel | None) -> str:
    assert p is not None, "expected a pixel"
    return " | ".join(p.reasons)


# --- images ---------------------------------------------------------------------------------------

def test_third_party_1x1_gif_with_query_is_a_pixel() -> None:
    r = req("https://px.tracker.net/p.gif?uid=42&ev=view")
    p = judge_pixel(r, THIRD, GIF_1X1, [])
    assert p is not None
    assert (p.width, p.height, p.bytes) == (1, 1, 43)
    text = reasons(p)
    assert "third-party" in text
    assert "query" in text
    assert "decoded gif is 1×1" in text


def test_third_party_logo_is_not_a_pixel() -> None:
    r = req("https://partner.example/logo.png?v=3", content_type="image/png", size=2048)
    logo = ImageInfo("png", 120, 40, False)
    assert judge_pixel(r, THIRD, logo, [el(r.url, 120, 40)]) is None
    # even never drawn or hidden: a 120x40 opaque image is not a pixel
    assert judge_pixel(r, THIRD, logo, []) is None
    assert judge_pixel(r, THIRD, logo, [el(r.url, 120, 40, visible=False)]) is None


SPACER = "https://cdn.shop.com/img/spacer.gif"


def test_first_party_spacer_drawn_large_with_cookies_is_not_a_pixel() -> None:
    r = req(SPACER, sent_cookies=True)
    assert judge_pixel(r, FIRST, GIF_1X1, [el(SPACER, 600, 10)]) is None


def test_same_spacer_from_a_third_party_is_a_pixel() -> None:
    url = "https://px.tracker.net/img/spacer.gif"
    p = judge_pixel(req(url, sent_cookies=True), THIRD, GIF_1X1, [el(url, 600, 10)])
    text = reasons(p)
    assert "third-party" in text
    assert "sends cookies" in text


def test_first_party_1x1_with_query_drawn_at_1x1_is_a_pixel() -> None:
    url = "https://cdn.shop.com/t.gif?visit=7"
    p = judge_pixel(req(url), FIRST, GIF_1X1_OPAQUE, [el(url, 1, 1)])
    text = reasons(p)
    assert "third-party" not in text
    assert "query" in text
    assert "drawn at 1×1 px" in text


@pytest.mark.parametrize(
    ("elements", "expected"),
    [
        ([], "never drawn"),
        ([el(SPACER, 100, 100, visible=False)], "drawn hidden"),
        ([el(SPACER, 100, 100, offscreen=True)], "drawn off-screen"),
        ([el(SPACER, 0, 0)], "drawn at 0×0 px"),
    ],
    ids=["never-drawn", "hidden", "off-screen", "zero-size"],
)
def test_first_party_1x1_without_data_is_a_pixel_when_not_seen(elements, expected: str) -> None:
    p = judge_pixel(req(SPACER), FIRST, GIF_1X1, elements)
    assert expected in reasons(p)


def test_one_visible_element_makes_an_image_seen() -> None:
    elements = [el(SPACER, 100, 100, visible=False), el(SPACER, 300, 50)]
    assert invisibility(elements) is None
    assert judge_pixel(req(SPACER), FIRST, GIF_1X1, elements) is None


def test_fully_transparent_large_third_party_image_is_a_pixel() -> None:
    url = "https://px.tracker.net/clear.png"
    p = judge_pixel(req(url, content_type="image/png"), THIRD, ImageInfo("png", 300, 300, True),
                    [el(url, 300, 300)])
    assert p is not None and (p.width, p.height) == (300, 300)
    assert "fully transparent" in reasons(p)


def test_data_url_is_never_a_pixel() -> None:
    url = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    assert judge_pixel(req(url, size=None), THIRD, GIF_1X1, []) is None


def test_redirect_hop_is_judged_at_the_final_hop() -> None:
    hop = req("https://px.tracker.net/r?uid=1", status=302, content_type=None, size=0,
              redirected_to="https://sync.other.net/p.gif?uid=1")
    assert judge_pixel(hop, THIRD, None, []) is None
    final = req("https://sync.other.net/p.gif?uid=1", redirect_chain=(hop.url,))
    p = judge_pixel(final, Party("sync.other.net", "other.net", "third"), GIF_1X1, [])
    assert "redirect" in reasons(p)
    assert "1 redirect" in reasons(p)


# --- beacons, keepalive, unload ---------------------------------------------------------------------

@pytest.mark.parametrize("rtype", ["ping", "beacon"])
def test_beacons_are_pixels(rtype: str) -> None:
    r = req("https://shop.com/collect", method="POST", resource_type=rtype, content_type=None, size=None)
    p = judge_pixel(r, Party("shop.com", "shop.com", "first"), None, [])
    assert "beacon" in reasons(p)


def test_keepalive_fetch_is_a_pixel() -> None:
    r = req("https://stats.tracker.net/e", method="POST", resource_type="fetch", keepalive=True,
            content_type="application/json")
    assert "keepalive" in reasons(judge_pixel(r, THIRD, None, []))


@pytest.mark.parametrize(
    "r",
    [
        req("https://api.tracker.net/e?x=1", method="POST", resource_type="fetch",
            content_type="application/json"),
        req("https://api.tracker.net/e", resource_type="xhr", content_type="application/json"),
        req("https://px.tracker.net/tag.js?id=1", resource_type="script", content_type="text/javascript"),
        req("https://px.tracker.net/s.css?id=1", resource_type="stylesheet", content_type="text/css"),
    ],
    ids=["fetch", "xhr", "script", "stylesheet"],
)
def test_non_image_non_beacon_requests_are_not_pixels(r: Request) -> None:
    assert judge_pixel(r, THIRD, None, []) is None


def test_netlog_request_is_a_pixel_only_when_sent_during_unload() -> None:
    base = req("https://stats.shop.com/leave", method="POST", resource_type="other", frame="none",
               content_type=None, size=None, status=204, source="netlog")
    p = judge_pixel(replace(base, unload=True), FIRST, None, [])
    assert "unloading" in reasons(p)
    assert judge_pixel(replace(base, unload=False), FIRST, None, []) is None


# --- images that answer without an image --------------------------------------------------------

NO_BODY = dict(status=204, size=0, content_type=None)


def test_image_answered_204_with_query_never_drawn_is_a_pixel() -> None:
    url = "https://px.tracker.net/i?ev=open"
    p = judge_pixel(req(url, **NO_BODY), THIRD, None, [])
    text = reasons(p)
    assert p is not None and p.width is None and p.height is None
    assert "answered without an image" in text
    assert "query" in text
    assert "never drawn" in text


def test_image_answered_204_but_drawn_visibly_is_not_a_pixel() -> None:
    url = "https://px.tracker.net/i?ev=open"
    assert judge_pixel(req(url, **NO_BODY), THIRD, None, [el(url, 200, 100)]) is None


def test_image_answered_204_without_data_is_not_a_pixel() -> None:
    url = "https://cdn.shop.com/i.gif"
    assert judge_pixel(req(url, **NO_BODY), FIRST, None, []) is None


def test_failed_image_request_is_not_a_pixel() -> None:
    r = req("https://px.tracker.net/i.gif?ev=open", status=None, size=None, content_type=None,
            failure="net::ERR_NAME_NOT_RESOLVED")
    assert judge_pixel(r, THIRD, None, []) is None


# --- per-visit tokens in the path ----------------------------------------------------------------

VISIT_ID_URL = "https://cdn.shop.com/p/8f3a9c2b7d1e4f60aa"
PLAIN_URL = "https://cdn.shop.com/img/spacer-large.gif"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (VISIT_ID_URL, "carries a per-visit token in its path"),
        (PLAIN_URL, None),
        ("https://cdn.shop.com/img/aaaaaaaaaaaaaaaaaaaa", None),  # long, but letters only
        ("https://cdn.shop.com/img/12345678901234567890", None),  # long, but digits only
        ("https://cdn.shop.com/p/8f3a9c2b", None),  # too short
        ("https://cdn.shop.com/p.gif?u=1", "carries data in its query string"),
    ],
)
def test_data_carried_first_party(url: str, expected: str | None) -> None:
    assert data_carried(req(url), FIRST) == expected


def test_cookies_count_as_data_only_for_third_parties() -> None:
    assert data_carried(req(SPACER, sent_cookies=True), FIRST) is None
    assert data_carried(req(SPACER, sent_cookies=True), THIRD) == "sends cookies"


def test_first_party_per_visit_token_drawn_1x1_is_a_pixel() -> None:
    p = judge_pixel(req(VISIT_ID_URL, content_type="image/gif"), FIRST, GIF_1X1, [el(VISIT_ID_URL, 1, 1)])
    assert "per-visit token" in reasons(p)


def test_per_visit_token_decides_for_a_first_party_1x1_drawn_large() -> None:
    token = judge_pixel(req(VISIT_ID_URL), FIRST, GIF_1X1, [el(VISIT_ID_URL, 600, 10)])
    assert "per-visit token" in reasons(token)
    assert judge_pixel(req(PLAIN_URL), FIRST, GIF_1X1, [el(PLAIN_URL, 600, 10)]) is None


@pytest.mark.parametrize(
    ("rtype", "ctype", "expected"),
    [("image", None, True), ("other", "image/gif", True), ("fetch", "IMAGE/PNG", True),
     ("fetch", "application/json", False), ("script", None, False)],
)
def test_is_image_request(rtype: str, ctype: str | None, expected: bool) -> None:
    assert is_image_request(req(resource_type=rtype, content_type=ctype)) is expected
