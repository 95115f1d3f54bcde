"""Stable fingerprints of findings, so a baseline can say which findings a later scan already knew.

A fingerprint is a short SHA-256 digest over what identifies a finding across scans of an unchanged site:
its type, scenario, host, vendor (the tracker rule's id when there is one: rule ids are forever, vendor
names may be reworded), the shape of its URL and, for crawls and mail batches, where it showed. A finding
folds every record of its (type, scenario, host); vendor and URL come from the least of those records, not
the first, whose order can race.
Never timestamps, record indexes, counts or query values. The URL's query is left out altogether: vendors'
scripts add parameters on their own schedule (experiment flags, optional hints), which would make an
unchanged site look new.
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import parse_qsl, urlsplit

__all__ = ["KEY_VERSION", "fingerprint", "fingerprint_key", "url_shape"]

KEY_VERSION = 1  # part of the hashed key: a change to the key's fields gets a new version
DIGEST_CHARS = 16  # 64 bits: no collision in practice among one site's findings, short enough to read

_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
_HEX = re.compile(r"(?=[0-9a-f]*\d)[0-9a-f]{8,}", re.I)  # a hex run with a digit: "deadbeef1" yes, "facade" no
_TOKEN = re.compile(r"[A-Za-z0-9_+=-]{16,}")
_DIGITS = re.compile(r"\d+")
# Findings about the scan as a whole: their host and scenario are those of whichever tracker fired first.
WHOLE_SCAN = frozenset({"no-consent-banner"})
# The record list each evidence index points into (site and e-mail results).
_EVIDENCE_LISTS = {"request_index": "requests", "cookie_index": "cookies", "pixel_index": "pixels",
                   "link_index": "click_tracking", "leak_index": "leaks"}


def _volatile_token(segment: str) -> bool:
    """Base64/URL-safe ids: long, and mixed like generated text (digits, or both cases) rather than a word."""
    if not _TOKEN.fullmatch(segment):
        return False
    has_digit = any(c.isdigit() for c in segment)
    return has_digit or (any(c.isupper() for c in segment) and any(c.islower() for c in segment))


def _segment_shape(segment: str) -> str:
    if segment.isdigit():
        return "{n}"
    if _UUID.fullmatch(segment) or _volatile_token(segment):
        return "{id}"
    stem, dot, ext = segment.rpartition(".")
    if dot and (_UUID.fullmatch(stem) or _HEX.fullmatch(stem) or _volatile_token(stem)):
        return "{id}." + ext  # a cache-busted file name keeps its extension
    return _DIGITS.sub("{n}", _HEX.sub("{id}", _UUID.sub("{id}", segment)))


def _host_shape(host: str) -> str:
    """Numbers in labels vary per node or session (px-12.example.com); the label words do not."""
    return ".".join(_segment_shape(label) for label in host.lower().rstrip(".").split("."))


def url_shape(url: str | None, *, query: bool = True) -> str | None:
    """scheme://host/path with numbers, hex, UUIDs and base64-ish tokens replaced ({n}, {id}); with `query`,
    the sorted, de-duplicated parameter names (`?a&b`), never their values."""
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or parts.scheme in ("data", "cid", "about", "blob", "file"):
        return parts.scheme + ":" if parts.scheme else None  # no host to speak of; the scheme is what is stable
    path = "/".join(_segment_shape(s) for s in parts.path.split("/")) or "/"
    shape = f"{parts.scheme.lower()}://{_host_shape(parts.hostname or '')}{path}"
    if query and parts.query:
        names = sorted({_DIGITS.sub("{n}", name) for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
        shape += "?" + "&".join(names)
    return shape


def _label(record: dict) -> str | None:
    """A record's tracker as a key: its rule id (forever), else its vendor name."""
    tracker = record.get("tracker") if isinstance(record.get("tracker"), dict) else record
    if tracker.get("rule"):
        return f"rule:{tracker['rule']}"
    return f"vendor:{tracker['vendor']}" if tracker.get("vendor") else None


