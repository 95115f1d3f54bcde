"""One scenario's browser context in a crawl: visits pages one at a time, makes the consent choice on the
first, classifies each page's slice of what the context saw, and relaunches the browser when asked.

Phase 1's workers and phase 2's scenarios are all ScenarioCrawls; run.py decides which pages each visits.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pixelaudit.browser import ChromiumInfo, launch_scenario, make_profile
from pixelaudit.capture import Capture, CaptureResult
from pixelaudit.classify import Knowledge, classify, first_party_sites
from pixelaudit.config import ScanConfig, origin_of
from pixelaudit.crawl.pages import CrawledPage, PageSink
from pixelaudit.model import ConsentClick, PageVisit, ScanError, StorageWrite
from pixelaudit.visit import CONSENT_SCENARIOS, LINKS_JS, guard, load_page

if TYPE_CHECKING:
    from pixelaudit.crawl.run import CrawlConfig
    from pixelaudit.crawl.state import CrawlState

NOT_RETRIED = ("http-status", "timeout", "browser-crash")  # the server answered, or the page hung or crashed
RETRY_BACKOFF = 0.5  # seconds before the first retry, doubled for each next one
Progress = Callable[[str], None]
AfterLoad = Callable[[object, str, str], Awaitable[None]]  # (page, url, scenario): a test's hook


async def send_headers(context, config: ScanConfig) -> None:
    """Add the user's --header values to the requests the context makes to the target's origin, and only those."""
    if config.headers:
        extra = dict(config.headers)

        async def add_headers(route) -> None:
            await route.continue_(headers={**await route.request.all_headers(), **extra})
        await context.route(origin_of(config.target) + "/**", add_headers)


class ScenarioCrawl:
    """One scenario's browser context visiting pages one at a time (so the consent choice persists)."""

    def __init__(self, crawl: CrawlConfig, scenario: str, knowledge: Knowledge, sink: PageSink,
                 state: CrawlState, progress: Progress, after_load: AfterLoad | None) -> None:
        self.crawl, self.config, self.scenario = crawl, crawl.scan, scenario
        self.knowledge, self.sink, self.state = knowledge, sink, state
        self.progress, self.after_load = progress, after_load
        self.first_party = first_party_sites([crawl.scan.target])
        self.visited = 0  # pages visited by this context (a resumed consent scenario clicks again on its first)
        self.errors: list[ScanError] = []  # errors not tied to one page (launch, browser gone)
        self.click: ConsentClick | None = None
        self._crashed: set[object] = set()  # pages whose renderer crashed
        self._cookie_keys: set[tuple[str, str, str]] = set()  # kept across relaunches: a cookie counts once
        self._storage_keys: set[tuple[str, str, str, str]] = set()  # the same for Web Storage entries
        self.context, self._profile = None, None
        self.launches = self.since_launch = 0
        self.needs_recycle = False  # the renderer or browser crashed: relaunch before the next page
        self._clock: float | None = None  # the scenario's time origin, kept when the browser is relaunched

    async def run(self, playwright, chromium: ChromiumInfo,
                  plan: Callable[[ScenarioCrawl, object], Awaitable[None]]) -> ScenarioCrawl:
        """Launch the context, let ``plan`` drive the visits, always close and clean up."""
        self._playwright, self._chromium = playwright, chromium
        try:
            await self._launch()
            await plan(self, self.context)
        except Exception as exc:
            kind = "browser-launch" if self.context is None else "browser-crash"
            line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
            self.errors.append(ScanError(kind, f"the {self.scenario} crawl stopped: {line}", None, self.scenario))
        finally:
            await self._close()
        return self

    async def _launch(self, profile: Path | None = None) -> None:
        self.context = None
        self._profile = profile or make_profile(self.config.block_third_party_cookies)
        self.context = await launch_scenario(self._playwright, self.config, self._chromium, self._profile, None,
                                             self.scenario)
        self.launches += 1
        self.since_launch, self.needs_recycle = 0, False
        self.capture = Capture(self.scenario, self.config.target)

    async def _close(self, keep_profile: bool = False) -> None:
        if self.context is not None:
            await guard(self.context.close(), 10)
        if self._profile is not None and not keep_profile:
            shutil.rmtree(self._profile, ignore_errors=True)
        self.context = self._profile = None

    async def recycle(self) -> object:
        """Close the browser and launch a fresh one (its memory back, a crashed one replaced); returns its page.

        A consent scenario's new browser opens the same profile (its Web Storage, where many consent platforms
        keep the choice) and gets back the cookie jar as it was after the last page, session cookies included,
        like a visitor's browser restoring its session: the choice holds and nobody clicks again."""
        keep = self.scenario in CONSENT_SCENARIOS
        jar, profile = self.capture.jar, self._profile
        await self._close(keep_profile=keep)
        await self._launch(profile if keep else None)
        assert self.context is not None
        if keep and jar:
            await self.context.add_cookies(jar)
        return await self.start(self.context.pages[0] if self.context.pages else await self.context.new_page())

    async def step(self, page, url: str, depth: int) -> tuple[object, list[str], CrawledPage, str | None]:
        """``visit``, with a browser that dies on the page recorded as that page's error rather than raised,
        then a relaunch when the browser died or has done ``recycle_after`` pages. Returns the page to use
        next, the page's links, its record and where the browser ended up (None when the visit failed)."""
        try:
            page, links, crawled = await self.visit(page, url, depth)
            final = page.url if page.url.startswith(("http://", "https://")) else None
        except Exception as exc:
            links, crawled, final = [], self.failed(url, depth, exc), None
        if self.needs_recycle or self.since_launch >= self.crawl.recycle_after:
            self.progress(f"[{self.scenario}] relaunching the browser")
            page = await self.recycle()
        return page, links, crawled, final

    def failed(self, url: str, depth: int, exc: BaseException) -> CrawledPage:
        """The record of a page whose visit the browser did not survive."""
        line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        error = ScanError("browser-crash", f"the browser died on {url}: {line}; the crawl went on in a new one",
                          url, self.scenario)
        self.needs_recycle = True
        return CrawledPage(self.scenario, url, depth, None, (error,), (), ())

    async def start(self, page) -> object:
        """Attach the capture, route the user's headers, start the clock; returns the page to drive."""
        await self.capture.attach(self.context)
        await send_headers(self.context, self.config)
        self.capture.start()
        if self._clock is not None:  # a relaunched browser: times stay on the scenario's clock (after the click)
            self.capture.t0 = self._clock
        self._clock = self.capture.t0
        return self._watch(page)

    def _watch(self, page) -> object:
        page.on("crash", lambda crashed: self._crashed.add(crashed))
        return page

    async def visit(self, page, url: str, depth: int) -> tuple[object, list[str], CrawledPage]:
        """Load one page, make the consent choice on the first, classify what it did; returns the page to
        use next (a new one after a renderer crash), the page's links in document order and its record
        (the caller streams it to pages.jsonl)."""
        if self.capture.closed:
            raise RuntimeError("the browser closed or crashed")
        visit, errors = await self._load_with_retries(page, url)
        if self.after_load is not None:
            await self.after_load(page, url, self.scenario)
        click = None
        if not self.visited and visit is not None and self.scenario in CONSENT_SCENARIOS and page not in self._crashed:
            from pixelaudit.consent import click_consent

            click = self.click = await click_consent(
                page, self.scenario, accept_selector=self.config.accept_selector,
                reject_selector=self.config.reject_selector, now_ms=self.capture.now_ms)
            if click.clicked:
                await self.capture.wait_idle(cap=self.config.wait)
                await guard(self.capture.snapshot_page(page), 10)
        links = [] if page in self._crashed else await guard(page.evaluate(LINKS_JS), 3) or []
        if page in self._crashed:
            if not any(e.kind == "browser-crash" for e in errors):
                errors.append(ScanError("browser-crash", f"the page {url} crashed the renderer; the crawl went on "
                                        "in a new page", url, self.scenario))
            await guard(page.close(), 5)
            page = self._watch(await self.context.new_page())
            self.needs_recycle = True
        await guard(self.capture.snapshot_cookies(self.context), 10)
        crawled = self._record(url, depth, visit, errors, click)
        return page, [link for link in links if isinstance(link, str)], crawled

    async def _load_with_retries(self, page, url: str) -> tuple[PageVisit | None, list[ScanError]]:
        """``_load``, again after a backoff when navigation failed for a network reason (not an HTTP status,
        a timeout or a crash); the last attempt's errors are the page's."""
        for attempt in range(self.crawl.retries + 1):
            errors: list[ScanError] = []
            visit = await load_page(page, url, self.capture, self.config, self.scenario, errors, self.progress)
            if visit is not None or not errors or page in self._crashed or any(e.kind in NOT_RETRIED for e in errors):
                break
            if attempt == self.crawl.retries:
                errors = [replace(e, message=f"{e.message} (after {attempt + 1} attempts)") for e in errors]
                break
            await asyncio.sleep(RETRY_BACKOFF * 2**attempt)
        return visit, errors

    def _record(self, url: str, depth: int, visit: PageVisit | None, errors: list[ScanError],
                click: ConsentClick | None) -> CrawledPage:
        # Requests still in flight from the previous page land in this one's slice; their page_url says where.
        seen = self.capture.take()
        new_cookies = []
        for c in seen.cookies:  # a cookie belongs to the page after which it first showed in the jar
            if (key := (c.name, c.domain, c.path)) not in self._cookie_keys:
                self._cookie_keys.add(key)
                new_cookies.append(c)
        part = CaptureResult(seen.requests, tuple(new_cookies), (), seen.images, ())
        consent_at = self.click.time_ms if self.click and self.click.clicked else None
        requests, cookies = classify(part, self.knowledge, self.first_party, consent_at_ms=consent_at)
        page = CrawledPage(self.scenario, url, depth, visit, tuple(errors), tuple(requests), tuple(cookies), click,
                           self._new_storage(seen.storage, url))
        self.visited += 1
        self.since_launch += 1
        return page

    def _new_storage(self, seen: tuple[StorageWrite, ...], url: str) -> tuple[StorageWrite, ...]:
        """The Web Storage entries not seen before in this scenario, named after the page ``url``: every page's
        final read finds what persists, and a script that writes the same key on each page says nothing new."""
        new = []
        for s in seen:
            if (key := storage_key(s)) not in self._storage_keys:
                self._storage_keys.add(key)
                new.append(replace(s, page_url=url))
        return tuple(new)


def storage_key(s: StorageWrite) -> tuple[str, str, str, str]:
    """What makes a storage entry new: its store, origin and key, and whether it was removed or cleared (a
    write and a later read of the same key are one entry)."""
    return (s.storage, s.origin, s.key, "set" if s.operation in ("set", "present") else s.operation)
