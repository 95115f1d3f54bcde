"""Output formats: one module per format, each rendering the findings.json dict alone.

The registry maps a `--format` name to its module's `write(result: dict, out_dir) -> list[Path]`, so every
format can be re-rendered offline from findings.json.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

Writer = Callable[[dict, Path], list[Path]]
FORMAT_MODULES = {"json": "pixelaudit.report.json", "html": "pixelaudit.report.html",
                  "csv": "pixelaudit.report.csv", "sarif": "pixelaudit.report.sarif",
                  "junit": "pixelaudit.report.junit", "md": "pixelaudit.report.markdown",
                  "pdf": "pixelaudit.report.pdf"}


def writer(fmt: str) -> Writer:
    """The writer of one format (imported on demand: pandas only loads when CSV is asked for)."""
    return import_module(FORMAT_MODULES[fmt]).write


def write_banner_screenshots(clicks: dict, out_dir: Path) -> list[Path]:
    """`banner-<scenario>.png` for each consent click that has a screenshot (findings.json names them)."""
    written = []
    for scenario, click in clicks.items():
        if click.screenshot:
            out_dir.mkdir(parents=True, exist_ok=True)
            path = out_dir / f"banner-{scenario}.png"
            path.write_bytes(click.screenshot)
            written.append(path)
    return written


def write_reports(result: dict, out_dir: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write every requested format; JSON first so the source of truth exists whatever fails next."""
    ordered = sorted(formats, key=lambda f: f != "json")
    written: list[Path] = []
    for fmt in ordered:
        written += writer(fmt)(result, out_dir)
    return written
