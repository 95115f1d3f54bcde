"""The site HTML report of the sample findings.json files, compared with golden files.

Regenerate after an intended change with PIXELAUDIT_UPDATE_GOLDEN=1 and review the diff. The stylesheet is
left out (normalised to a marker): the golden files pin what the report says, not how it is styled.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from pixelaudit.report import html

DATA = Path(__file__).parents[1] / "data"
GOLDEN = DATA / "golden"
SAMPLES = {"sample": "sample-findings.json", "crawl": "crawl-findings.json"}
STYLE = re.compile(r"<style>.*?</style>", re.S)


def normalise(page: str) -> str:
    """Everything but the stylesheet; the render itself has no volatile parts (no clock, no paths)."""
    return STYLE.sub("<style>/* report.css */</style>", page)


@pytest.mark.parametrize("sample", SAMPLES)
def test_golden_html(sample, tmp_path):
    result = json.loads((DATA / SAMPLES[sample]).read_text(encoding="utf-8"))
    got = normalise(html.render(result, tmp_path))  # an empty folder: no screenshots beside it
    path = GOLDEN / f"{sample}.report.html"
    if os.environ.get("PIXELAUDIT_UPDATE_GOLDEN"):
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), f"{path} differs (PIXELAUDIT_UPDATE_GOLDEN=1 regenerates it)"
    assert "<script" not in got and "<img" not in got  # the samples' hostile strings stay text


def test_render_is_deterministic(tmp_path):
    result = json.loads((DATA / SAMPLES["sample"]).read_text(encoding="utf-8"))
    assert html.render(result, tmp_path) == html.render(json.loads(json.dumps(result)), tmp_path)
