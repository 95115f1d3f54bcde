"""Unit tests for pixelaudit.mail.detect: open pixels, CSS trackers, click tracking and remote content, from
hand-built rendering records (no browser)."""

from __future__ import annotations

import base64
import json

import pytest

from pixelaudit.mail.detect import (
    ClickLink,
    OpenPixel,
    RemoteContent,
    carries_data,
    click_links,
    css_pixels,
    open_pixels,
    remote_content,
    wrapped_url,
)
from pixelaudit.mail.model import MailHeaders
from pixelaudit.mail.platform import name_platform
from pixelaudit.mail.render import CID_ORIGIN, STUB_SIZE, CssUrl, MailImage, MailLink, MailRequest
from pixelaudit.rules import load_rules

RULES = load_rules()
SHOP = frozenset({"shop.example"})
SFMC = name_platform(MailHeaders(platform_headers=(("X-SFMC-Stack", "7"),)), [])
SES_ID = "0100018b2f3c4d5e-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-000000"


def image(url: str, width: str | None = None, height: str | None = None, drawn: tuple[float, float] = STUB_SIZE,
          hidden: str | None = None, media: str = "screen", tag: str = "img") -> MailImage:
    """An image as the renderer records it; by default drawn at the stand-in's size (no declared size)."""
    return MailImage(url, tag, media, width, height, drawn[0], drawn[1], hidden)


def request(url: str, kind: str = "image", media: str = "screen", answered: str = "stub",
            size: tuple[int, int] | None = None) -> MailRequest:
    width, height = size or (None, None)
    return MailRequest(url, kind, media, 1.0, answered, 200 if answered != "stub" else None, None, None, width, height)


def pixel_reasons(images, requests=(), sites=SHOP, platform=None) -> dict[str, tuple[str, ...]]:
    return {p.url: p.reasons for p in open_pixels(tuple(images), tuple(requests), RULES, sites, platform)}


def b64(text: str, *, urlsafe: bool = False, pad: bool = True) -> str:
    out = (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(text.encode()).decode()
    return out if pad else out.rstrip("=")


# --- carries_data ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.shop.example/img/spacer.gif", False),
    ("https://www.shop.example/img/spacer.gif?", False),  # an empty query says nothing
    ("https://www.shop.example/img/spacer.gif#top", False),
    ("https://www.shop.example/o.gif?c=1", True),
    ("https://www.shop.example/abcdefghijklmno", False),  # 15 characters: a name
    ("https://www.shop.example/abcdefghijklmnop", True),  # 16: a token
    ("https://www.shop.example/nl/open/7f3e9a1c2b4d6e8f0a1b2c3d4e5f6a7b.gif", True),
    ("https://www.shop.example/email/img/header-june.jpg", False),
    ("https://cdn.shop.example/hero-mobile.jpg?w=600&fm=webp&q=80", False),  # a responsive variant's options
    ("https://cdn.shop.example/hero-mobile.jpg?w=600&uid=42", True),
    ("https://www.shop.example/o.gif?7f3e9a1c", True),  # a bare query token
])
def test_carries_data(url, expected):
    assert carries_data(url) is expected


# --- wrapped_url -------------------------------------------------------------------------------------------------

DEST = "https://dest.example/spring/sale?utm_source=mail&x=1"


@pytest.mark.parametrize(("href", "expected"), [
    (f"https://r.example/go?u={DEST}", "https://dest.example/spring/sale?utm_source=mail"),  # & ends the value
    ("https://r.example/go?u=https%3A%2F%2Fdest.example%2Fspring%2Fsale%3Futm_source%3Dmail%26x%3D1", DEST),
    (f"https://r.example/go?t={b64(DEST)}", DEST),
    (f"https://r.example/go?t={b64(DEST, urlsafe=True, pad=False)}", DEST),
    (f"https://r.example/go/{b64(DEST, urlsafe=True, pad=False)}", DEST),  # a base64 path segment
    (f"https://r.example/go/{b64(DEST, urlsafe=True, pad=False)}/x", DEST),
    (f"https://x.example/L0/https:%2F%2Fshop.example%2Fsale%3Fa%3D1/1/{SES_ID}/AbCd=123", "https://shop.example/sale?a=1"),
    (f"https://x.example/CL0/https:%2F%2Fshop.example%2F/1/{SES_ID}/Ab=1", "https://shop.example/"),
    ("https://r.example/redirect/https://dest.example/a/b", "https://dest.example/a/b"),
    ("https://r.example/redirect/http://dest.example/", "http://dest.example/"),
    ("https://www.shop.example/sale?page=2&sort=price", None),
    ("https://www.shop.example/blog/abcdefghijklmnopqrstuvwx", None),  # a long segment that is not base64 of a URL
    ("https://www.shop.example/", None),
])
def test_wrapped_url(href, expected):
    assert wrapped_url(href) == expected


