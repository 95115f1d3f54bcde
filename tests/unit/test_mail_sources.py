"""Unit tests for pixelaudit.mail.sources and .mbox: what is read, in what order, under which id, in what memory."""

from __future__ import annotations

import inspect
import mailbox
import tracemalloc
from pathlib import Path

import pytest

from pixelaudit.mail import MailError, MailInputError, RawMessage, iter_messages, read_mail
from pixelaudit.mail.mbox import read_mbox

DATA = Path(__file__).parent.parent / "data" / "email"
SMALL = b"From: a@shop.example\nTo: jane.doe@example.com\nSubject: s\n\nhello\n"


def ids(items) -> list[str]:
    return [item.id for item in items]


def message(n: int, body_bytes: int = 0) -> bytes:
    return (f"From: shop{n}@shop.example\nTo: jane.doe@example.com\nSubject: Offer {n}\n"
            f"Message-ID: <{n}@shop.example>\nContent-Type: text/html; charset=utf-8\n\n"
            f"<p>offer {n}</p>{'x' * body_bytes}\n").encode()


def write_mbox(path: Path, messages: list[bytes]) -> Path:
    with path.open("wb") as out:
        for i, msg in enumerate(messages):
            out.write(f"From sender{i}@shop.example Mon May 20 10:00:00 2024\n".encode())
            out.write(msg + b"\n")
    return path


def test_fixture_folder_is_read_recursively_in_sorted_order():
    items = list(iter_messages(DATA))
    assert all(isinstance(item, RawMessage) for item in items)  # bad/mixed.mbox#3 is judged by the parser
    root = str(DATA)
    assert ids(items) == [f"{root}/{name}" for name in (
        "bad/mixed.mbox#1", "bad/mixed.mbox#2", "bad/mixed.mbox#3", "bad/mixed.mbox#4",
        "bad/not-mime.eml", "bad/truncated-base64.eml", "bad/unknown-charset.eml",
        "cid-images.eml", "divider-620x1.eml", "hubspot-webinar.eml", "inhouse-hidden-pixel.eml",
        "klaviyo-abandoned-cart.eml", "litmus-tracked-newsletter.eml", "mailchimp-newsletter.eml",
        "mailgun-forum-digest.eml", "mandrill-order-receipt.eml", "plain-text-only.eml", "sendgrid-newsletter.eml",
        "ses-shipping-notice.eml", "sfmc-promo.eml", "spacer-images.eml", "sparkpost-workshops.html",
        "transactional-clean.eml")]  # README.md is not a message
    assert [item.source for item in items].count("html") == 1
    assert {item.source for item in items} == {"mbox", "eml", "html"}


def test_single_files_keep_their_path_as_id_and_their_bytes():
    path = DATA / "ses-shipping-notice.eml"
    (item,) = iter_messages(path)
    assert item == RawMessage(str(path), str(path), "eml", path.read_bytes())
    assert item.data.count(b"\r\n") == item.data.count(b"\n")  # CRLF kept as written
    (html,) = iter_messages(str(DATA / "sparkpost-workshops.html"))
    assert (html.source, html.index) == ("html", None)


def test_mbox_ids_count_from_one_and_bytes_match_the_stdlib_reader():
    path = DATA / "bad" / "mixed.mbox"
    items = list(iter_messages(path))
    assert ids(items) == [f"{path}#{n}" for n in (1, 2, 3, 4)]
    assert [item.index for item in items] == [1, 2, 3, 4]
    assert {item.source for item in items} == {"mbox"}
    reference = mailbox.mbox(path, create=False)
    assert [item.data for item in items] == [reference.get_bytes(key) for key in reference.iterkeys()]
    assert b"\n>From the rota" in items[1].data  # mboxo quoting left as written, like mailbox.mbox


