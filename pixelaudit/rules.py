"""Tracker rules: one YAML file per vendor (format and data policy in ``rules/README.md``), validated and
compiled once at load time into lookup tables that match request URLs and cookies.
"""

from __future__ import annotations

import fnmatch
import heapq
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, unquote_plus

from pixelaudit.model import TrackerMatch
from pixelaudit.parties import normalise_host

CATEGORIES = frozenset({
    "advertising", "analytics", "session-replay", "tag-manager", "social", "customer-data", "ab-testing",
    "affiliate", "fingerprinting", "support-chat", "consent", "functional", "email",
})  # fmt: skip
PURPOSES = frozenset({"necessary", "functional", "statistics", "marketing"})
TRACKING_CATEGORIES: frozenset[str] = CATEGORIES - {"consent", "functional", "tag-manager"}
"""Categories whose requests and cookies count as tracking; the others never count as violations."""



class RuleError(Exception):
    """A rule file that cannot be used, as one line: ``<file>: <field>: <reason>``."""

    def __init__(self, file: str | Path, field: str, reason: str) -> None:
        super().__init__(f"{file}: {field}: {reason}")
        self.file, self.field, self.reason = str(file), field, reason


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A URL shape: path regex (``re.search``), required query parameter names, optional host suffix."""

    host: str | None
    path: re.Pattern[str]
    query: tuple[str, ...] = ()

    def matches(self, path: str, query: str) -> bool:
        """True when the URL path matches and every required query parameter name is present."""
        if not self.path.search(path):
            return False
        if not self.query:
            return True
        return all(name in query_names(query) for name in self.query)


def query_names(query: str) -> frozenset[str]:
    """Parameter names of a query string (decoded only when they contain an escape)."""
    names = (part.split("=", 1)[0] for part in query.split("&") if part)
    return frozenset(unquote_plus(n) if "%" in n or "+" in n else n for n in names)


@dataclass(frozen=True, slots=True)
class Extractor:
    """Where one value (account id, event, consent state) sits in a request: query, path or body."""

    key: str  # id | event | consent
    source: str  # query | path | body
    name: str  # query parameter / body field (dotted for JSON), or the path regex's text
    pattern: re.Pattern[str] | None = None  # path: one capturing group

    def find(self, path: str, params: dict[str, str], body: object) -> str | None:
        """The value in this request, or None."""
        if self.source == "query":
            raw = params.get(self.name)
            if not raw:
                return None
            return unquote_plus(raw) if "%" in raw or "+" in raw else raw
        if self.source == "path":
            m = self.pattern.search(path) if self.pattern else None
            return m.group(1) if m else None
        value = body
        for part in self.name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return str(value) if value not in (None, "", [], {}) else None


@dataclass(frozen=True, slots=True)
class Rule:
    """One vendor rule as loaded from its YAML file, its patterns compiled."""

    id: str
    vendor: str
    company: str
    category: str
    purpose: str
    source: str
    domains: tuple[str, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    cookies: tuple[str, ...] = ()
    extract: tuple[Extractor, ...] = ()
    docs: str | None = None
    collects: str | None = None
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    file: str = ""

    def as_match(self, url: str | None = None, body: str | None = None) -> TrackerMatch:
        """The record a classified request or cookie carries, with the ids found in the request."""
        values = self.extract_values(url, body) if url and self.extract else {}
        return TrackerMatch(self.vendor, self.category, self.id, self.company, self.purpose,
                            values.get("id"), values.get("event"), values.get("consent"))

    def extract_values(self, url: str, body: str | None = None) -> dict[str, str]:
        """`id`, `event`, `consent` as found in the request's query, path or body (first extractor wins)."""
        _host, path, query = split_url(url) or ("", "", "")
        # raw values (the last of repeated names, as dict(parse_qsl(...)) kept); decoded only when extracted
        params: dict[str, str] = {}
        for part in query.split("&") if query else ():
            name, _, value = part.partition("=")
            params[unquote_plus(name) if "%" in name or "+" in name else name] = value
        parsed_body = _parse_body(body) if body and any(e.source == "body" for e in self.extract) else None
        found: dict[str, str] = {}
        for extractor in self.extract:
            if extractor.key not in found and (value := extractor.find(path, params, parsed_body)):
                found[extractor.key] = value[:200]
        return found


def _parse_body(body: str) -> object:
    """A request body as JSON, or as form fields; each JSON line of a batch is tried for its first object."""
    text = body.strip()
    if text[:1] in "{[":
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, list):
            data = next((item for item in data if isinstance(item, dict)), None)
        if isinstance(data, dict):
            return data
    return dict(parse_qsl(text, keep_blank_values=True))


_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//(?:[^@/?#]*@)?"  # scheme, userinfo
                  r"(\[[^\]/?#]*\]|[^:/?#]*)(?::\d*)?([^?#]*)(?:\?([^#]*))?")  # host, port, path, query


def split_url(url: str) -> tuple[str, str, str] | None:
    """(host, path, query) of an absolute URL, host lower-cased without port or trailing dot; None when it
    has no host. A compiled regex: urlsplit is the slowest step of matching."""
    m = _URL.match(url)
    if m is None or not (host := m.group(1).strip("[]").lower().rstrip(".")):
        return None
    return host, m.group(2) or "/", m.group(3) or ""


_LITERAL_HEAD = re.compile(r"\^/([A-Za-z0-9_~-]+)(?=/|\$)")  # '^/g/collect$' -> 'g'


@lru_cache(maxsize=8192)
def _suffixes(host: str) -> tuple[str, ...]:
    """``a.b.c`` -> ``("a.b.c", "b.c", "c")``: longest first (cached: pages repeat their hosts)."""
    out, start = [host], host.find(".")
    while start >= 0:
        out.append(host[start + 1 :])
        start = host.find(".", start + 1)
    return tuple(out)


