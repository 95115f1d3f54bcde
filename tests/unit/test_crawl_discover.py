"""Unit tests for pixelaudit.crawl.discover: robots.txt, sitemaps, sitemap indexes and the sitemap walk."""

from __future__ import annotations

import gzip

import pytest

from pixelaudit.crawl.discover import (
    MAX_ROBOTS_CHARS,
    Robots,
    Sitemap,
    SitemapError,
    SitemapProblem,
    SitemapWalk,
    parse_sitemap,
    robots_url,
    sitemap_urls,
)

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ROBOTS = """\
# shop robots
User-agent: *
Disallow: /private/
Allow: /private/public
Disallow: /*?sort=
Disallow: /*.pdf$
Disallow: /caf%C3%A9

User-agent: pixelaudit
User-agent: OtherBot
Disallow: /checkout
Disallow: /cart   # trailing comment

Sitemap: https://www.shop.test/sitemap%5Findex.xml # the index
sitemap:https://www.shop.test/news.xml
SITEMAP: https://www.shop.test/news.xml
"""


@pytest.mark.parametrize(
    ("url", "agent", "expected"),
    [
        ("https://www.shop.test/", "SomeBot/2.0", True),
        ("https://www.shop.test/private/x", "SomeBot/2.0", False),
        ("https://www.shop.test/private/public/page", "SomeBot/2.0", True),  # longest match wins
        ("https://www.shop.test/shop?sort=price", "SomeBot/2.0", False),  # '*' wildcard
        ("https://www.shop.test/shop?page=2", "SomeBot/2.0", True),
        ("https://www.shop.test/docs/a.pdf", "SomeBot/2.0", False),  # '$' anchor
        ("https://www.shop.test/docs/a.pdf?dl=1", "SomeBot/2.0", True),
        ("https://www.shop.test/caf%C3%A9", "SomeBot/2.0", False),
        # a named group replaces the * group for that agent
        ("https://www.shop.test/checkout", "pixelaudit/0.5", False),
        ("https://www.shop.test/cart/1", "pixelaudit/0.5", False),
        ("https://www.shop.test/private/x", "pixelaudit/0.5", True),
        ("https://www.shop.test/checkout", "otherbot", False),
        ("https://www.shop.test/checkout", "SomeBot/2.0", True),
    ],
)
def test_robots_allowed(url: str, agent: str, expected: bool) -> None:
    assert Robots.parse(ROBOTS).allowed(url, agent) is expected


def test_robots_sitemap_lines_in_order_once_and_as_written() -> None:
    assert Robots.parse(ROBOTS).sitemaps() == (
        "https://www.shop.test/sitemap%5Findex.xml",
        "https://www.shop.test/news.xml",
    )
    assert Robots.parse("User-agent: *\nDisallow:\n").sitemaps() == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", True),
        ("User-agent: *\nDisallow:\n", True),
        ("User-agent: *\nDisallow: /\n", False),
        ("User-agent: *\nDisallow: /\nAllow: /$\n", False),  # '/$' allows only the home page …
        ("User-agent: *\r\nDisallow: /x\r\n", True),
        ("Disallow: /\n", True),  # a rule outside any group is ignored
        ("<html>not robots</html>", True),
    ],
)
def test_robots_edge_cases(text: str, expected: bool) -> None:
    assert Robots.parse(text).allowed("https://www.shop.test/page", "pixelaudit") is expected


def test_robots_allow_dollar_home_page() -> None:
    robots = Robots.parse("User-agent: *\nDisallow: /\nAllow: /$\n")
    assert robots.allowed("https://www.shop.test/", "pixelaudit")
    assert not robots.allowed("https://www.shop.test/x", "pixelaudit")


def test_robots_reads_the_first_500_kib() -> None:
    text = "User-agent: *\n" + "#" * MAX_ROBOTS_CHARS + "\nDisallow: /\n"
    assert Robots.parse(text).allowed("https://www.shop.test/x", "pixelaudit")


