"""First- or third-party: registrable domain (eTLD+1) of a host, from tldextract's bundled suffix list.

Rule for names the public suffix list does not know (documented in the README):
- IP addresses (v4 or v6) and single-label names (``localhost``, ``intranet``) are their own site;
- hosts under a non-public TLD (``shop.test``, ``staging.example.internal``, ``printer.local``) take their
  last two labels as the site, so ``www.shop.test`` and ``cdn.shop.test`` are one party.
"""

from __future__ import annotations

import ipaddress
from functools import cache, lru_cache
from urllib.parse import urlsplit

import tldextract

from pixelaudit.model import Party


@cache
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() keeps it offline: the bundled snapshot, never a download at first use.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def normalise_host(host: str) -> str:
    """Lower-case, without port, brackets or trailing dot."""
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8443
        return host[1 : host.find("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=65536)
def site_of(host: str) -> str:
    """Registrable domain of a host (see the module docstring for non-public names)."""
    host = normalise_host(host)
    if not host or _is_ip(host) or "." not in host:
        return host
    parts = _extractor()(host)
    site = parts.top_domain_under_public_suffix
    if site:
        return site
    if parts.suffix:  # the host is itself a public suffix, e.g. "github.io"
        return host
    return ".".join(host.split(".")[-2:])


def host_of(url: str) -> str:
    """Host of a URL, normalised; empty for URLs without one (data:, about:)."""
    try:
        return normalise_host(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def party_of(url_or_host: str, first_party_sites: frozenset[str]) -> Party:
    """Classify a URL (or bare host) against the audited site's registrable domain(s)."""
    if "://" in url_or_host or url_or_host.startswith(("data:", "about:", "blob:", "javascript:")):
        host = host_of(url_or_host)
    else:
        host = normalise_host(url_or_host)
    site = site_of(host)
    return Party(host=host, site=site, party="first" if site in first_party_sites else "third")


def cookie_site(domain: str) -> str:
    """Registrable domain of a cookie's Domain attribute (leading dot stripped)."""
    return site_of(domain.lstrip("."))
