"""Benchmark: a full pixelaudit scan of the demo shop beside a bare Playwright load of the same page.

Both run in this process, against the same loopback server, in the same run, alternating, so the ratio
is comparable across machines. Prints medians, the ratio (target <= 1.3) and peak memory.

    python tests/bench/bench_scan.py [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from playwright.async_api import async_playwright

from pixelaudit.browser import QUIET_ARGS, find_chromium, launch_args
from pixelaudit.config import ScanConfig, parse_resolve
from pixelaudit.demo import DEMO_TARGET, demo_site_root
from pixelaudit.demo.server import SiteServer
from pixelaudit.rules import load_rules
from pixelaudit.scan import scan_site
from pixelaudit.visit import SCENARIOS


async def bare_load(config: ScanConfig, chromium_path: str) -> float:
    """Launch, open the page, wait for Playwright's network idle, close: the least any audit must do."""
    start = time.perf_counter()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path, headless=True,
                                          args=[*QUIET_ARGS, *launch_args(config, None)[len(QUIET_ARGS):]])
        page = await browser.new_page()
        await page.goto(config.target, wait_until="networkidle")
        await browser.close()
    return time.perf_counter() - start


def matching_speed(rules, seconds: float = 2.0) -> tuple[float, float, int]:
    """Request classifications per second on one core: rule matching with id extraction, and the whole
    tracker chain (party, rules, heuristics) on the rules' own examples and counterexamples."""
    from pixelaudit.classify import Knowledge
    from pixelaudit.model import Request
    from pixelaudit.parties import party_of

    urls = [u for r in rules.rules for u in (*r.examples, *r.counterexamples)]
    first = frozenset({"shop.example"})
    requests = [(Request(u, "GET", "image", "-", "https://www.shop.example/", 0.0, "main"), party_of(u, first))
                for u in urls]
    knowledge = Knowledge(rules)

    def rate(work) -> float:
        done, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            work()
            done += len(urls)
        return done / (time.perf_counter() - start)

    def rules_only() -> None:
        for url in urls:
            if rule := rules.match_url(url):
                rule.as_match(url)

    def chain() -> None:
        for request, party in requests:
            knowledge.tracker(request, party)

    return rate(rules_only), rate(chain), len(urls)


async def full_scan(config: ScanConfig, rules, chromium) -> tuple[float, int]:
    start = time.perf_counter()
    result = await scan_site(config, rules, chromium=chromium)
    assert result.complete, result.errors
    return time.perf_counter() - start, len(result.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    chromium = find_chromium()
    t0 = time.perf_counter()
    rules = load_rules()
    rules_ms = (time.perf_counter() - t0) * 1000
    with SiteServer(demo_site_root()) as server, tempfile.TemporaryDirectory() as out:
        config = ScanConfig(target=DEMO_TARGET, out_dir=Path(out), resolve=(parse_resolve(server.resolve),),
                            trust_certs=(server.leaf_pem,))
        asyncio.run(bare_load(config, chromium.path))  # warm the disk cache for both
        bare, scans, count = [], [], 0
        for _ in range(args.runs):
            bare.append(asyncio.run(bare_load(config, chromium.path)))
            seconds, count = asyncio.run(full_scan(config, rules, chromium))
            scans.append(seconds)
        # consent: each scenario alone, then all four at once (fresh browser each, run concurrently)
        singles: dict[str, list[float]] = {s: [] for s in SCENARIOS}
        together: list[float] = []
        for _ in range(max(3, args.runs // 2)):
            for scenario in SCENARIOS:
                singles[scenario].append(asyncio.run(full_scan(replace(config, scenarios=(scenario,)), rules,
                                                                chromium))[0])
            together.append(asyncio.run(full_scan(replace(config, scenarios=SCENARIOS), rules, chromium))[0])
    b, s = statistics.median(bare), statistics.median(scans)
    per_s, chain_per_s, n_urls = matching_speed(rules)
    slowest_name, slowest = max(((s, statistics.median(v)) for s, v in singles.items()), key=lambda x: x[1])
    four = statistics.median(together)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Chromium {chromium.version}, {args.runs} runs each, demo page {DEMO_TARGET} ({count} requests)")
    print(f"rules load                  {rules_ms:8.1f} ms ({len(rules)} rules)")
    for label, runs, median in (("bare Playwright load", bare, b), ("pixelaudit scan", scans, s)):
        print(f"{label:<28}{median * 1000:8.0f} ms median (min {min(runs) * 1000:.0f}, max {max(runs) * 1000:.0f})")
    print(f"ratio scan / bare           {s / b:8.2f}   (target <= 1.30)")
    for scenario, runs in singles.items():
        print(f"  scenario {scenario:<18}{statistics.median(runs) * 1000:8.0f} ms median")
    print(f"all 4 scenarios at once     {four * 1000:8.0f} ms median; / slowest single ({slowest_name}) "
          f"{four / slowest:.2f}   (target <= 1.50)")
    print(f"rule matching + extraction  {per_s:8.0f} requests/s on one core ({n_urls} example URLs; "
          f"target >= 200000)")
    print(f"whole tracker chain         {chain_per_s:8.0f} requests/s (rules, filter lists, heuristics)")
    print(f"peak RSS of this process    {rss_mib:8.0f} MiB (Chromium's own processes not included)")


if __name__ == "__main__":
    main()
