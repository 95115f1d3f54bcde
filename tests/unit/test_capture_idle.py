"""When is the network quiet? Capture's idle rule, without a browser."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from pixelaudit.capture import ANSWERED_SETTLE_S, Capture


def run(coro):
    """asyncio.run on a worker thread: pytest-playwright may own this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_waiting_for_an_answer_is_busy():
    capture = Capture("no-interaction", "https://shop.com/")
    capture._pending[object()] = None
    assert capture._busy(time.monotonic())


def test_an_answered_request_without_a_finish_event_settles():
    # Playwright never reports the end of a keepalive fetch: it must not hold the scan until --wait.
    capture = Capture("no-interaction", "https://shop.com/")
    now = time.monotonic()
    capture._pending[object()] = now - 0.2
    assert capture._busy(now)
    capture._pending.clear()
    capture._pending[object()] = now - ANSWERED_SETTLE_S - 0.1
    assert not capture._busy(now)


def test_wait_idle_returns_once_quiet_and_gives_up_at_the_cap():
    capture = Capture("no-interaction", "https://shop.com/")
    capture._last_activity = time.monotonic() - 1
    assert run(capture.wait_idle(cap=2.0)) is True
    capture._pending[object()] = None  # a request that never answers
    assert run(capture.wait_idle(cap=0.2)) is False


def test_wait_idle_stops_when_the_browser_is_gone():
    capture = Capture("no-interaction", "https://shop.com/")
    capture._pending[object()] = None
    capture.closed = True
    assert run(capture.wait_idle(cap=30.0)) is False
