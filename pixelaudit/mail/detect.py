"""What a rendered e-mail tracks: open pixels, click tracking and other remote content (pure functions).

An image is an **open pixel** when its URL has a sending platform's tracking shape (our rules, category
`email`, matched by path shape on any host since platforms use the sender's own subdomains), or when it
is drawn (or declared) at most 2×2 px, hidden, or loaded only for print (a CSS forward/print tracker) —
and, for those shape-less cases, its URL carries data (a query or a long token), so spacers stay out.
With `--live`, the decoded size counts too. `cid:` images come from the message and never track.
A link is **click tracking** when it matches a platform's redirector rule, or when it wraps another URL
(a query value or path segment that is an http(s) URL, plain, percent-encoded or base64).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from pixelaudit.mail.render import CID_ORIGIN, STUB_SIZE, CssUrl, MailImage, MailLink, MailRequest
from pixelaudit.parties import party_of
from pixelaudit.pixels import TINY  # the same size bar as web pixels
from pixelaudit.rules import RuleSet

__all__ = ["ClickLink", "OpenPixel", "RemoteContent", "click_links", "css_pixels", "open_pixels", "remote_content"]

# Image CDN options (resize, crop, format, quality, cache-busting version): they say nothing about the reader.
IMAGE_PARAMS = frozenset({"w", "h", "width", "height", "q", "quality", "fit", "crop", "format", "fm", "auto",
                          "dpr", "v", "ver", "version", "s", "size", "resize", "scale", "rect"})
_TOKEN = re.compile(r"[A-Za-z0-9_=%.-]{16,}")
_URL_IN = re.compile(r"https?(?::|%3A)(?://|%2F%2F)", re.IGNORECASE)
_PRINT = re.compile(r"(?:^|,)\s*(?:only\s+)?print\b", re.IGNORECASE)  # a query for print media ("not print" is not)


@dataclass(frozen=True, slots=True)
class OpenPixel:
    """An image loaded to learn that (and when, where, by whom) the mail was opened."""

    url: str
    host: str
    site: str
    party: str
    tag: str
    media: str
    reasons: tuple[str, ...]
    vendor: str | None = None
    rule: str | None = None
    box: tuple[float, float, float, float] | None = None  # where it is drawn on the screenshot, if visible


@dataclass(frozen=True, slots=True)
class ClickLink:
    """A link that goes through a click-tracking redirect before reaching `final_url` (when it shows)."""

    href: str
    text: str
    host: str
    site: str
    party: str
    reason: str
    vendor: str | None = None
    rule: str | None = None
    final_url: str | None = None
    box: tuple[float, float, float, float] | None = None  # where the link is drawn on the screenshot


@dataclass(frozen=True, slots=True)
class RemoteContent:
    """Anything else the mail loads from a server: images, fonts, style sheets."""

    url: str
    host: str
    site: str
    party: str
    resource_type: str
    media: str


def _int(value: str | None) -> int | None:
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m else None


def carries_data(url: str) -> bool:
    """A query parameter other than an image CDN's resize/format options, or a long token in the path: the URL
    can tell its server something (a hidden `hero.jpg?w=600` is a responsive variant, not a report)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name.lower() not in IMAGE_PARAMS for name, _ in query) or (parts.query and not query):
        return True
    return any(_TOKEN.fullmatch(seg) for seg in parts.path.split("/") if seg)


def _platform_match(rules: RuleSet, url: str, kind: str, platform, sender_sites: frozenset[str]
                    ) -> tuple[str, str, str] | None:
    """(vendor, rule id, reason) when `url` is a sending platform's: by an e-mail tracker rule, or by the
    shapes of the platform the headers name, on the sender's own hosts."""
    rule = rules.match_url(url)
    if rule is not None and rule.category == "email":
        what = "tracking URL" if kind == "open" else "click redirect"
        return rule.vendor, rule.id, f"{rule.vendor} {what} ({rule.id})"
    if platform is not None and party_of(url, sender_sites).party == "first" and platform.shape(kind, url):
        what = "open URL" if kind == "open" else "click redirect"
        return platform.vendor, platform.rule, f"{platform.vendor} {what} on the sender's host (headers name it)"
    return None


