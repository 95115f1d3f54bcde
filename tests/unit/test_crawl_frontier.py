"""Unit tests for pixelaudit.crawl.frontier: breadth-first order, trap guards, limits and resumable state."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from urllib.parse import urljoin

import pytest

from pixelaudit.crawl.frontier import (
    MAX_URL_LENGTH,
    Admission,
    Frontier,
    Page,
    Refusal,
    StateError,
    repeats_segments,
)
from pixelaudit.crawl.urls import UrlError, UrlFilter

ROOT = "https://www.shop.test/"
Links = Callable[[str], list[str]]


def site(pages: Mapping[str, list[str]]) -> Links:
    """Links of a fixture site given as path → hrefs (relative to the page)."""
    return lambda url: [urljoin(url, href) for href in pages.get(url.removeprefix(ROOT[:-1]), [])]


def frontier(**options: object) -> Frontier:
    settings: dict = {"max_pages": 100, "max_depth": 10, "scope": "site"} | options
    return Frontier(ROOT, **settings)


def crawl(f: Frontier, links: Links, batch: int = 1) -> list[str]:
    """Visit pages ``batch`` at a time, adding each page's links in pop order (as a concurrent crawler must)."""
    visited: list[str] = []
    while True:
        popped = [p for p in (f.pop() for _ in range(batch)) if p is not None]
        if not popped:
            return visited
        for page in popped:
            visited.append(page.url.removeprefix(ROOT[:-1]))
            for href in links(page.url):
                f.add(href, page.depth + 1, page.url)
            f.done(page.url)


SHOP = {
    "/": ["/shoes", "/bags", "https://cdn.shop.test/lookbook", "/shoes#reviews", "https://other.test/"],
    "/shoes": ["/shoes/red", "/bags", "/checkout"],
    "/bags": ["/bags/tote", "/"],
    "/shoes/red": ["/checkout?utm_source=mail"],
    "/checkout": ["/checkout/thank-you"],
}


def test_breadth_first_in_discovery_order() -> None:
    f = frontier()
    for url in ("/sitemap-only", "/bags"):  # sitemap URLs at depth 1, before the root's links are known
        f.add(urljoin(ROOT, url), 1, "sitemap")
    assert crawl(f, site(SHOP)) == [
        "/",
        "/sitemap-only",
        "/bags",
        "/shoes",
        "https://cdn.shop.test/lookbook",
        "/bags/tote",
        "/shoes/red",
        "/checkout",
        "/checkout/thank-you",
    ]


@pytest.mark.parametrize("batch", [2, 3, 8])
def test_order_is_the_same_when_pages_are_visited_in_batches(batch: int) -> None:
    assert crawl(frontier(), site(SHOP), batch) == crawl(frontier(), site(SHOP))


def test_same_inputs_same_pages_with_their_depth_source_and_seq() -> None:
    def pages() -> list[Page]:
        f = frontier()
        out: list[Page] = []
        while (page := f.pop()) is not None:
            out.append(page)
            for href in site(SHOP)(page.url):
                f.add(href, page.depth + 1, page.url)
            f.done(page.url)
        return out

    first = pages()
    assert first == pages()
    assert first[4] == Page("https://www.shop.test/shoes/red", 2, "https://www.shop.test/shoes", 4)
    assert [p.seq for p in first] == list(range(len(first)))


