"""The Chromium pixelaudit launches: our --disable-features switch replaces Playwright's, so check both halves."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.async_api import async_playwright

from pixelaudit.browser import make_profile
from pixelaudit.config import ScanConfig, parse_resolve


def _launch_and_look(sites, chromium, tmp_path: Path) -> tuple[str, list[str]]:
    from pixelaudit.browser import launch_scenario

    config = ScanConfig(target="http://www.pixel-lab.com/", out_dir=tmp_path,
                        resolve=(parse_resolve(sites.resolve),), trust_certs=(sites.leaf_pem,))

    async def run() -> tuple[str, list[str]]:
        async with async_playwright() as playwright:
            context = await launch_scenario(playwright, config, chromium, make_profile(False), None)
            try:
                page = context.pages[0]
                await page.goto(config.target, wait_until="load")
                session = await context.browser.new_browser_cdp_session()
                targets = (await session.send("Target.getTargets"))["targetInfos"]
                return page.url, [t["url"] for t in targets]
            finally:
                await context.close()

    with ThreadPoolExecutor(1) as pool:  # apart from pytest-playwright's event loop
        return pool.submit(asyncio.run, run()).result()


def test_launch_keeps_playwrights_features_off_and_loads_no_address_bar_pages(sites, chromium, tmp_path):
    url, targets = _launch_and_look(sites, chromium, tmp_path)
    # Playwright's list still applies: HttpsUpgrades stays off, so http:// is not tried as https:// first.
    assert url == "http://www.pixel-lab.com/"
    assert not [t for t in targets if "omnibox" in t]