def _record(finding: dict, result: dict) -> dict | None:
    """The record the finding's evidence points at, if any."""
    evidence = finding.get("evidence") or {}
    for key, list_name in _EVIDENCE_LISTS.items():
        index, records = evidence.get(key), result.get(list_name) or []
        if isinstance(index, int) and 0 <= index < len(records) and isinstance(records[index], dict):
            return records[index]
    return None


def _folded(finding: dict, result: dict) -> list[dict]:
    """The records a site finding folds together (same type, scenario and host; see findings.py), so the
    key can take the least of them rather than the first: which comes first can race between runs (two
    trackers' cookies on the site's own domain, two endpoints of one host)."""
    evidence, ftype = finding.get("evidence") or {}, finding.get("type")
    scenario, host = finding.get("scenario"), finding.get("host")
    if "cookie_index" in evidence:
        return [c for c in result.get("cookies") or [] if isinstance(c, dict) and c.get("scenario") == scenario
                and (c.get("domain") or "").lstrip(".") == host and c.get("before_consent")]
    if "request_index" not in evidence:
        return []
    wanted = {"tracker-before-consent": lambda r: r.get("before_consent") is True,
              "tracker-after-reject": lambda r: r.get("before_consent") is False,
              "tracking-pixel": lambda r: bool(r.get("pixel")),
              "gpc-ignored": lambda r: bool((r.get("tracker") or {}).get("vendor"))}.get(ftype)
    if wanted is None:
        return []
    return [r for r in result.get("requests") or [] if isinstance(r, dict) and r.get("scenario") == scenario
            and r.get("host") == host and (r.get("tracker") or r.get("pixel")) and wanted(r)]


def _who_and_what(finding: dict, result: dict) -> tuple[str | None, str | None]:
    """(rule id or vendor, URL shape without query): the least over the folded records, else the finding's."""
    folded = [(_label(r), url_shape(r.get("url") or r.get("set_by_url"), query=False))
              for r in _folded(finding, result)]
    if folded:
        return min(folded, key=lambda pair: (pair[0] or "", pair[1] or ""))
    record = _record(finding, result)
    who = (_label(record) if record else None) or (f"vendor:{finding['vendor']}" if finding.get("vendor") else None)
    return who, url_shape(finding.get("url"), query=False)


def _message(finding: dict) -> str:
    """A mail batch's message as the same across runs of the same mailbox: its Message-ID when it has one
    (set once by the sender: an mbox's `#n` shifts when mail arrives or is deleted, a Maildir file's name gets
    new flags when it is read), else its name without the folder (which differs between checkouts)."""
    if finding.get("message_id"):
        return f"message-id:{finding['message_id']}"
    return re.split(r"[\\/]", str(finding["mail"]))[-1]


def _where(finding: dict, result: dict) -> str | None:
    """Where the finding showed, when a result has more than one place: a crawl's first page (path shape),
    a mail batch's message (see _message; never a date or a position in the run)."""
    if finding.get("mail"):
        return _message(finding)
    if not isinstance(result.get("options"), dict) or "crawl" not in result["options"]:
        return None
    evidence = finding.get("evidence") or {}
    pages = evidence.get("pages") or ([evidence["page_url"]] if evidence.get("page_url") else [])
    shape = url_shape(pages[0], query=False) if pages else None
    return shape.split("://", 1)[-1] if shape else None


def fingerprint_key(finding: dict, result: dict) -> list:
    """The canonical fields a fingerprint hashes (also handy to show why two fingerprints differ)."""
    if finding.get("type") in WHOLE_SCAN:
        return [KEY_VERSION, finding.get("type"), None, None, None, None, _where(finding, result)]
    who, what = _who_and_what(finding, result)
    host = finding.get("host") or finding.get("site")
    return [KEY_VERSION, finding.get("type"), finding.get("scenario"), _host_shape(host) if host else None,
            who, what, _where(finding, result)]


def fingerprint(finding: dict, result: dict) -> str:
    """A short hex digest identifying `finding` (a findings.json finding of `result`) across scans."""
    key = json.dumps(fingerprint_key(finding, result), separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(key.encode()).hexdigest()[:DIGEST_CHARS]
