"""Turn body bytes into text: the declared charset, then UTF-8, then cp1252 with replacement.

Mail in the wild declares charsets that do not exist, that do not match the bytes, or none at all. A
mail client still shows something, so do we, and say what was guessed.
"""

from __future__ import annotations

import codecs
import re

from pixelaudit.mail.model import MailIssue

# Labels seen in mail that Python's codec registry does not know, mapped to the codec that reads them.
_ALIASES = {
    "iso-8859-8-i": "iso-8859-8",  # Hebrew, logical order: same bytes
    "iso-8859-6-i": "iso-8859-6",
    "x-mac-roman": "mac-roman",
    "ansi_x3.4-1968": "ascii",
    "unicode-1-1-utf-7": "utf-7",
    "x-sjis": "shift_jis",
    "ks_c_5601-1987": "cp949",  # what Outlook means by it
}
# Single-byte labels senders put on bodies that are really UTF-8 (the commonest mislabel in mail).
_LATIN_LABELS = frozenset({"ascii", "iso8859-1", "iso8859-15", "cp1252"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def codec_for(label: str) -> str | None:
    """Python's name for a charset label, or None when it is unknown or not a text encoding."""
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    # bytes-to-bytes codecs (base64, zlib, rot13...) are in the registry but are not charsets
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def meta_charset(head: bytes) -> str | None:
    """The charset an HTML document declares in <meta charset> or http-equiv, within its first 2 KiB."""
    match = _META_CHARSET.search(head[:2048])
    return match.group(1).decode("ascii") if match else None


def _is_utf8_not_ascii(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes, declared: str | None, *, part: str | None = None) -> tuple[str, str, list[MailIssue]]:
    """Decode a body: returns (text, codec used, issues). Never raises."""
    issues: list[MailIssue] = []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), codec, issues
    where = f"part {part}" if part else "the body"
    codec = codec_for(declared) if declared else None
    if declared and codec is None:
        text, used = _fallback(data)
        issues.append(MailIssue("warning", "charset-unknown",
                                f"{where} declares unknown charset {declared!r}; decoded as {used}", part))
        return text, used, issues
    if codec is not None:
        if codec in _LATIN_LABELS and _is_utf8_not_ascii(data):
            issues.append(MailIssue("warning", "charset-mismatch",
                                    f"{where} declares {declared!r} but is UTF-8; decoded as utf-8", part))
            return data.decode("utf-8"), "utf-8", issues
        try:
            return data.decode(codec), codec, issues
        except (UnicodeError, LookupError):  # LookupError: a codec that refuses bytes input
            text, used = _fallback(data)
            issues.append(MailIssue("warning", "charset-mismatch",
                                    f"{where} is not valid {declared!r}; decoded as {used}", part))
            return text, used, issues
    text, used = _fallback(data)
    if used != "utf-8":
        issues.append(MailIssue("warning", "charset-missing",
                                f"{where} declares no charset and is not UTF-8; decoded as {used}", part))
    return text, used, issues


def _fallback(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # cp1252 leaves 5 bytes undefined: those become U+FFFD rather than failing
        return data.decode("cp1252", errors="replace"), "cp1252"
