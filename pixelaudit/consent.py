"""Find the consent banner and click reject or accept; say when the choice was made.

Order: the user's override selector for the action (`method="selector"`), then DuckDuckGo autoconsent's
rule for a known consent platform whose popup is open (`method="autoconsent"`, `cmp` = the rule's name; see
autoconsent.py), then pixelaudit's own generic engine (`method="generic"`, page script `js/consent.js`,
words in `consent_words.json`), which waits until autoconsent has looked everywhere. The engine looks
in the main frame first, then in every iframe, through open shadow roots. Reject without a reject button
takes the two-step path: open the banner's settings, switch every optional toggle off, then reject or
save. Clicks are Playwright's trusted `click()`, checked to have reached the button (trusted_click.py).
Nothing here raises: a failure becomes the record's note.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from importlib.resources import files

from pixelaudit.autoconsent import AutoconsentSession
from pixelaudit.consent_words import score_button, words
from pixelaudit.model import ConsentClick
from pixelaudit.trusted_click import click_element

__all__ = ["click_consent", "score_button"]

CONSENT_JS = files("pixelaudit").joinpath("js/consent.js").read_text(encoding="utf-8")
POLL_S = 0.25
LABEL_JS = "el => (el.innerText || el.value || el.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim()"
CLICK_MS = 3000


class _Found:
    """One page-script answer in one frame: its JSON data and a handle on the elements it names."""

    def __init__(self, frame, data: dict, handle) -> None:
        self.frame, self.data, self.handle = frame, data, handle

    @property
    def button(self) -> dict | None:
        return self.data["button"]

    async def element(self, index: int):
        return (await self.handle.evaluate_handle("(r, i) => r.els[i]", index)).as_element()


def _frames(page) -> list:
    """The main frame first, then every attached iframe."""
    main = page.main_frame
    return [main, *(f for f in page.frames if f is not main and not f.is_detached())]


async def _ask(frame, args: dict) -> _Found | None:
    """Run the page script in one frame; None when it found no banner (or the frame went away)."""
    try:
        handle = await frame.evaluate_handle(CONSENT_JS, {"words": words(), **args})
        data = await handle.evaluate("r => r.data")
    except Exception:
        return None
    if not data:
        await _dispose(handle)
        return None
    return _Found(frame, data, handle)


async def _dispose(handle) -> None:
    """Let the page forget elements a discarded answer held on to (polling makes many)."""
    with suppress(Exception):
        await handle.dispose()


async def _find(page, kinds: list[str]) -> _Found | None:
    """The first frame whose banner has a button of the first kind it can; else the first banner seen."""
    first = None
    for frame in _frames(page):
        found = await _ask(frame, {"mode": "find", "kinds": kinds})
        if found and found.button:
            if first:
                await _dispose(first.handle)
            return found
        if found and first:
            await _dispose(found.handle)
        first = first or found
    return first


async def _shoot(page, element) -> bytes | None:
    """PNG of the banner element, or of the viewport when the element cannot be shot."""
    if element is not None:
        with suppress(Exception):  # detached or zero-sized: fall back to the viewport
            return await element.screenshot(timeout=CLICK_MS)
    try:
        return await page.screenshot(timeout=CLICK_MS)
    except Exception:
        return None


async def _click(frame, selector: str, element, now_ms=lambda: 0.0) -> tuple[str | None, float]:
    """click_element's note and the time (now_ms) of the attempt that counted."""
    return await click_element(frame, selector, element, CLICK_MS, now_ms)


async def _switch_off(found: _Found) -> int:
    """Switch off the banner's checked, enabled toggles; returns how many are now off."""
    done = 0
    for toggle in found.data["toggles"]:
        element = await found.element(toggle["index"])
        state = "el => el.tagName === 'INPUT' ? el.checked : el.getAttribute('aria-checked') === 'true'"
        try:
            if toggle["input"]:
                await element.set_checked(False, timeout=1000)
            else:
                await element.click(timeout=1000)
        except Exception:
            await element.evaluate("el => el.click()")  # a styled switch may hide the input itself
        done += not await element.evaluate(state)
    return done


