"""E-mail input: read messages from files, mailboxes and folders, and parse them for rendering and detection.

    for item in read_mail("inbox.mbox"):
        if isinstance(item, MailError): ...   # one line for the report; the batch goes on
        else: item.html, item.cid_map, item.headers.recipients, item.headers.from_addr.site ...

Named `mail`, not `email`, so that the standard library's `email` package stays importable.
"""

from pixelaudit.mail.model import (
    Attachment,
    DkimSignature,
    InlinePart,
    Mail,
    MailAddress,
    MailError,
    MailHeaders,
    MailIssue,
    RawMessage,
)
from pixelaudit.mail.parse import parse_message, read_mail
from pixelaudit.mail.sources import DEFAULT_MAX_MESSAGE_BYTES, MailInputError, iter_messages

__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "Attachment",
    "DkimSignature",
    "InlinePart",
    "Mail",
    "MailAddress",
    "MailError",
    "MailHeaders",
    "MailInputError",
    "MailIssue",
    "RawMessage",
    "iter_messages",
    "parse_message",
    "read_mail",
]
