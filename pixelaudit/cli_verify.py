"""`pixelaudit verify DIR`, and the CLI steps of `scan --evidence` (make the folder first, announce the
manifest). Registered on the main app by cli.py; the checking itself is manifest.verify."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

EXIT_INTACT, EXIT_DIFFERS, EXIT_NO_MANIFEST = 0, 1, 2


def verify(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A scan's output folder (holding manifest.json).")],
    manifest_sha256: Annotated[str | None, typer.Option(
        "--manifest-sha256", metavar="HEX",
        help="The manifest's own SHA-256 as the scan printed it (8+ leading hex digits): also detects an edited "
             "manifest.")] = None,
) -> None:
    """Check an evidence bundle against its manifest.json: recompute every file's SHA-256 and print one line per
    file that changed, is missing, or is in DIR but not in the manifest; the last line says OK or FAILED.

    Exit codes: 0 every file matches; 1 something differs; 2 DIR has no manifest.json, or it is not valid JSON
    or not a pixelaudit manifest.
    """
    from pixelaudit.manifest import ManifestError
    from pixelaudit.manifest import verify as check

    if manifest_sha256 is not None and not _is_hex_prefix(manifest_sha256):
        typer.echo("pixelaudit: error: --manifest-sha256: expected 8 to 64 hex digits", err=True)
        raise typer.Exit(EXIT_NO_MANIFEST)
    try:
        verdict = check(folder, manifest_sha256)
    except ManifestError as exc:
        typer.echo(f"pixelaudit: error: {exc}", err=True)
        raise typer.Exit(EXIT_NO_MANIFEST) from None
    for problem in verdict.problems:
        typer.echo(problem.line())
    if verdict.ok:
        typer.echo(f"OK: {verdict.checked} files match {folder / 'manifest.json'} "
                   f"(manifest sha256 {verdict.manifest_sha256})")
        raise typer.Exit(EXIT_INTACT)
    typer.echo(f"FAILED: {len(verdict.problems)} problem(s) in {folder} "
               f"({verdict.checked} files listed; manifest sha256 {verdict.manifest_sha256})")
    raise typer.Exit(EXIT_DIFFERS)


def _is_hex_prefix(text: str) -> bool:
    text = text.strip()
    return 8 <= len(text) <= 64 and all(c in "0123456789abcdefABCDEF" for c in text)


def prepare_evidence(out_dir: Path) -> None:
    """Make OUT/evidence/ before the browsers start, so an unwritable --out fails at once with one line."""
    from pixelaudit.cli import _fail
    from pixelaudit.evidence import prepare

    try:
        prepare(out_dir)
    except OSError as exc:
        _fail(f"cannot write the evidence to {out_dir}: {exc.strerror or exc}")


def echo_evidence(out_dir: Path, manifest_sha256: str, quiet: bool) -> None:
    """Tell the user the manifest's own hash (to record elsewhere) and any file in OUT the manifest leaves out."""
    from pixelaudit.manifest import verify as check

    if quiet:
        return
    typer.echo(f"  evidence: manifest.json sha256 {manifest_sha256} (record it; check the folder later with "
               f"`pixelaudit verify {out_dir}`)")
    extra = [p.path for p in check(out_dir).problems if p.kind == "extra"]
    if extra:
        typer.echo(f"  note: {out_dir} also holds files this scan did not write, not in the manifest: "
                   + ", ".join(extra[:10]) + (" …" if len(extra) > 10 else ""))
