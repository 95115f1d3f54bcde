"""The crawl's state database and the pages.jsonl round trip that --resume relies on."""

from __future__ import annotations

import json

import pytest

from pixelaudit.crawl.frontier import Frontier
from pixelaudit.crawl.pages import CrawledPage, PageSink, page_from_line, page_line, read_lines
from pixelaudit.crawl.state import CrawlState, ResumeError
from pixelaudit.model import (
    ClassifiedCookie,
    ClassifiedRequest,
    ConsentClick,
    Cookie,
    PageVisit,
    Party,
    Pixel,
    Request,
    ScanError,
    TrackerMatch,
)

URL = "https://shop.test/thanks"


def a_page() -> CrawledPage:
    meta = TrackerMatch("Meta Pixel", "advertising", "meta-pixel", "Meta", "ads", "314", "Purchase")
    request = Request("https://www.facebook.com/tr?id=314", "GET", "image", "reject", URL, 12.5, "main",
                      status=200, content_type="image/gif", size=43, redirect_chain=("https://a.test/",))
    cookie = Cookie("_fbp", "fb.1", ".shop.test", "/", 1.9e9, False, False, "Lax", "reject", "script", URL, 13.0)
    click = ConsentClick("reject", True, True, "generic", "Acme CMP", "Reject all", "#no", None, 5.0, b"png", None)
    return CrawledPage(
        "reject", URL, 3, PageVisit(URL, "reject", 200, URL, "Thanks"),
        (ScanError("http-status", "HTTP 500", URL, "reject", True),),
        (ClassifiedRequest(request, Party("www.facebook.com", "facebook.com", "third"), meta,
                           Pixel(1, 1, 43, ("1x1",)), True),),
        (ClassifiedCookie(cookie, "shop.test", "first", None, True),), click)


def test_a_page_line_reads_back_as_the_same_records():
    page = a_page()
    back = page_from_line(json.loads(json.dumps(page_line(page))))
    assert back == page  # the banner screenshot is not compared (nor kept)
    assert back.click is not None and back.click.screenshot is None


def test_sink_keeps_given_lines_and_reader_skips_a_line_cut_short(tmp_path):
    path = tmp_path / "pages.jsonl"
    first = page_line(a_page())
    sink = PageSink(path, [first])
    sink.write(a_page())
    sink.close()
    lines = list(read_lines(path))
    assert len(lines) == 2 and lines[1]["requests"][0]["index"] == 1  # indexes go on after the kept line
    with path.open("a") as file:
        file.write('{"scenario": "reject", "url"')  # a kill mid-write
    assert len(list(read_lines(path))) == 2


def test_state_records_pages_done_with_the_frontier(tmp_path):
    path = tmp_path / "state.sqlite"
    frontier = Frontier("https://shop.test/", max_pages=5, max_depth=2, scope="site")
    state = CrawlState.fresh(path)
    state.put("crawl", {"target": "https://shop.test/"})
    item = frontier.pop()
    frontier.add("https://shop.test/a", 1, item.url)
    frontier.done(item.url)
    state.page_done("no-interaction", item.url, 0, 200, frontier.to_dict(), [[item.url, 0, "root", 0]])
    state.page_done("reject", item.url, 0, None)
    state.close()

    again = CrawlState.existing(path)
    assert again.done("no-interaction") == {"https://shop.test/": 200}
    assert again.done_pairs() == {("no-interaction", "https://shop.test/"), ("reject", "https://shop.test/")}
    assert Frontier.from_dict(again.get("frontier")).pop().url == "https://shop.test/a"
    assert again.get("crawl") == {"target": "https://shop.test/"} and again.get("missing") is None
    again.close()
    CrawlState.fresh(path).close()
    assert CrawlState.existing(path).done_pairs() == set()


def test_no_state_cannot_be_resumed(tmp_path):
    with pytest.raises(ResumeError, match="nothing to resume"):
        CrawlState.existing(tmp_path / "state.sqlite")
