"""Scan e-mails: read → render → analyse → write, one message at a time, so memory stays flat.

One Chromium serves the whole batch (a fresh context per message); a browser that dies is relaunched and
the message in flight is reported as failed. Every message's findings.json (and report) is written as
soon as it is judged; a batch also gets an index (findings.json with every finding naming its mail), a
summary report and CSV. A message that cannot be read or rendered is listed with its error; the batch
goes on. Safe mode maps every hostname to nowhere as a second wall behind the request interception.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from pixelaudit.browser import FEATURE_ARGS, QUIET_ARGS, ChromiumInfo, find_chromium
from pixelaudit.config import host_resolver_rules
from pixelaudit.mail.analyse import analyse
from pixelaudit.mail.model import Mail, MailError
from pixelaudit.mail.parse import read_mail
from pixelaudit.mail.render import CID_ORIGIN, MAIL_ORIGIN, MailRenderer, Rendering, follow_links
from pixelaudit.mail.result import batch_index, error_row, mail_to_dict, summary_row
from pixelaudit.rules import RuleSet

__all__ = ["MailConfig", "is_single_mail", "scan_mail"]

SINGLE_SUFFIXES = (".eml", ".html", ".htm")
MAX_FOLLOWED_LINKS = 50


@dataclass(frozen=True, slots=True)
class MailConfig:
    """What a mail scan needs, frozen (the CLI builds it from flags)."""

    path: Path
    out_dir: Path
    live: bool = False
    identities: tuple[str, ...] = ()
    formats: tuple[str, ...] = ("json", "html")
    timeout: float = 15.0
    resolve: tuple = ()  # config.HostMapping records (--resolve); safe mode's default maps every host to nowhere
    screenshots: bool = True
    # messages rendered at once (a page each, one browser); the browser is the bottleneck, so one per two
    # cores (measured on 2 cores, 100 mails: 1 worker 10.6/s, 2 workers 8.4/s, 4 workers 7.7/s)
    workers: int = field(default_factory=lambda: max(1, (os.cpu_count() or 2) // 2))
    options: dict = field(default_factory=dict)


def is_single_mail(path: Path) -> bool:
    """A lone message file: its outputs go straight into the output folder (no batch layout)."""
    return path.is_file() and path.suffix.lower() in SINGLE_SUFFIXES


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")[:60] or "mail"


def _launch_args(config: MailConfig) -> list[str]:
    """The user's --resolve mappings; without them, safe mode maps every host to nowhere. Our own
    (intercepted) origins never resolve: Chromium preconnects to a navigation's origin by itself."""
    rules = host_resolver_rules(config.resolve) or (None if config.live else "MAP * ~NOTFOUND")
    own = ", ".join(f"MAP {urlsplit(origin).hostname} ~NOTFOUND" for origin in (MAIL_ORIGIN, CID_ORIGIN))
    return [*QUIET_ARGS, *FEATURE_ARGS, f"--host-resolver-rules={own}" + (f", {rules}" if rules else "")]


class _Browser:
    """The batch's Chromium, relaunched when it dies."""

    def __init__(self, playwright, chromium: ChromiumInfo, args: list[str]) -> None:
        self.playwright, self.chromium, self.args, self.browser = playwright, chromium, args, None
        self.lock = asyncio.Lock()  # workers that find it dead at once relaunch it once

    async def get(self):
        async with self.lock:
            if self.browser is None or not self.browser.is_connected():
                self.browser = await self.playwright.chromium.launch(executable_path=self.chromium.path,
                                                                     headless=True, args=self.args)
            return self.browser


