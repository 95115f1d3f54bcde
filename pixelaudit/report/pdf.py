"""PDF report: report.html printed by Chromium (A4, backgrounds on, every <details> opened, page numbers).

Rendered from the findings.json dict like every format; the browser is the one that ran the scan when it is
still there, else the one pixelaudit finds (PIXELAUDIT_CHROMIUM, Playwright's, the system's).
"""

from __future__ import annotations

import asyncio
import html as htmllib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pixelaudit.browser import QUIET_ARGS, BrowserNotFound, find_chromium
from pixelaudit.report.html import render_any

PDF_NAME = "report.pdf"
NOT_LOCAL = re.compile(r"^(https?|wss?|ftp)://")  # the report is self-contained; nothing may be fetched
FOOTER = ('<div style="font-size:8px;width:100%;padding:0 12mm;color:#555;display:flex;justify-content:space-between">'
          '<span>pixelaudit report: {target}</span><span><span class="pageNumber"></span> / '
          '<span class="totalPages"></span></span></div>')


class PdfError(OSError):
    """The PDF could not be printed (no browser, or the browser failed); the message says why."""


def chromium_path(result: dict) -> str:
    """The scan's own browser when it still exists, else the one pixelaudit would use."""
    recorded = (result.get("browser") or {}).get("executable")
    explicit = recorded if recorded and os.path.isfile(recorded) else os.environ.get("PIXELAUDIT_CHROMIUM")
    try:
        return find_chromium(explicit).path
    except BrowserNotFound as exc:
        raise PdfError(f"cannot print report.pdf: {exc}") from None


def write(result: dict, out_dir: Path) -> list[Path]:
    """Write ``report.pdf`` (screenshots beside it in out_dir are inlined, as in report.html)."""
    page = render_any(result, out_dir)
    footer = FOOTER.format(target=htmllib.escape(str(result.get("target") or ""))[:120])
    # Its own thread and event loop: the caller may already run one (pytest-playwright, an async host).
    with ThreadPoolExecutor(1) as pool:
        data = pool.submit(asyncio.run, print_pdf(page, chromium_path(result), footer)).result()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / PDF_NAME
    path.write_bytes(data)
    return [path]


async def print_pdf(page_html: str, executable: str, footer: str) -> bytes:
    """Print an HTML string to PDF bytes with headless Chromium."""
    from playwright.async_api import Error, async_playwright

    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=executable, headless=True,
                                                       args=list(QUIET_ARGS))
            try:
                page = await browser.new_page(java_script_enabled=False)
                await page.route(NOT_LOCAL, lambda route: route.abort())
                await page.set_content(page_html, wait_until="load")
                # Collapsed lists (a crawl's pages) must be on paper too.
                await page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
                return await page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                                      display_header_footer=True, header_template="<span></span>",
                                      footer_template=footer, margin={"top": "14mm", "bottom": "16mm",
                                                                      "left": "12mm", "right": "12mm"})
            finally:
                await browser.close()
    except Error as exc:
        raise PdfError(f"cannot print report.pdf: {str(exc).splitlines()[0]}") from None
