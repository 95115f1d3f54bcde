"""`scan --evidence` writes HARs, screenshots, HTML and a manifest; `pixelaudit verify` checks them."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

LAB = "https://www.pixel-lab.com/"
LEAKY = "https://leaky.consent-judge.com/"  # Meta Pixel before consent; accept leads on to page2.html
AUTH = "https://auth.pixel-lab.com/"  # tests/sites/auth.pixel-lab.com/_routes.toml: Basic auth stage:s3cret


def verify(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pixelaudit", "verify", str(folder), *args],
                          capture_output=True, text=True, timeout=60)


def manifest_paths(folder: Path) -> list[str]:
    return [f["path"] for f in json.loads((folder / "manifest.json").read_text())["files"]]


def test_scan_evidence_writes_the_bundle_and_verify_names_a_tampered_file(cli, tmp_path):
    out = tmp_path / "out"
    code, stdout, err, data = cli("scan", LEAKY, "--evidence", "--scenarios", "no-interaction,accept",
                                  "--fail-on", "none", "--out", str(out))
    assert code == 0, err
    ev = out / "evidence"
    for scenario in ("no-interaction", "accept"):
        har = json.loads((ev / f"{scenario}.har").read_text())
        urls = [e["request"]["url"] for e in har["log"]["entries"]]
        assert any(u.startswith("https://www.facebook.com/tr?id=5550001") for u in urls), urls
        entry = next(e for e in har["log"]["entries"] if e["request"]["url"].startswith("https://www.facebook.com/tr"))
        assert entry["request"]["headers"] and entry["response"]["status"] == 200 and entry["timings"]
        assert (ev / f"{scenario}-page1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "consent-judge" in (ev / f"{scenario}-page1.html").read_text()
    pages = data["pages"]
    assert [(p["scenario"], p["screenshot"]) for p in pages] == [
        ("no-interaction", "evidence/no-interaction-page1.png"), ("accept", "evidence/accept-page1.png"),
        ("accept", "evidence/accept-page2.png")]  # the page visited after the consent choice
    for page in pages:  # findings.json names each page's files, and they are the ones on disk
        assert (out / page["screenshot"]).is_file() and (out / page["html"]).is_file()
    assert data["evidence"]["manifest"] == "manifest.json"
    assert sorted(data["evidence"]["har"]) == ["evidence/accept.har", "evidence/no-interaction.har"]
    listed = manifest_paths(out)
    on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert listed == on_disk and {"findings.json", "report.html", "evidence/accept.har"} <= set(listed)
    manifest = json.loads((out / "manifest.json").read_text())
    assert "banner-accept.png" in listed  # the consent click's screenshot is part of the bundle too
    assert manifest["target"] == LEAKY and manifest["browser"]["version"] == data["browser"]["version"]
    own = next(line for line in stdout.splitlines() if "manifest.json sha256" in line).split("sha256 ")[1][:64]

    proc = verify(out, "--manifest-sha256", own)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith(f"OK: {len(listed)} files match")

    findings = out / "findings.json"
    text = findings.read_text()
    findings.write_text(text.replace('"schema_version": 1', '"schema_version": 2', 1))
    proc = verify(out)
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("changed: findings.json (sha256 expected ")
    assert lines[-1].startswith("FAILED: 1 problem")


def test_credentials_never_reach_the_evidence(cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.pixelaudit]\nevidence = true\n")  # the config-file key
    out = tmp_path / "out"
    code, _out, err, data = cli("scan", AUTH, "--http-credentials", "stage:s3cret",
                                "--header", "X-Staging-Token: t0k3n", "--fail-on", "none", "--out", str(out),
                                cwd=tmp_path)
    assert code == 0, err
    assert data["pages"][0]["status"] == 200  # the credentials were used: the page let us in
    har = json.loads((out / "evidence" / "no-interaction.har").read_text())
    target = next(e for e in har["log"]["entries"] if e["request"]["url"] == AUTH)
    assert {h["name"]: h["value"] for h in target["request"]["headers"]}["X-Staging-Token"].startswith("[redacted")
    basic = base64.b64encode(b"stage:s3cret")
    for path in out.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            assert b"s3cret" not in raw and basic not in raw and b"t0k3n" not in raw, path
    assert verify(out).returncode == 0


def test_a_scan_cut_short_still_keeps_and_lists_what_it_collected(cli, tmp_path):
    out = tmp_path / "out"
    code, _out, err, data = cli("scan", "https://slow.pixel-lab.com/", "--evidence", "--timeout", "2",
                                "--wait", "1", "--out", str(out))
    assert code == 3 and not data["complete"], err  # the page never finished loading
    listed = manifest_paths(out)
    assert {"findings.json", "evidence/no-interaction.har", "evidence/no-interaction-page1.html"} <= set(listed)
    assert verify(out).returncode == 0


def test_without_evidence_nothing_extra_is_written(cli, tmp_path):
    out = tmp_path / "out"
    code, _out, err, data = cli("scan", LAB, "--fail-on", "none", "--out", str(out))
    assert code == 0, err
    assert not (out / "evidence").exists() and not (out / "manifest.json").exists()
    assert "evidence" not in data and "screenshot" not in data["pages"][0]
    proc = verify(out)
    assert proc.returncode == 2 and "no manifest" in proc.stderr


def test_evidence_env_var_on_a_scan_that_cannot_start_still_writes_a_manifest(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("PIXELAUDIT_EVIDENCE", "1")
    out = tmp_path / "out"
    code, _out, _err, data = cli("scan", "https://exa mple.com/", "--out", str(out))
    assert code == 2 and data["errors"][0]["kind"] == "invalid-url"
    assert manifest_paths(out) == ["findings.json", "report.html"]
    assert verify(out).returncode == 0


def test_config_file_targets_each_get_their_own_verified_bundle(cli, tmp_path):
    (tmp_path / "pixelaudit.toml").write_text(f'targets = ["{LAB}"]\nevidence = true\nfail_on = "none"\n')
    out = tmp_path / "out"
    code, _out, err, _ = cli("scan", "--out", str(out), "--quiet", cwd=tmp_path)
    assert code == 0, err
    site = out / "www.pixel-lab.com"
    assert {"findings.json", "report.html", "evidence/no-interaction.har"} <= set(manifest_paths(site))
    assert verify(site).returncode == 0
