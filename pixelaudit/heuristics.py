"""Unknown third parties that still look like trackers: identifiers, high-entropy tokens, the page address.

A request no rule or filter list knows is reported with `category: "unknown"` and the reason, so new
trackers are not silently missed; it is never counted as a known vendor.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from urllib.parse import parse_qsl, unquote, urlsplit

from pixelaudit.model import Party, Request, TrackerMatch

# Query parameter names that carry a visitor, device or click identifier in common tracking protocols.
ID_PARAMS = frozenset({
    "cid", "uid", "user_id", "userid", "visitor_id", "visitorid", "vid", "client_id", "clientid", "device_id",
    "deviceid", "anonymous_id", "anonymousid", "anon_id", "guid", "uuid", "fbp", "fbc", "_fbp", "_fbc", "gclid",
    "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "ttclid", "twclid", "li_fat_id", "epik", "sccid",
    "rdt_cid", "irclickid", "yclid", "session_id", "sessionid", "sid", "_ga", "ga_cid", "ajs_uid", "ajs_aid",
    "distinct_id", "mpid", "hashed_email", "em", "email", "ud[em]", "pd[em]", "u_hem",
})  # fmt: skip
# Resource types that only load code or layout: a cache-busting token there is not an identifier.
SKIPPED_TYPES = frozenset({"script", "stylesheet", "font", "manifest", "texttrack"})
_TOKEN = re.compile(r"[A-Za-z0-9_\-.]{16,128}")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _looks_random(value: str) -> bool:
    return (bool(_TOKEN.fullmatch(value)) and any(c.isdigit() for c in value)
            and any(c.isalpha() for c in value) and entropy(value) >= 3.5)


def _page_host(page_url: str) -> str:
    try:
        return (urlsplit(page_url).hostname or "").lower()
    except ValueError:
        return ""


def judge_unknown(req: Request, party: Party) -> TrackerMatch | None:
    """A heuristic match for a third-party request that carries identifying data, or None."""
    if party.party != "third" or req.resource_type in SKIPPED_TYPES:
        return None
    try:
        params = parse_qsl(urlsplit(req.url).query, keep_blank_values=True)
    except ValueError:
        return None
    page_host = _page_host(req.page_url)
    for name, value in params:
        if name.lower() in ID_PARAMS and value:
            return _match("id-param", f"identifier parameter {name}= in a third-party request")
    for name, value in params:
        if page_host and page_host in unquote(value).lower() and "://" in unquote(value):
            return _match("page-url", f"sends the page address in parameter {name}=")
    for name, value in params:
        if _looks_random(value):
            return _match("token", f"high-entropy token in parameter {name}= ({len(value)} characters)")
    return None


def _match(kind: str, reason: str) -> TrackerMatch:
    return TrackerMatch(None, "unknown", f"heuristic:{kind}", source="heuristic", reason=reason)
