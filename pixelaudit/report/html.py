"""HTML report: one self-contained, print-friendly page rendered from the findings.json dict alone.

The view is built by small pure modules (summary, evidence, vendors, timeline, pages, cookies, provenance) and
drawn by templates/report.html.j2 with autoescaping on: nothing from findings.json is ever marked safe.
"""

from __future__ import annotations

import pathlib
from functools import cache
from typing import Any

from jinja2 import ChainableUndefined, Environment, PackageLoader, Undefined

from pixelaudit.report import (
    html_consent,
    html_evidence,
    html_pages,
    html_provenance,
    html_summary,
    html_timeline,
    html_vendors,
)
from pixelaudit.report.html_cookies import BENCHMARK_NOTE, cookie_row, lifetime
from pixelaudit.report.html_policy import policy_note, policy_summary
from pixelaudit.report.html_time import DASH, format_ms, parse_time
from pixelaudit.report.html_vendors import group_third_parties, group_trackers, rule_notes

__all__ = ["build_view", "group_third_parties", "group_trackers", "lifetime", "render", "render_any", "rule_notes",
           "write"]

SEVERITY_ORDER = ("high", "medium", "low", "info")
SUMMARY_CARDS = (
    ("requests", "Requests"),
    ("third_party_requests", "Third-party requests"),
    ("third_party_sites", "Third-party sites"),
    ("trackers", "Tracker vendors"),
    ("pixels", "Tracking pixels"),
    ("cookies", "Cookies"),
    ("third_party_cookies", "Third-party cookies"),
)


def write(result: dict, out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write ``report.html`` for a findings.json dict into out_dir; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.html"
    path.write_text(render_any(result, out_dir), encoding="utf-8")
    return [path]


def render_any(result: dict, out_dir: pathlib.Path | None) -> str:
    """E-mails (`kind: "email"`, a batch index when `batch`) have their own pages; everything else is a site."""
    if result.get("kind") == "email":
        from pixelaudit.report import html_email  # here: html_email builds on this module

        return (html_email.render_batch if result.get("batch") else html_email.render_email)(result, out_dir)
    return render(result, out_dir)


def render(result: dict, out_dir: pathlib.Path | None = None) -> str:
    """The report page as a string (screenshots beside it in out_dir are inlined)."""
    view = build_view(result)
    view["clicks"] = html_consent.clicks(result, out_dir)
    view["figures"] = html_evidence.page_figures(result, view["violations"], out_dir)
    return _environment().get_template("report.html.j2").render(view=view)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pixelaudit.report", "templates"),
        autoescape=True,
        undefined=ChainableUndefined,  # older or spec-minimal files lack some fields: show a dash
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["show"] = show
    env.filters["ms"] = format_ms
    env.filters["policy_note"] = policy_note
    return env


def show(value: Any) -> str:
    """Display text for a scalar or list cell: null and empty become a dash, booleans yes/no."""
    if value is None or isinstance(value, Undefined) or value == "" or value == []:
        return DASH
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(show(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {show(item)}" for key, item in value.items())
    return str(value)


def build_view(result: dict) -> dict:
    """Everything the template shows, grouped and ordered; pure, so it is tested without rendering."""
    requests = [r for r in result.get("requests") or [] if isinstance(r, dict)]
    cookies = [c for c in result.get("cookies") or [] if isinstance(c, dict)]
    summary = result.get("summary") or {}
    by_severity = summary.get("findings") or {}
    reference = parse_time(result.get("finished_at")) or parse_time(result.get("started_at"))
    checks = html_summary.checks(result)
    trackers = group_trackers(requests)
    return {
        "target": result.get("target"),
        "header": html_provenance.header(result),
        "complete": result.get("complete") is not False,
        "errors": result.get("errors") or [],
        "checks": checks,
        "verdict": html_summary.verdict(result, checks),
        "cards": [(label, summary.get(key)) for key, label in SUMMARY_CARDS],
        "severity_counts": [(severity, by_severity.get(severity)) for severity in SEVERITY_ORDER],
        "policy": policy_summary(result),
        "violations": html_evidence.violations(result),
        "findings": _findings(result.get("findings") or [], requests, cookies),
        "trackers": trackers,
        "categories": html_vendors.vendors_by_category(trackers),
        "rule_notes": rule_notes(result.get("rule_docs") or {}),
        "matrix": html_consent.scenario_matrix(result),
        "consent_mode": html_consent.consent_mode(result),
        "tcf": html_consent.tcf_rows(result),
        "timeline": html_timeline.lanes(result),
        "per_page": html_pages.trackers_per_page(result) if html_pages.is_crawl(result) else [],
        "pixels": [_pixel_row(request) for request in requests if request.get("pixel")],
        "third_parties": group_third_parties(requests),
        "cookies": [cookie_row(cookie, reference) for cookie in cookies],
        "cookie_benchmark": BENCHMARK_NOTE,
        "storage": result.get("storage") or [],
        "websockets": result.get("websockets") or [],
        "scenarios": list(result.get("scenarios") or []),
        "provenance": html_provenance.provenance(result),
    }


def _findings(findings: list[dict], requests: list[dict], cookies: list[dict]) -> list[dict]:
    """Every finding (the full list, info included), worst first, with its request or cookie resolved."""
    requests_by_index = html_evidence.by_index(requests)
    cookies_by_index = html_evidence.by_index(cookies)
    rows = []
    for finding in findings:
        if not isinstance(finding, dict):
            continue
        evidence = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
        other = {k: v for k, v in evidence.items() if k not in ("request_index", "cookie_index", "pages")}
        rows.append({
            **finding,
            "request": requests_by_index.get(evidence.get("request_index")),
            "cookie": cookies_by_index.get(evidence.get("cookie_index")),
            "pages": [p for p in evidence.get("pages") or [] if isinstance(p, str)],
            "evidence_other": other,
        })
    rank = {severity: position for position, severity in enumerate(SEVERITY_ORDER)}
    return sorted(rows, key=lambda row: rank.get(row.get("severity"), len(rank)))  # stable within a severity


def _pixel_row(request: dict) -> dict:
    pixel = request.get("pixel") or {}
    width, height = pixel.get("width"), pixel.get("height")
    size = None if width is None and height is None else f"{_or_q(width)}×{_or_q(height)}"
    return {**request, "size_wh": size, "pixel_bytes": pixel.get("bytes"), "reasons": pixel.get("reasons") or [],
            "vendor": (request.get("tracker") or {}).get("vendor")}


def _or_q(value: int | None) -> str:
    return "?" if value is None else str(value)
