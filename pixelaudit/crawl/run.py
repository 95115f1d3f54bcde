"""Crawl one site: discover pages, visit them in the frontier's order per scenario, stream each page to disk.

Phase 1: the first scenario (``no-interaction`` when selected) reads robots.txt and the sitemaps, then visits
the frontier's pages one at a time in one browser context, adding each page's links (document order) as it
goes. Phase 2: every other scenario visits the same ordered list, concurrently with each other, each in its
own context, so a consent choice made on the first page persists for the rest (reject once, then navigate).

After each page one JSON line per (scenario, page) is appended to ``OUT/pages.jsonl`` and the page is
recorded as done in ``OUT/state.sqlite`` (with phase 1's frontier), so ``resume`` goes on where a killed crawl
stopped. The site's result (findings.json, report.html) is built at the end from pages.jsonl read back from
disk, not from pages kept in memory. Still in memory: each scenario context's Capture keeps every record of
that context until it closes, and the final read-back holds all pages' records at once.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import async_playwright

from pixelaudit.browser import ChromiumInfo, find_chromium, launch_scenario, make_profile
from pixelaudit.capture import Capture, CaptureResult
from pixelaudit.classify import Knowledge, classify, first_party_sites
from pixelaudit.config import ScanConfig, origin_of
from pixelaudit.crawl.discover import Robots, SitemapWalk, robots_url, sitemap_urls
from pixelaudit.crawl.frontier import Frontier, Page
from pixelaudit.crawl.pages import PAGES_FILE, CrawledPage, PageSink, page_from_line, read_lines
from pixelaudit.crawl.phase1 import PhaseOne
from pixelaudit.crawl.state import STATE_FILE, CrawlState, ResumeError
from pixelaudit.crawl.urls import Scope, UrlFilter, normalise
from pixelaudit.findings import derive_findings
from pixelaudit.model import ConsentClick, PageVisit, ScanError
from pixelaudit.result import ScanResult
from pixelaudit.rules import RuleSet
from pixelaudit.scan import rules_info
from pixelaudit.visit import CONSENT_SCENARIOS, LINKS_JS, guard, load_page

ROBOTS_AGENT = "pixelaudit"
NOT_RETRIED = ("http-status", "timeout", "browser-crash")  # the server answered, or the page hung or crashed
RETRY_BACKOFF = 0.5  # seconds before the first retry, doubled for each next one
__all__ = ["PAGES_FILE", "STATE_FILE", "CrawlConfig", "ResumeError", "crawl_site", "usable_cores"]
Progress = Callable[[str], None]
AfterLoad = Callable[[object, str, str], Awaitable[None]]  # (page, url, scenario): a test's hook


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """A crawl: the scan options every page gets, plus what to visit."""

    scan: ScanConfig
    max_pages: int = 30
    max_depth: int = 3
    scope: Scope = "site"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    respect_robots: bool = False
    resume: bool = False  # go on from OUT/state.sqlite instead of starting afresh
    concurrency: int = 1  # phase 1's contexts when the first scenario is no-interaction (consent ones: one each)
    recycle_after: int = 50  # phase 1 relaunches a context's browser after this many pages (not consent ones)
    retries: int = 1  # more attempts for a page whose navigation failed for a network reason

    def provenance(self) -> dict:
        """Options as recorded in findings.json."""
        return {**self.scan.provenance(), "crawl": {
            "max_pages": self.max_pages, "depth": self.max_depth, "scope": self.scope,
            "include": list(self.include), "exclude": list(self.exclude), "respect_robots": self.respect_robots}}


@dataclass(slots=True)
class Discovery:
    """What phase 1 found before visiting: robots rules per origin and the sitemaps' page URLs."""

    robots: dict[str, Robots] = field(default_factory=dict)
    sitemap_pages: tuple[str, ...] = ()
    problems: list[str] = field(default_factory=list)


async def _fetch(page, url: str, timeout: float) -> tuple[int | None, bytes | None]:
    """A robots.txt or sitemap by page navigation: the browser's own network, so --resolve and --trust-cert
    apply (Playwright's ``context.request`` resolves names itself and ignores both)."""
    try:
        response = await page.goto(url, wait_until="commit", timeout=timeout * 1000)
        if response is None:
            return None, None
        return response.status, await asyncio.wait_for(response.body(), timeout)
    except Exception:
        return None, None