def _size_reasons(image: MailImage, request: MailRequest | None) -> list[str]:
    reasons = []
    w, h = _int(image.width_attr), _int(image.height_attr)
    if w is not None and h is not None and w <= TINY and h <= TINY:
        reasons.append(f"declared {w}×{h}")
    drawn = (round(image.drawn_width), round(image.drawn_height))
    if image.hidden is None and drawn != STUB_SIZE and max(drawn) <= TINY and not reasons:
        reasons.append(f"drawn {drawn[0]}×{drawn[1]}")
    if image.hidden:
        reasons.append(f"hidden ({image.hidden})")
    if image.media == "print":
        reasons.append("loaded only when printed or forwarded (CSS @media print)")
    if request is not None and request.width is not None and request.height is not None \
            and request.width <= TINY and request.height <= TINY:
        reasons.append(f"decoded {request.width}×{request.height}")
    return reasons


def open_pixels(images: tuple[MailImage, ...], requests: tuple[MailRequest, ...], rules: RuleSet,
                sender_sites: frozenset[str], platform=None) -> tuple[OpenPixel, ...]:
    """The open pixels among the mail's images, one per URL (its first drawing); `platform` is the
    PlatformHint the headers gave, whose URL shapes then count too."""
    by_url = {r.url: r for r in requests}
    out: dict[str, OpenPixel] = {}
    for image in images:
        if image.url in out or image.url.startswith(CID_ORIGIN) or not image.url.startswith("http"):
            continue
        match = _platform_match(rules, image.url, "open", platform, sender_sites)
        reasons = _size_reasons(image, by_url.get(image.url))
        if match is None and (not reasons or not carries_data(image.url)):
            continue  # a picture, or a spacer that says nothing
        vendor, rule_id = (match[0], match[1]) if match else (None, None)
        if match is not None:
            reasons.insert(0, match[2])
        party = party_of(image.url, sender_sites)
        box = (image.x, image.y, image.drawn_width, image.drawn_height) \
            if image.media == "screen" and image.hidden is None else None
        out[image.url] = OpenPixel(image.url, party.host, party.site, party.party, image.tag, image.media,
                                   tuple(reasons), vendor, rule_id, box)
    return tuple(out.values())


def css_pixels(css_urls: tuple[CssUrl, ...], images: tuple[MailImage, ...], rules: RuleSet,
               sender_sites: frozenset[str], platform=None) -> tuple[OpenPixel, ...]:
    """CSS backgrounds that never loaded here (their selector or media did not apply) but would report the
    reader when they do: a platform's tracking URL, or a URL that carries data. One per URL."""
    drawn = {image.url for image in images}
    out: dict[str, list] = {}
    printed: set[str] = set()
    for css in css_urls:
        if css.url in drawn or not css.url.startswith("http"):
            continue
        match = _platform_match(rules, css.url, "open", platform, sender_sites)
        if match is None and not carries_data(css.url):
            continue
        if prints := bool(_PRINT.search(css.media)):
            printed.add(css.url)
        when = "printed" if prints else "forwarded or shown by a client whose markup matches"
        reason = f"CSS background of {css.selector!r}" + (f" under @media {css.media}" if css.media else "") \
            + f": loads only when the mail is {when}"
        out.setdefault(css.url, [match]).append(reason)
    pixels = []
    for url, (match, *reasons) in out.items():
        party = party_of(url, sender_sites)
        media = "print" if url in printed else "conditional"
        pixels.append(OpenPixel(url, party.host, party.site, party.party, "css", media,
                                tuple(([match[2]] if match else []) + reasons),
                                match[0] if match else None, match[1] if match else None))
    return tuple(pixels)


