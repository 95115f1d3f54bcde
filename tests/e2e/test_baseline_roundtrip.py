"""The baseline round trip, as a CI job would run it: create → the same scan passes → a tracker is added and
the scan fails naming only it → a tracker is removed and it is listed as disappeared, passing again."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pixelaudit.demo.server import SiteServer

SITES = Path(__file__).parents[1] / "sites"
SHOP = "www.baseline-shop.com"
HOSTS = (SHOP, "www.facebook.com", "www.google-analytics.com", "px.ads.linkedin.com")
LINKEDIN = ('<img width="1" height="1" style="display:none" alt="" '
            'src="https://px.ads.linkedin.com/collect/?pid=98765&fmt=gif&time=1772446501">')


@pytest.fixture
def shop(tmp_path):
    """A private copy of the shop (and the vendor hosts it uses) that the test can edit, served on loopback."""
    root = tmp_path / "sites"
    for host in HOSTS:
        shutil.copytree(SITES / host, root / host)
    with SiteServer(root) as server:
        yield server, root / SHOP / "index.html"


def _pixelaudit(server: SiteServer, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "pixelaudit", *args]
    if args[0] == "scan":
        argv += ["--resolve", server.resolve, "--trust-cert", str(server.leaf_pem), "--scenarios", "no-interaction",
                 "--wait", "2", "--format", "json"]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=cwd)


def _scan(server, cwd, out: str, *extra: str) -> tuple[subprocess.CompletedProcess, dict]:
    proc = _pixelaudit(server, cwd, "scan", f"https://{SHOP}/", "--out", out, *extra)
    return proc, json.loads((cwd / out / "findings.json").read_text())


def test_baseline_round_trip(shop, tmp_path):
    server, page = shop
    proc, first = _scan(server, tmp_path, "r1")
    assert proc.returncode == 1, proc.stderr  # Meta and GA before consent: high findings
    vendors = {f["vendor"] for f in first["findings"] if f["severity"] == "high"}
    assert {"Meta Pixel", "Google Analytics"} <= vendors

    proc = _pixelaudit(server, tmp_path, "baseline", "create", "r1/findings.json", "-o", "baseline.json")
    assert proc.returncode == 0, proc.stderr
    baseline = json.loads((tmp_path / "baseline.json").read_text())
    assert baseline["pixelaudit_baseline"] == 1 and len(baseline["findings"]) >= 3

    # the same site again: new timestamps, client ids and cache-busters, yet nothing is new
    proc, second = _scan(server, tmp_path, "r2", "--baseline", "baseline.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [f["baseline"] for f in second["findings"]] == ["known"] * len(second["findings"])
    assert second["baseline"] == {"file": "baseline.json", "new": 0, "known": len(second["findings"]),
                                  "disappeared": []}
    assert "baseline baseline.json: 0 new" in proc.stdout

    # a second tracker ships: the scan fails, and only LinkedIn's findings are new
    page.write_text(page.read_text().replace("<!--EXTRA-TRACKERS-->", LINKEDIN))
    proc, third = _scan(server, tmp_path, "r3", "--baseline", "baseline.json")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    new = [f for f in third["findings"] if f["baseline"] == "new"]
    assert new and all(f["host"].endswith("linkedin.com") for f in new), new
    assert any(f["type"] == "tracker-before-consent" and f["vendor"] == "LinkedIn Insight Tag" for f in new)
    assert third["baseline"]["new"] == len(new) and third["baseline"]["disappeared"] == []
    named = [line for line in proc.stdout.splitlines() if line.lstrip().startswith("NEW ")]
    assert len(named) == len(new) and all("linkedin.com" in line for line in named), proc.stdout

    # --fail-on none: known or new, nothing fails
    proc, _ = _scan(server, tmp_path, "r3b", "--baseline", "baseline.json", "--fail-on", "none")
    assert proc.returncode == 0

    # LinkedIn back out and the Meta pixel removed: Meta's entries disappeared, nothing new, exit 0
    html = page.read_text().replace(LINKEDIN, "")
    page.write_text(html.replace('document.getElementById("meta").src', "void"))
    proc, fourth = _scan(server, tmp_path, "r4", "--baseline", "baseline.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    gone = fourth["baseline"]["disappeared"]
    assert gone and all(e["vendor"] == "Meta Pixel" for e in gone)
    assert {e["type"] for e in gone} >= {"tracker-before-consent"}
    assert all(f["baseline"] == "known" for f in fourth["findings"])
    assert sum("disappeared [" in line for line in proc.stdout.splitlines()) == len(gone)

    # diff between the first and the LinkedIn scan: LinkedIn's tracker, pixel, cookie and findings are new
    proc = _pixelaudit(server, tmp_path, "diff", "r1", "r3/findings.json", "--json")
    assert proc.returncode == 1, proc.stderr
    d = json.loads(proc.stdout)
    assert [t["vendor"] for t in d["trackers"]["new"]] == ["LinkedIn Insight Tag"]
    assert d["trackers"]["removed"] == [] and d["findings"]["removed"] == []
    assert all(f["host"].endswith("linkedin.com") for f in d["findings"]["new"])
    assert [c["name"] for c in d["cookies"]["new"]] == ["lidc"]
    proc = _pixelaudit(server, tmp_path, "diff", "r1", "r2")
    assert proc.returncode == 0 and "findings: 0 new, 0 removed" in proc.stdout, proc.stdout


def test_bad_baseline_is_a_usage_error(shop, tmp_path):
    server, _page = shop
    (tmp_path / "not-a-baseline.json").write_text('{"findings": []}')
    for path, says in (("missing.json", "no such file"), ("not-a-baseline.json", "not a pixelaudit baseline")):
        proc = _pixelaudit(server, tmp_path, "scan", f"https://{SHOP}/", "--out", "o", "--baseline", path)
        assert proc.returncode == 2
        assert proc.stderr.strip().count("\n") == 0 and says in proc.stderr, proc.stderr
        assert not (tmp_path / "o").exists()  # refused before scanning


def test_baseline_from_the_config_file(shop, tmp_path):
    server, _page = shop
    proc, _ = _scan(server, tmp_path, "r1")
    assert _pixelaudit(server, tmp_path, "baseline", "create", "r1", "-o", "accepted.json").returncode == 0
    (tmp_path / "pixelaudit.toml").write_text('baseline = "accepted.json"\n')
    proc, data = _scan(server, tmp_path, "r2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert data["baseline"]["file"] == "accepted.json" and data["baseline"]["new"] == 0


def test_crawl_with_a_baseline(shop, tmp_path):
    server, _page = shop
    crawl = ("crawl", f"https://{SHOP}/", "--resolve", server.resolve, "--trust-cert", str(server.leaf_pem),
             "--scenarios", "no-interaction", "--wait", "1", "--format", "json", "--max-pages", "5")
    proc = _pixelaudit(server, tmp_path, *crawl, "--out", "c1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    first = json.loads((tmp_path / "c1" / "findings.json").read_text())
    assert any(f["host"] == "px.ads.linkedin.com" for f in first["findings"])
    assert _pixelaudit(server, tmp_path, "baseline", "create", "c1", "-o", "b.json").returncode == 0
    proc = _pixelaudit(server, tmp_path, *crawl, "--out", "c2", "--baseline", "b.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    second = json.loads((tmp_path / "c2" / "findings.json").read_text())
    assert second["baseline"]["new"] == 0 and second["baseline"]["disappeared"] == []
    assert {f["baseline"] for f in second["findings"]} == {"known"}
