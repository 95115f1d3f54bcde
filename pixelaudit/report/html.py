"""HTML report: one self-contained, print-friendly page rendered from the findings.json dict alone."""

from __future__ import annotations

import datetime as dt
import pathlib
from collections import Counter
from functools import cache
from typing import Any

from jinja2 import ChainableUndefined, Environment, PackageLoader, Undefined

from pixelaudit.report import html_consent

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
DASH = "—"
UNNAMED = "Unnamed trackers (filter lists, heuristics)"


def write(result: dict, out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write ``report.html`` for a findings.json dict into out_dir; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.html"
    path.write_text(_render_any(result, out_dir), encoding="utf-8")
    return [path]


def _render_any(result: dict, out_dir: pathlib.Path) -> str:
    """E-mails (`kind: "email"`, a batch index when `batch`) have their own pages; everything else is a site."""
    if result.get("kind") == "email":
        from pixelaudit.report import html_email  # here: html_email builds on this module

        return (html_email.render_batch if result.get("batch") else html_email.render_email)(result, out_dir)
    return render(result, out_dir)


def render(result: dict, out_dir: pathlib.Path | None = None) -> str:
    """The report page as a string (banner screenshots beside it in out_dir are inlined)."""
    view = {**build_view(result), "clicks": html_consent.clicks(result, out_dir),
            "matrix": html_consent.scenario_matrix(result), "consent_mode": html_consent.consent_mode(result),
            "tcf": html_consent.tcf_rows(result)}
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


def format_ms(value: float | None) -> str:
    """Milliseconds since navigation start, e.g. ``1,234 ms``."""
    return DASH if value is None or isinstance(value, Undefined) else f"{value:,.0f} ms"


def build_view(result: dict) -> dict:
    """Everything the template shows, grouped and ordered; pure, so it is tested without rendering."""
    requests = result.get("requests") or []
    cookies = result.get("cookies") or []
    errors = result.get("errors") or []
    summary = result.get("summary") or {}
    by_severity = summary.get("findings") or {}
    reference = _parse_time(result.get("finished_at")) or _parse_time(result.get("started_at"))
    return {
        "target": result.get("target"),
        "header": _header(result),
        "complete": result.get("complete") is not False,
        "errors": errors,
        "cards": [(label, summary.get(key)) for key, label in SUMMARY_CARDS],
        "severity_counts": [(severity, by_severity.get(severity)) for severity in SEVERITY_ORDER],
        "findings": _findings(result.get("findings") or [], requests, cookies),
        "trackers": group_trackers(requests),
        "rule_notes": rule_notes(result.get("rule_docs") or {}),
        "pixels": [_pixel_row(request) for request in requests if request.get("pixel")],
        "third_parties": group_third_parties(requests),
        "cookies": [_cookie_row(cookie, reference) for cookie in cookies],
        "storage": result.get("storage") or [],
        "websockets": result.get("websockets") or [],
        "provenance": _provenance(result),
    }


def _header(result: dict) -> list[tuple[str, Any]]:
    tool = result.get("tool") or {}
    browser = result.get("browser") or {}
    rules = result.get("rules") or {}
    started, finished = _parse_time(result.get("started_at")), _parse_time(result.get("finished_at"))
    duration = f"{(finished - started).total_seconds():,.1f} s" if started and finished else None
    rule_count = f"({rules['count']} rules)" if rules.get("count") is not None else None
    return [
        ("Kind", result.get("kind")),
        ("Started", _display_time(result.get("started_at"))),
        ("Finished", _display_time(result.get("finished_at"))),
        ("Duration", duration),
        ("Scenarios", result.get("scenarios")),
        ("Tool", _join_words(tool.get("name"), tool.get("version"))),
        ("Browser", _join_words(browser.get("name"), browser.get("version"))),
        ("Rules", _join_words(rules.get("version"), rule_count)),
    ]


def _findings(findings: list[dict], requests: list[dict], cookies: list[dict]) -> list[dict]:
    requests_by_index = _by_index(requests)
    cookies_by_index = _by_index(cookies)
    rows = []
    for finding in findings:
        evidence = finding.get("evidence") or {}
        other = {k: v for k, v in evidence.items() if k not in ("request_index", "cookie_index")}
        rows.append({
            **finding,
            "request": requests_by_index.get(evidence.get("request_index")),
            "cookie": cookies_by_index.get(evidence.get("cookie_index")),
            "evidence_other": other,
        })
    rank = {severity: position for position, severity in enumerate(SEVERITY_ORDER)}
    return sorted(rows, key=lambda row: rank.get(row.get("severity"), len(rank)))  # stable within a severity


def _by_index(records: list[dict]) -> dict[int, dict]:
    # records carry their own index; files without one fall back to list position
    indexed = ({"index": position} | record for position, record in enumerate(records))
    return {record["index"]: record for record in indexed}


def group_trackers(requests: list[dict]) -> list[dict]:
    """Requests with a tracker match, one group per vendor, sorted by vendor name."""
    groups: dict[str, dict] = {}
    for request in requests:
        tracker = request.get("tracker")
        if not tracker:
            continue
        vendor = tracker.get("vendor") or UNNAMED
        group = groups.setdefault(vendor, {
            "vendor": vendor, "companies": [], "categories": [], "purposes": [], "rules": [], "hosts": [],
            "ids": [], "reasons": [], "requests": 0, "pixels": 0, "first_ms": None,
        })
        reason = tracker.get("reason") or (f"{tracker.get('rule')}: {tracker.get('filter')}"
                                           if tracker.get("filter") else None)
        for key, value in (("companies", tracker.get("company")), ("categories", tracker.get("category")),
                           ("purposes", tracker.get("purpose")), ("rules", tracker.get("rule")),
                           ("hosts", request.get("host")), ("ids", tracker.get("id")), ("reasons", reason)):
            if value is not None and value not in group[key]:
                group[key].append(value)
        group["requests"] += 1
        group["pixels"] += 1 if request.get("pixel") else 0
        group["first_ms"] = _earliest(group["first_ms"], request.get("time_ms"))
    for group in groups.values():
        group["hosts"].sort()
    # named vendors alphabetically, then what lists and heuristics found
    return sorted(groups.values(), key=lambda group: (group["vendor"] == UNNAMED, group["vendor"].casefold()))


def rule_notes(rule_docs: dict) -> list[dict]:
    """What each matched rule says about its vendor, for the 'Vendor rules' section (anchors rule-<id>)."""
    return [{"id": rule_id, **doc} for rule_id, doc in sorted((rule_docs or {}).items())]


def group_third_parties(requests: list[dict]) -> list[dict]:
    """Third-party requests, one group per site, busiest site first."""
    groups: dict[str, dict] = {}
    for request in requests:
        if request.get("party") != "third":
            continue
        site = request.get("site") or request.get("host") or "unknown"
        group = groups.setdefault(site, {"site": site, "hosts": [], "requests": 0, "types": Counter(),
                                         "vendors": [], "pixels": 0})
        host, vendor = request.get("host"), (request.get("tracker") or {}).get("vendor")
        if host and host not in group["hosts"]:
            group["hosts"].append(host)
        if vendor and vendor not in group["vendors"]:
            group["vendors"].append(vendor)
        group["requests"] += 1
        group["pixels"] += 1 if request.get("pixel") else 0
        group["types"][request.get("resource_type") or "other"] += 1
    rows = []
    for group in groups.values():
        types = group.pop("types")
        ranked = sorted(types.items(), key=lambda item: (-item[1], item[0]))
        group["resource_types"] = [f"{name} ×{count}" if count > 1 else name for name, count in ranked]
        group["hosts"].sort()
        rows.append(group)
    return sorted(rows, key=lambda group: (-group["requests"], group["site"]))


def _pixel_row(request: dict) -> dict:
    pixel = request.get("pixel") or {}
    width, height = pixel.get("width"), pixel.get("height")
    size = None if width is None and height is None else f"{_or_q(width)}×{_or_q(height)}"
    return {
        **request,
        "size_wh": size,
        "pixel_bytes": pixel.get("bytes"),
        "reasons": pixel.get("reasons") or [],
        "vendor": (request.get("tracker") or {}).get("vendor"),
    }


def _cookie_row(cookie: dict, reference: dt.datetime | None) -> dict:
    flags = [name for key, name in (("secure", "Secure"), ("http_only", "HttpOnly")) if cookie.get(key)]
    if cookie.get("same_site"):
        flags.append(f"SameSite={cookie['same_site']}")
    return {**cookie, "lifetime": lifetime(cookie.get("expires"), reference), "flags": flags,
            "vendor": (cookie.get("tracker") or {}).get("vendor")}


def lifetime(expires: float | None, reference: dt.datetime | None) -> str:
    """A cookie's remaining life at scan time: "session", "expired", "45 minutes", "395 days".

    Measured from the scan's own time, so re-rendering the same findings.json later gives the same text.
    """
    if expires is None or expires < 0:  # Playwright reports session cookies as -1
        return "session"
    if reference is None:
        return f"until {_display_time(dt.datetime.fromtimestamp(expires, dt.UTC).isoformat())}"
    seconds = expires - reference.timestamp()
    if seconds <= 0:
        return "expired"
    if seconds < 3600:
        return _plural(max(1, round(seconds / 60)), "minute")
    if seconds < 86400:
        return _plural(round(seconds / 3600), "hour")
    return _plural(round(seconds / 86400), "day")


def _provenance(result: dict) -> dict:
    consent = result.get("consent") or {}
    return {
        "schema_version": result.get("schema_version"),
        "tool": result.get("tool") or {},
        "browser": result.get("browser") or {},
        "rules": result.get("rules") or {},
        "options": list((result.get("options") or {}).items()),
        # each click has its own section; provenance keeps the summary fields
        "consent": [(key, value) for key, value in consent.items() if key != "clicks"],
        "consent_checked": any(value is not None for key, value in consent.items() if key != "clicks"),
        "pages": result.get("pages") or [],
        "started_at": result.get("started_at"),
        "finished_at": result.get("finished_at"),
    }


def _parse_time(value: str | None) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed and parsed.tzinfo is None else parsed


def _display_time(value: str | None) -> str | None:
    parsed = _parse_time(value)
    if parsed is None:
        return value
    return parsed.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _earliest(current: float | None, candidate: float | None) -> float | None:
    if candidate is None:
        return current
    return candidate if current is None else min(current, candidate)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def _or_q(value: int | None) -> str:
    return "?" if value is None else str(value)


def _join_words(*parts: str | None) -> str | None:
    words = [str(part) for part in parts if part]
    return " ".join(words) or None
