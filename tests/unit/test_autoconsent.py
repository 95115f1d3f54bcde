"""AutoconsentSession's bookkeeping of autoconsent's messages, without a browser: when the generic engine
may act (settled), which platform it names, and the protocol answers it sends back."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from pixelaudit import autoconsent
from pixelaudit.autoconsent import FIRST_LOOK_S, POPUP_GRACE_S, SILENT_S, AutoconsentSession, autoconsent_version


class FakeFrame:
    def __init__(self, url="https://www.example.com/", parent=None):
        self.url, self.parent_frame, self.sent = url, parent, []

    def is_detached(self):
        return False

    async def evaluate(self, script, arg=None):
        self.sent.append((script, arg))


class FakePage:
    def __init__(self, *frames):
        self.frames = list(frames)
        self.main_frame = frames[0]


def session_with(*frames) -> AutoconsentSession:
    """A session whose frames were all injected just now (call inside the event loop)."""
    s = AutoconsentSession(FakePage(*frames), consent_js="", words={}, retries=10)
    s._injected = dict.fromkeys(frames, asyncio.get_running_loop().time())
    return s


def report(s, frame, attempts, lifecycle="started"):
    s._on_message({"frame": frame}, {"type": "report", "state": {"findCmpAttempts": attempts, "lifecycle": lifecycle}})


def run(coro_fn):
    """Run in a worker thread: under the full suite pytest-playwright's loop owns the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro_fn()).result()


def test_the_dependency_is_installed_and_named():
    assert autoconsent_version() and autoconsent_version()[0].isdigit()
    script, rules = autoconsent._assets()
    assert script.startswith("() => {") and "autoconsentReceiveMessage" in script
    assert len(json.loads(rules)["autoconsent"]) > 500  # the maintained declarative rules, unchanged


def test_not_settled_before_the_first_look_then_settled_when_nothing_was_found():
    async def body():
        main = FakeFrame()
        s = session_with(main)
        t = asyncio.get_running_loop().time()
        assert not s.settled(t)  # injected, nothing reported yet
        report(s, main, 1)
        assert not s.settled(t + 0.05)
        assert s.settled(asyncio.get_running_loop().time() + FIRST_LOOK_S)
        return s
    run(body)


def test_second_look_or_nothing_detected_settles_at_once():
    async def body():
        a, b = FakeFrame(), FakeFrame("https://ads.example.net/frame", parent=object())
        s = session_with(a, b)
        now = asyncio.get_running_loop().time()
        report(s, a, 1)
        report(s, a, 2)
        assert not s.settled(now)  # frame b has not looked yet
        report(s, b, 0, "nothingDetected")
        assert s.settled(now)
    run(body)


def test_a_detected_platform_holds_the_generic_engine_back_for_its_grace_only():
    async def body():
        main = FakeFrame()
        s = session_with(main)
        now = asyncio.get_running_loop().time()
        report(s, main, 1)
        s._on_message({"frame": main}, {"type": "cmpDetected", "cmp": "Onetrust", "url": main.url})
        assert not s.settled(now + FIRST_LOOK_S + 0.1)
        assert s.settled(now + POPUP_GRACE_S + 0.01)
        assert s.detected_cmp() == "Onetrust" and s.popup is None
    run(body)


def test_a_frame_that_never_reports_counts_as_settled_after_a_while():
    async def body():
        main = FakeFrame()
        s = session_with(main)
        assert not s.settled(s._injected[main] + 0.5)
        assert s.settled(s._injected[main] + SILENT_S)
    run(body)


def test_popup_found_records_the_first_frame_and_platform_only():
    async def body():
        main, cmp_frame = FakeFrame(), FakeFrame("https://cmp.example.org/", parent=object())
        s = session_with(main, cmp_frame)
        s._on_message({"frame": cmp_frame}, {"type": "popupFound", "cmp": "Sourcepoint-frame"})
        s._on_message({"frame": main}, {"type": "popupFound", "cmp": "Sourcepoint-top"})
        assert s.popup == (cmp_frame, "Sourcepoint-frame")
        s._on_message({"frame": main}, {"type": "cmpDetected", "cmp": "Sourcepoint-top"})
        s._on_message({"frame": cmp_frame}, {"type": "cmpDetected", "cmp": "Sourcepoint-frame"})
        assert s.detected_cmp() == "Sourcepoint-top"  # the main frame's name first
    run(body)


@pytest.mark.parametrize("message", [None, "text", {"type": "unknown"}, {"no": "type"}])
def test_junk_messages_are_ignored(message):
    async def body():
        main = FakeFrame()
        s = session_with(main)
        s._on_message({"frame": main}, message)
        s._on_message({}, {"type": "popupFound", "cmp": "x"})  # no frame: dropped
        assert s.popup is None and s.detected == {} and main.sent == []
    run(body)


def test_init_is_answered_with_our_config_and_the_rules():
    async def body():
        main = FakeFrame()
        s = session_with(main)
        s._on_message({"frame": main}, {"type": "init", "url": main.url})
        await asyncio.gather(*list(s._tasks))
        (script, (message, rules)), = main.sent
        assert "autoconsentReceiveMessage" in script and message["type"] == "initResp"
        config = message["config"]
        # watch and name only: no automatic click, nothing hidden, rules run in the page's main world
        assert config["autoAction"] is None and config["enablePrehide"] is False
        assert config["enableCosmeticRules"] is False and config["isMainWorld"] is True
        assert config["detectRetries"] == 10
        assert json.loads(rules)["autoconsent"]
    run(body)
