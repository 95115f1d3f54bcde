"""CSV export: requests, cookies and findings as flat tables, rendered from the findings.json dict alone.

Nested fields are flattened to dotted columns (``tracker.vendor``, ``pixel.width``), lists are joined,
and every string cell that a spreadsheet would read as a formula is neutralised with a leading ``'``.
"""

from __future__ import annotations

import json
import pathlib
from collections.abc import Callable
from typing import Any

import pandas as pd

TRACKER_COLUMNS = ("tracker.vendor", "tracker.category", "tracker.rule", "tracker.company", "tracker.purpose")
REQUEST_COLUMNS = (
    "index", "scenario", "url", "method", "resource_type", "status", "party", "site", "host",
    "page_url", "frame", "frame_url", "time_ms", "before_consent",
    *TRACKER_COLUMNS,
    "pixel.width", "pixel.height", "pixel.bytes", "pixel.reasons",
    "content_type", "size", "failure", "redirect_chain", "redirected_to",
    "source", "unload", "keepalive", "sent_cookies",
)
COOKIE_COLUMNS = (
    "index", "scenario", "name", "value", "domain", "path", "expires", "secure", "http_only", "same_site",
    "site", "party", "before_consent", *TRACKER_COLUMNS, "set_by", "set_by_url", "time_ms",
)
FINDING_COLUMNS = ("type", "severity", "scenario", "site", "host", "vendor", "url", "message", "evidence")

# Excel, LibreOffice and Google Sheets start a formula (or DDE call) with any of these.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def write(result: dict, out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write ``requests.csv``, ``cookies.csv`` and ``findings.csv`` into out_dir (e-mails: `write_email`);
    return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if result.get("kind") == "email":
        return write_email(result, out_dir)
    tables: tuple[tuple[str, str, tuple[str, ...], Callable[[dict], dict]], ...] = (
        ("requests.csv", "requests", REQUEST_COLUMNS, flatten_request),
        ("cookies.csv", "cookies", COOKIE_COLUMNS, flatten_cookie),
        ("findings.csv", "findings", FINDING_COLUMNS, flatten_finding),
    )
    return _write_tables(result, out_dir, tables)


def _write_tables(result: dict, out_dir: pathlib.Path,
                  tables: tuple[tuple[str, str, tuple[str, ...], Callable[[dict], dict]], ...]) -> list[pathlib.Path]:
    """Each (file name, findings.json key, columns, flatten) table as a CSV file; the files written."""
    written = []
    for filename, key, columns, flatten in tables:
        path = out_dir / filename
        frame(result.get(key) or [], columns, flatten).to_csv(
            # utf-8-sig: Excel reads a BOM-less CSV as the local code page and garbles non-ASCII
            path, index=False, encoding="utf-8-sig", lineterminator="\n", na_rep="",
        )
        written.append(path)
    return written


def frame(records: list[dict], columns: tuple[str, ...], flatten: Callable[[dict], dict]) -> pd.DataFrame:
    """A DataFrame of flattened, formula-safe rows in a fixed column order (header only when empty)."""
    rows = [{column: neutralise(row.get(column)) for column in columns} for row in map(flatten, records)]
    # dtype=object keeps integers integers when a column also holds nulls (no 200.0 status codes)
    return pd.DataFrame(rows, columns=list(columns), dtype=object)


def flatten_request(request: dict) -> dict:
    """One requests.csv row."""
    pixel = request.get("pixel") or {}
    return {
        **request,
        **_tracker_columns(request.get("tracker")),
        "pixel.width": pixel.get("width"),
        "pixel.height": pixel.get("height"),
        "pixel.bytes": pixel.get("bytes"),
        "pixel.reasons": "; ".join(pixel.get("reasons") or []) or None,
        "redirect_chain": " -> ".join(request.get("redirect_chain") or []) or None,
    }


def flatten_cookie(cookie: dict) -> dict:
    """One cookies.csv row."""
    return {**cookie, **_tracker_columns(cookie.get("tracker"))}


def flatten_finding(finding: dict) -> dict:
    """One findings.csv row; evidence as compact JSON with sorted keys."""
    evidence = finding.get("evidence")
    compact = None if evidence is None else json.dumps(evidence, separators=(",", ":"), sort_keys=True)
    return {**finding, "evidence": compact}


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to a string a spreadsheet would evaluate as a formula; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _tracker_columns(tracker: dict | None) -> dict:
    tracker = tracker or {}
    return {column: tracker.get(column.removeprefix("tracker.")) for column in TRACKER_COLUMNS}


# E-mail (findings.json `kind: "email"`): a batch index gives a row per message, one mail its trackers.
EMAIL_SUMMARY_COLUMNS = ("mail", "subject", "from", "platform", "pixels", "click_tracking", "third_party_remote",
                         "leaks", "leak_forms", "high", "medium", "low", "complete", "error")
EMAIL_PIXEL_COLUMNS = ("url", "host", "site", "party", "vendor", "rule", "tag", "media", "reasons")
EMAIL_LINK_COLUMNS = ("text", "href", "host", "site", "party", "vendor", "rule", "reason", "final_url")


def write_email(result: dict, out_dir: pathlib.Path) -> list[pathlib.Path]:
    """A batch: ``summary.csv`` (a row per message) and ``findings.csv`` (with each finding's mail); one mail:
    ``pixels.csv``, ``links.csv`` (click-tracking links) and ``findings.csv``. Returns the files written."""
    def joined(key: str, sep: str) -> Callable[[dict], dict]:
        return lambda record: {**record, key: sep.join(record.get(key) or []) or None}

    tables: tuple[tuple[str, str, tuple[str, ...], Callable[[dict], dict]], ...] = (
        ("summary.csv", "messages", EMAIL_SUMMARY_COLUMNS, joined("leak_forms", ";")),
        ("findings.csv", "findings", ("mail", *FINDING_COLUMNS), flatten_finding),
    ) if result.get("batch") else (
        ("pixels.csv", "pixels", EMAIL_PIXEL_COLUMNS, joined("reasons", "; ")),
        ("links.csv", "click_tracking", EMAIL_LINK_COLUMNS, dict),
        ("findings.csv", "findings", FINDING_COLUMNS, flatten_finding),
    )
    return _write_tables(result, out_dir, tables)
