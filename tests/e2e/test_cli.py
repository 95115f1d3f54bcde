"""The command line as a user and a CI job run it."""

from __future__ import annotations

import subprocess
import sys
import tempfile

from pixelaudit import __version__

LAB = "https://www.pixel-lab.com/"


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("cwd", tempfile.gettempdir())  # outside the checkout: the installed package runs
    return subprocess.run([sys.executable, "-m", "pixelaudit", *args], capture_output=True, text=True,
                          timeout=120, **kw)


def test_version_and_help():
    assert run("--version").stdout.strip() == f"pixelaudit {__version__}"
    helptext = run("scan", "--help").stdout
    for flag in ("--resolve", "--ignore-https-errors", "--header", "--http-credentials", "--user-agent",
                 "--timeout", "--wait", "--fail-on", "--quiet", "--format", "--block-third-party-cookies"):
        assert flag in helptext
    assert "Examples" in helptext


def test_exit_code_follows_fail_on(cli):
    code, out, _err, data = cli("scan", LAB, "--fail-on", "high", "--quiet")
    assert code == 1 and data["summary"]["findings"]["high"] >= 1
    assert out.startswith(f"{LAB}: scan complete;")
    code, *_ = cli("scan", LAB, "--fail-on", "none", "--quiet")
    assert code == 0


def test_formats_and_outputs(cli, tmp_path):
    code, out, _err, _data = cli("scan", LAB, "--format", "json,html,csv", "--fail-on", "none")
    assert code == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["cookies.csv", "findings.csv", "findings.json", "report.html", "requests.csv"]
    assert "wrote" in out


def test_bad_flag_values_are_usage_errors(cli, tmp_path):
    not_a_cert = tmp_path / "not-a-cert.pem"
    not_a_cert.write_text("hello")
    for args in (["--resolve", "nonsense"], ["--fail-on", "severe"], ["--format", "docx"],
                 ["--header", "no colon"], ["--http-credentials", "nopassword"],
                 ["--trust-cert", str(not_a_cert)], ["--trust-cert", str(tmp_path / "missing.pem")]):
        code, _out, err, _data = cli("scan", LAB, *args, resolve=False)
        assert code == 2, args
        assert err.startswith("pixelaudit: error:") and len(err.strip().splitlines()) == 1, err


def test_unwritable_output_folder_is_one_clear_line(cli, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _out, err, _data = cli("scan", "https://www.pixel-lab.com/", "--quiet", "--out", str(blocker / "out"))
    assert code == 2 and err.strip().splitlines()[-1].startswith("pixelaudit: error: cannot write the report")
    assert "Traceback" not in err


def test_env_vars_and_pyproject_config(cli, sites, tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.pixelaudit]\nfail-on = "none"\nformat = "json"\n')
    code, _out, err, data = cli("scan", LAB, cwd=tmp_path)
    assert code == 0, err
    assert data["options"]["fail_on"] == "none" and data["options"]["formats"] == ["json"]
    monkeypatch.setenv("PIXELAUDIT_FAIL_ON", "medium")  # the environment beats the file
    code, _out, _err, data = cli("scan", LAB, cwd=tmp_path)
    assert code == 1 and data["options"]["fail_on"] == "medium"


def test_credentials_and_headers_go_to_the_target_origin_only(cli, sites):
    sites.log.clear()
    code, _out, err, data = cli("scan", "https://auth.pixel-lab.com/", "--http-credentials", "stage:s3cret",
                               "--header", "X-Staging-Token: t0k3n", "--fail-on", "none")
    assert code == 0, err
    target_hits = sites.hits("auth.pixel-lab.com")
    assert target_hits and all(h.headers.get("X-Staging-Token") == "t0k3n" for h in target_hits)
    assert any(h.headers.get("Authorization") for h in target_hits)
    partner = sites.hits("auth.partner-example.org")
    assert partner, "the third-party badge was requested"
    assert not any(h.headers.get("Authorization") or h.headers.get("X-Staging-Token") for h in partner)
    assert data["options"]["header_names"] == ["X-Staging-Token"]
    assert "t0k3n" not in str(data) and "s3cret" not in str(data)


def test_doctor_reports_the_browser():
    proc = run("doctor")
    assert proc.returncode == 0, proc.stdout
    assert "Chromium" in proc.stdout and "OK: ready to scan." in proc.stdout
    assert "tracker rules" in proc.stdout
