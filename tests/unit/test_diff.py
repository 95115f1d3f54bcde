"""`pixelaudit diff`: trackers, pixels, cookies and findings new or removed between two findings.json."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from pixelaudit.diff import diff, diff_text

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "sample-findings.json").read_text())
TIKTOK = {"vendor": "TikTok Pixel", "category": "advertising", "rule": "tiktok-pixel"}


def _later() -> dict:
    """The sample a week later: volatile values changed, a TikTok pixel added, the Meta pixel gone."""
    later = copy.deepcopy(SAMPLE)
    later["started_at"] = "2026-03-09T10:15:00Z"
    meta = [i for i, r in enumerate(later["requests"]) if (r.get("tracker") or {}).get("vendor") == "Meta"]
    for r in later["requests"]:
        r["url"] = r["url"].replace("G-ABC123", "G-ABC123&_p=99")  # another query value
        r["time_ms"] = (r.get("time_ms") or 0) + 100
    for i in meta:
        later["requests"][i] = {**later["requests"][i], "host": "cdn.example", "url": "https://cdn.example/x.js",
                                "tracker": None, "pixel": None}
    later["requests"].append({"index": len(later["requests"]), "url": "https://analytics.tiktok.com/api/v2/pixel?ts=5",
                              "scenario": "no-interaction", "host": "analytics.tiktok.com", "site": "tiktok.com",
                              "party": "third", "before_consent": True, "tracker": TIKTOK,
                              "pixel": {"width": 1, "height": 1}})
    later["cookies"] = [c for c in later["cookies"] if c["name"] != "fr"] + [
        {"name": "_ttp", "domain": ".tiktok.com", "party": "third", "scenario": "no-interaction", "tracker": TIKTOK}]
    later["findings"] = [f for f in later["findings"] if f["vendor"] != "Meta"] + [
        {"type": "tracker-before-consent", "severity": "high", "site": "tiktok.com", "host": "analytics.tiktok.com",
         "vendor": "TikTok Pixel", "scenario": "no-interaction", "url": later["requests"][-1]["url"],
         "message": "TikTok …", "evidence": {"request_index": len(later["requests"]) - 1}}]
    return later


def test_same_result_has_nothing_new():
    d = diff(SAMPLE, copy.deepcopy(SAMPLE))
    for kind in ("findings", "trackers", "pixels", "cookies"):
        assert d[kind]["new"] == [] and d[kind]["removed"] == [] and d[kind]["unchanged"] > 0


def test_new_and_removed():
    d = diff(SAMPLE, _later())
    assert [t["vendor"] for t in d["trackers"]["new"]] == ["TikTok Pixel"]
    assert [(t["vendor"], t["host"]) for t in d["trackers"]["removed"]] == [
        ("Meta", "connect.facebook.net"), ("Meta", "www.facebook.com")]
    assert [p["url_shape"] for p in d["pixels"]["new"]] == ["https://analytics.tiktok.com/api/v{n}/pixel"]
    assert [p["vendor"] for p in d["pixels"]["removed"]] == ["Meta"]
    assert [(c["name"], c["domain"]) for c in d["cookies"]["new"]] == [("_ttp", "tiktok.com")]
    assert [(c["name"], c["domain"]) for c in d["cookies"]["removed"]] == [("fr", "facebook.com")]
    assert [f["vendor"] for f in d["findings"]["new"]] == ["TikTok Pixel"]
    assert {f["vendor"] for f in d["findings"]["removed"]} == {"Meta"}
    assert d["old"]["started_at"] == SAMPLE["started_at"] and d["new"]["started_at"] == "2026-03-09T10:15:00Z"
    json.dumps(d)  # --json prints it as is


def test_text():
    lines = list(diff_text(diff(SAMPLE, _later())))
    assert lines[0] == f"old: {SAMPLE['target']} ({SAMPLE['started_at']})"
    assert "findings: 1 new, 3 removed, 1 unchanged" in lines
    assert "  + [high] tracker-before-consent in no-interaction: analytics.tiktok.com (TikTok Pixel) " \
           "https://analytics.tiktok.com/api/v2/pixel?ts=5" in lines
    assert "  + TikTok Pixel on analytics.tiktok.com (advertising)" in lines
    assert "  - Meta on www.facebook.com (advertising)" in lines
    assert "  + _ttp on tiktok.com (third-party, TikTok Pixel)" in lines
    assert "  + https://analytics.tiktok.com/api/v{n}/pixel (TikTok Pixel)" in lines


def test_cli_exit_codes_and_json(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new"
    old.write_text(json.dumps(SAMPLE))
    new.mkdir()
    (new / "findings.json").write_text(json.dumps(_later()))

    def run(*args):
        return subprocess.run([sys.executable, "-m", "pixelaudit", "diff", *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=60)

    same = run("old.json", "old.json")
    assert same.returncode == 0 and "findings: 0 new, 0 removed" in same.stdout
    changed = run("old.json", "new", "--json")  # a folder holding findings.json works too
    assert changed.returncode == 1
    assert [f["vendor"] for f in json.loads(changed.stdout)["findings"]["new"]] == ["TikTok Pixel"]
    gone_only = run("new", "old.json")  # only removals and Meta back: Meta's findings are new again
    assert gone_only.returncode == 1
    (tmp_path / "bad.json").write_text("[1]")
    for bad, says in (("missing.json", "no such file"), ("bad.json", "not a pixelaudit findings.json")):
        proc = run("old.json", bad)
        assert proc.returncode == 2 and says in proc.stderr and proc.stderr.count("\n") == 1
