"""Is a request a tracking pixel: a request whose point is the request itself?

An image is a pixel when its *decoded* size is at most 2×2 (or it is fully transparent) AND it is
third-party, carries data (query, cookies, a per-visit token in the path) or is drawn invisible.
Beacons (sendBeacon, <a ping>), keepalive fetches and requests sent during unload are pixels by nature.
An image is never judged from its URL alone.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from pixelaudit.model import ImageElement, ImageInfo, Party, Pixel, Request

TINY = 2  # px: at most this wide and high counts as a pixel
BEACON_TYPES = frozenset({"ping", "beacon"})
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")


def is_image_request(req: Request) -> bool:
    """An image request by type or by the answer's content type."""
    return req.resource_type == "image" or (req.content_type or "").lower().startswith("image/")


def data_carried(req: Request, party: Party) -> str | None:
    """Why the request carries data to its server, or None.

    Cookies count only for third parties: every first-party request carries the site's own cookies.
    """
    parts = urlsplit(req.url)
    if parts.query:
        return "carries data in its query string"
    if req.sent_cookies and party.party == "third":
        return "sends cookies"
    for segment in parts.path.split("/"):
        if _TOKEN.fullmatch(segment) and re.search(r"\d", segment) and re.search(r"[A-Za-z]", segment):
            return "carries a per-visit token in its path"
    return None


def invisibility(elements: list[ImageElement]) -> str | None:
    """Why the image is not seen by the visitor, or None when some element draws it visibly."""
    if not elements:
        return "never drawn in the page (new Image() or removed from the DOM)"
    reasons = set()
    for el in elements:
        if not el.visible:
            reasons.add("drawn hidden (display:none, visibility:hidden or opacity:0)")
        elif el.width <= TINY and el.height <= TINY:
            reasons.add(f"drawn at {el.width:g}×{el.height:g} px")
        elif el.offscreen:
            reasons.add("drawn off-screen")
        else:
            return None
    return "; ".join(sorted(reasons))


def judge_pixel(req: Request, party: Party, image: ImageInfo | None,
                elements: list[ImageElement]) -> Pixel | None:
    """A Pixel with its reasons, or None when the request is not a tracking pixel."""
    if req.url.startswith(("data:", "blob:")) or req.redirected_to:
        return None  # placeholders; redirect hops are judged at the hop that answers
    if req.source == "netlog":
        if not req.unload:
            return None
        return Pixel(None, None, None, ("sent while the page was unloading (pagehide/unload); "
                                        "invisible to the page's events, seen in Chromium's net log",))
    if req.resource_type in BEACON_TYPES:
        return Pixel(None, None, req.size, ("beacon (navigator.sendBeacon or <a ping>)",))
    if req.keepalive:
        return Pixel(None, None, req.size, ("keepalive fetch: outlives the page, as a beacon does",))
    if not is_image_request(req):
        return None
    data = data_carried(req, party)
    hidden = invisibility(elements)
    hops = f"reached through {len(req.redirect_chain)} redirect(s)" if req.redirect_chain else None
    if image is None:
        # No image came back (204, empty body): only a request that was never shown and carried data
        # has no other purpose than being sent.
        if req.failure is None and (req.status == 204 or req.size == 0) and data and hidden:
            return Pixel(None, None, req.size, tuple(
                r for r in ("image request answered without an image", data, hidden, hops) if r))
        return None
    tiny = image.width <= TINY and image.height <= TINY
    if not (tiny or image.transparent):
        return None
    signals = [r for r in ("third-party" if party.party == "third" else None, data, hidden) if r]
    if not signals:
        return None  # e.g. a static first-party spacer drawn larger in the layout
    size = f"decoded {image.format} is {image.width}×{image.height}"
    if image.transparent:
        size += ", fully transparent"
    return Pixel(image.width, image.height, req.size, tuple([size, *signals, *([hops] if hops else [])]))