def test_add_says_why_a_url_was_not_queued() -> None:
    f = frontier(url_filter=UrlFilter(exclude=("/admin/*",)), max_depth=2)
    assert f.add("https://www.shop.test/a?utm_source=x#top", 1, ROOT) == Admission("https://www.shop.test/a")
    assert f.add("https://www.shop.test/a", 1, ROOT) == Admission("https://www.shop.test/a", Refusal.SEEN)
    assert f.add("https://www.shop.test:443/", 1, ROOT) == Admission(ROOT, Refusal.SEEN)  # the root
    assert f.add("mailto:x@shop.test", 1, ROOT) == Admission(None, Refusal.INVALID)
    assert f.add("https://other.test/", 1, ROOT).reason is Refusal.OUT_OF_SCOPE
    assert f.add("https://www.shop.test/admin/x", 1, ROOT).reason is Refusal.EXCLUDED
    assert f.add("https://www.shop.test/deep", 3, ROOT).reason is Refusal.TOO_DEEP
    assert f.add("https://www.shop.test/" + "x" * MAX_URL_LENGTH, 1, ROOT).reason is Refusal.TOO_LONG
    assert f.add("https://www.shop.test" + "/s" * 33, 1, ROOT).reason is Refusal.TOO_LONG
    assert f.add("https://www.shop.test/a/b/a/b/a/b", 1, ROOT).reason is Refusal.REPEATING_PATH
    assert f.add("https://cdn.shop.test/ok", 2, ROOT).queued
    assert f.refused == {
        "invalid": 1,
        "seen": 2,
        "out-of-scope": 1,
        "excluded": 1,
        "too-deep": 1,
        "too-long": 2,
        "repeating-path": 1,
    }
    assert (f.pending, f.queued_total) == (3, 3)


def test_host_scope_keeps_other_hosts_of_the_site_out() -> None:
    f = frontier(scope="host")
    assert f.add("https://cdn.shop.test/x", 1, ROOT).reason is Refusal.OUT_OF_SCOPE
    assert f.add("http://www.shop.test:8080/x", 1, ROOT).queued


def test_calendar_with_endless_next_links_stops_at_the_variant_limit() -> None:
    def calendar(url: str) -> list[str]:
        if "month=" not in url:
            return [urljoin(url, "/calendar?month=0")]
        month = int(url.rsplit("=", 1)[1])
        return [f"/calendar?month={month + 1}", f"/calendar?month={month - 1}", "/"]

    f = frontier(max_pages=1000, max_depth=1000, max_variants_per_path=5)
    visited = crawl(f, lambda url: [urljoin(url, href) for href in calendar(url)])
    assert visited == ["/"] + [f"/calendar?month={m}" for m in (0, 1, -1, 2, -2)]
    assert f.refused["variant-limit"] == 2  # month=3 and month=-3; the rest were already seen
    assert f.refused["seen"] == 9


def test_default_variant_limit_is_ten() -> None:
    f = frontier()
    assert [f.add(f"{ROOT}list?page={n}", 1, ROOT).reason for n in range(11)] == [None] * 10 + [Refusal.VARIANT_LIMIT]
    assert f.add(f"{ROOT}other?page=1", 1, ROOT).queued  # counted per path


def test_relative_links_repeating_path_segments_stop() -> None:
    f = frontier(max_pages=1000, max_depth=1000)
    assert crawl(f, lambda url: [urljoin(url, "a/b/")]) == ["/", "/a/b/", "/a/b/a/b/"]
    assert f.refused == {"repeating-path": 1}  # /a/b/a/b/a/b/


def test_repeating_path_guard_with_two_relative_links_ends_the_crawl() -> None:
    f = frontier(max_pages=1000, max_depth=1000)
    visited = crawl(f, lambda url: [urljoin(url, "a/"), urljoin(url, "b/")])
    assert visited[:7] == ["/", "/a/", "/b/", "/a/a/", "/a/b/", "/b/a/", "/b/b/"]
    assert len(visited) == 1000  # square-free paths are endless: the page limit ends this one
    assert f.refused["repeating-path"] > 0 and f.refused["page-limit"] > 0
    assert not any(repeats_segments(path) for path in visited)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", False),
        ("/a/b/a/b", False),
        ("/a/b/a/b/a/b", True),
        ("/a/b/a/b/a/b/", True),
        ("/x/a/b/c/a/b/c/a/b/c/y", True),
        ("/a/a/a", True),
        ("/a/a", False),
        ("/2024/01/01/01", True),
        ("/2024/01/01", False),
        ("/a/b/c/a/b/c", False),
        ("/a/b/a/c/a/d", False),
        ("/a//////", True),
    ],
)
def test_repeats_segments(path: str, expected: bool) -> None:
    assert repeats_segments(path) is expected


def test_page_limit_counts_the_root() -> None:
    f = frontier(max_pages=5)
    results = [f.add(f"{ROOT}p{n}", 1, ROOT) for n in range(6)]
    assert [r.queued for r in results] == [True] * 4 + [False] * 2
    assert results[-1].reason is Refusal.PAGE_LIMIT
    assert len(crawl(f, lambda url: [])) == 5


