"""Read an mbox file one message at a time, in constant memory.

mailbox.mbox first scans the whole file into a table of offsets, then seeks back for each message; this
reader makes one forward pass and holds one message at a time (none at all for a message over the size
limit). It splits exactly where mailbox.mbox does: at every line starting with "From ", dropping the
blank line before it. ">From " quoting is left as written, as mailbox.mbox leaves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pixelaudit.mail.model import MailError, RawMessage

_CHUNK = 1 << 16  # longest piece of a line read at once: a huge line without newlines stays bounded


def size_text(size: int) -> str:
    """A byte count for messages: "812 bytes", "4.9 KiB", "3.0 MiB"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 2**20:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 2**20:.1f} MiB"


def _finish(path: Path, index: int, lines: list[bytes], size: int, max_bytes: int) -> RawMessage | MailError:
    item_id = f"{path}#{index}"
    if size > max_bytes:
        return MailError(item_id, str(path), "too-large",
                         f"message is {size_text(size)}, over the {size_text(max_bytes)} limit; skipped")
    if lines and lines[-1] == b"\n":
        lines.pop()  # the blank line that separates it from the next "From " line
    data = b"".join(lines)
    if not data.strip():
        return MailError(item_id, str(path), "empty", "empty message")
    return RawMessage(item_id, str(path), "mbox", data, index)


def read_mbox(path: Path, max_bytes: int) -> Iterator[RawMessage | MailError]:
    """The messages of one mbox file in order; ids are "<path>#<n>" counting from 1."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield MailError(str(path), str(path), "unreadable", f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        index = 0
        lines: list[bytes] = []
        size = 0
        at_line_start = True
        started = False
        while piece := handle.readline(_CHUNK):
            if at_line_start and piece.startswith(b"From "):
                if started:
                    yield _finish(path, index, lines, size, max_bytes)
                started, index, lines, size = True, index + 1, [], 0
            elif not started:
                if piece.strip():
                    yield MailError(str(path), str(path), "not-mbox",
                                    "not an mbox file: it does not start with a 'From ' line")
                    return
            else:
                size += len(piece)
                if size <= max_bytes:
                    lines.append(piece)
                elif lines:
                    lines = []  # over the limit: keep counting, stop holding
            at_line_start = piece.endswith(b"\n")
        if started:
            yield _finish(path, index, lines, size, max_bytes)