def test_mbox_matches_the_stdlib_on_messages_with_and_without_separating_blank_lines(tmp_path):
    path = tmp_path / "odd.mbox"
    path.write_bytes(b"From a Mon May 20 10:00:00 2024\n" + SMALL + b"\n\n"
                     b"From b Mon May 20 10:00:01 2024\n" + SMALL +
                     b"From c Mon May 20 10:00:02 2024\n" + SMALL.rstrip(b"\n"))
    ours = [item.data for item in iter_messages(path)]
    reference = mailbox.mbox(path, create=False)
    assert ours == [reference.get_bytes(key) for key in reference.iterkeys()]
    assert ours == [SMALL + b"\n", SMALL, SMALL.rstrip(b"\n")]


def test_from_inside_a_long_line_does_not_split_the_message(tmp_path):
    # the reader takes lines in 64 KiB pieces: a piece starting "From " mid-line is not a separator
    long_line = b"x" * (1 << 16) + b"From the middle of a line\n"
    path = write_mbox(tmp_path / "long.mbox", [SMALL + long_line, SMALL])
    items = list(iter_messages(path))
    assert ids(items) == [f"{path}#1", f"{path}#2"]
    assert items[0].data == SMALL + long_line


def test_mbox_errors_are_items_and_the_batch_goes_on(tmp_path):
    path = tmp_path / "inbox.mbox"
    path.write_bytes(b"From a Mon May 20 10:00:00 2024\n" + SMALL + b"\n"
                     b"From b Mon May 20 10:00:01 2024\n\n"  # nothing but the separator line
                     b"From c Mon May 20 10:00:02 2024\n" + message(3, body_bytes=5000) + b"\n"
                     b"From d Mon May 20 10:00:03 2024\n" + SMALL)
    items = list(iter_messages(path, max_bytes=4096))
    assert items == [
        RawMessage(f"{path}#1", str(path), "mbox", SMALL, 1),
        MailError(f"{path}#2", str(path), "empty", "empty message"),
        MailError(f"{path}#3", str(path), "too-large", "message is 5.0 KiB, over the 4.0 KiB limit; skipped"),
        RawMessage(f"{path}#4", str(path), "mbox", SMALL, 4),
    ]


def test_a_file_named_mbox_that_is_not_one_is_one_error(tmp_path):
    path = tmp_path / "notes.mbox"
    path.write_bytes(b"\n\nSubject: not an mbox\n\nFrom here on it is text\n")
    assert list(iter_messages(path)) == [
        MailError(str(path), str(path), "not-mbox", "not an mbox file: it does not start with a 'From ' line")]
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    assert list(iter_messages(empty)) == []


def test_files_without_a_suffix_are_sniffed(tmp_path):
    write_mbox(tmp_path / "Inbox", [SMALL, SMALL])  # Thunderbird keeps mboxes without a suffix
    (tmp_path / "1700000000.M1P1.host").write_bytes(SMALL)
    assert ids(iter_messages(tmp_path / "Inbox")) == [f"{tmp_path}/Inbox#1", f"{tmp_path}/Inbox#2"]
    (item,) = iter_messages(tmp_path / "1700000000.M1P1.host")  # named on its own: one message
    assert item.source == "eml"
    # inside a folder only the mbox is taken: a suffix-less file that is not one is skipped
    assert ids(iter_messages(tmp_path)) == [f"{tmp_path}/Inbox#1", f"{tmp_path}/Inbox#2"]


def test_maildir_reads_cur_and_new_by_file_name_and_skips_tmp(tmp_path):
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "new" / "1716200000.M2P9.host").write_bytes(message(2))
    (box / "cur" / "1716100000.M1P9.host:2,S").write_bytes(message(1))
    (box / "cur" / "1716300000.M3P9.host:2,RS").write_bytes(message(3))
    (box / "tmp" / "1716400000.M4P9.host").write_bytes(b"From: half-delivered")
    (box / "cur" / ".hidden").write_bytes(message(9))
    sent = box / ".Sent"  # Maildir++ sub-folder: hidden name, still read
    for sub in ("cur", "new", "tmp"):
        (sent / sub).mkdir(parents=True)
    (sent / "cur" / "1716500000.M5P9.host:2,S").write_bytes(message(5))
    (box / ".git").mkdir()  # hidden, not a Maildir: skipped
    (box / ".git" / "x.eml").write_bytes(message(6))
    items = list(iter_messages(box))
    assert ids(items) == [f"{box}/cur/1716100000.M1P9.host:2,S", f"{box}/new/1716200000.M2P9.host",
                          f"{box}/cur/1716300000.M3P9.host:2,RS", f"{sent}/cur/1716500000.M5P9.host:2,S"]
    assert {item.source for item in items} == {"maildir"}
    assert [item.data for item in items] == [message(1), message(2), message(3), message(5)]