def test_depth_limit() -> None:
    chain = {f"/{n}": [f"/{n + 1}"] for n in range(1, 10)} | {"/": ["/1"]}
    f = frontier(max_depth=2)
    assert crawl(f, site(chain)) == ["/", "/1", "/2"]
    assert f.refused == {"too-deep": 1}
    assert crawl(frontier(max_depth=0), site(chain)) == ["/"]


def test_the_root_is_queued_whatever_the_filters() -> None:
    f = Frontier("HTTPS://WWW.SHOP.TEST:443", max_pages=1, max_depth=0, scope="host", url_filter=UrlFilter(("/x/*",)))
    assert f.pop() == Page(ROOT, 0, "root", 0)
    assert f.pop() is None


@pytest.mark.parametrize(
    ("root", "options", "error"),
    [
        ("javascript:alert(1)", {}, UrlError),
        ("shop.test", {}, UrlError),
        (ROOT, {"scope": "domain"}, ValueError),
        (ROOT, {"max_pages": 0}, ValueError),
        (ROOT, {"max_depth": -1}, ValueError),
    ],
)
def test_bad_settings_fail_at_construction(root: str, options: dict, error: type[Exception]) -> None:
    settings: dict = {"max_pages": 10, "max_depth": 2, "scope": "site"} | options
    with pytest.raises(error):
        Frontier(root, **settings)


def test_redirect_targets_marked_seen_are_not_queued() -> None:
    f = frontier()
    f.mark_seen("https://www.shop.test/new-home?utm_source=x")
    assert f.add("https://www.shop.test/new-home", 1, ROOT).reason is Refusal.SEEN
    assert f.queued_total == 1


def test_done_needs_a_page_in_flight() -> None:
    f = frontier()
    with pytest.raises(ValueError, match="not a page in flight"):
        f.done(ROOT)
    page = f.pop()
    assert page is not None and f.in_flight == (page,)
    f.done(page.url)
    assert f.in_flight == ()


def test_state_round_trip_resumes_in_the_same_order() -> None:
    options = {"url_filter": UrlFilter(("/*",), ("re:/admin",)), "max_variants_per_path": 3}
    expected = crawl(frontier(**options), site(SHOP))
    f = frontier(**options)
    f.mark_seen(f"{ROOT}moved")
    f.add(f"{ROOT}admin/x", 1, ROOT)
    visited = []
    for _ in range(3):  # visit three pages, leave two in flight, then "crash"
        page = f.pop()
        assert page is not None
        visited.append(page.url.removeprefix(ROOT[:-1]))
        for href in site(SHOP)(page.url):
            f.add(href, page.depth + 1, page.url)
        f.done(page.url)
    in_flight = [f.pop(), f.pop()]
    state = json.loads(json.dumps(f.to_dict()))
    assert state["version"] == 1 and state["refused"] == f.refused
    resumed = Frontier.from_dict(state)
    assert resumed.to_dict() == state
    assert resumed.in_flight == () and resumed.pending == f.pending + 2
    assert resumed.pop() == in_flight[0]
    assert resumed.pop() == in_flight[1]
    for page in in_flight:
        assert page is not None
        visited.append(page.url.removeprefix(ROOT[:-1]))
        for href in site(SHOP)(page.url):
            resumed.add(href, page.depth + 1, page.url)
        resumed.done(page.url)
    assert visited + crawl(resumed, site(SHOP)) == expected
    assert resumed.add(f"{ROOT}moved", 1, ROOT).reason is Refusal.SEEN
    assert resumed.url_filter == options["url_filter"]


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"version": 2},
        [],
        {**frontier().to_dict(), "pages": [["https://www.shop.test/other", 0, "root"]]},
        {**frontier().to_dict(), "waiting": [5]},
        {**frontier().to_dict(), "refused": {"bogus": 1}},
        {k: v for k, v in frontier().to_dict().items() if k != "marked"},
    ],
)
def test_corrupt_state_is_a_state_error(state: dict) -> None:
    with pytest.raises(StateError):
        Frontier.from_dict(state)
