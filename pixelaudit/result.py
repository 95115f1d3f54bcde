"""The scan result and its findings.json form (schema version 1): the source of truth for every report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pixelaudit import __version__
from pixelaudit.autoconsent import autoconsent_version
from pixelaudit.consentmode import google_hit
from pixelaudit.model import (
    SEVERITIES,
    ClassifiedCookie,
    ClassifiedRequest,
    Finding,
    PageVisit,
    ScanError,
    StorageWrite,
    TrackerMatch,
    WebSocket,
)

SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan produced, classified."""

    target: str
    kind: str
    started_at: datetime
    finished_at: datetime
    browser_version: str | None
    browser_path: str | None
    scenarios: tuple[str, ...]
    pages: tuple[PageVisit, ...]
    requests: tuple[ClassifiedRequest, ...]
    cookies: tuple[ClassifiedCookie, ...]
    storage: tuple[StorageWrite, ...]
    websockets: tuple[tuple[WebSocket, str, str, str], ...]  # (ws, host, site, party)
    findings: tuple[Finding, ...]
    errors: tuple[ScanError, ...]
    options: dict
    rules_info: dict
    clicks: dict = field(default_factory=dict)  # scenario -> ConsentClick
    tcf: tuple = ()  # TcfState records
    rule_docs: dict = field(default_factory=dict)  # rule id -> what the report says about it
    evidence: dict | None = None  # with --evidence: findings.json's `evidence` block (evidence.findings_block)

    @property
    def complete(self) -> bool:
        """False when an error kept a page from being audited fully."""
        return not any(e.fatal for e in self.errors)


