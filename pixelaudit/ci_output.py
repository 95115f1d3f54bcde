"""What `pixelaudit scan` gives a CI job besides its report folder: `--json` (findings.json on stdout, every
other line on stderr, so `| jq` works; with config `targets`, one findings.json per line) and, whenever
`$GITHUB_STEP_SUMMARY` names a file, the Markdown summary appended to it (GitHub Actions shows that file on
the job's page; other CIs never set it).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TextIO

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def json_stdout(enabled: bool) -> TextIO | None:
    """With --json: keep the real stdout for findings.json and send every other line to stderr."""
    if not enabled:
        return None
    real = sys.stdout
    sys.stdout = sys.stderr  # typer/click echo looks sys.stdout up on every call
    return real


def with_json(formats: tuple[str, ...], json_out: bool) -> tuple[str, ...]:
    """The formats to write when the caller reads findings.json back from the output folder afterwards."""
    needed = json_out or bool(os.environ.get(STEP_SUMMARY))
    return formats if "json" in formats or not needed else ("json", *formats)


def publish_targets(results: list[dict], stdout: TextIO | None) -> None:
    """After a config `targets` run: with --json, each target's findings.json as one line (JSON Lines, in
    the order of `targets`); each target's Markdown summary appended to $GITHUB_STEP_SUMMARY."""
    if stdout is not None:
        sys.stdout = stdout
        for data in results:
            stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
        stdout.flush()
    for data in results:
        _summarise(data)


def publish(data: dict | None, out_dir: Path, stdout: TextIO | None) -> None:
    """After a scan: findings.json to the real stdout (--json) and the summary to $GITHUB_STEP_SUMMARY.
    `data` None: read the findings.json the scan wrote to `out_dir` (nothing to do when there is none)."""
    if stdout is not None:
        sys.stdout = stdout
    path = out_dir / "findings.json"
    if data is None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
    if stdout is not None:
        # the same serialisation as report/json.py, so stdout equals the file byte for byte
        stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        stdout.flush()
    _summarise(data)


def _summarise(data: dict) -> None:
    if summary := os.environ.get(STEP_SUMMARY):
        from pixelaudit.report.markdown import render

        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(render(data) + "\n")
        except OSError as exc:  # the summary is a courtesy: the scan's outcome stands
            print(f"pixelaudit: warning: cannot append to ${STEP_SUMMARY} ({summary}): {exc.strerror or exc}",
                  file=sys.stderr)
