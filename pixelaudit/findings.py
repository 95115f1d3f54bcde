"""Pure derivation of the fixed finding types from classified records (see findings-v1).

Consent platforms, functional services and tag managers never count as violations. One finding per
(type, host, scenario); its evidence points at the first record, counts the others and lists every page it
showed on (`pages`, first-seen order; a crawl has many).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pixelaudit.consentmode import google_hit, summary
from pixelaudit.model import SEVERITIES, ClassifiedCookie, ClassifiedRequest, ConsentClick, Finding, TcfState
from pixelaudit.parties import host_of, site_of
from pixelaudit.rules import TRACKING_CATEGORIES
from pixelaudit.tcf import positive_consent


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


def tracking_cookie(cc: ClassifiedCookie) -> bool:
    """A known tracker's cookie, or any third-party cookie not owned by a consent/functional rule."""
    if cc.tracker is not None:
        return cc.tracker.category in TRACKING_CATEGORIES
    return cc.party == "third"


def _known(cr: ClassifiedRequest) -> bool:
    return cr.tracker is not None and cr.tracker.vendor is not None


def _what(cr: ClassifiedRequest) -> str:
    if _known(cr):
        return f"{cr.tracker.label} ({cr.tracker.category})"
    if cr.tracker is not None:  # a filter list's or heuristic's find
        why = cr.tracker.reason or f"listed in {cr.tracker.rule.removeprefix('list:')}: {cr.tracker.filter}"
        return f"An unnamed third-party tracker ({why})"
    return _label(cr)


