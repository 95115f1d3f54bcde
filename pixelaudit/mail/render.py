"""Render one e-mail's HTML in Chromium as a mail client that shows remote content would, and record what
it loads and how its images and links are drawn.

Safe by default: every request is intercepted and answered locally, so nothing leaves the machine and the
sender never learns the mail was opened. Remote images get a neutral stand-in (a transparent GIF of an
unusual size, STUB_SIZE), so an image drawn at exactly that size had no declared size, and one drawn at
1×1 was declared so by the mail's HTML or CSS. `cid:` images are served from the message itself. Scripts
never run (mail clients don't run them): JavaScript is off in the context and a CSP forbids scripts.
After the screen rendering the page is switched to print media, to catch `@media print` trackers.
`live=True` lets remote requests through (real sizes, real redirects) and marks the mail as opened.
"""

from __future__ import annotations

import asyncio
import io
import re
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib.resources import files
from urllib.parse import quote, unquote, urlsplit

from pixelaudit.imagesize import decode_image
from pixelaudit.mail.model import Mail

__all__ = ["MAIL_ORIGIN", "STUB_SIZE", "CssUrl", "MailImage", "MailLink", "MailRenderer", "MailRequest", "Rendering",
           "render_mail"]

# http, as a mail client shows mail: an https page would upgrade the mail's http:// images (mixed content)
MAIL_ORIGIN = "http://mail.pixelaudit.invalid"  # .invalid never resolves (RFC 2606)
CID_ORIGIN = "http://cid.pixelaudit.invalid"
STUB_SIZE = (97, 61)
VIEWPORT = {"width": 800, "height": 1200}  # a reading pane
# A fresh context every so many mails: Playwright keeps each request's objects until its page closes.
RECYCLE_EVERY = 50
SETTLE_MAX_S = 2.0  # at most this long for the images the page draws to be requested
POLL_S = 0.01
CSP = "script-src 'none'; object-src 'none'; base-uri 'none'"
DOM_JS = files("pixelaudit").joinpath("js/mail_dom.js").read_text(encoding="utf-8")
_CID = re.compile(r"""(?i)(?<=["'(=\s])cid:([^"')\s>]+)""")


@dataclass(frozen=True, slots=True)
class MailRequest:
    """One request the rendered mail made (in safe mode: answered locally, never sent)."""

    url: str
    resource_type: str
    media: str  # "screen" | "print": the medium that triggered it
    time_ms: float
    answered: str  # "stub" | "cid" | "live"
    status: int | None = None
    content_type: str | None = None
    bytes: int | None = None
    width: int | None = None  # decoded image size (live mode)
    height: int | None = None


@dataclass(frozen=True, slots=True)
class MailImage:
    """An image as the mail draws it: an <img> or a CSS background, with its declared and drawn size."""

    url: str
    tag: str  # "img" | "background" | "input" | "video-poster"
    media: str
    width_attr: str | None
    height_attr: str | None
    drawn_width: float
    drawn_height: float
    hidden: str | None  # why it cannot be seen (display:none, visibility, opacity, clipped, off-screen), or None
    alt: str | None = None
    x: float = 0.0  # where it is drawn on the full-page screenshot (CSS px)
    y: float = 0.0


@dataclass(frozen=True, slots=True)
class MailLink:
    """A link in the mail: where it points and what the reader sees."""

    href: str
    text: str
    box: tuple[float, float, float, float] | None = None  # x, y, width, height on the screenshot; None if hidden


@dataclass(frozen=True, slots=True)
class CssUrl:
    """A url() in the mail's style sheets: loaded only where `selector` matches under `media`."""

    url: str
    selector: str
    media: str


@dataclass(frozen=True, slots=True)
class Rendering:
    """What rendering one mail recorded; `error` says why it stopped early (what came before is kept)."""

    requests: tuple[MailRequest, ...]
    images: tuple[MailImage, ...]
    links: tuple[MailLink, ...]
    screenshot: bytes | None
    live: bool
    error: str | None = None
    css_urls: tuple[CssUrl, ...] = ()


