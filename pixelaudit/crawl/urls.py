"""URL normalisation, crawl scope and --include/--exclude filters: pure functions, no I/O.

``normalise`` turns every spelling of a page's address into one string so the crawl visits it once:

- only ``http``/``https`` URLs with a host; anything else (``javascript:``, ``mailto:``, ``data:``, relative
  without a base, unparsable) is ``None``;
- tabs/newlines removed and surrounding control characters stripped, and ``\\`` read as ``/`` before the query,
  as browsers do (so ``https://a.test\\@b.test/`` stays on ``a.test``);
- scheme and host lower-case, host percent-decoded and IDNA-encoded (UTS #46, non-transitional, as Chromium),
  trailing dot dropped; user name and password dropped (credentials never reach crawl state or reports);
- default ports (80 for http, 443 for https) dropped;
- percent-escapes upper-case, unreserved characters (``A-Z a-z 0-9 - . _ ~``) decoded, characters browsers
  escape (space, non-ASCII, ``"<>`` …) escaped as UTF-8; a ``%`` not followed by two hex digits stays;
- dot segments resolved (also ``%2e``), empty path is ``/``;
- tracking parameters (``TRACKING_PARAMS``, any ``utm_*``; names compared case-insensitively) and empty
  parameters dropped, the others kept in their order and spelling; an empty query and the fragment dropped.
"""

from __future__ import annotations

import ipaddress
import re
import string
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote, urljoin, urlsplit

import idna  # tldextract's own dependency; the stdlib codec is IDNA 2003, which browsers no longer follow

from pixelaudit.parties import site_of

Scope = Literal["host", "site"]

# Parameters whose only job is attributing a click or a mail to a campaign: same page, another visitor's id.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "gclid", "gclsrc", "dclid", "gbraid", "wbraid",  # Google Ads / Campaign Manager
        "fbclid",  # Meta
        "msclkid",  # Microsoft Ads
        "yclid", "ysclid",  # Yandex
        "twclid", "ttclid", "li_fat_id", "epik", "rdt_cid", "sccid",  # X, TikTok, LinkedIn, Pinterest, Reddit, Snap
        "mc_cid", "mc_eid",  # Mailchimp
        "_hsenc", "_hsmi", "__hstc", "__hssc", "__hsfp",  # HubSpot
        "mkt_tok",  # Marketo
        "igshid",  # Instagram share
        "ref_src", "ref_url",  # X/Twitter share
        "_gl",  # Google cross-domain linker
        "srsltid",  # Google Merchant Center
    }
)  # fmt: skip
TRACKING_PREFIXES: tuple[str, ...] = ("utm_",)

DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_HEX = frozenset(string.hexdigits)
_PATH_ESCAPE = frozenset('"<>`{}#?')  # WHATWG path percent-encode set, beyond controls/space/non-ASCII
_QUERY_ESCAPE = frozenset("\"<>'#")  # WHATWG special-query percent-encode set
_HOST_CHARS = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_STRIP = "".join(chr(c) for c in range(0x21))  # C0 controls and space


class UrlError(ValueError):
    """A URL the user gave (the crawl root) is not an http(s) URL."""


class PatternError(ValueError):
    """An --include/--exclude pattern that cannot be compiled; the message names the pattern."""


