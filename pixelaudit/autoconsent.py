"""Known consent platforms through DuckDuckGo autoconsent, used as an unmodified dependency.

The `duckduckgo-autoconsent-py` wheel (MPL-2.0) ships autoconsent's Playwright content script and its
declarative rules unchanged. The script is injected into every frame of the page at click time, never
earlier, so the scenario's first load is the page's own. Its messages reach Python through a page binding
(`autoconsentSendMessage`) and our answers go back through `autoconsentReceiveMessage`, as in autoconsent's
Playwright harness. It runs with no automatic action, no pre-hiding and no cosmetic rules: it only says
which platform it sees and whether its popup is open, and opts out or in when `choose` asks. The buttons
its rule pressed are read from a capturing click listener (`js/consent.js`, mode "listen").
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["AutoconsentSession", "Choice", "autoconsent_version"]

CONFIG = {  # autoconsent's own config keys (lib/types.ts); unknown keys are ignored by it
    "enabled": True, "autoAction": None, "disabledCmps": [], "enablePrehide": False,
    "enableCosmeticRules": False, "enableGeneratedRules": True, "enableHeuristicDetection": False,
    "isMainWorld": True, "visualTest": False,
    "logs": {"lifecycle": False, "rulesteps": False, "detectionsteps": False, "evals": False,
             "errors": False, "messages": False, "waits": False},
}
SEEN_NOTHING = {"nothingDetected"}
POPUP_GRACE_S = 2.0  # a platform detected but no open popup for this long: let the generic engine act
# autoconsent's first look over its rules is synchronous DOM queries (measured: a few ms); the next look
# comes 500 ms later. Nothing reported this long after the first look began means nothing was found.
FIRST_LOOK_S = 0.2
SILENT_S = 1.5  # a frame that never reported after injection (the script could not run there)


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str] | None:
    """(content script as a function body, rules JSON) or None when the package is missing."""
    try:
        from duckduckgo_autoconsent import bundle, rules_json
    except ImportError:
        return None
    return "() => {\n" + bundle() + "\n}", json.dumps({"autoconsent": json.loads(rules_json())})


def autoconsent_version() -> str | None:
    """The bundled @duckduckgo/autoconsent version (provenance), None when it is not installed."""
    try:
        from duckduckgo_autoconsent import __version__
    except ImportError:
        return None
    return __version__


@dataclass
class Choice:
    """What autoconsent's opt-out or opt-in did: its verdict, the clicks it made, when the choice counted."""

    cmp: str
    ok: bool
    clicks: list[dict] = field(default_factory=list)
    time_ms: float | None = None
    note: str | None = None


