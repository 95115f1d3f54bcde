"""Timestamps and durations as the HTML report shows them (UTC, to the second)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Undefined

DASH = "—"


def parse_time(value: str | None) -> dt.datetime | None:
    """An ISO 8601 timestamp from findings.json as an aware datetime; None when absent or unreadable."""
    try:
        parsed = dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed and parsed.tzinfo is None else parsed


def display_time(value: str | None) -> str | None:
    """``2026-03-02 10:15:12 UTC``; an unreadable value is shown as it is."""
    parsed = parse_time(value)
    if parsed is None:
        return value
    return parsed.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(started: str | None, finished: str | None) -> str | None:
    """``12.0 s`` between two timestamps, or None."""
    start, end = parse_time(started), parse_time(finished)
    return f"{(end - start).total_seconds():,.1f} s" if start and end else None


def format_ms(value: Any) -> str:
    """Milliseconds since navigation start, e.g. ``1,234 ms``."""
    return DASH if value is None or isinstance(value, Undefined) else f"{value:,.0f} ms"
