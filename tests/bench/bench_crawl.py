"""Benchmark: crawl speed and memory on a generated 200-page shop, no-interaction scenario.

The shop is written at run time into a temporary folder and served by the fixture server (SiteServer) with
every hostname mapped to it: a product-page template with first-party images, a GA-like tag (script from
www.googletagmanager.com, 1x1 GIF hits on www.google-analytics.com) and a Meta-like tag (connect.facebook.net,
www.facebook.com/tr). Links form a tree (7 children per page), so a breadth-first crawl reaches all 200 pages
by depth 3. Each crawl runs in a child process, so its peak RSS (getrusage) is its own; the Chromium process
tree under it is sampled from /proc. Targets on a 2-core machine: >= 60 pages/min, peak RSS <= 1.5 GB.

    python tests/bench/bench_crawl.py [--pages 200] [--concurrency 1,2,4] [--wait 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import resource
import tempfile
import threading
import time
from pathlib import Path

from pixelaudit.demo.server import PNG_1X1, SiteServer

SHOP = "www.bench-shop.com"
BRANCHING = 7
GTAG_JS = """(function () {
  var q = 'v=2&tid=G-BENCH42&cid=' + Math.floor(Math.random() * 1e9) + '&en=page_view&dl=' +
    encodeURIComponent(location.href) + '&dt=' + encodeURIComponent(document.title);
  new Image().src = 'https://www.google-analytics.com/g/collect?' + q;
})();
"""
FBEVENTS_JS = """(function () {
  new Image().src = 'https://www.facebook.com/tr?id=271828182845904&ev=PageView&dl=' +
    encodeURIComponent(location.href) + '&noscript=1';
})();
"""
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Bench Shop</title>
<link rel="stylesheet" href="/static/shop.css">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-BENCH42"></script>
<script async src="https://connect.facebook.net/en_US/fbevents.js"></script>
</head><body>
<header><a href="/"><img src="/static/logo.png" alt="Bench Shop" width="120" height="40"></a>
<nav><a href="/">Home</a> <a href="/p/1">Jackets</a> <a href="/p/2">Boots</a></nav></header>
<main><h1>{title}</h1>
<img src="/static/products/{n}.png" alt="{title}" width="400" height="300">
<img src="/static/badge.png" alt="Free shipping" width="60" height="60">
<p>{text}</p>
<ul class="related">{links}</ul>
</main>
<footer><a href="/">Bench Shop</a> · <a href="/p/3">About</a></footer>
</body></html>
"""


def page_path(n: int) -> str:
    return "/" if n == 0 else f"/p/{n}"


def write_site(root: Path, pages: int) -> None:
    """The shop, its tag hosts and their routes under ``root``."""
    shop = root / SHOP
    (shop / "static" / "products").mkdir(parents=True)
    (shop / "static" / "shop.css").write_text("body{font-family:sans-serif}img{display:block}\n")
    for name in ("logo.png", "badge.png"):
        (shop / "static" / name).write_bytes(PNG_1X1)
    for n in range(pages):
        (shop / "static" / "products" / f"{n}.png").write_bytes(PNG_1X1)
        children = [c for c in range(BRANCHING * n + 1, BRANCHING * n + BRANCHING + 1) if c < pages]
        links = "".join(f'<li><a href="{page_path(c)}">Product {c}</a></li>' for c in children)
        html = PAGE.format(title=f"Product {n}" if n else "Home", n=n, links=links,
                           text="Waterproof, breathable and made to last. " * 8)
        target = shop / "index.html" if n == 0 else shop / "p" / str(n) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html)
    for host, path, body in (("www.googletagmanager.com", "/gtag/js", GTAG_JS),
                             ("connect.facebook.net", "/en_US/fbevents.js", FBEVENTS_JS)):
        (root / host).mkdir()
        (root / host / "tag.js").write_text(body)
        (root / host / "_routes.toml").write_text(
            f'["{path}"]\nfile = "tag.js"\ncontent_type = "application/javascript"\n')
    for host, path in (("www.google-analytics.com", "/g/collect"), ("www.facebook.com", "/tr")):
        (root / host).mkdir()
        (root / host / "_routes.toml").write_text(f'["{path}"]\nbody = "gif"\n')