@pytest.mark.parametrize(
    ("status", "expected"),
    [(200, False), (204, False), (310, True), (404, True), (410, True), (500, False), (503, False)],
)
def test_robots_for_status(status: int, expected: bool) -> None:
    robots = Robots.for_status(status, "User-agent: *\nDisallow: /x\n")
    assert robots.allowed("https://www.shop.test/x", "pixelaudit") is expected


def test_robots_unreachable_disallows_all() -> None:
    assert not Robots.for_status(None).allowed("https://www.shop.test/", "pixelaudit")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.shop.test:443/a/b?x=1#f", "https://www.shop.test/robots.txt"),
        ("http://shop.test:8080/x", "http://shop.test:8080/robots.txt"),
        ("http://BÜCHER.de/", "http://xn--bcher-kva.de/robots.txt"),
        ("mailto:a@shop.test", None),
    ],
)
def test_robots_url(url: str, expected: str | None) -> None:
    assert robots_url(url) == expected


def test_sitemap_urls_from_robots_else_the_default() -> None:
    root = "https://www.shop.test/start"
    assert sitemap_urls(root, Robots.parse(ROBOTS))[0] == "https://www.shop.test/sitemap%5Findex.xml"
    assert sitemap_urls(root, Robots.parse("")) == ("https://www.shop.test/sitemap.xml",)
    assert sitemap_urls(root, None) == ("https://www.shop.test/sitemap.xml",)


def urlset(*locs: str, ns: str = NS) -> bytes:
    body = "".join(f"<url>\n  <loc>\n    {loc}\n  </loc>\n  <lastmod>2024-01-01</lastmod>\n</url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{ns}">{body}</urlset>'.encode()


def index(*locs: str) -> bytes:
    body = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<sitemapindex xmlns="{NS}">{body}</sitemapindex>'.encode()


def test_urlset_in_order_trimmed_with_entities() -> None:
    data = urlset("https://www.shop.test/", "https://www.shop.test/a?x=1&amp;y=2", "https://www.shop.test/b")
    assert parse_sitemap(data) == Sitemap(
        "urlset", ("https://www.shop.test/", "https://www.shop.test/a?x=1&y=2", "https://www.shop.test/b")
    )


def test_sitemap_index() -> None:
    data = index("https://www.shop.test/s1.xml", "https://www.shop.test/s2.xml.gz")
    assert parse_sitemap(data) == Sitemap(
        "sitemapindex", ("https://www.shop.test/s1.xml", "https://www.shop.test/s2.xml.gz")
    )


def test_gzipped_sitemap_is_detected_by_its_magic_number() -> None:
    assert parse_sitemap(gzip.compress(urlset("https://www.shop.test/z"))) == Sitemap(
        "urlset", ("https://www.shop.test/z",)
    )


@pytest.mark.parametrize(
    "data",
    [
        urlset("https://www.shop.test/p", ns=""),  # no namespace
        urlset("https://www.shop.test/p", ns="http://www.google.com/schemas/sitemap/0.84"),  # old namespace
        f'<sm:urlset xmlns:sm="{NS}"><sm:url><sm:loc>https://www.shop.test/p</sm:loc></sm:url></sm:urlset>'.encode(),
        (  # extensions: image:loc and video:loc are not pages; a loc outside <url> is not a page either
            f'<urlset xmlns="{NS}" xmlns:image="http://www.google.com/schemas/sitemap-image/1.1" '
            'xmlns:video="http://www.google.com/schemas/sitemap-video/1.1"><loc>https://www.shop.test/stray</loc>'
            "<url><loc>https://www.shop.test/p</loc><image:image><image:loc>https://cdn.shop.test/i.jpg</image:loc>"
            "</image:image><video:video><video:loc>https://cdn.shop.test/v.mp4</video:loc></video:video></url>"
            "</urlset>"
        ).encode(),
        "\ufeff".encode() + urlset("https://www.shop.test/p"),  # UTF-8 byte order mark
        urlset("https://www.shop.test/p").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
        b"\n\n  https://www.shop.test/p  \n# comment\nnot a url\n",  # sitemaps.org text format
    ],
)
def test_sitemap_flavours(data: bytes) -> None:
    result = parse_sitemap(data)
    assert isinstance(result, Sitemap)
    assert result.locs == ("https://www.shop.test/p",)


def test_text_sitemap_kind() -> None:
    assert parse_sitemap(b"https://a.test/1\r\nhttps://a.test/2\r\n") == Sitemap(
        "text", ("https://a.test/1", "https://a.test/2")
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \r\n\t", "empty"),
        (b"<urlset><url><loc>x</url>", "malformed XML: mismatched tag: line 1, column 21"),
        (b"<urlset><url><loc>https://a.test/</loc>", "malformed XML: no element found: line 1, column 39"),
        (b"<urlset><url><loc>&e;</loc></url></urlset>", "malformed XML: undefined entity: line 1, column 18"),
        (b"<urlset><loc>a\x00</loc></urlset>", "malformed XML: not well-formed (invalid token): line 1, column 14"),
        (b"<html><body>Not found</body></html>", "not a sitemap: root element <html>"),
        (b"<rss version='2.0'><channel/></rss>", "not a sitemap: root element <rss>"),
        (b'{"urls": []}', "not a sitemap: neither XML nor a list of URLs"),
        (b"\x1f\x8bgarbage", "bad gzip data: Error -3 while decompressing data: unknown compression method"),
        (gzip.compress(b"<urlset></urlset>")[:-10], "gzip data ends early"),
    ],
)
def test_malformed_sitemaps_are_error_values(data: bytes, reason: str) -> None:
    assert parse_sitemap(data) == SitemapError(reason)


