"""pages.csv: one row per (scenario, page), built chunk by chunk from pages.jsonl as it is on disk."""

from __future__ import annotations

import csv
import json

from pixelaudit.crawl.pages import CrawledPage, page_line
from pixelaudit.crawl.table import COLUMNS, page_tables, write_page_table
from pixelaudit.model import (
    ClassifiedCookie,
    ClassifiedRequest,
    Cookie,
    PageVisit,
    Party,
    Pixel,
    Request,
    ScanError,
    StorageWrite,
    TrackerMatch,
)

W = "https://shop.test"
META = TrackerMatch("Meta", "advertising", "meta-pixel")
GA = TrackerMatch("Google Analytics", "analytics", "google-analytics")


def req(url: str, page: str, party: str, tracker: TrackerMatch | None = None, pixel: bool = False,
        before: bool = True) -> ClassifiedRequest:
    r = Request(url, "GET", "image" if pixel else "script", "no-interaction", page, 10.0, "main", status=200)
    host = url.split("/")[2]
    return ClassifiedRequest(r, Party(host, ".".join(host.split(".")[-2:]), party), tracker,
                             Pixel(1, 1, 43, ("1x1",)) if pixel else None, before)


def cookie(name: str, before: bool) -> ClassifiedCookie:
    c = Cookie(name, "1", ".shop.test", "/", None, False, False, "Lax", "no-interaction")
    return ClassifiedCookie(c, "shop.test", "first", None, before)


def lines() -> list[dict]:
    home, thanks, hang = f"{W}/", f"{W}/thanks", f"{W}/chat"
    pages = [
        CrawledPage("no-interaction", home, 0, PageVisit(home, "no-interaction", 200, home, "Home"), (),
                    (req(f"{W}/app.js", home, "first"),
                     req("https://www.google-analytics.com/g/collect", home, "third", GA, before=False)),
                    (cookie("sid", True), cookie("_ga", False)), None,
                    (StorageWrite("local", W, "cart", "1", "no-interaction", 5.0, "set", home),)),
        CrawledPage("no-interaction", thanks, 3, PageVisit(thanks, "no-interaction", 200, thanks, "Thanks"), (),
                    (req("https://www.facebook.com/tr?ev=Purchase", thanks, "third", META, pixel=True),
                     req("https://www.google-analytics.com/g/collect", thanks, "third", GA),
                     req("https://www.facebook.com/tr?ev=PageView", thanks, "third", META, pixel=True)),
                    (), None),
        CrawledPage("no-interaction", hang, 2, None,
                    (ScanError("timeout", "timed out", hang, "no-interaction"),), (), ()),
        CrawledPage("reject", "=cmd|' /C calc'!A0", 1, None, (), (), ()),  # a formula is never a formula
    ]
    out = []
    for page in pages:
        line = page_line(page)
        if page.url == hang:
            del line["storage"]  # a line written before crawls recorded storage
        out.append(line)
    return out


def write(path, rows: list[dict], cut: bool = True) -> None:
    text = "".join(json.dumps(r) + "\n" for r in rows)
    path.write_text(text + ('{"scenario": "reject", "url": "https://shop.test/cut' if cut else ""))


def test_one_row_per_line_with_its_counts(tmp_path) -> None:
    pages_file, table = tmp_path / "pages.jsonl", tmp_path / "pages.csv"
    write(pages_file, lines())
    assert write_page_table(pages_file, table, size=2) == table
    with table.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == COLUMNS
    assert [r["url"] for r in rows] == [f"{W}/", f"{W}/thanks", f"{W}/chat", "'=cmd|' /C calc'!A0"]  # no cut line
    home, thanks, hang, _ = rows
    assert home == {"scenario": "no-interaction", "url": f"{W}/", "depth": "0", "status": "200",
                    "final_url": f"{W}/", "errors": "0", "requests": "2", "third_party_requests": "1",
                    "tracker_vendors": "Google Analytics", "tracking_pixels": "0",
                    "tracker_requests_before_consent": "0",  # app.js is first-party, GA came after consent
                    "tracker_cookies_before_consent": "0",  # sid is the shop's own session cookie
                    "new_cookies": "2", "new_storage_writes": "1"}
    assert (thanks["requests"], thanks["third_party_requests"], thanks["tracking_pixels"]) == ("3", "3", "2")
    assert thanks["tracker_vendors"] == "Google Analytics; Meta"  # sorted, each once
    assert (thanks["depth"], thanks["tracker_requests_before_consent"], thanks["new_storage_writes"]) == ("3", "3", "0")
    assert (hang["status"], hang["final_url"], hang["errors"], hang["requests"], hang["tracker_vendors"]) == (
        "", "", "1", "0", "")


def test_the_file_is_read_in_chunks(tmp_path) -> None:
    pages_file = tmp_path / "pages.jsonl"
    write(pages_file, lines())
    frames = list(page_tables(pages_file, size=3))
    assert [len(f) for f in frames] == [3, 1]
    assert list(frames[1]["scenario"]) == ["reject"]


def test_a_crawl_with_no_page_gets_a_header_only(tmp_path) -> None:
    table = write_page_table(tmp_path / "missing.jsonl", tmp_path / "pages.csv")
    assert table.read_text().strip() == ",".join(COLUMNS)
    assert not (tmp_path / "pages.csv.tmp").exists()
