"""The crawl fixture shop (tests/sites/www.crawl-shop.com, README.md there) answers as its README says.

Plain HTTPS to the fixture server for pages, routes and vendor endpoints, and a static walk of the links
from the home page for the depth of every page; then one Chromium for what only a browser does (the banner's
choice across hosts, the calendar's endless links, crashing a renderer). The crawler's own tests build on it.
"""

from __future__ import annotations

import asyncio
import http.client
import re
import shutil
import socket
import ssl
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest

from pixelaudit.browser import launch_scenario, make_profile
from pixelaudit.config import ScanConfig, parse_resolve
from pixelaudit.demo.server import GIF_1X1

W, B = "https://www.crawl-shop.com", "https://blog.crawl-shop.com"
# Link depth from the home page, tracking parameters, fragments and default ports normalised away (README.md).
DEPTHS = {
    f"{W}/": 0,
    **{f"{W}{p}": 1 for p in ("/category/jackets", "/category/boots", "/category/accessories", "/cart", "/account",
                              "/about", "/events", "/help", "/legal/privacy", "/legal/terms", "/legal/cookies",
                              "/legal/imprint", "/sale")},
    f"{B}/": 1, f"{B}/posts/layering-guide": 1,
    **{f"{W}/product/{p}": 2 for p in ("rain-jacket", "down-jacket", "softshell-jacket", "hiking-boots",
                                       "trail-runners", "wool-scarf", "merino-beanie", "discontinued-parka")},
    **{f"{W}{p}": 2 for p in ("/checkout", "/account/orders", "/about/stores", "/about/careers",
                              "/events/calendar?month=2026-01", "/help/shipping", "/help/returns", "/help/live-chat",
                              "/help/ar-try-on")},
    f"{B}/posts/boot-care": 2, f"{B}/posts/autumn-hikes": 2,
    f"{W}/checkout/thank-you": 3,
    # without a script the calendar's link stays at the next month; in a browser it goes on for ever
    f"{W}/events/calendar?month=2026-02": 3,
}
SPECIAL = {f"{W}/sale": 302, f"{W}/product/discontinued-parka": 404, f"{W}/help/live-chat": "hang"}
OFF_SITE = {"https://www.instagram.com/crawlshop/", "https://www.linkedin.com/company/crawlshop/",
            "mailto:hello@crawl-shop.com", "mailto:jobs@crawl-shop.com", "tel:+493012345678"}
SITEMAP_ONLY = f"{W}/campaign/b2b-uniforms"
SITEMAP = [f"{W}{p}" for p in (
    "/", "/category/jackets", "/category/boots", "/category/accessories", "/product/rain-jacket",
    "/product/down-jacket", "/product/softshell-jacket", "/product/hiking-boots", "/product/trail-runners",
    "/product/wool-scarf", "/product/merino-beanie", "/about", "/about/stores", "/about/careers", "/events", "/help",
    "/help/shipping", "/help/returns", "/legal/privacy", "/legal/terms", "/legal/cookies", "/legal/imprint",
    "/campaign/b2b-uniforms")]
ROBOTS = ("# Crawl Shop\nUser-agent: *\nDisallow: /account\nAllow: /\n\n"
          "Sitemap: https://www.crawl-shop.com/sitemap.xml\n")
# Pixels fired whatever the visitor chose, and the 1x1 answers they get.
PIXELS = {
    f"{W}/checkout/thank-you": "https://www.facebook.com/tr?id=3141592653589&ev=Purchase&cd[value]=129.00"
                               "&cd[currency]=EUR&noscript=1",
    SITEMAP_ONLY: "https://px.ads.linkedin.com/collect/?pid=7654321&conversionId=1122334&fmt=gif",
    f"{W}/account": "https://bat.bing.com/action/0?ti=26012026&evt=pageLoad",
    f"{W}/account/orders": "https://bat.bing.com/action/0?ti=26012026&evt=pageLoad",
}


class _Loopback(http.client.HTTPSConnection):
    """HTTPS to the fixture server's port as `host`: SNI, certificate check and Host header all name it."""

    def __init__(self, host: str, port: int, tls: ssl.SSLContext, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=tls)
        self.tls = tls

    def connect(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


@pytest.fixture(scope="module")
def fetch(sites):
    """GET (or POST) a fixture URL over HTTPS, trusting only the server's leaf: (status, headers, body)."""
    tls = ssl.create_default_context(cafile=str(sites.leaf_pem))
    tls.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # the leaf alone is the trust anchor

    def run(url: str, method: str = "GET", timeout: float = 10.0) -> tuple[int, http.client.HTTPMessage, bytes]:
        parts = urlsplit(url)
        conn = _Loopback(parts.hostname, sites.port, tls, timeout)
        try:
            conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""))
            answer = conn.getresponse()
            return answer.status, answer.headers, answer.read()
        finally:
            conn.close()

    return run


