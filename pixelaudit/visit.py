"""What one scenario's browser does: load, settle, make the consent choice, visit a second page.

Scenarios: `no-interaction` (load, wait, scroll, never click), `reject` and `accept` (click the banner,
then visit a second same-site page, where consent bugs often show), `gpc` (Global Privacy Control on:
`Sec-GPC: 1` and `navigator.globalPrivacyControl`, no click).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from pixelaudit.capture import Capture
from pixelaudit.config import ScanConfig, origin_of
from pixelaudit.model import ConsentClick, PageVisit, ScanError, TcfState
from pixelaudit.neterrors import http_status_error, navigation_error
from pixelaudit.parties import host_of, site_of
from pixelaudit.tcf import READ_TCF_JS, decode_tc_string

SCENARIOS = ("no-interaction", "reject", "accept", "gpc")
CONSENT_SCENARIOS = ("reject", "accept")
UNLOAD_GRACE_S = 0.15  # a beacon sent on close must start before the browser exits, even on a busy machine
GPC_INIT_JS = ("Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', "
               "{get: () => true, configurable: true});")
SCROLL_JS = """async () => {
  const step = Math.max(200, innerHeight * 0.8);
  for (let y = 0, i = 0; y < document.documentElement.scrollHeight && i < 50; y += step, i++) {
    scrollTo(0, y); await new Promise(r => setTimeout(r, 30));
  }
  scrollTo(0, document.documentElement.scrollHeight);
}"""
LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class VisitOutcome:
    """Pages loaded, the consent step's record, and when a page was first left (its unload began)."""

    pages: tuple[PageVisit, ...]
    click: ConsentClick | None
    unload_from_epoch_ms: float | None
    tcf: tuple[TcfState, ...] = ()


async def read_tcf(page, scenario: str, moment: str) -> TcfState | None:
    """The TC string the page's CMP publishes now (`__tcfapi`, else by postMessage through a `__tcfapiLocator`
    frame), decoded; None without a TCF CMP."""
    data = await guard(page.evaluate(READ_TCF_JS), 3)
    if not data or not isinstance(data, dict) or "tcString" not in data:
        return None
    return TcfState(scenario, moment, page.url, data["tcString"], data.get("eventStatus"), data.get("cmpId"),
                    decode_tc_string(data["tcString"]), data.get("via"))


async def guard(coro, seconds: float):
    """Await with a limit; None when it took too long or the browser went away."""
    try:
        return await asyncio.wait_for(coro, seconds)
    except Exception:
        return None


async def load_page(page, url: str, capture: Capture, config: ScanConfig, scenario: str,
                errors: list[ScanError], progress: Progress) -> PageVisit | None:
    """Go to `url`, scroll to wake lazy tags, wait for the network to go quiet, record the page's DOM."""
    progress(f"[{scenario}] loading {url}")
    response, loaded = None, True
    try:
        response = await page.goto(url, wait_until="load", timeout=config.timeout * 1000)
    except Exception as exc:
        err = navigation_error(str(exc), url, scenario, config.timeout)
        if not (err.kind == "browser-crash" and any(e.kind == "browser-crash" for e in errors)):
            errors.append(err)
        if err.kind != "timeout":  # a hanging page still shows what it loaded so far: keep auditing it
            return None
        loaded = False
    if response is not None and response.status >= 400:
        errors.append(http_status_error(response.status, page.url, scenario))
    # Scroll at once to wake lazy tags; one quiet window catches them and the load's stragglers.
    await guard(page.evaluate(SCROLL_JS), 5)
    progress(f"[{scenario}] waiting for the network to go quiet (up to {config.wait:g} s)")
    await capture.wait_idle(cap=config.wait if loaded else min(config.wait, 2.0))
    title = await guard(page.title(), 2)
    await guard(capture.snapshot_page(page), 10)
    return PageVisit(url, scenario, response.status if response else None, page.url or None, title)


async def second_page_url(page, config: ScanConfig) -> str | None:
    """`--second-page`, else the first same-site link on the page that leads elsewhere (document order)."""
    if config.second_page:
        return config.second_page
    links = await guard(page.evaluate(LINKS_JS), 3) or []
    here = page.url.split("#", 1)[0]
    site = site_of(host_of(config.target))
    for link in links:
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            continue
        target = link.split("#", 1)[0]
        if target != here and site_of(host_of(target)) == site and not _looks_like_logout(target):
            return target
    return None


def _looks_like_logout(url: str) -> bool:
    return any(word in url.lower() for word in ("logout", "log-out", "signout", "sign-out", "abmelden"))


async def keep_last_page(page, pages: list[PageVisit], config: ScanConfig, scenario: str) -> list[PageVisit]:
    """With --evidence: the last page visited gets its screenshot and HTML as the browser shows it now."""
    if not config.evidence or not pages or pages[-1].screenshot or pages[-1].html:
        return pages
    from pixelaudit.evidence import snapshot_page

    png, html = await snapshot_page(page, config, scenario, len(pages))
    return [*pages[:-1], replace(pages[-1], screenshot=png, html=html)]


async def visit_scenario(context, capture: Capture, config: ScanConfig, scenario: str,
                         errors: list[ScanError], progress: Progress) -> VisitOutcome:
    """Run one scenario's page visits; everything observed stays in `capture`."""
    page = context.pages[0] if context.pages else await context.new_page()
    crashed: list[bool] = []
    page.on("crash", lambda _p: crashed.append(True))
    if config.headers:
        extra = dict(config.headers)

        async def add_headers(route):  # only requests to the target's origin get the user's headers
            await route.continue_(headers={**await route.request.all_headers(), **extra})
        await context.route(origin_of(config.target) + "/**", add_headers)
    capture.start()
    first = await load_page(page, config.target, capture, config, scenario, errors, progress)
    pages = [first] if first else []
    click, left_at = None, None  # left_at: when a page was first left (its pagehide beacons start then)
    tcf = [state] if first is not None and (state := await read_tcf(page, scenario, "before-choice")) else []
    if first is not None and scenario in CONSENT_SCENARIOS:
        from pixelaudit.consent import click_consent

        progress(f"[{scenario}] looking for the consent banner")
        click = await click_consent(page, scenario, accept_selector=config.accept_selector,
                                    reject_selector=config.reject_selector, now_ms=capture.now_ms)
        if click.clicked:
            await capture.wait_idle(cap=config.wait)
            await guard(capture.snapshot_page(page), 10)
            if state := await read_tcf(page, scenario, "after-choice"):
                tcf.append(state)
        if url := await second_page_url(page, config):
            pages = await keep_last_page(page, pages, config, scenario)  # page 1 as it was when left
            left_at = time.time() * 1000
            if second := await load_page(page, url, capture, config, scenario, errors, progress):
                pages.append(second)
    if crashed:
        errors.append(ScanError("browser-crash", f"the page {config.target} crashed while being audited",
                                config.target, scenario))
    pages = await keep_last_page(page, pages, config, scenario)
    progress(f"[{scenario}] recording cookies")
    await guard(capture.snapshot_cookies(context), 10)
    unload_from = left_at or time.time() * 1000
    await guard(page.close(), 5)
    # Unload beacons only need to start before the browser closes: the net log records them at start.
    await asyncio.sleep(UNLOAD_GRACE_S)
    return VisitOutcome(tuple(pages), click, unload_from, tuple(tcf))
