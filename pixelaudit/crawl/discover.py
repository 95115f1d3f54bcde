"""Where pages are announced: robots.txt rules and ``Sitemap:`` lines, sitemaps and sitemap indexes. No I/O.

robots.txt is parsed by the stdlib ``urllib.robotparser`` with two RFC 9309 fixes on top: the longest
matching rule wins (``Allow`` on a tie) instead of the first one in the file, and ``*``/``$`` in rule paths
are wildcards instead of literal characters.

Sitemaps are parsed with the stdlib expat parser, streaming, and refuse any DOCTYPE: a sitemap never needs
one, and without it there are no entities to expand (billion laughs, quadratic blow-up) and no external ones
to fetch, so defusedxml is not needed. Gzip'd bytes are recognised by their magic number and inflated to at
most ``MAX_BYTES``. Problems are values (``SitemapError``), never exceptions.
"""

from __future__ import annotations

import re
import zlib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal
from urllib import robotparser
from urllib.parse import urlsplit
from xml.parsers import expat

from pixelaudit.crawl.urls import in_scope, normalise

MAX_URLS = 50_000  # sitemaps.org's limit per file, and this walk's limit in all
MAX_BYTES = 50 * 1024 * 1024  # sitemaps.org's limit per file, uncompressed
MAX_FILES = 100  # sitemap files fetched by one walk
MAX_NESTING = 2  # index → index → urlset; the protocol allows one level, sites use two
MAX_ROBOTS_CHARS = 500 * 1024  # RFC 9309: parse at least the first 500 KiB
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*([^#\s]+)", re.IGNORECASE | re.MULTILINE)


def robots_url(url: str) -> str | None:
    """Where the robots.txt that governs ``url`` lives (one per scheme, host and port)."""
    normalised = normalise(url)
    if normalised is None:
        return None
    parts = urlsplit(normalised)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


class _PatternRule:
    """A robots.txt rule with ``*``/``$`` wildcards; duck-types ``robotparser.RuleLine``."""

    def __init__(self, path: str, allowance: bool) -> None:
        # RuleLine already percent-quoted the path: '*' is %2A, '$' is %24.
        anchored = path.endswith("%24")
        pieces = (path[:-3] if anchored else path).split("%2A")
        self.path, self.allowance = path, allowance
        self._regex = re.compile(".*".join(map(re.escape, pieces)) + ("$" if anchored else ""))

    @classmethod
    def of(cls, rule: robotparser.RuleLine) -> robotparser.RuleLine | _PatternRule:
        """The rule itself when it has no wildcard, else its wildcard version."""
        return cls(rule.path, rule.allowance) if "%2A" in rule.path or rule.path.endswith("%24") else rule

    def applies_to(self, filename: str) -> bool:
        return self._regex.match(filename) is not None


@dataclass(frozen=True, slots=True)
class Robots:
    """The rules of one robots.txt; build with ``Robots.parse`` or ``Robots.for_status``."""

    _parser: robotparser.RobotFileParser = field(repr=False)
    _sitemaps: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Robots:
        """Rules from the text of a robots.txt (first ``MAX_ROBOTS_CHARS`` characters)."""
        text = text[:MAX_ROBOTS_CHARS]
        parser = robotparser.RobotFileParser()
        parser.parse(text.splitlines())
        for entry in [*parser.entries, parser.default_entry]:
            if entry is not None:
                rules = [_PatternRule.of(rule) for rule in entry.rulelines]
                entry.rulelines = sorted(rules, key=lambda r: (-len(r.path), not r.allowance))
        sitemaps = tuple(dict.fromkeys(_SITEMAP_LINE.findall(text)))  # exact spelling; robotparser unquotes
        return cls(parser, sitemaps)

    @classmethod
    def for_status(cls, status: int | None, text: str = "") -> Robots:
        """RFC 9309 §2.3.1: 2xx → the rules; 4xx or 3xx (redirects not followed to the end) → allow all;
        5xx or unreachable (None) → disallow all."""
        if status is not None and 200 <= status < 300:
            return cls.parse(text)
        parser = robotparser.RobotFileParser()
        if status is not None and 300 <= status < 500:
            parser.allow_all = True
        else:
            parser.disallow_all = True
        return cls(parser)

    def allowed(self, url: str, user_agent: str) -> bool:
        """Whether ``user_agent`` (``pixelaudit/1.2`` matches a ``pixelaudit`` group) may fetch ``url``."""
        parts = urlsplit(url)
        return self._parser.can_fetch(user_agent, (parts.path or "/") + ("?" + parts.query if parts.query else ""))

    def sitemaps(self) -> tuple[str, ...]:
        """The ``Sitemap:`` URLs, in file order, without duplicates."""
        return self._sitemaps


def sitemap_urls(root: str, robots: Robots | None) -> tuple[str, ...]:
    """Sitemaps to read for a crawl: robots.txt's ``Sitemap:`` lines, else ``/sitemap.xml`` at the root."""
    if robots is not None and robots.sitemaps():
        return robots.sitemaps()
    base = robots_url(root)
    return () if base is None else (base.removesuffix("robots.txt") + "sitemap.xml",)


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: page URLs (``urlset``, ``text``) or child sitemaps (``sitemapindex``), in file order."""

    kind: Literal["urlset", "sitemapindex", "text"]
    locs: tuple[str, ...]
    truncated: bool = False  # stopped at max_urls or max_bytes; the locs before that are kept


@dataclass(frozen=True, slots=True)
class SitemapError:
    """Why bytes could not be read as a sitemap."""

    reason: str


class _Reject(Exception):
    """Ends a parse with a SitemapError."""


class _Full(Exception):
    """Ends a parse at max_urls."""


class _Locs:
    """Expat handlers keeping the text of ``<url><loc>`` (or ``<sitemap><loc>``) in the root's namespace."""

    def __init__(self, max_urls: int) -> None:
        self.max_urls, self.kind, self.namespace = max_urls, "", ""
        self.stack: list[str] = []
        self.locs: list[str] = []
        self.text: list[str] | None = None

    def start(self, name: str, _attrs: object) -> None:
        namespace, _, local = name.rpartition(" ")
        if not self.stack:
            if local not in ("urlset", "sitemapindex"):
                raise _Reject(f"not a sitemap: root element <{local}>")
            self.kind, self.namespace = local, namespace
        item = "url" if self.kind == "urlset" else "sitemap"
        if len(self.stack) == 2 and local == "loc" and namespace == self.namespace and self.stack[1] == item:
            self.text = []  # image:loc, video:loc… live in other namespaces and are not pages
        self.stack.append(local if namespace == self.namespace else "")

    def end(self, _name: str) -> None:
        if self.text is not None and len(self.stack) == 3:
            loc = "".join(self.text).strip()
            self.text = None
            if loc:
                if len(self.locs) >= self.max_urls:
                    raise _Full
                self.locs.append(loc)
        self.stack.pop()

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def _no_dtd(*_args: object) -> None:
    raise _Reject("DOCTYPE or entity declaration refused (sitemaps need none; entity expansion guard)")


def _inflate(data: bytes, max_bytes: int) -> tuple[bytes, bool]:
    """Gunzip at most max_bytes (+ whether there was more); raises _Reject on bad or cut-off gzip data."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as e:
        raise _Reject(f"bad gzip data: {e}") from None
    if len(out) > max_bytes:
        return out[:max_bytes], True
    if not inflater.eof:
        raise _Reject("gzip data ends early")
    return out, False


def _parse_xml(data: bytes, max_urls: int, more: bool) -> Sitemap:
    locs = _Locs(max_urls)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = locs.start, locs.end
    parser.CharacterDataHandler = locs.chars
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = _no_dtd
    truncated = more
    try:
        parser.Parse(data, not more)  # a cut-off document is not final: no "unclosed token" error
    except _Full:
        truncated = True
    except expat.ExpatError as e:
        raise _Reject(f"malformed XML: {e}") from None
    if not locs.kind:
        raise _Reject("not a sitemap: no root element")
    return Sitemap(locs.kind, tuple(locs.locs), truncated)  # type: ignore[arg-type]


def _parse_text(data: bytes, max_urls: int, more: bool) -> Sitemap:
    """sitemaps.org's text format: one URL per line."""
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
    locs = [line for line in lines if line.lower().startswith(("http://", "https://"))]
    if not locs:
        raise _Reject("not a sitemap: neither XML nor a list of URLs")
    return Sitemap("text", tuple(locs[:max_urls]), more or len(locs) > max_urls)


def parse_sitemap(data: bytes, *, max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES) -> Sitemap | SitemapError:
    """Parse a sitemap, sitemap index or text sitemap, gzip'd or not."""
    try:
        more = len(data) > max_bytes
        if data[:2] == b"\x1f\x8b":
            data, more = _inflate(data, max_bytes)
        data = data[:max_bytes]
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head:
            raise _Reject("empty")
        if head[:1] == b"<" or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return _parse_xml(data, max_urls, more)
        return _parse_text(data, max_urls, more)
    except _Reject as e:
        return SitemapError(str(e))


@dataclass(frozen=True, slots=True)
class SitemapProblem:
    """A sitemap that was not read, or not read whole: its URL and why."""

    url: str
    reason: str


class SitemapWalk:
    """Reads sitemaps and the indexes' children breadth-first; the caller fetches (sans-I/O).

    ``while (url := walk.next_fetch()) is not None: walk.feed(url, fetch(url))``. Page URLs come out in
    sitemap order (``urls``), at most ``max_urls`` in all; child sitemaps off the root's site, nested deeper
    than ``max_nesting`` indexes or beyond ``max_files`` are not fetched and are listed in ``problems``.
    """

    def __init__(
        self,
        root: str,
        sitemaps: Iterable[str],
        *,
        max_urls: int = MAX_URLS,
        max_files: int = MAX_FILES,
        max_nesting: int = MAX_NESTING,
    ) -> None:
        self._root, self._max_urls, self._max_files, self._max_nesting = root, max_urls, max_files, max_nesting
        self._todo: deque[tuple[str, int]] = deque()
        self._offered: set[str] = set()
        self._urls: dict[str, None] = {}
        self._problems: list[SitemapProblem] = []
        self._current: tuple[str, int] | None = None
        for url in sitemaps:
            self._offer(url, 0)

    def _offer(self, url: str, level: int) -> None:
        normalised = normalise(url)
        if normalised is None:
            self._problems.append(SitemapProblem(url, "not an http(s) URL"))
        elif normalised in self._offered:
            return  # listed twice, or an index that lists itself
        elif not in_scope(normalised, self._root, "site"):
            self._problems.append(SitemapProblem(normalised, "on another site: not fetched"))
        elif level > self._max_nesting:
            self._problems.append(SitemapProblem(normalised, f"nested in more than {self._max_nesting} indexes"))
        elif len(self._offered) >= self._max_files:
            self._problems.append(SitemapProblem(normalised, f"more than {self._max_files} sitemaps: not fetched"))
        else:
            self._offered.add(normalised)
            self._todo.append((normalised, level))

    def next_fetch(self) -> str | None:
        """The next sitemap to fetch and ``feed``, or None when the walk is over."""
        if self._current is not None:
            raise RuntimeError(f"feed {self._current[0]!r} before asking for the next sitemap")
        if not self._todo or len(self._urls) >= self._max_urls:
            return None
        self._current = self._todo.popleft()
        return self._current[0]

    def feed(self, url: str, data: bytes | None, error: str = "not fetched") -> None:
        """The body of the sitemap ``next_fetch`` named, or None and why when fetching it failed."""
        if self._current is None or self._current[0] != url:
            raise ValueError(f"{url!r} is not the sitemap being fetched")
        level, self._current = self._current[1], None
        result = SitemapError(error) if data is None else parse_sitemap(data)
        if isinstance(result, SitemapError):
            self._problems.append(SitemapProblem(url, result.reason))
            return
        if result.kind == "sitemapindex":
            for loc in result.locs:
                self._offer(loc, level + 1)
        else:
            for loc in result.locs:
                if len(self._urls) >= self._max_urls:
                    self._problems.append(SitemapProblem(url, f"stopped at {self._max_urls} URLs"))
                    return
                self._urls.setdefault(loc)
        if result.truncated:
            self._problems.append(SitemapProblem(url, "too large: read in part"))

    @property
    def urls(self) -> tuple[str, ...]:
        """Page URLs found so far, in sitemap order, each once (as written: the frontier normalises)."""
        return tuple(self._urls)

    @property
    def problems(self) -> tuple[SitemapProblem, ...]:
        """Sitemaps not read, or read in part, in the order met."""
        return tuple(self._problems)
