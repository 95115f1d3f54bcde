"""Unit tests for pixelaudit.crawl.urls: normalisation, scope and --include/--exclude filters."""

from __future__ import annotations

import pytest

from pixelaudit.crawl.urls import TRACKING_PARAMS, PatternError, UrlFilter, in_scope, normalise


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme, host, port, empty path
        ("HTTPS://EXAMPLE.COM:443/A", "https://example.com/A"),
        ("http://Example.com:80", "http://example.com/"),
        ("http://example.com:0080/", "http://example.com/"),
        ("https://example.com:80/", "https://example.com:80/"),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("https://example.com./", "https://example.com/"),
        ("https://example.com?", "https://example.com/"),
        ("https://user:secret@Example.com/a", "https://example.com/a"),
        ("https://ex%41mple.com/", "https://example.com/"),
        # IP addresses
        ("http://127.0.0.1:8000/x", "http://127.0.0.1:8000/x"),
        ("http://[::1]:80/", "http://[::1]/"),
        ("http://[2001:DB8:0:0::1]:8443/", "http://[2001:db8::1]:8443/"),
        # unicode hosts: IDNA (UTS #46, non-transitional like browsers)
        ("http://bücher.de", "http://xn--bcher-kva.de/"),
        ("http://BÜCHER.DE/Seite", "http://xn--bcher-kva.de/Seite"),
        ("http://例え。テスト/", "http://xn--r8jz45g.xn--zckzah/"),
        ("https://faß.de/", "https://xn--fa-hia.de/"),
        ("http://xn--bcher-kva.de/", "http://xn--bcher-kva.de/"),
        # dot segments, also percent-encoded
        ("https://example.com/a/./b/../c/", "https://example.com/a/c/"),
        ("https://example.com/a/b/..", "https://example.com/a/"),
        ("https://example.com/../../x", "https://example.com/x"),
        ("https://example.com/a/%2e%2E/b", "https://example.com/b"),
        ("https://example.com/a//b", "https://example.com/a//b"),
        # percent-encoding: upper-case hex, unreserved decoded, reserved kept, unsafe escaped
        ("https://example.com/%7euser/%2fa", "https://example.com/~user/%2Fa"),
        ("https://example.com/%41%62c", "https://example.com/Abc"),
        ("https://example.com/%zz%4", "https://example.com/%zz%4"),
        ("https://example.com/a b/café", "https://example.com/a%20b/caf%C3%A9"),
        ("https://example.com/?q=€&r=%e2%82%ac", "https://example.com/?q=%E2%82%AC&r=%E2%82%AC"),
        ("https://example.com/?q=a+b&q=%20", "https://example.com/?q=a+b&q=%20"),
        # tracking parameters dropped, the rest kept in order and spelling
        ("https://example.com/?utm_source=x&id=1&utm_medium=y", "https://example.com/?id=1"),
        ("https://example.com/p?b=2&gclid=abc&a=1&fbclid=z", "https://example.com/p?b=2&a=1"),
        ("https://example.com/?msclkid=1&dclid=2&gbraid=3&wbraid=4&yclid=5", "https://example.com/"),
        ("https://example.com/?mc_cid=1&mc_eid=2&_hsenc=3&_hsmi=4&igshid=5&ref_src=6", "https://example.com/"),
        ("https://example.com/?UTM_Source=x&Gclid=y&keep=1", "https://example.com/?keep=1"),
        ("https://example.com/?utm=1&utm_=2&xutm_source=3", "https://example.com/?utm=1&xutm_source=3"),
        ("https://example.com/?a=1&&b=2&", "https://example.com/?a=1&b=2"),
        ("https://example.com/?a&a=&=x", "https://example.com/?a&a=&=x"),
        # fragments
        ("https://example.com/page#section", "https://example.com/page"),
        ("https://example.com/#!/app?x=1", "https://example.com/"),
        ("https://example.com/?a=1#b?c=2", "https://example.com/?a=1"),
        # hostile strings
        ("javascript:alert(1)", None),
        ("  JaVaScRiPt:alert(1)", None),
        ("java\tscr\nipt:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("mailto:someone@example.com", None),
        ("tel:+441234", None),
        ("ftp://example.com/", None),
        ("//example.com/x", None),
        ("/relative/path", None),
        ("", None),
        (" \t\n", None),
        ("http:///path", None),
        ("http://exa mple.com/", None),
        ("http://a..b/", None),
        ("http://example.com:99999/", None),
        ("http://example.com:abc/", None),
        ("http://[::1/", None),
        ("http://ex<ample.com/", None),
        ("http://a\u202eb.com/", None),
        ("https://example.com\\@evil.com/", "https://example.com/@evil.com/"),
        ("https://example.com\\..\\admin?x=\\", "https://example.com/admin?x=\\"),  # query keeps it
        ("\x00 https://example.com/\x1f", "https://example.com/"),
        ("https://example.com/<script>\"'", "https://example.com/%3Cscript%3E%22'"),
        ("https://example.com/?q=<'>", "https://example.com/?q=%3C%27%3E"),
        ("https://example.com/\ud800", "https://example.com/%EF%BF%BD"),
    ],
)
def test_normalise(url: str, expected: str | None) -> None:
    assert normalise(url) == expected


