"""The pipeline for one site: browser → capture → classify → findings → ScanResult.

Nothing collected is lost: every failure becomes a ScanError in the result and the scan goes on with
what the browser had already shown.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from playwright.async_api import async_playwright

from pixelaudit import evidence
from pixelaudit.browser import ChromiumInfo, find_chromium, launch_scenario, make_profile
from pixelaudit.capture import Capture, CaptureResult
from pixelaudit.classify import Knowledge, classify, first_party_sites, site_party
from pixelaudit.config import ScanConfig
from pixelaudit.findings import derive_findings
from pixelaudit.model import ConsentClick, PageVisit, ScanError, TcfState
from pixelaudit.neterrors import navigation_error
from pixelaudit.netlog import read_netlog, unseen_requests
from pixelaudit.parties import host_of
from pixelaudit.result import ScanResult
from pixelaudit.rules import RuleSet
from pixelaudit.visit import CONSENT_SCENARIOS, guard, visit_scenario

Progress = Callable[[str], None]
# A scenario holds a start slot from its browser's launch until its first page fires `load` (at most this
# long, so a page that never finishes loading does not hold the others back).
START_SLOT_S = 2.0


@dataclass(frozen=True, slots=True)
class ScenarioRun:
    """What one scenario's browser produced."""

    scenario: str
    capture: CaptureResult
    pages: tuple[PageVisit, ...]
    errors: tuple[ScanError, ...]
    final_url: str | None
    click: ConsentClick | None = None
    tcf: tuple[TcfState, ...] = ()


def start_slots() -> asyncio.Semaphore:
    """One start slot per CPU core the scan may use.

    Launching Chromium and loading the first page is the CPU-heavy part of a scenario: four at once on two
    cores slow each other down, so at most one per core starts at a time and the rest wait their turn.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return asyncio.Semaphore(max(1, cores or 1))


def start_order(scenarios: tuple[str, ...]) -> list[str]:
    """Scenarios that click first: they have the longest way to go (first page, click, second page)."""
    return sorted(scenarios, key=lambda s: s not in CONSENT_SCENARIOS)


async def run_scenario(playwright, config: ScanConfig, chromium: ChromiumInfo, scenario: str,
                       progress: Progress, slots: asyncio.Semaphore | None = None) -> ScenarioRun:
    """One scenario in its own fresh profile; always returns what was captured."""
    slots = slots or start_slots()
    await slots.acquire()
    released: list[bool] = []

    def release(*_args) -> None:
        if not released:
            released.append(True)
            slots.release()

    slot_limit = asyncio.get_running_loop().call_later(START_SLOT_S, release)
    profile = make_profile(config.block_third_party_cookies)
    netlog_path = profile.with_name(profile.name + "-netlog.json")
    capture = Capture(scenario, config.target)
    errors: list[ScanError] = []
    outcome, context = None, None
    limit = config.timeout + config.wait + 30
    closing: list[bool] = []  # set once we close the context ourselves
    try:
        context = await launch_scenario(playwright, config, chromium, profile, netlog_path, scenario)
        context.on("close", lambda _c: closing or errors.append(ScanError(
            "browser-crash", f"the browser closed or crashed while auditing {config.target}",
            config.target, scenario)))
        for page in context.pages[:1]:  # the page visit_scenario drives
            page.once("load", release)
        await capture.attach(context)
        outcome = await asyncio.wait_for(visit_scenario(context, capture, config, scenario, errors, progress), limit)
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
        release()
        slot_limit.cancel()
        await capture.drain()
        closing.append(True)
        if context is not None:
            await guard(context.close(), 10)
        if config.evidence:
            evidence.finish_har(evidence.har_path(config.out_dir, scenario), config)
    pages = outcome.pages if outcome else ()
    seen = capture.result()
    extra = unseen_requests(read_netlog(netlog_path), seen.requests, scenario=scenario,
                            page_url=pages[-1].final_url or config.target if pages else config.target,
                            t0_epoch_ms=capture.t0_epoch_ms,
                            unload_from_epoch_ms=outcome.unload_from_epoch_ms if outcome else None)
    shutil.rmtree(profile, ignore_errors=True)
    netlog_path.unlink(missing_ok=True)
    return ScenarioRun(scenario, replace(seen, requests=seen.requests + extra), pages, tuple(errors),
                       pages[0].final_url if pages else None, outcome.click if outcome else None,
                       outcome.tcf if outcome else ())


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
    order = start_order(config.scenarios)
    slots = start_slots()
    if config.evidence:
        evidence.prepare(config.out_dir)
    async with async_playwright() as playwright:
        done = await asyncio.gather(*(run_scenario(playwright, config, chromium, s, progress, slots)
                                      for s in order))
    runs = [done[order.index(s)] for s in config.scenarios]
    first_party = first_party_sites([config.target, *(r.final_url or "" for r in runs)])
    requests, cookies, storage, websockets, pages, errors = [], [], [], [], [], []
    for run in runs:
        consent_at = run.click.time_ms if run.click and run.click.clicked else None
        reqs, cooks = classify(run.capture, knowledge, first_party, consent_at_ms=consent_at)
        requests += reqs
        cookies += cooks
        storage += run.capture.storage
        pages += run.pages
        errors += run.errors
        websockets += [(ws, h, *site_party(h, first_party)) for ws in run.capture.websockets
                       for h in [host_of(ws.url)]]
    clicks = {run.scenario: run.click for run in runs if run.click}
    tcf = tuple(state for run in runs for state in run.tcf)
    progress(f"classified {len(requests)} requests and {len(cookies)} cookies")
    return ScanResult(
        target=config.target, kind="site", started_at=started, finished_at=datetime.now(UTC),
        browser_version=chromium.version, browser_path=chromium.path, scenarios=config.scenarios,
        pages=tuple(pages), requests=tuple(requests), cookies=tuple(cookies), storage=tuple(storage),
        websockets=tuple(websockets), clicks=clicks, tcf=tcf, errors=tuple(errors),
        findings=tuple(derive_findings(requests, cookies, clicks, tcf)),
        options=config.provenance(), rules_info=rules_info(knowledge), rule_docs=knowledge.rules.docs_for(
            {m.rule for m in (*(r.tracker for r in requests), *(c.tracker for c in cookies)) if m}),
        evidence=evidence.findings_block(config.out_dir) if config.evidence else None)


def failed_result(config: ScanConfig, knowledge: Knowledge | RuleSet, kind: str, message: str,
                  started: datetime) -> ScanResult:
    """The result of a scan that could not start: no observations, one error saying why."""
    return ScanResult(
        target=config.target, kind="site", started_at=started, finished_at=datetime.now(UTC),
        browser_version=None, browser_path=None, scenarios=config.scenarios, pages=(), requests=(), cookies=(),
        storage=(), websockets=(), findings=(), errors=(ScanError(kind, message, config.target, None),),
        options=config.provenance(),
        rules_info=rules_info(knowledge if isinstance(knowledge, Knowledge) else Knowledge(knowledge)))
