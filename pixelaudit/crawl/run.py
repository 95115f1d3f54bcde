"""Crawl one site: discover pages, visit them in the frontier's order per scenario, stream each page to disk.

Phase 1: the first scenario (``no-interaction`` when selected) reads robots.txt and the sitemaps, then visits
the frontier's pages one at a time in one browser context, adding each page's links (document order) as it
goes. Phase 2: every other scenario visits the same ordered list, concurrently with each other, each in its
own context, so a consent choice made on the first page persists for the rest (reject once, then navigate).

After each page one JSON line per (scenario, page) is appended to ``OUT/pages.jsonl`` and the page is
recorded as done in ``OUT/state.sqlite`` (with phase 1's frontier), so ``resume`` goes on where a killed crawl
stopped. The site's result (findings.json, report.html) is built at the end from pages.jsonl read back from
disk, not from pages kept in memory, and so is ``OUT/pages.csv`` (one row per page, read in chunks: see
table.py). A scenario's context forgets each page's records once they are streamed (only requests in flight
are kept); its browser is relaunched every ``recycle_after`` pages and after a crash, consent scenarios
keeping their profile and cookie jar so the choice holds. The final read-back for findings.json holds all
pages' records at once (it lists every request); pages.csv's does not.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import async_playwright

from pixelaudit.browser import ChromiumInfo, find_chromium, launch_scenario, make_profile
from pixelaudit.classify import Knowledge
from pixelaudit.config import ScanConfig, origin_of
from pixelaudit.crawl.discover import Robots, SitemapWalk, robots_url, sitemap_urls
from pixelaudit.crawl.frontier import Frontier, Page
from pixelaudit.crawl.pages import PAGES_FILE, PageSink, page_from_line, read_lines
from pixelaudit.crawl.phase1 import PhaseOne
from pixelaudit.crawl.state import STATE_FILE, CrawlState, ResumeError
from pixelaudit.crawl.table import PAGES_TABLE, write_page_table
from pixelaudit.crawl.urls import Scope, UrlFilter, normalise
from pixelaudit.crawl.worker import AfterLoad, Progress, ScenarioCrawl, send_headers, storage_key
from pixelaudit.findings import derive_findings
from pixelaudit.model import ConsentClick, PageVisit
from pixelaudit.result import ScanResult
from pixelaudit.rules import RuleSet
from pixelaudit.scan import rules_info
from pixelaudit.visit import guard

ROBOTS_AGENT = "pixelaudit"
__all__ = ["PAGES_FILE", "PAGES_TABLE", "STATE_FILE", "CrawlConfig", "ResumeError", "crawl_site", "usable_cores"]


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
    recycle_after: int = 50  # relaunch a context's browser after this many pages (consent ones keep their state)
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
    shared = PhaseOne(frontier, admit, workers[0].sink, state, order)
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
            page, _links, crawled, _final = await run.step(page, item.url, item.depth)
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
                    await send_headers(fetch_context, config)
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
    write_page_table(Path(config.out_dir) / PAGES_FILE, Path(config.out_dir) / PAGES_TABLE)
    return _site_result(crawl, knowledge, chromium, started, [*workers, *others], frontier,
                        found[0] if found else Discovery())


def _site_result(crawl: CrawlConfig, knowledge: Knowledge, chromium: ChromiumInfo, started: datetime,
                 runs: list[ScenarioCrawl], frontier: Frontier, found: Discovery) -> ScanResult:
    """The site's findings.json from pages.jsonl as it is on disk (every run's pages, scenario by scenario),
    plus this run's errors not tied to a page; findings over all of them."""
    config = crawl.scan
    rank = {s: i for i, s in enumerate(config.scenarios)}
    lines = sorted(read_lines(Path(config.out_dir) / PAGES_FILE), key=lambda line: rank.get(line["scenario"], 0))
    pages, requests, cookies, cookie_pages, errors, storage = [], [], [], [], [], []
    storage_seen: set[tuple[str, ...]] = set()  # phase 1's parallel contexts each saw the site's entries once
    for run in sorted(runs, key=lambda r: rank[r.scenario]):
        errors += run.errors
    clicks: dict[str, ConsentClick] = {}
    for line in lines:
        p = page_from_line(line)
        pages.append(p.visit or PageVisit(p.url, p.scenario, None, None))
        requests += p.requests
        cookies += p.cookies
        cookie_pages += [p.url] * len(p.cookies)
        for s in p.storage:
            if (key := (s.scenario, *storage_key(s))) not in storage_seen:
                storage_seen.add(key)
                storage.append(s)
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
        pages=tuple(pages), requests=tuple(requests), cookies=tuple(cookies), storage=tuple(storage), websockets=(),
        clicks=clicks, errors=tuple(errors),
        findings=tuple(derive_findings(requests, cookies, clicks, cookie_pages=cookie_pages)),
        options=options, rules_info=rules_info(knowledge), rule_docs=knowledge.rules.docs_for(
            {m.rule for m in (*(r.tracker for r in requests), *(c.tracker for c in cookies)) if m}))
