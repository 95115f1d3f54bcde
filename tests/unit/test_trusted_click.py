"""trusted_click: a click Playwright reports as done but that never reached the button is noticed.

The fakes stand in for Playwright's frame, locator and element handle; `lost` says how many trusted clicks
go astray (as a click into a cross-origin CMP iframe can when Chromium's routing lags behind). Before this
check, a lost click was recorded as the choice made and nothing was retried (CI failure of
test_override_selector_reaches_into_iframes: clicked=True, but the page never got the choice).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from pixelaudit import trusted_click
from pixelaudit.trusted_click import click_element


class _Hit:
    def __init__(self, element):
        self.element = element

    async def evaluate(self, js):
        if self.element.gone:
            raise RuntimeError("Execution context was destroyed")
        if "off()" in js:
            self.element.armed = False
            return None
        return self.element.seen

    async def dispose(self):
        return None


class _Element:
    def __init__(self, lost: int = 0, *, click_error: bool = False, dispatch_error: bool = False,
                 navigates: bool = False):
        self.lost, self.click_error, self.dispatch_error, self.navigates = lost, click_error, dispatch_error, navigates
        self.seen, self.gone, self.armed = False, False, False
        self.clicks, self.dispatched = 0, 0

    async def evaluate_handle(self, js):
        assert "addEventListener" in js
        self.armed = True
        return _Hit(self)

    async def click(self, timeout):
        assert timeout == 3000
        if self.click_error:
            raise TimeoutError("element is not stable")
        self.clicks += 1
        if self.clicks > self.lost:
            self.seen = True
            self.gone = self.navigates

    async def dispatch_event(self, kind):
        assert kind == "click"
        if self.dispatch_error:
            raise RuntimeError("Element is not attached to the DOM")
        self.dispatched += 1
        self.seen = True


class _Frame:
    def locator(self, selector):
        raise ValueError(f"unsupported selector {selector!r}")  # keeps the element handle as the target


class _Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        self.t += 10
        return self.t


def _run(element, monkeypatch):
    monkeypatch.setattr(trusted_click, "SETTLE_S", 0.05)
    clock = _Clock()
    with ThreadPoolExecutor(1) as pool:
        note, at = pool.submit(asyncio.run, click_element(_Frame(), "button.x", element, 3000, clock)).result()
    return note, at


def test_a_delivered_click_is_one_trusted_click_without_a_note(monkeypatch):
    element = _Element()
    assert _run(element, monkeypatch) == (None, 1010.0)
    assert (element.clicks, element.dispatched, element.armed) == (1, 0, False)  # the listener is removed


def test_a_lost_click_is_tried_again_and_timed_at_the_try_that_counted(monkeypatch):
    element = _Element(lost=1)
    note, at = _run(element, monkeypatch)
    assert note == "trusted click reached the button on try 2"
    assert at == 1020.0 and (element.clicks, element.dispatched) == (2, 0)


def test_clicks_lost_every_time_end_in_a_dom_click(monkeypatch):
    element = _Element(lost=99)
    assert _run(element, monkeypatch) == ("untrusted DOM click", 1030.0)
    assert (element.clicks, element.dispatched) == (2, 1)


def test_a_click_playwright_cannot_make_falls_back_to_a_dom_click_at_once(monkeypatch):
    element = _Element(click_error=True)
    assert _run(element, monkeypatch)[0] == "untrusted DOM click"
    assert element.dispatched == 1


def test_nothing_sent_is_a_failed_click(monkeypatch):
    element = _Element(click_error=True, dispatch_error=True)
    assert _run(element, monkeypatch)[0] == "click failed: RuntimeError"


def test_a_click_that_navigates_the_frame_away_counts_as_delivered(monkeypatch):
    element = _Element(navigates=True)
    assert _run(element, monkeypatch)[0] is None
    assert element.clicks == 1