class RuleSet:
    """Rules compiled into lookup tables once; matching a URL or cookie never parses or compiles rules."""

    def __init__(self, rules: Sequence[Rule], version: str = "", sources: Sequence[str] = ()) -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.version = version
        self.sources: tuple[str, ...] = tuple(sources)
        self._domains: dict[str, Rule] = {}  # host suffix -> first loaded rule owning it
        self._hosted: dict[str, list[tuple[Endpoint, Rule]]] = {}  # host suffix -> endpoints under it
        self._anywhere: list[tuple[Endpoint, Rule]] = []  # endpoints matched on any host
        self._cookie_names: dict[str, Rule] = {}
        self._cookie_globs: list[tuple[re.Pattern[str], Rule]] = []
        self._by_id: dict[str, Rule] = {}
        by_id = self._by_id
        for rule in self.rules:
            if rule.id in by_id:
                raise RuleError(rule.file, "id", f"duplicate id {rule.id!r} (also in {by_id[rule.id].file})")
            by_id[rule.id] = rule
            for domain in rule.domains:
                self._domains.setdefault(domain, rule)
            for endpoint in rule.endpoints:
                where = self._hosted.setdefault(endpoint.host, []) if endpoint.host else self._anywhere
                where.append((endpoint, rule))
            for pattern in rule.cookies:
                if any(c in pattern for c in "*?["):
                    self._cookie_globs.append((re.compile(fnmatch.translate(pattern)), rule))
                else:
                    self._cookie_names.setdefault(pattern, rule)

        # Host-independent endpoints whose pattern starts with a literal first path segment ('^/g/collect$')
        # are tried only for paths with that segment; the others are screened by one combined search.
        self._anywhere_by_head: dict[str, list[tuple[int, Endpoint, Rule]]] = {}
        self._anywhere_free: list[tuple[int, Endpoint, Rule]] = []
        for i, (endpoint, rule) in enumerate(self._anywhere):
            head = _LITERAL_HEAD.match(endpoint.path.pattern)
            where = self._anywhere_by_head.setdefault(head.group(1), []) if head else self._anywhere_free
            where.append((i, endpoint, rule))
        try:  # patterns that cannot be combined (inline flags) just disable the screen
            self._free_any = re.compile("|".join(f"(?:{e.path.pattern})" for _, e, _ in self._anywhere_free) or "(?!)")
        except re.error:
            self._free_any = re.compile("")

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        """The rule with this id."""
        return self._by_id.get(rule_id)

    def docs_for(self, rule_ids: set[str]) -> dict[str, dict]:
        """What a report shows about each rule (vendor, purpose, what it collects, docs), by id."""
        return {r.id: {"vendor": r.vendor, "company": r.company, "category": r.category, "purpose": r.purpose,
                       "collects": r.collects, "docs": r.docs, "source": r.source, "cookies": list(r.cookies)}
                for rid in sorted(rule_ids) if (r := self._by_id.get(rid))}

    def match_url(self, url: str) -> Rule | None:
        """The rule a URL belongs to: longest matching host suffix, else a host-independent endpoint."""
        return self._find(url)[0]

    def _find(self, url: str) -> tuple[Rule | None, str, Endpoint | None]:
        """(rule, the host suffix or '' for any host, the endpoint that matched or None)."""
        parts = split_url(url)
        if parts is None:  # data:, blob:, about:, relative or malformed URLs
            return None, "", None
        host, path, query = parts
        for suffix in _suffixes(host):
            # under one suffix, a rule whose endpoint matches beats the rule that owns the whole domain
            for endpoint, rule in self._hosted.get(suffix, ()):
                if endpoint.matches(path, query):
                    return rule, suffix, endpoint
            if rule := self._domains.get(suffix):
                return rule, suffix, None
        headed = self._anywhere_by_head.get(path[1:].split("/", 1)[0], ())
        free = self._anywhere_free if self._free_any.search(path) else ()
        for _, endpoint, rule in heapq.merge(headed, free) if headed and free else headed or free:
            if endpoint.matches(path, query):
                return rule, "", endpoint
        return None, "", None

    def explain(self, url: str) -> tuple[Rule | None, str]:
        """The matching rule and why it matched (`pixelaudit rules match` prints this)."""
        rule, suffix, endpoint = self._find(url)
        if rule is None:
            return None, "no domain or endpoint matches" if split_url(url) else "not an http(s) URL with a host"
        if endpoint is None:
            return rule, f"host {split_url(url)[0]} is under the rule's domain {suffix}"  # type: ignore[index]
        where = f"endpoint under {suffix}" if suffix else "endpoint on any host"
        params = f" with parameters {', '.join(endpoint.query)}" if endpoint.query else ""
        return rule, f"{where}: path matches {endpoint.path.pattern!r}{params}"

    def match_cookie(self, name: str, domain: str) -> Rule | None:
        """The rule a cookie belongs to: its domain under a rule's domains, else its name."""
        host = normalise_host(domain.lstrip("."))
        for suffix in _suffixes(host) if host else ():
            if rule := self._domains.get(suffix):
                return rule
        if rule := self._cookie_names.get(name):
            return rule
        for pattern, rule in self._cookie_globs:
            if pattern.match(name):
                return rule
        return None


# Loading and validation live in rules_schema; re-exported so `pixelaudit.rules` stays the one entry point.
from pixelaudit.rules_schema import bundled_rules_dir, check_examples, load_rules  # noqa: E402

__all__ = ["CATEGORIES", "PURPOSES", "TRACKING_CATEGORIES", "Endpoint", "Extractor", "Rule", "RuleError",
           "RuleSet", "bundled_rules_dir", "check_examples", "load_rules", "split_url"]