DTD_REFUSED = SitemapError("DOCTYPE or entity declaration refused (sitemaps need none; entity expansion guard)")
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<urlset><url><loc>https://a.test/&lol9;</loc></url></urlset>"""


@pytest.mark.parametrize(
    "data",
    [
        BILLION_LAUGHS,
        gzip.compress(BILLION_LAUGHS),
        b'<!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><urlset><url><loc>&x;</loc></url></urlset>',
        b'<!DOCTYPE urlset SYSTEM "http://evil.test/x.dtd"><urlset/>',
        b'<!DOCTYPE u [<!ENTITY a "'
        + b"x" * 100_000
        + b'">]><urlset><url><loc>'
        + b"&a;" * 1000
        + b"</loc></url></urlset>",
    ],
)
def test_entity_expansion_and_external_entities_are_refused(data: bytes) -> None:
    assert parse_sitemap(data) == DTD_REFUSED


def test_url_cap() -> None:
    data = urlset(*(f"https://a.test/{n}" for n in range(5)))
    assert parse_sitemap(data, max_urls=3) == Sitemap(
        "urlset", ("https://a.test/0", "https://a.test/1", "https://a.test/2"), True
    )
    assert parse_sitemap(data, max_urls=5) == Sitemap("urlset", tuple(f"https://a.test/{n}" for n in range(5)))
    assert parse_sitemap(b"https://a.test/1\nhttps://a.test/2\n", max_urls=1) == Sitemap(
        "text", ("https://a.test/1",), True
    )


