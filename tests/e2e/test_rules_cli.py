"""`pixelaudit rules …` as a rule author uses it, and --filter-list / heuristics in a real scan."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import yaml


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pixelaudit", "rules", *args], capture_output=True, text=True,
                          timeout=60, cwd=tempfile.gettempdir())


def test_list_show_and_test():
    listing = run("list", "--category", "advertising")
    assert listing.returncode == 0 and "meta-pixel" in listing.stdout and "google-analytics" not in listing.stdout
    shown = run("show", "google-analytics")
    assert shown.returncode == 0 and "G-" in shown.stdout and "source" in shown.stdout
    assert run("show", "no-such-rule").returncode == 2
    tested = run("test")
    assert tested.returncode == 0 and tested.stdout.strip().endswith("all pass")


def test_match_explains_the_rule_and_extracts_ids():
    out = run("match", "https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123&en=page_view&gcs=G100")
    assert out.returncode == 0
    assert "google-analytics" in out.stdout and "under the rule's domain google-analytics.com" in out.stdout
    assert "id: G-ABC123" in out.stdout and "event: page_view" in out.stdout and "consent: G100" in out.stdout
    proxied = run("match", "https://sgtm.shop.example/g/collect?v=2&tid=G-1")
    assert "endpoint on any host" in proxied.stdout
    unknown = run("match", "https://t.newtracker.example/p?uid=42")
    assert unknown.returncode == 1 and "heuristic:id-param" in unknown.stdout


def test_validate_user_rules(tmp_path: Path):
    good = {"id": "acme-pixel", "vendor": "Acme Pixel", "company": "Acme", "category": "advertising",
            "purpose": "marketing", "source": "Acme docs", "domains": ["px.acme.example"],
            "examples": ["https://px.acme.example/p?id=1"], "counterexamples": ["https://acme.example/"]}
    (tmp_path / "acme-pixel.yaml").write_text(yaml.safe_dump(good))
    ok = run("validate", str(tmp_path))
    assert ok.returncode == 0 and "1 rules valid" in ok.stdout
    (tmp_path / "acme-pixel.yaml").write_text(yaml.safe_dump({**good, "categry": "x"}))
    bad = run("validate", str(tmp_path))
    assert bad.returncode == 2 and "acme-pixel.yaml: categry: unknown key" in bad.stderr


def test_user_rules_and_filter_list_in_a_scan(cli, tmp_path: Path):
    rule = {"id": "partner-match", "vendor": "Partner Match", "company": "Partner", "category": "advertising",
            "purpose": "marketing", "source": "test", "domains": ["match.partner-example.org"],
            "extract": {"id": "u"},
            "examples": ["https://match.partner-example.org/m.gif"], "counterexamples": ["https://partner.example/"]}
    (tmp_path / "partner-match.yaml").write_text(yaml.safe_dump(rule))
    (tmp_path / "list.txt").write_text("! user list\n||bg.pixel-example.net^$third-party\n")
    # user rules from the project's config file, the list from the command line
    (tmp_path / "pyproject.toml").write_text('[tool.pixelaudit]\nrules = ["partner-match.yaml"]\n')
    code, _out, err, data = cli("scan", "https://www.pixel-lab.com/", "--filter-list", str(tmp_path / "list.txt"),
                                "--fail-on", "none", cwd=tmp_path)
    assert code == 0, err
    by_host = {r["host"]: r["tracker"] for r in data["requests"]}
    assert by_host["match.partner-example.org"]["rule"] == "partner-match"
    assert by_host["match.partner-example.org"]["label"] == "Partner Match 42"
    listed = by_host["bg.pixel-example.net"]
    assert listed["rule"] == "list:list.txt" and listed["filter"] == "||bg.pixel-example.net^$third-party"
    assert listed["vendor"] is None and listed["category"] == "unknown"
    assert data["rules"]["filter_lists"][0]["name"] == "list.txt"
    assert any(s.endswith("partner-match.yaml") for s in data["rules"]["sources"])
    # no rule, no list: an unknown third party sending uid= is reported by the heuristics, never as a vendor
    unknown = by_host["tracker.adnet-example.com"]
    assert unknown["rule"] == "heuristic:id-param" and unknown["vendor"] is None and "uid=" in unknown["reason"]
    assert "partner-match" in data["rule_docs"] and data["rule_docs"]["meta-pixel"]["vendor"] == "Meta Pixel"
