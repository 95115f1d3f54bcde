"""The pipeline for one site: browser → capture → classify → findings → ScanResult.

Nothing collected is lost: every failure becomes a ScanError in the result and the scan goes on with
what the browser had already shown.
"""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import async_playwright

from pixelaudit.browser import ChromiumInfo, find_chromium, launch_scenario, make_profile
from pixelaudit.capture import Capture, CaptureResult
from pixelaudit.classify import Knowledge, classify, first_party_sites, site_party
from pixelaudit.config import ScanConfig, origin_of
from pixelaudit.findings import derive_findings
from pixelaudit.model import PageVisit, ScanError
from pixelaudit.neterrors import http_status_error, navigation_error
from pixelaudit.netlog import read_netlog, unseen_requests
from pixelaudit.parties import host_of
from pixelaudit.result import ScanResult
from pixelaudit.rules import RuleSet

Progress = Callable[[str], None]
UNLOAD_GRACE_S = 0.05
SCROLL_JS = """async () => {
  const step = Math.max(200, innerHeight * 0.8);
  for (let y = 0, i = 0; y < document.documentElement.scrollHeight && i < 50; y += step, i++) {
    scrollTo(0, y); await new Promise(r => setTimeout(r, 30));
  }
  scrollTo(0, document.documentElement.scrollHeight);
}"""


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """What one scenario's browser produced."""

    capture: CaptureResult
    pages: tuple[PageVisit, ...]
    errors: tuple[ScanError, ...]
    final_url: str | None


async def _guard(coro, seconds: float):
    """Await with a limit; None when it took too long or the browser went away."""
    try:
        return await asyncio.wait_for(coro, seconds)
    except Exception:
        return None


async def _visit(context, capture: Capture, config: ScanConfig, scenario: str, errors: list[ScanError],
                 progress: Progress) -> tuple[PageVisit | None, float | None]:
    """Load the target, wait, scroll, snapshot, then close the page (fires pagehide beacons)."""
    page = context.pages[0] if context.pages else await context.new_page()
    crashed: list[bool] = []
    page.on("crash", lambda _p: crashed.append(True))
    if config.headers:
        extra = dict(config.headers)

        async def add_headers(route):  # only requests to the target's origin get the user's headers
            await route.continue_(headers={**await route.request.all_headers(), **extra})
        await context.route(origin_of(config.target) + "/**", add_headers)
    capture.start()
    progress(f"[{scenario}] loading {config.target}")
    response, loaded = None, True
    try:
        response = await page.goto(config.target, wait_until="load", timeout=config.timeout * 1000)
    except Exception as exc:
        err = navigation_error(str(exc), config.target, scenario, config.timeout)
        if not (err.kind == "browser-crash" and any(e.kind == "browser-crash" for e in errors)):
            errors.append(err)
        if err.kind != "timeout":  # a hanging page still shows what it loaded so far: keep auditing it
            return None, None
        loaded = False
    if response is not None and response.status >= 400:
        errors.append(http_status_error(response.status, page.url, scenario))
    # Scroll at once to wake lazy tags, then one quiet window catches both them and the load's stragglers.
    await _guard(page.evaluate(SCROLL_JS), 5)
    progress(f"[{scenario}] waiting for the network to go quiet (up to {config.wait:g} s)")
    await capture.wait_idle(cap=config.wait if loaded else min(config.wait, 2.0))
    title = await _guard(page.title(), 2)
    if crashed:
        errors.append(ScanError("browser-crash", f"the page {config.target} crashed while being audited",
                                config.target, scenario))
    visit = PageVisit(config.target, scenario, response.status if response else None, page.url or None, title)
    progress(f"[{scenario}] recording cookies, storage and images")
    await _guard(capture.snapshot(page, context), 10)
    unload_from = time.time() * 1000
    await _guard(page.close(), 5)
    # Unload beacons only need to start before the browser closes: the net log records them at start.
    await asyncio.sleep(UNLOAD_GRACE_S)
    return visit, unload_from


