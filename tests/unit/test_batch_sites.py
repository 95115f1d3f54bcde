"""The batch's sites file, per-site output folders and index, without a browser."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pixelaudit.batch import BatchError, SiteRow, read_sites, run_dask, site_configs, write_index
from pixelaudit.config import ScanConfig


def test_sites_file_skips_comments_and_blank_lines(tmp_path):
    path = tmp_path / "sites.txt"
    path.write_text("# portfolio\n\nhttps://a.example/shop  # the shop\nb.example\n   \n")
    assert read_sites(path) == ["https://a.example/shop", "https://b.example/"]


@pytest.mark.parametrize(("text", "message"), [
    ("https://a.example/\nftp://b.example/\n", "sites.txt:2:"),
    ("# only comments\n\n", "no site URLs"),
])
def test_bad_sites_file_names_the_problem(tmp_path, text, message):
    path = tmp_path / "sites.txt"
    path.write_text(text)
    with pytest.raises(BatchError, match=message):
        read_sites(path)


def test_missing_sites_file(tmp_path):
    with pytest.raises(BatchError, match="cannot read"):
        read_sites(tmp_path / "nope.txt")


def test_each_site_gets_its_own_folder_even_on_the_same_host(tmp_path):
    template = ScanConfig(target="https://x.example/", out_dir=tmp_path)
    configs = site_configs(["https://a.example/", "https://a.example/blog", "http://b.example:8080/"], template)
    assert [c.out_dir for c in configs] == [tmp_path / "a.example", tmp_path / "a.example-2",
                                           tmp_path / "b.example_8080"]  # a port keeps sites apart
    assert [c.target for c in configs] == ["https://a.example/", "https://a.example/blog", "http://b.example:8080/"]


def test_index_json_and_csv_hold_one_row_per_site(tmp_path):
    rows = [SiteRow("https://a.example/", "/o/a.example", True, high=2, info=1),
            SiteRow("https://b.example/", "/o/b.example", False, error="https://b.example/ answered HTTP 503")]
    write_index(rows, tmp_path, datetime.now(UTC), {"scenarios": ["no-interaction"]})
    index = json.loads((tmp_path / "batch.json").read_text())
    assert index["sites"] == [r.as_dict() for r in rows] and index["options"] == {"scenarios": ["no-interaction"]}
    with (tmp_path / "batch.csv").open() as f:
        table = list(csv.DictReader(f))
    assert list(table[0]) == ["target", "out_dir", "complete", "high", "medium", "low", "info", "error"]
    assert [(r["target"], r["high"], r["error"]) for r in table] == [
        ("https://a.example/", "2", ""), ("https://b.example/", "0", "https://b.example/ answered HTTP 503")]


def test_unreachable_scheduler_is_a_one_line_error(tmp_path):
    pytest.importorskip("distributed")
    config = ScanConfig(target="https://a.example/", out_dir=Path(tmp_path))
    with pytest.raises(BatchError, match="cannot reach the Dask scheduler"):
        run_dask([config], "tcp://127.0.0.1:9", lambda _m: None, connect_timeout=2)