class AutoconsentSession:
    """Autoconsent on one page: injected into each frame once, answering its messages, tracking its view."""

    def __init__(self, page, *, consent_js: str, words: dict, retries: int) -> None:
        self.page, self._consent_js, self._words = page, consent_js, words
        self._config = {**CONFIG, "detectRetries": retries}
        self._injected: dict = {}  # frame -> loop time of injection
        self.detected: dict = {}  # frame -> (cmp name, loop time first seen)
        self.popup: tuple | None = None  # (frame, cmp name) of the first open popup reported
        self._passes: dict = {}  # frame -> (findCmpAttempts reported, loop time its first look began)
        self._lifecycle: dict = {}
        self._results: dict = {}  # frame -> optOutResult / optInResult message
        self._tasks: set = set()

    @classmethod
    async def start(cls, page, *, consent_js: str, words: dict, retries: int) -> AutoconsentSession | None:
        """Bind and inject into the page's current frames; None when autoconsent is unavailable."""
        if _assets() is None:
            return None
        session = cls(page, consent_js=consent_js, words=words, retries=retries)
        try:
            await page.expose_binding("autoconsentSendMessage", session._on_message)
        except Exception:  # the page closed, or the name is taken (a second session on one page)
            return None
        await session.inject_new()
        return session

    async def inject_new(self) -> None:
        """Inject the content script into frames that appeared since the last call, all at once (each
        cross-site frame has its own renderer process, and parsing the rules takes each ~0.1 s of CPU)."""
        new = [f for f in self.page.frames
               if f not in self._injected and not f.is_detached() and f.url.startswith(("http", "file"))]
        now = asyncio.get_running_loop().time()
        self._injected.update(dict.fromkeys(new, now))
        await asyncio.gather(*(self._inject(f) for f in new))

    async def _inject(self, frame) -> None:
        with suppress(Exception):  # a frame that navigates or goes away meanwhile
            await frame.evaluate(_assets()[0])

    def settled(self, now: float) -> bool:
        """True when autoconsent has looked everywhere once and has no popup coming that the generic
        engine should wait for: nothing detected, or a platform detected whose popup stayed closed."""
        return all(self._frame_settled(frame, now) for frame in self._injected if not frame.is_detached())

    def _frame_settled(self, frame, now: float) -> bool:
        if frame in self.detected:
            return now - self.detected[frame][1] >= POPUP_GRACE_S
        if self._lifecycle.get(frame) in SEEN_NOTHING:
            return True
        attempts, first_look = self._passes.get(frame, (0, None))
        if first_look is None:  # never started: autoconsent could not run in this frame
            return now - self._injected[frame] >= SILENT_S
        return attempts >= 2 or now - first_look >= FIRST_LOOK_S

    def detected_cmp(self) -> str | None:
        """The name of a platform autoconsent detected (main frame first), even without an open popup."""
        main = self.page.main_frame
        names = [name for frame, (name, _) in self.detected.items() if frame is main]
        return (names or [name for name, _ in self.detected.values()] or [None])[0]

    def _on_message(self, source, message) -> None:
        frame = source.get("frame") if isinstance(source, dict) else getattr(source, "frame", None)
        if frame is None or not isinstance(message, dict):
            return
        kind = message.get("type")
        now = asyncio.get_running_loop().time()
        if kind == "init":
            self._spawn(self._send(frame, {"type": "initResp", "config": self._config}, rules=True))
        elif kind == "eval":  # only when not in the main world; answered the same way for safety
            self._spawn(self._eval(frame, message))
        elif kind == "cmpDetected":
            self.detected.setdefault(frame, (str(message.get("cmp")), now))
        elif kind == "popupFound" and self.popup is None:
            self.popup = (frame, str(message.get("cmp")))
        elif kind in ("optOutResult", "optInResult"):
            self._results[frame] = message
        elif kind == "report":
            state = message.get("state") or {}
            if attempts := int(state.get("findCmpAttempts") or 0):
                self._passes[frame] = (attempts, self._passes.get(frame, (0, now))[1] or now)
            self._lifecycle[frame] = state.get("lifecycle")

    def _spawn(self, coro) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, frame, message: dict, *, rules: bool = False) -> None:
        script = ("([m, r]) => window.autoconsentReceiveMessage"
                  "(r === null ? m : Object.assign(m, {rules: JSON.parse(r)}))")
        with suppress(Exception):
            await frame.evaluate(script, [message, _assets()[1] if rules else None])

    async def _eval(self, frame, message: dict) -> None:
        code = "code => { try { return !!(0, eval)(code); } catch (e) { return false; } }"
        try:
            result = await frame.evaluate(code, message.get("code") or "false")
        except Exception:
            result = False
        await self._send(frame, {"type": "evalResp", "id": message.get("id"), "result": result})

    async def choose(self, action: str, now_ms: Callable[[], float], timeout: float) -> Choice:
        """Opt out ("reject") or in ("accept") through the platform's rule in the frame with the popup."""
        frame, cmp = self.popup
        for f in list(self._injected):
            with suppress(Exception):
                await f.evaluate(self._consent_js, {"mode": "listen", "words": self._words})
        page_clock = await self.page.main_frame.evaluate("Date.now()")
        start_ms = float(now_ms())
        await self._send(frame, {"type": "optOut" if action == "reject" else "optIn"})
        deadline = asyncio.get_running_loop().time() + timeout
        while frame not in self._results and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        done_ms = float(now_ms())
        clicks: list[dict] = []
        for f in list(self._injected):
            with suppress(Exception):
                clicks += await f.evaluate(self._consent_js, {"mode": "clicks", "words": self._words})
        clicks.sort(key=lambda c: c["at"])
        result = self._results.get(frame)
        # The choice counts from the last click the rule made; a rule that only called the platform's
        # API counts from when it answered.
        at = start_ms + (clicks[-1]["at"] - page_clock) if clicks else done_ms
        note = None if result else f"autoconsent's {cmp} rule gave no answer within {timeout:g} s"
        return Choice(cmp=cmp, ok=bool(result and result.get("result")), clicks=clicks,
                      time_ms=max(start_ms, at), note=note)
