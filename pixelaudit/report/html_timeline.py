"""The request timeline: per scenario, a time axis in ms with every third-party or tracker request as a mark on
its vendor's row and the consent click as a vertical line. Pure geometry here; the template draws it as inline
SVG (readable without JavaScript, tooltips as <title>)."""

from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 1000  # SVG user units; the SVG scales to the page width
LEFT, RIGHT, TOP, ROW_H, AXIS_H = 200, 24, 30, 22, 44
MAX_ROWS = 10  # named rows; later vendors share "Other trackers"
MAX_MARKS = 600  # per lane: bounds the file size on a long crawl
MAX_PAGE_LINES = 20  # more later pages than this (a crawl) would only hatch the chart
OTHER_TRACKERS, OTHER_THIRD = "Other trackers", "Other third parties"
NO_VENDOR_PIXEL = "Pixels without a known vendor"


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    y: float
    before: bool  # before any consent choice in its scenario
    title: str


@dataclass(frozen=True, slots=True)
class Lane:
    """One scenario's chart."""

    scenario: str
    height: int
    rows: tuple[tuple[str, float], ...]  # (label, y of the row's centre line)
    marks: tuple[Mark, ...]
    ticks: tuple[tuple[float, str], ...]  # (x, label) on the axis
    click: tuple[float, str] | None  # (x, label) of the consent click
    page_lines: tuple[tuple[float, str], ...]  # (x, url) where a later page started loading
    axis_y: float
    omitted: int  # marks left out beyond MAX_MARKS


def nice_step(span: float, max_ticks: int = 8) -> float:
    """The smallest 1, 2 or 5 × 10^k step that splits span into at most max_ticks parts."""
    raw = max(span, 100.0) / max_ticks  # at least a 100 ms axis: a lone request at 0 ms still gets one
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _row_name(request: dict) -> str | None:
    tracker = request.get("tracker") or {}
    if tracker:
        return str(tracker.get("vendor") or tracker.get("label") or request.get("host") or "unnamed")
    if request.get("pixel"):
        return NO_VENDOR_PIXEL
    return OTHER_THIRD if request.get("party") == "third" else None


def _ms_label(ms: float) -> str:
    return f"{ms / 1000:g} s" if ms >= 10000 else f"{ms:,.0f} ms"


def lanes(result: dict) -> list[Lane]:
    """One lane per scenario that made at least one third-party or tracker request, in scenario order."""
    requests = [r for r in result.get("requests") or [] if isinstance(r, dict)]
    scenarios = list(dict.fromkeys([*(result.get("scenarios") or []), *(r.get("scenario") for r in requests)]))
    clicks = {c.get("scenario"): c for c in (result.get("consent") or {}).get("clicks") or []
              if isinstance(c, dict)}
    out = []
    for scenario in scenarios:
        mine = [r for r in requests if r.get("scenario") == scenario and isinstance(r.get("time_ms"), int | float)]
        lane = _lane(str(scenario), mine, clicks.get(scenario))
        if lane is not None:
            out.append(lane)
    return out


def _lane(scenario: str, requests: list[dict], click: dict | None) -> Lane | None:
    marked = [(r, name) for r in requests if (name := _row_name(r))]
    if not marked:
        return None
    click_ms = click.get("time_ms") if click and click.get("clicked") else None
    end = max([r["time_ms"] for r in requests] + ([click_ms] if isinstance(click_ms, int | float) else []))
    step = nice_step(end)
    axis_max = max(step, math.ceil(end / step) * step)
    plot = WIDTH - LEFT - RIGHT

    def x_of(ms: float) -> float:
        return round(LEFT + plot * max(ms, 0) / axis_max, 1)

    first_seen: dict[str, float] = {}
    for request, name in sorted(marked, key=lambda item: item[0]["time_ms"]):
        first_seen.setdefault(name, request["time_ms"])
    vendors = [n for n in first_seen if n not in (OTHER_THIRD, NO_VENDOR_PIXEL)]
    named = vendors[:MAX_ROWS]
    order = named + ([OTHER_TRACKERS] if len(vendors) > MAX_ROWS else [])
    order += [n for n in (NO_VENDOR_PIXEL, OTHER_THIRD) if n in first_seen]
    row_y = {name: TOP + ROW_H * i + ROW_H / 2 for i, name in enumerate(order)}
    marks = []
    for request, name in marked[:MAX_MARKS]:
        row = name if name in row_y else OTHER_TRACKERS
        when = "before consent" if request.get("before_consent") else "after the consent choice"
        title = (f"{name}: {request.get('method') or ''} {_clip(request.get('url'))} at "
                 f"{request['time_ms']:,.0f} ms, {when}")
        marks.append(Mark(x_of(request["time_ms"]), row_y[row], bool(request.get("before_consent")), title))
    axis_y = TOP + ROW_H * len(order) + 6
    ticks = tuple((x_of(ms), _ms_label(ms)) for ms in _frange(0, axis_max, step))
    documents = [r for r in requests if r.get("resource_type") == "document" and r.get("frame") in (None, "main")]
    page_lines = tuple((x_of(r["time_ms"]), str(r.get("url"))) for r in documents[1:]
                       ) if len(documents) <= MAX_PAGE_LINES + 1 else ()
    click_mark = None
    if isinstance(click_ms, int | float):
        click_mark = (x_of(click_ms), f"{click.get('action') or scenario} clicked at {click_ms:,.0f} ms")
    return Lane(scenario, int(axis_y + AXIS_H), tuple((n, y) for n, y in row_y.items()), tuple(marks), ticks,
                click_mark, page_lines, axis_y, max(0, len(marked) - MAX_MARKS))


def _frange(start: float, stop: float, step: float) -> list[float]:
    count = round((stop - start) / step)
    return [start + i * step for i in range(count + 1)]


def _clip(url: str | None, limit: int = 120) -> str:
    url = url or ""
    return url if len(url) <= limit else url[:limit] + "…"
