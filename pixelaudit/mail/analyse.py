"""From one rendered mail to its findings (pure): pixels, click tracking, remote content, leaks, platform.

Party is relative to the sender's registrable domain: From's, else the DKIM signers'. The recipient's
address (Delivered-To, To, or the user's `--identity`) is searched in every URL the mail would request or
link to, in the forms research used (leaks.py). A sending platform's tracking host on the sender's own
subdomain is first party by domain, but it is the platform's: leaks to it count as leaks to a third party.
"""

from __future__ import annotations

from dataclasses import dataclass

from pixelaudit.mail.detect import (
    ClickLink,
    OpenPixel,
    RemoteContent,
    click_links,
    css_pixels,
    open_pixels,
    remote_content,
)
from pixelaudit.mail.leaks import IdentityForm, Leak, RecipientToken, find_leaks, identity_forms, per_recipient_ids
from pixelaudit.mail.model import Mail
from pixelaudit.mail.platform import PlatformHint, name_platform
from pixelaudit.mail.render import Rendering
from pixelaudit.model import SEVERITIES, Finding
from pixelaudit.parties import site_of
from pixelaudit.rules import RuleSet

__all__ = ["MailAnalysis", "analyse", "sender_sites"]

SCENARIO = "open"  # what the mail is judged in: opened in a client that shows remote content


@dataclass(frozen=True, slots=True)
class LeakHit:
    """The recipient's address found in a URL the mail requests (`kind="request"`) or links to ("link")."""

    url: str
    kind: str
    host: str
    party: str
    vendor: str | None
    leak: Leak


@dataclass(frozen=True, slots=True)
class MailAnalysis:
    """Everything judged about one mail."""

    mail: Mail
    rendering: Rendering
    sender_sites: frozenset[str]
    identities: tuple[str, ...]
    platform: PlatformHint | None
    pixels: tuple[OpenPixel, ...]
    clicks: tuple[ClickLink, ...]
    remote: tuple[RemoteContent, ...]
    leaks: tuple[LeakHit, ...]
    tokens: tuple[RecipientToken, ...]  # values in pixel and link URLs that look per-recipient (a heuristic)
    findings: tuple[Finding, ...]


def sender_sites(mail: Mail) -> frozenset[str]:
    """The sender's registrable domain(s): From's, else every DKIM signer's."""
    if mail.headers.from_addr is not None:
        return frozenset({mail.headers.from_addr.site})
    return frozenset(site_of(d) for d in mail.headers.dkim_domains)


def _leaks(forms: tuple[IdentityForm, ...], pixels, clicks, remote) -> list[LeakHit]:
    hits = []
    for kind, items in (("request", pixels), ("request", remote), ("link", clicks)):
        for item in items:
            url = getattr(item, "href", None) or item.url
            for leak in find_leaks(url, forms):
                platform = getattr(item, "vendor", None)
                hits.append(LeakHit(url, kind, item.host, "third" if platform else item.party, platform, leak))
    return hits


def analyse(mail: Mail, rendering: Rendering, rules: RuleSet, *, identities: tuple[str, ...] = (),
            finals: dict[str, str] | None = None) -> MailAnalysis:
    """Judge a rendered mail; `identities` overrides the recipients read from its headers; `finals` maps
    links to where following them landed (live mode)."""
    sites = sender_sites(mail)
    by_headers = name_platform(mail.headers, [])
    pixels = open_pixels(rendering.images, rendering.requests, rules, sites, by_headers)
    pixels += css_pixels(rendering.css_urls, rendering.images, rules, sites, by_headers)
    clicks = click_links(rendering.links, rules, sites, by_headers, finals)
    remote = remote_content(rendering.requests, pixels, sites)
    who = identities or mail.headers.recipients
    forms = tuple(f for address in who for f in identity_forms(address))
    leaks = tuple(_leaks(forms, pixels, clicks, remote)) if forms else ()
    platform = name_platform(mail.headers, [p.vendor for p in pixels] + [c.vendor for c in clicks])
    tokens = per_recipient_ids([p.url for p in pixels] + [c.href for c in clicks])
    findings = _findings(pixels, clicks, remote, leaks, tokens)
    return MailAnalysis(mail, rendering, sites, tuple(who), platform, pixels, clicks, remote, leaks, tokens,
                        findings)


def _personal(url: str, leaks: tuple[LeakHit, ...], tokens: tuple[RecipientToken, ...]) -> str:
    """What ties a URL to the recipient, as a clause for a finding's message ("" when nothing does)."""
    forms = sorted({hit.leak.form for hit in leaks if hit.url == url})
    if forms:
        return f"; carries the recipient's address ({', '.join(forms)})"
    where = list(dict.fromkeys(t.where for t in tokens if t.url == url))
    return f"; per-recipient id in {', '.join(where)}" if where else ""


def _findings(pixels, clicks, remote, leaks, tokens) -> tuple[Finding, ...]:
    out: dict[tuple[str, str], Finding] = {}

    def add(kind: str, severity: str, host: str, site: str, vendor: str | None, url: str, message: str,
            evidence: dict) -> None:
        key = (kind, host)
        count = out[key].evidence["count"] + 1 if key in out else 1
        if key in out and SEVERITIES.index(severity) <= SEVERITIES.index(out[key].severity):
            out[key].evidence["count"] = count
            return
        # a host's finding shows its most severe evidence, whatever order the mail gives it in
        out[key] = Finding(kind, severity, SCENARIO, site, host, vendor, url, message, {**evidence, "count": count})

    # Tied to a person (the address, or an id that looks per-recipient): the open or click is personal data.
    for i, p in enumerate(pixels):
        personal = _personal(p.url, leaks, tokens)
        add("email-open-pixel", "high" if personal else "medium", p.host, p.site, p.vendor, p.url,
            f"open pixel on {p.host}: " + "; ".join(p.reasons) + personal, {"pixel_index": i, "media": p.media})
    for i, c in enumerate(clicks):
        personal = _personal(c.href, leaks, tokens)
        where = f" to {c.final_url}" if c.final_url else ""
        add("email-click-tracking", "medium" if personal else "low", c.host, c.site, c.vendor, c.href,
            f"link {c.text!r} goes through {c.host}{where}: {c.reason}{personal}", {"link_index": i})
    for i, r in enumerate(remote):
        if r.party == "third":
            add("email-remote-content", "low", r.host, r.site, None, r.url,
                f"loads {r.resource_type} from third party {r.host}", {"remote_index": i})
    for i, hit in enumerate(leaks):
        if hit.party == "third":
            leak = hit.leak
            via = f" ({leak.via})" if leak.via else ""
            add("pii-leak", "high", hit.host, site_of(hit.host), hit.vendor, hit.url,
                f"the recipient's address as {leak.form}{via} in the {hit.kind} URL's {leak.where}, "
                f"sent to {hit.vendor or hit.host}" + (" when the link is clicked" if hit.kind == "link" else ""),
                {"leak_index": i, "form": leak.form, "where": leak.where})
    order = {"pii-leak": 0, "email-open-pixel": 1, "email-click-tracking": 2, "email-remote-content": 3}
    return tuple(sorted(out.values(), key=lambda f: (order[f.type], f.host or "")))
