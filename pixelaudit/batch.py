"""Many sites, one scan each: a sites file → one findings.json/report.html per site → an index of all of them.

Sites run a few at a time in this process, or one task per site on an existing Dask distributed cluster
(each worker runs the scan with its own ``asyncio.run`` and writes to the shared output folder). Either way
every site ends as one row; a site that fails is a row with its error, never the end of the batch.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from pixelaudit.config import ConfigError, ScanConfig, parse_target

SEVERITIES = ("high", "medium", "low", "info")
INDEX_JSON, INDEX_CSV = "batch.json", "batch.csv"
Progress = Callable[[str], None]


class BatchError(Exception):
    """A sites file that cannot be read or holds a line that is not a site URL."""


@dataclass(frozen=True, slots=True)
class SiteRow:
    """One site's outcome in the batch index."""

    target: str
    out_dir: str
    complete: bool
    high: int = 0
    medium: int = 0
    low: int = 0
    info: int = 0
    error: str | None = None

    def as_dict(self) -> dict:
        """The row as batch.json and batch.csv hold it."""
        return {"target": self.target, "out_dir": self.out_dir, "complete": self.complete,
                **{s: getattr(self, s) for s in SEVERITIES}, "error": self.error}


def read_sites(path: Path) -> list[str]:
    """Site URLs, one a line; ``#`` starts a comment, blank lines are skipped; a bad line fails with its number."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BatchError(f"{path}: cannot read the sites file ({exc.strerror or exc})") from None
    sites = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if line:
            try:
                sites.append(parse_target(line))
            except ConfigError as exc:
                raise BatchError(f"{path}:{number}: {exc}") from None
    if not sites:
        raise BatchError(f"{path}: no site URLs in it")
    return sites


def site_configs(sites: list[str], template: ScanConfig) -> list[ScanConfig]:
    """One config per site, writing to OUT/<host> (OUT/<host>-2, ... when a host comes again)."""
    configs, used = [], set()
    for target in sites:
        host = re.sub(r"[^A-Za-z0-9.-]+", "_", target.split("://", 1)[1].split("/", 1)[0])[:80] or "site"
        name, n = host, 1
        while name in used:
            n += 1
            name = f"{host}-{n}"
        used.add(name)
        configs.append(replace(template, target=target, out_dir=Path(template.out_dir) / name))
    return configs


def _row(config: ScanConfig, data: dict) -> SiteRow:
    # a finding the policy allowed or the baseline knew stays in the site's findings.json but is not counted
    # (nor fails the gate)
    counts = {s: sum(f["severity"] == s and f.get("policy") != "allowed" and f.get("baseline") != "known"
                     for f in data["findings"]) for s in SEVERITIES}
    fatal = [e["message"] for e in data["errors"] if e["fatal"]]
    return SiteRow(config.target, str(config.out_dir), data["complete"], **counts, error="; ".join(fatal) or None)


def _failed_row(config: ScanConfig, exc: BaseException) -> SiteRow:
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    return SiteRow(config.target, str(config.out_dir), False, error=f"{type(exc).__name__}: {line}")


def load_knowledge(config: ScanConfig):
    """The bundled tracker rules plus the config's own, as classify wants them."""
    from pixelaudit.classify import Knowledge
    from pixelaudit.rules import bundled_rules_dir, load_rules

    return Knowledge(load_rules([bundled_rules_dir() / "trackers", *config.rules]))


def _write(config: ScanConfig, result) -> SiteRow:
    from pixelaudit.baseline import Gate, judge
    from pixelaudit.report import write_reports
    from pixelaudit.result import to_dict

    gate = Gate.load(config.baseline).for_target(config.target) if config.baseline else None
    data = judge(to_dict(result), config.policy, gate)
    written = write_reports(data, Path(config.out_dir), config.formats)
    if config.evidence:  # last: it hashes findings.json and the reports too
        from pixelaudit.evidence import write_manifest

        write_manifest(Path(config.out_dir), written, data)
    return _row(config, data)


