"""The crawl frontier: which pages to visit, in a reproducible breadth-first order, with crawl-trap guards.

Order: by depth, then by discovery (``Page.seq``). The root is depth 0; the links of a page at depth d are
added at d + 1 in document order; sitemap URLs are added at depth 1 in sitemap order. Same ``add``/``pop``
calls, same order. A concurrent crawler keeps that promise by adding each page's links in the order the pages
were popped (a reorder buffer on ``Page.seq``), never in the order they happen to finish.

Guards, checked in this order for each URL added (the first that fails is the refusal's reason):
``invalid`` (not http(s)), ``seen``, ``out-of-scope``, ``excluded`` (--include/--exclude), ``too-deep``
(depth > max_depth), ``too-long`` (URL over ``MAX_URL_LENGTH`` characters or path over ``MAX_PATH_SEGMENTS``
segments), ``repeating-path`` (a run of path segments repeated ``REPEATS`` times in a row: ``/a/b/a/b/a/b``),
``variant-limit`` (already ``max_variants_per_path`` pages with this scheme, host and path, whatever the query:
a calendar's endless ``?month=`` links), ``page-limit`` (``max_pages`` pages queued in all, the root included).

The root is always queued: filters and limits select what is followed from it.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from pixelaudit.crawl.urls import Scope, UrlError, UrlFilter, host_in_scope, normalise

MAX_VARIANTS_PER_PATH = 10  # enough for a listing's first pages; a template rarely needs more to be audited
MAX_URL_LENGTH = 2048
MAX_PATH_SEGMENTS = 32
REPEATS = 3  # /a/b/a/b is allowed (relative links can do that once), /a/b/a/b/a/b is a trap
STATE_VERSION = 1


class Refusal(StrEnum):
    """Why ``Frontier.add`` did not queue a URL."""

    INVALID = "invalid"
    SEEN = "seen"
    OUT_OF_SCOPE = "out-of-scope"
    EXCLUDED = "excluded"
    TOO_DEEP = "too-deep"
    TOO_LONG = "too-long"
    REPEATING_PATH = "repeating-path"
    VARIANT_LIMIT = "variant-limit"
    PAGE_LIMIT = "page-limit"


class StateError(ValueError):
    """A saved frontier state that cannot be resumed (wrong version or shape)."""


@dataclass(frozen=True, slots=True)
class Page:
    """A page to visit: its normalised URL, link depth, where it was found and its discovery order."""

    url: str
    depth: int
    source: str  # "root", "sitemap" or the URL of the page that links here
    seq: int  # 0 for the root, then 1, 2, … in the order pages were queued


@dataclass(frozen=True, slots=True)
class Admission:
    """The answer to ``Frontier.add``: the normalised URL and, when it was not queued, why."""

    url: str | None
    reason: Refusal | None = None

    @property
    def queued(self) -> bool:
        """Whether the URL was queued."""
        return self.reason is None


def repeats_segments(path: str, times: int = REPEATS) -> bool:
    """Whether some run of path segments occurs ``times`` times in a row (``/x/a/b/a/b/a/b/y``)."""
    segments = path.split("/")[1:]
    if segments and segments[-1] == "":
        segments.pop()
    n = len(segments)
    for size in range(1, n // times + 1):
        for start in range(n - size * times + 1):
            block = segments[start : start + size]
            if all(segments[start + k * size : start + (k + 1) * size] == block for k in range(1, times)):
                return True
    return False


def _variant_key(url: str) -> str:
    return url.split("?", 1)[0]


class Frontier:
    """Breadth-first queue of pages for one crawl (see the module docstring for order and guards)."""

    __slots__ = (
        "_host", "_in_flight", "_marked", "_pages", "_queue", "_refused", "_variants",
        "max_depth", "max_pages", "max_variants_per_path", "root", "scope", "url_filter",
    )  # fmt: skip

    def __init__(
        self,
        root: str,
        *,
        max_pages: int,
        max_depth: int,
        scope: Scope,
        url_filter: UrlFilter | None = None,
        max_variants_per_path: int = MAX_VARIANTS_PER_PATH,
    ) -> None:
        normalised = normalise(root)
        if normalised is None:
            raise UrlError(f"not an http(s) URL: {root!r}")
        if max_pages < 1 or max_depth < 0 or max_variants_per_path < 1:
            raise ValueError("max_pages and max_variants_per_path must be ≥ 1, max_depth ≥ 0")
        host_in_scope("", "", scope)  # rejects an unknown scope now, not at the first link
        self.root, self.scope = normalised, scope
        self.max_pages, self.max_depth = max_pages, max_depth
        self.url_filter = url_filter or UrlFilter()
        self.max_variants_per_path = max_variants_per_path
        self._host = urlsplit(normalised).hostname or ""
        self._pages: dict[str, Page] = {}  # every page ever queued, in seq order
        self._marked: dict[str, None] = {}  # seen without being queued (redirect targets)
        self._queue: list[tuple[int, int, str]] = []  # heap of (depth, seq, url)
        self._in_flight: dict[str, Page] = {}
        self._variants: Counter[str] = Counter()
        self._refused: Counter[Refusal] = Counter()
        self._queue_page(Page(normalised, 0, "root", 0))

    def _queue_page(self, page: Page) -> None:
        self._pages[page.url] = page
        self._variants[_variant_key(page.url)] += 1
        heapq.heappush(self._queue, (page.depth, page.seq, page.url))

    def _check(self, url: str, depth: int) -> Refusal | None:
        if url in self._pages or url in self._marked:
            return Refusal.SEEN
        if not host_in_scope(urlsplit(url).hostname or "", self._host, self.scope):
            return Refusal.OUT_OF_SCOPE
        if not self.url_filter.allows(url):
            return Refusal.EXCLUDED
        if depth > self.max_depth:
            return Refusal.TOO_DEEP
        path = urlsplit(url).path
        if len(url) > MAX_URL_LENGTH or path.count("/") > MAX_PATH_SEGMENTS:
            return Refusal.TOO_LONG
        if repeats_segments(path):
            return Refusal.REPEATING_PATH
        if self._variants[_variant_key(url)] >= self.max_variants_per_path:
            return Refusal.VARIANT_LIMIT
        if len(self._pages) >= self.max_pages:
            return Refusal.PAGE_LIMIT
        return None

    def add(self, url: str, depth: int, source: str) -> Admission:
        """Queue ``url`` found at link ``depth`` on ``source`` ("sitemap" or a page URL) unless a guard refuses it."""
        if depth < 0:
            raise ValueError(f"depth must be ≥ 0, not {depth}")
        normalised = normalise(url)
        reason = Refusal.INVALID if normalised is None else self._check(normalised, depth)
        if reason is not None:
            self._refused[reason] += 1
            return Admission(normalised, reason)
        assert normalised is not None
        self._queue_page(Page(normalised, depth, source, len(self._pages)))
        return Admission(normalised)

    def mark_seen(self, url: str) -> None:
        """Remember a URL without queueing it (where a visited page redirected to), so links to it are skipped."""
        normalised = normalise(url)
        if normalised is not None and normalised not in self._pages:
            self._marked[normalised] = None

    def pop(self) -> Page | None:
        """The next page to visit, or None when the queue is empty (pages in flight may still add more)."""
        if not self._queue:
            return None
        _, _, url = heapq.heappop(self._queue)
        page = self._pages[url]
        self._in_flight[url] = page
        return page

    def done(self, url: str) -> None:
        """Record that a popped page was visited (successfully or not): it is not re-queued on resume."""
        if self._in_flight.pop(url, None) is None:
            raise ValueError(f"not a page in flight: {url!r}")

    @property
    def pending(self) -> int:
        """Pages queued and not yet popped."""
        return len(self._queue)

    @property
    def in_flight(self) -> tuple[Page, ...]:
        """Pages popped and not yet done, in pop order."""
        return tuple(self._in_flight.values())

    @property
    def queued_total(self) -> int:
        """Pages ever queued, the root included (what ``max_pages`` limits)."""
        return len(self._pages)

    @property
    def refused(self) -> dict[str, int]:
        """How many URLs each guard refused, by reason, for the report."""
        return {reason.value: self._refused[reason] for reason in Refusal if self._refused[reason]}

    def to_dict(self) -> dict[str, Any]:
        """Plain-data state (JSON-safe) for ``from_dict``; pages in flight are saved as still to visit."""
        waiting = sorted([(d, s) for d, s, _ in self._queue] + [(p.depth, p.seq) for p in self._in_flight.values()])
        pages = list(self._pages.values())
        return {
            "version": STATE_VERSION,
            "root": self.root,
            "scope": self.scope,
            "max_pages": self.max_pages,
            "max_depth": self.max_depth,
            "max_variants_per_path": self.max_variants_per_path,
            "include": list(self.url_filter.include),
            "exclude": list(self.url_filter.exclude),
            "pages": [[p.url, p.depth, p.source] for p in pages],
            "waiting": [seq for _, seq in waiting],
            "marked": list(self._marked),
            "refused": self.refused,
        }

    @classmethod
    def from_dict(cls, state: dict[str, Any]) -> Frontier:
        """Rebuild a frontier saved by ``to_dict``; it pops the same pages in the same order."""
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise StateError(f"unsupported crawl state (expected version {STATE_VERSION})")
        try:
            frontier = cls(
                state["root"],
                max_pages=state["max_pages"],
                max_depth=state["max_depth"],
                scope=state["scope"],
                url_filter=UrlFilter(tuple(state["include"]), tuple(state["exclude"])),
                max_variants_per_path=state["max_variants_per_path"],
            )
            pages = [Page(url, depth, source, seq) for seq, (url, depth, source) in enumerate(state["pages"])]
            if not pages or pages[0].url != frontier.root:
                raise StateError("crawl state does not start with its root page")
            frontier._pages, frontier._queue, frontier._variants = {}, [], Counter()
            for page in pages:
                frontier._pages[page.url] = page
                frontier._variants[_variant_key(page.url)] += 1
            frontier._queue = [(pages[seq].depth, seq, pages[seq].url) for seq in state["waiting"]]
            heapq.heapify(frontier._queue)
            frontier._marked = dict.fromkeys(state["marked"])
            frontier._refused = Counter({Refusal(k): int(v) for k, v in state["refused"].items()})
        except StateError:
            raise
        except (KeyError, TypeError, ValueError, IndexError) as e:
            raise StateError(f"corrupt crawl state: {e!r}") from None
        return frontier
