"""Listen to one scenario's browser context and emit observation records. Never classifies.

The browser calls are written once, as step generators: each yields a Playwright call (or a Pause) and gets
its result back. `drive` runs them on the async API; pixelaudit.sync_capture runs the same steps on the
sync API (pytest-playwright's `page`), where a call already returns its result.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Generator
from dataclasses import dataclass
from importlib.resources import files

from pixelaudit.model import Cookie, ImageElement, Request, StorageWrite, WebSocket

HOOKS_JS = files("pixelaudit").joinpath("js/hooks.js").read_text(encoding="utf-8")
DOM_JS = files("pixelaudit").joinpath("js/dom.js").read_text(encoding="utf-8")
MAX_IMAGE_BODY = 2 * 1024 * 1024  # pixels are tiny; bigger bodies are not read
ANSWERED_SETTLE_S = 1.0
MAX_POST_DATA = 64 * 1024  # enough for any beacon's ids and events
IDLE_POLL_S = 0.05


@dataclass(frozen=True, slots=True)
class Pause:
    """A step asking the driver to let the browser run for `seconds`."""

    seconds: float


Steps = Generator[object, object, object]  # yields Playwright calls or Pauses, receives their results


async def drive(steps: Steps, step_timeout: float | None = None) -> object:
    """Run steps on the async API: await each call (at most `step_timeout` s) and send back its result or
    throw its error into the steps; returns what the steps return."""
    value: object = None
    error: BaseException | None = None
    while True:
        try:
            step = steps.throw(error) if error is not None else steps.send(value)
        except StopIteration as stop:
            return stop.value
        value, error = None, None
        try:
            if isinstance(step, Pause):
                await asyncio.sleep(step.seconds)
            elif step is not None:
                value = await asyncio.wait_for(step, step_timeout)
        except Exception as exc:  # handed to the steps, which decide what a failed call means
            error = exc


@dataclass(slots=True)
class _Entry:
    """Mutable state of a request while it is in flight; frozen into a Request at the end."""

    url: str
    method: str
    resource_type: str
    time_ms: float
    frame: str
    page_url: str
    redirect_chain: tuple[str, ...]
    frame_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    size: int | None = None
    failure: str | None = None
    redirected_to: str | None = None
    sent_cookies: bool = False
    body: bytes | None = None
    post_data: str | None = None


@dataclass(frozen=True, slots=True)
class CaptureResult:
    """Everything one scenario observed."""

    requests: tuple[Request, ...]
    cookies: tuple[Cookie, ...]
    storage: tuple[StorageWrite, ...]
    images: tuple[ImageElement, ...]
    websockets: tuple[WebSocket, ...]


class Capture:
    """Collects what one browser context does, timed from `start()`."""

    def __init__(self, scenario: str, page_url: str) -> None:
        self.scenario = scenario
        self.page_url = page_url
        self.t0 = time.monotonic()
        self.t0_epoch_ms = time.time() * 1000
        self._entries: dict[object, _Entry] = {}
        self._order: list[_Entry] = []
        self._tasks: set[asyncio.Task] = set()
        # request -> when its response arrived (None: still waiting); removed when finished or failed
        self._pending: dict[object, float | None] = {}
        self._last_activity = self.t0
        self._cookie_sets: list[tuple[str, str, str, float]] = []  # name, how, url, time_ms
        self._storage: list[StorageWrite] = []
        self._images: list[ImageElement] = []
        self._websockets: list[WebSocket] = []
        self._keepalive: set[str] = set()
        self._cookies: list[dict] = []
        self.closed = False  # the context went away (crash, kill, or our own close)

    def now_ms(self) -> float:
        """Milliseconds since `start()`."""
        return round((time.monotonic() - self.t0) * 1000, 1)

    def start(self) -> None:
        """Mark the scenario's first navigation."""
        self.t0 = self._last_activity = time.monotonic()
        self.t0_epoch_ms = time.time() * 1000

    async def attach(self, context) -> None:
        """Subscribe to the context's events and install the page hooks."""
        await drive(self._attach_steps(context))

    def _attach_steps(self, context) -> Steps:
        yield context.expose_binding("__pixelauditRecord", self._on_binding)
        yield context.add_init_script(HOOKS_JS)
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("requestfinished", self._on_finished)
        context.on("requestfailed", self._on_failed)
        context.on("page", self._on_page)
        context.on("close", lambda _c: setattr(self, "closed", True))
        for page in context.pages:
            self._on_page(page)

    # --- events -------------------------------------------------------------------------------
    def _on_page(self, page) -> None:
        page.on("websocket", lambda ws: self._websockets.append(WebSocket(ws.url, self.scenario, self.now_ms())))
        page.on("framenavigated", lambda frame: self._on_navigated(page, frame))

    def _on_navigated(self, page, frame) -> None:
        if frame == page.main_frame:
            self.page_url = frame.url

    def _on_request(self, req) -> None:
        self._pending[req] = None
        self._last_activity = time.monotonic()
        chain, prev = [], req.redirected_from
        while prev is not None:
            chain.append(prev.url)
            prev = prev.redirected_from
        try:
            frame = req.frame
            kind = "main" if frame.parent_frame is None else "subframe"
        except Exception:  # service worker or detached frame
            frame, kind = None, "none"
        entry = _Entry(req.url, req.method, req.resource_type, self.now_ms(), kind, self.page_url,
                       tuple(reversed(chain)))
        entry.frame_url = (frame.url or None) if frame is not None else None
        if req.method != "GET":
            try:
                entry.post_data = (req.post_data or "")[:MAX_POST_DATA] or None
            except Exception:  # a binary body that is not text
                entry.post_data = None
        self._entries[req] = entry
        self._order.append(entry)
        if req.redirected_from is not None and req.redirected_from in self._entries:
            self._entries[req.redirected_from].redirected_to = req.url

    def _on_response(self, resp) -> None:
        entry = self._entries.get(resp.request)
        if entry is None:
            return
        if resp.request in self._pending:
            self._pending[resp.request] = time.monotonic()
        entry.status = resp.status
        entry.content_type = resp.headers.get("content-type")
        self._spawn(self._response_steps(resp, entry))

    def _on_finished(self, req) -> None:
        self._done(req)
        entry = self._entries.get(req)
        if entry is not None:
            self._spawn(self._finished_steps(req, entry))

    def _on_failed(self, req) -> None:
        self._done(req)
        entry = self._entries.get(req)
        if entry is not None:
            entry.failure = req.failure or "failed"

    def _done(self, req) -> None:
        self._pending.pop(req, None)
        self._last_activity = time.monotonic()

    def _on_binding(self, source, kind: str, data: dict) -> None:
        t = self.now_ms()
        if kind == "cookie":
            name = str(data.get("value", "")).split("=", 1)[0].strip()
            self._cookie_sets.append((name, "script", str(data.get("url", "")), t))
        elif kind == "storage" and data.get("storage"):
            self._storage.append(StorageWrite(data["storage"], str(data.get("origin", "")), str(data["key"]),
                                              str(data["value"]), self.scenario, t, str(data["op"]), self.page_url))
        elif kind == "keepalive":
            self._keepalive.add(str(data.get("url", "")))

    # --- detail readers (run after the event, as tasks) ----------------------------------------
    def _spawn(self, steps: Steps) -> None:
        task = asyncio.ensure_future(drive(steps))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _response_steps(self, resp, entry: _Entry) -> Steps:
        try:
            for header in (yield resp.headers_array()):
                if header["name"].lower() == "set-cookie":
                    for name in _cookie_names(header["value"]):
                        self._cookie_sets.append((name, "header", resp.url, entry.time_ms))
        except Exception:  # the page or browser went away: keep what we have
            return

    def _finished_steps(self, req, entry: _Entry) -> Steps:
        try:
            headers = yield req.all_headers()
            entry.sent_cookies = "cookie" in headers
            sizes = yield req.sizes()
            entry.size = sizes.get("responseBodySize")
            resp = yield req.response()
            is_image = entry.resource_type == "image" or (entry.content_type or "").startswith("image/")
            if resp is not None and is_image and (entry.size or 0) <= MAX_IMAGE_BODY and not entry.redirected_to:
                entry.body = yield resp.body()
                entry.size = len(entry.body)
        except Exception:
            return

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait for the detail readers still running (bounded: a dead browser never answers)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    def _busy(self, now: float) -> bool:
        # A request is in flight until it finishes or fails. Playwright never reports the end of some
        # (keepalive fetches belong to the browser process), so one answered a second ago counts as done.
        return any(answered is None or now - answered < ANSWERED_SETTLE_S for answered in self._pending.values())

    def idle(self, quiet: float) -> bool:
        """True when no request has been in flight for `quiet` seconds."""
        now = time.monotonic()
        return not self._busy(now) and now - self._last_activity >= quiet

    async def wait_idle(self, cap: float, quiet: float = 0.5) -> bool:
        """Wait until no request has been in flight for `quiet` seconds, or `cap` seconds passed."""
        return bool(await drive(self._idle_steps(cap, quiet)))

    def _idle_steps(self, cap: float, quiet: float) -> Steps:
        deadline = time.monotonic() + cap
        while time.monotonic() < deadline and not self.closed:
            if self.idle(quiet):
                return True
            yield Pause(IDLE_POLL_S)
        return False

    # --- snapshots ------------------------------------------------------------------------------
    async def snapshot_cookies(self, context) -> None:
        """Record the cookie jar (at the end of the scenario)."""
        self._cookies = await context.cookies()

    @property
    def jar(self) -> list[dict]:
        """The cookie jar as last snapshotted, in Playwright's shape (``add_cookies`` takes it back)."""
        return list(self._cookies)

    async def snapshot_page(self, page, per_frame_timeout: float = 3.0) -> None:
        """Record the images each frame of the current page draws, and its Web Storage (before leaving it)."""
        await drive(self._page_steps(page), step_timeout=per_frame_timeout)

    def _page_steps(self, page) -> Steps:
        for frame in list(page.frames):
            try:
                dom = yield frame.evaluate(DOM_JS)
            except Exception:  # noqa: S112 - a detached, crashed or hung frame has nothing to show
                continue
            for img in dom["images"]:
                self._images.append(ImageElement(img["url"], dom["url"], img["kind"], img["width"],
                                                 img["height"], bool(img["visible"]), bool(img["offscreen"])))
            written = {(w.storage, w.origin, w.key) for w in self._storage}
            for storage, pairs in (("local", dom["local"]), ("session", dom["session"])):
                for key, value in pairs:
                    if (storage, dom["origin"], key) in written:
                        continue  # the hook already recorded when it was written
                    self._storage.append(StorageWrite(storage, dom["origin"], key, value, self.scenario,
                                                      None, "present", self.page_url))

    def result(self, extra_requests: tuple[Request, ...] = ()) -> CaptureResult:
        """Freeze what was observed."""
        requests = tuple(self._freeze(e) for e in self._order)
        return CaptureResult(requests + extra_requests, tuple(self._cookie_records()), tuple(self._storage),
                             tuple(self._images), tuple(self._websockets))

    def take(self) -> CaptureResult:
        """Freeze the requests, storage writes, images and WebSockets observed since the last take, then forget
        them (a crawl's context visits hundreds of pages: it keeps only what is in flight). Cookies are the whole
        jar; storage holds this slice's writes and the entries the page's final read found (the caller keeps
        what it has seen before)."""
        taken = CaptureResult(tuple(self._freeze(e) for e in self._order), tuple(self._cookie_records()),
                              tuple(self._storage), tuple(self._images), tuple(self._websockets))
        self._order, self._storage, self._images, self._websockets = [], [], [], []
        # In-flight requests stay known, so a redirect still links to its source; finished ones are dropped
        # with their Playwright objects and image bodies.
        self._entries = {req: entry for req, entry in self._entries.items() if req in self._pending}
        return taken

    def _freeze(self, e: _Entry) -> Request:
        return Request(
            url=e.url, method=e.method, resource_type=e.resource_type, scenario=self.scenario,
            page_url=e.page_url, time_ms=e.time_ms, frame=e.frame, frame_url=e.frame_url, status=e.status,
            content_type=e.content_type, size=e.size, failure=e.failure, redirect_chain=e.redirect_chain,
            redirected_to=e.redirected_to, sent_cookies=e.sent_cookies, keepalive=e.url in self._keepalive,
            body=e.body, post_data=e.post_data)

    def _cookie_records(self):
        first_set: dict[str, tuple[str, str, float]] = {}
        for name, how, url, t in self._cookie_sets:
            first_set.setdefault(name, (how, url, t))
        for c in self._cookies:
            how, url, t = first_set.get(c["name"], (None, None, None))
            expires = c.get("expires")
            yield Cookie(c["name"], c["value"], c["domain"], c["path"],
                         None if expires is None or expires < 0 else expires, bool(c.get("secure")),
                         bool(c.get("httpOnly")), c.get("sameSite"), self.scenario, how, url, t)


def _cookie_names(set_cookie: str) -> list[str]:
    """Cookie names in a Set-Cookie header value (Playwright joins repeated headers with newlines)."""
    return [line.split("=", 1)[0].strip() for line in set_cookie.split("\n")
            if "=" in line and line.split("=", 1)[0].strip()]