def test_wrapped_url_lower_case_percent_encoding():
    # hex digits in percent-encoding may be either case (RFC 3986 2.1)
    href = f"https://x.example/L0/https:%2f%2fshop.example%2fsale%3fa%3d1/1/{SES_ID}/AbCd=123"
    assert wrapped_url(href) == "https://shop.example/sale?a=1"


def test_wrapped_url_base64_with_a_raw_plus_in_the_query():
    dest = "https://dest.example/p?q=0>>>?~"
    value = b64(dest)
    assert "+" in value  # the query parser reads it as a space
    assert wrapped_url(f"https://r.example/go?t={value}") == dest
    assert wrapped_url(f"https://r.example/go?t={value.replace('+', '%2B')}") == dest


def test_wrapped_url_in_base64_json_with_nested_json_like_mandrill():
    inner = json.dumps({"u": 30952215, "v": 2, "url": "https://brambleoak.example/help/delivery", "id": "8f4b2c1d"})
    p = b64(json.dumps({"s": "Zm9v", "v": 1, "p": inner}), urlsafe=True, pad=False)
    assert wrapped_url(f"https://mandrillapp.com/track/click/30952215/brambleoak.example?p={p}") \
        == "https://brambleoak.example/help/delivery"


def test_wrapped_url_prefers_url_keys_in_json():
    p = b64(json.dumps({"a": "https://first.example/", "url": "https://chosen.example/"}), urlsafe=True)
    assert wrapped_url(f"https://r.example/c?p={p}") == "https://chosen.example/"


def test_wrapped_url_json_without_a_url_is_none():
    p = b64(json.dumps({"s": "abc", "p": json.dumps({"u": 1, "v": 2})}), urlsafe=True, pad=False)
    assert wrapped_url(f"https://r.example/c?p={p}") is None


# --- open_pixels -------------------------------------------------------------------------------------------------


def test_rule_match_on_any_host_by_path_shape():
    upn = "https://url4821.shop.example/wf/open?upn=u001.Hm7vX2kq9Lz3R8tYb5wNc1dPfE0gJ4aS6hUiO"
    ses = f"https://a7kq2m9x.r.us-east-1.awstrack.me/I0/{SES_ID}/Hq7pXc2Lb9Rt4Wz1=371"
    assert open_pixels((image(upn), image(ses)), (), RULES, SHOP) == (
        OpenPixel(upn, "url4821.shop.example", "shop.example", "first", "img", "screen",
                  ("Twilio SendGrid tracking URL (sendgrid)",), "Twilio SendGrid", "sendgrid", (0.0, 0.0, 97, 61)),
        OpenPixel(ses, "a7kq2m9x.r.us-east-1.awstrack.me", "awstrack.me", "third", "img", "screen",
                  ("Amazon SES tracking URL (amazon-ses)",), "Amazon SES", "amazon-ses", (0.0, 0.0, 97, 61)),
    )  # drawn where the image was (the stand-in's size: no size declared), so the report can outline it


def test_rule_match_keeps_size_reasons_after_the_rule():
    url = "https://mandrillapp.com/track/open.php?u=30952215&id=8f4b2c1d0e9a4f6b8c7d6e5f4a3b2c1d"
    assert pixel_reasons([image(url, "1", "1", (1, 1))]) == {
        url: ("Mailchimp Transactional (Mandrill) tracking URL (mandrill)", "declared 1×1")}