def test_byte_cap_keeps_the_urls_before_it() -> None:
    data = urlset(*(f"https://a.test/{n}" for n in range(1000)))
    result = parse_sitemap(data, max_bytes=len(data) // 2)
    assert isinstance(result, Sitemap) and result.truncated
    assert len(result.locs) == data[: len(data) // 2].count(b"</loc>") == 500
    assert result.locs == tuple(f"https://a.test/{n}" for n in range(len(result.locs)))


def test_gzip_bomb_is_inflated_only_up_to_the_byte_cap() -> None:
    bomb = gzip.compress(urlset("https://a.test/first")[:-9] + b" " * 20_000_000 + b"</urlset>")
    assert len(bomb) < 50_000
    assert parse_sitemap(bomb, max_bytes=1_000_000) == Sitemap("urlset", ("https://a.test/first",), True)


ROOT = "https://www.shop.test/"


def walk_all(walk: SitemapWalk, files: dict[str, bytes | None]) -> list[str]:
    fetched = []
    while (url := walk.next_fetch()) is not None:
        fetched.append(url)
        walk.feed(url, files.get(url), "HTTP 404")
    return fetched


def test_walk_reads_indexes_breadth_first_and_keeps_sitemap_order() -> None:
    files = {
        f"{ROOT}sitemap_index.xml": index(f"{ROOT}a.xml", f"{ROOT}b.xml.gz", "https://evil.test/s.xml", f"{ROOT}a.xml"),
        f"{ROOT}news.xml": urlset(f"{ROOT}news/1", f"{ROOT}news/2"),
        f"{ROOT}a.xml": urlset(f"{ROOT}a/1", f"{ROOT}news/1"),
        f"{ROOT}b.xml.gz": gzip.compress(urlset(f"{ROOT}b/1", "https://cdn.shop.test/b/2")),
    }
    walk = SitemapWalk(ROOT, [f"{ROOT}sitemap%5Findex.xml", f"{ROOT}news.xml", "javascript:x"])
    assert walk_all(walk, files) == [f"{ROOT}sitemap_index.xml", f"{ROOT}news.xml", f"{ROOT}a.xml", f"{ROOT}b.xml.gz"]
    assert walk.urls == (f"{ROOT}news/1", f"{ROOT}news/2", f"{ROOT}a/1", f"{ROOT}b/1", "https://cdn.shop.test/b/2")
    assert walk.problems == (
        SitemapProblem("javascript:x", "not an http(s) URL"),
        SitemapProblem("https://evil.test/s.xml", "on another site: not fetched"),
    )


def test_walk_limits_nesting_and_survives_loops_and_failures() -> None:
    files = {
        f"{ROOT}i0.xml": index(f"{ROOT}i1.xml", f"{ROOT}i0.xml", f"{ROOT}missing.xml", f"{ROOT}bad.xml"),
        f"{ROOT}i1.xml": index(f"{ROOT}i2.xml"),
        f"{ROOT}i2.xml": index(f"{ROOT}i3.xml"),
        f"{ROOT}bad.xml": b"<urlset><url>",
    }
    walk = SitemapWalk(ROOT, [f"{ROOT}i0.xml"])
    assert walk_all(walk, files) == [
        f"{ROOT}i0.xml",
        f"{ROOT}i1.xml",
        f"{ROOT}missing.xml",
        f"{ROOT}bad.xml",
        f"{ROOT}i2.xml",
    ]
    assert walk.urls == ()
    assert walk.problems == (
        SitemapProblem(f"{ROOT}missing.xml", "HTTP 404"),
        SitemapProblem(f"{ROOT}bad.xml", "malformed XML: no element found: line 1, column 13"),
        SitemapProblem(f"{ROOT}i3.xml", "nested in more than 2 indexes"),
    )


def test_walk_caps_urls_and_files() -> None:
    files = {f"{ROOT}s{n}.xml": urlset(*(f"{ROOT}p{n}-{k}" for k in range(3))) for n in range(4)}
    walk = SitemapWalk(ROOT, files, max_urls=5, max_files=3)
    assert walk_all(walk, files) == [f"{ROOT}s0.xml", f"{ROOT}s1.xml"]  # the URL cap ends the walk
    assert walk.urls == (f"{ROOT}p0-0", f"{ROOT}p0-1", f"{ROOT}p0-2", f"{ROOT}p1-0", f"{ROOT}p1-1")
    assert walk.problems == (
        SitemapProblem(f"{ROOT}s3.xml", "more than 3 sitemaps: not fetched"),
        SitemapProblem(f"{ROOT}s1.xml", "stopped at 5 URLs"),
    )


def test_walk_must_be_fed_what_it_asked_for() -> None:
    walk = SitemapWalk(ROOT, [f"{ROOT}a.xml", f"{ROOT}b.xml"])
    assert walk.next_fetch() == f"{ROOT}a.xml"
    with pytest.raises(RuntimeError, match="feed"):
        walk.next_fetch()
    with pytest.raises(ValueError, match="is not the sitemap being fetched"):
        walk.feed(f"{ROOT}b.xml", b"")
    walk.feed(f"{ROOT}a.xml", urlset(f"{ROOT}x"))
    assert walk.next_fetch() == f"{ROOT}b.xml"
