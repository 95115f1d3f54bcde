"""Turn Playwright/Chromium navigation failures into one-line ScanErrors a user can act on."""

from __future__ import annotations

from urllib.parse import urlsplit

from pixelaudit.model import ScanError

# (substring of Chromium's error, kind, what to tell the user)
_KNOWN = (
    ("ERR_NAME_NOT_RESOLVED", "dns", "DNS lookup failed for {host}; check the name, or map it with --resolve"),
    ("ERR_NAME_RESOLUTION_FAILED", "dns", "DNS lookup failed for {host}; check the name, or map it with --resolve"),
    ("ERR_CONNECTION_REFUSED", "connection", "connection refused by {host}{port}"),
    ("ERR_CONNECTION_RESET", "connection", "connection reset by {host}{port}"),
    ("ERR_CONNECTION_CLOSED", "connection", "{host}{port} closed the connection without answering"),
    ("ERR_EMPTY_RESPONSE", "connection", "{host}{port} closed the connection without answering"),
    ("ERR_ADDRESS_UNREACHABLE", "connection", "{host} is unreachable"),
    ("ERR_INTERNET_DISCONNECTED", "connection", "no network connection to reach {host}"),
    ("ERR_CONNECTION_TIMED_OUT", "timeout", "connecting to {host}{port} timed out"),
    ("ERR_TIMED_OUT", "timeout", "{host} did not answer in time"),
    ("ERR_CERT_", "tls", "TLS certificate of {host} is not trusted ({code}); pass --trust-cert FILE or "
                         "--ignore-https-errors for a staging certificate"),
    ("ERR_SSL_", "tls", "TLS handshake with {host}{port} failed ({code})"),
    ("ERR_BAD_SSL_CLIENT_AUTH_CERT", "tls", "{host} requires a client certificate"),
    ("ERR_TOO_MANY_REDIRECTS", "redirect-loop", "too many redirects from {url} (a redirect loop)"),
    ("ERR_INVALID_REDIRECT", "redirect-loop", "invalid redirect from {url}"),
    ("ERR_ABORTED", "aborted", "loading {url} was aborted (a download, or the page navigated away)"),
)

_CRASH_MARKERS = ("Target page, context or browser has been closed", "Target closed", "Browser closed",
                  "browser has been closed", "Page crashed", "Connection closed")


def _code(message: str) -> str:
    for word in message.replace(";", " ").split():
        if word.startswith("net::ERR_"):
            return word.removeprefix("net::")
        if word.startswith("ERR_"):
            return word
    return ""


def navigation_error(message: str, url: str, scenario: str | None, timeout_s: float | None = None) -> ScanError:
    """A ScanError for a failed `page.goto` (or a browser that went away during one)."""
    first_line = (message or "").strip().splitlines()[0] if message and message.strip() else "unknown error"
    parts = urlsplit(url)
    host = parts.hostname or url
    port = f":{parts.port}" if parts.port else ""
    code = _code(message)
    if any(m in message for m in _CRASH_MARKERS):
        return ScanError("browser-crash", f"the browser closed or crashed while loading {url}", url, scenario)
    if "Timeout" in first_line and "exceeded" in first_line:
        limit = f" within {timeout_s:g} s" if timeout_s else ""
        return ScanError("timeout", f"{url} did not finish loading{limit} (--timeout)", url, scenario)
    for marker, kind, text in _KNOWN:
        if marker in message:
            return ScanError(kind, text.format(host=host, port=port, url=url, code=code), url, scenario)
    return ScanError("navigation", f"loading {url} failed: {first_line[:300]}", url, scenario)


def http_status_error(status: int, url: str, scenario: str | None) -> ScanError:
    """The audited page answered with an HTTP error: its real content was not audited."""
    return ScanError("http-status", f"{url} answered HTTP {status}; the page itself was not audited",
                     url, scenario)
