"""The pytest plugin's light parts: loading costs nothing, folder names, the step drivers. No browser."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from pixelaudit.capture import Pause, drive
from pixelaudit.pytest_plugin import MAX_DIR_NAME, audit_dir_name
from pixelaudit.sync_capture import drive_sync

pytest_plugins = ["pytester"]


def test_loading_the_plugin_imports_no_browser_or_pipeline():
    # Every pytest run where pixelaudit is installed loads the plugin: it must stay that light.
    code = ("import sys, pixelaudit.pytest_plugin; "
            "print(sorted(m for m in sys.modules if m.startswith(('playwright', 'pixelaudit.', 'tldextract'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['pixelaudit.pytest_plugin']"


def test_a_suite_without_the_fixture_runs_as_before(pytester):
    pytester.makepyfile(test_plain="def test_plain():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--privacy-audit-dir", "audits")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["plugins:*pixelaudit*"])
    assert not (pytester.path / "audits").exists()


def test_folder_names_are_the_node_id_made_safe_and_stay_apart_when_long():
    assert audit_dir_name("tests/test_shop.py::test_checkout[chromium]") == "tests_test_shop.py_test_checkout_chromium"
    long_a, long_b = ("tests/test_x.py::test_y[" + "a" * 200 + s + "]" for s in "12")
    assert len(audit_dir_name(long_a)) == MAX_DIR_NAME
    assert audit_dir_name(long_a) != audit_dir_name(long_b)
    assert audit_dir_name("::[]") == "test"


def _sync_call(value: str) -> str:
    """A stand-in for a Playwright call: under the sync API it has run (or raised) before it is yielded."""
    if value == "fails":
        raise ValueError("browser went away")
    return value


async def _call(value: str) -> str:
    """The same call on the async API: a coroutine the driver awaits."""
    return _sync_call(value)


def _steps(log: list, call):
    """Steps as capture.py writes them: a call, a pause, a failing call the steps survive."""
    log.append((yield call("call-1")))
    yield Pause(0.01)
    try:
        yield call("fails")
    except ValueError as exc:
        log.append(f"caught {exc}")
    return "done"


def test_drive_sync_sends_results_back_and_pauses_through_the_browser():
    log, pauses = [], []
    assert drive_sync(_steps(log, _sync_call), pauses.append) == "done"
    assert log == ["call-1", "caught browser went away"] and pauses == [0.01]


def test_drive_awaits_calls_and_throws_their_errors_into_the_steps():
    log: list = []
    with ThreadPoolExecutor(1) as pool:  # pytest-playwright may own this thread's event loop
        assert pool.submit(asyncio.run, drive(_steps(log, _call))).result() == "done"
    assert log == ["call-1", "caught browser went away"]
