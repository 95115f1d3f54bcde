"""Bad input: one clear line, a defined exit code, and nothing collected is lost."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def one_error(result: dict) -> dict:
    assert result["complete"] is False
    assert len(result["errors"]) == 1, result["errors"]
    error = result["errors"][0]
    assert "\n" not in error["message"] and error["fatal"] is True
    return error


def test_redirect_loop(scan):
    error = one_error(scan("https://loop.pixel-lab.com/"))
    assert error["kind"] == "redirect-loop" and "redirect" in error["message"]


def test_http_error_status_keeps_the_page(scan):
    result = scan("https://status.pixel-lab.com/")
    error = one_error(result)
    assert error["kind"] == "http-status" and "503" in error["message"]
    assert result["pages"][0]["status"] == 503


def test_tls_error_without_trust(scan):
    error = one_error(scan("https://www.pixel-lab.com/", trust_certs=()))
    assert error["kind"] == "tls" and "--trust-cert" in error["message"]


def test_ignore_https_errors_accepts_the_certificate(scan):
    result = scan("https://www.pixel-lab.com/", trust_certs=(), ignore_https_errors=True)
    assert result["complete"] is True and result["pages"][0]["status"] == 200


def test_connection_refused(scan):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = one_error(scan(f"http://127.0.0.1:{port}/"))
    assert error["kind"] == "connection" and "refused" in error["message"]


def test_dns_failure(scan):
    error = one_error(scan("https://no-such-host.invalid/", resolve=()))
    assert error["kind"] == "dns" and "no-such-host.invalid" in error["message"]


def test_page_that_never_finishes_loading_keeps_what_it_sent(scan):
    result = scan("https://slow.pixel-lab.com/", timeout=3.0, wait=1.0)
    error = one_error(result)
    assert error["kind"] == "timeout" and "did not finish loading within 3 s" in error["message"]
    urls = {r["url"] for r in result["requests"]}
    assert "https://www.facebook.com/tr?id=999&ev=PageView&noscript=1" in urls
    assert any(f["type"] == "tracker-before-consent" and f["host"] == "www.facebook.com"
               for f in result["findings"])


def test_invalid_url_is_a_usage_error_with_a_report(cli):
    code, _out, err, data = cli("scan", "https://exa mple.com/")
    assert code == 2
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("pixelaudit: error:") for line in lines)
    assert "invalid URL" in err
    assert data["errors"][0]["kind"] == "invalid-url" and data["complete"] is False


def _browser_pids(ancestor: int) -> list[int]:
    """Chromium browser processes (not its helpers) started by `ancestor`: only this test's scan."""
    parent, cmdline = {}, {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline[int(proc.name)] = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        parent[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])

    def descends(pid: int) -> bool:
        while pid > 1:
            pid = parent.get(pid, 0)
            if pid == ancestor:
                return True
        return False

    return [pid for pid, args in cmdline.items()
            if descends(pid) and any("pixelaudit-profile-" in a for a in args)
            and not any(a.startswith("--type=") for a in args)]


@pytest.mark.parametrize(("host", "pixel_id", "kill_after"), [
    ("slow.pixel-lab.com", "999", "/tr?id=999"),  # killed while the page is still loading
    ("busy.pixel-lab.com", "777", "/never"),  # killed after load, while waiting for the network to go quiet
])
def test_browser_killed_mid_scan(sites, tmp_path, host, pixel_id, kill_after):
    out = tmp_path / "out"
    sites.log.clear()  # the page's pixel must come from this scan
    proc = subprocess.Popen(
        [sys.executable, "-m", "pixelaudit", "scan", f"https://{host}/", "--resolve", sites.resolve,
         "--trust-cert", str(sites.leaf_pem), "--out", str(out), "--timeout", "30", "--wait", "30",
         "--scenarios", "no-interaction"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 30
        # wait until the page has sent its pixel, then kill the browser process
        while time.monotonic() < deadline and not sites.hits(None, kill_after):
            time.sleep(0.1)
        assert sites.hits(None, kill_after), "the scan never reached the page"
        pids = _browser_pids(proc.pid)
        assert pids, "no Chromium process found"
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        _stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 3, stderr
    assert "pixelaudit: error: the browser closed or crashed" in stderr
    data = json.loads((out / "findings.json").read_text())
    assert data["errors"][0]["kind"] == "browser-crash"
    assert f"https://www.facebook.com/tr?id={pixel_id}&ev=PageView&noscript=1" in {r["url"] for r in data["requests"]}
    assert (out / "report.html").is_file()


@pytest.mark.parametrize("url", ["https://www.pixel-lab.com/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"])
def test_hostile_strings_in_urls_are_kept_verbatim_in_json(scan, url):
    result = scan(url)
    assert result["target"] == url and result["complete"] is True
