"""Finding Chromium without starting anything."""

from __future__ import annotations

import json
import os

import playwright
import pytest

from pixelaudit.browser import BrowserNotFound, candidates, find_chromium, playwright_managed, visitor_user_agent


def _revision() -> str:
    manifest = os.path.join(os.path.dirname(playwright.__file__), "driver", "package", "browsers.json")
    with open(manifest) as f:
        return next(b["revision"] for b in json.load(f)["browsers"] if b["name"] == "chromium")


def test_playwright_managed_chromium_is_found_from_its_manifest(tmp_path):
    binary = tmp_path / f"chromium-{_revision()}" / "chrome-linux64" / "chrome"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    assert playwright_managed(str(tmp_path)) == str(binary)
    assert playwright_managed(str(tmp_path / "empty")) is None


def test_playwright_managed_lookup_works_inside_an_event_loop(tmp_path, monkeypatch):
    # scans call it from their event loop: it must not need Playwright's sync API
    import asyncio

    binary = tmp_path / f"chromium-{_revision()}" / "chrome-linux64" / "chrome"
    binary.parent.mkdir(parents=True)
    binary.write_text("")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))

    async def inside() -> str | None:
        return playwright_managed()

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, inside()).result() == str(binary)


def test_explicit_path_comes_first_and_only(monkeypatch):
    monkeypatch.delenv("PIXELAUDIT_CHROMIUM", raising=False)
    assert candidates("/opt/my/chrome") == [("/opt/my/chrome", "--chromium / PIXELAUDIT_CHROMIUM")]
    monkeypatch.setenv("PIXELAUDIT_CHROMIUM", "/opt/env/chrome")
    assert candidates(None)[0][0] == "/opt/env/chrome"


def test_missing_explicit_browser_says_how_to_fix(tmp_path):
    with pytest.raises(BrowserNotFound, match=r"fix: .*(apt-get install|playwright install)"):
        find_chromium(str(tmp_path / "no-chrome"))


def test_visitor_user_agent_is_not_headless():
    ua = visitor_user_agent("156.0.8078.79")
    assert "HeadlessChrome" not in ua and "Chrome/156.0.0.0" in ua


def _playwright_disabled_features() -> list[str]:
    """The feature names in the installed Playwright driver's `disabledFeatures = [...]` list."""
    import re
    from pathlib import Path

    lib = Path(playwright.__file__).parent / "driver" / "package" / "lib"
    for source in (lib / "coreBundle.js", lib / "server" / "chromium" / "chromiumSwitches.js"):
        if source.is_file():
            found = re.search(r"disabledFeatures = \[(.*?)\]", source.read_text(encoding="utf-8"), re.S)
            if found:
                code = "\n".join(line.split("//", 1)[0] for line in found.group(1).splitlines())
                return re.findall(r'"([^"]+)"', code)
    raise AssertionError(f"Playwright's disabledFeatures list not found under {lib}")


def test_our_disable_features_switch_keeps_playwrights_list():
    # Chromium reads only the last --disable-features: ours replaces Playwright's, so it must include it.
    from pixelaudit.browser import FEATURE_ARGS, PLAYWRIGHT_DISABLED_FEATURES, UNSHOWN_UI_FEATURES

    theirs = _playwright_disabled_features()
    assert theirs and set(theirs) <= set(PLAYWRIGHT_DISABLED_FEATURES)
    (switch,) = FEATURE_ARGS
    assert switch.split("=", 1)[1].split(",") == [*PLAYWRIGHT_DISABLED_FEATURES, *UNSHOWN_UI_FEATURES]
