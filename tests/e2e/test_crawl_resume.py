"""Kill-and-``--resume`` on the crawl fixture shop: the CLI crawl is SIGKILLed (with its browsers) twice, once in
phase 1 (no-interaction discovering) and once in phase 2 (reject replaying), then resumed to the end; the
result must be the uninterrupted crawl's.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pixelaudit.crawl.run import PAGES_FILE, STATE_FILE

W = "https://www.crawl-shop.com"
PAGES = 12  # phase 1 writes lines 1-12, phase 2 (reject) 13-24
# Products, categories and legal pages left out, so the 12 include GA (/about/stores), LinkedIn (the sitemap-only
# campaign page) and Bing (/account).
EXCLUDE = ["--exclude", "/product/*", "--exclude", "/category/*", "--exclude", "/legal/*"]


def crawl_args(sites, out: Path) -> list[str]:
    return ["crawl", f"{W}/", "--out", str(out), "--max-pages", str(PAGES), "--depth", "3", *EXCLUDE,
            "--scenarios", "no-interaction,reject", "--timeout", "5", "--wait", "0.5",
            "--resolve", sites.resolve, "--trust-cert", str(sites.leaf_pem), "--fail-on", "none", "--quiet"]


def lines_of(out: Path) -> list[dict]:
    path = out / PAGES_FILE
    return [json.loads(line) for line in path.read_text().splitlines()] if path.is_file() else []


def run_and_kill(argv: list[str], out: Path, after_lines: int, cwd: Path) -> None:
    """Start the CLI in its own process group and SIGKILL the group (Chromium too) once pages.jsonl has
    ``after_lines`` complete lines."""
    proc = subprocess.Popen([sys.executable, "-m", "pixelaudit", *argv], cwd=cwd, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            path = out / PAGES_FILE
            if path.is_file() and path.read_text().count("\n") >= after_lines:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the crawl ended before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def findings_key(data: dict) -> set[tuple]:
    return {(f["type"], f["host"], f["scenario"]) for f in data["findings"]}


def test_killed_crawl_resumes_to_the_uninterrupted_result(cli, sites, tmp_path):
    whole = tmp_path / "whole"
    code, _, stderr, expected = cli(*crawl_args(sites, whole))
    assert code == 0, stderr
    expected_lines = lines_of(whole)
    assert len(expected_lines) == 2 * PAGES

    out = tmp_path / "resumed"
    run_and_kill(crawl_args(sites, out), out, 5, tmp_path)  # in phase 1
    assert (out / STATE_FILE).is_file() and len(lines_of(out)) < 2 * PAGES
    code, _, stderr, _ = cli(*crawl_args(sites, out), "--resume", "--max-pages", "1")  # other options: refused
    assert code == 2 and "another target, scenarios or crawl options" in stderr
    run_and_kill([*crawl_args(sites, out), "--resume"], out, PAGES + 4, tmp_path)  # in phase 2
    assert len(lines_of(out)) < 2 * PAGES
    code, _, stderr, data = cli(*crawl_args(sites, out), "--resume")
    assert code == 0, stderr

    lines = lines_of(out)
    visited = [(line["scenario"], line["url"]) for line in lines]
    assert len(visited) == len(set(visited))  # no page visited twice
    assert set(visited) == {(line["scenario"], line["url"]) for line in expected_lines}
    assert [u for s, u in visited if s == "no-interaction"] == [
        line["url"] for line in expected_lines if line["scenario"] == "no-interaction"]  # same frontier order
    assert findings_key(data) == findings_key(expected)
    assert {h for _, h, _ in findings_key(data)} >= {"px.ads.linkedin.com", "www.google-analytics.com"}
    assert {p["url"] for p in data["pages"]} == {line["url"] for line in expected_lines}
    assert data["options"]["crawl"]["resumed"] is True and data["consent"]["reject_clicked"] is True
    assert data["started_at"] <= data["finished_at"]


def test_resume_without_state_is_a_one_line_error(cli, sites, tmp_path):
    code, _, stderr, _ = cli(*crawl_args(sites, tmp_path / "empty"), "--resume")
    assert code == 2 and "nothing to resume" in stderr and "Traceback" not in stderr