def test_normalise_is_idempotent() -> None:
    for url in ("HTTP://BÜCHER.de:80/a/../b c?utm_source=x&q=%e2%82%ac#f", "https://example.com/%zz?a=1&&b"):
        once = normalise(url)
        assert once is not None
        assert normalise(once) == once


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../x?utm_campaign=y", "https://shop.test/a/x"),
        ("c", "https://shop.test/a/b/c"),
        ("//cdn.shop.test/y", "https://cdn.shop.test/y"),
        ("?page=2", "https://shop.test/a/b/?page=2"),
        ("#top", "https://shop.test/a/b/"),
        ("javascript:void(0)", None),
    ],
)
def test_normalise_resolves_against_base(href: str, expected: str | None) -> None:
    assert normalise(href, base="https://shop.test/a/b/") == expected


def test_tracking_list_documents_the_brief() -> None:
    assert {"gclid", "fbclid", "msclkid", "dclid", "gbraid", "wbraid", "yclid", "mc_cid", "mc_eid"} <= TRACKING_PARAMS
    assert {"_hsenc", "_hsmi", "igshid", "ref_src"} <= TRACKING_PARAMS
    assert "ref" not in TRACKING_PARAMS  # sites use ?ref= for their own navigation


@pytest.mark.parametrize(
    ("url", "root", "scope", "expected"),
    [
        ("https://www.shop.test/a", "https://www.shop.test/", "host", True),
        ("http://www.shop.test:8080/a", "https://www.shop.test/", "host", True),  # scheme and port ignored
        ("https://WWW.Shop.Test./a", "https://www.shop.test/", "host", True),
        ("https://shop.test/a", "https://www.shop.test/", "host", False),
        ("https://cdn.shop.test/a", "https://www.shop.test/", "host", False),
        ("https://shop.test/a", "https://www.shop.test/", "site", True),
        ("https://cdn.shop.test/a", "https://www.shop.test/", "site", True),
        ("https://a.b.staging.shop.test/", "https://www.shop.test/", "site", True),
        ("https://shop.example/", "https://www.shop.test/", "site", False),
        ("https://othershop.test/", "https://www.shop.test/", "site", False),
        ("https://blog.example.co.uk/", "https://www.example.co.uk/", "site", True),
        ("https://other.co.uk/", "https://www.example.co.uk/", "site", False),
        ("https://alice.github.io/", "https://bob.github.io/", "site", False),  # private suffix list
        ("http://127.0.0.1:9000/", "http://127.0.0.1:8000/", "site", True),
        ("http://127.0.0.2/", "http://127.0.0.1/", "site", False),
        ("http://localhost:3000/x", "http://localhost:8000/", "host", True),
        ("http://bücher.de/x", "http://www.xn--bcher-kva.de/", "site", True),
        ("javascript:alert(1)", "https://www.shop.test/", "site", False),
        ("https://evil.test\\@www.shop.test/", "https://www.shop.test/", "site", False),
    ],
)
def test_in_scope(url: str, root: str, scope: str, expected: bool) -> None:
    assert in_scope(url, root, scope) is expected  # type: ignore[arg-type]