def test_a_non_email_rule_gives_no_vendor():
    url = "https://ct.pinterest.com/v3/?tid=2612345678901&event=pagevisit"
    (pixel,) = open_pixels((image(url, "1", "1", (1, 1)),), (), RULES, SHOP)
    assert (pixel.vendor, pixel.rule, pixel.party, pixel.reasons) == (None, None, "third", ("declared 1×1",))
    assert open_pixels((image(url, drawn=(300, 250)),), (), RULES, SHOP) == ()  # drawn large: not a pixel


def test_declared_size():
    urls = [f"https://t.shop.example/o{n}.gif?c=1" for n in range(5)]
    assert pixel_reasons([
        image(urls[0], "1", "1", (1, 1)),
        image(urls[1], "0", "0", (0, 0)),
        image(urls[2], "1px", "1", (1, 1)),
        image(urls[3], "2", "2", (2, 2)),
        image(urls[4], "3", "1", (3, 1)),  # 3 px wide is not tiny
    ]) == {urls[0]: ("declared 1×1",), urls[1]: ("declared 0×0",), urls[2]: ("declared 1×1",),
           urls[3]: ("declared 2×2",)}


def test_drawn_tiny_by_css_when_nothing_is_declared():
    url = "https://t.shop.example/o.gif?c=1"
    assert pixel_reasons([image(url, drawn=(1, 1))]) == {url: ("drawn 1×1",)}
    assert pixel_reasons([image(url, drawn=(0.6, 1.4))]) == {url: ("drawn 1×1",)}  # rounded


def test_declared_wins_over_drawn():
    url = "https://t.shop.example/o.gif?c=1"
    assert pixel_reasons([image(url, "1", "1", (1, 1))]) == {url: ("declared 1×1",)}


def test_stub_size_means_no_declared_size():
    url = "https://t.shop.example/photo.jpg?uid=600"
    assert pixel_reasons([image(url, drawn=STUB_SIZE)]) == {}
    assert pixel_reasons([image(url, "1", "1", drawn=STUB_SIZE)]) == {url: ("declared 1×1",)}


@pytest.mark.parametrize("why", ["display:none", "visibility:hidden", "opacity:0", "clipped", "off-screen"])
def test_hidden_images_with_data_are_pixels(why):
    url = "https://www.shop.example/nl/open/7f3e9a1c2b4d6e8f0a1b2c3d4e5f6a7b.gif"
    assert pixel_reasons([image(url, drawn=(0, 0), hidden=why)]) == {url: (f"hidden ({why})",)}


def test_hidden_and_declared():
    url = "https://t.shop.example/o.gif?c=1"
    assert pixel_reasons([image(url, "1", "1", (0, 0), hidden="display:none")]) == {
        url: ("declared 1×1", "hidden (display:none)")}


def test_print_media():
    url = "https://t.shop.example/p.gif?c=1"
    assert open_pixels((image(url, media="print", tag="background"),), (), RULES, SHOP) == (
        OpenPixel(url, "t.shop.example", "shop.example", "first", "background", "print",
                  ("loaded only when printed or forwarded (CSS @media print)",)),)


def test_decoded_size_in_live_mode():
    url = "https://t.shop.example/o.gif?c=1"
    live = request(url, answered="live", size=(1, 1))
    assert pixel_reasons([image(url, drawn=(1, 1))], [live]) == {url: ("drawn 1×1", "decoded 1×1")}
    assert pixel_reasons([image(url, drawn=(40, 40))], [live]) == {url: ("decoded 1×1",)}  # drawn scaled up
    assert pixel_reasons([image(url, drawn=(40, 40))], [request(url, answered="live", size=(40, 40))]) == {}
    assert pixel_reasons([image(url, drawn=(40, 40))], [request(url)]) == {}  # safe mode: nothing decoded


def test_spacers_without_data_are_not_pixels():
    base = "https://www.shop.example/email/img/"
    assert pixel_reasons([
        image(base + "spacer.gif", "1", "10", (1, 10)),
        image(base + "spacer.gif", "20", "1", (20, 1)),
        image(base + "transparent.gif", "1", "1", (1, 1)),
        image(base + "hidden.gif", drawn=(0, 0), hidden="display:none"),
        image(base + "print.gif", media="print"),
    ]) == {}


