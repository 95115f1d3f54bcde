"""PrivacyAudit: what one sync-API browser context loaded, classified by pixelaudit's pipeline, with assertions.

The object behind the pytest fixture `privacy_audit` (pixelaudit.pytest_plugin); usable without pytest on any
context of Playwright's sync API. Its findings are the same finding dicts a scan writes to findings.json.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from pixelaudit.classify import Knowledge, classify, first_party_sites, site_party
from pixelaudit.findings import counts_as_tracking, derive_findings
from pixelaudit.model import ConsentClick, PageVisit, Request
from pixelaudit.parties import host_of, party_of, site_of
from pixelaudit.result import ScanResult, to_dict
from pixelaudit.sync_capture import SyncCapture

NO_CHOICE = "pytest"  # the scenario name until the test marks a consent choice ("accept" / "reject" after)
SHOWN_URL = 160  # characters of a URL an assertion message shows


@cache
def default_knowledge() -> Knowledge:
    """pixelaudit's bundled rules with heuristics on, loaded once per test session."""
    from pixelaudit.rules import load_rules

    return Knowledge(load_rules())


class PrivacyAudit:
    """Records every request, response and cookie of one browser context and judges them like `pixelaudit scan`.

    Attach before the first navigation. The first party is the site of the first page the context navigates to,
    unless `site` is set (a host, a URL or a registrable domain). Reading `requests`, `trackers`, `pixels`,
    `cookies`, `findings` or `result()` and every assertion first calls `settle()`, so tags that fire late after
    a navigation are seen.
    """

    def __init__(self, context, name: str = NO_CHOICE, knowledge: Knowledge | None = None,
                 settle_timeout: float = 5.0) -> None:
        self.name = name  # the test's node id: named in assertion messages and findings.json
        self.settle_timeout = settle_timeout
        self._knowledge = knowledge or default_knowledge()
        self._site: str | None = None
        self._choice: ConsentClick | None = None
        self._started = datetime.now(UTC)
        self._browser = getattr(getattr(context, "browser", None), "version", None)
        self._capture = SyncCapture(NO_CHOICE)
        self._capture.attach(context)
        self._capture.start()

    # --- the first party and the consent choice ------------------------------------------------
    @property
    def site(self) -> str | None:
        """The first party's registrable domain: set explicitly, else the first page's site (None before any)."""
        if self._site:
            return self._site
        return next(iter(sorted(self._first_party())), None)

    @site.setter
    def site(self, value: str) -> None:
        self._site = site_of(host_of(value) if "://" in value else value)

    def _first_party(self) -> frozenset[str]:
        if self._site:
            return frozenset({self._site})
        return first_party_sites([self._capture.first_navigation or "", self._capture.first_page or ""])

    def consent_given(self) -> AbstractContextManager:
        """Mark that the visitor accepts now: earlier requests and cookies are `before_consent`.

        Call it right before the click that accepts, or wrap the click:
        `with privacy_audit.consent_given(): page.click("#accept-all")`. (Events reach Python only while the test
        waits in Playwright, so a mark made after the click would count what the click set off as before it.)
        """
        return self._choose("accept")

    def consent_rejected(self) -> AbstractContextManager:
        """Mark that the visitor rejects now (before the click, like `consent_given`); trackers after it are
        `tracker-after-reject` findings."""
        return self._choose("reject")

    def _choose(self, action: str) -> AbstractContextManager:
        if self._choice is not None and self._choice.action != action:
            raise RuntimeError(f"privacy_audit: consent was already marked as {self._choice.action!r}; "
                               "one choice per test")
        if self._choice is None:
            self._capture.pause(0)  # deliver what the browser already sent, so it is timed before the mark
            self._choice = ConsentClick(action, banner_found=True, clicked=True, method="test",
                                        time_ms=self._capture.now_ms(), note=f"marked by {self.name}")
            self._capture.scenario = action
        return nullcontext(self)

    # --- observations -------------------------------------------------------------------------
    def settle(self, timeout: float | None = None) -> bool:
        """Wait until no request has been in flight for 0.5 s (at most `timeout` s, default `settle_timeout`),
        then record what the open pages draw; False when the network never went quiet."""
        quiet = self._capture.wait_idle(cap=self.settle_timeout if timeout is None else timeout)
        self._capture.snapshot_pages()
        return quiet

    def scan_result(self) -> ScanResult:
        """Everything observed so far (cookies as the jar holds them now), classified."""
        self.settle()
        self._capture.snapshot_cookies()
        capture = self._capture.result()
        scenario = self._capture.scenario
        capture = replace(capture, storage=tuple(replace(s, scenario=scenario) for s in capture.storage),
                          websockets=tuple(replace(w, scenario=scenario) for w in capture.websockets))
        first_party = self._first_party()
        consent_at = self._choice.time_ms if self._choice else None
        requests, cookies = classify(capture, self._knowledge, first_party, consent_at_ms=consent_at)
        clicks = {scenario: self._choice} if self._choice else {}
        rules = {m.rule for m in (*(r.tracker for r in requests), *(c.tracker for c in cookies)) if m}
        from pixelaudit.scan import rules_info  # imports the async pipeline: only when a result is asked for

        return ScanResult(
            target=self._capture.first_navigation or self._capture.first_page or "", kind="site",
            started_at=self._started, finished_at=datetime.now(UTC), browser_version=self._browser,
            browser_path=None, scenarios=(scenario,), pages=_pages(capture.requests), requests=tuple(requests),
            cookies=tuple(cookies), storage=capture.storage,
            websockets=tuple((w, h, *site_party(h, first_party)) for w in capture.websockets
                             for h in [host_of(w.url)]),
            findings=tuple(derive_findings(requests, cookies, clicks)), errors=(), clicks=clicks,
            options={"pytest": {"nodeid": self.name, "site": self._site, "settle_timeout": self.settle_timeout}},
            rules_info=rules_info(self._knowledge), rule_docs=self._knowledge.rules.docs_for(rules))

    def result(self) -> dict:
        """findings.json of this test (schema version 1), with the test's node id under `options.pytest`."""
        return to_dict(self.scan_result())

    @property
    def requests(self) -> list[dict]:
        """Every request, as findings.json's request dicts (url, method, resource_type, status, time_ms, frame,
        page_url, party, tracker, pixel, before_consent, ...)."""
        return self.result()["requests"]

    @property
    def trackers(self) -> list[str]:
        """Names of the trackers that sent requests (vendor, or the list/heuristic rule of an unnamed one),
        counted as findings count them: consent platforms, tag managers and functional services left out."""
        return sorted({cr.tracker.vendor or cr.tracker.rule for cr in self.scan_result().requests
                       if cr.tracker is not None and counts_as_tracking(cr)})

    @property
    def tracker_matches(self) -> list[dict]:
        """Request dicts of every request a rule, list or heuristic matched (all categories)."""
        return [r for r in self.requests if r["tracker"]]

    @property
    def pixels(self) -> list[dict]:
        """Request dicts of the requests judged tracking pixels (`pixel` says why)."""
        return [r for r in self.requests if r["pixel"]]

    @property
    def cookies(self) -> list[dict]:
        """The cookie jar now, as findings.json's cookie dicts (party, tracker, before_consent, set_by_url)."""
        return self.result()["cookies"]

    @property
    def findings(self) -> list[dict]:
        """The findings, as in findings.json (type, severity, vendor, host, message, evidence, ...)."""
        return self.result()["findings"]

    def write(self, out_dir: Path) -> list[Path]:
        """Write findings.json and report.html into `out_dir`."""
        from pixelaudit.report import write_reports

        return write_reports(self.result(), Path(out_dir), ("json", "html"))

    # --- assertions ---------------------------------------------------------------------------
    def no_trackers_before_consent(self) -> None:
        """Fail when a tracker or tracking pixel sent a request before the consent choice (or ever, when the
        test marks no choice)."""
        self._fail(self._of_type("tracker-before-consent"), "tracker(s) sent requests before any consent choice")

    def no_trackers_after_reject(self) -> None:
        """Fail when a tracker or tracking pixel sent a request after `consent_rejected()`."""
        if self._choice is None or self._choice.action != "reject":
            raise RuntimeError("privacy_audit.no_trackers_after_reject(): call privacy_audit.consent_rejected() "
                               "before the test clicks the banner's reject button")
        self._fail(self._of_type("tracker-after-reject"), "tracker(s) sent requests after the visitor rejected")

    def no_pixels(self) -> None:
        """Fail when any request was a tracking pixel (1×1, invisible or beacon), whoever sent it."""
        self._fail(self._of_type("tracking-pixel"), "tracking pixel host(s)")

    def no_third_party_cookies(self) -> None:
        """Fail on third-party cookies in the jar, and on third-party Set-Cookie headers the browser refused.

        Headless Chromium blocks third-party cookies by default, so a default pytest-playwright context never
        stores them: the refused headers are what shows the attempt.
        """
        result = self.result()
        jar = {(c["name"], c["site"]) for c in result["cookies"]}
        offenders = [f"{c['name']} on {c['domain']} ({(c['tracker'] or {}).get('vendor') or 'no known vendor'}), "
                     f"set by {_short(c['set_by_url'] or 'an unseen response or script')}"
                     for c in result["cookies"] if c["party"] == "third"]
        first_party = self._first_party()
        for name, url, t in self._capture.set_cookie_headers():
            party = party_of(url, first_party)
            if party.party == "third" and (name, party.site) not in jar:
                offenders.append(f"{name} from {party.host} at {t:.0f} ms (Set-Cookie the browser did not store): "
                                 f"{_short(url)}")
        self._fail(list(dict.fromkeys(offenders)), "third-party cookie(s)")

    def only_vendors(self, *names: str) -> None:
        """Fail when a tracker not named here (case-insensitive vendor names, as in `trackers`) or an unnamed
        tracker or tracking pixel sent a request."""
        allowed = {n.casefold() for n in names}
        seen: dict[str, list] = {}
        for cr in self.scan_result().requests:
            vendor = cr.tracker.vendor if cr.tracker else None
            if not counts_as_tracking(cr) or (vendor and vendor.casefold() in allowed):
                continue
            key = vendor or f"an unnamed tracker on {cr.party.host}"
            seen.setdefault(key, [0, cr.request.url])[0] += 1
        self._fail([f"{who}: {n} request(s), first {_short(url)}" for who, (n, url) in seen.items()],
                   f"tracker(s) not in the allowed vendors ({', '.join(names) or 'none'})")

    def _of_type(self, ftype: str) -> list[str]:
        return [f"{f['vendor'] or 'unnamed'} on {f['host']} [{f['severity']}]: {f['message']}\n      {_short(f['url'])}"
                for f in self.findings if f["type"] == ftype]

    def _fail(self, offenders: list[str], what: str) -> None:
        if offenders:
            site = f", first party {self.site}" if self.site else ""
            raise AssertionError(f"privacy_audit: {len(offenders)} {what} ({self.name}{site}):\n"
                                 + "\n".join(f"  - {line}" for line in offenders))


def _pages(requests: tuple[Request, ...]) -> tuple[PageVisit, ...]:
    """The pages the test's main frames loaded: the last hop of each main-frame document request."""
    return tuple(PageVisit(r.redirect_chain[0] if r.redirect_chain else r.url, r.scenario, r.status, r.url)
                 for r in requests if r.frame == "main" and r.resource_type == "document" and not r.redirected_to)


def _short(url: str | None) -> str:
    url = url or ""
    return url if len(url) <= SHOWN_URL else url[: SHOWN_URL - 1] + "…"
