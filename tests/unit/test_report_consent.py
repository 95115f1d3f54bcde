"""The report's consent view: the scenario matrix, inlined banner screenshots and Google Consent Mode."""

from __future__ import annotations

from pathlib import Path

from pixelaudit.consentmode import read_hit
from pixelaudit.report.html import render
from pixelaudit.report.html_consent import clicks, consent_mode, scenario_matrix, tcf_rows

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


# --- Google Consent Mode --------------------------------------------------------------------------------

GA = {"vendor": "Google Analytics", "category": "analytics", "company": "Google LLC"}
COLLECT = "https://region1.google-analytics.com/g/collect?v=2&tid=G-1"


def hit(scenario: str, before: bool, query: str, tracker: dict | None = None, time_ms: float = 100.0,
        stored: bool = True) -> dict:
    """A findings.json request; `stored` False mimics a file written before requests had consent_mode."""
    url = f"{COLLECT}&{query}"
    request = {"scenario": scenario, "before_consent": before, "page_url": PAGE1, "host": "x", "url": url,
               "tracker": tracker or GA, "pixel": None, "time_ms": time_ms}
    if stored:
        request["consent_mode"] = read_hit(url) if (tracker or GA).get("company") == "Google LLC" else None
    return request


def test_consent_mode_rows_per_scenario_and_moment_with_verdicts() -> None:
    result = {"scenarios": ["no-interaction", "reject", "accept"], "requests": [
        hit("accept", True, "gcs=G100&gcd=13p3p3p2p5l1", time_ms=50.0),
        hit("accept", False, "gcs=G111&gcd=13r3r3r2r5l1", time_ms=900.0),
        hit("no-interaction", True, "gcs=G100&gcd=13p3p3p2p5l1", time_ms=40.0),
        hit("no-interaction", True, "gcs=G100&gcd=13p3p3p2p5l1", time_ms=60.0),
        hit("reject", False, "gcs=G111&gcd=13t3t3t2t5l1", time_ms=700.0),
        hit("reject", True, "gcd=13l3l3l3l1l1", time_ms=30.0),
        hit("reject", True, "gcs=G100", tracker={"vendor": "Meta Pixel", "category": "advertising"}),
    ]}
    rows = consent_mode(result)
    assert [(r["scenario"], r["moment"], r["tag"], r["gcs"], r["gcd"], r["state"], r["verdict"], r["severity"],
             r["hits"], r["first_ms"]) for r in rows] == [
        ("no-interaction", "before", "Google Analytics", "G100", "13p3p3p2p5l1", "denied", "cookieless ping",
         "low", 2, 40.0),
        ("reject", "before", "Google Analytics", None, "13l3l3l3l1l1", "none", "no consent state before the choice",
         "high", 1, 30.0),
        ("reject", "after", "Google Analytics", "G111", "13t3t3t2t5l1", "granted", "granted after reject",
         "high", 1, 700.0),
        ("accept", "before", "Google Analytics", "G100", "13p3p3p2p5l1", "denied", "cookieless ping", "low", 1, 50.0),
        ("accept", "after", "Google Analytics", "G111", "13r3r3r2r5l1", "granted", "granted", "info", 1, 900.0),
    ]  # the Meta request carrying gcs is no Google hit
    assert rows[4]["signals"] == [
        {"name": name, "state": "granted", "gcd": "r: default denied, update granted"}
        for name in ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")]
    assert rows[1]["signals"][0] == {"name": "ad_storage", "state": "unset", "gcd": "l: default unset, update unset"}


def test_consent_mode_rows_granted_v2_signal_unknown_letter_and_older_files() -> None:
    result = {"scenarios": ["no-interaction"], "requests": [
        hit("no-interaction", True, "gcs=G100&gcd=13p3p3t2p5l1"),
        hit("no-interaction", True, "gcd=13e3p3p2p1", stored=False),  # decoded from the URL
        {**hit("no-interaction", True, "gcs=G100"), "consent_mode": "garbage"},  # malformed: skipped
        hit("no-interaction", True, "gcd=garbage"),
    ]}
    rows = {r["gcd"]: r for r in consent_mode(result)}
    assert set(rows) == {"13p3p3t2p5l1", "13e3p3p2p1", "garbage"}
    granted = rows["13p3p3t2p5l1"]
    assert (granted["state"], granted["verdict"], granted["severity"]) == ("granted", "granted before the choice",
                                                                           "high")
    assert [s["state"] for s in granted["signals"]] == ["denied", "denied", "granted", "denied"]
    unknown = rows["13e3p3p2p1"]
    assert (unknown["state"], unknown["severity"]) == ("none", "high")
    assert unknown["signals"][0] == {"name": "ad_storage", "state": "unknown",
                                     "gcd": "e: default unknown, update unknown"}
    garbage = rows["garbage"]
    assert (garbage["state"], garbage["signals"][0]) == ("none", {"name": "ad_storage", "state": None, "gcd": None})


def test_report_shows_the_decoded_consent_mode(tmp_path: Path) -> None:
    result = {"scenarios": ["no-interaction", "accept"], "requests": [
        hit("no-interaction", True, "gcs=G100&gcd=13p3p3p2p5l1"),
        hit("accept", False, "gcs=G111&gcd=13r3r3r2r5l1"),
    ]}
    html = render(result, tmp_path)
    block = html[html.index('<h3 id="consent-mode">'):html.index("</section>", html.index('id="consent-mode"'))]
    assert "13p3p3p2p5l1" in block and "13r3r3r2r5l1" in block and "G100" in block
    assert "cookieless ping" in block and '<span class="badge sev-low">low</span>' in block
    assert "p: default denied, update unset" in block and "r: default denied, update granted" in block
    assert "simoahava.com/analytics/consent-mode-v2-google-tags" in block
    empty = render({"scenarios": ["reject"], "requests": [req("reject", True, PAGE1)]}, tmp_path)
    assert "No Google hit carried gcs or gcd." in empty


def test_tcf_states_are_shown_with_their_verdicts(tmp_path: Path) -> None:
    granted = {"cmp_id": 301, "policy_version": 4, "purposes_consent": [1, 2, 3], "vendors_consent_count": 2,
               "vendors_consent": [1, 755]}
    empty = {"cmp_id": 301, "policy_version": 4, "purposes_consent": [], "vendors_consent_count": 0,
             "vendors_consent": []}
    result = {"kind": "site", "target": "https://tcf.example/", "scenarios": ["reject", "accept"], "requests": [],
              "findings": [], "tcf": [
                  {"scenario": "reject", "moment": "before-choice", "cmp_id": 301, "via": "__tcfapi",
                   "event_status": "cmpuishown", "tc_string": "CQ<script>x", "decoded": granted},
                  {"scenario": "reject", "moment": "after-choice", "cmp_id": 301, "via": "__tcfapi",
                   "event_status": "useractioncomplete", "tc_string": "CQempty", "decoded": empty},
                  {"scenario": "accept", "moment": "after-choice", "cmp_id": 301, "via": "postMessage",
                   "event_status": "useractioncomplete", "tc_string": "CQall", "decoded": granted}]}
    rows = tcf_rows(result)
    assert [(r["scenario"], r["moment"], r["verdict"], r["severity"]) for r in rows] == [
        ("reject", "before", "consent before the visitor acted", "high"),
        ("reject", "after", "as chosen", None),
        ("accept", "after", "as chosen", None)]
    assert rows[0]["purposes"] == [1, 2, 3] and rows[0]["vendors"] == [1, 755] and rows[2]["via"] == "postMessage"
    page = render(result, tmp_path)
    assert 'id="tcf"' in page and "consent before the visitor acted" in page
    assert "CQ&lt;script&gt;x" in page and "<script>x" not in page