def test_cid_images_never_are_pixels():
    cid = f"{CID_ORIGIN}/spacer%40juniperhollow.example?c=1"
    assert pixel_reasons([image(cid, "1", "1", (1, 1)), image("cid:spacer@x.example", "1", "1", (1, 1)),
                          image("data:image/gif;base64,R0lGODlhAQABAAAAACw=", "1", "1", (1, 1))]) == {}


def test_a_620x1_divider_is_not_a_pixel():
    url = "https://www.northfield-runners.example/mail/divider-620.png?v=2"
    assert pixel_reasons([image(url, "620", "1", (620, 1)), image(url, None, None, (620, 1))]) == {}


def test_one_pixel_per_url_from_its_first_pixel_drawing():
    url = "https://t.shop.example/o.gif?c=1"
    pixels = open_pixels((image(url, drawn=(600, 200)), image(url, "1", "1", (1, 1)),
                          image(url, drawn=(0, 0), hidden="display:none")), (), RULES, SHOP)
    assert [(p.url, p.reasons) for p in pixels] == [(url, ("declared 1×1",))]


SFMC_OPEN = "https://click.email.shop.example/open.aspx?ffcb10-fec81a7e7d6c0c7c-fe2a1570&d=70112&bmt=0"


def test_platform_shapes_count_when_the_headers_name_the_platform():
    assert SFMC is not None and SFMC.rule == "salesforce-marketing-cloud"
    assert open_pixels((image(SFMC_OPEN),), (), RULES, SHOP, SFMC) == (
        OpenPixel(SFMC_OPEN, "click.email.shop.example", "shop.example", "first", "img", "screen",
                  ("Salesforce Marketing Cloud Engagement open URL on the sender's host (headers name it)",),
                  "Salesforce Marketing Cloud Engagement", "salesforce-marketing-cloud", (0.0, 0.0, 97, 61)),)


def test_platform_shapes_need_the_headers():
    assert open_pixels((image(SFMC_OPEN),), (), RULES, SHOP) == ()
    other = name_platform(MailHeaders(platform_headers=(("X-Mailgun-Sid", "abc"),)), [])
    assert open_pixels((image(SFMC_OPEN),), (), RULES, SHOP, other) == ()


def test_platform_shapes_only_on_the_senders_own_hosts():
    elsewhere = SFMC_OPEN.replace("shop.example", "other.example")
    assert open_pixels((image(elsewhere),), (), RULES, SHOP, SFMC) == ()
    assert open_pixels((image(SFMC_OPEN),), (), RULES, frozenset(), SFMC) == ()  # no sender known


# --- css_pixels --------------------------------------------------------------------------------------------------

LITMUS = "https://k7f3q9x2m1.emltrk.com/k7f3q9x2m1"
LITMUS_REASON = "Litmus Email Analytics tracking URL (litmus)"
FORWARD = "loads only when the mail is forwarded or shown by a client whose markup matches"


def test_css_print_and_forward_trackers():
    printed, forwarded = f"{LITMUS}?p&d=jane.doe%40example.com", f"{LITMUS}?f&d=jane.doe%40example.com"
    css = (CssUrl(printed, "#_two50", "print"), CssUrl(forwarded, "div.OutlookMessageHeader", ""),
           CssUrl(forwarded, "table.moz-email-headers-table", ""))
    host, site = "k7f3q9x2m1.emltrk.com", "emltrk.com"
    assert css_pixels(css, (), RULES, frozenset({"harborlights.example"})) == (
        OpenPixel(printed, host, site, "third", "css", "print",
                  (LITMUS_REASON,
                   "CSS background of '#_two50' under @media print: loads only when the mail is printed"),
                  "Litmus Email Analytics", "litmus"),
        OpenPixel(forwarded, host, site, "third", "css", "conditional",
                  (LITMUS_REASON, f"CSS background of 'div.OutlookMessageHeader': {FORWARD}",
                   f"CSS background of 'table.moz-email-headers-table': {FORWARD}"),
                  "Litmus Email Analytics", "litmus"),
    )


def test_css_conditional_media_is_not_print():
    url = "https://t.shop.example/m.gif?c=1"
    (pixel,) = css_pixels((CssUrl(url, ".mobile", "screen and (max-width: 600px)"),), (), RULES, SHOP)
    assert (pixel.media, pixel.reasons) == ("conditional", (
        f"CSS background of '.mobile' under @media screen and (max-width: 600px): {FORWARD}",))


