"""What the CI formats (SARIF, JUnit, Markdown) need to know about a findings.json dict, read once and
tolerantly: a spec-minimal dict (fields missing or null) gives defaults, never a KeyError.

A *violation* is a finding at or above the result's `fail_on` (from `options`, else high) that a baseline
did not accept (`"baseline": "known"`) — exactly what makes `pixelaudit scan` exit 1; info findings never are.
"""

from __future__ import annotations

from dataclasses import dataclass

from pixelaudit.config import FAIL_ON_LEVELS, at_or_above
from pixelaudit.fingerprint import fingerprint
from pixelaudit.model import SEVERITIES

DEFAULT_FAIL_ON = "high"


@dataclass(frozen=True, slots=True)
class FindingView:
    """One finding as the CI formats show it."""

    type: str
    severity: str  # one of SEVERITIES; a missing or unknown one reads as info
    scenario: str | None
    vendor: str | None
    host: str | None
    site: str | None
    url: str | None  # the request (or cookie setter, pixel, link) the finding is about
    page: str | None  # where it showed: the page URL, or the mail for e-mail results
    pages: int  # how many pages it showed on (a crawl has many)
    message: str
    evidence: dict
    fingerprint: str
    baseline: str | None  # "new" or "known" when the scan ran with --baseline
    violation: bool
    policy: str | None = None  # "allowed" or "severity" when the config file's [policy] changed it (policy.py)
    severity_was: str | None = None  # the scanner's own severity, when the policy changed it


def fail_on(result: dict) -> str:
    """The threshold the scan ran with (`options.fail_on`), else high."""
    level = (result.get("options") or {}).get("fail_on")
    return level if level in FAIL_ON_LEVELS else DEFAULT_FAIL_ON


def _severity(value: object) -> str:
    value = str(value or "").lower()
    return value if value in SEVERITIES else "info"


def _page(finding: dict, evidence: dict, result: dict) -> tuple[str | None, int]:
    """The first page a finding showed on and the number of pages, from the most direct field available."""
    pages = [p for p in evidence.get("pages") or [] if isinstance(p, str)]
    if finding.get("mail"):  # an e-mail batch: the message is the "page"
        return str(finding["mail"]), 1
    if evidence.get("page_url"):
        return str(evidence["page_url"]), max(len(pages), 1)
    if pages:
        return pages[0], len(pages)
    index = evidence.get("request_index")
    requests = result.get("requests") or []
    if isinstance(index, int) and 0 <= index < len(requests) and isinstance(requests[index], dict):
        if requests[index].get("page_url"):
            return str(requests[index]["page_url"]), 1
    result_pages = [p.get("url") for p in result.get("pages") or [] if isinstance(p, dict) and p.get("url")]
    if len(result_pages) == 1:  # one page scanned: the finding showed there
        return str(result_pages[0]), 1
    target = result.get("target")
    return (str(target), 1) if target and result.get("kind") == "email" else (None, 0)


def views(result: dict) -> list[FindingView]:
    """Every finding of `result`, in findings.json order."""
    level = fail_on(result)
    out = []
    for finding in result.get("findings") or []:
        if not isinstance(finding, dict):
            continue
        evidence = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
        severity = _severity(finding.get("severity"))
        page, pages = _page(finding, evidence, result)
        ftype = str(finding.get("type") or "unknown")
        out.append(FindingView(
            type=ftype, severity=severity, scenario=finding.get("scenario"), vendor=finding.get("vendor"),
            host=finding.get("host"), site=finding.get("site"), url=finding.get("url"), page=page, pages=pages,
            message=str(finding.get("message") or ftype), evidence=evidence,
            fingerprint=str(finding.get("fingerprint") or fingerprint(finding, result)),
            baseline=finding.get("baseline"),
            violation=severity != "info" and at_or_above(severity, level) and finding.get("baseline") != "known",
            policy=finding.get("policy"), severity_was=finding.get("severity_was")))
    return out


@dataclass(frozen=True, slots=True)
class ScanError:
    """One entry of findings.json `errors`."""

    kind: str
    message: str
    url: str | None
    scenario: str | None
    fatal: bool


def errors(result: dict) -> list[ScanError]:
    """The scan's errors (a missing `fatal` counts as fatal: an error we cannot judge must not pass)."""
    return [ScanError(str(e.get("kind") or "error"), str(e.get("message") or e.get("kind") or "error"),
                      e.get("url"), e.get("scenario"), e.get("fatal") is not False)
            for e in result.get("errors") or [] if isinstance(e, dict)]


def incomplete(result: dict) -> bool:
    """As the exit code sees it: `complete: false`, or (without that field) a fatal error."""
    if "complete" in result and result["complete"] is not None:
        return not result["complete"]
    return any(e.fatal for e in errors(result))


def verdict(result: dict) -> str:
    """"incomplete", "fail" or "pass", in the exit code's order (an incomplete audit cannot pass)."""
    if incomplete(result):
        return "incomplete"
    return "fail" if any(v.violation for v in views(result)) else "pass"


def severity_counts(items: list[FindingView]) -> dict[str, int]:
    """Findings per severity, highest first."""
    return {s: sum(1 for v in items if v.severity == s) for s in reversed(SEVERITIES)}