async def run_scenario(playwright, config: ScanConfig, chromium: ChromiumInfo, scenario: str,
                       progress: Progress) -> ScenarioRun:
    """One scenario in its own fresh profile; always returns what was captured."""
    profile = make_profile(config.block_third_party_cookies)
    netlog_path = profile.with_name(profile.name + "-netlog.json")
    capture = Capture(scenario, config.target)
    errors: list[ScanError] = []
    visit, unload_from, context = None, None, None
    limit = config.timeout + config.wait + 30
    closing: list[bool] = []  # set once we close the context ourselves
    try:
        context = await launch_scenario(playwright, config, chromium, profile, netlog_path)
        context.on("close", lambda _c: closing or errors.append(ScanError(
            "browser-crash", f"the browser closed or crashed while auditing {config.target}",
            config.target, scenario)))
        await capture.attach(context)
        visit, unload_from = await asyncio.wait_for(
            _visit(context, capture, config, scenario, errors, progress), limit)
    except TimeoutError:
        errors.append(ScanError("timeout", f"the scan of {config.target} exceeded {limit:g} s and was cut short",
                                config.target, scenario))
    except Exception as exc:
        if context is None:
            errors.append(ScanError("browser-launch", f"Chromium ({chromium.path}) did not start: "
                                    f"{str(exc).strip().splitlines()[0][:300]}", None, scenario))
        elif not any(e.kind == "browser-crash" for e in errors):
            errors.append(navigation_error(str(exc), config.target, scenario, config.timeout))
    finally:
        await capture.drain()
        closing.append(True)
        if context is not None:
            await _guard(context.close(), 10)
    seen = capture.result()
    extra = unseen_requests(read_netlog(netlog_path), seen.requests, scenario=scenario,
                            page_url=visit.final_url if visit and visit.final_url else config.target,
                            t0_epoch_ms=capture.t0_epoch_ms, unload_from_epoch_ms=unload_from)
    shutil.rmtree(profile, ignore_errors=True)
    netlog_path.unlink(missing_ok=True)
    return ScenarioRun(replace(seen, requests=seen.requests + extra), (visit,) if visit else (), tuple(errors),
                       visit.final_url if visit else None)


def rules_info(knowledge: Knowledge) -> dict:
    """Which knowledge classified the scan, for findings.json's provenance."""
    rules = knowledge.rules
    return {"version": rules.version, "count": len(rules), "sources": [str(Path(s)) for s in rules.sources],
            "filter_lists": [lst.provenance() for lst in knowledge.lists], "heuristics": knowledge.heuristics}


async def scan_site(config: ScanConfig, knowledge: Knowledge | RuleSet, progress: Progress = lambda _m: None,
                    chromium: ChromiumInfo | None = None) -> ScanResult:
    """Scan one URL in every configured scenario and classify what it did."""
    knowledge = knowledge if isinstance(knowledge, Knowledge) else Knowledge(knowledge)
    started = datetime.now(UTC)
    chromium = chromium or find_chromium(config.chromium)
    async with async_playwright() as playwright:
        runs = await asyncio.gather(*(run_scenario(playwright, config, chromium, s, progress)
                                      for s in config.scenarios))
    first_party = first_party_sites([config.target, *(r.final_url or "" for r in runs)])
    requests, cookies, storage, websockets, pages, errors = [], [], [], [], [], []
    for run in runs:
        reqs, cooks = classify(run.capture, knowledge, first_party, before_consent=True)
        requests += reqs
        cookies += cooks
        storage += run.capture.storage
        pages += run.pages
        errors += run.errors
        websockets += [(ws, h, *site_party(h, first_party)) for ws in run.capture.websockets
                       for h in [host_of(ws.url)]]
    progress(f"classified {len(requests)} requests and {len(cookies)} cookies")
    return ScanResult(
        target=config.target, kind="site", started_at=started, finished_at=datetime.now(UTC),
        browser_version=chromium.version, browser_path=chromium.path, scenarios=config.scenarios,
        pages=tuple(pages), requests=tuple(requests), cookies=tuple(cookies), storage=tuple(storage),
        websockets=tuple(websockets), findings=tuple(derive_findings(requests)), errors=tuple(errors),
        options=config.provenance(), rules_info=rules_info(knowledge), rule_docs=knowledge.rules.docs_for(
            {m.rule for m in (*(r.tracker for r in requests), *(c.tracker for c in cookies)) if m}))


def failed_result(config: ScanConfig, knowledge: Knowledge | RuleSet, kind: str, message: str,
                  started: datetime) -> ScanResult:
    """The result of a scan that could not start: no observations, one error saying why."""
    return ScanResult(
        target=config.target, kind="site", started_at=started, finished_at=datetime.now(UTC),
        browser_version=None, browser_path=None, scenarios=config.scenarios, pages=(), requests=(), cookies=(),
        storage=(), websockets=(), findings=(), errors=(ScanError(kind, message, config.target, None),),
        options=config.provenance(),
        rules_info=rules_info(knowledge if isinstance(knowledge, Knowledge) else Knowledge(knowledge)))
