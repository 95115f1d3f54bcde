"""Benchmark: a full pixelaudit scan of the demo shop beside a bare Playwright load of the same page.

Both run in this process, against the same loopback server, in the same run, alternating, so the ratio
is comparable across machines. Prints medians, the ratio (target <= 1.3) and peak memory. Then the consent
scenarios: each alone and all four in one scan, alternating, with the ratio of the four-scenario scan to the
slowest single one (target <= 1.5), and whether the four-scenario scan saw per scenario what each single
scan saw. Other work on the machine inflates every figure: the load average is printed beside them.

    python tests/bench/bench_scan.py [--runs N] [--consent-runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

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
    seconds, result = await timed_scan(config, rules, chromium)
    return seconds, len(result.requests)


async def timed_scan(config: ScanConfig, rules, chromium):
    start = time.perf_counter()
    result = await scan_site(config, rules, chromium=chromium)
    assert result.complete, result.errors
    return time.perf_counter() - start, result


def seen_per_scenario(result) -> dict[str, Counter]:
    """Every request per scenario, as method, URL without query values (the demo's ids and timestamps
    change on every visit), where it was seen (events or net log) and whether the page was unloading."""
    seen: dict[str, Counter] = {}
    for classified in result.requests:
        r = classified.request
        url = urlsplit(r.url)
        names = ",".join(sorted(name for name, _ in parse_qsl(url.query, keep_blank_values=True)))
        key = f"{r.method} {url.scheme}://{url.netloc}{url.path}?{names} {r.source}{' unload' if r.unload else ''}"
        seen.setdefault(r.scenario, Counter())[key] += 1
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--consent-runs", type=int, default=5)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
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
        # consent: each scenario alone, then all four in one scan (one fresh browser per scenario)
        singles: dict[str, list[float]] = {s: [] for s in SCENARIOS}
        together: list[float] = []
        round_ratios: list[float] = []
        differences: list[str] = []
        for _ in range(args.consent_runs):
            alone = {}
            for scenario in SCENARIOS:
                seconds, result = asyncio.run(timed_scan(replace(config, scenarios=(scenario,)), rules, chromium))
                singles[scenario].append(seconds)
                alone[scenario] = seen_per_scenario(result).get(scenario, Counter())
            seconds, result = asyncio.run(timed_scan(replace(config, scenarios=SCENARIOS), rules, chromium))
            together.append(seconds)
            round_ratios.append(seconds / max(singles[s][-1] for s in SCENARIOS))
            in_four = seen_per_scenario(result)
            differences += [f"{s}: {sorted((alone[s] - in_four.get(s, Counter())).elements())} only alone, "
                            f"{sorted((in_four.get(s, Counter()) - alone[s]).elements())} only in the four"
                            for s in SCENARIOS if in_four.get(s, Counter()) != alone[s]]
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
        print(f"  scenario {scenario:<18}{statistics.median(runs) * 1000:8.0f} ms median "
              f"(min {min(runs) * 1000:.0f}, max {max(runs) * 1000:.0f}) alone")
    print(f"all 4 scenarios in one scan {four * 1000:8.0f} ms median (min {min(together) * 1000:.0f}, "
          f"max {max(together) * 1000:.0f}); / slowest single ({slowest_name}) {four / slowest:.2f}   "
          f"(target <= 1.50)")
    print(f"  per round: four / slowest single of that round {', '.join(f'{r:.2f}' for r in round_ratios)}")
    print("  requests per scenario: " + ("the same alone and in the four-scenario scan" if not differences
                                         else "DIFFERENT in " + "; ".join(differences)))
    print(f"rule matching + extraction  {per_s:8.0f} requests/s on one core ({n_urls} example URLs; "
          f"target >= 200000)")
    print(f"whole tracker chain         {chain_per_s:8.0f} requests/s (rules, filter lists, heuristics)")
    print(f"peak RSS of this process    {rss_mib:8.0f} MiB (Chromium's own processes not included)")
    print(f"load average (1 min)        {load_before:8.2f} before, {os.getloadavg()[0]:.2f} after "
          f"on {os.cpu_count()} CPUs (other work inflates the times above)")


if __name__ == "__main__":
    main()
