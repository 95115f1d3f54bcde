"""``pages.csv``: one row per (scenario, page) of a crawl, built with pandas from ``pages.jsonl`` as it is on disk.

The file is read a chunk of lines at a time and each chunk's rows are appended to the CSV, so a crawl of any
size needs the memory of one chunk: a page's requests are counted and dropped, never all held at once. A
line cut short by a kill is skipped, as ``pages.read_lines`` does for the site's result.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import pandas as pd

from pixelaudit.crawl.pages import read_lines
from pixelaudit.report.csv import neutralise

PAGES_TABLE = "pages.csv"
CHUNK_LINES = 200  # pages.jsonl lines per DataFrame; a line holds a page's requests, so keep it modest
PAGE_COLUMNS = ("scenario", "url", "depth", "status", "final_url", "errors", "new_cookies", "new_storage_writes")
COUNT_COLUMNS = ("requests", "third_party_requests", "tracker_vendors", "tracking_pixels",
                 "tracker_requests_before_consent", "tracker_cookies_before_consent")
COLUMNS = ("scenario", "url", "depth", "status", "final_url", "errors", "requests", "third_party_requests",
           "tracker_vendors", "tracking_pixels", "tracker_requests_before_consent",
           "tracker_cookies_before_consent", "new_cookies", "new_storage_writes")
# "before consent" counts trackers only: the shop's own page load or session cookie before a choice is no news
TEXT_COLUMNS = ("scenario", "url", "final_url", "tracker_vendors")  # the site's own strings: no formulas


def chunks(lines: Iterable[dict], size: int = CHUNK_LINES) -> Iterator[list[dict]]:
    """``lines`` in lists of at most ``size``."""
    it = iter(lines)
    while batch := list(islice(it, size)):
        yield batch


def page_frame(lines: list[dict]) -> pd.DataFrame:
    """One row per line, in file order: the page's own fields and the counts of its records."""
    pages = pd.DataFrame.from_records([
        (line["scenario"], line["url"], line["depth"], line["status"], line["final_url"], len(line["errors"]),
         len(line["cookies"]), len(line.get("storage") or ())) for line in lines], columns=list(PAGE_COLUMNS))
    requests = pd.DataFrame.from_records(
        [(row, r["party"] == "third", (r["tracker"] or {}).get("vendor"), r["pixel"] is not None,
          bool(r["before_consent"]) and r["tracker"] is not None) for row, line in enumerate(lines)
         for r in line["requests"]],
        columns=["row", "third", "vendor", "pixel", "before_consent"])
    cookies = pd.DataFrame.from_records(
        [(row, bool(c["before_consent"]) and c["tracker"] is not None) for row, line in enumerate(lines)
         for c in line["cookies"]],
        columns=["row", "before_consent"])
    by_page = requests.groupby("row")
    counts = pd.DataFrame({
        "requests": by_page.size(),
        "third_party_requests": by_page["third"].sum(),
        "tracker_vendors": by_page["vendor"].agg(lambda v: "; ".join(sorted(set(v.dropna())))),
        "tracking_pixels": by_page["pixel"].sum(),
        "tracker_requests_before_consent": by_page["before_consent"].sum(),
    }).reindex(pages.index)
    counts["tracker_cookies_before_consent"] = cookies.groupby("row")["before_consent"].sum().reindex(
        pages.index)
    table = pages.join(counts)
    numbers = [c for c in COUNT_COLUMNS if c != "tracker_vendors"]
    table[numbers] = table[numbers].fillna(0).astype("int64")
    table["tracker_vendors"] = table["tracker_vendors"].fillna("")
    table["status"] = table["status"].astype("Int64")  # null for a page that never answered, not 200.0
    for column in TEXT_COLUMNS:
        table[column] = table[column].map(neutralise)
    return table[list(COLUMNS)]


def page_tables(pages_file: Path, size: int = CHUNK_LINES) -> Iterator[pd.DataFrame]:
    """``page_frame`` of each chunk of the file's complete lines."""
    for batch in chunks(read_lines(pages_file), size):
        yield page_frame(batch)


def write_page_table(pages_file: Path, out: Path, size: int = CHUNK_LINES) -> Path:
    """Write ``out`` (pages.csv) from ``pages_file`` (pages.jsonl) chunk by chunk; a header only when the
    crawl recorded no page. Written beside and then renamed, so a kill never leaves half a table."""
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as file:
        header = True
        for frame in page_tables(pages_file, size):
            frame.to_csv(file, header=header, index=False)
            header = False
        if header:
            pd.DataFrame(columns=list(COLUMNS)).to_csv(file, index=False)
    tmp.replace(out)
    return out
