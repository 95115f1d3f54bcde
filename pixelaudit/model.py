"""Small immutable records that flow through the pipeline.

capture emits observation records (Request, Cookie, StorageWrite, ImageElement, WebSocket, ScanError);
classify adds new records (ImageInfo, Pixel, TrackerMatch, ClassifiedRequest) instead of mutating old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("info", "low", "medium", "high")


@dataclass(frozen=True, slots=True)
class Request:
    """One network request the page made (one per redirect hop)."""

    url: str
    method: str
    resource_type: str  # Playwright's resource type; "other" for net-log-only requests
    scenario: str
    page_url: str
    time_ms: float  # since the scenario's first navigation started
    frame: str  # "main" | "subframe" | "none" (service worker, net log)
    frame_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    size: int | None = None  # response body bytes, when known
    failure: str | None = None  # net error text when the request failed
    redirect_chain: tuple[str, ...] = ()  # earlier hops, first to last
    redirected_to: str | None = None
    sent_cookies: bool = False
    keepalive: bool = False  # fetch(..., {keepalive: true}) seen by our page hook
    source: str = "playwright"  # "playwright" | "netlog" (seen only in Chromium's net log)
    unload: bool = False  # fired while the page was being unloaded (pagehide/unload)
    body: bytes | None = field(default=None, repr=False, compare=False)  # image bodies only
    post_data: str | None = field(default=None, repr=False, compare=False)  # first 64 KiB, for extraction


@dataclass(frozen=True, slots=True)
class ImageElement:
    """An image the DOM draws: <img>/<input type=image>/CSS background, with its rendered box."""

    url: str
    frame_url: str
    kind: str  # "img" | "css-background" | "input"
    width: float
    height: float
    visible: bool  # false when display:none, visibility:hidden or opacity:0
    offscreen: bool


@dataclass(frozen=True, slots=True)
class Cookie:
    """A cookie in the jar at the end of a scenario, with how and when it was set when seen."""

    name: str
    value: str
    domain: str
    path: str
    expires: float | None  # epoch seconds; None for session cookies
    secure: bool
    http_only: bool
    same_site: str | None
    scenario: str
    set_by: str | None = None  # "header" | "script" | None when the setting was not observed
    set_by_url: str | None = None
    time_ms: float | None = None


@dataclass(frozen=True, slots=True)
class StorageWrite:
    """A localStorage/sessionStorage write (hooked) or an entry found in storage at the end."""

    storage: str  # "local" | "session"
    origin: str
    key: str
    value: str
    scenario: str
    time_ms: float | None  # None for entries found only in the final dump
    operation: str = "set"  # "set" | "remove" | "clear" | "present"
    page_url: str | None = None  # the page it was seen on (in a crawl: the crawled page where it first showed)


@dataclass(frozen=True, slots=True)
class WebSocket:
    """A WebSocket the page opened."""

    url: str
    scenario: str
    time_ms: float


@dataclass(frozen=True, slots=True)
class ScanError:
    """Something that kept the scan from being complete, in one line."""

    kind: str  # invalid-url | dns | connection | tls | http-status | redirect-loop | timeout | browser-crash | ...
    message: str
    url: str | None = None
    scenario: str | None = None
    fatal: bool = True  # true when the page could not be audited fully


@dataclass(frozen=True, slots=True)
class PageVisit:
    """One page load in one scenario."""

    url: str
    scenario: str
    status: int | None
    final_url: str | None
    title: str | None = None
    screenshot: str | None = None  # with --evidence: evidence/<scenario>-page<n>.png, relative to the output folder
    html: str | None = None  # with --evidence: the page's HTML after load


@dataclass(frozen=True, slots=True)
class ConsentClick:
    """What the consent step found and did in one scenario (the evidence the report shows)."""

    action: str  # "accept" | "reject"
    banner_found: bool
    clicked: bool
    method: str | None = None  # "selector" (user override) | "generic" | "autoconsent"
    cmp: str | None = None  # consent platform's name when known
    button_text: str | None = None
    selector: str | None = None  # CSS selector of the clicked button
    frame_url: str | None = None  # set when the banner sat in an iframe
    time_ms: float | None = None  # when the click happened, on the scenario's clock
    screenshot: bytes | None = field(default=None, repr=False, compare=False)  # PNG of the banner before the click
    note: str | None = None  # why nothing was clicked, or what went wrong


@dataclass(frozen=True, slots=True)
class TcfState:
    """The TC string a page's CMP published at one moment of a scenario, decoded."""

    scenario: str
    moment: str  # "before-choice" | "after-choice"
    page_url: str
    tc_string: str | None
    event_status: str | None
    cmp_id: int | None
    decoded: dict | None = field(default=None, hash=False, compare=False)
    via: str | None = None  # how the CMP answered: its page's __tcfapi, or postMessage through a locator frame


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What an image response decodes to."""

    format: str  # gif | png | jpeg | webp | ico | bmp | svg
    width: int
    height: int
    transparent: bool  # every pixel fully transparent


@dataclass(frozen=True, slots=True)
class Pixel:
    """Why a request was judged a tracking pixel."""

    width: int | None
    height: int | None
    bytes: int | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TrackerMatch:
    """A request or cookie matched to a tracker: one of our rules, a user's filter list, or a heuristic."""

    vendor: str | None  # None for list and heuristic matches: never counted as a known vendor
    category: str  # a rule category, or "unknown" for list and heuristic matches
    rule: str  # rule id, "list:<name>" or "heuristic:<kind>"
    company: str | None = None
    purpose: str | None = None
    id: str | None = None  # account / pixel / property id found in the request
    event: str | None = None
    consent: str | None = None  # consent state the request carries, e.g. gcs=G100
    source: str = "rules"  # rules | list | heuristic
    filter: str | None = None  # the filter-list line that matched
    reason: str | None = None  # why a heuristic judged it a tracker

    @property
    def label(self) -> str:
        """'Google Analytics G-ABC123 · page_view · consent G100', or the rule for unnamed matches."""
        head = " ".join(x for x in (self.vendor or self.rule, self.id) if x)
        return " · ".join([head, *([self.event] if self.event else []),
                           *([f"consent {self.consent}"] if self.consent else [])])


@dataclass(frozen=True, slots=True)
class Party:
    """Registrable domain of a host and its relation to the audited site."""

    host: str
    site: str
    party: str  # "first" | "third"


@dataclass(frozen=True, slots=True)
class ClassifiedRequest:
    """A request with its party, tracker match and pixel judgement."""

    request: Request
    party: Party
    tracker: TrackerMatch | None
    pixel: Pixel | None
    before_consent: bool


@dataclass(frozen=True, slots=True)
class ClassifiedCookie:
    """A cookie with its party and tracker match."""

    cookie: Cookie
    site: str
    party: str
    tracker: TrackerMatch | None
    before_consent: bool


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of the fixed vocabulary (see findings-v1)."""

    type: str
    severity: str
    scenario: str
    site: str | None
    host: str | None
    vendor: str | None
    url: str | None
    message: str
    evidence: dict = field(default_factory=dict, hash=False, compare=False)
