"""Unit tests for pixelaudit.netlog: reading Chromium net-log files and finding what Playwright missed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pixelaudit.model import Request
from pixelaudit.netlog import FAVICON_ANNOTATION, NetlogRequest, read_netlog, unseen_requests

ALIVE, START, HEADERS = 1, 2, 3
OFFSET = 1_000_000  # timeTickOffset: epoch ms = offset + event time
CONSTANTS = {"logEventTypes": {"REQUEST_ALIVE": ALIVE, "URL_REQUEST_START_JOB": START,
                               "HTTP_TRANSACTION_READ_RESPONSE_HEADERS": HEADERS},
             "timeTickOffset": str(OFFSET)}
PAGE_ANNOTATION = 101845102


def request_events(source: int, t: int, url: str, *, method: str = "GET", initiator: str | None = "https://shop.com",
                   annotation: int = PAGE_ANNOTATION, status_line: str | None = None) -> list[dict]:
    start_params = {"method": method, "url": url}
    if initiator is not None:
        start_params["initiator"] = initiator
    events = [
        {"type": ALIVE, "source": {"id": source}, "time": str(t - 1),
         "params": {"traffic_annotation": annotation, "url": url}},
        {"type": START, "source": {"id": source}, "time": str(t), "params": start_params},
    ]
    if status_line:
        events.append({"type": HEADERS, "source": {"id": source}, "time": str(t + 4),
                       "params": {"headers": [status_line, "Content-Length: 0"]}})
    return events


EVENTS = [
    *request_events(5, 101, "https://stats.shop.com/leave", method="POST",
                    status_line="HTTP/1.1 204 No Content"),
    *request_events(6, 110, "https://update.googleapis.com/check", initiator="not an origin",
                    status_line="HTTP/1.1 200 OK"),  # the browser's own
    *request_events(7, 111, "https://safebrowsing.example/v4", initiator=None),  # the browser's own
    *request_events(8, 120, "https://shop.com/favicon.ico", annotation=FAVICON_ANNOTATION,
                    status_line="HTTP/1.1 200 OK"),
    *request_events(9, 130, "https://shop.com/", status_line="HTTP/1.1 200 OK"),  # Playwright saw this one
    *request_events(10, 140, "https://px.tracker.net/p.gif?e=unload", status_line="HTTP/2 200"),
    # a redirect: the same source starts a second job; only its first URL and first status count
    *request_events(11, 150, "https://r.tracker.net/hop?u=1", status_line="HTTP/1.1 302 Found"),
    {"type": START, "source": {"id": 11}, "time": "152",
     "params": {"initiator": "https://shop.com", "method": "GET", "url": "https://sync.other.net/p"}},
    {"type": HEADERS, "source": {"id": 11}, "time": "155", "params": {"headers": ["HTTP/1.1 200 OK"]}},
    {"type": 99, "source": {"id": 12}, "time": "160", "params": {"url": "https://ignored.example/"}},
]


def chromium_text(events: list[dict], *, closed: bool = True) -> str:
    """Serialised the way Chromium's file observer writes it: one event per line, comma separated."""
    head = '{"constants": ' + json.dumps(CONSTANTS) + ',\n"events": [\n'
    body = "".join(json.dumps(e) + ",\n" for e in events)
    if closed:
        return head + body.rstrip(",\n") + '\n],\n"polledData": {}}\n'
    return head + body


@pytest.fixture
def netlog_file(tmp_path: Path) -> Path:
    path = tmp_path / "netlog.json"
    path.write_text(chromium_text(EVENTS), encoding="utf-8")
    return path


EXPECTED = [
    NetlogRequest("https://stats.shop.com/leave", "POST", OFFSET + 101.0, 204),
    NetlogRequest("https://shop.com/", "GET", OFFSET + 130.0, 200),
    NetlogRequest("https://px.tracker.net/p.gif?e=unload", "GET", OFFSET + 140.0, 200),
    NetlogRequest("https://r.tracker.net/hop?u=1", "GET", OFFSET + 150.0, 302),
]


def test_read_netlog(netlog_file: Path) -> None:
    assert read_netlog(netlog_file) == EXPECTED


def test_read_netlog_filters_browser_requests_and_favicons(netlog_file: Path) -> None:
    urls = {r.url for r in read_netlog(netlog_file)}
    assert "https://update.googleapis.com/check" not in urls  # initiator "not an origin"
    assert "https://safebrowsing.example/v4" not in urls  # no initiator
    assert "https://shop.com/favicon.ico" not in urls  # the favicon loader's annotation
    assert "https://sync.other.net/p" not in urls  # second job of an already seen source


def test_read_netlog_status_missing_when_no_headers(tmp_path: Path) -> None:
    path = tmp_path / "n.json"
    path.write_text(chromium_text(request_events(1, 10, "https://x.test/a", method="POST")), encoding="utf-8")
    assert read_netlog(path) == [NetlogRequest("https://x.test/a", "POST", OFFSET + 10.0, None)]