def test_folder_mixes_kinds_depth_first_and_skips_other_files(tmp_path):
    (tmp_path / "b.eml").write_bytes(message(1))
    (tmp_path / "a.htm").write_bytes(b"<p>hi</p>")
    (tmp_path / "notes.txt").write_bytes(SMALL)
    (tmp_path / ".hidden.eml").write_bytes(SMALL)
    (tmp_path / "c").mkdir()
    write_mbox(tmp_path / "c" / "archive.MBOX", [message(2), message(3)])
    (tmp_path / "c" / "README").write_bytes(b"not mail\n")
    (tmp_path / "aa").mkdir()
    (tmp_path / "aa" / "z.EML").write_bytes(message(4))
    assert ids(iter_messages(tmp_path)) == [f"{tmp_path}/a.htm", f"{tmp_path}/aa/z.EML", f"{tmp_path}/b.eml",
                                            f"{tmp_path}/c/archive.MBOX#1", f"{tmp_path}/c/archive.MBOX#2"]


def test_unreadable_and_oversized_files_are_error_items(tmp_path, monkeypatch):
    good, locked, big = tmp_path / "a.eml", tmp_path / "b.eml", tmp_path / "c.eml"
    good.write_bytes(SMALL)
    locked.write_bytes(SMALL)
    big.write_bytes(message(1, body_bytes=3 * 2**20))
    real_read = Path.read_bytes

    def read_bytes(self):
        if self.name == "b.eml":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert list(iter_messages(tmp_path, max_bytes=2**20)) == [
        RawMessage(str(good), str(good), "eml", SMALL),
        MailError(str(locked), str(locked), "unreadable", "cannot read: Permission denied"),
        MailError(str(big), str(big), "too-large", "message is 3.0 MiB, over the 1.0 MiB limit; skipped"),
    ]


def test_a_missing_path_fails_at_once_with_one_line(tmp_path):
    with pytest.raises(MailInputError, match=r"^.*/nowhere\.eml: no such file or folder$"):
        iter_messages(tmp_path / "nowhere.eml")
    with pytest.raises(MailInputError):
        read_mail(str(tmp_path / "nowhere"))  # before the first item is asked for


def test_iteration_is_lazy():
    assert inspect.isgenerator(iter_messages(DATA))
    assert inspect.isgenerator(iter_messages(DATA / "bad" / "mixed.mbox"))
    assert inspect.isgenerator(read_mail(str(DATA)))


def _peak_while_iterating(items) -> tuple[int, int]:
    tracemalloc.start()
    try:
        count = sum(1 for _ in items)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_mbox_streams_in_memory_flat_in_the_number_of_messages(tmp_path):
    body = 4000  # ~4 KB per message: 1,000 messages make a 4 MB mbox
    small = write_mbox(tmp_path / "small.mbox", [message(n, body) for n in range(100)])
    large = write_mbox(tmp_path / "large.mbox", [message(n, body) for n in range(1000)])
    assert large.stat().st_size > 4_000_000
    count_small, raw_small = _peak_while_iterating(read_mbox(small, 2**20))
    count_large, raw_large = _peak_while_iterating(read_mbox(large, 2**20))
    assert (count_small, count_large) == (100, 1000)
    assert raw_large < 256 * 1024  # one message at a time, never the file
    assert raw_large < raw_small * 1.5
    sum(1 for _ in read_mail(str(small)))  # first use loads the public suffix list (~6 MB, once per process)
    _, parsed_small = _peak_while_iterating(read_mail(str(small)))
    parsed_count, parsed_large = _peak_while_iterating(read_mail(str(large)))
    assert parsed_count == 1000
    assert parsed_large < 2**20
    assert parsed_large < parsed_small * 1.5
