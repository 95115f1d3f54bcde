"""Parse one raw message into a Mail: the HTML to render, its cid: parts, attachments and header facts.

The standard library's parser (policy.default) reads the MIME tree; everything it tolerates becomes a
MailIssue, and only input with no message in it at all becomes a MailError. Nothing escapes as an exception.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from pixelaudit.mail.charset import decode_text, meta_charset
from pixelaudit.mail.headers import read_headers
from pixelaudit.mail.model import Mail, MailError, MailHeaders, MailIssue, RawMessage
from pixelaudit.mail.parts import collect_parts, structural_issues, transfer_decode, walk
from pixelaudit.mail.sources import DEFAULT_MAX_MESSAGE_BYTES, iter_messages

# Any one of these at the top means the text is a message; a file with none of them is not e-mail.
_MESSAGE_HEADERS = frozenset({"from", "to", "cc", "subject", "date", "message-id", "mime-version",
                              "content-type", "received", "return-path", "delivered-to", "sender", "reply-to"})
_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)]}'\""


def _linked(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in _TRAILING:
        url, tail = url[:-1], url[-1] + tail
    return f'<a href="{url}">{url}</a>{tail}'


def plain_to_html(text: str) -> str:
    """A text/plain body as a mail client shows it: preformatted, escaped, with its URLs made into links."""
    return f'<pre style="white-space: pre-wrap">{_URL.sub(_linked, html.escape(text, quote=False))}</pre>'


def _html_file(raw: RawMessage) -> Mail:
    declared = meta_charset(raw.data)
    text, used, issues = decode_text(raw.data, declared)
    issues.insert(0, MailIssue("info", "html-file", "an HTML body without headers: no sender, recipient "
                                                    "or platform headers to read"))
    return Mail(raw.id, raw.path, raw.source, len(raw.data), MailHeaders(), text, "text/html", used, declared,
                issues=tuple(issues))


def _body(message: EmailMessage) -> tuple[EmailMessage | None, str]:
    body = message.get_body(preferencelist=("html", "plain"))
    if body is None:
        return None, "none"
    return body, body.get_content_type()


def _parse(raw: RawMessage) -> Mail | MailError:
    if raw.source == "html":
        return _html_file(raw)
    message = BytesParser(policy=policy.default).parsebytes(raw.data)
    names = {name.lower() for name in message.keys()}
    if not names & _MESSAGE_HEADERS:
        first = raw.data.lstrip()[:60].split(b"\n", 1)[0].decode("utf-8", "replace")
        return MailError(raw.id, raw.path, "not-mime", f"not an e-mail message: no header block (starts {first!r})")
    headers, issues = read_headers(message)
    issues.extend(structural_issues(message))
    body, body_type = _body(message)
    text, used, declared = "", None, None
    if body is None:
        issues.append(MailIssue("warning", "no-body", "no text/html or text/plain part to render"))
    else:
        number = next((n for n, part in walk(message) if part is body), "1")
        data, part_issues = transfer_decode(body, number)
        issues.extend(part_issues)
        declared = body.get_content_charset()
        if declared is None and body_type == "text/html":
            declared = meta_charset(data)
        text, used, charset_issues = decode_text(data, declared, part=number)
        issues.extend(charset_issues)
        if body_type == "text/plain":
            text = plain_to_html(text)
            issues.append(MailIssue("info", "text-only",
                                    "no HTML part: the text/plain part is rendered as preformatted text", number))
    inline, attachments, part_issues = collect_parts(message, body)
    issues.extend(part_issues)
    return Mail(raw.id, raw.path, raw.source, len(raw.data), headers, text, body_type if body else "none",
                used, declared, tuple(inline), tuple(attachments), tuple(issues))


def parse_message(raw: RawMessage) -> Mail | MailError:
    """Parse one message; a message that cannot be read at all comes back as a MailError, never an exception."""
    try:
        return _parse(raw)
    except Exception as exc:  # the batch must go on past a parser bug; the item names what failed
        return MailError(raw.id, raw.path, "parse-failed", f"could not parse: {type(exc).__name__}: {exc}")


def read_mail(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
              ) -> Iterator[Mail | MailError]:
    """Every message under `path`, parsed, one at a time (see sources.iter_messages for what is read)."""
    items = iter_messages(path, max_bytes=max_bytes)  # raises MailInputError now, not at the first next()
    return (item if isinstance(item, MailError) else parse_message(item) for item in items)
