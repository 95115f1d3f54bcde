"""Trackers per page, for crawl results: per scenario, on which pages each tracker vendor appears, and each
page's trackers grouped by the first path segment, so 200 pages stay readable (collapsed with <details>)."""

from __future__ import annotations

from urllib.parse import urlsplit

from pixelaudit.rules import TRACKING_CATEGORIES

MULTI_PAGE = 3  # a scenario with this many pages or more is a crawl: the section is shown
OPEN_GROUP = 12  # groups with at most this many pages start open


def _vendor(request: dict) -> str | None:
    """The vendor a tracking request counts for, or None for requests that are not tracking."""
    tracker = request.get("tracker") or {}
    if tracker and (tracker.get("category") in TRACKING_CATEGORIES or tracker.get("category") in (None, "unknown")):
        return str(tracker.get("vendor") or request.get("host") or "unnamed")
    if request.get("pixel"):
        return f"{request.get('host') or 'unknown host'} (pixel, no known vendor)"
    return None


def is_crawl(result: dict) -> bool:
    """True when some scenario visited enough pages for the per-page view to say more than the matrix."""
    counts: dict[str, int] = {}
    for page in result.get("pages") or []:
        if isinstance(page, dict):
            counts[page.get("scenario")] = counts.get(page.get("scenario"), 0) + 1
    return any(n >= MULTI_PAGE for n in counts.values())


def group_name(url: str) -> str:
    """A page's group: its host and first path segment, e.g. ``www.shop.com/product``."""
    parts = urlsplit(url)
    segment = parts.path.strip("/").split("/", 1)[0]
    return f"{parts.hostname or ''}/{segment}" if segment else f"{parts.hostname or ''}/"


def trackers_per_page(result: dict) -> list[dict]:
    """Per scenario: `vendors` (vendor → its pages, before/after-consent request counts) and `groups` of pages
    with the vendors seen on each; pages without any tracker are only counted."""
    pages_of: dict[str, list[str]] = {}
    for page in result.get("pages") or []:
        if isinstance(page, dict) and page.get("url"):
            pages_of.setdefault(page.get("scenario"), [])
            if page["url"] not in pages_of[page.get("scenario")]:
                pages_of[page.get("scenario")].append(page["url"])
    seen: dict[str, dict[str, dict[str, dict]]] = {}  # scenario -> page -> vendor -> counts
    for request in result.get("requests") or []:
        vendor = _vendor(request) if isinstance(request, dict) else None
        if vendor is None or not request.get("page_url"):
            continue
        cell = seen.setdefault(request.get("scenario"), {}).setdefault(request["page_url"], {}).setdefault(
            vendor, {"before": 0, "after": 0})
        cell["before" if request.get("before_consent") else "after"] += 1
    out = []
    for scenario in dict.fromkeys([*(result.get("scenarios") or []), *pages_of]):
        pages = pages_of.get(scenario, [])
        by_page = seen.get(scenario, {})
        order = pages + [p for p in by_page if p not in pages]
        out.append({"scenario": scenario, "pages": len(order),
                     "vendors": _vendors(by_page, order), "groups": _groups(by_page, order),
                     "clean": sum(1 for p in order if p not in by_page)})
    return out


def _vendors(by_page: dict[str, dict[str, dict]], order: list[str]) -> list[dict]:
    vendors: dict[str, dict] = {}
    for page in order:
        for vendor, counts in by_page.get(page, {}).items():
            row = vendors.setdefault(vendor, {"vendor": vendor, "pages": [], "before": 0, "after": 0})
            row["pages"].append(page)
            row["before"] += counts["before"]
            row["after"] += counts["after"]
    # the most widespread first: that is the vendor a fix helps most
    return sorted(vendors.values(), key=lambda v: (-len(v["pages"]), v["vendor"].casefold()))


def _groups(by_page: dict[str, dict[str, dict]], order: list[str]) -> list[dict]:
    groups: dict[str, list[dict]] = {}
    for page in order:
        if page in by_page:
            vendors = [{"vendor": v, **c} for v, c in sorted(by_page[page].items(), key=lambda kv: kv[0].casefold())]
            groups.setdefault(group_name(page), []).append({"url": page, "vendors": vendors})
    return [{"name": name, "pages": rows, "open": len(rows) <= OPEN_GROUP} for name, rows in groups.items()]
