"""`pixelaudit scan`: flags → ScanConfig → scan (a page, e-mails, a crawl with --max-pages, or the config
file's targets) → policy and baseline → reports → exit code. No scanning logic lives here."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from pixelaudit import cli_options as opt
from pixelaudit.baseline import judge
from pixelaudit.cli import (
    EXIT_USAGE,
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

EPILOG = """Examples:\n\n
  pixelaudit scan https://www.example.com/\n\n
  pixelaudit scan https://staging.example.com/ --out reports/staging --resolve 'staging.example.com=10.0.0.5'
  --http-credentials "$STAGING_USER:$STAGING_PASS" --fail-on high\n\n
  pixelaudit scan https://shop.test/ --resolve '*=127.0.0.1:8443' --trust-cert certs/leaf.pem --format json,html,csv"""


def scan(
    url: Annotated[str | None, typer.Argument(
        help="Page to audit (http:// or https://; a bare host gets https://), or e-mail: a .eml, .html or "
             ".mbox file, a Maildir, or a folder of these [default: every `targets` entry of pixelaudit.toml "
             "or [tool.pixelaudit], each into OUT/<host>/].", show_default=False)] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", envvar="PIXELAUDIT_OUT",
                                             help="Output folder [default: reports/<host>-<time>].")] = None,
    resolve: opt.Resolve = None,
    ignore_https_errors: opt.IgnoreHttpsErrors = False,
    trust_cert: opt.TrustCert = None,
    header: opt.Header = None,
    http_credentials: opt.HttpCredentials = None,
    user_agent: opt.UserAgent = None,
    timeout: Annotated[float, typer.Option("--timeout", envvar="PIXELAUDIT_TIMEOUT", min=1,
                                           help="Seconds for the page to load.")] = 30.0,
    wait: Annotated[float, typer.Option("--wait", envvar="PIXELAUDIT_WAIT", min=0,
                                        help="At most this many seconds for the network to go quiet.")] = 5.0,
    fail_on: opt.FailOn = "high",
    fmt: Annotated[str, typer.Option("--format", "-f", envvar="PIXELAUDIT_FORMAT",
                                     help="Comma-separated: json, html, csv, sarif, junit, md, pdf.")] = "json,html",
    pdf: Annotated[bool, typer.Option(
        "--pdf", envvar="PIXELAUDIT_PDF", help="Also write report.pdf: report.html printed by Chromium (A4).")] = False,
    block_third_party_cookies: Annotated[bool, typer.Option(
        "--block-third-party-cookies", envvar="PIXELAUDIT_BLOCK_THIRD_PARTY_COOKIES",
        help="Audit a stricter browser that blocks third-party cookies (default: allowed, as most visitors).")
    ] = False,
    chromium: opt.Chromium = None,
    rules: Annotated[list[Path] | None, typer.Option(
        "--rules", envvar="PIXELAUDIT_RULES", help="Extra tracker rules: a YAML file or folder (repeatable).")] = None,
    filter_list: opt.FilterList = None,
    scenarios: Annotated[str, typer.Option(
        "--scenarios", envvar="PIXELAUDIT_SCENARIOS",
        help="Comma-separated, each in a fresh browser, run concurrently: no-interaction, reject, accept, gpc.")
    ] = "no-interaction,reject,accept,gpc",
    accept_selector: Annotated[str | None, typer.Option(
        "--accept-selector", envvar="PIXELAUDIT_ACCEPT_SELECTOR",
        help="CSS selector of your banner's accept button (for in-house banners).")] = None,
    reject_selector: Annotated[str | None, typer.Option(
        "--reject-selector", envvar="PIXELAUDIT_REJECT_SELECTOR",
        help="CSS selector of your banner's reject button.")] = None,
    second_page: Annotated[str | None, typer.Option(
        "--second-page", envvar="PIXELAUDIT_SECOND_PAGE",
        help="Page visited after the consent choice [default: the first same-site link].")] = None,
    heuristics: opt.Heuristics = True,
    live: Annotated[bool, typer.Option(
        "--live", envvar="PIXELAUDIT_LIVE",
        help="E-mail: load remote content for real (real sizes and redirects; marks mails opened).")] = False,
    identity: Annotated[list[str] | None, typer.Option(
        "--identity", envvar="PIXELAUDIT_IDENTITY",
        help="E-mail: the recipient address to search for leaks [default: Delivered-To / To].")] = None,
    evidence: Annotated[bool, typer.Option(
        "--evidence", envvar="PIXELAUDIT_EVIDENCE",
        help="Also keep evidence: OUT/evidence/ with a HAR per scenario (credentials redacted), a full-page "
             "screenshot and the HTML of each page, and OUT/manifest.json with the SHA-256 of every file "
             "(check it later with `pixelaudit verify OUT`).")] = False,
    baseline: Baseline = None,
    json_out: Annotated[bool, typer.Option(
        "--json", help="Also print findings.json to stdout (every other line goes to stderr).")] = False,
    max_pages: Annotated[int, typer.Option(
        "--max-pages", envvar="PIXELAUDIT_MAX_PAGES", min=1,
        help="Above 1: crawl up to this many same-site pages (links, sitemap.xml) in every scenario, as "
             "`pixelaudit crawl` does (its other options: `pixelaudit crawl --help`).")] = 1,
    depth: Annotated[int, typer.Option("--depth", envvar="PIXELAUDIT_DEPTH", min=0,
                                       help="With --max-pages: link depth from the start page.")] = 3,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the result line.")] = False,
) -> None:
    """Load URL (or render e-mails) in headless Chromium and write findings.json and report.html."""
    fmt = f"{fmt},pdf" if pdf else fmt  # the same as --format ...,pdf
    from pixelaudit import ci_output
    from pixelaudit.cli_mail import is_mail_target

    json_stdout = ci_output.json_stdout(json_out)  # --json; $GITHUB_STEP_SUMMARY is written at the end too

    targets = () if url else file_config().targets
    if not url and not targets:
        _fail("give a URL to scan, or list targets = [\"https://...\"] in pixelaudit.toml or [tool.pixelaudit]")
    url = url or targets[0]
    if max_pages > 1:
        from pixelaudit.cli_crawl import crawl_from_scan

        refused = {"--second-page": second_page, "--live": live, "--identity": identity, "--evidence": evidence,
                   "--json": json_out, "targets in the config file": targets}
        crawl_from_scan(url, refused, out=out, max_pages=max_pages, depth=depth, scenarios=scenarios, baseline=baseline,
                        resolve=resolve, trust_cert=trust_cert, ignore_https_errors=ignore_https_errors,
                        user_agent=user_agent, timeout=timeout, wait=wait, header=header,
                        http_credentials=http_credentials, fail_on=fail_on, fmt=fmt,
                        block_third_party_cookies=block_third_party_cookies, chromium=chromium, rules=rules,
                        filter_list=filter_list, heuristics=heuristics, accept_selector=accept_selector,
                        reject_selector=reject_selector, quiet=quiet)
    if is_mail_target(url):
        from pixelaudit import cli_mail
        from pixelaudit.baseline import Gate

        try:
            formats, level = parse_formats(fmt), check_fail_on(fail_on)
            mail_gate = Gate.load(baseline) if baseline else None  # a bad file stops here, before the scan
        except ConfigError as exc:
            _fail(str(exc))
        mail_out = out or default_out_dir(Path(url).name)
        with Progress(quiet) as progress:
            code = cli_mail.run(url, out=mail_out, live=live, identities=tuple(identity or ()),
                                formats=ci_output.with_json(formats, json_out), fail_on=level,
                                resolve=list(resolve or ()), chromium=chromium, rules_paths=tuple(rules or ()),
                                timeout=timeout, quiet=quiet, progress=progress, exit_code=exit_code,
                                policy=file_config().policy, gate=mail_gate)
        ci_output.publish(None, mail_out, json_stdout)
        raise typer.Exit(code)
    from pixelaudit.browser import BrowserNotFound
    from pixelaudit.classify import Knowledge
    from pixelaudit.filterlist import load_filter_list
    from pixelaudit.report import write_banner_screenshots, write_reports
    from pixelaudit.rules import RuleError, bundled_rules_dir, load_rules
    from pixelaudit.scan import failed_result, scan_site

    started = datetime.now(UTC)
    bad_url = None
    try:
        try:
            target = parse_target(url)
        except ConfigError as exc:  # still written to a report below, with exit code 2
            target, bad_url = url, exc
        config = ScanConfig(
            target=target, out_dir=out or default_out_dir(target), evidence=evidence,
            resolve=tuple(parse_resolve(r) for r in resolve or ()), ignore_https_errors=ignore_https_errors,
            trust_certs=tuple(_checked_cert(c) for c in trust_cert or ()),
            headers=tuple(parse_header(h) for h in header or ()),
            credentials=parse_credentials(http_credentials, target) if http_credentials and not bad_url else None,
            user_agent=user_agent, timeout=timeout, wait=wait, fail_on=check_fail_on(fail_on),
            formats=parse_formats(fmt), block_third_party_cookies=block_third_party_cookies, chromium=chromium,
            rules=tuple(rules or ()), scenarios=parse_scenarios(scenarios), accept_selector=accept_selector,
            reject_selector=reject_selector, second_page=parse_target(second_page) if second_page else None,
            policy=file_config().policy)
        from pixelaudit.baseline import Gate

        gate = Gate.load(baseline) if baseline else None  # a bad file stops here, before the scan
        knowledge = Knowledge(load_rules([bundled_rules_dir() / "trackers", *config.rules]),
                              tuple(load_filter_list(p) for p in filter_list or ()), heuristics)
    except (ConfigError, RuleError) as exc:
        _fail(str(exc))
    if targets:
        from pixelaudit.cli_targets import scan_targets

        raise typer.Exit(scan_targets(replace(config, baseline=baseline), targets, knowledge, out, quiet,
                                      json_stdout))
    with Progress(quiet) as progress:
        if bad_url is not None:
            result = failed_result(config, knowledge, "invalid-url", str(bad_url), started)
        else:
            if config.evidence:
                from pixelaudit.cli_verify import prepare_evidence

                prepare_evidence(config.out_dir)
            try:
                result = asyncio.run(scan_site(config, knowledge, progress))
            except BrowserNotFound as exc:
                result = failed_result(config, knowledge, "browser-missing", str(exc), started)
        from pixelaudit.result import to_dict

        data = judge(to_dict(result), config.policy, gate)
        try:
            written = write_banner_screenshots(result.clicks, config.out_dir)
            written += write_reports(data, config.out_dir, config.formats)
            if config.evidence:  # last: it hashes every file written above
                from pixelaudit.evidence import write_manifest

                manifest_path, manifest_sha256 = write_manifest(config.out_dir, written, data)
                written.append(manifest_path)
        except OSError as exc:
            _fail(f"cannot write the report to {config.out_dir}: {exc.strerror or exc}")
    for error in data["errors"]:
        typer.echo(f"pixelaudit: error: {error['message']}", err=True)
    _print_summary(data, written, quiet)
    if gate is not None:
        typer.echo("\n".join(gate.lines(data, quiet)))
    if config.evidence:
        from pixelaudit.cli_verify import echo_evidence

        echo_evidence(config.out_dir, manifest_sha256, quiet)
    ci_output.publish(data, config.out_dir, json_stdout)
    raise typer.Exit(EXIT_USAGE if bad_url is not None else exit_code(gate.gated(data) if gate else data,
                                                                       config.fail_on))
