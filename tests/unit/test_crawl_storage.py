"""A crawl's Web Storage entries: taken from the capture page by page, streamed in pages.jsonl and read back,
old lines (written before crawls recorded storage) included."""

from __future__ import annotations

import json

from pixelaudit.capture import Capture
from pixelaudit.crawl.pages import CrawledPage, PageSink, page_from_line, page_line, read_lines
from pixelaudit.crawl.worker import storage_key
from pixelaudit.model import PageVisit, StorageWrite

URL = "https://shop.test/checkout"
WRITE = StorageWrite("local", "https://shop.test", "cart", '{"items":1}', "reject", 812.5, "set", URL)


def a_page(storage: tuple[StorageWrite, ...] = (WRITE,)) -> CrawledPage:
    return CrawledPage("reject", URL, 2, PageVisit(URL, "reject", 200, URL, "Checkout"), (), (), (), None, storage)


def test_storage_writes_go_into_the_line_and_come_back() -> None:
    line = json.loads(json.dumps(page_line(a_page())))
    assert line["storage"] == [{"storage": "local", "origin": "https://shop.test", "key": "cart",
                                "value": '{"items":1}', "scenario": "reject", "time_ms": 812.5,
                                "operation": "set", "page_url": URL}]
    assert page_from_line(line).storage == (WRITE,)


def test_an_old_line_without_storage_reads_back_with_none(tmp_path) -> None:
    """--resume reads pages.jsonl files written before storage was recorded: their lines have no key."""
    old = page_line(a_page())
    del old["storage"]
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps(old) + "\n")
    (line,) = read_lines(path)
    page = page_from_line(line)
    assert (page.url, page.depth, page.visit.status, page.storage) == (URL, 2, 200, ())
    sink = PageSink(path, [line])  # a resumed crawl keeps the old line as it was and appends new ones
    sink.write(a_page())
    sink.close()
    assert [page_from_line(x).storage for x in read_lines(path)] == [(), (WRITE,)]


def test_a_storage_entry_without_a_page_reads_back_with_none() -> None:
    line = page_line(a_page())
    del line["storage"][0]["page_url"]
    assert page_from_line(line).storage[0].page_url is None


def test_take_hands_over_storage_writes_once_then_forgets_them() -> None:
    capture = Capture("no-interaction", URL)
    capture._on_binding(None, "storage", {"storage": "local", "origin": "https://shop.test", "key": "cart",
                                          "value": "1", "op": "set"})
    (write,) = capture.take().storage
    assert (write.key, write.operation, write.page_url, write.scenario) == ("cart", "set", URL, "no-interaction")
    assert capture.take().storage == ()  # a crawl's context visits hundreds of pages: memory stays flat
    assert capture._storage == []


def test_a_write_and_the_later_read_of_the_same_key_are_one_entry() -> None:
    present = StorageWrite("local", "https://shop.test", "cart", '{"items":1}', "reject", None, "present")
    removed = StorageWrite("local", "https://shop.test", "cart", "", "reject", 900.0, "remove")
    assert storage_key(WRITE) == storage_key(present) != storage_key(removed)
    assert storage_key(WRITE) != storage_key(StorageWrite("session", "https://shop.test", "cart", "1", "reject", 1.0))
