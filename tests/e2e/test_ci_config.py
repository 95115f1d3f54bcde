"""The CI-gate config file as a user writes it: targets, ${VAR} secrets and the [policy] table, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

LEAKY, COMPLIANT = "https://leaky.consent-judge.com/", "https://compliant.consent-judge.com/"
AUTH = "https://auth.pixel-lab.com/"  # answers 401 unless stage:s3cret (tests/sites/auth.pixel-lab.com)


def write_config(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pixelaudit.toml").write_text('wait = 1\ntimeout = 15\n' + text, encoding="utf-8")
    return folder


def test_targets_are_scanned_each_into_its_own_folder(cli, tmp_path):
    cwd = write_config(tmp_path / "ci", f'targets = ["{LEAKY}", "{COMPLIANT}"]\n'
                                        '[policy]\nallowed_vendors = {{ analytics = ["Google Analytics"] }}\n'
                       .replace("{{", "{").replace("}}", "}"))
    out = tmp_path / "out"
    code, stdout, err, _ = cli("scan", "--out", str(out), "--quiet", cwd=cwd)
    assert code == 1, err  # Meta Pixel on the leaky site is not allowed
    lines = stdout.strip().splitlines()
    assert lines[0].startswith(f"{LEAKY}: complete; findings: ") and lines[1].startswith(f"{COMPLIANT}: complete")
    leaky = json.loads((out / "leaky.consent-judge.com" / "findings.json").read_text())
    compliant = json.loads((out / "compliant.consent-judge.com" / "findings.json").read_text())
    assert compliant["findings"] == [] and compliant["target"] == COMPLIANT
    allowed = [f for f in leaky["findings"] if f["policy"] == "allowed"]
    assert allowed and {f["vendor"] for f in allowed} == {"Google Analytics"}
    assert leaky["policy"]["allowed_vendors"] == {"analytics": ["google analytics"]}
    assert (out / "leaky.consent-judge.com" / "report.html").is_file()
    index = json.loads((out / "batch.json").read_text())
    assert [r["target"] for r in index["sites"]] == [LEAKY, COMPLIANT]
    assert index["options"]["targets"] == [LEAKY, COMPLIANT]
    row = index["sites"][0]
    counted = [f for f in leaky["findings"] if f["policy"] != "allowed"]
    assert row["high"] == sum(f["severity"] == "high" for f in counted) > 0


def test_no_url_and_no_targets_is_a_usage_error(cli, tmp_path):
    code, _out, err, data = cli("scan", cwd=write_config(tmp_path / "ci", ""))
    assert code == 2 and data is None
    assert err.strip() == ('pixelaudit: error: give a URL to scan, or list targets = ["https://..."] '
                           "in pixelaudit.toml or [tool.pixelaudit]")


def test_policy_allowing_the_trackers_turns_the_failure_into_a_pass(cli, tmp_path):
    code, _out, err, before = cli("scan", LEAKY, cwd=write_config(tmp_path / "plain", ""))
    assert code == 1, err
    assert "policy" not in before and all("policy" not in f for f in before["findings"])
    cwd = write_config(tmp_path / "allow", '[policy]\nallowed-vendors = { analytics = ["google analytics"], '
                                           'advertising = ["meta-pixel"] }\n')
    code, stdout, err, after = cli("scan", LEAKY, cwd=cwd)
    assert code == 0, err
    assert len(after["findings"]) == len(before["findings"])  # still listed, marked allowed
    assert all(f["policy"] == "allowed" and f["severity"] == "info" for f in after["findings"])
    assert {f["severity_was"] for f in after["findings"] if f["type"] == "tracker-before-consent"} == {"high"}
    assert after["summary"]["findings"]["high"] == 0
    assert "findings: 0 high" in stdout
    assert after["policy"]["source"] == str(cwd / "pixelaudit.toml")


def test_severity_override_changes_findings_json(cli, tmp_path):
    cwd = write_config(tmp_path / "sev", '[policy]\nseverity = { "tracker-before-consent" = "low", '
                                         '"tracking-pixel" = "medium" }\n')
    code, _out, err, data = cli("scan", LEAKY, "--fail-on", "medium", cwd=cwd)
    assert code == 1, err  # the pixels are medium now
    by_type = {}
    for f in data["findings"]:
        by_type.setdefault(f["type"], set()).add((f["severity"], f.get("severity_was"), f["policy"]))
    assert by_type["tracker-before-consent"] == {("low", "high", "severity")}
    assert by_type["tracking-pixel"] == {("medium", "info", "severity")}
    assert {s for s, _w, _p in by_type["cookie-before-consent"]} == {"high"}  # not named: left alone
    pixels = sum(f["type"] == "tracking-pixel" for f in data["findings"])
    assert data["summary"]["findings"]["medium"] == pixels == 2  # summary recounted


@pytest.fixture
def secrets_config(tmp_path):
    return write_config(tmp_path / "secret", 'http_credentials = "${STAGING_USER}:${STAGING_PASS}"\n'
                                             'header = ["X-Staging-Token: ${STAGING_TOKEN:-t0k3n}"]\n')


def test_credentials_from_environment_variables(cli, sites, secrets_config, monkeypatch, tmp_path):
    monkeypatch.setenv("STAGING_USER", "stage")
    monkeypatch.setenv("STAGING_PASS", "s3cret")
    sites.log.clear()
    code, _out, err, data = cli("scan", AUTH, cwd=secrets_config)
    assert code == 0, err
    hits = sites.hits("auth.pixel-lab.com")
    assert hits and all(h.headers.get("X-Staging-Token") == "t0k3n" for h in hits)
    assert any(h.headers.get("Authorization") for h in hits)
    assert data["complete"] and data["pages"][0]["status"] == 200
    assert data["options"]["http_credentials_for"] == "https://auth.pixel-lab.com"
    assert data["options"]["header_names"] == ["X-Staging-Token"]
    for path in (tmp_path / "out").iterdir():  # neither the password nor the header value is written anywhere
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "s3cret" not in text and "t0k3n" not in text, path


def test_unset_credential_variable_fails_naming_it(cli, secrets_config, monkeypatch, tmp_path):
    monkeypatch.delenv("STAGING_USER", raising=False)
    monkeypatch.setenv("STAGING_PASS", "s3cret")
    code, _stdout, err, data = cli("scan", AUTH, cwd=secrets_config)
    assert code == 2 and data is None and not (tmp_path / "out").exists()
    assert err.strip() == (f"pixelaudit: error: {secrets_config / 'pixelaudit.toml'}: http_credentials: "
                           "environment variable STAGING_USER is not set")


def test_crawl_applies_the_policy_too(cli, sites, tmp_path):
    cwd = write_config(tmp_path / "crawl", '[policy]\nallowed_vendors = { analytics = ["Google Analytics"], '
                                           'marketing = ["Meta Pixel"] }\n')
    out = tmp_path / "crawl-out"
    code, _out, err, data = cli("crawl", LEAKY, "--out", str(out), "--max-pages", "2", "--scenarios",
                                "no-interaction", "--resolve", sites.resolve, "--trust-cert", str(sites.leaf_pem),
                                "--wait", "1", "--quiet", cwd=cwd)
    assert code == 0, err  # every tracker allowed (Meta by its purpose, marketing)
    assert data["findings"] and all(f["policy"] == "allowed" for f in data["findings"])
    assert data["policy"]["allowed_vendors"] == {"analytics": ["google analytics"], "marketing": ["meta pixel"]}


def test_targets_give_ci_one_sarif_one_junit_json_lines_and_a_step_summary(cli, tmp_path, monkeypatch):
    """Before: with config `targets`, --json printed nothing, the step summary stayed empty and no SARIF sat
    where the GitHub Action looks for it (OUT/findings.sarif)."""
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    cwd = write_config(tmp_path / "ci", f'targets = ["{LEAKY}", "{COMPLIANT}"]\n')
    out = tmp_path / "out"
    code, stdout, err, _ = cli("scan", "--out", str(out), "--json", "--format", "html,sarif,junit", cwd=cwd)
    assert code == 1, err
    lines = stdout.splitlines()
    assert len(lines) == 2  # JSON Lines: one findings.json per target, in order; the human lines on stderr
    for line, host in zip(lines, ("leaky.consent-judge.com", "compliant.consent-judge.com"), strict=True):
        assert json.loads(line) == json.loads((out / host / "findings.json").read_text())
    assert f"{LEAKY}: complete; findings: " in err
    log = json.loads((out / "findings.sarif").read_text())
    (run,) = log["runs"]
    hosts = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].split("/")[0] for r in run["results"]}
    assert hosts == {"leaky.consent-judge.com"}  # the compliant site has no findings
    assert run["properties"]["targets"] == [LEAKY, COMPLIANT]
    junit = (out / "junit.xml").read_text()
    assert f'name="{LEAKY}: scan"' in junit and f'name="{COMPLIANT}: scan"' in junit
    text = summary.read_text(encoding="utf-8")
    assert text.index(LEAKY) < text.index(COMPLIANT) and "❌" in text


def test_targets_baseline_round_trip_gates_each_target_by_its_own_entries(cli, tmp_path):
    """Before: `scan --baseline` with config targets was refused (exit 2)."""
    cwd = write_config(tmp_path / "ci", f'targets = ["{LEAKY}", "{COMPLIANT}"]\n')
    first = tmp_path / "first"
    code, _out, err, _ = cli("scan", "--out", str(first), "--quiet", cwd=cwd)
    assert code == 1, err
    baseline = tmp_path / "baseline.json"
    code, stdout, err, _ = cli("baseline", "create", str(first), "-o", str(baseline))
    assert code == 0, err
    made = json.loads(baseline.read_text())
    assert made["targets"] == [LEAKY, COMPLIANT] and {e["target"] for e in made["findings"]} == {LEAKY}
    assert stdout.startswith(f"wrote {baseline}: {len(made['findings'])} accepted findings")

    code, stdout, err, _ = cli("scan", "--out", str(tmp_path / "same"), "--baseline", str(baseline), cwd=cwd)
    assert code == 0, err + stdout  # nothing new on either site
    assert f"baseline {baseline}: 0 new, {len(made['findings'])} known, 0 disappeared" in stdout

    dropped = made["findings"].pop(0)  # un-accept one of the leaky site's findings
    baseline.write_text(json.dumps(made), encoding="utf-8")
    out = tmp_path / "again"
    code, stdout, err, _ = cli("scan", "--out", str(out), "--baseline", str(baseline), cwd=cwd)
    assert code == 1, err + stdout
    leaky = json.loads((out / "leaky.consent-judge.com" / "findings.json").read_text())
    new = [f for f in leaky["findings"] if f["baseline"] == "new"]
    assert [f["fingerprint"] for f in new] == [dropped["fingerprint"]]
    assert stdout.count("  NEW [") == 1 and "disappeared [" not in stdout
    index = json.loads((out / "batch.json").read_text())
    assert [r[dropped["severity"]] for r in index["sites"]] == [1, 0]  # only the new finding counts


def test_targets_with_a_bad_baseline_stop_before_scanning(cli, tmp_path):
    cwd = write_config(tmp_path / "ci", f'targets = ["{LEAKY}"]\n')
    code, _out, err, _ = cli("scan", "--baseline", str(tmp_path / "missing.json"), cwd=cwd)
    assert code == 2 and err.startswith(f"pixelaudit: error: baseline {tmp_path / 'missing.json'}: no such file")