@lru_cache(maxsize=1)
def stub_gif() -> bytes:
    """A transparent GIF of STUB_SIZE: the stand-in for every remote image in safe mode."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("P", STUB_SIZE, 0).save(out, format="GIF", transparency=0)
    return out.getvalue()


def cid_url(content_id: str) -> str:
    """The local URL a `cid:` reference is served from."""
    return f"{CID_ORIGIN}/{quote(content_id, safe='')}"


def rewrite_cids(html: str) -> str:
    """Point `cid:` references at CID_ORIGIN (Chromium cannot load cid: URLs itself)."""
    return _CID.sub(lambda m: cid_url(unquote(m.group(1)).strip("<>")), html)


def mail_url(mail: Mail) -> str:
    """The address the mail's HTML is shown at (answered by the route handler, never resolved)."""
    return f"{MAIL_ORIGIN}/{quote(mail.id, safe='')}"


class _Recorder:
    """The context's route handler: answers every request locally (or lets it through, live) and records it."""

    def __init__(self, mail: Mail, live: bool, clock) -> None:
        self.mail, self.live, self.clock = mail, live, clock
        self.html = rewrite_cids(mail.html).encode("utf-8")
        self.cids = {cid_url(k): v for k, v in mail.cid_map.items()}
        self.media = "screen"
        self.requests: list[MailRequest] = []
        self.pending: dict = {}  # live mode: Playwright request -> its record, until the response

    async def handle(self, route) -> None:
        request, url = route.request, route.request.url
        kind, at = request.resource_type, self.clock()
        if url == mail_url(self.mail):
            await route.fulfill(status=200, body=self.html, headers={
                "content-type": "text/html; charset=utf-8", "content-security-policy": CSP})
            return
        if url.startswith(MAIL_ORIGIN):  # a relative URL in the mail: it has no server, as in a mail client
            self.requests.append(MailRequest(url, kind, self.media, at, "stub", 404))
            await route.fulfill(status=404, body=b"")
            return
        if url in self.cids:
            mime, data = self.cids[url]
            self.requests.append(MailRequest(url, kind, self.media, at, "cid", 200, mime, len(data)))
            await route.fulfill(status=200, body=data, headers={"content-type": mime})
            return
        if url.startswith(CID_ORIGIN):  # a cid: the message does not carry
            self.requests.append(MailRequest(url, kind, self.media, at, "cid", 404))
            await route.fulfill(status=404, body=b"")
            return
        if self.live and urlsplit(url).scheme in ("http", "https"):
            # through the browser's own network stack (its --host-resolver-rules, its redirects)
            if request.redirected_from is None:  # a redirect hop belongs to its first request
                self.pending[request] = MailRequest(url, kind, self.media, at, "live")
            await route.continue_()
            return
        if kind == "image":
            body, mime = stub_gif(), "image/gif"
        else:
            body, mime = b"", "text/css" if kind == "stylesheet" else "application/octet-stream"
        self.requests.append(MailRequest(url, kind, self.media, at, "stub", None, None, None))
        await route.fulfill(status=200, body=body, headers={"content-type": mime})

    async def on_response(self, response) -> None:
        """Live mode: the answer to a request let through (after its redirects), with the image's size."""
        request = response.request
        while request.redirected_from is not None:
            request = request.redirected_from
        sent = self.pending.pop(request, None)
        if sent is None:
            return
        try:
            body = await response.body()
        except Exception:  # no body (a redirect loop, an aborted load)
            body = b""
        mime = response.headers.get("content-type")
        image = decode_image(body, mime) if sent.resource_type == "image" and body else None
        self.requests.append(replace(sent, status=response.status, content_type=mime, bytes=len(body),
                                     width=image.width if image else None, height=image.height if image else None))

    async def settle(self, drawn: dict) -> None:
        """Wait until every http(s) image the DOM pass `drawn` says the page shows has been requested (and,
        live, answered): switching to print starts its images' loads after the switch returns."""
        wanted = {i["url"] for i in drawn["images"] if i["url"].startswith(("http://", "https://"))}
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_MAX_S
        while loop.time() < deadline:
            seen = {r.url for r in self.requests} | {r.url for r in self.pending.values()}
            if wanted <= seen and not (self.live and self.pending):
                return
            await asyncio.sleep(POLL_S)

    def finish(self) -> tuple[MailRequest, ...]:
        """Every request, in the order made; live requests never answered keep a null status."""
        return tuple(sorted([*self.requests, *self.pending.values()], key=lambda r: r.time_ms))


