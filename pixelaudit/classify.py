"""Pure classification of captured records: party, known tracker, tracking pixel. No I/O, no browser."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from pixelaudit.capture import CaptureResult
from pixelaudit.heuristics import judge_unknown
from pixelaudit.imagesize import decode_image
from pixelaudit.model import ClassifiedCookie, ClassifiedRequest, ImageElement, Party, Request, TrackerMatch
from pixelaudit.parties import cookie_site, party_of, site_of
from pixelaudit.pixels import is_image_request, judge_pixel
from pixelaudit.rules import RuleSet


@dataclass(frozen=True)
class Knowledge:
    """What classification knows: our rules, the user's filter lists, and whether heuristics run."""

    rules: RuleSet
    lists: tuple = ()  # pixelaudit.filterlist.FilterList, imported only when a list is given
    heuristics: bool = True

    @cached_property
    def matchers(self) -> list[Callable[[Request, Party], TrackerMatch | None]]:
        """The ordered registry: the first matcher with an answer names the tracker."""
        chain: list[Callable[[Request, Party], TrackerMatch | None]] = [self._rule_match]
        chain += [lst.match for lst in self.lists]
        if self.heuristics:
            chain.append(judge_unknown)
        return chain

    def _rule_match(self, req: Request, party: Party) -> TrackerMatch | None:
        rule = self.rules.match_url(req.url) if party.host else None
        return rule.as_match(req.url, req.post_data) if rule else None

    def tracker(self, req: Request, party: Party) -> TrackerMatch | None:
        """Who a request is for: the first answer in the registry."""
        for matcher in self.matchers:
            if match := matcher(req, party):
                return match
        return None


def first_party_sites(urls: Iterable[str]) -> frozenset[str]:
    """Registrable domains of the audited URLs (the target and where it redirected to)."""
    return frozenset(party_of(u, frozenset()).site for u in urls if u and "://" in u)


def _elements_by_url(images: tuple[ImageElement, ...]) -> dict[str, list[ImageElement]]:
    index: dict[str, list[ImageElement]] = defaultdict(list)
    for el in images:
        index[el.url].append(el)
    return index


def classify_request(req: Request, knowledge: Knowledge | RuleSet, first_party: frozenset[str],
                     elements: dict[str, list[ImageElement]], before_consent: bool) -> ClassifiedRequest:
    """Party, tracker and pixel judgement of one request."""
    knowledge = knowledge if isinstance(knowledge, Knowledge) else Knowledge(knowledge)
    party = party_of(req.url, first_party)
    image = decode_image(req.body, req.content_type) if req.body and is_image_request(req) else None
    drawn = [el for url in (*req.redirect_chain, req.url) for el in elements.get(url, ())]
    pixel = judge_pixel(req, party, image, drawn)
    return ClassifiedRequest(req, party, knowledge.tracker(req, party), pixel, before_consent)


def classify(capture: CaptureResult, knowledge: Knowledge | RuleSet, first_party: frozenset[str],
             consent_at_ms: float | None = None) -> tuple[list[ClassifiedRequest], list[ClassifiedCookie]]:
    """Classify one scenario's requests and cookies.

    `consent_at_ms` is when the consent choice was clicked on the scenario's clock (None: never). A request
    is before consent when it started earlier; a cookie when it was seen being set earlier (a cookie whose
    setting was not observed counts as before consent only when no choice was ever made).
    """
    knowledge = knowledge if isinstance(knowledge, Knowledge) else Knowledge(knowledge)
    rules = knowledge.rules
    elements = _elements_by_url(capture.images)

    def before(t: float | None) -> bool:
        return consent_at_ms is None or (t is not None and t < consent_at_ms)

    requests = [classify_request(r, knowledge, first_party, elements, before(r.time_ms)) for r in capture.requests]
    cookies = []
    for c in capture.cookies:
        site = cookie_site(c.domain)
        rule = rules.match_cookie(c.name, c.domain)
        cookies.append(ClassifiedCookie(c, site, "first" if site in first_party else "third",
                                        rule.as_match() if rule else None, before(c.time_ms)))
    return requests, cookies


def site_party(host: str, first_party: frozenset[str]) -> tuple[str, str]:
    """(site, party) of a bare host."""
    site = site_of(host)
    return site, "first" if site in first_party else "third"
