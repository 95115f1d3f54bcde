"""`pixelaudit scan PATH` for e-mails: flags → MailConfig → scan → reports → exit code. No logic here."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from pixelaudit.config import ConfigError, parse_resolve

MAIL_SUFFIXES = (".eml", ".html", ".htm", ".mbox", ".mbx")
LIVE_WARNING = ("pixelaudit: warning: --live loads remote content for real: senders will see these mails as "
                "opened, and following their links counts as clicks")


def is_mail_target(target: str) -> bool:
    """A path to scan as e-mail: an existing file or folder, or a name with an e-mail file suffix."""
    if "://" in target:
        return False
    path = Path(target)
    return path.suffix.lower() in MAIL_SUFFIXES or path.is_dir() or (path.is_file() and "." in path.name)


def _writer(formats: tuple[str, ...]):
    from pixelaudit.report import write_reports

    def write(data: dict, out_dir: Path, screenshot: bytes | None) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        if screenshot:  # first, so the HTML report can inline it
            (out_dir / "mail.png").write_bytes(screenshot)
            written.append(out_dir / "mail.png")
        return written + write_reports(data, out_dir, formats)

    return write


def run(target: str, *, out: Path, live: bool, identities: tuple[str, ...], formats: tuple[str, ...],
        fail_on: str, resolve: list[str], chromium: str | None, rules_paths: tuple[Path, ...], timeout: float,
        quiet: bool, progress, exit_code, policy=None, gate=None) -> int:
    """Scan e-mails at `target`; print the outcome; return the exit code. The config file's `policy` applies to
    every message and the baseline `gate` to the result at the top (a lone message, or a batch's index, whose
    findings name their mails), both through baseline.judge as for web scans."""
    from pixelaudit.baseline import judge
    from pixelaudit.browser import BrowserNotFound, find_chromium
    from pixelaudit.classify import Knowledge
    from pixelaudit.mail.scan import MailConfig, scan_mail
    from pixelaudit.rules import RuleError, bundled_rules_dir, load_rules
    from pixelaudit.scan import rules_info

    path = Path(target)
    if not path.exists():
        typer.echo(f"pixelaudit: error: {target}: no such file or folder", err=True)
        return 2
    try:
        rules = load_rules([bundled_rules_dir() / "trackers", *rules_paths])
        mappings = tuple(parse_resolve(r) for r in resolve)
        browser = find_chromium(chromium)
    except (ConfigError, RuleError) as exc:
        typer.echo(f"pixelaudit: error: {exc}", err=True)
        return 2
    except BrowserNotFound as exc:
        typer.echo(f"pixelaudit: error: {exc}", err=True)
        return 3
    if live:
        typer.echo(LIVE_WARNING, err=True)
    options = {"live": live, "identities": list(identities), "formats": list(formats), "fail_on": fail_on,
               "timeout": timeout}
    config = MailConfig(path=path, out_dir=out, live=live, identities=identities, formats=formats,
                        timeout=timeout, resolve=mappings, options=options)

    def judged(data: dict, top: bool) -> dict:
        return judge(data, policy, gate if top else None)

    try:
        data, written = asyncio.run(scan_mail(config, rules, rules_info=rules_info(Knowledge(rules, (), False)),
                                              write=_writer(formats), chromium=browser, progress=progress,
                                              judge=judged))
    except OSError as exc:
        typer.echo(f"pixelaudit: error: cannot write the report to {out}: {exc.strerror or exc}", err=True)
        return 3
    for error in data["errors"]:
        typer.echo(f"pixelaudit: error: {error['message']}", err=True)
    _print(data, written, quiet, out)
    if gate is not None:
        typer.echo("\n".join(gate.lines(data, quiet)))
    return exit_code(gate.gated(data) if gate is not None else data, fail_on)


def _print(data: dict, written: list[Path], quiet: bool, out: Path) -> None:
    s, f = data["summary"], data["summary"]["findings"]
    counts = f"findings: {f['high']} high, {f['medium']} medium, {f['low']} low"
    if data.get("batch"):
        typer.echo(f"{data['target']}: {s['messages']} messages ({s['unreadable']} unreadable or failed); "
                   f"{s['with_pixels']} with open pixels, {s['with_click_tracking']} with click tracking, "
                   f"{s['with_leaks']} leak the recipient's address; {counts}")
    else:
        platform = (data["email"].get("platform") or {}).get("vendor") or "no platform named"
        typer.echo(f"{data['target']}: {platform}; {s['pixels']} open pixels, {s['click_tracking_links']} "
                   f"click-tracking links, {s['third_party_remote']} third-party remote items, {s['leaks']} "
                   f"address leaks; {counts}")
    if quiet:
        return
    if not data.get("batch"):
        for finding in data["findings"]:
            typer.echo(f"  [{finding['severity']}] {finding['type']}: {finding['message']}{_policy_note(finding)}")
    typer.echo(f"  wrote {len(written)} files under {out}")
    report = out / "report.html"
    if report.is_file():
        typer.echo(f"Open the report: {report.resolve()}")


def _policy_note(finding: dict) -> str:
    """What the config file's policy did to a finding, as the report says it."""
    was = f", was {finding['severity_was']}" if finding.get("severity_was") else ""
    if finding.get("policy") == "allowed":
        return f" (allowed by policy{was})"
    return f" (severity set by policy{was})" if finding.get("policy") == "severity" and was else ""
