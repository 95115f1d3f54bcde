"""Filter lists the user supplies (Adblock Plus syntax, e.g. EasyPrivacy), matched with Brave's engine.

pixelaudit never ships or downloads such lists (they are share-alike licensed); `--filter-list FILE`
imports one at run time. Each hit records the list's name and the filter line that matched.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import adblock

from pixelaudit.config import ConfigError
from pixelaudit.model import Party, Request, TrackerMatch

# Playwright resource type -> the request type filter options ($xhr, $ping, $subdocument...) speak of
_TYPES = {"fetch": "xhr", "xhr": "xhr", "ping": "ping", "beacon": "ping", "image": "image", "script": "script",
          "stylesheet": "stylesheet", "font": "font", "media": "media", "websocket": "websocket"}


@dataclass(frozen=True)
class FilterList:
    """One compiled list: its name (file name), path, SHA-256 and network-rule count."""

    name: str
    path: str
    sha256: str
    rules: int
    engine: adblock.Engine = field(repr=False, compare=False)

    def match(self, req: Request, party: Party | None = None) -> TrackerMatch | None:
        """The list's verdict on a request: a match naming the filter line, or None (or an exception rule).

        `party` is unused: the list's own `$third-party` options judge that from the page URL."""
        if req.resource_type == "document":
            kind = "document" if req.frame == "main" else "sub_frame"
        else:
            kind = _TYPES.get(req.resource_type, "other")
        result = self.engine.check_network_urls(req.url, req.page_url or req.url, kind)
        if not result.matched or result.exception:
            return None
        return TrackerMatch(None, "unknown", f"list:{self.name}", source="list", filter=result.filter)

    def provenance(self) -> dict:
        """As recorded in findings.json."""
        return {"name": self.name, "path": self.path, "sha256": self.sha256, "rules": self.rules}


def load_filter_list(path: Path) -> FilterList:
    """Compile a list once at start; an unreadable file or one without network rules is a ConfigError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"--filter-list {path}: {exc.strerror or exc}") from None
    text = data.decode("utf-8", errors="replace")
    lines = [ln.strip() for ln in text.splitlines()]
    network = [ln for ln in lines if ln and not ln.startswith(("!", "[")) and "##" not in ln and "#@#" not in ln]
    if not network:
        raise ConfigError(f"--filter-list {path}: no network filter rules (expected Adblock Plus syntax)")
    filters = adblock.FilterSet(debug=True)  # debug keeps the matching line for the evidence
    filters.add_filter_list(text, format="standard")
    return FilterList(path.name, str(path), hashlib.sha256(data).hexdigest(), len(network),
                      adblock.Engine(filters, optimize=False))
