"""Records for e-mail input: what was read from disk, and what parsing found in it.

sources emits RawMessage (or MailError); parse turns a RawMessage into a Mail (or MailError). Rendering and
detection read Mail and add records of their own; nothing here is mutated after it is made.

MailIssue codes (stable; a report may count them):
  info:    html-file (a bare HTML body: no headers), text-only (the text/plain part was rendered)
  warning: charset-unknown, charset-mismatch, charset-missing, base64-truncated, base64-invalid, cte-unknown,
           multipart-truncated, mime-defect, header-unreadable, date-unreadable, no-body, inline-too-large
MailError codes: unreadable, too-large, empty, not-mbox, not-mime, parse-failed
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

SOURCE_KINDS = ("eml", "html", "mbox", "maildir")


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message's bytes as read from its source, before any parsing."""

    id: str  # stable name for reports: the file path, or "<path>#<n>" for the n-th message (from 1) of an mbox
    path: str  # the file it came from
    source: str  # one of SOURCE_KINDS
    data: bytes = field(repr=False)
    index: int | None = None  # position in the mbox, from 1


@dataclass(frozen=True, slots=True)
class MailError:
    """An input item that could not be read or parsed at all, in one line; the batch goes on."""

    id: str
    path: str
    code: str  # see the module docstring
    message: str


@dataclass(frozen=True, slots=True)
class MailIssue:
    """Something parsing had to work around; the message was still read."""

    level: str  # "info" | "warning"
    code: str  # see the module docstring
    message: str
    part: str | None = None  # MIME part number ("1", "1.2"), when the issue belongs to one part


@dataclass(frozen=True, slots=True)
class MailAddress:
    """One address from a header, normalised for matching (trimmed, lower-case)."""

    address: str
    domain: str  # the part after "@"
    site: str  # registrable domain of `domain` (pixelaudit.parties.site_of)
    name: str = ""  # display name, RFC 2047 decoded


@dataclass(frozen=True, slots=True)
class DkimSignature:
    """The signing domain and selector of one DKIM-Signature header (not verified)."""

    domain: str  # d=, lower-case
    selector: str  # s=


@dataclass(frozen=True, slots=True)
class MailHeaders:
    """Header facts later stages need: sender, recipient, and hints of the sending platform."""

    from_addr: MailAddress | None = None
    to: tuple[str, ...] = ()  # addresses only, normalised
    delivered_to: tuple[str, ...] = ()
    subject: str | None = None
    date: datetime | None = None  # naive when the header says -0000 ("zone unknown")
    message_id: str | None = None  # without the angle brackets
    x_mailer: str | None = None
    list_id: str | None = None
    list_unsubscribe: tuple[str, ...] = ()  # the <...> entries in order: https: URLs and mailto:
    list_unsubscribe_post: str | None = None
    dkim: tuple[DkimSignature, ...] = ()
    return_path: MailAddress | None = None
    platform_headers: tuple[tuple[str, str], ...] = ()  # (name, unfolded raw value) of sending-platform headers

    @property
    def recipients(self) -> tuple[str, ...]:
        """Who received this copy: Delivered-To first (the mailbox it reached), then To; no repeats."""
        return tuple(dict.fromkeys(self.delivered_to + self.to))

    @property
    def dkim_domains(self) -> tuple[str, ...]:
        """The d= domains of all DKIM signatures, in header order, no repeats."""
        return tuple(dict.fromkeys(sig.domain for sig in self.dkim))

    def platform_header(self, name: str) -> str | None:
        """The first platform header with this name (case-insensitive), or None."""
        name = name.lower()
        return next((value for key, value in self.platform_headers if key.lower() == name), None)


@dataclass(frozen=True, slots=True)
class InlinePart:
    """A part the HTML can reference as cid:<content_id>; served to the renderer from the message itself."""

    content_id: str  # without angle brackets, as written in the Content-ID header
    content_type: str
    data: bytes = field(repr=False)
    filename: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment, listed and never rendered; its content is not decoded."""

    filename: str | None
    content_type: str
    size: int | None  # decoded bytes, computed without decoding; None when that needs decoding (quoted-printable)
    disposition: str | None  # "attachment" | "inline" | None
    content_id: str | None = None
    part: str | None = None


@dataclass(frozen=True, slots=True)
class Mail:
    """One parsed message: the HTML to render, its inline parts, header facts and what parsing worked around."""

    id: str
    path: str
    source: str
    size: int  # bytes of the raw message
    headers: MailHeaders
    html: str = field(repr=False)
    body_type: str  # "text/html" | "text/plain" (rendered as escaped <pre>) | "none"
    charset: str | None  # codec the body was decoded with
    declared_charset: str | None  # what the message said (MIME charset, or <meta charset> for HTML files)
    inline: tuple[InlinePart, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    issues: tuple[MailIssue, ...] = ()

    @property
    def cid_map(self) -> dict[str, tuple[str, bytes]]:
        """{content-id: (mime type, bytes)} for the renderer; the first part wins when an id repeats."""
        out: dict[str, tuple[str, bytes]] = {}
        for part in self.inline:
            out.setdefault(part.content_id, (part.content_type, part.data))
        return out

    def issue_codes(self) -> tuple[str, ...]:
        """The codes of this message's issues, in order."""
        return tuple(issue.code for issue in self.issues)
