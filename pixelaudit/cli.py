"""Command line: flags (each also a PIXELAUDIT_* variable and a [tool.pixelaudit] key) → frozen config →
library → exit code. No scanning logic lives here.

Exit codes: 0 nothing at/above --fail-on, 1 findings at/above it, 2 usage or configuration error,
3 scan incomplete (the target could not be audited fully; the report lists why).
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from pixelaudit import __version__
from pixelaudit.cli_rules import rules_app
from pixelaudit.config import (
    ConfigError,
    at_or_above,
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


from pixelaudit.cli_scan import EPILOG, scan  # noqa: E402  (it uses the helpers above)

app.command(epilog=EPILOG)(scan)
app.add_typer(rules_app, name="rules")

from pixelaudit.cli_crawl import crawl  # noqa: E402

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
