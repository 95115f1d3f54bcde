"""`pixelaudit doctor`: what pixelaudit runs on, and what to fix."""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version


def _pkg(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def run_doctor(chromium: str | None, echo: Callable[[str], None]) -> int:
    """Print the environment report; return 0 when a scan can run, 3 otherwise."""
    from pixelaudit import __version__
    from pixelaudit.browser import BrowserNotFound, candidates, chromium_version, find_chromium, install_hint
    from pixelaudit.rules import RuleError, bundled_rules_dir, load_rules

    problems = []
    echo(f"pixelaudit {__version__}")
    echo(f"Python     {platform.python_version()} ({sys.executable})")
    echo(f"Playwright {_pkg('playwright')}")
    for path, how in candidates(chromium):
        echo(f"  candidate {path} ({how}): {chromium_version(path) or 'not runnable'}")
    try:
        info = find_chromium(chromium)
        echo(f"Chromium   {info.version} at {info.path} ({info.found_by})")
    except BrowserNotFound:
        echo("Chromium   not found")
        problems.append(f"no usable Chromium. Fix: {install_hint()}")
    try:
        rules = load_rules([bundled_rules_dir() / "trackers"])
        echo(f"Rules      {len(rules)} tracker rules, version {rules.version} ({bundled_rules_dir()})")
    except RuleError as exc:
        problems.append(f"bundled rules do not load: {exc}")
    for problem in problems:
        echo(f"PROBLEM: {problem}")
    if not problems:
        echo("OK: ready to scan.")
    return 0 if not problems else 3