async def _robots_for(page, url: str, found: Discovery, timeout: float) -> Robots | None:
    """The robots rules of ``url``'s origin, fetched the first time it is met."""
    where = robots_url(url)
    if where is None:
        return None
    origin = origin_of(where)
    if origin not in found.robots:
        status, body = await _fetch(page, where, timeout)
        found.robots[origin] = Robots.for_status(status, (body or b"").decode("utf-8", "replace"))
    return found.robots[origin]


async def discover(page, root: str, timeout: float) -> Discovery:
    """robots.txt of the root's origin and the sitemaps it names (else /sitemap.xml), walked to page URLs."""
    found = Discovery()
    robots = await _robots_for(page, root, found, timeout)
    walk = SitemapWalk(root, sitemap_urls(root, robots))
    while (url := walk.next_fetch()) is not None:
        status, body = await _fetch(page, url, timeout)
        ok = status is not None and 200 <= status < 300
        walk.feed(url, body if ok else None, f"HTTP {status}" if status else "not fetched")
    found.sitemap_pages = walk.urls
    found.problems += [f"{p.url}: {p.reason}" for p in walk.problems]
    await guard(page.goto("about:blank"), 5)
    return found


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
        self._taken_requests = self._taken_images = 0  # capture records already given to a page
        self._cookie_keys: set[tuple[str, str, str]] = set()  # kept across relaunches: a cookie counts once
        self.context, self._profile = None, None
        self.launches = self.since_launch = 0
        self.needs_recycle = False  # the renderer or browser crashed: phase 1 relaunches before the next page

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

    async def _launch(self) -> None:
        self.context = None
        self._profile = make_profile(self.config.block_third_party_cookies)
        self.context = await launch_scenario(self._playwright, self.config, self._chromium, self._profile, None,
                                             self.scenario)
        self.launches += 1
        self.since_launch, self.needs_recycle = 0, False
        self.capture = Capture(self.scenario, self.config.target)
        self._taken_requests = self._taken_images = 0

    async def _close(self) -> None:
        if self.context is not None:
            await guard(self.context.close(), 10)
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
        self.context = self._profile = None

    async def recycle(self) -> object:
        """Close the browser and launch a fresh one (its memory back, a crashed one replaced); returns its page.

        Not for consent scenarios: a new browser would forget the choice."""
        await self._close()
        await self._launch()
        assert self.context is not None
        return await self.start(self.context.pages[0] if self.context.pages else await self.context.new_page())

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
        if self.config.headers:
            extra = dict(self.config.headers)

            async def add_headers(route):  # only requests to the target's origin get the user's headers
                await route.continue_(headers={**await route.request.all_headers(), **extra})
            await self.context.route(origin_of(self.config.target) + "/**", add_headers)
        self.capture.start()
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
        seen = self.capture.result()
        new_cookies = []
        for c in seen.cookies:  # a cookie belongs to the page after which it first showed in the jar
            if (key := (c.name, c.domain, c.path)) not in self._cookie_keys:
                self._cookie_keys.add(key)
                new_cookies.append(c)
        part = CaptureResult(seen.requests[self._taken_requests:], tuple(new_cookies), (),
                             seen.images[self._taken_images:], ())
        self._taken_requests, self._taken_images = len(seen.requests), len(seen.images)
        consent_at = self.click.time_ms if self.click and self.click.clicked else None
        requests, cookies = classify(part, self.knowledge, self.first_party, consent_at_ms=consent_at)
        page = CrawledPage(self.scenario, url, depth, visit, tuple(errors), tuple(requests), tuple(cookies), click)
        self.visited += 1
        self.since_launch += 1
        return page


