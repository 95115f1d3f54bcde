"""Click a consent button as a visitor would, and make sure the click reached it.

Playwright's `click()` sends real (trusted) mouse events at the element's position. Chromium routes them to
the frame it believes is there; for a consent platform drawn in a cross-origin iframe that routing can lag
behind a busy renderer, and the click lands in the page underneath while Playwright reports success (the
choice is then never made, and every later request is wrongly judged "after a click"). So before clicking,
a capturing listener is armed on the button's window; after the click it says whether a click event passed
through the button. A click that did not arrive is tried once more, then sent as a DOM click event
(untrusted: some platforms ignore those, the note says so).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress

TRIES = 2
SETTLE_S = 1.0  # how long a delivered click may take to show up in the listener
POLL_S = 0.05

# The listener sits on the element's window in the capture phase (before any page handler can stop the
# event) and on the element itself; composedPath() sees through open shadow roots.
ARM_JS = """el => {
  const hit = {seen: false};
  const view = el.ownerDocument.defaultView;
  const mark = event => { if (event.composedPath().includes(el)) hit.seen = true; };
  view.addEventListener("click", mark, true);
  el.addEventListener("click", mark, true);
  hit.off = () => { view.removeEventListener("click", mark, true); el.removeEventListener("click", mark, true); };
  return hit;
}"""


async def _arm(element):
    """A handle on the armed listener's record; None when it cannot be armed (then nothing is checked)."""
    try:
        return await element.evaluate_handle(ARM_JS)
    except Exception:
        return None


async def _reached(hit) -> bool:
    """True once the listener saw the click; also True when the frame went away (the click did something)."""
    if hit is None:
        return True
    deadline = asyncio.get_running_loop().time() + SETTLE_S
    while True:
        try:
            if await hit.evaluate("h => h.seen"):
                return True
        except Exception:  # the button's document navigated or was torn down by the click
            return True
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(POLL_S)


async def _disarm(hit) -> None:
    if hit is not None:
        with suppress(Exception):
            await hit.evaluate("h => h.off()")
            await hit.dispose()


async def click_element(frame, selector: str, element, timeout_ms: float,
                        now_ms: Callable[[], float]) -> tuple[str | None, float]:
    """A trusted click, by selector when it names exactly this element, else on the element handle.

    Returns (note, at): `at` is now_ms() just before the attempt that counted (the choice is made then, not
    at a lost first try). The note is None for a trusted click that reached the element, else a retried
    click, an untrusted DOM click, or "click failed: …" when nothing could be sent. (A page that stops every
    click at its window before our listener hears it gets the retry and the DOM click too: it cannot be
    told from a lost click.)
    """
    target = element
    with suppress(Exception):  # a selector Playwright reads differently: keep the handle
        locator = frame.locator(selector)
        if await locator.count() == 1 and await locator.evaluate("(el, h) => el === h", element):
            target = locator
    hit = await _arm(element)
    try:
        for attempt in range(1, TRIES + 1):
            at = float(now_ms())
            try:
                await target.click(timeout=timeout_ms)
            except Exception:  # covered by another layer, or never "stable"
                break
            if await _reached(hit):
                return (None if attempt == 1 else f"trusted click reached the button on try {attempt}"), at
        at = float(now_ms())
        try:  # a DOM event still reaches the page's handler
            await element.dispatch_event("click")
        except Exception as exc:
            return f"click failed: {type(exc).__name__}", at
        return "untrusted DOM click", at
    finally:
        await _disarm(hit)
