"""`pixelaudit scan` with no URL: every `targets` entry of the config file, one after another, through batch.py.

Each target is written to OUT/<host>/ (findings.json and reports, the policy applied) with OUT/batch.json and
batch.csv as the index, and OUT/findings.sarif / OUT/junit.xml over every target when those formats are asked
for; one summary line per target; `--json` prints each findings.json as a line; the exit code is the worst
of them (3, then 1, then 0).
"""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import typer

from pixelaudit.config import ConfigError, ScanConfig, origin_of


def target_configs(template: ScanConfig, targets: tuple[str, ...]) -> list[ScanConfig]:
    """One config per target in OUT/<host>/; HTTP credentials bound to each target's own origin."""
    from pixelaudit.batch import site_configs

    if template.second_page and len(targets) > 1:
        raise ConfigError("second_page names one page of one site; it cannot be used with several targets")
    configs = site_configs(list(targets), template)
    if template.credentials is None:
        return configs
    return [replace(c, credentials=replace(template.credentials, origin=origin_of(c.target))) for c in configs]


def default_targets_dir() -> Path:
    """reports/targets-<UTC timestamp>."""
    return Path("reports") / f"targets-{datetime.now(UTC):%Y%m%d-%H%M%S}"


def combined_reports(results: list[dict], out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    """OUT/findings.sarif and OUT/junit.xml over every target (when those formats are asked for), so a CI
    job uploads one file: code scanning takes one SARIF run per tool and category."""
    from pixelaudit.report import junit, sarif

    written = []
    if results and "sarif" in formats:
        path = out_dir / "findings.sarif"
        path.write_text(json.dumps(sarif.merge([sarif.render(r) for r in results]), indent=2, ensure_ascii=False)
                        + "\n", encoding="utf-8")
        written.append(path)
    if results and "junit" in formats:
        (path := out_dir / "junit.xml").write_bytes(junit.merge(results))
        written.append(path)
    return written


def echo_rows(rows, results: list[dict], quiet: bool) -> None:
    """A line per site; with a baseline, its new, known and disappeared findings under it."""
    from pixelaudit.baseline import Gate
    from pixelaudit.batch import summary_line

    marked = {r.get("target"): r for r in results if "baseline" in r}
    for row in rows:
        typer.echo(summary_line(row))
        if row.target in marked:
            typer.echo("\n".join("  " + line for line in Gate.lines(marked[row.target], quiet)))


def read_results(rows) -> list[dict]:
    """Each target's findings.json as written (a target that failed before writing one has none)."""
    found = []
    for row in rows:
        with suppress(OSError, ValueError):
            found.append(json.loads((Path(row.out_dir) / "findings.json").read_text(encoding="utf-8")))
    return found


def scan_targets(template: ScanConfig, targets: tuple[str, ...], knowledge, out: Path | None, quiet: bool,
                 json_stdout: TextIO | None = None) -> int:
    """Scan the configured targets sequentially; print a line per target; return the exit code."""
    from pixelaudit import ci_output
    from pixelaudit.batch import run_local, worst_exit, write_index
    from pixelaudit.cli import Progress, _fail

    started = datetime.now(UTC)
    out_dir = (out or default_targets_dir()).resolve()
    try:
        formats = ci_output.with_json(template.formats, json_stdout is not None)  # read back below
        configs = target_configs(replace(template, out_dir=out_dir, formats=formats), targets)
    except ConfigError as exc:
        _fail(str(exc))
    with Progress(quiet) as progress:
        rows = asyncio.run(run_local(configs, knowledge, 1, progress))
    options = {**template.provenance(), "targets": list(targets)}
    try:
        results = read_results(rows)
        written = write_index(rows, out_dir, started, options) + combined_reports(results, out_dir, formats)
    except OSError as exc:
        _fail(f"cannot write the index to {out_dir}: {exc.strerror or exc}")
    echo_rows(rows, results, quiet)
    if not quiet:
        for path in written:
            typer.echo(f"  wrote {path}")
    ci_output.publish_targets(results, json_stdout)
    return worst_exit(rows, template.fail_on)
