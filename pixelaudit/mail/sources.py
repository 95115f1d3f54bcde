"""Where messages come from: a .eml file, an HTML body, an mbox, a Maildir, or a folder of these.

Items stream one at a time in a fixed order (sorted by name, depth first), so a batch of any size runs
in constant memory and two runs over the same tree name the same items the same way. A file that cannot
be read becomes a MailError item and the batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pixelaudit.mail.mbox import read_mbox, size_text
from pixelaudit.mail.model import MailError, RawMessage

DEFAULT_MAX_MESSAGE_BYTES = 64 * 2**20  # bigger messages are reported and skipped, never read whole
EML_SUFFIXES = frozenset({".eml"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
MBOX_SUFFIXES = frozenset({".mbox", ".mbx"})


class MailInputError(Exception):
    """The path given cannot be read as e-mail input at all (one line, for the CLI)."""


def is_maildir(path: Path) -> bool:
    """A Maildir has cur/ and new/ sub-folders (tmp/ holds deliveries in progress)."""
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _starts_with_from(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError:
        return False


def _kind(path: Path, *, explicit: bool) -> str | None:
    """How to read a file: by suffix; a file without one is an mbox when it starts with "From ".

    A file named on the command line with another suffix is read as one message; inside a folder it is skipped
    (folders hold indexes, pictures and notes too).
    """
    suffix = path.suffix.lower()
    if suffix in EML_SUFFIXES:
        return "eml"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MBOX_SUFFIXES:
        return "mbox"
    if _starts_with_from(path):
        return "mbox"
    if explicit:
        return "eml"
    return None


def _read_file(path: Path, source: str, max_bytes: int) -> RawMessage | MailError:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return MailError(str(path), str(path), "too-large",
                             f"message is {size_text(size)}, over the {size_text(max_bytes)} limit; skipped")
        data = path.read_bytes()
    except OSError as exc:
        return MailError(str(path), str(path), "unreadable", f"cannot read: {exc.strerror or exc}")
    return RawMessage(str(path), str(path), source, data)


def _file_items(path: Path, kind: str, max_bytes: int) -> Iterator[RawMessage | MailError]:
    if kind == "mbox":
        yield from read_mbox(path, max_bytes)
    else:
        yield _read_file(path, kind, max_bytes)


def _sorted_entries(folder: Path) -> list[os.DirEntry[str]] | MailError:
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        return MailError(str(folder), str(folder), "unreadable", f"cannot list folder: {exc.strerror or exc}")


def _maildir_items(folder: Path, max_bytes: int) -> Iterator[RawMessage | MailError]:
    """Messages in cur/ and new/ ordered by file name (delivery time leads Maildir names); tmp/ is skipped."""
    names: list[tuple[str, Path]] = []
    for sub in ("cur", "new"):
        listing = _sorted_entries(folder / sub)
        if isinstance(listing, MailError):
            yield listing
            continue
        names.extend((e.name, Path(e.path)) for e in listing if not e.name.startswith(".") and e.is_file())
    for _name, path in sorted(names):
        yield _read_file(path, "maildir", max_bytes)


def _folder_items(folder: Path, max_bytes: int) -> Iterator[RawMessage | MailError]:
    if is_maildir(folder):
        yield from _maildir_items(folder, max_bytes)
    listing = _sorted_entries(folder)
    if isinstance(listing, MailError):
        yield listing
        return
    maildir = is_maildir(folder)
    for entry in listing:
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            if maildir and entry.name in ("cur", "new", "tmp"):
                continue
            # hidden folders are skipped, except Maildir++ sub-folders (".Sent", ".Archive")
            if not entry.name.startswith(".") or is_maildir(path):
                yield from _folder_items(path, max_bytes)
        elif entry.is_file() and not entry.name.startswith("."):
            kind = _kind(path, explicit=False)
            if kind is not None:
                yield from _file_items(path, kind, max_bytes)


def iter_messages(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
                  ) -> Iterator[RawMessage | MailError]:
    """Every message under `path`, one at a time; raises MailInputError at once when `path` does not exist."""
    root = Path(path)
    if not root.exists():
        raise MailInputError(f"{root}: no such file or folder")
    if root.is_dir():
        return _folder_items(root, max_bytes)
    return _file_items(root, _kind(root, explicit=True) or "eml", max_bytes)
