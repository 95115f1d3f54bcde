"""`pixelaudit report FINDINGS_JSON --format ...`: re-render reports offline from a findings.json alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pixelaudit.config import ConfigError, parse_formats


def _fail(message: str) -> None:
    typer.echo(f"pixelaudit: error: {message}", err=True)
    raise typer.Exit(2)


def load_result(path: Path) -> dict:
    """A findings.json as a dict; a missing, unreadable or non-JSON file is a ConfigError with one line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings", []), list):
        raise ConfigError(f"{path}: not a pixelaudit findings.json (expected an object with a findings list)")
    return data


def report(
    findings_json: Annotated[Path, typer.Argument(help="A findings.json written by pixelaudit scan/crawl.",
                                                  show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f", help="Outputs, comma-separated: html, md, sarif, "
                                     "junit, csv, json, pdf.")] = "html",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Output folder [default: the folder of "
                                             "FINDINGS_JSON].")] = None,
) -> None:
    """Re-render reports from a findings.json alone, offline (no network; pdf prints the HTML through Chromium)."""
    from pixelaudit.report import write_reports

    try:
        formats = parse_formats(fmt)
        data = load_result(findings_json)
    except ConfigError as exc:
        _fail(str(exc))
    out_dir = out if out is not None else findings_json.parent
    if "json" in formats and (out_dir / "findings.json").resolve() == findings_json.resolve():
        formats = tuple(f for f in formats if f != "json")  # it is the source: never rewrite it in place
    try:
        written = write_reports(data, out_dir, formats)
    except OSError as exc:
        _fail(f"cannot write the report to {out_dir}: {exc.strerror or exc}")
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        # a format that needs a field this findings.json lacks (hand-made or from another version)
        _fail(f"{findings_json}: cannot render it, a field is missing or malformed ({type(exc).__name__}: {exc})")
    for path in written:
        typer.echo(f"wrote {path}")
