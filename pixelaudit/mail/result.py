"""findings.json (schema version 1, `kind: "email"`) for one analysed mail, and the index of a batch.

A mail has no consent scenarios: it is judged opened in a client that shows remote content (scenario
"open"); `before_consent` and the consent block are null (unknown, never guessed). Requests carry
`media` ("screen" | "print") and `answered` ("stub": intercepted, never sent; "cid"; "live").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import datetime

from pixelaudit import __version__
from pixelaudit.mail.analyse import SCENARIO, MailAnalysis
from pixelaudit.mail.model import Mail, MailError
from pixelaudit.model import SEVERITIES, Finding
from pixelaudit.parties import party_of
from pixelaudit.result import SCHEMA_VERSION, iso_utc
from pixelaudit.rules import RuleSet

__all__ = ["batch_index", "mail_to_dict", "summary_row"]

NO_CONSENT = {"banner_found": None, "cmp": None, "reject_clicked": None, "accept_clicked": None, "clicks": []}



def finding_dict(f: Finding, message_id: str | None = None) -> dict:
    """A finding as findings.json writes it (with the message it belongs to, in a batch index)."""
    out = {"type": f.type, "severity": f.severity, "site": f.site, "host": f.host, "vendor": f.vendor,
           "scenario": f.scenario, "url": f.url, "message": f.message, "evidence": f.evidence}
    return out if message_id is None else {**out, "mail": message_id}


def _email(mail: Mail, a: MailAnalysis | None) -> dict:
    h = mail.headers
    return {
        "id": mail.id, "path": mail.path, "source": mail.source, "size": mail.size,
        "subject": h.subject, "from": h.from_addr.address if h.from_addr else None,
        "sender_sites": sorted(a.sender_sites) if a else [], "to": list(h.to), "delivered_to": list(h.delivered_to),
        "date": h.date.isoformat() if h.date else None, "message_id": h.message_id, "x_mailer": h.x_mailer,
        "list_unsubscribe": list(h.list_unsubscribe), "dkim_domains": list(h.dkim_domains),
        "return_path": h.return_path.address if h.return_path else None,
        "platform": None if a is None or a.platform is None else
        {"vendor": a.platform.vendor, "rule": a.platform.rule, "evidence": list(a.platform.evidence)},
        "identities": list(a.identities) if a else [],
        "body_type": mail.body_type, "charset": mail.charset, "declared_charset": mail.declared_charset,
        "inline_parts": [{"content_id": p.content_id, "content_type": p.content_type, "bytes": len(p.data)}
                         for p in mail.inline],
        "attachments": [asdict(x) for x in mail.attachments],
        "issues": [asdict(i) for i in mail.issues],
    }


def _tracker(vendor: str | None, rule_id: str | None, rules: RuleSet | None) -> dict | None:
    """A named platform's tracker record, as site results have it, so a [policy] allowance (by category,
    purpose, vendor or rule id) reads an e-mail's pixels and links the same way. Only e-mail rules name a
    mail's pixels and links (detect.py), hence the category when the rule set is not at hand."""
    if not vendor:
        return None
    rule = rules.get(rule_id) if rules is not None and rule_id else None
    return {"vendor": vendor, "category": rule.category if rule else "email", "rule": rule_id} \
        | ({"purpose": rule.purpose} if rule else {})


def _requests(a: MailAnalysis, rules: RuleSet | None = None) -> list[dict]:
    pixels = {p.url: p for p in a.pixels}
    out = []
    for i, r in enumerate(a.rendering.requests):
        p = pixels.get(r.url)
        where = party_of(r.url, a.sender_sites) if r.answered != "cid" else None  # cid: the message itself
        out.append({
            "index": i, "url": r.url, "method": "GET", "resource_type": r.resource_type, "status": r.status,
            "scenario": SCENARIO, "page_url": a.mail.id, "time_ms": r.time_ms, "before_consent": None,
            "host": where.host if where else None, "site": where.site if where else None,
            "party": where.party if where else "first",
            "tracker": _tracker(p.vendor, p.rule, rules) if p else None,
            "pixel": None if p is None else {"width": r.width, "height": r.height, "bytes": r.bytes,
                                             "reasons": list(p.reasons)},
            "media": r.media, "answered": r.answered, "content_type": r.content_type,
        })
    return out


def _summary(a: MailAnalysis | None, findings: tuple[Finding, ...]) -> dict:
    severities = Counter(f.severity for f in findings)
    return {
        "requests": len(a.rendering.requests) if a else 0,
        "pixels": len(a.pixels) if a else 0, "click_tracking_links": len(a.clicks) if a else 0,
        "links": len(a.rendering.links) if a else 0,
        "third_party_remote": sum(1 for r in a.remote if r.party == "third") if a else 0,
        # leaks that are findings (to a third party or a platform): first-party ones stay listed in `leaks`
        "leaks": len({(h.host, h.leak.form) for h in a.leaks if h.party == "third"}) if a else 0,
        "findings": {s: severities.get(s, 0) for s in reversed(SEVERITIES)},
    }


