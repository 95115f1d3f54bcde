"""Capture on Playwright's sync API (pytest-playwright's `page`): the same steps, driven without asyncio.

Under the sync API every event listener runs in a greenlet of its own and may block in a sync call, so the
detail readers run at once inside the listener; the event loop only turns while the test's thread waits in a
Playwright call, which is why waiting here means `page.wait_for_timeout`, never `time.sleep`.
"""

from __future__ import annotations

import time

from pixelaudit.capture import Capture, Pause, Steps

MAX_READ_WAIT_S = 5.0  # a dead browser never answers a detail reader


def drive_sync(steps: Steps, pause) -> object:
    """Run steps on the sync API: each call has already run (its errors raised inside the steps); a Pause
    lets the browser run through `pause(seconds)`."""
    value: object = None
    while True:
        try:
            step = steps.send(value)
        except StopIteration as stop:
            return stop.value
        value = None
        if isinstance(step, Pause):
            pause(step.seconds)
        else:
            value = step


class SyncCapture(Capture):
    """Capture for a sync-API browser context (one test's `page.context`)."""

    def __init__(self, scenario: str, page_url: str = "") -> None:
        super().__init__(scenario, page_url)
        self.context = None
        # The first party: where the test first navigated, and where that first page ended up (redirects)
        self.first_navigation: str | None = None
        self.first_page: str | None = None
        self._reading = 0  # detail readers still waiting for the browser

    def attach(self, context) -> None:  # type: ignore[override]
        """Subscribe to the context's events and install the page hooks (call before the first navigation)."""
        self.context = context
        drive_sync(self._attach_steps(context), self.pause)

    def _on_request(self, req) -> None:
        try:
            main_document = req.is_navigation_request() and req.frame.parent_frame is None
        except Exception:  # a service worker's request has no frame
            main_document = False
        if main_document:  # the document's own request belongs to the page it loads
            self.page_url = req.url
            self.first_navigation = self.first_navigation or req.url
        super()._on_request(req)

    def _on_navigated(self, page, frame) -> None:
        super()._on_navigated(page, frame)
        if self.first_page is None and frame == page.main_frame and frame.url.startswith(("http://", "https://")):
            self.first_page = frame.url

    def _spawn(self, steps: Steps) -> None:
        self._reading += 1
        try:
            drive_sync(steps, self.pause)
        finally:
            self._reading -= 1

    def pause(self, seconds: float) -> None:
        """Let the browser run for `seconds` (events are delivered only while the test waits in Playwright)."""
        for page in list(self.context.pages) if self.context is not None else []:
            try:
                if not page.is_closed():
                    page.wait_for_timeout(seconds * 1000)
                    return
            except Exception:  # noqa: S112 - the page closed meanwhile: try another
                continue
        time.sleep(seconds)  # no page left: nothing more will arrive

    def idle(self, quiet: float) -> bool:
        """No request in flight for `quiet` seconds and no detail (headers, body) still being read."""
        return super().idle(quiet) and (self._reading == 0 or time.monotonic() - self._last_activity > MAX_READ_WAIT_S)

    def wait_idle(self, cap: float, quiet: float = 0.5) -> bool:  # type: ignore[override]
        """Wait until no request has been in flight for `quiet` seconds, or `cap` seconds passed."""
        return bool(drive_sync(self._idle_steps(cap, quiet), self.pause))

    def snapshot_cookies(self) -> None:  # type: ignore[override]
        """Record the cookie jar now (a closed context keeps the last snapshot)."""
        try:
            self._cookies = self.context.cookies()
        except Exception:  # noqa: S110 - the test closed its context: the last snapshot stands
            pass

    def snapshot_pages(self) -> None:
        """Record the images and Web Storage of every open page (pixel judgement uses the drawn size)."""
        for page in list(self.context.pages):
            if not page.is_closed():
                drive_sync(self._page_steps(page), self.pause)

    def set_cookie_headers(self) -> list[tuple[str, str, float]]:
        """(cookie name, response URL, time) of every Set-Cookie header seen, stored by the browser or not."""
        return [(name, url, t) for name, how, url, t in self._cookie_sets if how == "header"]
