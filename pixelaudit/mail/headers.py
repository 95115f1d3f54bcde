"""Header facts: who sent the message, to whom, and which platform sent it.

Values are read from the raw header lines, so one malformed header costs a warning, never the message.
Nothing here is verified (DKIM signatures are read, not checked): these are hints for detection.
"""

from __future__ import annotations

import re
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from pixelaudit.mail.model import DkimSignature, MailAddress, MailHeaders, MailIssue
from pixelaudit.parties import normalise_host, site_of

# Headers that name or betray the sending platform (REFERENCE.md §2 "header hints", plus each platform's own).
PLATFORM_HEADER_PREFIXES = (
    "x-mailgun-",  # Mailgun: X-Mailgun-Sid, -Sending-Ip, -Tag, -Variables, -Batch-Id
    "x-ses-",  # Amazon SES: X-SES-Outgoing, X-SES-Configuration-Set
    "x-sfmc-",  # Salesforce Marketing Cloud: X-SFMC-Stack
    "x-sg-",  # SendGrid: X-SG-EID, X-SG-ID
    "x-mc-",  # Mailchimp: X-MC-User
    "x-mailchimp-",
    "x-mandrill-",  # Mailchimp Transactional: X-Mandrill-User
    "x-hs-",  # HubSpot: X-HS-Cid
    "x-hubspot-",
    "x-kmail-",  # Klaviyo: X-Kmail-Account, X-Kmail-Message
    "x-mailin-",  # Brevo (Sendinblue): X-Mailin-Campaign, X-Mailin-Client
    "x-klaviyo-",
    "x-mailjet-",  # Mailjet
    "x-mj-",
    "x-pm-",  # Postmark: X-PM-Message-Id, X-PM-Tag
    "x-roving-",  # Constant Contact
    "x-campaign",  # X-Campaign, X-CampaignID, X-Campaign-Id (Mailchimp and many others)
    "x-marketo",  # X-MarketoID
)
PLATFORM_HEADER_NAMES = frozenset({
    "feedback-id",  # Gmail feedback loop id; ends in the platform's tag (":AmazonSES", ":mc", ":sfmktgcld")
    "x-feedback-id",
    "x-job",  # Salesforce Marketing Cloud job id
    "x-csa-complaints",  # Certified Senders Alliance members (SFMC and others)
    "x-csa-compliance-source",  # SFMC writes "SFMC" here
    "x-report-abuse",  # Mailchimp
    "x-report-abuse-to",  # HubSpot
    "x-entity-id",  # SendGrid
    "x-msfbl",  # SparkPost (Message Systems feedback loop)
})
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ANGLED = re.compile(r"<([^>]*)>")


def is_platform_header(name: str) -> bool:
    """Does this header name identify a sending platform (kept raw for the platform detector)?"""
    name = name.lower()
    return name in PLATFORM_HEADER_NAMES or name.startswith(PLATFORM_HEADER_PREFIXES)


def _clean(value: str) -> str:
    """Unfold a raw header value; 8-bit bytes (kept as surrogates by the parser) are read as UTF-8."""
    value = _FOLD.sub("", value).strip()
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decoded(value: str) -> str:
    """RFC 2047 encoded words decoded; the raw text when they are malformed."""
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError, UnicodeError):
        return value


def make_address(addr: str, name: str = "") -> MailAddress | None:
    """A normalised address record, or None when `addr` has no domain."""
    addr = addr.strip().lower()
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain:
        return None
    domain = normalise_host(domain.strip("[]"))
    return MailAddress(address=addr, domain=domain, site=site_of(domain), name=_decoded(name.strip()))


def _addresses(values: list[str]) -> list[MailAddress]:
    found = (make_address(addr, name) for name, addr in getaddresses(values))
    return [a for a in found if a is not None]


def _dkim(value: str) -> DkimSignature | None:
    tags = {}
    for item in value.split(";"):
        key, eq, val = item.partition("=")
        if eq:
            tags[key.strip().lower()] = "".join(val.split())  # folding whitespace may sit inside a value
    domain = tags.get("d", "").lower()
    return DkimSignature(domain, tags.get("s", "")) if domain else None


def read_headers(message: EmailMessage) -> tuple[MailHeaders, list[MailIssue]]:
    """The header facts of a parsed message, and warnings for headers that could not be read."""
    issues: list[MailIssue] = []
    raw: dict[str, list[str]] = {}
    platform: list[tuple[str, str]] = []
    for name, value in message.raw_items():
        value = _clean(str(value))
        raw.setdefault(name.lower(), []).append(value)
        if is_platform_header(name):
            platform.append((name, value))

    def first(name: str) -> str | None:
        values = raw.get(name)
        return values[0] if values else None

    senders = _addresses(raw.get("from", []))
    return_path = _addresses(raw.get("return-path", []))
    date = None
    if (date_raw := first("date")) is not None:
        try:
            date = parsedate_to_datetime(date_raw)
        except (ValueError, TypeError, IndexError):
            issues.append(MailIssue("warning", "date-unreadable", f"Date header is not a date: {date_raw[:80]!r}"))
    subject = first("subject")
    message_id = first("message-id")
    unsubscribe = first("list-unsubscribe") or ""
    headers = MailHeaders(
        from_addr=senders[0] if senders else None,
        to=tuple(dict.fromkeys(a.address for a in _addresses(raw.get("to", [])))),
        delivered_to=tuple(dict.fromkeys(a.address for a in _addresses(raw.get("delivered-to", [])))),
        subject=_decoded(subject) if subject is not None else None,
        date=date,
        message_id=message_id.strip().strip("<>").strip() if message_id else None,
        x_mailer=_decoded(m) if (m := first("x-mailer")) else None,
        list_id=_decoded(v) if (v := first("list-id")) else None,
        list_unsubscribe=tuple("".join(u.split()) for u in _ANGLED.findall(unsubscribe)),
        list_unsubscribe_post=first("list-unsubscribe-post"),
        dkim=tuple(sig for v in raw.get("dkim-signature", []) if (sig := _dkim(v)) is not None),
        return_path=return_path[0] if return_path else None,
        platform_headers=tuple(platform),
    )
    if raw.get("from") and headers.from_addr is None:
        issues.append(MailIssue("warning", "header-unreadable", f"From header has no address: {raw['from'][0][:80]!r}"))
    return headers, issues