def iso_utc(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tracker(t: TrackerMatch | None) -> dict | None:
    if t is None:
        return None
    return {"vendor": t.vendor, "category": t.category, "rule": t.rule, "company": t.company,
            "purpose": t.purpose, "id": t.id, "event": t.event, "consent": t.consent, "label": t.label,
            "source": t.source, "filter": t.filter, "reason": t.reason}


def request_dict(i: int, cr: ClassifiedRequest) -> dict:
    r, p = cr.request, cr.pixel
    return {
        "index": i, "url": r.url, "method": r.method, "resource_type": r.resource_type, "status": r.status,
        "scenario": r.scenario, "page_url": r.page_url, "frame": r.frame, "frame_url": r.frame_url,
        "time_ms": r.time_ms, "before_consent": cr.before_consent, "host": cr.party.host,
        "site": cr.party.site, "party": cr.party.party, "tracker": _tracker(cr.tracker),
        "pixel": None if p is None else {"width": p.width, "height": p.height, "bytes": p.bytes,
                                         "reasons": list(p.reasons)},
        "content_type": r.content_type, "size": r.size, "failure": r.failure,
        "redirect_chain": list(r.redirect_chain), "redirected_to": r.redirected_to, "source": r.source,
        "unload": r.unload, "keepalive": r.keepalive, "sent_cookies": r.sent_cookies,
        "consent_mode": google_hit(cr.tracker, r.url),  # a Google hit's gcs/gcd, decoded; else null
    }


def cookie_dict(i: int, cc: ClassifiedCookie) -> dict:
    c = cc.cookie
    return {
        "index": i, "name": c.name, "value": c.value, "domain": c.domain, "path": c.path,
        "expires": c.expires, "secure": c.secure, "http_only": c.http_only, "same_site": c.same_site,
        "site": cc.site, "party": cc.party, "scenario": c.scenario, "before_consent": cc.before_consent,
        "tracker": _tracker(cc.tracker), "set_by": c.set_by, "set_by_url": c.set_by_url, "time_ms": c.time_ms,
    }


def storage_dict(s: StorageWrite) -> dict:
    """A storage entry in findings.json's (and pages.jsonl's) shape."""
    return {"storage": s.storage, "origin": s.origin, "key": s.key, "value": s.value, "scenario": s.scenario,
            "time_ms": s.time_ms, "operation": s.operation, "page_url": s.page_url}


def _summary(result: ScanResult) -> dict:
    third = [cr for cr in result.requests if cr.party.party == "third"]
    severities = Counter(f.severity for f in result.findings)
    return {
        "requests": len(result.requests),
        "third_party_requests": len(third),
        "third_party_sites": len({cr.party.site for cr in third}),
        "trackers": len({cr.tracker.vendor for cr in result.requests if cr.tracker}),
        "pixels": sum(1 for cr in result.requests if cr.pixel),
        "cookies": len(result.cookies),
        "third_party_cookies": sum(1 for c in result.cookies if c.party == "third"),
        "findings": {s: severities.get(s, 0) for s in reversed(SEVERITIES)},
    }


def _consent(result: ScanResult) -> dict:
    """The spec's consent block (null where no consent scenario ran: unknown, never guessed) and each click."""
    clicks = result.clicks
    if not clicks:
        return {"banner_found": None, "cmp": None, "reject_clicked": None, "accept_clicked": None, "clicks": []}
    return {
        "banner_found": any(c.banner_found for c in clicks.values()),
        "cmp": next((c.cmp for c in clicks.values() if c.cmp), None),
        "reject_clicked": clicks["reject"].clicked if "reject" in clicks else None,
        "accept_clicked": clicks["accept"].clicked if "accept" in clicks else None,
        "clicks": [{"scenario": scenario, "action": c.action, "banner_found": c.banner_found, "clicked": c.clicked,
                    "method": c.method, "cmp": c.cmp, "button_text": c.button_text, "selector": c.selector,
                    "frame_url": c.frame_url, "time_ms": c.time_ms, "note": c.note,
                    "screenshot": f"banner-{scenario}.png" if c.screenshot else None}
                   for scenario, c in clicks.items()],
    }


def to_dict(result: ScanResult) -> dict:
    """findings.json, schema version 1 (fields beyond the contract are extensions)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "pixelaudit", "version": __version__, "autoconsent": autoconsent_version()},
        "browser": {"name": "chromium", "version": result.browser_version, "executable": result.browser_path},
        "target": result.target,
        "kind": result.kind,
        "started_at": iso_utc(result.started_at),
        "finished_at": iso_utc(result.finished_at),
        "complete": result.complete,
        "scenarios": list(result.scenarios),
        "consent": _consent(result),
        "options": result.options,
        "rules": result.rules_info,
        "rule_docs": result.rule_docs,
        "tcf": [{"scenario": t.scenario, "moment": t.moment, "page_url": t.page_url, "tc_string": t.tc_string,
                 "event_status": t.event_status, "cmp_id": t.cmp_id, "decoded": t.decoded, "via": t.via}
                for t in result.tcf],
        "pages": [_page(p, result.evidence is not None) for p in result.pages],
        "requests": [request_dict(i, cr) for i, cr in enumerate(result.requests)],
        "cookies": [cookie_dict(i, cc) for i, cc in enumerate(result.cookies)],
        "storage": [storage_dict(s) for s in result.storage],
        "websockets": [{"url": ws.url, "scenario": ws.scenario, "time_ms": ws.time_ms, "host": host,
                        "site": site, "party": party} for ws, host, site, party in result.websockets],
        "findings": [{"type": f.type, "severity": f.severity, "site": f.site, "host": f.host,
                      "vendor": f.vendor, "scenario": f.scenario, "url": f.url, "message": f.message,
                      "evidence": f.evidence} for f in result.findings],
        "errors": [{"kind": e.kind, "message": e.message, "url": e.url, "scenario": e.scenario,
                    "fatal": e.fatal} for e in result.errors],
        "summary": _summary(result),
        **({"evidence": result.evidence} if result.evidence is not None else {}),
    }


def _page(p: PageVisit, evidence: bool) -> dict:
    """A page; with --evidence also its screenshot and HTML files (null when they could not be taken)."""
    page = {"url": p.url, "scenario": p.scenario, "status": p.status, "final_url": p.final_url, "title": p.title}
    return {**page, "screenshot": p.screenshot, "html": p.html} if evidence else page
