"""Command line: flags (each also a PIXELAUDIT_* variable and a [tool.pixelaudit] key) → frozen config →
library → exit code. No scanning logic lives here.

Exit codes: 0 nothing at/above --fail-on, 1 findings at/above it, 2 usage or configuration error,
3 scan incomplete (the target could not be audited fully; the report lists why).
"""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from pixelaudit import __version__
from pixelaudit import cli_options as opt
from pixelaudit.cli_baseline import Baseline
from pixelaudit.cli_rules import rules_app
from pixelaudit.config import (
    ConfigError,
    ScanConfig,
    at_or_above,
    check_fail_on,
    parse_credentials,
    parse_formats,
    parse_header,
    parse_resolve,
    parse_scenarios,
    parse_target,
)
from pixelaudit.config_file import FileConfig, read_config

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3

app = typer.Typer(
    help="Audit what a web page tracks: requests, tracking pixels, known trackers, cookies and storage, "
         "as a typical visitor's browser sees them.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pixelaudit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(ctx: typer.Context,
          version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False) -> None:
    """pixelaudit: privacy auditing crawler and tracking-pixel detector."""
    _read_config.clear()
    config = file_config()  # checked at start, whatever the command: a bad file fails now
    # [tool.pixelaudit] values become defaults; flags and PIXELAUDIT_* variables still win.
    ctx.default_map = _command_defaults(ctx, config) if config.options else None


_read_config: list[FileConfig] = []  # this invocation's reading of the config file (the root callback's)


def file_config() -> FileConfig:
    """The config file's options, targets and policy, read once per invocation (by the root callback)."""
    if not _read_config:
        try:
            _read_config.append(read_config(Path.cwd()))
        except ConfigError as exc:
            _fail(str(exc))
    return _read_config[0]


def _command_defaults(ctx: typer.Context, file_config: FileConfig) -> dict:
    """[tool.pixelaudit] keys as defaults of `scan`, `crawl` and `batch`, each taking the keys it has options for
    (`scope` only reaches crawl, `jobs` only batch); a key none of them has is an error, not ignored."""
    renamed = {"format": "fmt"}
    never = {"url", "sites_file", "quiet", "json_out"}  # arguments, and what only a person at a terminal wants
    params = {name: {p.name for p in ctx.command.commands[name].params} - never for name in ("scan", "crawl", "batch")}
    known = set().union(*params.values())
    defaults: dict[str, dict] = {name: {} for name in params}
    for key, value in file_config.options.items():
        name = renamed.get(key, key)
        if name not in known:
            _fail(f"{file_config.path}: unknown key {key!r}; known: "
                  f"{', '.join(sorted(k.replace('_', '-') for k in known - {'fmt'} | {'format', 'targets'}))}"
                  ", and a [policy] table")
        value = ",".join(value) if name == "fmt" and isinstance(value, list) else value
        for command, names in params.items():
            if name in names:
                defaults[command][name] = value
    return defaults


def _fail(message: str, code: int = EXIT_USAGE):
    typer.echo(f"pixelaudit: error: {message}", err=True)
    raise typer.Exit(code)


class Progress:
    """A spinner on a terminal, plain lines otherwise, nothing with --quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.status = None
        if not quiet and sys.stderr.isatty():
            from rich.console import Console

            self.status = Console(stderr=True).status("starting")

    def __call__(self, message: str) -> None:
        if self.quiet:
            return
        if self.status is not None:
            self.status.update(message)
        else:
            typer.echo(message, err=True)

    def __enter__(self) -> Progress:
        if self.status is not None:
            self.status.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.status is not None:
            self.status.stop()


def default_out_dir(target: str) -> Path:
    """reports/<host>-<UTC timestamp>."""
    host = re.sub(r"[^A-Za-z0-9.-]+", "_", target.split("://", 1)[-1].split("/", 1)[0]) or "target"
    return Path("reports") / f"{host[:80]}-{datetime.now(UTC):%Y%m%d-%H%M%S}"


def exit_code(result: dict, fail_on: str) -> int:
    """Incomplete beats findings: an audit that did not finish cannot pass; findings the policy allowed never fail."""
    if not result["complete"]:
        return EXIT_INCOMPLETE
    if any(at_or_above(f["severity"], fail_on) and f.get("policy") != "allowed" for f in result["findings"]):
        return EXIT_FINDINGS
    return EXIT_OK


@app.command(epilog="""Examples:\n\n
  pixelaudit scan https://www.example.com/\n\n
  pixelaudit scan https://staging.example.com/ --out reports/staging --resolve 'staging.example.com=10.0.0.5'
  --http-credentials "$STAGING_USER:$STAGING_PASS" --fail-on high\n\n
  pixelaudit scan https://shop.test/ --resolve '*=127.0.0.1:8443' --trust-cert certs/leaf.pem --format json,html,csv""")
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
    if baseline and (targets or is_mail_target(url)):
        _fail("--baseline works with one site URL (not with e-mail or `targets`) for now")
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

        try:
            formats, level = parse_formats(fmt), check_fail_on(fail_on)
        except ConfigError as exc:
            _fail(str(exc))
        mail_out = out or default_out_dir(Path(url).name)
        with Progress(quiet) as progress:
            code = cli_mail.run(url, out=mail_out, live=live, identities=tuple(identity or ()),
                                formats=ci_output.with_json(formats, json_out), fail_on=level,
                                resolve=list(resolve or ()), chromium=chromium, rules_paths=tuple(rules or ()),
                                timeout=timeout, quiet=quiet, progress=progress, exit_code=exit_code)
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

        raise typer.Exit(scan_targets(config, targets, knowledge, out, quiet))
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