def _record(action: str, method: str, found: _Found | None, button: dict | None, *, how: str | None = None,
            note: str | None = None, **fields) -> ConsentClick:
    """The ConsentClick for a banner `found` and the `button` pressed (None: nothing pressed).

    `how` is _click's note: None for a trusted click, else a note ("click failed: …" means not clicked).
    """
    frame = found.frame if found else None
    in_iframe = frame is not None and frame.parent_frame is not None
    clicked = button is not None and not (how or "").startswith("click failed")
    note = "; ".join(n for n in (note, how) if n) or None
    if not clicked:
        fields.pop("time_ms", None)
    return ConsentClick(action=action, banner_found=found is not None, clicked=clicked, method=method,
                        button_text=button["text"] if button else None,
                        selector=button["selector"] if button else None,
                        frame_url=frame.url if in_iframe else None, note=note, **fields)


async def _override(page, action: str, selector: str, now_ms, timeout: float) -> ConsentClick | None:
    """Click the user's selector in whichever frame has it, waiting up to `timeout`; None when never seen."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        for frame in _frames(page):
            try:
                locator = frame.locator(selector).first
                if not await locator.count() or not await locator.is_visible():
                    continue
                element = await locator.element_handle(timeout=CLICK_MS)
                text = await locator.evaluate(LABEL_JS, timeout=CLICK_MS) or None
            except Exception:  # noqa: S112 - an invalid selector or a frame that went away
                continue
            holder = await _ask(frame, {"mode": "bannerOf", "el": element})
            shot = await _shoot(page, await holder.element(0) if holder else element)
            how, at = await _click(frame, selector, element, now_ms)
            found = holder or _Found(frame, {}, None)
            return _record(action, "selector", found, {"text": text, "selector": selector}, how=how,
                           time_ms=at, screenshot=shot)
        if asyncio.get_running_loop().time() >= deadline:
            return None
        await asyncio.sleep(POLL_S)


async def _two_step(page, found: _Found, now_ms, timeout: float) -> ConsentClick:
    """Reject through the settings layer: open it, switch optional toggles off, reject or save."""
    opener = found.button
    shot = await _shoot(page, await found.element(0))
    failed, _ = await _click(found.frame, opener["selector"], await found.element(opener["index"]))
    if failed and failed.startswith("click failed"):
        return _record("reject", "generic", found, None, screenshot=shot,
                       note=f"could not open {opener['text']!r}: {failed}")
    deadline = asyncio.get_running_loop().time() + timeout
    while (layer := await _find(page, ["reject", "save"])) is None or layer.button is None:
        if layer:
            await _dispose(layer.handle)
        if asyncio.get_running_loop().time() >= deadline:
            return _record("reject", "generic", found, None, screenshot=shot,
                           note=f"opened {opener['text']!r} but found no reject or save button behind it")
        await asyncio.sleep(POLL_S)
    off = await _switch_off(layer)
    button = layer.button
    how, at = await _click(layer.frame, button["selector"], await layer.element(button["index"]), now_ms)
    note = f"two-step: opened {opener['text']!r}, switched {off} toggle(s) off, clicked {button['text']!r}"
    return _record("reject", "generic", layer, button, how=how, time_ms=at, screenshot=shot, note=note)


async def _wait(page, action: str, session: AutoconsentSession | None, timeout: float) -> _Found | None:
    """Wait up to `timeout` for a banner. Autoconsent's open popup wins (returns None with `session.popup`
    set); the generic engine's banner with a usable button is taken once autoconsent has nothing coming.
    A banner without a usable button may be a sticky footer while the real banner is still loading."""
    kinds = [action, "settings"] if action == "reject" else [action]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        if session:
            await session.inject_new()  # CMP iframes that appeared since
            if session.popup:
                return None
        found = await _find(page, kinds)
        done = loop.time() >= deadline
        if done or (found and found.button and (session is None or session.settled(loop.time()))):
            return found
        if found:
            await _dispose(found.handle)
        await asyncio.sleep(POLL_S)


async def _autoconsent(page, action: str, session: AutoconsentSession, now_ms, timeout: float) -> ConsentClick:
    """Reject or accept through autoconsent's rule for the platform whose popup it reported open."""
    frame, cmp = session.popup
    banner = await _find(page, [action])  # only to frame the screenshot on the banner
    shot = await _shoot(page, await banner.element(0) if banner else None)
    if banner:
        await _dispose(banner.handle)
    choice = await session.choose(action, now_ms, timeout)
    texts = " then ".join(repr(c["text"]) for c in choice.clicks)
    if not choice.ok:
        note = choice.note or f"autoconsent's {cmp} rule failed" + (f" after clicking {texts}" if texts else "")
        return ConsentClick(action=action, banner_found=True, clicked=False, method="autoconsent", cmp=cmp,
                            screenshot=shot, note=note)
    last = choice.clicks[-1] if choice.clicks else {}
    note = (f"clicked {texts}" if len(choice.clicks) > 1 else None) if choice.clicks \
        else "choice made through the platform's own API (no button pressed)"
    return ConsentClick(action=action, banner_found=True, clicked=True, method="autoconsent", cmp=cmp,
                        button_text=last.get("text") or None, selector=last.get("selector"),
                        frame_url=frame.url if frame.parent_frame is not None else None,
                        time_ms=choice.time_ms, screenshot=shot, note=note)


