"""Shared fixtures: the loopback fixture server (every hostname mapped to it) and a scan runner."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from pixelaudit.browser import QUIET_ARGS, find_chromium
from pixelaudit.config import ScanConfig, parse_resolve
from pixelaudit.demo.server import SiteServer
from pixelaudit.result import to_dict
from pixelaudit.rules import load_rules
from pixelaudit.scan import scan_site

SITES = Path(__file__).parent / "sites"


@pytest.fixture(scope="session")
def sites():
    """Fixture sites under tests/sites, HTTP and HTTPS on one loopback port."""
    with SiteServer(SITES) as server:
        yield server


@pytest.fixture(scope="session")
def chromium():
    return find_chromium()


@pytest.fixture(scope="session")
def ruleset():
    return load_rules()


@pytest.fixture(scope="session")
def scan(sites, chromium, ruleset, tmp_path_factory):
    """Scan a fixture URL in-process with every hostname mapped to the fixture server; returns findings.json."""

    def run(url: str, **options) -> dict:
        config = ScanConfig(target=url, out_dir=tmp_path_factory.mktemp("scan"),
                            resolve=(parse_resolve(sites.resolve),), trust_certs=(sites.leaf_pem,),
                            wait=3.0, timeout=15.0)
        config = replace(config, **options)
        # A worker thread keeps this event loop apart from pytest-playwright's.
        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(asyncio.run, scan_site(config, ruleset, chromium=chromium)).result()
        return to_dict(result)

    return run


@pytest.fixture
def cli(sites, tmp_path):
    """Run the installed `pixelaudit` command as a user would; returns (exit code, stdout, stderr, findings)."""

    def run(*args: str, resolve: bool = True, trust: bool = True, timeout: float = 120, cwd: Path | None = None):
        given_out = "--out" in args
        out = Path(args[args.index("--out") + 1]) if given_out else tmp_path / "out"
        argv = [sys.executable, "-m", "pixelaudit", *args]
        if args and args[0] == "scan":
            argv += [] if given_out else ["--out", str(out)]
            if "--scenarios" not in args:  # one browser unless a test is about consent (the demo covers the default)
                argv += ["--scenarios", "no-interaction"]
            if resolve:
                argv += ["--resolve", sites.resolve]
            if trust:
                argv += ["--trust-cert", str(sites.leaf_pem)]
        # Run outside the checkout so the installed package (under nox: the built wheel) is what runs.
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=cwd or tmp_path)
        findings = out / "findings.json"
        data = json.loads(findings.read_text()) if findings.is_file() else None
        return proc.returncode, proc.stdout, proc.stderr, data

    return run


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium):
    """pytest-playwright on the system Chromium."""
    return {**browser_type_launch_args, "executable_path": chromium.path,
            "args": [*browser_type_launch_args.get("args", []), *QUIET_ARGS]}


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the tracker corpus's precision and recall (set by tests/unit/test_corpus.py)."""
    if text := getattr(config, "pixelaudit_corpus", None):
        terminalreporter.write_line(text)
