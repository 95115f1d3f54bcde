"""Pure derivation of the fixed finding types from classified records (see findings-v1)."""

from __future__ import annotations

from pixelaudit.model import SEVERITIES, ClassifiedRequest, Finding
from pixelaudit.rules import TRACKING_CATEGORIES


def _label(cr: ClassifiedRequest) -> str:
    if cr.tracker and cr.tracker.vendor:
        return cr.tracker.vendor
    return f"An unnamed {cr.party.party}-party tracking pixel"


def counts_as_tracking(cr: ClassifiedRequest) -> bool:
    """A tracker in a tracking category (or an unnamed one a list or heuristic found), or a tracking pixel
    not owned by a consent/functional/tag-manager rule."""
    if cr.tracker is not None:
        return cr.tracker.category in TRACKING_CATEGORIES or cr.tracker.category == "unknown"
    return cr.pixel is not None


def derive_findings(requests: list[ClassifiedRequest]) -> list[Finding]:
    """`tracking-pixel` and `tracker-before-consent`, one per (type, host, scenario), most severe first.

    `requests` must be in capture order; each finding's evidence points at its first request
    (index into `requests`) and counts the others.
    """
    found: dict[tuple[str, str, str], Finding] = {}
    counts: dict[tuple[str, str, str], int] = {}

    def add(ftype: str, severity: str, index: int, cr: ClassifiedRequest, message: str) -> None:
        key = (ftype, cr.party.host, cr.request.scenario)
        counts[key] = counts.get(key, 0) + 1
        old = found.get(key)
        if old is not None and SEVERITIES.index(old.severity) >= SEVERITIES.index(severity):
            return
        found[key] = Finding(ftype, severity, cr.request.scenario, cr.party.site, cr.party.host,
                             cr.tracker.vendor if cr.tracker else None, cr.request.url, message,
                             {"request_index": index, "time_ms": cr.request.time_ms,
                              "page_url": cr.request.page_url, "party": cr.party.party})

    for i, cr in enumerate(requests):
        if cr.pixel is not None:
            add("tracking-pixel", "info", i, cr,
                f"{cr.tracker.vendor if cr.tracker and cr.tracker.vendor else 'Tracking pixel'} on {cr.party.host} "
                f"({cr.party.party}-party): {'; '.join(cr.pixel.reasons)}")
        if cr.before_consent and counts_as_tracking(cr):
            known = cr.tracker is not None and cr.tracker.vendor is not None
            if known:
                what = f"{cr.tracker.label} ({cr.tracker.category})"
            elif cr.tracker is not None:  # a filter list's or heuristic's find
                why = cr.tracker.reason or f"listed in {cr.tracker.rule.removeprefix('list:')}: {cr.tracker.filter}"
                what = f"An unnamed third-party tracker ({why})"
            else:
                what = _label(cr)
            add("tracker-before-consent", "high" if known else "medium", i, cr,
                f"{what} sent a request to {cr.party.host} before any consent choice, "
                f"{cr.request.time_ms:.0f} ms after the page started loading")

    result = []
    for key, finding in found.items():
        finding.evidence["requests"] = counts[key]
        result.append(finding)
    result.sort(key=lambda f: (-SEVERITIES.index(f.severity), f.type, f.evidence["request_index"]))
    return result
