"""How a multi-scenario scan starts its browsers: clicking scenarios first, one per CPU core at a time."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from pixelaudit.scan import start_order, start_slots


def test_scenarios_that_click_start_first_and_keep_their_order():
    assert start_order(("no-interaction", "reject", "accept", "gpc")) == ["reject", "accept", "no-interaction", "gpc"]
    assert start_order(("gpc", "accept")) == ["accept", "gpc"]
    assert start_order(("no-interaction",)) == ["no-interaction"]


def test_one_start_slot_per_usable_core():
    cores = len(os.sched_getaffinity(0))

    async def free_slots() -> int:
        slots, taken = start_slots(), 0
        while not slots.locked():
            await slots.acquire()
            taken += 1
        return taken

    with ThreadPoolExecutor(1) as pool:  # apart from pytest-playwright's event loop
        assert pool.submit(asyncio.run, free_slots()).result() == cores