async def _phase_one(crawl: CrawlConfig, frontier: Frontier, order: list[Page], fetcher, found: list[Discovery],
                     state: CrawlState, workers: list[ScenarioCrawl], playwright, chromium: ChromiumInfo) -> None:
    """Discovery (unless a resumed crawl's frontier has it), then the workers' visits (see phase1.py).

    robots.txt and sitemaps are fetched by ``fetcher``, a page in a context of its own with no capture, so
    they are never audited as pages nor attributed to one.
    """
    timeout = crawl.scan.timeout
    if not found:
        found.append(await discover(fetcher, frontier.root, timeout))
    discovery = found[0]

    async def admit(url: str, depth: int, source: str) -> None:
        normalised = normalise(url)
        if crawl.respect_robots and normalised is not None:
            robots = await _robots_for(fetcher, normalised, discovery, timeout)
            if robots is not None and not robots.allowed(normalised, ROBOTS_AGENT):
                return
        frontier.add(url, depth, source)

    if state.get("frontier") is None:
        for url in discovery.sitemap_pages:
            await admit(url, 1, "sitemap")
        state.put("discovery", {"sitemap_pages": list(discovery.sitemap_pages), "problems": discovery.problems})
        state.put("frontier", frontier.to_dict())
    shared = PhaseOne(frontier, admit, workers[0].sink, state, order, crawl.recycle_after)
    await asyncio.gather(*(worker.run(playwright, chromium, shared.plan()) for worker in workers))
    state.put("phase1_done", True)


def _replay(order: list[Page], done: set[str]) -> Callable[[ScenarioCrawl, object], Awaitable[None]]:
    """Phase 2's plan: the pages phase 1 visited, in the same order (less those ``done`` before a resume)."""

    async def plan(run: ScenarioCrawl, context) -> None:
        page = await run.start(context.pages[0] if context.pages else await context.new_page())
        for i, item in enumerate(order):
            if item.url in done:
                continue
            run.progress(f"[{run.scenario}] page {i + 1}/{len(order)}: {item.url}")
            page, _links, crawled = await run.visit(page, item.url, item.depth)
            run.sink.write(crawled)
            run.state.page_done(run.scenario, item.url, item.depth, crawled.visit.status if crawled.visit else None)

    return plan


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def first_scenario(scenarios: tuple[str, ...]) -> str:
    """The scenario that discovers the pages: no-interaction when selected (nothing clicked can hide links)."""
    return "no-interaction" if "no-interaction" in scenarios else scenarios[0]


def _what(crawl: CrawlConfig) -> dict:
    """What must match for a folder's crawl to be resumed: target, scenarios and the crawl options."""
    return {"target": crawl.scan.target, "scenarios": list(crawl.scan.scenarios),
            "crawl": crawl.provenance()["crawl"]}


def _open_state(crawl: CrawlConfig) -> tuple[CrawlState, list[dict]]:
    """The folder's state (fresh, or the interrupted crawl's) and the pages.jsonl lines to keep."""
    out = Path(crawl.scan.out_dir)
    if not crawl.resume:
        state = CrawlState.fresh(out / STATE_FILE)
        state.put("crawl", _what(crawl))
        state.put("started_at", datetime.now(UTC).isoformat())
        return state, []
    state = CrawlState.existing(out / STATE_FILE)
    if state.get("crawl") != _what(crawl):
        state.close()
        raise ResumeError(f"the crawl in {out} was started with another target, scenarios or crawl options")
    done, kept = state.done_pairs(), []
    for line in read_lines(out / PAGES_FILE):  # a line written just before a kill, with no row: visited again
        if (key := (line["scenario"], line["url"])) in done:
            done.discard(key)
            kept.append(line)
    return state, kept