def judge(data: dict, policy, gate) -> dict:
    """findings.json with the config file's policy applied, then the baseline (which sees the policy's
    severities); before any report is written, so every format shows both."""
    if policy is not None:
        from pixelaudit.policy import apply_policy

        data = apply_policy(data, policy)
    return gate.apply(data) if gate is not None else data


def _checked_cert(path: Path) -> Path:
    """A --trust-cert file that exists and holds a certificate (checked now, not at browser launch)."""
    from pixelaudit.browser import spki_hash

    if not path.is_file():
        raise ConfigError(f"--trust-cert {path}: no such file")
    try:
        spki_hash(path)
    except (ValueError, OSError) as exc:
        raise ConfigError(f"--trust-cert {path}: not a PEM or DER certificate ({exc})") from None
    return path


def _print_summary(data: dict, written: list[Path], quiet: bool) -> None:
    s = data["summary"]
    f = s["findings"]
    state = "complete" if data["complete"] else "INCOMPLETE"
    typer.echo(f"{data['target']}: scan {state}; {s['requests']} requests ({s['third_party_requests']} third-party), "
               f"{s['trackers']} tracker vendors, {s['pixels']} tracking pixels, {s['cookies']} cookies; findings: "
               f"{f['high']} high, {f['medium']} medium, {f['low']} low, {f['info']} info")
    if quiet:
        return
    for click in data["consent"].get("clicks", []):
        did = f"clicked {click['button_text']!r} ({click['method']})" if click["clicked"] else click["note"]
        found = "found" if click["banner_found"] else "not found"
        typer.echo(f"  consent [{click['scenario']}]: banner {found}; {did}")
    grouped: dict[tuple[str, str, str], dict] = {}
    for finding in data["findings"]:  # one line per (severity, type, host), with the scenarios it showed in
        if finding["severity"] != "info":
            key = (finding["severity"], finding["type"], finding["host"] or "")
            grouped.setdefault(key, {"first": finding, "scenarios": []})["scenarios"].append(finding["scenario"])
    for (severity, ftype, _host), group in grouped.items():
        typer.echo(f"  [{severity}] {ftype} in {', '.join(group['scenarios'])}: {group['first']['message']}")
    for path in written:
        typer.echo(f"  wrote {path}")


app.add_typer(rules_app, name="rules")

from pixelaudit.cli_crawl import crawl  # noqa: E402  (it uses the helpers above)

app.command()(crawl)
from pixelaudit.cli_batch import batch  # noqa: E402

app.command()(batch)
from pixelaudit.cli_verify import verify  # noqa: E402

app.command()(verify)
from pixelaudit.cli_report import report  # noqa: E402

app.command()(report)
from pixelaudit.cli_baseline import baseline_app, diff  # noqa: E402

app.add_typer(baseline_app, name="baseline")
app.command()(diff)


@app.command()
def doctor(chromium: Annotated[str | None, typer.Option("--chromium", envvar="PIXELAUDIT_CHROMIUM")] = None) -> None:
    """Check Python, Playwright, Chromium and the rules; print what is wrong and the fix."""
    from pixelaudit.doctor import run_doctor

    raise typer.Exit(run_doctor(chromium, typer.echo))


@app.command("install-browser")
def install_browser_cmd() -> None:
    """Install a Chromium pixelaudit can drive (Debian's package when root with apt)."""
    from pixelaudit.browser import BrowserNotFound, install_browser

    try:
        info = install_browser(typer.echo)
    except BrowserNotFound as exc:
        _fail(str(exc), EXIT_INCOMPLETE)
    typer.echo(f"Chromium ready: {info.path} ({info.version})")


@app.command()
def demo(out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("reports/demo"),
         quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False) -> None:
    """Serve the bundled demo shop on loopback under its real-looking hostnames and scan it."""
    from pixelaudit.demo import run_demo

    raise typer.Exit(run_demo(out, quiet))


def main() -> None:
    """Console-script entry point: a bug shows as one line plus where to report it, not a traceback."""
    try:
        app(prog_name="pixelaudit")
    except KeyboardInterrupt:
        typer.echo("pixelaudit: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug of ours: say so in one line; PIXELAUDIT_DEBUG=1 shows the traceback
        import os

        if os.environ.get("PIXELAUDIT_DEBUG"):
            raise
        typer.echo(f"pixelaudit: internal error: {type(exc).__name__}: {exc} "
                   "(set PIXELAUDIT_DEBUG=1 for the traceback and please report it)", err=True)
        sys.exit(EXIT_INCOMPLETE)