class MailRenderer:
    """One page that renders mails one after another (a worker's). In safe mode the page is reused, as
    nothing can set state from outside (scripts off, every answer ours); live mode takes a fresh context
    per mail, so one sender's cookies never reach the next mail."""

    def __init__(self, get_browser, *, live: bool = False, timeout: float = 15.0, screenshot: bool = True) -> None:
        """`get_browser()` is awaited for a connected browser (the batch relaunches one that died)."""
        self.get_browser, self.live, self.timeout, self.screenshot = get_browser, live, timeout, screenshot
        self.context = self.page = self.recorder = None
        self.rendered = 0

    async def _page(self):
        self.rendered += 1
        if self.page is None or self.page.is_closed() or self.live or self.rendered % RECYCLE_EVERY == 0:
            await self.close()
            browser = await self.get_browser()
            self.context = await browser.new_context(java_script_enabled=False, viewport=VIEWPORT,
                                                     service_workers="block")
            await self.context.route("**/*", lambda route: self.recorder.handle(route))
            if self.live:
                self.context.on("response", lambda response: self.recorder.on_response(response))
            self.page = await self.context.new_page()
        return self.page

    async def close(self) -> None:
        """Close this renderer's context (it is made again on the next render)."""
        if self.context is not None:
            with suppress(Exception):
                await self.context.close()
        self.context = self.page = None

    async def render(self, mail: Mail) -> Rendering:
        """Render one mail; never raises for the mail's own faults (the error is in the Rendering)."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        self.recorder = recorder = _Recorder(mail, self.live, lambda: round((loop.time() - start) * 1000, 1))
        images: list[MailImage] = []
        links: list[MailLink] = []
        css: list[CssUrl] = []
        shot, error = None, None
        try:
            page = await self._page()
            await page.emulate_media(media="screen")
            async with asyncio.timeout(self.timeout):
                await page.goto(mail_url(mail), wait_until="load")
                screen = await page.evaluate(DOM_JS)
                await recorder.settle(screen)
                if self.screenshot:
                    shot = await page.screenshot(full_page=True, type="png")
                recorder.media = "print"
                await page.emulate_media(media="print")
                printed = await page.evaluate(DOM_JS)  # print styles apply: their images start loading
                await recorder.settle(printed)
            images = [_image(i, "screen") for i in screen["images"]]
            seen = {(i.url, i.tag) for i in images}
            images += [_image(i, "print") for i in printed["images"] if (i["url"], i["tag"]) not in seen]
            links = [MailLink(a["href"], a["text"], tuple(a["box"]) if a.get("box") else None) for a in screen["links"]]
            css = [CssUrl(c["url"], c["selector"], c["media"]) for c in screen["cssUrls"]]
        except TimeoutError:
            error = f"rendering timed out after {self.timeout:g} s"
            await self.close()  # a page that hung is not reused
        except Exception as exc:  # the browser died or the page could not be shown
            error = f"rendering failed: {(str(exc).splitlines() or [type(exc).__name__])[0]}"
            await self.close()
        return Rendering(recorder.finish(), tuple(images), tuple(links), shot, self.live, error, tuple(css))


async def render_mail(browser, mail: Mail, *, live: bool = False, timeout: float = 15.0,
                      screenshot: bool = True) -> Rendering:
    """Open `mail` in a fresh context of `browser` (a one-off MailRenderer)."""
    async def get():
        return browser

    renderer = MailRenderer(get, live=live, timeout=timeout, screenshot=screenshot)
    try:
        return await renderer.render(mail)
    finally:
        await renderer.close()


def _image(data: dict, media: str) -> MailImage:
    return MailImage(data["url"], data["tag"], media, data.get("widthAttr"), data.get("heightAttr"),
                     float(data["width"]), float(data["height"]), data.get("hidden"), data.get("alt"),
                     float(data.get("x", 0.0)), float(data.get("y", 0.0)))


async def follow_links(browser, hrefs: list[str], *, timeout: float = 10.0) -> dict[str, str]:
    """Live mode: where each link really lands, by opening it with scripts off (this counts as a click)."""
    context = await browser.new_context(java_script_enabled=False, service_workers="block")
    finals: dict[str, str] = {}
    try:
        page = await context.new_page()
        for href in hrefs:
            try:
                response = await page.goto(href, wait_until="commit", timeout=timeout * 1000)
                finals[href] = response.url if response is not None else page.url
            except Exception:  # noqa: S112 - an unreachable link keeps no destination
                continue
    finally:
        await context.close()
    return finals
