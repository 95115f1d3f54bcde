"""SARIF 2.1.0 (`findings.sarif`) for code-scanning dashboards, rendered from the findings.json dict alone.

One run; one rule (reportingDescriptor) per finding type present, documented from finding_docs; one result
per finding with a stable `partialFingerprints` entry (pixelaudit.fingerprint), so a dashboard matches the
same finding across scans instead of opening a new alert each time.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from pixelaudit import __version__
from pixelaudit.finding_docs import doc_for
from pixelaudit.model import SEVERITIES
from pixelaudit.report.finding_view import FindingView, errors, fail_on, incomplete, views

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/pixelaudit/"
FINGERPRINT_KEY = "pixelauditFinding/v1"
LEVELS = {"high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub reads `security-severity` (0.0-10.0) into its critical/high/medium/low bands: >=7 high, >=4 medium.
BASELINE_STATES = {"new": "new", "known": "unchanged"}  # `scan --baseline` marks each finding
SECURITY_SEVERITY = {"high": "8.0", "medium": "5.5", "low": "2.0", "info": "0.0"}


def write(result: dict, out_dir: Path) -> list[Path]:
    """Write `findings.sarif` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "findings.sarif"
    path.write_text(json.dumps(render(result), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [path]


def render(result: dict) -> dict:
    """The SARIF log as a dict."""
    items = views(result)
    types = sorted({v.type for v in items})
    worst = {t: max((v.severity for v in items if v.type == t), key=SEVERITIES.index) for t in types}
    tool = result.get("tool") or {}
    browser = result.get("browser") or {}
    invocation: dict = {"executionSuccessful": not incomplete(result),
                        "toolExecutionNotifications": [_notification(e) for e in errors(result)]}
    for key, field in (("startTimeUtc", "started_at"), ("endTimeUtc", "finished_at")):
        if result.get(field):
            invocation[key] = result[field]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pixelaudit", "version": str(tool.get("version") or __version__),
                "informationUri": INFORMATION_URI,
                "rules": [_rule(t, worst[t]) for t in types],
            }},
            "invocations": [invocation],
            "results": [_result(v, types.index(v.type)) for v in items],
            "properties": {
                "target": result.get("target"), "kind": result.get("kind") or "site",
                "scenarios": list(result.get("scenarios") or []), "fail_on": fail_on(result),
                "browser": " ".join(str(x) for x in (browser.get("name"), browser.get("version")) if x) or None,
                "rules_version": (result.get("rules") or {}).get("version"),
            },
        }],
    }


def _rule(ftype: str, severity: str) -> dict:
    doc = doc_for(ftype)
    why = doc.why.rstrip(".")
    return {
        "id": ftype,
        "name": "".join(part.capitalize() for part in ftype.split("-")),
        "shortDescription": {"text": doc.title},
        "fullDescription": {"text": doc.what},
        "help": {"text": f"{doc.what}\n\nWhy it matters: {why}.\n\nHow to fix: {doc.fix}",
                 "markdown": f"{doc.what}\n\n**Why it matters:** {why}.\n\n**How to fix:** {doc.fix}"},
        # the worst severity this run saw for the type; each result carries its own level too
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": ["privacy", "security"], "security-severity": SECURITY_SEVERITY[severity],
                       "check": doc.check},
    }


def _result(view: FindingView, rule_index: int) -> dict:
    text = view.message
    if view.page and view.page not in text:
        text += f" (page: {view.page})"
    return {
        "ruleId": view.type,
        "ruleIndex": rule_index,
        "level": LEVELS[view.severity],
        "message": {"text": text},
        "locations": [_location(view)],
        "partialFingerprints": {FINGERPRINT_KEY: view.fingerprint},
        **({"baselineState": BASELINE_STATES[view.baseline]} if view.baseline in BASELINE_STATES else {}),
        "properties": {"severity": view.severity, "scenario": view.scenario, "page": view.page,
                       "pages": view.pages, "vendor": view.vendor, "host": view.host, "site": view.site,
                       "url": view.url},
    }


def _location(view: FindingView) -> dict:
    """The page as a location. GitHub code scanning rejects results whose physicalLocation URI is an http(s)
    address ("unrecognized SARIF location URI scheme") or missing: it only places alerts on paths. So the
    artifact is a stable repository-style path made of the page's host and path (`www.shop.com/checkout`),
    and the real address is kept in a logicalLocation and the result's properties."""
    where = view.page or view.url or view.host or "unknown"
    location: dict = {"physicalLocation": {"artifactLocation": {"uri": artifact_path(where)}}}
    location["logicalLocations"] = [{"fullyQualifiedName": where, "kind": "resource"}]
    return location


def artifact_path(address: str) -> str:
    """A relative, percent-encoded path for a page URL (host[_port]/path, no query) or an e-mail file
    (its name, as absolute paths differ between machines)."""
    if "://" in address:
        parts = urlsplit(address)
        try:
            port = parts.port
        except ValueError:
            port = None
        host = (parts.hostname or "unknown") + (f"_{port}" if port else "")
        path = f"{host}/{parts.path.strip('/')}".rstrip("/")
    else:
        path = address.replace("\\", "/")
        path = path.rsplit("/", 1)[-1] if path.startswith("/") or re.match(r"[A-Za-z]:/", path) else path
    return quote(path, safe="/-._~") or "unknown"


def _notification(error) -> dict:
    text = error.message + (f" ({error.url})" if error.url and error.url not in error.message else "")
    return {"level": "error" if error.fatal else "warning", "message": {"text": text},
            "properties": {"kind": error.kind, "scenario": error.scenario}}


def merge(logs: list[dict]) -> dict:
    """Several targets' SARIF logs (config `targets`) as one log with one run: code scanning wants one run
    per tool and category. Each rule once, at the worst level any target saw; every result with its
    ruleIndex renumbered; one invocation, successful only when every target's was."""
    rules: dict[str, dict] = {}
    for log in logs:
        for rule in log["runs"][0]["tool"]["driver"]["rules"]:
            had = rules.get(rule["id"])
            if had is None or float(rule["properties"]["security-severity"]) > float(
                    had["properties"]["security-severity"]):
                rules[rule["id"]] = rule
    order = sorted(rules)
    results, notes, starts, ends = [], [], [], []
    for log in logs:
        run = log["runs"][0]
        results += [{**r, "ruleIndex": order.index(r["ruleId"])} for r in run["results"]]
        invocation = run["invocations"][0]
        notes += invocation["toolExecutionNotifications"]
        starts += [invocation["startTimeUtc"]] if "startTimeUtc" in invocation else []
        ends += [invocation["endTimeUtc"]] if "endTimeUtc" in invocation else []
    invocation = {"executionSuccessful": all(log["runs"][0]["invocations"][0]["executionSuccessful"]
                                             for log in logs), "toolExecutionNotifications": notes}
    if starts and ends:
        invocation |= {"startTimeUtc": min(starts), "endTimeUtc": max(ends)}
    first = logs[0]["runs"][0]
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [{
        "tool": {"driver": {**first["tool"]["driver"], "rules": [rules[r] for r in order]}},
        "invocations": [invocation], "results": results,
        "properties": {"targets": [log["runs"][0]["properties"]["target"] for log in logs]},
    }]}