def test_css_media_comes_from_the_rule_not_from_the_selector_text():
    url = "https://t.shop.example/m.gif?c=1"
    (pixel,) = css_pixels((CssUrl(url, ".printed-copy", ""),), (), RULES, SHOP)
    assert (pixel.media, pixel.reasons) == ("conditional", (f"CSS background of '.printed-copy': {FORWARD}",))


@pytest.mark.parametrize(("media", "expected"), [
    ("print", "print"), ("print and (orientation: landscape)", "print"), ("screen, print", "print"),
    ("only print", "print"), ("not print", "conditional"), ("screen", "conditional"),
])
def test_css_print_media_queries(media, expected):
    (pixel,) = css_pixels((CssUrl("https://t.shop.example/m.gif?c=1", "#x", media),), (), RULES, SHOP)
    assert pixel.media == expected


def test_css_already_drawn_urls_are_skipped():
    drawn = "https://t.shop.example/bg.gif?c=1"
    css = (CssUrl(drawn, ".hero", ""), CssUrl(drawn, ".x", "print"))
    assert css_pixels(css, (image(drawn, tag="background"),), RULES, SHOP) == ()
    assert css_pixels(css, (image(drawn, tag="background", media="print"),), RULES, SHOP) == ()


def test_css_urls_without_data_are_skipped():
    css = (CssUrl("https://www.shop.example/img/bg.png", ".hero", ""),
           CssUrl("https://www.shop.example/img/print-logo.png", "#logo", "print"),
           CssUrl("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE=?x", ".d", ""))
    assert css_pixels(css, (), RULES, SHOP) == ()


def test_css_platform_shape_needs_the_headers():
    css = (CssUrl(SFMC_OPEN, "#f", ""),)
    assert [p.rule for p in css_pixels(css, (), RULES, SHOP, SFMC)] == ["salesforce-marketing-cloud"]
    assert [p.rule for p in css_pixels(css, (), RULES, SHOP)] == [None]  # still a data-carrying URL


# --- click_links -------------------------------------------------------------------------------------------------

MC_CLICK = "https://acme.us14.list-manage.com/track/click?u=1a2b3c4d5e6f7a8b9c0d1e2f3&id=4b5c6d7e8f&e=0a1b2c3d4e"
READER_ID = "7f3e9a1c2b4d6e8f0a1b2c3d4e5f6a7b"


def links(*pairs: tuple[str, str]) -> tuple[MailLink, ...]:
    return tuple(MailLink(href, text) for href, text in pairs)


def test_rule_redirector():
    assert click_links(links((MC_CLICK, "Shop the spring roasts")), RULES, SHOP) == (
        ClickLink(MC_CLICK, "Shop the spring roasts", "acme.us14.list-manage.com", "list-manage.com", "third",
                  "Mailchimp click redirect (mailchimp)", "Mailchimp", "mailchimp", None),)


def test_rule_redirector_with_its_destination_in_the_link():
    href = f"https://track.shop.example/L0/https:%2F%2Fshop.example%2Fsale/1/{SES_ID}/Ab=1"
    (link,) = click_links(links((href, "Sale")), RULES, SHOP)
    assert (link.party, link.reason, link.rule, link.final_url) == (
        "first", "Amazon SES click redirect (amazon-ses)", "amazon-ses", "https://shop.example/sale")


def test_generic_redirector_to_another_site():
    href = "https://links.mailer.example/r?url=https%3A%2F%2Fwww.shop.example%2Fsale"
    assert click_links(links((href, "Sale")), RULES, SHOP) == (
        ClickLink(href, "Sale", "links.mailer.example", "mailer.example", "third",
                  "redirect that carries the destination", None, None, "https://www.shop.example/sale"),)


def test_same_site_jump_without_a_token_is_skipped():
    href = "https://www.shop.example/login?return=https%3A%2F%2Faccount.shop.example%2Forders&lang=en"
    assert click_links(links((href, "Log in")), RULES, SHOP) == ()


