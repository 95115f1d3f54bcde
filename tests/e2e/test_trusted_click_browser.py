"""trusted_click in headless Chromium: the armed listener sees exactly the clicks that reach the button
(through an open shadow root, not clicks beside it), and a first trusted click that never reaches the
button (swallowed here by the page before any handler, as a lost click into a CMP iframe looks to us) is
followed by one that does, timed at that second try.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from pixelaudit.browser import QUIET_ARGS
from pixelaudit.trusted_click import ARM_JS, click_element

SHADOW = """<button id="beside">Beside</button><div id="host"></div><script>
  const root = document.getElementById("host").attachShadow({mode: "open"});
  root.innerHTML = '<div class="cmp"><button class="reject"><span>Reject all</span></button></div>';
</script>"""

SWALLOW_FIRST = """<script>
  window.reached = 0;
  let swallowed = 0;
  window.addEventListener("click", e => { if (!swallowed++) e.stopImmediatePropagation(); }, true);
</script>
<button id="reject" onclick="window.reached++">Reject all</button>"""


def test_the_armed_listener_hears_clicks_on_the_button_and_its_inside_only(page):
    page.set_content(SHADOW)
    button = page.locator("#host .reject")
    hit = button.element_handle().evaluate_handle(ARM_JS)
    page.locator("#beside").click()
    assert hit.evaluate("h => h.seen") is False
    page.locator("#host .reject span").click()  # the event's target is the span inside the button
    assert hit.evaluate("h => h.seen") is True
    hit.evaluate("h => { h.seen = false; h.off(); }")
    button.click()
    assert hit.evaluate("h => h.seen") is False  # off() removed both listeners


async def _swallowed(chromium) -> tuple:
    from playwright.async_api import async_playwright

    ticks = iter(range(1, 100))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium.path, args=list(QUIET_ARGS))
        try:
            page = await browser.new_page()
            await page.set_content(SWALLOW_FIRST)
            element = await page.query_selector("#reject")
            note, at = await click_element(page.main_frame, "#reject", element, 3000, lambda: next(ticks))
            return note, at, await page.evaluate("window.reached")
        finally:
            await browser.close()


def test_a_click_that_never_reached_the_button_is_made_again(chromium):
    with ThreadPoolExecutor(1) as pool:
        note, at, reached = pool.submit(asyncio.run, _swallowed(chromium)).result()
    assert (note, at, reached) == ("trusted click reached the button on try 2", 2, 1)