def wrapped_url(href: str) -> str | None:
    """The destination a redirect link carries: a query value or path part that is itself a URL."""
    parts = urlsplit(href)
    for _, value in parse_qsl(parts.query, keep_blank_values=True):
        if found := _as_url(value):
            return found
    path = parts.path
    if m := _URL_IN.search(path):
        tail = path[m.start():]
        if "%2f" not in tail[:12].lower():
            return tail  # a plain URL closes the path (/redirect/https://shop.example/x)
        return unquote(tail.split("/1/")[0])  # encoded, then SES's /1/<message-id>/<signature> after it
    for segment in path.split("/"):
        if len(segment) >= 16 and (found := _as_url(segment, plain=False)):
            return found
    return None


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def _as_url(value: str, *, plain: bool = True) -> str | None:
    """A URL in a value: plain, percent-encoded, or base64 of a URL or of JSON holding one (Mandrill's p=)."""
    raw = unquote(value)
    text = raw.strip()
    if plain and _is_url(text):
        return text
    text = raw.replace(" ", "+").strip()  # a raw "+" in a query value was read as a space
    try:
        padded = text + "=" * (-len(text) % 4)
        decoded = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_")).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded if _is_url(decoded) else _json_url(decoded)


def _json_url(text: str, depth: int = 0) -> str | None:
    """The first URL value in a JSON text ("url" keys first), looking into JSON encoded inside strings."""
    if depth > 3 or not text.lstrip().startswith(("{", "[")):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    values = list(data.values()) if isinstance(data, dict) else data if isinstance(data, list) else []
    if isinstance(data, dict) and isinstance(data.get("url"), str) and _is_url(data["url"]):
        return data["url"]
    for value in values:
        if isinstance(value, str) and (_is_url(value) or (found := _json_url(value, depth + 1))):
            return value if _is_url(value) else found
    return None


def click_links(links: tuple[MailLink, ...], rules: RuleSet, sender_sites: frozenset[str],
                platform=None, finals: dict[str, str] | None = None) -> tuple[ClickLink, ...]:
    """Links that pass through a click-tracking redirect, in the mail's order, one per href; `finals` are
    destinations learnt by following links (live mode)."""
    out: dict[str, ClickLink] = {}
    for link in links:
        if link.href in out or urlsplit(link.href).scheme not in ("http", "https"):
            continue
        match = _platform_match(rules, link.href, "click", platform, sender_sites)
        final = wrapped_url(link.href) or _moved((finals or {}).get(link.href), link.href)
        if match is None and final is None:
            continue
        if match is None and party_of(final, frozenset()).site == party_of(link.href, frozenset()).site \
                and not _tagged(link.href, final):
            continue  # a same-site jump (e.g. a login return URL) that says nothing about the reader
        party = party_of(link.href, sender_sites)
        vendor, rule_id, reason = match or (None, None, "redirect that carries the destination")
        out[link.href] = ClickLink(link.href, link.text, party.host, party.site, party.party, reason,
                                   vendor, rule_id, final, link.box)
    return tuple(out.values())


def _tagged(href: str, final: str) -> bool:
    """Does a redirect link carry a token besides its destination (a per-send or per-reader id)?"""
    return any(_TOKEN.fullmatch(value) and unquote(value) != final
               for _, value in parse_qsl(urlsplit(href).query, keep_blank_values=True))


def _moved(final: str | None, href: str) -> str | None:
    return final if final and final != href else None


def remote_content(requests: tuple[MailRequest, ...], pixels: tuple[OpenPixel, ...],
                   sender_sites: frozenset[str]) -> tuple[RemoteContent, ...]:
    """Requests that are not open pixels nor the message's own parts, one per URL."""
    skip = {p.url for p in pixels}
    out: dict[str, RemoteContent] = {}
    for req in requests:
        if req.url in skip or req.url in out or req.answered == "cid" or not req.url.startswith("http"):
            continue
        party = party_of(req.url, sender_sites)
        out[req.url] = RemoteContent(req.url, party.host, party.site, party.party, req.resource_type, req.media)
    return tuple(out.values())
