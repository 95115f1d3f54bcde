"""Unit tests for pixelaudit.neterrors: Playwright/Chromium failures as one-line ScanErrors."""

from __future__ import annotations

import pytest

from pixelaudit.neterrors import http_status_error, navigation_error

CALL_LOG = "\nCall log:\n  - navigating to \"{url}\", waiting until \"load\"\n"


def goto(error: str, url: str) -> str:
    """A message shaped like Playwright's page.goto error."""
    return f"Page.goto: {error} at {url}" + CALL_LOG.format(url=url)


@pytest.mark.parametrize(
    ("message", "url", "kind", "must_contain"),
    [
        (goto("net::ERR_NAME_NOT_RESOLVED", "https://nx.example/"), "https://nx.example/", "dns",
         ["nx.example", "--resolve"]),
        (goto("net::ERR_CONNECTION_REFUSED", "https://shop.test:8443/"), "https://shop.test:8443/",
         "connection", ["refused", "shop.test:8443"]),
        (goto("net::ERR_CONNECTION_RESET", "https://shop.test/"), "https://shop.test/", "connection",
         ["reset", "shop.test"]),
        (goto("net::ERR_EMPTY_RESPONSE", "http://shop.test/"), "http://shop.test/", "connection",
         ["without answering"]),
        (goto("net::ERR_CERT_AUTHORITY_INVALID", "https://staging.shop.test/"), "https://staging.shop.test/",
         "tls", ["staging.shop.test", "ERR_CERT_AUTHORITY_INVALID", "--trust-cert", "--ignore-https-errors"]),
        (goto("net::ERR_CERT_DATE_INVALID", "https://old.shop.test/"), "https://old.shop.test/", "tls",
         ["ERR_CERT_DATE_INVALID"]),
        (goto("net::ERR_SSL_PROTOCOL_ERROR", "https://shop.test:8080/"), "https://shop.test:8080/", "tls",
         ["handshake", "shop.test:8080", "ERR_SSL_PROTOCOL_ERROR"]),
        (goto("net::ERR_TOO_MANY_REDIRECTS", "https://loop.test/"), "https://loop.test/", "redirect-loop",
         ["https://loop.test/", "redirect"]),
        (goto("net::ERR_CONNECTION_TIMED_OUT", "https://slow.test/"), "https://slow.test/", "timeout",
         ["slow.test", "timed out"]),
        (goto("net::ERR_ABORTED", "https://shop.test/file.zip"), "https://shop.test/file.zip", "aborted",
         ["aborted"]),
        ("Page.goto: Timeout 30000ms exceeded." + CALL_LOG.format(url="https://slow.test/"), "https://slow.test/",
         "timeout", ["https://slow.test/", "within 30 s", "--timeout"]),
        ("Page.goto: Target page, context or browser has been closed", "https://shop.test/", "browser-crash",
         ["https://shop.test/", "closed or crashed"]),
        ("Page.goto: Page crashed\nCall log:\n  - navigating", "https://shop.test/", "browser-crash",
         ["crashed"]),
        ("Page.goto: protocol error: something odd\nCall log:\n  - x", "https://shop.test/", "navigation",
         ["https://shop.test/", "protocol error: something odd"]),
    ],
    ids=["dns", "refused", "reset", "empty-response", "cert-authority", "cert-date", "ssl-protocol",
         "redirect-loop", "connect-timeout", "aborted", "goto-timeout", "closed", "crashed", "unknown"],
)
def test_navigation_error(message: str, url: str, kind: str, must_contain: list[str]) -> None:
    err = navigation_error(message, url, "no-interaction", timeout_s=30)
    assert err.kind == kind
    assert err.url == url
    assert err.scenario == "no-interaction"
    assert err.fatal is True
    assert "\n" not in err.message and "\r" not in err.message
    assert "Call log" not in err.message
    for text in must_contain:
        assert text in err.message


def test_dns_message_names_the_host_not_the_whole_message() -> None:
    url = "https://nx.example/"
    err = navigation_error(goto("net::ERR_NAME_NOT_RESOLVED", url), url, None)
    assert err.message.startswith("DNS lookup failed for nx.example;")
    assert "Page.goto" not in err.message


def test_timeout_without_limit_does_not_invent_one() -> None:
    err = navigation_error("Page.goto: Timeout 30000ms exceeded.", "https://slow.test/", None)
    assert err.kind == "timeout"
    assert "within" not in err.message


@pytest.mark.parametrize("message", ["", "   \n  "])
def test_empty_message_is_unknown_error(message: str) -> None:
    err = navigation_error(message, "https://shop.test/", None)
    assert err.kind == "navigation"
    assert err.message == "loading https://shop.test/ failed: unknown error"


def test_unknown_long_message_is_cut_to_one_short_line() -> None:
    err = navigation_error("Page.goto: " + "x" * 1000 + "\nsecond line", "https://shop.test/", None)
    assert err.kind == "navigation"
    assert "\n" not in err.message
    assert "second line" not in err.message
    assert len(err.message) < 400


@pytest.mark.parametrize("status", [403, 404, 500, 503])
def test_http_status_error(status: int) -> None:
    err = http_status_error(status, "https://shop.test/", "reject")
    assert err.kind == "http-status"
    assert f"HTTP {status}" in err.message
    assert (err.url, err.scenario, err.fatal) == ("https://shop.test/", "reject", True)
    assert "\n" not in err.message
