"""CI outputs end to end: `scan --json`, $GITHUB_STEP_SUMMARY, and `pixelaudit report` re-rendering offline."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LAB = "https://www.pixel-lab.com/"
DATA = Path(__file__).parents[1] / "data"
MAIL = DATA / "email" / "mailchimp-newsletter.eml"
EXPECTED = {"html": ["report.html"], "md": ["summary.md"], "sarif": ["findings.sarif"], "junit": ["junit.xml"],
            "csv": ["requests.csv", "cookies.csv", "findings.csv"]}


def report(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # a proxy that refuses everything: any network use would fail loudly
    env = {"PATH": "/usr/bin:/bin", "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, "-m", "pixelaudit", "report", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env=env)


def test_scan_json_is_pure_json_on_stdout_and_the_summary_goes_to_github(cli, tmp_path, monkeypatch):
    summary = tmp_path / "step-summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, err, written = cli("scan", LAB, "--json", "--fail-on", "high")
    assert code == 1
    assert json.loads(out) == written  # stdout is exactly findings.json; `jq` can read it
    assert f"{LAB}: scan complete;" in err  # the human lines moved to stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## ❌ pixelaudit: failed: https://www.pixel-lab.com/")  # appended
    assert "### Violations (at or above high)" in text and "tracker-before-consent" in text


def test_without_json_stdout_keeps_the_human_summary(cli, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    code, out, _err, _data = cli("scan", LAB, "--fail-on", "none", "--quiet")
    assert code == 0 and out.startswith(f"{LAB}: scan complete;")


def test_mail_scan_json_and_step_summary_even_without_the_json_format(cli, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out_dir = tmp_path / "mail"
    code, out, err, _ = cli("scan", str(MAIL), "--json", "--format", "md", "--out", str(out_dir))
    assert code == 1, err
    data = json.loads(out)
    assert data["kind"] == "email" and data == json.loads((out_dir / "findings.json").read_text())
    assert "E-mail open pixel" in summary.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", [*EXPECTED, "html,md,sarif,junit,csv"])
def test_report_rerenders_each_format_offline(fmt, tmp_path):
    src = tmp_path / "scan"
    src.mkdir()
    shutil.copy(DATA / "sample-findings.json", src / "findings.json")
    proc = report(str(src / "findings.json"), "--format", fmt, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    names = [n for f in fmt.split(",") for n in EXPECTED[f]]
    assert sorted(p.name for p in src.iterdir()) == sorted(["findings.json", *names])  # default: beside the JSON
    assert proc.stdout.splitlines() == [f"wrote {src / n}" for n in names]


def test_report_out_folder_and_a_crawl_result(tmp_path):
    proc = report(str(DATA / "crawl-findings.json"), "--format", "md,sarif,junit", "--out", str(tmp_path / "r"),
                  cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "r" / "findings.sarif").read_text())["runs"][0]["results"]
    assert "**Result: FAIL**" in (tmp_path / "r" / "summary.md").read_text()


def test_report_bad_input_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    for name, says in (("missing.json", "no such file"), ("broken.json", "not valid JSON"),
                       ("list.json", "not a pixelaudit findings.json")):
        proc = report(str(tmp_path / name), "--format", "md", cwd=tmp_path)
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and says in proc.stderr and "Traceback" not in proc.stderr
    proc = report(str(DATA / "sample-findings.json"), "--format", "docx,md", cwd=tmp_path)
    assert proc.returncode == 2 and "--format" in proc.stderr


def test_a_crawl_writes_the_step_summary_too(cli, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, _out, err, data = cli("scan", "https://www.crawl-shop.com/", "--max-pages", "2", "--fail-on", "none",
                                "--format", "json,md", "--quiet")
    assert code == 0, err
    text = summary.read_text(encoding="utf-8")
    assert text == (tmp_path / "out" / "summary.md").read_text(encoding="utf-8") + "\n"
    assert f"{len(data['pages'])} page(s)" in text and "**Result: PASS**" in text
