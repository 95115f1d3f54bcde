"""Phase 1 of a crawl: N browser contexts taking pages from the one frontier, results committed in pop order.

Each worker (a ScenarioCrawl: its own context and Capture, one page at a time) pops the next page, visits it
and hands the result back. Results are committed strictly in the order the pages were popped (a reorder
buffer on the pop index, as frontier.py asks): the page's line goes to pages.jsonl, its links are added to the
frontier, the state database records it. Links committed in pop order make the frontier's pops, pages.jsonl
and the page list the same whatever N is: a page popped while earlier ones are in flight sorts before every
link they can still add (breadth-first: their links are at its depth or deeper, with later sequence numbers).
A worker finding the queue empty while pages are in flight waits for their links.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pixelaudit.crawl.frontier import Frontier, Page
from pixelaudit.crawl.pages import CrawledPage, PageSink

if TYPE_CHECKING:
    from pixelaudit.crawl.state import CrawlState
    from pixelaudit.crawl.worker import ScenarioCrawl

Admit = Callable[[str, int, str], Awaitable[None]]  # (url, depth, source): the frontier's add, robots checked


@dataclass(slots=True)
class _Done:
    item: Page
    final_url: str | None  # where the browser ended up (redirects), None when the visit failed
    links: list[str]
    page: CrawledPage | None  # None when the worker's browser died during the visit


@dataclass(slots=True)
class PhaseOne:
    """The frontier shared by phase 1's workers, and the ordered list of pages they committed."""

    frontier: Frontier
    admit: Admit
    sink: PageSink
    state: CrawlState
    order: list[Page]  # committed pages, in pop order (a resumed crawl's earlier pages first)
    _cond: asyncio.Condition = field(default_factory=asyncio.Condition)
    _popped: int = 0
    _committed: int = 0
    _results: dict[int, _Done] = field(default_factory=dict)

    def plan(self) -> Callable[[ScenarioCrawl, object], Awaitable[None]]:
        """A worker's plan: pop, visit, hand back, until the frontier is empty and nothing is in flight."""

        async def work(run: ScenarioCrawl, context) -> None:
            page = await run.start(context.pages[0] if context.pages else await context.new_page())
            while (popped := await self._pop()) is not None:
                index, item = popped
                run.progress(f"[{run.scenario}] page {len(self.order) + index - self._committed + 1}: "
                             f"{item.url} (depth {item.depth})")
                try:
                    page, links, crawled, final = await run.step(page, item.url, item.depth)
                except BaseException:  # the relaunch failed: commit the gap so other workers do not wait forever
                    await self._commit(index, _Done(item, None, [], None))
                    raise
                await self._commit(index, _Done(item, final, links, crawled))

        return work

    async def _pop(self) -> tuple[int, Page] | None:
        async with self._cond:
            while (item := self.frontier.pop()) is None and self._popped > self._committed:
                await self._cond.wait()
            if item is None:
                return None
            self._popped += 1
            return self._popped - 1, item

    async def _commit(self, index: int, done: _Done) -> None:
        async with self._cond:
            self._results[index] = done
            while (done := self._results.pop(self._committed, None)) is not None:
                item = done.item
                self.frontier.done(item.url)
                if done.final_url is not None:
                    self.frontier.mark_seen(done.final_url)  # where it redirected to
                for link in done.links:
                    await self.admit(link, item.depth + 1, item.url)
                self.order.append(item)
                self._committed += 1
                if done.page is not None:  # the line first, then the row: a kill between visits it again
                    self.sink.write(done.page)
                    status = done.page.visit.status if done.page.visit else None
                    self.state.page_done(done.page.scenario, item.url, item.depth, status, self.frontier.to_dict(),
                                         [[p.url, p.depth, p.source, p.seq] for p in self.order])
                self._cond.notify_all()