async def scan_mail(config: MailConfig, rules: RuleSet, *, rules_info: dict,
                    write: Callable[[dict, Path, bytes | None], list[Path]],
                    chromium: ChromiumInfo | None = None, progress=None,
                    judge: Callable[[dict, bool], dict] | None = None) -> tuple[dict, list[Path]]:
    """Scan every message under `config.path`; returns (the findings.json written at the top, files written).

    `write(data, out_dir, screenshot)` writes one findings.json and its reports (the caller's formats).
    `judge(data, top)` returns a findings.json with the caller's policy (and, for the one written at the
    top, `top` true: a lone message or the index, its baseline) applied; it runs before anything is written,
    so every message's files, its batch row and the index show the judged severities.
    Up to `config.workers` messages render at once; the index lists them in input order.
    """
    from playwright.async_api import async_playwright

    chromium = chromium or find_chromium()
    browser_info = {"name": "chromium", "version": chromium.version, "executable": chromium.path}
    single = is_single_mail(config.path)
    started = datetime.now(UTC)
    done: list[tuple[int, dict, list[dict], list[dict]]] = []  # (n, row, findings, errors): small, kept
    written: list[Path] = []
    last: dict | None = None

    async def one(n: int, mail: Mail) -> None:
        nonlocal last
        if progress is not None:
            progress(f"rendering {mail.id}")
        out_dir = config.out_dir if single else config.out_dir / "messages" / f"{n:04d}-{_slug(Path(mail.id).name)}"
        renderer = await renderers.get()
        try:
            data, shot = await _one(mail, config, rules, rules_info, renderer, browsers, browser_info)
        finally:
            renderers.put_nowait(renderer)
        if judge is not None:
            data = judge(data, single)
        written.extend(write(data, out_dir, shot))
        row = {**summary_row(data), "dir": None if single else str(out_dir.relative_to(config.out_dir))}
        # each index finding names its mail, and its Message-ID when it has one (what a baseline keys it by)
        named = {"mail": mail.id} | ({"message_id": msgid} if (msgid := data["email"].get("message_id")) else {})
        done.append((n, row, [{**f, **named} for f in data["findings"]],
                     [{**e, "mail": mail.id} for e in data["errors"]]))
        last = data

    async with async_playwright() as playwright:
        browsers = _Browser(playwright, chromium, _launch_args(config))
        renderers: asyncio.Queue[MailRenderer] = asyncio.Queue()
        for _ in range(config.workers):
            renderers.put_nowait(MailRenderer(browsers.get, live=config.live, timeout=config.timeout,
                                              screenshot=config.screenshots))
        slots = asyncio.Semaphore(config.workers)
        tasks: set[asyncio.Task] = set()
        try:
            for n, item in enumerate(read_mail(str(config.path)), 1):
                if isinstance(item, MailError):
                    done.append((n, error_row(item), [], [{"code": item.code, "message": f"{item.id}: {item.message}",
                                                           "fatal": False, "mail": item.id}]))
                    continue
                await slots.acquire()  # at most `workers` messages in memory at once
                task = asyncio.create_task(one(n, item))
                task.add_done_callback(lambda _t: slots.release())
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            await asyncio.gather(*tasks)
        finally:
            while not renderers.empty():
                await renderers.get_nowait().close()
            if browsers.browser is not None:
                await browsers.browser.close()
    done.sort(key=lambda d: d[0])
    errors = [e for d in done for e in d[3]]
    if single and last is not None:  # its own findings.json (with its errors) is the result; no index
        return last, written
    index = batch_index(str(config.path), [d[1] for d in done], [f for d in done for f in d[2]], errors,
                        started_at=started, finished_at=datetime.now(UTC), browser=browser_info,
                        rules_info=rules_info, options=config.options)
    if judge is not None:
        index = judge(index, True)
    written += write(index, config.out_dir, None)
    return index, written


async def _one(mail: Mail, config: MailConfig, rules: RuleSet, rules_info: dict, renderer: MailRenderer,
               browsers: _Browser, browser_info: dict) -> tuple[dict, bytes | None]:
    started = datetime.now(UTC)
    try:
        rendering = await renderer.render(mail)
    except Exception as exc:  # no browser could be launched for it
        detail = (str(exc).splitlines() or [type(exc).__name__])[0]
        rendering = Rendering((), (), (), None, config.live, f"browser failed while rendering: {detail}")
    finals = {}
    if config.live and rendering.error is None:
        hrefs = [x.href for x in rendering.links if x.href.startswith(("http://", "https://"))]
        finals = await follow_links(await browsers.get(), list(dict.fromkeys(hrefs))[:MAX_FOLLOWED_LINKS])
    analysis = analyse(mail, rendering, rules, identities=config.identities, finals=finals)
    shot = rendering.screenshot
    data = mail_to_dict(analysis, started_at=started, finished_at=datetime.now(UTC), browser=browser_info,
                        rules_info=rules_info, options=config.options, screenshot="mail.png" if shot else None,
                        rules=rules)
    return data, shot