async def _generic(page, action: str, now_ms, timeout: float, session: AutoconsentSession | None) -> ConsentClick:
    """Wait for a banner; autoconsent acts on known platforms, else the generic engine clicks its best button."""
    found = await _wait(page, action, session, timeout)
    if found is None and session and session.popup:
        result = await _autoconsent(page, action, session, now_ms, timeout)
        if result.clicked:
            return result
        fallback = await _generic(page, action, now_ms, 0, None)  # the popup is open: no waiting
        return replace(fallback, cmp=result.cmp, note=f"{result.note}; " + (fallback.note or "generic engine used"))
    cmp = session.detected_cmp() if session else None
    if found is None:
        return ConsentClick(action=action, banner_found=False, clicked=False, cmp=cmp,
                            note="no consent banner found")
    button = found.button
    if button is None:
        extra = " (and no settings button to reach one)" if action == "reject" else ""
        return _record(action, "generic", found, None, screenshot=await _shoot(page, await found.element(0)),
                       cmp=cmp, note=f"consent banner found but no {action} button{extra}")
    if button["kind"] == "settings":
        return replace(await _two_step(page, found, now_ms, timeout), cmp=cmp)
    shot = await _shoot(page, await found.element(0))
    how, at = await _click(found.frame, button["selector"], await found.element(button["index"]), now_ms)
    return _record(action, "generic", found, button, how=how, time_ms=at, screenshot=shot, cmp=cmp)


async def click_consent(page, action: str, *, accept_selector: str | None = None,
                        reject_selector: str | None = None, now_ms: Callable[[], float],
                        timeout: float = 5.0) -> ConsentClick:
    """Make the consent choice `action` ("accept" or "reject") on the loaded `page`; never raises.

    `timeout` bounds each wait (for the banner, for the override selector, for a settings layer);
    `now_ms` is the scenario's clock, read right before the deciding click.
    """
    if action not in ("accept", "reject"):
        return ConsentClick(action=action, banner_found=False, clicked=False, note=f"unknown action {action!r}")
    if page.is_closed():
        return ConsentClick(action=action, banner_found=False, clicked=False, note="the page was already closed")
    selector = accept_selector if action == "accept" else reject_selector
    note = None
    try:
        async with asyncio.timeout(timeout * 4 + 15):
            if selector:
                if done := await _override(page, action, selector, now_ms, timeout):
                    return done
                note = f"override selector {selector!r} not found; "
            session = await AutoconsentSession.start(page, consent_js=CONSENT_JS, words=words(),
                                                     retries=max(1, int(timeout / 0.5)))
            result = await _generic(page, action, now_ms, 0 if note else timeout, session)
    except Exception as exc:  # the page closed, the browser died, a wait ran out
        detail = (str(exc).splitlines() or [""])[0]  # Playwright appends a long call log
        return ConsentClick(action=action, banner_found=False, clicked=False,
                            note=f"consent step failed: {type(exc).__name__}" + (f": {detail}" if detail else ""))
    if note:
        result = replace(result, note=note + (result.note or "generic engine used"))
    return result
