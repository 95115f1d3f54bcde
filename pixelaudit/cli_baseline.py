"""`pixelaudit baseline create` and `pixelaudit diff OLD NEW` (the CI gate's accepted findings and changes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pixelaudit.baseline import BaselineError

baseline_app = typer.Typer(help="Accept a scan's findings as a baseline, so `scan --baseline` fails only on new ones.",
                           no_args_is_help=True, rich_markup_mode=None)

Baseline = Annotated[Path | None, typer.Option(
    "--baseline", envvar="PIXELAUDIT_BASELINE",
    help="Baseline file (from `pixelaudit baseline create`): only findings not in it count for --fail-on; "
         "findings.json marks each finding new/known and lists what disappeared.")]


def _fail(message: str):
    typer.echo(f"pixelaudit: error: {message}", err=True)
    raise typer.Exit(2)


def read_result(path: Path) -> dict:
    """A findings.json (or the folder holding one), or a one-line error and exit 2."""
    path = path / "findings.json" if path.is_dir() else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(f"{path}: no such file")
    except OSError as exc:
        _fail(f"{path}: cannot read it ({exc.strerror or exc})")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(f"{path}: not JSON ({exc})")
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        _fail(f"{path}: not a pixelaudit findings.json (no findings list)")
    return data


def read_targets(folder: Path) -> list[dict] | None:
    """Every target's findings.json of a config `targets` (or batch) output folder, in its batch.json order;
    None when `folder` is not one. Sites are found by folder name, so a moved folder still reads."""
    index = folder / "batch.json"
    if not folder.is_dir() or (folder / "findings.json").exists() or not index.is_file():
        return None
    try:
        sites = json.loads(index.read_text(encoding="utf-8"))["sites"]
        names = [Path(site["out_dir"]).name for site in sites]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        _fail(f"{index}: not a pixelaudit batch index ({exc})")
    if not names:
        _fail(f"{index}: lists no sites")
    return [read_result(folder / name) for name in names]


@baseline_app.command("create", epilog="""Examples:\n\n
  pixelaudit baseline create reports/staging/findings.json -o pixelaudit-baseline.json\n\n
  pixelaudit baseline create reports/staging/findings.json -o pixelaudit-baseline.json --update\n\n
  pixelaudit baseline create reports/targets -o pixelaudit-baseline.json   (config `targets`: every site)""")
def create_cmd(
    findings: Annotated[Path, typer.Argument(
        help="findings.json of a scan (or its folder) whose findings you accept; or the output folder of "
             "config `targets` or `batch` (with batch.json): one baseline, each site's entries its own.")],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Baseline file to write.")] = Path("pixelaudit-baseline.json"),
    update: Annotated[bool, typer.Option(
        "--update", help="Rewrite an existing baseline: entries that remain keep their reason/accepted_by.")] = False,
) -> None:
    """Write a baseline accepting every finding of FINDINGS (one entry per stable fingerprint; fill in
    `reason` and `accepted_by` when you review it). Exit 0, or 2 on a usage error."""
    from pixelaudit import baseline

    several = read_targets(findings)
    result = read_result(findings) if several is None else {"complete": all(r.get("complete", True)
                                                                            for r in several)}
    previous = None
    if out.exists():
        if not update:
            _fail(f"{out} exists; use --update to rewrite it keeping reviewers' notes, or remove it")
        try:
            previous = baseline.load(out)
        except BaselineError as exc:
            _fail(str(exc))
    made = baseline.create(result, previous=previous) if several is None else \
        baseline.create_many(several, previous=previous)
    try:
        baseline.write(made, out)
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}")
    if not result.get("complete", True):
        typer.echo(f"pixelaudit: warning: {findings} is an incomplete scan; the baseline may miss findings",
                   err=True)
    before = {(e.get("target"), e["fingerprint"]) for e in (previous or {}).get("findings", [])}
    after = {(e.get("target"), e["fingerprint"]) for e in made["findings"]}
    change = f" ({len(after - before)} added, {len(before - after)} removed, {len(after & before)} kept)" \
        if previous is not None else ""
    typer.echo(f"wrote {out}: {len(after)} accepted findings{change}")


def diff(
    old: Annotated[Path, typer.Argument(help="Earlier findings.json (or its folder).")],
    new: Annotated[Path, typer.Argument(help="Later findings.json (or its folder).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as JSON.")] = False,
) -> None:
    """Show what NEW has that OLD had not, and what went away: trackers (vendor, host), tracking pixels
    (URL shape), cookies (name, domain) and findings (stable fingerprints; times and query values ignored).

    Exit codes: 0 NEW has no finding OLD did not have, 1 NEW has new findings, 2 usage error (unreadable
    file). New trackers, pixels or cookies alone do not fail."""
    from pixelaudit.diff import diff as diff_results
    from pixelaudit.diff import diff_text

    d = diff_results(read_result(old), read_result(new))
    if as_json:
        typer.echo(json.dumps(d, indent=2, ensure_ascii=False))
    else:
        for line in diff_text(d):
            typer.echo(line)
    raise typer.Exit(1 if d["findings"]["new"] else 0)