def crawl_child(target: str, out: str, resolve: str, leaf: str, pages: int, depth: int, wait: float,
                concurrency: int | None, answer, scenario: str = "no-interaction") -> None:
    """One crawl in this (child) process; sends pages, seconds, errors and this process's peak RSS."""
    import asyncio

    from pixelaudit.config import ScanConfig, parse_resolve
    from pixelaudit.crawl.run import CrawlConfig, crawl_site
    from pixelaudit.rules import load_rules

    config = ScanConfig(target=target, out_dir=Path(out), resolve=(parse_resolve(resolve),),
                        trust_certs=(Path(leaf),), wait=wait, scenarios=(scenario,))
    extra = {"concurrency": concurrency} if concurrency is not None else {}
    crawl = CrawlConfig(config, max_pages=pages, max_depth=depth, **extra)
    rules = load_rules()
    start = time.perf_counter()
    result = asyncio.run(crawl_site(crawl, rules))
    seconds = time.perf_counter() - start
    answer.send({"pages": len({p.url for p in result.pages}), "seconds": seconds,
                 "errors": len(result.errors), "findings": len(result.findings),
                 "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024})


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(f"/proc/{entry.name}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; PSS splits shared pages among the processes sharing them."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def tree_memory(root: int) -> tuple[int, int, int]:
    """RSS and PSS summed over ``root``'s descendants (the Playwright driver and Chromium), and their count.

    Chromium's processes share much of their memory: the RSS sum counts it once per process (an upper bound),
    the PSS sum once in all (what the tree costs the machine)."""
    tree = _children()
    rss = pss = seen = 0
    todo = list(tree.get(root, []))
    while todo:
        pid = todo.pop()
        r, p = _memory(pid)
        rss, pss, seen = rss + r, pss + p, seen + 1
        todo += tree.get(pid, [])
    return rss, pss, seen


def run_one(server: SiteServer, pages: int, depth: int, wait: float, concurrency: int | None,
            scenario: str = "no-interaction") -> dict:
    """A crawl in a child process, its descendants' RSS sampled every 0.2 s."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    with tempfile.TemporaryDirectory() as out:
        child = ctx.Process(target=crawl_child, args=(server.url(SHOP), out, server.resolve, str(server.leaf_pem),
                                                      pages, depth, wait, concurrency, send, scenario))
        child.start()
        peak, done = {"rss": 0, "pss": 0, "procs": 0}, threading.Event()

        def sample() -> None:
            while not done.is_set():
                rss, pss, count = tree_memory(child.pid)
                peak.update(rss=max(peak["rss"], rss), pss=max(peak["pss"], pss), procs=max(peak["procs"], count))
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        figures = receive.recv()
        child.join()
        done.set()
        sampler.join()
    return {**figures, "tree_rss": peak["rss"], "tree_pss": peak["pss"], "tree_procs": peak["procs"]}


def flat_memory(server: SiteServer, args: argparse.Namespace) -> None:
    """The reject scenario (one context, the choice kept across browser relaunches every 50 pages) on half the
    shop and on all of it: memory that stays flat gives a ratio near 1 whatever the page count."""
    mib = 1024 * 1024
    runs = {n: run_one(server, n, args.depth, args.wait, 1, "reject") for n in (args.pages // 2, args.pages)}
    print("  reject scenario, one context (relaunched every 50 pages, the choice kept):")
    for n, run in runs.items():
        print(f"  {n:4d} pages: {run['pages'] / run['seconds'] * 60:6.1f} pages/min; peak Python "
              f"{run['rss'] / mib:.0f} MiB RSS, Chromium tree {run['tree_pss'] / mib:.0f} MiB PSS; "
              f"{run['errors']} errors, {run['findings']} findings")
    half, full = runs[args.pages // 2], runs[args.pages]
    print(f"  growth {args.pages // 2} -> {args.pages} pages: Python x{full['rss'] / half['rss']:.2f}, "
          f"Chromium tree x{full['tree_pss'] / half['tree_pss']:.2f} (flat: near 1; pages doubled)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--depth", type=int, default=3)
    parser.add_argument("--concurrency", default="1,2,4")
    parser.add_argument("--wait", type=float, default=5.0, help="--wait of the crawl (a cap per page)")
    parser.add_argument("--no-flat", dest="flat", action="store_false",
                        help="skip the reject-scenario runs at half and all pages (memory growth with pages)")
    args = parser.parse_args()
    from pixelaudit.crawl.run import CrawlConfig

    has_concurrency = "concurrency" in {f.name for f in dataclasses.fields(CrawlConfig)}
    levels: list[int | None] = [int(c) for c in args.concurrency.split(",")] if has_concurrency else [None]
    load_before = os.getloadavg()[0]
    mib = 1024 * 1024
    with tempfile.TemporaryDirectory() as root:
        write_site(Path(root), args.pages)
        with SiteServer(Path(root)) as server:
            print(f"crawl bench: {args.pages}-page shop {server.url(SHOP)}, depth {args.depth}, no-interaction, "
                  f"--wait {args.wait:g}")
            if not has_concurrency:
                print(f"  concurrency {args.concurrency}: not available yet (CrawlConfig has no concurrency "
                      "option; crawl v1 visits one page at a time); running what exists")
            for level in levels:
                run = run_one(server, args.pages, args.depth, args.wait, level)
                per_min = run["pages"] / run["seconds"] * 60
                total = (run["rss"] + run["tree_pss"]) / mib
                label = "v1 (sequential)" if level is None else f"concurrency {level}"
                print(f"  {label:<18} {run['pages']:4d} pages in {run['seconds']:6.1f} s = {per_min:6.1f} pages/min "
                      f"(target >= 60) {'OK' if per_min >= 60 else 'BELOW'}; {run['errors']} errors, "
                      f"{run['findings']} findings")
                print(f"  {'':<18} peak memory: Python {run['rss'] / mib:.0f} MiB RSS; driver+Chromium tree "
                      f"{run['tree_pss'] / mib:.0f} MiB PSS ({run['tree_rss'] / mib:.0f} MiB RSS summed, shared "
                      f"pages counted per process; up to {run['tree_procs']} processes, sampled every 0.2 s)")
                print(f"  {'':<18} together {total:.0f} MiB (Python RSS + tree PSS; target <= 1536) "
                      f"{'OK' if total <= 1536 else 'ABOVE'}")
            if args.flat:
                flat_memory(server, args)
    print(f"load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