def mail_to_dict(a: MailAnalysis, *, started_at: datetime, finished_at: datetime, browser: dict,
                 rules_info: dict, options: dict, screenshot: str | None, rules: RuleSet | None = None) -> dict:
    """findings.json for one mail (`rules`: the rule set that named its platforms, for their category and
    purpose)."""
    errors = [{"code": "render-failed", "message": f"{a.mail.id}: {a.rendering.error}", "fatal": True}] \
        if a.rendering.error else []
    return {
        "schema_version": SCHEMA_VERSION, "tool": {"name": "pixelaudit", "version": __version__},
        "browser": browser, "target": a.mail.id, "kind": "email",
        "started_at": iso_utc(started_at), "finished_at": iso_utc(finished_at), "complete": not errors,
        "scenarios": [SCENARIO], "consent": NO_CONSENT, "options": options, "rules": rules_info,
        "email": _email(a.mail, a), "screenshot": screenshot, "live": a.rendering.live,
        "pages": [{"url": a.mail.id, "scenario": SCENARIO, "status": None}],
        "requests": _requests(a, rules), "cookies": [],
        "pixels": [{**asdict(p), "tracker": _tracker(p.vendor, p.rule, rules)} for p in a.pixels],
        "click_tracking": [{**asdict(c), "tracker": _tracker(c.vendor, c.rule, rules)} for c in a.clicks],
        "links": [asdict(x) for x in a.rendering.links], "remote_content": [asdict(r) for r in a.remote],
        "leaks": [{"url": h.url, "kind": h.kind, "host": h.host, "party": h.party, "vendor": h.vendor,
                   **asdict(h.leak)} for h in a.leaks],
        "recipient_ids": [asdict(t) for t in a.tokens],
        "findings": [finding_dict(f) for f in a.findings],
        "errors": errors, "summary": _summary(a, a.findings),
    }


def summary_row(data: dict) -> dict:
    """One mail's line in a batch: what the summary CSV and report show (from its findings.json)."""
    email, summary = data["email"], data["summary"]
    platform = email.get("platform") or {}
    forms = sorted({x["form"] for x in data["leaks"] if x["party"] == "third"})
    return {"mail": email["id"], "subject": email["subject"], "from": email["from"],
            "platform": platform.get("vendor"), "pixels": summary["pixels"],
            "click_tracking": summary["click_tracking_links"], "third_party_remote": summary["third_party_remote"],
            "leaks": summary["leaks"], "leak_forms": forms,
            "high": summary["findings"]["high"], "medium": summary["findings"]["medium"],
            "low": summary["findings"]["low"], "complete": data["complete"], "error": None,
            "dir": None}  # the batch sets where its reports are, as for error_row


def error_row(error: MailError) -> dict:
    """A mail that could not be read, as a batch line."""
    return {"mail": error.id, "subject": None, "from": None, "platform": None, "pixels": None,
            "click_tracking": None, "third_party_remote": None, "leaks": None, "leak_forms": [], "high": None,
            "medium": None, "low": None, "complete": False, "error": f"{error.code}: {error.message}",
            "dir": None}


def batch_index(target: str, rows: list[dict], findings: list[dict], errors: list[dict], *,
                started_at: datetime, finished_at: datetime, browser: dict, rules_info: dict,
                options: dict) -> dict:
    """findings.json for a batch: every mail's findings (each naming its mail), one row per mail, the errors."""
    severities = Counter(f["severity"] for f in findings)
    return {
        "schema_version": SCHEMA_VERSION, "tool": {"name": "pixelaudit", "version": __version__},
        "browser": browser, "target": target, "kind": "email", "batch": True,
        "started_at": iso_utc(started_at), "finished_at": iso_utc(finished_at), "complete": not errors,
        "scenarios": [SCENARIO], "consent": NO_CONSENT, "options": options, "rules": rules_info,
        "pages": [], "requests": [], "cookies": [],  # per mail, in messages/<dir>/findings.json
        "messages": rows, "findings": findings, "errors": errors,
        "summary": {"messages": len(rows), "unreadable": sum(1 for r in rows if r["error"]),
                    "with_pixels": sum(1 for r in rows if r["pixels"]),
                    "with_click_tracking": sum(1 for r in rows if r["click_tracking"]),
                    "with_leaks": sum(1 for r in rows if r["leaks"]),
                    "findings": {s: severities.get(s, 0) for s in reversed(SEVERITIES)}},
    }
