"""``pages.jsonl``: one JSON line per (scenario, page), written as each page finishes and read back for the report.

The line carries the page's classified requests, cookies and storage writes in findings.json's shapes
(``result.request_dict``, ``result.cookie_dict``, ``result.storage_dict``), so the site's findings can be
derived again from the file alone: an interrupted crawl resumed later, or a crawl whose pages were never all
held in memory. Cookies and storage entries are those first seen on the page in its scenario.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

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
    StorageWrite,
    TrackerMatch,
)
from pixelaudit.result import cookie_dict, request_dict, storage_dict

PAGES_FILE = "pages.jsonl"


@dataclass(frozen=True, slots=True)
class CrawledPage:
    """One page visited in one scenario, classified."""

    scenario: str
    url: str
    depth: int
    visit: PageVisit | None
    errors: tuple[ScanError, ...]
    requests: tuple[ClassifiedRequest, ...]
    cookies: tuple[ClassifiedCookie, ...]
    click: ConsentClick | None = None
    storage: tuple[StorageWrite, ...] = ()  # Web Storage entries first seen on this page in its scenario


def page_line(page: CrawledPage, first_request: int = 0, first_cookie: int = 0) -> dict:
    """The page's JSON line; request/cookie indexes start at the given counts (they count within a scenario)."""
    visit, click = page.visit, page.click
    return {
        "scenario": page.scenario, "url": page.url, "depth": page.depth,
        "status": visit.status if visit else None, "final_url": visit.final_url if visit else None,
        "title": visit.title if visit else None,
        "errors": [{"kind": e.kind, "message": e.message, "url": e.url, "scenario": e.scenario,
                    "fatal": e.fatal} for e in page.errors],
        "consent_click": None if click is None else {
            "action": click.action, "banner_found": click.banner_found, "clicked": click.clicked,
            "button_text": click.button_text, "method": click.method, "time_ms": click.time_ms,
            "cmp": click.cmp, "selector": click.selector, "frame_url": click.frame_url, "note": click.note},
        "requests": [request_dict(first_request + i, cr) for i, cr in enumerate(page.requests)],
        "cookies": [cookie_dict(first_cookie + i, cc) for i, cc in enumerate(page.cookies)],
        "storage": [storage_dict(s) for s in page.storage],
    }


def _tracker(d: dict | None) -> TrackerMatch | None:
    if d is None:
        return None
    return TrackerMatch(d["vendor"], d["category"], d["rule"], d["company"], d["purpose"], d["id"], d["event"],
                        d["consent"], d["source"], d["filter"], d["reason"])


def _classified_request(d: dict) -> ClassifiedRequest:
    request = Request(
        d["url"], d["method"], d["resource_type"], d["scenario"], d["page_url"], d["time_ms"], d["frame"],
        d["frame_url"], d["status"], d["content_type"], d["size"], d["failure"], tuple(d["redirect_chain"]),
        d["redirected_to"], d["sent_cookies"], d["keepalive"], d["source"], d["unload"])
    p = d["pixel"]
    pixel = None if p is None else Pixel(p["width"], p["height"], p["bytes"], tuple(p["reasons"]))
    return ClassifiedRequest(request, Party(d["host"], d["site"], d["party"]), _tracker(d["tracker"]), pixel,
                             d["before_consent"])


def _classified_cookie(d: dict) -> ClassifiedCookie:
    cookie = Cookie(d["name"], d["value"], d["domain"], d["path"], d["expires"], d["secure"], d["http_only"],
                    d["same_site"], d["scenario"], d["set_by"], d["set_by_url"], d["time_ms"])
    return ClassifiedCookie(cookie, d["site"], d["party"], _tracker(d["tracker"]), d["before_consent"])


def _storage_write(d: dict) -> StorageWrite:
    return StorageWrite(d["storage"], d["origin"], d["key"], d["value"], d["scenario"], d["time_ms"],
                        d["operation"], d.get("page_url"))


def page_from_line(line: dict) -> CrawledPage:
    """A page's line back as records (the banner screenshot is not in the file). A line written before crawls
    recorded storage has no ``storage``: it reads back with none."""
    c = line["consent_click"]
    click = None if c is None else ConsentClick(
        c["action"], c["banner_found"], c["clicked"], c["method"], c.get("cmp"), c["button_text"],
        c.get("selector"), c.get("frame_url"), c["time_ms"], None, c.get("note"))
    visit = None if line["status"] is None and line["final_url"] is None else PageVisit(
        line["url"], line["scenario"], line["status"], line["final_url"], line["title"])
    errors = tuple(ScanError(e["kind"], e["message"], e["url"], e["scenario"], e["fatal"]) for e in line["errors"])
    return CrawledPage(line["scenario"], line["url"], line["depth"], visit, errors,
                       tuple(map(_classified_request, line["requests"])),
                       tuple(map(_classified_cookie, line["cookies"])), click,
                       tuple(map(_storage_write, line.get("storage") or ())))


def read_lines(path: Path) -> Iterator[dict]:
    """The file's complete lines (a line cut short by a kill is skipped)."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as file:
        for raw in file:
            if raw.endswith("\n"):
                try:
                    yield json.loads(raw)
                except json.JSONDecodeError:
                    continue


class PageSink:
    """Appends one line per (scenario, page), flushed as soon as the page is done."""

    def __init__(self, path: Path, kept: Iterable[dict] = ()) -> None:
        """Start the file afresh with the ``kept`` lines (a resumed crawl's pages already done)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._index: dict[str, tuple[int, int]] = {}  # scenario -> (requests, cookies) written so far
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as file:
            for line in kept:
                file.write(json.dumps(line, ensure_ascii=False) + "\n")
                self._count(line["scenario"], len(line["requests"]), len(line["cookies"]))
        tmp.replace(path)
        self._file: TextIO = path.open("a", encoding="utf-8")

    def _count(self, scenario: str, requests: int, cookies: int) -> tuple[int, int]:
        n_req, n_cookie = self._index.get(scenario, (0, 0))
        self._index[scenario] = (n_req + requests, n_cookie + cookies)
        return n_req, n_cookie

    def write(self, page: CrawledPage) -> None:
        """Append the page's line."""
        n_req, n_cookie = self._count(page.scenario, len(page.requests), len(page.cookies))
        self._file.write(json.dumps(page_line(page, n_req, n_cookie), ensure_ascii=False) + "\n")
        self._file.flush()

    def close(self) -> None:
        """Close the file."""
        self._file.close()