def normalise(url: str) -> str:
    """The page a link names: fragment, utm_*/gclid/fbclid, default port and host case dropped."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith("utm_") and k.lower() not in ("gclid", "fbclid")]
    host = parts.hostname + (f":{parts.port}" if parts.port not in (None, 443) else "")
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", urlencode(query), ""))


class _Links(HTMLParser):
    """The link, script and image URLs of one page, as written."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.scripts: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])


def parse(base: str, body: bytes) -> _Links:
    """A page's links, scripts and images, resolved against its URL."""
    links = _Links()
    links.feed(body.decode())
    links.hrefs = [urljoin(base, h) for h in links.hrefs]
    links.scripts = [urljoin(base, s) for s in links.scripts]
    links.images = [urljoin(base, i) for i in links.images]
    return links


@pytest.fixture(scope="module")
def walk(fetch):
    """Breadth-first over the links of the fetched HTML (no script run): {url: (depth, status, links)}."""
    seen: dict[str, tuple[int, int | str, _Links | None]] = {}
    off_site: set[str] = set()
    queue = deque([(f"{W}/", 0)])
    queued = {f"{W}/"}
    while queue:
        url, depth = queue.popleft()
        try:
            status, headers, body = fetch(url, timeout=1.5 if SPECIAL.get(url) == "hang" else 10.0)
        except TimeoutError:
            seen[url] = (depth, "hang", None)
            continue
        links = parse(url, body) if headers.get_content_type() == "text/html" else None
        seen[url] = (depth, status, links)
        found = [(href, depth + 1) for href in links.hrefs] if links else []
        if status == 302:
            found.append((urljoin(url, headers["Location"]), depth))  # a redirect is no click
        for href, at in found:
            if not (urlsplit(href).hostname or "").endswith("crawl-shop.com"):
                off_site.add(href)
                continue
            page = normalise(href)
            if page not in queued:
                queued.add(page)
                queue.append((page, at))
    return seen, off_site


def test_every_page_sits_at_its_documented_depth(walk):
    seen, off_site = walk
    assert {url: depth for url, (depth, _, _) in seen.items()} == DEPTHS
    assert {url: status for url, (_, status, _) in seen.items() if status != 200} == SPECIAL
    assert off_site == OFF_SITE
    assert SITEMAP_ONLY not in seen


def test_every_page_has_the_banner_and_the_google_tag(walk):
    for url, (_, status, links) in walk[0].items():
        if status == 200:
            assert links.scripts[:2] == [f"{W}/assets/banner.js", f"{W}/assets/tags.js"], url


def test_pixels_fire_from_static_images_where_documented(fetch, walk):
    pages = {url: links for url, (_, status, links) in walk[0].items() if status == 200}
    pages[SITEMAP_ONLY] = parse(SITEMAP_ONLY, fetch(SITEMAP_ONLY)[2])
    third_party = {url: [i for i in links.images if not urlsplit(i).hostname.endswith("crawl-shop.com")]
                   for url, links in pages.items()}
    assert {url: images for url, images in third_party.items() if images} == {u: [p] for u, p in PIXELS.items()}
    for pixel in PIXELS.values():
        status, headers, body = fetch(pixel)
        assert (status, headers["Content-Type"], body) == (200, "image/gif", GIF_1X1)
    assert "fr=0lab.1; Domain=.facebook.com" in fetch(PIXELS[f"{W}/checkout/thank-you"])[1]["Set-Cookie"]
    assert "lidc=lab-1; Domain=.linkedin.com" in fetch(PIXELS[SITEMAP_ONLY])[1]["Set-Cookie"]
    status, _, body = fetch("https://www.google-analytics.com/g/collect?v=2&tid=G-CRAWL0001&en=page_view", "POST")
    assert (status, body) == (204, b"")


