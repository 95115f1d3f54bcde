"""The HTML report's consent section: each scenario's click with its banner screenshot, and the scenario
matrix (which tracker fired, before or after the choice, on the first or second page)."""

from __future__ import annotations

import base64
from pathlib import Path

from pixelaudit.rules import TRACKING_CATEGORIES


def _tracking(request: dict) -> bool:
    tracker = request.get("tracker")
    if tracker:
        return tracker.get("category") in TRACKING_CATEGORIES or tracker.get("category") == "unknown"
    return bool(request.get("pixel"))


def _row_name(request: dict) -> str:
    tracker = request.get("tracker") or {}
    return tracker.get("vendor") or f"{request.get('host')} (unnamed)"


def scenario_matrix(result: dict) -> dict:
    """{'scenarios': [...], 'rows': [{'name', 'cells': [{'before', 'after', 'pages'} | None, ...]}]}."""
    scenarios = list(result.get("scenarios") or [])
    first_page = {}
    for page in result.get("pages") or []:
        first_page.setdefault(page.get("scenario"), page.get("url"))
    cells: dict[str, dict[str, dict]] = {}
    for request in result.get("requests") or []:
        if not _tracking(request) or request.get("scenario") not in scenarios:
            continue
        cell = cells.setdefault(_row_name(request), {}).setdefault(
            request["scenario"], {"before": 0, "after": 0, "pages": set()})
        cell["before" if request.get("before_consent") else "after"] += 1
        cell["pages"].add(1 if request.get("page_url") == first_page.get(request["scenario"]) else 2)
    rows = [{"name": name, "cells": [({**c, "pages": sorted(c["pages"])} if (c := by.get(s)) else None)
                                     for s in scenarios]}
            for name, by in sorted(cells.items(), key=lambda kv: kv[0].casefold())]
    return {"scenarios": scenarios, "rows": rows}


def clicks(result: dict, out_dir: Path | None) -> list[dict]:
    """Each consent click, with its banner screenshot as a data: URI when the PNG sits beside the report."""
    out = []
    for click in (result.get("consent") or {}).get("clicks") or []:
        image = None
        name = click.get("screenshot")
        if name and out_dir is not None and "/" not in name and (path := out_dir / name).is_file():
            image = "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
        out.append({**click, "image": image})
    return out