async def scan_one(config: ScanConfig, knowledge, progress: Progress = lambda _m: None) -> SiteRow:
    """Scan one site and write its reports; any failure becomes the row's error."""
    from pixelaudit.scan import scan_site

    try:
        result = await scan_site(config, knowledge, lambda m: progress(f"[{config.target}] {m}"))
        return _write(config, result)
    except Exception as exc:
        return _failed_row(config, exc)


def scan_task(config: ScanConfig) -> dict:
    """A Dask task: one site scanned in the worker's own event loop; returns its row as a dict."""
    try:
        knowledge = load_knowledge(config)
    except Exception as exc:
        return _failed_row(config, exc).as_dict()
    return asyncio.run(scan_one(config, knowledge)).as_dict()


async def run_local(configs: list[ScanConfig], knowledge, jobs: int, progress: Progress) -> list[SiteRow]:
    """At most ``jobs`` sites at a time in this process's event loop, rows in the file's order."""
    slots = asyncio.Semaphore(max(1, jobs))

    async def one(config: ScanConfig) -> SiteRow:
        async with slots:
            progress(f"scanning {config.target}")
            row = await scan_one(config, knowledge, progress)
            progress(f"done {config.target}: {'complete' if row.complete else 'INCOMPLETE'}")
            return row

    return list(await asyncio.gather(*(one(c) for c in configs)))


def run_dask(configs: list[ScanConfig], scheduler: str, progress: Progress,
             connect_timeout: float = 30) -> list[SiteRow]:
    """One task per site on the cluster at ``scheduler``; a task that dies (worker lost) is that site's error."""
    try:
        from distributed import Client
    except ImportError:
        raise BatchError("--dask-scheduler needs the dask extra: pip install 'pixelaudit[dask]'") from None
    try:
        client = Client(scheduler, timeout=connect_timeout)
    except (OSError, TimeoutError) as exc:
        raise BatchError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    rows = []
    with client:
        progress(f"submitting {len(configs)} sites to {scheduler}")
        futures = [client.submit(scan_task, c, key=f"pixelaudit-scan-{i}-{c.target}", pure=False)
                   for i, c in enumerate(configs)]
        for config, future in zip(configs, futures, strict=True):
            try:
                rows.append(SiteRow(**future.result()))
            except Exception as exc:
                rows.append(_failed_row(config, exc))
            progress(f"done {config.target}")
    return rows


def worst_exit(rows: list[SiteRow], fail_on: str) -> int:
    """The exit code over every site: 3 when any is incomplete, else 1 when any has findings at/above
    `fail_on`, else 0."""
    from pixelaudit.config import at_or_above

    if not all(r.complete for r in rows):
        return 3
    return 1 if any(getattr(r, s) and at_or_above(s, fail_on) for r in rows for s in SEVERITIES) else 0


def summary_line(row: SiteRow) -> str:
    """One line per site for the terminal."""
    state = "complete" if row.complete else "INCOMPLETE"
    return (f"{row.target}: {state}; findings: {row.high} high, {row.medium} medium, {row.low} low, "
            f"{row.info} info" + (f"; error: {row.error}" if row.error else ""))


def write_index(rows: list[SiteRow], out_dir: Path, started: datetime, options: dict) -> list[Path]:
    """OUT/batch.json (rows plus provenance) and OUT/batch.csv (the rows, via pandas)."""
    import pandas as pd

    from pixelaudit import __version__

    out_dir.mkdir(parents=True, exist_ok=True)
    records = [r.as_dict() for r in rows]
    index = {"tool": "pixelaudit", "version": __version__, "started_at": f"{started:%Y-%m-%dT%H:%M:%SZ}",
             "finished_at": f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}", "options": options, "sites": records}
    (out_dir / INDEX_JSON).write_text(json.dumps(index, indent=2, ensure_ascii=False), encoding="utf-8")
    columns = ["target", "out_dir", "complete", *SEVERITIES, "error"]
    pd.DataFrame(records, columns=columns).to_csv(out_dir / INDEX_CSV, index=False)
    return [out_dir / INDEX_JSON, out_dir / INDEX_CSV]
