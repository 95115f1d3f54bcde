"""The GitHub Action (action.yml) and the GitLab CI example in docs/ci.md: structure, and the scan step's
script run for real with a stand-in `pixelaudit`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]


def step(predicate) -> dict:
    found = [s for s in STEPS if predicate(s)]
    assert len(found) == 1
    return found[0]


def test_action_is_a_composite_with_the_documented_inputs_and_outputs():
    assert ACTION["name"] == "pixelaudit" and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    assert {"url", "args", "fail-on", "python-version"} <= set(ACTION["inputs"])
    assert ACTION["inputs"]["fail-on"]["default"] == "high"
    assert ACTION["outputs"]["exit-code"]["value"] == "${{ steps.scan.outputs.exit-code }}"
    assert ACTION["outputs"]["report-dir"]["value"] == "${{ steps.scan.outputs.report-dir }}"
    for s in STEPS:
        assert ("uses" in s) != ("run" in s)
        if "run" in s:
            assert s["shell"] == "bash"  # composite run steps must name their shell
            assert "${{" not in s["run"]  # inputs come in as env variables: no script injection


def test_action_installs_scans_and_publishes():
    assert step(lambda s: s.get("uses", "").startswith("actions/setup-python@"))["with"]["python-version"] == (
        "${{ inputs.python-version }}")
    install = step(lambda s: "install-browser" in s.get("run", ""))["run"]
    assert 'pip install "$GITHUB_ACTION_PATH"' in install
    scan = step(lambda s: s.get("id") == "scan")
    assert "pixelaudit scan" in scan["run"] and "--format json,html,sarif,junit,md" in scan["run"]
    sarif = step(lambda s: s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert sarif["with"]["sarif_file"] == "${{ steps.scan.outputs.sarif }}" and "always()" in sarif["if"]
    artifact = step(lambda s: s.get("uses", "").startswith("actions/upload-artifact@"))
    assert artifact["with"]["path"] == "${{ steps.scan.outputs.report-dir }}" and "always()" in artifact["if"]
    assert STEPS[-1]["env"]["CODE"] == "${{ steps.scan.outputs.exit-code }}"  # the verdict comes last


def _run_scan_step(tmp_path: Path, url: str, args: str, exit_code: int) -> tuple[list[str], dict]:
    """The scan step's script with `pixelaudit` replaced by a function that records its arguments."""
    output = tmp_path / "github_output"
    output.write_text("")
    fake = f'pixelaudit() {{ printf "%s\\n" "$@" > "{tmp_path}/argv"; return {exit_code}; }}\n'
    script = fake + step(lambda s: s.get("id") == "scan")["run"].replace("python -c", f"{sys.executable} -c")
    env = {**os.environ, "INPUT_URL": url, "INPUT_ARGS": args, "INPUT_FAIL_ON": "medium",
           "INPUT_OUT": "pixelaudit-report", "GITHUB_OUTPUT": str(output)}
    # GitHub runs `shell: bash` as `bash --noprofile --norc -eo pipefail {0}`
    subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env=env, check=True,
                   cwd=tmp_path)
    argv = (tmp_path / "argv").read_text().splitlines()
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return argv, outputs


def test_scan_step_passes_arguments_safely_and_sets_outputs(tmp_path):
    argv, outputs = _run_scan_step(tmp_path, "https://staging.example/", "--header 'X-Env: a b' --quiet", 1)
    assert argv == ["scan", "https://staging.example/", "--out", "pixelaudit-report", "--fail-on", "medium",
                    "--format", "json,html,sarif,junit,md", "--header", "X-Env: a b", "--quiet"]
    assert outputs == {"exit-code": "1", "report-dir": "pixelaudit-report"}  # no SARIF file: no upload
    argv, outputs = _run_scan_step(tmp_path, "", "", 0)  # no URL: targets from the config file
    assert argv[:2] == ["scan", "--out"] and "" not in argv
    assert outputs["exit-code"] == "0"


def test_docs_gitlab_example_and_exit_codes():
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    gitlab = [yaml.safe_load(b) for b in blocks if "artifacts:" in b]
    assert gitlab, "docs/ci.md has no GitLab job"
    job = next(iter(gitlab[0].values()))
    assert job["artifacts"]["reports"]["junit"].endswith("junit.xml") and job["artifacts"]["when"] == "always"
    assert any("pixelaudit scan" in line for line in job["script"])
    for code in range(4):
        assert re.search(rf"^\| {code} \|", text, re.M), f"exit code {code} missing from the table"