def test_read_netlog_truncated_between_events(tmp_path: Path) -> None:
    """A browser that died leaves the event list unterminated, after a complete event."""
    path = tmp_path / "cut.json"
    path.write_text(chromium_text(EVENTS, closed=False), encoding="utf-8")
    assert read_netlog(path) == EXPECTED


def test_read_netlog_truncated_without_trailing_comma(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(chromium_text(EVENTS, closed=False).rstrip().rstrip(","), encoding="utf-8")
    assert read_netlog(path) == EXPECTED


def test_read_netlog_truncated_inside_an_event(tmp_path: Path) -> None:
    text = chromium_text(EVENTS, closed=False)
    path = tmp_path / "cut.json"
    path.write_text(text + '{"type": 2, "source": {"id": 40}, "time": "20', encoding="utf-8")
    assert read_netlog(path) == EXPECTED


@pytest.mark.parametrize(
    "content",
    [b"", b"not json at all", b"[1, 2, 3]", b'{"events": []}', b"\xff\xfe\x00garbage", b'{"constants": {}'],
    ids=["empty", "text", "list", "no-constants", "binary", "cut-constants"],
)
def test_read_netlog_garbage_is_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    assert read_netlog(path) == []


def test_read_netlog_missing_file_is_empty(tmp_path: Path) -> None:
    assert read_netlog(tmp_path / "nope.json") == []
    assert read_netlog(tmp_path) == []  # a directory


# --- unseen_requests ----------------------------------------------------------------------------------

T0 = OFFSET + 100.0  # epoch ms when the scenario's first navigation started


def seen(url: str, method: str = "GET") -> Request:
    return Request(url=url, method=method, resource_type="image", scenario="accept", page_url="https://shop.com/",
                   time_ms=1.0, frame="main", status=200)


def nl(url: str, t: float, method: str = "GET", status: int | None = 200) -> NetlogRequest:
    return NetlogRequest(url, method, OFFSET + t, status)


def unseen(netlog: list[NetlogRequest], seen_requests: tuple[Request, ...],
           unload_from: float | None = OFFSET + 500.0) -> tuple[Request, ...]:
    return unseen_requests(netlog, seen_requests, scenario="accept", page_url="https://shop.com/",
                           t0_epoch_ms=T0, unload_from_epoch_ms=unload_from)


BEACON = "https://stats.tracker.net/b?e=leave"


def test_unseen_is_a_multiset_difference() -> None:
    netlog = [nl(BEACON, 510, "POST"), nl(BEACON, 511, "POST")]
    extra = unseen(netlog, (seen(BEACON, "POST"),))
    assert len(extra) == 1
    assert extra[0].url == BEACON
    assert extra[0].time_ms == 411.0  # the later one is left over


def test_unseen_matches_method_too() -> None:
    extra = unseen([nl(BEACON, 510, "POST")], (seen(BEACON, "GET"),))
    assert [(r.method, r.url) for r in extra] == [("POST", BEACON)]


def test_unseen_all_seen_is_empty() -> None:
    netlog = [nl("https://shop.com/", 130), nl("https://shop.com/a.js", 140)]
    assert unseen(netlog, (seen("https://shop.com/"), seen("https://shop.com/a.js"))) == ()


def test_unseen_record_fields() -> None:
    (req,) = unseen([nl(BEACON, 512.34, "POST", 204)], ())
    assert req == Request(url=BEACON, method="POST", resource_type="other", scenario="accept",
                          page_url="https://shop.com/", time_ms=412.3, frame="none", status=204,
                          source="netlog", unload=True)


@pytest.mark.parametrize(
    ("t", "unload_from", "unload"),
    # CLOCK_TOLERANCE_MS (100) before the unload started still counts: the two clocks differ by a few ms
    [(399.0, OFFSET + 500.0, False), (400.0, OFFSET + 500.0, True), (499.0, OFFSET + 500.0, True),
     (700.0, OFFSET + 500.0, True), (700.0, None, False)],
)
def test_unseen_unload_flag_by_time(t: float, unload_from: float | None, unload: bool) -> None:
    (req,) = unseen([nl(BEACON, t)], (), unload_from)
    assert req.unload is unload
    assert req.time_ms == round(t - 100.0, 1)


def test_unseen_skips_non_http_urls() -> None:
    netlog = [nl("data:image/gif;base64,AAAA", 510), nl("chrome-extension://abc/x.js", 510),
              nl("blob:https://shop.com/1234", 510), nl("http://plain.test/p", 510)]
    assert [r.url for r in unseen(netlog, ())] == ["http://plain.test/p"]


def test_read_then_unseen(netlog_file: Path) -> None:
    """End to end on the synthetic file: Playwright saw the page; the unload requests are the extras."""
    extra = unseen(read_netlog(netlog_file), (seen("https://shop.com/"),), unload_from=OFFSET + 240.0)
    assert [(r.url, r.status, r.unload, r.source, r.time_ms) for r in extra] == [
        ("https://stats.shop.com/leave", 204, False, "netlog", 1.0),
        ("https://px.tracker.net/p.gif?e=unload", 200, True, "netlog", 40.0),
        ("https://r.tracker.net/hop?u=1", 302, True, "netlog", 50.0),
    ]
