"""Name the platform that sent a mail, from its headers (rules/mail/platforms.yaml) and from the tracking
URLs found in it (the tracker rules' vendors). Header evidence comes first: it is what the platform wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pixelaudit.mail.model import MailHeaders
from pixelaudit.rules import bundled_rules_dir, load_rules

__all__ = ["PlatformHint", "load_platforms", "name_platform"]


@dataclass(frozen=True, slots=True)
class PlatformHint:
    """The sending platform and what says so ("header X-SG-EID", "DKIM d=mcdlv.net", "URL shape")."""

    vendor: str
    rule: str
    evidence: tuple[str, ...]
    shapes: dict = field(default_factory=dict, hash=False, compare=False)  # "open"|"click" -> compiled regexes

    def shape(self, kind: str, url: str) -> bool:
        """Does `url` (path and query) have this platform's `kind` shape on a sender's host?"""
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        return any(rx.search(target) for rx in self.shapes.get(kind, ()))


@dataclass(frozen=True, slots=True)
class _Platform:
    rule: str
    vendor: str
    headers: tuple[tuple[str, re.Pattern[str]], ...]
    domains: tuple[str, ...]
    shapes: dict


@lru_cache(maxsize=1)
def _vendors() -> dict[str, str]:
    """Bundled tracker rule id -> vendor name (platforms.yaml names bundled rules)."""
    return {rule.id: rule.vendor for rule in load_rules().rules}


@lru_cache(maxsize=4)
def load_platforms(path: Path | None = None) -> tuple[_Platform, ...]:
    """The header facts, each joined to its tracker rule's vendor name; a bad entry fails with its place."""
    path = path or bundled_rules_dir() / "mail" / "platforms.yaml"
    vendors = _vendors()
    out = []
    for n, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")), 1):
        where = f"{path}: entry {n}"
        if entry.get("rule") not in vendors:
            raise ValueError(f"{where}: rule {entry.get('rule')!r} is not a tracker rule")
        if not entry.get("source"):
            raise ValueError(f"{where}: source: required")
        headers = tuple((name.lower(), re.compile(rx, re.IGNORECASE)) for name, rx in entry.get("headers", {}).items())
        given = entry.get("shapes", {})
        shapes = {kind: tuple(re.compile(rx) for rx in given.get(kind, ())) for kind in ("open", "click")}
        out.append(_Platform(entry["rule"], vendors[entry["rule"]], headers,
                             tuple(d.lower() for d in entry.get("domains", ())), shapes))
    return tuple(out)


def _header_values(headers: MailHeaders) -> list[tuple[str, str]]:
    values = [(name.lower(), value) for name, value in headers.platform_headers]
    return values + ([("x-mailer", headers.x_mailer)] if headers.x_mailer else [])


def _domain_evidence(headers: MailHeaders, domains: tuple[str, ...]) -> list[str]:
    def under(domain: str | None) -> bool:
        domain = (domain or "").lower()
        return any(domain == d or domain.endswith("." + d) for d in domains)

    found = [f"DKIM d={d}" for d in headers.dkim_domains if under(d)]
    if headers.return_path is not None and under(headers.return_path.domain):
        found.append(f"Return-Path @{headers.return_path.domain}")
    message_host = (headers.message_id or "").rpartition("@")[2]
    if under(message_host):
        found.append(f"Message-ID @{message_host}")
    for entry in headers.list_unsubscribe:
        host = re.sub(r"(?i)^(?:https?://|mailto:[^@]*@)", "", entry).split("/")[0].split("?")[0]
        if under(host):
            found.append(f"List-Unsubscribe {host}")
    return found


def name_platform(headers: MailHeaders, url_vendors: list[str | None]) -> PlatformHint | None:
    """The platform with the most header evidence; else the vendor most of the tracking URLs belong to."""
    values = _header_values(headers)
    best: tuple[int, PlatformHint] | None = None
    for platform in load_platforms():
        evidence = [f"header {name}" for name, rx in platform.headers for key, value in values
                    if key == name and rx.search(value)]
        evidence += _domain_evidence(headers, platform.domains)
        if evidence and (best is None or len(evidence) > best[0]):
            best = (len(evidence), PlatformHint(platform.vendor, platform.rule, tuple(dict.fromkeys(evidence)),
                                                platform.shapes))
    if best:
        urls = sum(1 for v in url_vendors if v == best[1].vendor)
        hint = best[1]
        return PlatformHint(hint.vendor, hint.rule, hint.evidence + ((f"{urls} tracking URL(s)",) if urls else ()),
                            hint.shapes)
    counted = [v for v in url_vendors if v]
    if not counted:
        return None
    vendor = max(dict.fromkeys(counted), key=counted.count)
    rule = next((rule_id for rule_id, name in _vendors().items() if name == vendor), "")
    return PlatformHint(vendor, rule, (f"{counted.count(vendor)} tracking URL(s)",))