def test_robots_sitemap_and_routes(fetch):
    status, headers, body = fetch(f"{W}/robots.txt")
    assert (status, headers["Content-Type"], body.decode()) == (200, "text/plain", ROBOTS)
    assert fetch(f"{B}/robots.txt")[0] == 404  # the blog host has none: everything allowed
    status, _, body = fetch(f"{W}/sitemap.xml")
    assert status == 200 and body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/')
    assert re.findall(r"<loc>([^<]+)</loc>", body.decode()) == SITEMAP
    status, headers, body = fetch(f"{W}/sale")
    assert (status, headers["Location"], body) == (302, "/category/accessories", b"")
    assert fetch(f"{W}/product/discontinued-parka")[::2] == (404, b"not found")
    calendar = fetch(f"{W}/events/calendar?month=2026-01")[2]
    assert fetch(f"{W}/events/calendar?month=2031-07")[2] == calendar and b'id="next-month"' in calendar
    with pytest.raises(TimeoutError):
        fetch(f"{W}/help/live-chat?topic=returns", timeout=1.0)


async def _settled(page, hits: list[str]) -> list[str]:
    """The GA hits once one has come (5 s at most) and a little more time has passed for a second one."""
    for _ in range(50):
        if hits:
            break
        await page.wait_for_timeout(100)
    await page.wait_for_timeout(300)
    return list(hits)


async def _in_chromium(sites, chromium, out_dir) -> dict:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    config = ScanConfig(target=f"{W}/", out_dir=out_dir, resolve=(parse_resolve(sites.resolve),),
                        trust_certs=(sites.leaf_pem,))
    seen: dict = {}
    async with async_playwright() as playwright:
        profile = make_profile(False)
        context = await launch_scenario(playwright, config, chromium, profile, None)
        try:
            page = await context.new_page()
            hits: list[str] = []
            page.on("request", lambda r: hits.append(r.url) if "/g/collect" in r.url else None)
            await page.goto(f"{W}/", wait_until="load")
            seen["banner"] = await page.locator("#cookie-banner").count()
            seen["hits_before"] = list(hits)
            await page.click("#accept-all")
            seen["hits_after"] = await _settled(page, hits)
            hits.clear()
            await page.goto(f"{B}/posts/boot-care", wait_until="load")
            seen["blog_hits"] = await _settled(page, hits)
            seen["blog_banner"] = await page.locator("#cookie-banner").count()
            cookies = await context.cookies()
            seen["consent"] = {c["name"]: c["domain"] for c in cookies if c["name"] in ("consent", "_ga")}
            months = []
            await page.goto(f"{W}/events/calendar?month=2026-11", wait_until="load")
            for _ in range(3):
                months.append(await page.text_content("#month"))
                async with page.expect_navigation(wait_until="load"):
                    await page.click("#next-month")
            seen["months"], seen["last_url"] = months, page.url
            await page.goto(f"{W}/help/ar-try-on", wait_until="load")
            crashed = asyncio.Event()
            page.on("crash", lambda _: crashed.set())
            with pytest.raises(PlaywrightError):  # net::ERR_ABORTED, then the crash
                await page.goto("chrome://crash", timeout=10_000)
            await asyncio.wait_for(crashed.wait(), 10)
            fresh = await context.new_page()
            await fresh.goto(f"{W}/help/ar-try-on", wait_until="load")
            seen["after_crash"] = await fresh.title()
        finally:
            await context.close()
            shutil.rmtree(profile, ignore_errors=True)
    return seen


def test_in_chromium_consent_spans_hosts_the_calendar_never_ends_and_a_renderer_can_crash(
        sites, chromium, tmp_path):
    with ThreadPoolExecutor(1) as pool:  # apart from pytest-playwright's event loop
        seen = pool.submit(asyncio.run, _in_chromium(sites, chromium, tmp_path)).result()
    assert seen["banner"] == 1 and seen["hits_before"] == []
    assert len(seen["hits_after"]) == 1 and "tid=G-CRAWL0001&gcs=G111&" in seen["hits_after"][0]
    assert seen["blog_banner"] == 0  # the choice made on www holds on blog: one cookie for crawl-shop.com
    assert len(seen["blog_hits"]) == 1 and "dl=https%3A%2F%2Fblog.crawl-shop.com" in seen["blog_hits"][0]
    assert seen["consent"] == {"consent": ".crawl-shop.com", "_ga": ".crawl-shop.com"}
    assert seen["months"] == ["Events in November 2026", "Events in December 2026", "Events in January 2027"]
    assert seen["last_url"] == f"{W}/events/calendar?month=2027-02"
    assert seen["after_crash"] == "Try on in AR — Crawl Shop"
