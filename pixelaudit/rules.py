"""Tracker rules: one YAML file per vendor (format and data policy in ``rules/README.md``), validated and
compiled once at load time into lookup tables that match request URLs and cookies.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from pixelaudit.model import TrackerMatch
from pixelaudit.parties import host_of, normalise_host

CATEGORIES = frozenset({
    "advertising", "analytics", "session-replay", "tag-manager", "social", "customer-data", "ab-testing",
    "affiliate", "fingerprinting", "support-chat", "consent", "functional", "email",
})  # fmt: skip
PURPOSES = frozenset({"necessary", "functional", "statistics", "marketing"})
TRACKING_CATEGORIES: frozenset[str] = CATEGORIES - {"consent", "functional", "tag-manager"}
"""Categories whose requests and cookies count as tracking; the others never count as violations."""

_REQUIRED = ("id", "vendor", "company", "category", "purpose", "source", "examples", "counterexamples")
_OPTIONAL = ("domains", "endpoints", "cookies", "extract", "docs", "collects")
_TEXT_KEYS = ("id", "vendor", "company", "category", "purpose", "source", "docs", "collects")
_ENDPOINT_KEYS = ("host", "path", "query")
_EXTRACT_KEYS = ("id", "event", "consent")
_ID = re.compile(r"[a-z0-9-]+")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


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
        names = {name for name, _ in parse_qsl(query, keep_blank_values=True)}
        return all(name in names for name in self.query)


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
            return params.get(self.name) or None
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
        parts = urlsplit(url)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        parsed_body = _parse_body(body) if body and any(e.source == "body" for e in self.extract) else None
        found: dict[str, str] = {}
        for extractor in self.extract:
            if extractor.key not in found and (value := extractor.find(parts.path, params, parsed_body)):
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


def _suffixes(host: str) -> list[str]:
    """``a.b.c`` -> ``["a.b.c", "b.c", "c"]``: longest first."""
    out, start = [host], host.find(".")
    while start >= 0:
        out.append(host[start + 1 :])
        start = host.find(".", start + 1)
    return out


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
        return self.explain(url)[0]

    def explain(self, url: str) -> tuple[Rule | None, str]:
        """The matching rule and why it matched (`pixelaudit rules match` prints this)."""
        try:
            parts = urlsplit(url)
            host = normalise_host(parts.hostname or "")
        except ValueError:
            return None, "not a URL"
        if not host:  # data:, blob:, about: and relative URLs
            return None, "no host"
        path, query = parts.path, parts.query
        for suffix in _suffixes(host):
            # under one suffix, a rule whose endpoint matches beats the rule that owns the whole domain
            for endpoint, rule in self._hosted.get(suffix, ()):
                if endpoint.matches(path, query):
                    return rule, f"endpoint under {suffix}: path matches {endpoint.path.pattern!r}" + (
                        f" with parameters {', '.join(endpoint.query)}" if endpoint.query else "")
            if rule := self._domains.get(suffix):
                return rule, f"host {host} is under the rule's domain {suffix}"
        for endpoint, rule in self._anywhere:
            if endpoint.matches(path, query):
                return rule, f"endpoint on any host: path matches {endpoint.path.pattern!r}" + (
                    f" with parameters {', '.join(endpoint.query)}" if endpoint.query else "")
        return None, "no domain or endpoint matches"

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


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that rejects duplicate keys (PyYAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for k in (k for k, _ in node.value if isinstance(k, yaml.ScalarNode)):
            if k.value in seen:
                raise yaml.MarkedYAMLError(problem=f"duplicate key {k.value!r}", problem_mark=k.start_mark)
            seen.add(k.value)
        return super().construct_mapping(node, deep)


def _parse_yaml(file: Path, data: bytes) -> Any:
    loader = _StrictLoader(data)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        where = f"line {mark.line + 1}" if (mark := getattr(exc, "problem_mark", None)) else "yaml"
        raise RuleError(file, where, f"invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    finally:
        loader.dispose()


def _get(file: Path, data: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    if not isinstance(value := data.get(key, default), kind):
        raise RuleError(file, key, f"must be a {kind.__name__}, got {value!r}")
    return value


def _text(file: Path, value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleError(file, field, f"must be a non-empty string, got {value!r}")
    return value


def _texts(file: Path, value: Any, field: str, required: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or (required and not value):
        raise RuleError(file, field, "must be a list" + (" with at least one entry" if required else ""))
    return tuple(_text(file, item, f"{field}[{i}]") for i, item in enumerate(value))


def _only(file: Path, mapping: dict[Any, Any], allowed: Sequence[str], prefix: str = "") -> None:
    if unknown := sorted(str(key) for key in mapping if key not in allowed):
        raise RuleError(file, prefix + unknown[0], f"unknown key (allowed: {', '.join(allowed)})")


def _host(file: Path, value: Any, field: str) -> str:
    if not _HOST.fullmatch(_text(file, value, field)):
        raise RuleError(file, field, f"{value!r} is not a lower-case host name such as 'facebook.com'")
    return value


def _endpoint(file: Path, item: Any, field: str) -> Endpoint:
    if not isinstance(item, dict) or "path" not in item:
        raise RuleError(file, field, "must be a mapping with at least 'path'")
    _only(file, item, _ENDPOINT_KEYS, f"{field}.")
    try:
        path = re.compile(_text(file, item["path"], f"{field}.path"))
    except re.error as exc:
        raise RuleError(file, f"{field}.path", f"invalid regex {item['path']!r}: {exc}") from None
    host = _host(file, item["host"], f"{field}.host") if "host" in item else None
    return Endpoint(host, path, _texts(file, item.get("query", []), f"{field}.query"))


def _extractor(file: Path, key: str, spec: Any) -> Extractor:
    """`tid` or `query:tid` (query parameter), `path:<regex with one group>`, `body:a.b` (JSON or form field)."""
    spec = _text(file, spec, f"extract.{key}")
    source, sep, name = spec.partition(":")
    if not sep:
        source, name = "query", spec
    if source not in ("query", "path", "body") or not name:
        raise RuleError(file, f"extract.{key}", f"{spec!r}: use NAME, query:NAME, path:REGEX or body:FIELD")
    if source != "path":
        return Extractor(key, source, name)
    try:
        pattern = re.compile(name)
    except re.error as exc:
        raise RuleError(file, f"extract.{key}", f"invalid regex {name!r}: {exc}") from None
    if pattern.groups != 1:
        raise RuleError(file, f"extract.{key}", f"path regex {name!r} needs exactly one capturing group")
    return Extractor(key, "path", name, pattern)


def _parse_rule(file: Path, data: Any) -> Rule:
    """Validate one parsed YAML document and build its Rule (regexes compiled here, once)."""
    if not isinstance(data, dict):
        raise RuleError(file, "(top level)", "must be a mapping of rule keys")
    _only(file, data, (*_REQUIRED, *_OPTIONAL))
    if missing := [key for key in _REQUIRED if key not in data]:
        raise RuleError(file, missing[0], "missing required key")
    text = {key: _text(file, data[key], key) for key in _TEXT_KEYS if key in data}
    if not _ID.fullmatch(text["id"]) or text["id"] != file.stem:
        raise RuleError(file, "id", f"{text['id']!r} must match [a-z0-9-]+ and equal the file stem")
    for key, vocabulary in (("category", CATEGORIES), ("purpose", PURPOSES)):
        if text[key] not in vocabulary:
            raise RuleError(file, key, f"{text[key]!r} is not one of {', '.join(sorted(vocabulary))}")
    domains = _texts(file, data.get("domains", []), "domains")
    hosts = tuple(_host(file, domain, f"domains[{i}]") for i, domain in enumerate(domains))
    items = _get(file, data, "endpoints", list, [])
    endpoints = tuple(_endpoint(file, item, f"endpoints[{i}]") for i, item in enumerate(items))
    if not hosts and not endpoints:
        raise RuleError(file, "domains", "a rule needs at least one of 'domains' or 'endpoints'")
    extract = _get(file, data, "extract", dict, {})
    _only(file, extract, _EXTRACT_KEYS, "extract.")
    extractors = tuple(_extractor(file, key, spec) for key, values in extract.items()
                       for spec in (values if isinstance(values, list) else [values]))
    urls = {key: _texts(file, data[key], key, required=True) for key in ("examples", "counterexamples")}
    if bad := [(key, url) for key, values in urls.items() for url in values if not host_of(url)]:
        raise RuleError(file, bad[0][0], f"{bad[0][1]!r} is not an absolute URL")
    return Rule(
        **text,
        domains=hosts,
        endpoints=endpoints,
        cookies=_texts(file, data.get("cookies", []), "cookies"),
        extract=extractors,
        examples=urls["examples"],
        counterexamples=urls["counterexamples"],
        file=str(file),
    )


def bundled_rules_dir() -> Path:
    """Bundled rules: ``_rules`` inside an installed wheel, else the source checkout's ``rules``."""
    installed = Path(__file__).parent / "_rules"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "rules"


