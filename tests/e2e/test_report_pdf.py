"""`--pdf`: report.html printed through Chromium into report.pdf, from a real scan and from findings.json alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pypdf import PdfReader

from pixelaudit.report import writer

DATA = Path(__file__).parents[1] / "data"


def test_scan_with_pdf_writes_report_pdf(cli, tmp_path):
    out = tmp_path / "out"
    code, stdout, stderr, data = cli("scan", "https://leaky.consent-judge.com/", "--scenarios",
                                     "no-interaction,reject", "--pdf", "--out", str(out))

    assert code == 1, stderr  # the site tracks before consent
    assert data["findings"]
    pdf = (out / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 3  # summary, violations, vendors... on pages of their own
    assert f"wrote {out / 'report.pdf'}" in stdout
    assert (out / "report.html").is_file()
    # read by a PDF library, as a reader's viewer would: A4 pages whose text is the report's
    reader = PdfReader(out / "report.pdf")
    assert len(reader.pages) >= 3
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in pt
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Executive summary" in text and "leaky.consent-judge.com" in text
    assert all(f["vendor"] in text for f in data["findings"] if f["severity"] == "high" and f.get("vendor"))


def test_pdf_format_renders_from_findings_json_alone(tmp_path):
    result = json.loads((DATA / "crawl-findings.json").read_text(encoding="utf-8"))  # names no browser

    (path,) = writer("pdf")(result, tmp_path)

    assert path == tmp_path / "report.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"


def test_report_command_prints_pdf(cli, tmp_path):
    out = tmp_path / "rendered"
    sample = str(DATA / "sample-findings.json")
    code, stdout, stderr, _ = cli("report", sample, "--format", "html,pdf", "--out", str(out))

    assert code == 0, stderr
    assert (out / "report.pdf").read_bytes()[:5] == b"%PDF-"
    assert f"wrote {out / 'report.pdf'}" in stdout
