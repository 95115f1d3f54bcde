"""The README's main job: `pixelaudit demo` serves the bundled shop and scans it."""

from __future__ import annotations

import json
import subprocess
import sys


def test_demo_scans_the_bundled_shop(tmp_path):
    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, "-m", "pixelaudit", "demo", "--out", str(out)], capture_output=True,
                          text=True, timeout=180, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"Open the report: {out / 'report.html'}" in proc.stdout
    data = json.loads((out / "findings.json").read_text())
    assert data["complete"] is True and data["target"] == "https://www.northwind-shop.com/"
    vendors = {r["tracker"]["rule"] for r in data["requests"] if r["tracker"]}
    assert vendors == {"meta-pixel", "google-analytics", "google-tag-manager", "linkedin-insight"}
    pixels = {r["url"].split("?")[0] for r in data["requests"] if r["pixel"]}
    assert pixels == {
        "https://www.facebook.com/tr/", "https://px.ads.linkedin.com/collect/",
        "https://www.google-analytics.com/g/collect", "https://www.northwind-shop.com/px.gif",
        "https://stats.northwind-shop.com/collect",  # page view beacon, and the one sent on leave
    }
    leave = [r for r in data["requests"] if "e=leave" in r["url"]]
    assert len(leave) == 1 and leave[0]["unload"] is True and leave[0]["party"] == "first"
    spacer = next(r for r in data["requests"] if r["url"].endswith("/img/spacer.gif"))
    assert spacer["pixel"] is None and spacer["party"] == "first"
    cookies = {c["name"]: c["party"] for c in data["cookies"]}
    assert cookies == {"_ga": "first", "_fbp": "first", "nw_session": "first", "fr": "third", "lidc": "third"}
    assert sorted(p.name for p in out.iterdir()) == ["cookies.csv", "findings.csv", "findings.json",
                                                      "report.html", "requests.csv"]
