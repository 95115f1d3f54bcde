"""`pixelaudit crawl URL`: flags → CrawlConfig → crawl_site → findings.json, report.html, pages.jsonl → exit code.

Registered on the main app by cli.py; exit codes as for `scan`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from pixelaudit import cli_options as opt
from pixelaudit.baseline import judge
from pixelaudit.cli import (
    Progress,
    _checked_cert,
    _fail,
    _print_summary,
    default_out_dir,
    exit_code,
    file_config,
)
from pixelaudit.cli_baseline import Baseline
from pixelaudit.config import (
    ConfigError,
    ScanConfig,
    check_fail_on,
    parse_credentials,
    parse_formats,
    parse_header,
    parse_resolve,
    parse_scenarios,
    parse_target,
)


def crawl(
    url: Annotated[str, typer.Argument(help="Site to crawl from (http:// or https://; a bare host gets https://).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", envvar="PIXELAUDIT_OUT",
                                             help="Output folder [default: reports/<host>-<time>].")] = None,
    max_pages: Annotated[int, typer.Option("--max-pages", envvar="PIXELAUDIT_MAX_PAGES", min=1,
                                           help="Pages to visit at most, the start page included.")] = 30,
    depth: Annotated[int, typer.Option("--depth", envvar="PIXELAUDIT_DEPTH", min=0,
                                       help="Link depth from the start page (sitemap pages count as 1).")] = 3,
    scope: Annotated[str, typer.Option("--scope", envvar="PIXELAUDIT_SCOPE",
                                       help="host: the start page's host only; site: its registrable domain.")
                     ] = "site",
    include: Annotated[list[str] | None, typer.Option(
        "--include", envvar="PIXELAUDIT_INCLUDE",
        help="Visit only matching URLs: a glob on path+query (/blog/*) or re:REGEX on the URL (repeatable).")
    ] = None,
    exclude: Annotated[list[str] | None, typer.Option(
        "--exclude", envvar="PIXELAUDIT_EXCLUDE", help="Skip matching URLs (same syntax; exclude wins).")] = None,
    respect_robots: Annotated[bool, typer.Option(
        "--respect-robots", envvar="PIXELAUDIT_RESPECT_ROBOTS",
        help="Skip pages robots.txt disallows for 'pixelaudit' (default: audit what a visitor can reach).")
    ] = False,
    scenarios: Annotated[str, typer.Option(
        "--scenarios", envvar="PIXELAUDIT_SCENARIOS",
        help="Comma-separated: no-interaction, reject, accept, gpc; each visits every page in its own browser.")
    ] = "no-interaction,reject,accept,gpc",
    resolve: opt.Resolve = None,
    trust_cert: opt.TrustCert = None,
    ignore_https_errors: opt.IgnoreHttpsErrors = False,
    user_agent: opt.UserAgent = None,
    timeout: opt.PageTimeout = 30.0,
    wait: opt.PageWait = 5.0,
    header: opt.Header = None,
    http_credentials: opt.HttpCredentials = None,
    fail_on: opt.FailOn = "high",
    fmt: Annotated[str, typer.Option("--format", "-f", envvar="PIXELAUDIT_FORMAT",
                                     help="Outputs, comma-separated: json, html, csv.")] = "json,html",
    block_third_party_cookies: Annotated[bool, typer.Option(
        "--block-third-party-cookies", envvar="PIXELAUDIT_BLOCK_THIRD_PARTY_COOKIES",
        help="Audit a stricter browser that blocks third-party cookies.")] = False,
    chromium: opt.Chromium = None,
    rules: Annotated[list[Path] | None, typer.Option(
        "--rules", envvar="PIXELAUDIT_RULES", help="Extra tracker rules: a YAML file or folder (repeatable).")] = None,
    filter_list: opt.FilterList = None,
    heuristics: opt.Heuristics = True,
    accept_selector: Annotated[str | None, typer.Option("--accept-selector", envvar="PIXELAUDIT_ACCEPT_SELECTOR",
                                                        help="CSS selector of your banner's accept button.")] = None,
    reject_selector: Annotated[str | None, typer.Option("--reject-selector", envvar="PIXELAUDIT_REJECT_SELECTOR",
                                                        help="CSS selector of your banner's reject button.")] = None,
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", envvar="PIXELAUDIT_CONCURRENCY", min=1,
        help="Browser contexts visiting pages at once in the no-interaction scenario's crawl "
             "[default: usable CPU cores]; consent scenarios use one context each.")] = None,
    recycle_after: Annotated[int, typer.Option(
        "--recycle-after", envvar="PIXELAUDIT_RECYCLE_AFTER", min=1,
        help="Relaunch each scenario's browser after this many pages (and after a crash) to keep memory flat; "
             "consent scenarios keep their profile and cookies, so the choice holds.")] = 50,
    retries: Annotated[int, typer.Option(
        "--retries", envvar="PIXELAUDIT_RETRIES", min=0,
        help="Retry a page whose navigation failed for a network reason (not an HTTP status), with backoff.")
    ] = 1,
    resume: Annotated[bool, typer.Option(
        "--resume", envvar="PIXELAUDIT_RESUME",
        help="Go on with the interrupted crawl in --out (same URL and options): pages done are kept, not revisited.")
    ] = False,
    baseline: Baseline = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the result line.")] = False,
) -> None:
    """Crawl a site (links, sitemap.xml, robots.txt) and audit every page in each scenario; writes
    findings.json, report.html and pages.csv (one row per page) at the end and pages.jsonl as each page finishes."""
    from pixelaudit.baseline import Gate
    from pixelaudit.browser import BrowserNotFound
    from pixelaudit.classify import Knowledge
    from pixelaudit.crawl.run import PAGES_TABLE, CrawlConfig, ResumeError, crawl_site, usable_cores
    from pixelaudit.crawl.urls import PatternError, UrlFilter
    from pixelaudit.filterlist import load_filter_list
    from pixelaudit.report import write_reports
    from pixelaudit.result import to_dict
    from pixelaudit.rules import RuleError, bundled_rules_dir, load_rules

    try:
        target = parse_target(url)
        if resume and out is None:
            raise ConfigError("--resume needs --out: the folder of the crawl to go on with")
        if scope not in ("host", "site"):
            raise ConfigError(f"--scope {scope!r}: choose from host, site")
        UrlFilter(tuple(include or ()), tuple(exclude or ()))  # a bad pattern fails now, not mid-crawl
        config = ScanConfig(
            target=target, out_dir=out or default_out_dir(target),
            resolve=tuple(parse_resolve(r) for r in resolve or ()), ignore_https_errors=ignore_https_errors,
            trust_certs=tuple(_checked_cert(c) for c in trust_cert or ()), user_agent=user_agent,
            headers=tuple(parse_header(h) for h in header or ()),
            credentials=parse_credentials(http_credentials, target) if http_credentials else None,
            timeout=timeout, wait=wait, fail_on=check_fail_on(fail_on), formats=parse_formats(fmt),
            block_third_party_cookies=block_third_party_cookies, chromium=chromium, rules=tuple(rules or ()),
            scenarios=parse_scenarios(scenarios), accept_selector=accept_selector, reject_selector=reject_selector)
        crawl_config = CrawlConfig(config, max_pages=max_pages, max_depth=depth, scope=scope,  # type: ignore[arg-type]
                                   include=tuple(include or ()), exclude=tuple(exclude or ()),
                                   respect_robots=respect_robots, resume=resume,
                                   concurrency=concurrency or usable_cores(), recycle_after=recycle_after,
                                   retries=retries)
        knowledge = Knowledge(load_rules([bundled_rules_dir() / "trackers", *config.rules]),
                              tuple(load_filter_list(p) for p in filter_list or ()), heuristics)
        gate = Gate.load(baseline) if baseline else None  # a bad file stops here, before the crawl
    except (ConfigError, PatternError, RuleError) as exc:
        _fail(str(exc))
    with Progress(quiet) as progress:
        try:
            result = asyncio.run(crawl_site(crawl_config, knowledge, progress))
        except BrowserNotFound as exc:
            _fail(str(exc), 3)
        except ResumeError as exc:
            _fail(str(exc))
        data = judge(to_dict(result), file_config().policy, gate)
        try:
            written = write_reports(data, config.out_dir, config.formats)
        except OSError as exc:
            _fail(f"cannot write the report to {config.out_dir}: {exc.strerror or exc}")
        written.append(config.out_dir / PAGES_TABLE)  # crawl_site wrote it from pages.jsonl
    for error in data["errors"]:
        typer.echo(f"pixelaudit: error: {error['message']}", err=True)
    typer.echo(f"crawled {len({p['url'] for p in data['pages']})} pages in {len(data['scenarios'])} scenario(s); "
               f"pages.jsonl in {config.out_dir}")
    _print_summary(data, written, quiet)
    if gate is not None:
        typer.echo("\n".join(gate.lines(data, quiet)))
    from pixelaudit.ci_output import publish

    publish(data, config.out_dir, None)  # the Markdown summary to $GITHUB_STEP_SUMMARY, when set
    raise typer.Exit(exit_code(gate.gated(data) if gate else data, config.fail_on))


def crawl_from_scan(url: str, refused: dict[str, object], **options) -> None:
    """`scan URL --max-pages N [--depth D]`: the crawl of URL with scan's options (the crawl's own, such as
    --scope or --concurrency, at their defaults); ``refused``: scan options given that mean nothing in a crawl."""
    from pixelaudit.cli_mail import is_mail_target

    given = [flag for flag, value in refused.items() if value]
    if is_mail_target(url):
        given.insert(0, "an e-mail target")
    if given:
        _fail(f"--max-pages above 1 crawls a site; it does not go with {', '.join(given)}")
    crawl(url, **options)