def load_rules(paths: Sequence[Path] | None = None) -> RuleSet:
    """Load, validate and compile rule files and directories (default: the bundled tracker rules)."""
    files: list[Path] = []
    for path in map(Path, [bundled_rules_dir() / "trackers"] if paths is None else paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise RuleError(path, "path", "no such rule file or directory")
    contents = {file: file.read_bytes() for file in files}  # also drops a file given twice
    rules = [_parse_rule(file, _parse_yaml(file, data)) for file, data in contents.items()]
    digest = hashlib.sha256()
    for file in sorted(contents, key=str):
        digest.update(contents[file])
    return RuleSet(rules, digest.hexdigest()[:12], [str(file) for file in contents])


def check_examples(ruleset: RuleSet) -> list[str]:
    """Each rule's examples must match that rule and its counterexamples must not; returns failure lines."""
    failures = []
    for rule in ruleset.rules:
        for key, urls in (("examples", rule.examples), ("counterexamples", rule.counterexamples)):
            for url in urls:
                found = got.id if (got := ruleset.match_url(url)) else "nothing"
                if (found == rule.id) != (key == "examples"):
                    want = rule.id if key == "examples" else f"anything but {rule.id}"
                    failures.append(f"{rule.file}: {key}: {url} matched {found}, expected {want}")
    return failures