def derive_findings(requests: Sequence[ClassifiedRequest], cookies: Sequence[ClassifiedCookie] = (),
                    clicks: Mapping[str, ConsentClick] | None = None,
                    tcf: Sequence[TcfState] = (), cookie_pages: Sequence[str | None] = ()) -> list[Finding]:
    """Every finding the records support, most severe first.

    `requests` and `cookies` are in capture order (evidence indexes point into them); `clicks` holds the
    consent step of each scenario that made one; `cookie_pages[i]`, when given, is the page on which
    `cookies[i]` first showed (a cookie record does not say; a crawl knows).
    """
    clicks = clicks or {}
    found: dict[tuple[str, str, str], Finding] = {}
    counts: dict[tuple[str, str, str], int] = {}
    pages: dict[tuple[str, str, str], dict[str, None]] = {}

    def add(ftype: str, severity: str, scenario: str, host: str, site: str, vendor: str | None, url: str | None,
            message: str, evidence: dict) -> None:
        key = (ftype, host, scenario)
        counts[key] = counts.get(key, 0) + 1
        if evidence.get("page_url"):
            pages.setdefault(key, {})[evidence["page_url"]] = None
        old = found.get(key)
        if old is None or SEVERITIES.index(severity) > SEVERITIES.index(old.severity):
            found[key] = Finding(ftype, severity, scenario, site, host, vendor, url, message, evidence)

    def add_request(ftype: str, severity: str, i: int, cr: ClassifiedRequest, message: str,
                    consent_mode: dict | None = None) -> None:
        r = cr.request
        evidence = {"request_index": i, "time_ms": r.time_ms, "page_url": r.page_url, "party": cr.party.party}
        if consent_mode is not None:
            evidence["consent_mode"] = consent_mode
        add(ftype, severity, r.scenario, cr.party.host, cr.party.site, cr.tracker.vendor if cr.tracker else None,
            r.url, message, evidence)

    for i, cr in enumerate(requests):
        scenario, ms = cr.request.scenario, f"{cr.request.time_ms:.0f} ms after the page started loading"
        if cr.pixel is not None:
            add_request("tracking-pixel", "info", i, cr,
                        f"{cr.tracker.vendor if _known(cr) else 'Tracking pixel'} on {cr.party.host} "
                        f"({cr.party.party}-party): {'; '.join(cr.pixel.reasons)}")
        if not counts_as_tracking(cr):
            continue
        severity = "high" if _known(cr) else "medium"
        # Google Consent Mode (gcs/gcd, decoded): a Google hit that itself says storage is denied before a
        # choice is a cookieless ping (a warning); granted, or no consent state at all, is the violation.
        hit = google_hit(cr.tracker, cr.request.url)
        if cr.before_consent:
            denied = hit is not None and hit["state"] == "denied"
            add_request("tracker-before-consent", "low" if denied else severity, i, cr,
                        f"{_what(cr)} sent a request to {cr.party.host} before any consent choice, {ms}"
                        + (f" ({summary(hit)})" if hit else ""), hit)
        elif scenario == "reject":
            add_request("tracker-after-reject", severity, i, cr,
                        f"{_what(cr)} sent a request to {cr.party.host} after the visitor rejected, "
                        f"on {cr.request.page_url}, {ms}" + (f" ({summary(hit)})" if hit else ""), hit)
        if scenario == "gpc" and _known(cr):
            add_request("gpc-ignored", "high", i, cr,
                        f"{_what(cr)} sent a request to {cr.party.host} although Global Privacy Control "
                        f"was on, {ms}")

    for i, cc in enumerate(cookies):
        c = cc.cookie
        if cc.before_consent and tracking_cookie(cc):
            who = f"{cc.tracker.vendor}'s" if cc.tracker and cc.tracker.vendor else f"A {cc.party}-party"
            when = f", set {c.time_ms:.0f} ms after the page started loading" if c.time_ms is not None else ""
            add("cookie-before-consent", "high" if cc.tracker else "medium", c.scenario, c.domain.lstrip("."),
                cc.site, cc.tracker.vendor if cc.tracker else None, c.set_by_url,
                f"{who} cookie {c.name!r} on {c.domain} was set before any consent choice{when}",
                {"cookie_index": i, "time_ms": c.time_ms, "set_by": c.set_by, "party": cc.party}
                | ({"page_url": cookie_pages[i]} if i < len(cookie_pages) and cookie_pages[i] else {}))

    consent_runs = list(clicks.values())
    tracking = [(i, cr) for i, cr in enumerate(requests) if counts_as_tracking(cr)]
    if consent_runs and not any(click.banner_found for click in consent_runs) and tracking:
        i, cr = tracking[0]
        add("no-consent-banner", "high", cr.request.scenario, cr.party.host, cr.party.site,
            cr.tracker.vendor if cr.tracker else None, cr.request.url,
            f"Trackers fire ({len({c.party.host for _, c in tracking})} hosts) but no consent banner was found",
            {"request_index": i, "scenarios": sorted(clicks)})

    # TCF: a TC string granting purposes or vendors before any action, or still granting after a reject
    for i, state in enumerate(tcf):
        if not positive_consent(state.decoded):
            continue
        granted = f"purposes {state.decoded['purposes_consent']}, {state.decoded['vendors_consent_count']} vendors"
        if state.moment == "before-choice":
            add("tcf-consent-before-choice", "high", state.scenario, host_of(state.page_url),
                site_of(host_of(state.page_url)), None,
                state.page_url, f"The CMP's TC string grants consent before the visitor acted ({granted})",
                {"tcf_index": i, "cmp_id": state.cmp_id, "event_status": state.event_status})
        elif state.scenario == "reject":
            add("tcf-consent-after-reject", "high", state.scenario, host_of(state.page_url),
                site_of(host_of(state.page_url)), None,
                state.page_url, f"After the visitor rejected, the TC string still grants consent ({granted})",
                {"tcf_index": i, "cmp_id": state.cmp_id, "event_status": state.event_status})

    result = []
    for key, finding in found.items():
        if "tcf_index" not in finding.evidence:
            finding.evidence["cookies" if "cookie_index" in finding.evidence else "requests"] = counts[key]
        if key in pages:
            finding.evidence["pages"] = list(pages[key])
        result.append(finding)
    result.sort(key=lambda f: (-SEVERITIES.index(f.severity), f.type,
                               f.evidence.get("request_index", f.evidence.get("cookie_index", 0)) or 0))
    return result
