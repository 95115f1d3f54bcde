"""The report's consent view: the scenario matrix and inlined banner screenshots."""

from __future__ import annotations

from pathlib import Path

from pixelaudit.report.html import render
from pixelaudit.report.html_consent import clicks, scenario_matrix

PAGE1, PAGE2 = "https://shop.example/", "https://shop.example/next"


def req(scenario: str, before: bool, page: str, vendor: str | None = "Meta Pixel", category: str = "advertising",
        host: str = "www.facebook.com") -> dict:
    tracker = {"vendor": vendor, "category": category} if category else None
    return {"scenario": scenario, "before_consent": before, "page_url": page, "host": host, "tracker": tracker,
            "pixel": None}


def test_matrix_counts_before_and_after_per_scenario_and_page() -> None:
    result = {"scenarios": ["no-interaction", "reject"],
              "pages": [{"scenario": "no-interaction", "url": PAGE1}, {"scenario": "reject", "url": PAGE1},
                        {"scenario": "reject", "url": PAGE2}],
              "requests": [req("no-interaction", True, PAGE1), req("reject", True, PAGE1),
                           req("reject", False, PAGE2), req("reject", False, PAGE2),
                           req("reject", False, PAGE2, vendor="Google Fonts", category="functional"),
                           req("reject", True, PAGE1, vendor=None, category="unknown", host="t.new.example")]}
    matrix = scenario_matrix(result)
    assert matrix["scenarios"] == ["no-interaction", "reject"]
    rows = {row["name"]: row["cells"] for row in matrix["rows"]}
    assert set(rows) == {"Meta Pixel", "t.new.example (unnamed)"}  # functional services are not tracking
    assert rows["Meta Pixel"] == [{"before": 1, "after": 0, "pages": [1]}, {"before": 1, "after": 2, "pages": [1, 2]}]
    assert rows["t.new.example (unnamed)"][0] is None


def test_banner_screenshot_is_inlined_only_from_beside_the_report(tmp_path: Path) -> None:
    (tmp_path / "banner-reject.png").write_bytes(b"\x89PNG fake")
    result = {"consent": {"clicks": [
        {"scenario": "reject", "screenshot": "banner-reject.png", "clicked": True},
        {"scenario": "accept", "screenshot": "../../etc/passwd", "clicked": True},
    ]}}
    shown = clicks(result, tmp_path)
    assert shown[0]["image"].startswith("data:image/png;base64,")
    assert shown[1]["image"] is None  # never reads outside the output folder
    html = render({**result, "scenarios": ["reject"]}, tmp_path)
    assert "data:image/png;base64," in html and "Scenario matrix" in html


def test_provenance_consent_row_leaves_the_clicks_to_their_section(tmp_path: Path) -> None:
    result = {"scenarios": ["reject"], "consent": {"banner_found": True, "cmp": None, "reject_clicked": True,
                                                   "accept_clicked": None, "clicks": [{"scenario": "reject"}]}}
    html = render(result, tmp_path)
    row = html[html.index("<dt>Consent</dt>"):].split("</dd>", 1)[0]
    assert "reject_clicked: yes" in row and "clicks" not in row
