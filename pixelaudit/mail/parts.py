"""Walk a parsed MIME tree: number the parts, decode the ones we render, size the ones we skip.

Attachments are never decoded: their size is computed from the encoded text (base64 length arithmetic),
so a 100 MB attachment costs no more than the parser already spent reading it.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from email import errors
from email.message import EmailMessage

from pixelaudit.mail.model import Attachment, InlinePart, MailIssue

MAX_INLINE_BYTES = 10 * 1024 * 1024  # a cid: part bigger than this is listed, not decoded
KNOWN_CTE = frozenset({"", "7bit", "8bit", "binary", "base64", "quoted-printable",
                       "x-uuencode", "uuencode", "uue", "x-uue"})
_B64_DEFECTS = (errors.InvalidBase64PaddingDefect, errors.InvalidBase64CharactersDefect,
                errors.InvalidBase64LengthDefect)
_WHITESPACE = " \t\r\n"


def walk(part: EmailMessage, number: str = "") -> Iterator[tuple[str, EmailMessage]]:
    """Every part with its IMAP-style number ("1", "2.1"), containers included; never enters message/*."""
    yield number or "1", part
    if part.get_content_maintype() == "multipart" and isinstance(part.get_payload(), list):
        for i, child in enumerate(part.get_payload(), 1):
            yield from walk(child, f"{number}.{i}" if number else str(i))


def cte_of(part: EmailMessage) -> str:
    """The part's Content-Transfer-Encoding, lower-case ("" when absent)."""
    return str(part.get("Content-Transfer-Encoding", "")).strip().lower()


def content_id(part: EmailMessage) -> str | None:
    """The Content-ID without angle brackets, or None."""
    raw = part.get("Content-ID")
    if raw is None:
        return None
    value = str(raw).strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1].strip()
    return value or None


def filename_of(part: EmailMessage) -> str | None:
    """The part's file name (Content-Disposition filename or Content-Type name), decoded; None when absent."""
    try:
        return part.get_filename()
    except (ValueError, LookupError, TypeError):  # a malformed RFC 2231 parameter
        return None


def decoded_size(part: EmailMessage) -> int | None:
    """Size of the decoded content, worked out from the encoded text without decoding or copying it."""
    # _payload, not get_payload(): get_payload() re-encodes the whole string to test it for surrogates
    payload = part._payload
    if not isinstance(payload, str):
        return None
    cte = cte_of(part)
    if cte in ("", "7bit", "8bit", "binary"):
        return len(payload)  # bytes were parsed with surrogateescape: one character per byte
    if cte != "base64":
        return None
    end = len(payload)
    while end and payload[end - 1] in _WHITESPACE:
        end -= 1
    pad = 0
    while pad < 2 and end - pad > 0 and payload[end - pad - 1] == "=":
        pad += 1
    chars = len(payload) - sum(payload.count(c) for c in _WHITESPACE) - pad
    return chars * 3 // 4


def transfer_decode(part: EmailMessage, number: str) -> tuple[bytes, list[MailIssue]]:
    """The part's content with its transfer encoding undone, and what was wrong with the encoding."""
    issues: list[MailIssue] = []
    cte = cte_of(part)
    if cte not in KNOWN_CTE:
        issues.append(MailIssue("warning", "cte-unknown",
                                f"part {number} has unknown Content-Transfer-Encoding {cte!r}; used as is", number))
    before = len(part.defects)
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return b"", issues
    found = part.defects[before:]
    if any(isinstance(d, errors.InvalidBase64LengthDefect) for d in found):
        # the stdlib hands back the undecoded text here: decode every whole 4-character group instead
        compact = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
        data = _b64_prefix(compact)
        issues.append(MailIssue("warning", "base64-truncated",
                                f"part {number}: base64 is cut mid-group (truncated message?); "
                                f"decoded the first {len(data)} bytes", number))
    elif any(isinstance(d, errors.InvalidBase64PaddingDefect) for d in found):
        issues.append(MailIssue("warning", "base64-truncated",
                                f"part {number}: base64 ends without its padding (truncated message?); "
                                f"decoded {len(data)} bytes", number))
    if any(isinstance(d, errors.InvalidBase64CharactersDefect) for d in found):
        issues.append(MailIssue("warning", "base64-invalid",
                                f"part {number}: base64 has characters outside the alphabet; they were skipped",
                                number))
    return data, issues


def _b64_prefix(compact: bytes) -> bytes:
    usable = len(compact) - len(compact) % 4
    try:
        return base64.b64decode(compact[:usable])
    except binascii.Error:
        return b""


def structural_issues(message: EmailMessage) -> list[MailIssue]:
    """MIME structure defects the parser recorded (truncated multiparts and the like), one issue each."""
    issues = []
    for number, part in walk(message):
        for defect in part.defects:
            if isinstance(defect, _B64_DEFECTS):
                continue
            if isinstance(defect, errors.CloseBoundaryNotFoundDefect):
                issues.append(MailIssue("warning", "multipart-truncated",
                                        f"{part.get_content_type()} (part {number}) has no closing boundary: "
                                        "the message looks truncated", number))
            else:
                doc = (type(defect).__doc__ or type(defect).__name__).strip().splitlines()[0]
                issues.append(MailIssue("warning", "mime-defect", f"part {number}: {doc}", number))
    return issues


def collect_parts(message: EmailMessage, body: EmailMessage | None
                  ) -> tuple[list[InlinePart], list[Attachment], list[MailIssue]]:
    """Split the leaves other than the body into cid: parts (decoded) and attachments (listed only)."""
    inline: list[InlinePart] = []
    attachments: list[Attachment] = []
    issues: list[MailIssue] = []
    for number, part in walk(message):
        if part is body or part.get_content_maintype() == "multipart":
            continue
        ctype = part.get_content_type()
        cid = content_id(part)
        disposition = part.get_content_disposition()
        name = filename_of(part)
        is_message = part.get_content_maintype() == "message"
        if cid and disposition != "attachment" and not is_message:
            size = decoded_size(part)
            bound = size if size is not None else len(str(part._payload))
            if bound <= MAX_INLINE_BYTES:
                data, part_issues = transfer_decode(part, number)
                issues.extend(part_issues)
                inline.append(InlinePart(cid, ctype, data, name))
                continue
            issues.append(MailIssue("warning", "inline-too-large",
                                    f"cid:{cid} (part {number}) is over {MAX_INLINE_BYTES // 2**20} MiB; "
                                    "listed as an attachment, not decoded", number))
        elif part.get_content_maintype() == "text" and disposition != "attachment" and not name:
            continue  # the other alternative of the body (or a text part the client shows after it)
        attachments.append(Attachment(name, ctype, decoded_size(part), disposition, cid, number))
    return inline, attachments, issues