async def crawl_site(crawl: CrawlConfig, knowledge: Knowledge | RuleSet, progress: Progress = lambda _m: None,
                     chromium: ChromiumInfo | None = None, after_load: AfterLoad | None = None) -> ScanResult:
    """Crawl ``crawl.scan.target`` in every configured scenario; ``OUT/pages.jsonl`` streams as pages finish.

    With ``crawl.resume`` the crawl goes on from ``OUT/state.sqlite`` (ResumeError when there is none, or it
    belongs to another crawl): pages done are kept and not visited again.
    """
    knowledge = knowledge if isinstance(knowledge, Knowledge) else Knowledge(knowledge)
    chromium = chromium or find_chromium(crawl.scan.chromium)
    config = crawl.scan
    state, kept = _open_state(crawl)
    started = datetime.fromisoformat(state.get("started_at"))
    saved = state.get("frontier")
    frontier = Frontier.from_dict(saved) if saved else Frontier(
        config.target, max_pages=crawl.max_pages, max_depth=crawl.max_depth, scope=crawl.scope,
        url_filter=UrlFilter(crawl.include, crawl.exclude))
    order = [Page(*p) for p in state.get("order") or []]
    summary = state.get("discovery")
    found = [] if summary is None or saved is None else [Discovery(
        sitemap_pages=tuple(summary["sitemap_pages"]), problems=list(summary["problems"]))]
    sink = PageSink(Path(config.out_dir) / PAGES_FILE, kept)
    first = first_scenario(config.scenarios)
    fetch_profile = make_profile(config.block_third_party_cookies)
    try:
        async with async_playwright() as playwright:
            workers = [ScenarioCrawl(crawl, first, knowledge, sink, state, progress, after_load)
                       for _ in range(crawl.concurrency if first == "no-interaction" else 1)]
            if not state.get("phase1_done"):
                fetch_context = await launch_scenario(playwright, config, chromium, fetch_profile, None, first)
                try:
                    fetcher = fetch_context.pages[0] if fetch_context.pages else await fetch_context.new_page()
                    await _phase_one(crawl, frontier, order, fetcher, found, state, workers, playwright, chromium)
                finally:
                    await guard(fetch_context.close(), 10)
            others = await asyncio.gather(*(
                ScenarioCrawl(crawl, s, knowledge, sink, state, progress, after_load).run(
                    playwright, chromium, _replay(order, set(state.done(s))))
                for s in config.scenarios if s != first))
    finally:
        sink.close()
        state.close()
        shutil.rmtree(fetch_profile, ignore_errors=True)
    return _site_result(crawl, knowledge, chromium, started, [*workers, *others], frontier,
                        found[0] if found else Discovery())


def _site_result(crawl: CrawlConfig, knowledge: Knowledge, chromium: ChromiumInfo, started: datetime,
                 runs: list[ScenarioCrawl], frontier: Frontier, found: Discovery) -> ScanResult:
    """The site's findings.json from pages.jsonl as it is on disk (every run's pages, scenario by scenario),
    plus this run's errors not tied to a page; findings over all of them."""
    config = crawl.scan
    rank = {s: i for i, s in enumerate(config.scenarios)}
    lines = sorted(read_lines(Path(config.out_dir) / PAGES_FILE), key=lambda line: rank.get(line["scenario"], 0))
    pages, requests, cookies, cookie_pages, errors = [], [], [], [], []
    for run in sorted(runs, key=lambda r: rank[r.scenario]):
        errors += run.errors
    clicks: dict[str, ConsentClick] = {}
    for line in lines:
        p = page_from_line(line)
        pages.append(p.visit or PageVisit(p.url, p.scenario, None, None))
        requests += p.requests
        cookies += p.cookies
        cookie_pages += [p.url] * len(p.cookies)
        errors += p.errors
        if p.click is not None and p.scenario not in clicks:
            clicks[p.scenario] = p.click
    for run in runs:  # this run's own click keeps its banner screenshot (the workers share no-interaction's: none)
        if run.click is not None and clicks.get(run.scenario) == run.click:
            clicks[run.scenario] = run.click
    clicks = {s: clicks[s] for s in config.scenarios if s in clicks}
    options = crawl.provenance()
    options["crawl"] |= {"refused": frontier.refused, "sitemap_pages": len(found.sitemap_pages),
                         "sitemap_problems": found.problems, "resumed": crawl.resume,
                         "concurrency": crawl.concurrency, "recycle_after": crawl.recycle_after,
                         "retries": crawl.retries, "browser_launches": sum(r.launches for r in runs)}
    return ScanResult(
        target=config.target, kind="site", started_at=started, finished_at=datetime.now(UTC),
        browser_version=chromium.version, browser_path=chromium.path, scenarios=config.scenarios,
        pages=tuple(pages), requests=tuple(requests), cookies=tuple(cookies), storage=(), websockets=(),
        clicks=clicks, errors=tuple(errors),
        findings=tuple(derive_findings(requests, cookies, clicks, cookie_pages=cookie_pages)),
        options=options, rules_info=rules_info(knowledge), rule_docs=knowledge.rules.docs_for(
            {m.rule for m in (*(r.tracker for r in requests), *(c.tracker for c in cookies)) if m}))
