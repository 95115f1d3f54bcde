"""The CSV export: files, stable columns, flattening, formula-injection guard, empty tables."""

from __future__ import annotations

import csv
import json
import pathlib

import pandas as pd
import pytest

from pixelaudit.report import csv as csv_report

SAMPLE = pathlib.Path(__file__).parent.parent / "data" / "sample-findings.json"


@pytest.fixture
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def read(path: pathlib.Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def header_and_rows(path: pathlib.Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_writes_three_files(sample, tmp_path):
    out_dir = tmp_path / "out"
    written = csv_report.write(sample, out_dir)

    assert written == [out_dir / "requests.csv", out_dir / "cookies.csv", out_dir / "findings.csv"]
    assert all(path.is_file() for path in written)


def test_columns_are_stable_and_flattened(sample, tmp_path):
    csv_report.write(sample, tmp_path)

    assert list(read(tmp_path / "requests.csv").columns) == list(csv_report.REQUEST_COLUMNS)
    assert list(read(tmp_path / "cookies.csv").columns) == list(csv_report.COOKIE_COLUMNS)
    assert list(read(tmp_path / "findings.csv").columns) == list(csv_report.FINDING_COLUMNS)
    for column in ("tracker.vendor", "tracker.category", "tracker.rule", "pixel.width", "pixel.height",
                   "pixel.bytes", "pixel.reasons", "redirect_chain"):
        assert column in csv_report.REQUEST_COLUMNS
    assert "tracker" not in csv_report.REQUEST_COLUMNS
    assert "pixel" not in csv_report.REQUEST_COLUMNS


def test_request_rows_flatten_tracker_pixel_and_redirects(sample, tmp_path):
    csv_report.write(sample, tmp_path)
    requests = read(tmp_path / "requests.csv")

    assert len(requests) == len(sample["requests"])
    pixel = requests[requests["url"] == "https://www.facebook.com/tr?id=123&ev=PageView&noscript=1"].iloc[0]
    assert (pixel["tracker.vendor"], pixel["tracker.category"], pixel["tracker.rule"]) == (
        "Meta", "advertising", "meta-pixel")
    assert (pixel["pixel.width"], pixel["pixel.height"], pixel["pixel.bytes"]) == ("1", "1", "43")
    assert pixel["pixel.reasons"] == "1×1 image; transparent GIF; tracker endpoint"
    assert pixel["status"] == "200"  # not 200.0
    document = requests.iloc[0]
    assert document["redirect_chain"] == "http://northwind-shop.com/ -> https://northwind-shop.com/"
    assert document["tracker.vendor"] == ""
    assert document["pixel.width"] == ""


def test_finding_evidence_is_compact_json(sample, tmp_path):
    csv_report.write(sample, tmp_path)
    findings = read(tmp_path / "findings.csv")

    assert findings["evidence"].tolist() == [
        '{"request_index":5}',
        '{"request_index":6}',
        '{"cookie_index":1,"request_index":5}',
        '{"request_index":5}',
    ]
    assert findings["severity"].tolist() == ["high", "high", "medium", "info"]


def test_formula_injection_is_neutralised(sample, tmp_path):
    csv_report.write(sample, tmp_path)
    cookies = read(tmp_path / "cookies.csv")

    hostile = cookies[cookies["name"] == '"><img src=x onerror=alert(1)>'].iloc[0]
    assert hostile["value"] == "'=HYPERLINK(\"x\")"
    assert cookies[cookies["name"] == "_fbp"].iloc[0]["value"] == "fb.1.1772446500655.1234567890"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_neutralise_prefixes_formula_starts(text):
    assert csv_report.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["https://a.example/", "fb.1.2", "", None, -1, 3.5, True])
def test_neutralise_leaves_other_values(value):
    assert csv_report.neutralise(value) == value


def test_negative_numbers_stay_numbers(tmp_path):
    csv_report.write({"cookies": [{"name": "a", "expires": -1}]}, tmp_path)

    assert read(tmp_path / "cookies.csv").iloc[0]["expires"] == "-1"


@pytest.mark.parametrize("result", [{"requests": [], "cookies": [], "findings": []}, {}])
def test_empty_lists_write_header_only_files(result, tmp_path):
    csv_report.write(result, tmp_path)

    for filename, columns in (("requests.csv", csv_report.REQUEST_COLUMNS),
                              ("cookies.csv", csv_report.COOKIE_COLUMNS),
                              ("findings.csv", csv_report.FINDING_COLUMNS)):
        assert header_and_rows(tmp_path / filename) == [list(columns)]