def test_in_scope_rejects_unknown_scope() -> None:
    with pytest.raises(ValueError, match="scope must be 'host' or 'site'"):
        in_scope("https://shop.test/", "https://shop.test/", "domain")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("include", "exclude", "url", "expected"),
    [
        ((), (), "https://shop.test/anything?x=1", True),
        (("/blog/*",), (), "https://shop.test/blog/2024/post", True),
        (("/blog/*",), (), "https://shop.test/blog/post?page=2", True),
        (("/blog/*",), (), "https://shop.test/blog", False),
        (("/blog/*",), (), "https://shop.test/shop/blog/x", False),  # whole path, not a substring
        (("/blog/*",), (), "https://shop.test/Blog/x", False),  # paths are case-sensitive
        (("*.pdf",), (), "https://shop.test/docs/a.pdf", True),
        (("*.pdf",), (), "https://shop.test/docs/a.pdf?dl=1", False),
        (("/search?q=*",), (), "https://shop.test/search?q=shoes", True),
        (("/search?q=*",), (), "https://shop.test/searchXq=shoes", False),  # '?' is literal
        (("/café/*",), (), "https://shop.test/caf%C3%A9/menu", True),  # glob escaped like the URL
        (("/blog/*", "/shop/*"), (), "https://shop.test/shop/cart", True),
        (("/blog/*",), ("/blog/drafts/*",), "https://shop.test/blog/drafts/x", False),  # exclude wins
        (("/blog/*",), ("/blog/*",), "https://shop.test/blog/x", False),
        ((), ("*?*sort=*",), "https://shop.test/list?page=2&sort=price", False),
        ((), ("*?*sort=*",), "https://shop.test/list?page=2", True),
        (("re:^https://blog\\.",), (), "https://blog.shop.test/x", True),
        (("re:^https://blog\\.",), (), "https://www.shop.test/blog/x", False),
        ((), ("re:[?&]sort=",), "https://shop.test/list?sort=price", False),
        ((), ("re:\\.(?:pdf|zip)$",), "https://shop.test/a.ZIP", True),  # regexes are case-sensitive too
        (("re:/checkout/",), ("re:thank-you",), "https://shop.test/checkout/thank-you", False),
        (("re:/checkout/",), ("/checkout/thank-*",), "https://shop.test/checkout/pay", True),
    ],
)
def test_url_filter(include: tuple[str, ...], exclude: tuple[str, ...], url: str, expected: bool) -> None:
    assert UrlFilter(include=include, exclude=exclude).allows(url) is expected


@pytest.mark.parametrize(
    ("include", "exclude", "message"),
    [
        (("re:(",), (), r"bad regular expression 're:\(': missing \), unterminated subpattern at position 0"),
        ((), ("blog/*",), "glob 'blog/\\*' must start with '/' or '\\*'"),
        (("",), (), "empty --include pattern"),
        ((), ("",), "empty --exclude pattern"),
    ],
)
def test_url_filter_rejects_bad_patterns_at_construction(
    include: tuple[str, ...], exclude: tuple[str, ...], message: str
) -> None:
    with pytest.raises(PatternError, match=message):
        UrlFilter(include=include, exclude=exclude)


def test_url_filter_accepts_lists_and_compares_by_patterns() -> None:
    url_filter = UrlFilter(include=["/a/*"], exclude=["re:x"])  # type: ignore[arg-type]
    assert url_filter.include == ("/a/*",)
    assert url_filter == UrlFilter(include=("/a/*",), exclude=("re:x",))