def test_same_site_redirect_with_a_token_is_counted():
    href = f"https://www.shop.example/nl/r?u=https%3A%2F%2Fwww.shop.example%2Fjackets&m=2405&s={READER_ID}"
    assert click_links(links((href, "Jackets")), RULES, SHOP) == (
        ClickLink(href, "Jackets", "www.shop.example", "shop.example", "first",
                  "redirect that carries the destination", None, None, "https://www.shop.example/jackets"),)


def test_finals_from_live_mode():
    short, plain, same = "https://go.mailer.example/abc", "https://www.shop.example/about", "https://go.shop.example/x"
    finals = {short: "https://www.shop.example/landing", plain: plain, same: "https://www.shop.example/landing",
              MC_CLICK: "https://www.shop.example/roasts"}
    out = click_links(links((short, "a"), (plain, "b"), (same, "c"), (MC_CLICK, "d")), RULES, SHOP, finals=finals)
    assert [(c.href, c.reason, c.final_url) for c in out] == [
        (short, "redirect that carries the destination", "https://www.shop.example/landing"),
        (MC_CLICK, "Mailchimp click redirect (mailchimp)", "https://www.shop.example/roasts"),
    ]  # a link that lands where it points, or on its own site untagged, is no redirect


def test_the_link_wins_over_finals():
    href = "https://links.mailer.example/r?url=https%3A%2F%2Fwww.shop.example%2Fsale"
    (link,) = click_links(links((href, "Sale")), RULES, SHOP, finals={href: "https://www.shop.example/sale?ref=x"})
    assert link.final_url == "https://www.shop.example/sale"


def test_mailto_tel_and_other_schemes_are_skipped():
    assert click_links(links(("mailto:help@mailer.example?body=https://x.example/", "Mail us"),
                             ("tel:+441234567890", "Call"), ("javascript:void(0)", "x"), ("#top", "Top")),
                       RULES, SHOP) == ()


def test_one_per_href_in_the_mails_order():
    other = "https://links.mailer.example/r?url=https%3A%2F%2Fwww.shop.example%2F"
    out = click_links(links((other, "Home"), (MC_CLICK, "Shop"), (other, "Logo"), (MC_CLICK, "Again")), RULES, SHOP)
    assert [(c.href, c.text) for c in out] == [(other, "Home"), (MC_CLICK, "Shop")]


def test_platform_click_shape_on_the_senders_host():
    href = "https://click.email.shop.example/?qs=a1f3c0e2a1f3c0e2a1f3c0e2"
    assert [(c.vendor, c.reason) for c in click_links(links((href, "Fares")), RULES, SHOP, SFMC)] == [
        ("Salesforce Marketing Cloud Engagement",
         "Salesforce Marketing Cloud Engagement click redirect on the sender's host (headers name it)")]
    assert click_links(links((href, "Fares")), RULES, SHOP) == ()


# --- remote_content ----------------------------------------------------------------------------------------------


def test_remote_content_excludes_pixels_and_cid_parts():
    pixel = "https://t.shop.example/o.gif?c=1"
    reqs = (request(pixel), request("https://cdn.shop.example/hero.jpg"),
            request("https://fonts.gstatic.example/s/inter.woff2", kind="font"),
            request(f"{CID_ORIGIN}/logo.png%40shop.example", answered="cid"),
            request("https://cdn.shop.example/hero.jpg"),  # again: one per URL
            request("https://img.other.example/print.png", media="print"))
    pixels = open_pixels((image(pixel, "1", "1", (1, 1)),), reqs, RULES, SHOP)
    assert remote_content(reqs, pixels, SHOP) == (
        RemoteContent("https://cdn.shop.example/hero.jpg", "cdn.shop.example", "shop.example", "first", "image",
                      "screen"),
        RemoteContent("https://fonts.gstatic.example/s/inter.woff2", "fonts.gstatic.example", "gstatic.example",
                      "third", "font", "screen"),
        RemoteContent("https://img.other.example/print.png", "img.other.example", "other.example", "third", "image",
                      "print"),
    )


def test_remote_content_party_with_no_sender_is_third():
    reqs = (request("https://www.alderfinch.example/img/summer.jpg"),)
    assert [r.party for r in remote_content(reqs, (), frozenset())] == ["third"]
