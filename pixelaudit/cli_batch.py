"""`pixelaudit batch sites.txt`: flags → one ScanConfig per site → local or Dask scans → OUT/<host>/ + index.

Registered on the main app by cli.py. Exit codes as for `scan`, over every site: 3 when any site is
incomplete, else 1 when any has findings at/above --fail-on, else 0.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from pixelaudit import cli_options as opt
from pixelaudit.cli import EXIT_INCOMPLETE, Progress, _checked_cert, _fail, file_config
from pixelaudit.cli_baseline import Baseline
from pixelaudit.cli_targets import echo_rows, read_results
from pixelaudit.config import ConfigError, ScanConfig, check_fail_on, parse_resolve, parse_scenarios


def batch(
    sites_file: Annotated[Path, typer.Argument(help="Site URLs, one a line; # comments and blank lines skipped.")],
    out: Annotated[Path, typer.Option("--out", "-o", envvar="PIXELAUDIT_OUT",
                                      help="Output folder: OUT/<host>/ per site, OUT/batch.json and batch.csv.")
                   ] = Path("reports/batch"),
    scenarios: Annotated[str, typer.Option(
        "--scenarios", envvar="PIXELAUDIT_SCENARIOS",
        help="Comma-separated: no-interaction, reject, accept, gpc; each in its own browser per site.")
    ] = "no-interaction,reject,accept,gpc",
    resolve: opt.Resolve = None,
    trust_cert: opt.TrustCert = None,
    timeout: opt.PageTimeout = 30.0,
    wait: opt.PageWait = 5.0,
    fail_on: opt.FailOn = "high",
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", envvar="PIXELAUDIT_JOBS", min=1,
                                      help="Sites scanned at once in this process [default: half the cores].")
                    ] = None,
    dask_scheduler: Annotated[str | None, typer.Option(
        "--dask-scheduler", envvar="PIXELAUDIT_DASK_SCHEDULER",
        help="tcp://HOST:8786: one task per site on this Dask cluster (workers need pixelaudit and Chromium, "
             "and OUT on a shared file system).")] = None,
    chromium: opt.Chromium = None,
    baseline: Baseline = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the result lines.")] = False,
) -> None:
    """Scan every site in a file; write each site's findings.json and report.html, and an index of all."""
    from pixelaudit.baseline import Gate
    from pixelaudit.batch import (
        BatchError,
        read_sites,
        run_dask,
        run_local,
        site_configs,
        worst_exit,
        write_index,
    )

    started = datetime.now(UTC)
    try:
        sites = read_sites(sites_file)
        template = ScanConfig(
            target=sites[0], out_dir=out.resolve(), resolve=tuple(parse_resolve(r) for r in resolve or ()),
            trust_certs=tuple(_checked_cert(c).resolve() for c in trust_cert or ()), timeout=timeout, wait=wait,
            fail_on=check_fail_on(fail_on), scenarios=parse_scenarios(scenarios), chromium=chromium,
            policy=file_config().policy, baseline=baseline.resolve() if baseline else None)
        if baseline:
            Gate.load(baseline)  # a bad file stops here, before any scan
        configs = site_configs(sites, template)
    except (BatchError, ConfigError) as exc:
        _fail(str(exc))
    with Progress(quiet) as progress:
        try:
            if dask_scheduler:
                rows = run_dask(configs, dask_scheduler, progress)
            else:
                from pixelaudit.batch import load_knowledge

                workers = jobs or max(1, len(os.sched_getaffinity(0)) // 2)
                rows = asyncio.run(run_local(configs, load_knowledge(template), workers, progress))
        except BatchError as exc:
            _fail(str(exc), EXIT_INCOMPLETE)
    options = {"scenarios": list(template.scenarios), "timeout": timeout, "wait": wait, "fail_on": fail_on,
               "resolve": [m.spec() for m in template.resolve], "dask_scheduler": dask_scheduler}
    written = write_index(rows, out, started, options)
    echo_rows(rows, read_results(rows) if baseline else [], quiet)
    if not quiet:
        for path in written:
            typer.echo(f"  wrote {path}")
    raise typer.Exit(worst_exit(rows, template.fail_on))
