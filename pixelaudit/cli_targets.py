"""`pixelaudit scan` with no URL: every `targets` entry of the config file, one after another, through batch.py.

Each target is written to OUT/<host>/ (findings.json and reports, the policy applied) with OUT/batch.json and
batch.csv as the index; one summary line per target; the exit code is the worst of them (3, then 1, then 0).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

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


def scan_targets(template: ScanConfig, targets: tuple[str, ...], knowledge, out: Path | None, quiet: bool) -> int:
    """Scan the configured targets sequentially; print a line per target; return the exit code."""
    from pixelaudit.batch import run_local, summary_line, worst_exit, write_index
    from pixelaudit.cli import Progress, _fail

    started = datetime.now(UTC)
    out_dir = (out or default_targets_dir()).resolve()
    try:
        configs = target_configs(replace(template, out_dir=out_dir), targets)
    except ConfigError as exc:
        _fail(str(exc))
    with Progress(quiet) as progress:
        rows = asyncio.run(run_local(configs, knowledge, 1, progress))
    options = {**template.provenance(), "targets": list(targets)}
    try:
        written = write_index(rows, out_dir, started, options)
    except OSError as exc:
        _fail(f"cannot write the index to {out_dir}: {exc.strerror or exc}")
    for row in rows:
        typer.echo(summary_line(row))
    if not quiet:
        for path in written:
            typer.echo(f"  wrote {path}")
    return worst_exit(rows, template.fail_on)
