"""Unit tests for pixelaudit.parties: registrable domains, hosts of URLs, first/third party."""

from __future__ import annotations

import socket

import pytest

import pixelaudit.parties
from pixelaudit.parties import cookie_site, host_of, normalise_host, party_of, site_of


@pytest.mark.parametrize(
    ("host", "site"),
    [
        # public suffix list, ICANN section
        ("www.facebook.com", "facebook.com"),
        ("facebook.com", "facebook.com"),
        ("bbc.co.uk", "bbc.co.uk"),
        ("www.bbc.co.uk", "bbc.co.uk"),
        # private section: each github.io user is its own site; the suffix alone stays itself
        ("foo.github.io", "foo.github.io"),
        ("cdn.foo.github.io", "foo.github.io"),
        ("github.io", "github.io"),
        # IP addresses are their own site, with or without port and brackets
        ("192.168.1.5", "192.168.1.5"),
        ("127.0.0.1:8080", "127.0.0.1"),
        ("::1", "::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[::1]:8443", "::1"),
        # single-label names
        ("localhost", "localhost"),
        ("localhost:3000", "localhost"),
        ("intranet", "intranet"),
        # non-public TLDs: the last two labels
        ("www.shop.test", "shop.test"),
        ("cdn.shop.test", "shop.test"),
        ("a.b.staging.example.internal", "example.internal"),
        ("printer.local", "printer.local"),
        ("x.printer.local", "printer.local"),
        # trailing dot, upper case, surrounding space
        ("www.facebook.com.", "facebook.com"),
        ("WWW.Facebook.COM", "facebook.com"),
        ("WWW.BBC.CO.UK.", "bbc.co.uk"),
        ("shop.com.:443", "shop.com"),
        ("  www.shop.test  ", "shop.test"),
        ("", ""),
    ],
)
def test_site_of(host: str, site: str) -> None:
    assert site_of(host) == site


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        ("WWW.Shop.COM", "www.shop.com"),
        ("shop.com:8443", "shop.com"),
        ("shop.com.", "shop.com"),
        ("[::1]:8443", "::1"),
        ("[::1]", "::1"),
        ("fe80::1", "fe80::1"),
    ],
)
def test_normalise_host(raw: str, host: str) -> None:
    assert normalise_host(raw) == host


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Facebook.com/tr?id=1", "www.facebook.com"),
        ("https://cdn.shop.com:8443/p.gif", "cdn.shop.com"),
        ("http://[::1]:8443/x", "::1"),
        ("https://user:pw@shop.com/", "shop.com"),
        ("data:image/gif;base64,R0lGODlhAQABAAAAACw=", ""),
        ("about:blank", ""),
        ("about:srcdoc", ""),
        ("/relative/path.gif", ""),
        ("http://[broken/", ""),  # urlsplit raises ValueError: no host, no exception
    ],
)
def test_host_of(url: str, host: str) -> None:
    assert host_of(url) == host


SHOP = frozenset({"shop.com"})


@pytest.mark.parametrize(
    ("url", "host", "site", "party"),
    [
        ("https://cdn.shop.com/1x1.gif", "cdn.shop.com", "shop.com", "first"),  # a first-party 1x1
        ("https://shop.com/", "shop.com", "shop.com", "first"),
        ("https://notshop.com/p.gif", "notshop.com", "notshop.com", "third"),  # suffix of the name only
        ("https://shop.com.evil.net/p.gif", "shop.com.evil.net", "evil.net", "third"),
        ("https://www.facebook.com/tr?id=1", "www.facebook.com", "facebook.com", "third"),
        ("STATS.SHOP.COM", "stats.shop.com", "shop.com", "first"),  # a bare host
        ("stats.shop.com:8443", "stats.shop.com", "shop.com", "first"),
    ],
)
def test_party_of(url: str, host: str, site: str, party: str) -> None:
    got = party_of(url, SHOP)
    assert (got.host, got.site, got.party) == (host, site, party)


def test_party_of_with_several_first_party_sites() -> None:
    sites = frozenset({"shop.com", "shop-cdn.net"})
    assert party_of("https://img.shop-cdn.net/a.png", sites).party == "first"
    assert party_of("https://img.shop-cdn.com/a.png", sites).party == "third"


def test_party_of_non_public_tld_groups_subdomains() -> None:
    sites = frozenset({site_of("www.shop.test")})
    assert party_of("https://cdn.shop.test/p.gif", sites).party == "first"
    assert party_of("https://tracker.test/p.gif", sites).party == "third"


@pytest.mark.parametrize("url", ["data:image/gif;base64,R0lGODlhAQABAAAAACw=", "about:blank"])
def test_party_of_url_without_host_has_empty_host(url: str) -> None:
    got = party_of(url, SHOP)
    assert got.host == "" and got.site == ""


@pytest.mark.parametrize(
    ("domain", "site"),
    [(".shop.com", "shop.com"), ("www.shop.com", "shop.com"), (".doubleclick.net", "doubleclick.net"),
     (".foo.github.io", "foo.github.io"), ("localhost", "localhost")],
)
def test_cookie_site(domain: str, site: str) -> None:
    assert cookie_site(domain) == site


def test_tldextract_never_uses_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("network access attempted in a unit test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    pixelaudit.parties.site_of.cache_clear()
    pixelaudit.parties._extractor.cache_clear()
    try:
        assert site_of("www.a-name-never-seen-before.co.uk") == "a-name-never-seen-before.co.uk"
        assert site_of("tracker.never-seen.github.io") == "never-seen.github.io"
    finally:
        pixelaudit.parties.site_of.cache_clear()
        pixelaudit.parties._extractor.cache_clear()
    assert calls == []
