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
    assert data["scenarios"] == ["no-interaction", "reject", "accept", "gpc"]  # the CLI's default
    leave = [r for r in data["requests"] if "e=leave" in r["url"]]
    assert {r["scenario"] for r in leave} == set(data["scenarios"])  # sent on leaving, seen in the net log
    assert all(r["unload"] is True and r["party"] == "first" for r in leave)
    spacer = [r for r in data["requests"] if r["url"].endswith("/img/spacer.gif")]
    assert spacer and all(r["pixel"] is None and r["party"] == "first" for r in spacer)
    for scenario in data["scenarios"]:
        cookies = {c["name"]: c["party"] for c in data["cookies"] if c["scenario"] == scenario}
        assert {"_ga": "first", "_fbp": "first", "nw_session": "first", "fr": "third", "lidc": "third"}.items() \
            <= cookies.items()
    clicks = {c["scenario"]: c for c in data["consent"]["clicks"]}
    assert clicks["reject"]["clicked"] and clicks["reject"]["button_text"] == "Reject all"
    assert clicks["accept"]["clicked"] and clicks["accept"]["button_text"] == "Accept all"
    assert data["consent"]["banner_found"] is True
    # the shop ignores the choice on page 1 (tags load before it) and GPC alike
    types = {(f["type"], f["scenario"]) for f in data["findings"]}
    assert ("gpc-ignored", "gpc") in types and ("tracker-before-consent", "reject") in types
    assert sorted(p.name for p in out.iterdir()) == ["banner-accept.png", "banner-reject.png", "cookies.csv",
                                                      "findings.csv", "findings.json", "report.html",
                                                      "requests.csv"]