def _escape(part: str, extra: frozenset[str]) -> str:
    """Canonical percent-encoding of a path or query (see the module docstring)."""
    out: list[str] = []
    i, n = 0, len(part)
    while i < n:
        c = part[i]
        if c == "%" and i + 2 < n and set(part[i + 1 : i + 3]) <= _HEX:
            ch = chr(int(part[i + 1 : i + 3], 16))
            out.append(ch if ch in _UNRESERVED else "%" + part[i + 1 : i + 3].upper())
            i += 3
            continue
        if ord(c) <= 0x20 or ord(c) >= 0x7F or c in extra:
            try:
                raw = c.encode("utf-8")
            except UnicodeEncodeError:  # lone surrogate: browsers send U+FFFD
                raw = "\ufffd".encode()
            out.append("".join(f"%{b:02X}" for b in raw))
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4 on an absolute path: ``/a/b/../c/./d`` → ``/a/c/d``."""
    segments = path.split("/")[1:]
    out: list[str] = []
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
            continue
        if last:
            out.append("")  # "/a/b/.." is the directory "/a/"
    return "/" + "/".join(out)


def _host(raw: str) -> str | None:
    """Canonical host (IPv6 in brackets), or None when it is not a usable host name."""
    host = unquote(raw).rstrip(".")
    if ":" in host:
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            return None
    host = host.lower()
    return host if _HOST_CHARS.fullmatch(host) else None


def _is_tracking(param: str) -> bool:
    name = unquote(param.split("=", 1)[0].replace("+", " ")).lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def normalise(url: str, base: str | None = None) -> str | None:
    """Canonical form of an http(s) URL (resolved against ``base`` if given), or None if it is not one."""
    url = url.replace("\t", "").replace("\n", "").replace("\r", "").strip(_STRIP)
    cut = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    url = url[:cut].replace("\\", "/") + url[cut:]
    try:
        if base is not None:
            url = urljoin(base, url)
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = _host(parts.hostname)
    if host is None:
        return None
    netloc = host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = _remove_dot_segments(_escape(parts.path or "/", _PATH_ESCAPE))
    params = [p for p in parts.query.split("&") if p and not _is_tracking(p)]
    query = _escape("&".join(params), _QUERY_ESCAPE)
    return f"{scheme}://{netloc}{path}?{query}" if query else f"{scheme}://{netloc}{path}"


def host_in_scope(host: str, root_host: str, scope: Scope) -> bool:
    """``in_scope`` for two canonical host names (as ``normalise`` writes them, IPv6 without brackets)."""
    if scope == "host":
        return host == root_host
    if scope == "site":
        return site_of(host) == site_of(root_host)
    raise ValueError(f"scope must be 'host' or 'site', not {scope!r}")


def in_scope(url: str, root: str, scope: Scope) -> bool:
    """Whether ``url`` belongs to the crawl of ``root``.

    ``host``: the same host name (``www.shop.test`` and ``shop.test`` differ); ``site``: the same registrable
    domain (``pixelaudit.parties.site_of``: ``cdn.shop.test`` is in ``www.shop.test``'s site). Scheme and port
    are ignored in both, as cookies ignore them.
    """
    u, r = normalise(url), normalise(root)
    if u is None or r is None:
        return False
    return host_in_scope(urlsplit(u).hostname or "", urlsplit(r).hostname or "", scope)


def _compile(pattern: str) -> re.Pattern[str]:
    if pattern.startswith("re:"):
        try:
            return re.compile(pattern[3:])
        except re.error as e:
            raise PatternError(f"bad regular expression {pattern!r}: {e}") from None
    if not pattern.startswith(("/", "*")):
        raise PatternError(f"glob {pattern!r} must start with '/' or '*': it is matched against the URL's path")
    # The glob is escaped like a URL so "/café/*" matches the normalised "/caf%C3%A9/…".
    path, sep, query = pattern.partition("?")
    canonical = _escape(path, _PATH_ESCAPE) + sep + _escape(query, _QUERY_ESCAPE)
    return re.compile(".*".join(re.escape(piece) for piece in canonical.split("*")))


@dataclass(frozen=True, slots=True)
class UrlFilter:
    """--include/--exclude patterns, compiled once; ``allows`` tests a normalised URL.

    A pattern starting with ``re:`` is a Python regular expression searched anywhere in the whole normalised
    URL (``re:^https://blog\\.``, ``re:[?&]sort=``). Any other pattern is a glob matched against the whole
    path and query (``/blog/*``, ``*.pdf``, ``/search?q=*``): ``*`` matches any run of characters, ``/`` and
    ``?`` included; every other character is literal. A URL is allowed when it matches an include pattern (or
    there are none) and no exclude pattern: exclude wins.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _include: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _exclude: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("include", "exclude"):
            patterns = tuple(getattr(self, name))
            if "" in patterns:
                raise PatternError(f"empty --{name} pattern")
            object.__setattr__(self, name, patterns)
            object.__setattr__(self, "_" + name, tuple(_compile(p) for p in patterns))

    def allows(self, url: str) -> bool:
        """Whether a normalised URL passes the filters."""
        parts = urlsplit(url)
        target = parts.path + ("?" + parts.query if parts.query else "")

        def hit(pattern: re.Pattern[str], source: str) -> bool:
            return bool(pattern.search(url)) if source.startswith("re:") else bool(pattern.fullmatch(target))

        if any(hit(p, s) for p, s in zip(self._exclude, self.exclude, strict=True)):
            return False
        return not self.include or any(hit(p, s) for p, s in zip(self._include, self.include, strict=True))
