"""Requests that only Chromium's net log sees: beacons and images fired on pagehide/unload.

Playwright's events miss requests a page sends while it is being unloaded; Chromium's
`--log-net-log=FILE` (written when the browser closes) has them. We read the URL requests from it and keep
the ones Playwright did not report.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pixelaudit.model import Request

# Chromium traffic-annotation hash of its favicon loader: the browser, not the page, makes those requests.
FAVICON_ANNOTATION = 112189210
CLOCK_TOLERANCE_MS = 100.0


@dataclass(frozen=True, slots=True)
class NetlogRequest:
    """One URL request from the net log."""

    url: str
    method: str
    epoch_ms: float
    status: int | None


def _load(path: Path) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    # A browser that died leaves the file unterminated, maybe mid-event. Chromium writes one event per
    # line: drop the partial last line(s), close the event list and try again.
    lines = text.rstrip().split("\n")
    for cut in range(min(3, len(lines))):
        kept = "\n".join(lines[: len(lines) - cut]).rstrip().rstrip(",")
        try:
            return json.loads(kept + "]}")
        except json.JSONDecodeError:
            continue
    return None


def read_netlog(path: Path) -> list[NetlogRequest]:
    """Page-initiated URL requests in a net-log file, in start order; [] when unreadable."""
    data = _load(path)
    if not data or "constants" not in data:
        return []
    consts = data["constants"]
    types = consts.get("logEventTypes", {})
    start_job, alive = types.get("URL_REQUEST_START_JOB"), types.get("REQUEST_ALIVE")
    headers_ev = types.get("HTTP_TRANSACTION_READ_RESPONSE_HEADERS")
    offset = float(consts.get("timeTickOffset", 0))
    annotation: dict[int, int] = {}
    found: dict[int, NetlogRequest] = {}
    status: dict[int, int] = {}
    for event in data.get("events", []):
        params, source = event.get("params") or {}, event.get("source", {}).get("id")
        etype = event.get("type")
        if etype == alive and "traffic_annotation" in params:
            annotation[source] = params["traffic_annotation"]
        elif etype == start_job and "url" in params and source not in found:
            if params.get("initiator") in (None, "not an origin"):
                continue  # the browser's own requests
            if annotation.get(source) == FAVICON_ANNOTATION:
                continue
            found[source] = NetlogRequest(params["url"], params.get("method", "GET"),
                                          offset + float(event.get("time", 0)), None)
        elif etype == headers_ev and source in found and source not in status:
            line = (params.get("headers") or [""])[0]
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                status[source] = int(parts[1])
    return [NetlogRequest(r.url, r.method, r.epoch_ms, status.get(s)) for s, r in found.items()]


def unseen_requests(netlog: list[NetlogRequest], seen: tuple[Request, ...], *, scenario: str,
                    page_url: str, t0_epoch_ms: float, unload_from_epoch_ms: float | None) -> tuple[Request, ...]:
    """Net-log requests Playwright did not report, as Request records marked `source="netlog"`."""
    remaining = Counter((r.method, r.url) for r in seen)
    out = []
    for nl in netlog:
        key = (nl.method, nl.url)
        if remaining[key] > 0:
            remaining[key] -= 1
            continue
        if not nl.url.startswith(("http://", "https://")):
            continue
        # The net log's clock (ticks + an offset) and ours differ by a few ms: a beacon sent right after we
        # started unloading can carry an earlier stamp, so allow a tolerance.
        unload = unload_from_epoch_ms is not None and nl.epoch_ms >= unload_from_epoch_ms - CLOCK_TOLERANCE_MS
        out.append(Request(url=nl.url, method=nl.method, resource_type="other", scenario=scenario,
                           page_url=page_url, time_ms=round(nl.epoch_ms - t0_epoch_ms, 1), frame="none",
                           status=nl.status, source="netlog", unload=unload))
    return tuple(out)
