"""The HTML report's pure view builders: checks (pass / fail / not checked), the verdict, timeline geometry,
cookie lifetimes against the 13-month benchmark, trackers per page, decoded parameters and screenshots."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import pytest

from pixelaudit.report import html_evidence, html_pages, html_summary, html_timeline, html_vendors
from pixelaudit.report.html_cookies import DAY, cookie_row, lifetime, over_benchmark

SAMPLE = pathlib.Path(__file__).parent.parent / "data" / "sample-findings.json"
SCANNED = dt.datetime(2026, 3, 2, 10, 15, 12, tzinfo=dt.UTC)


def site(scenarios=("no-interaction", "reject", "accept", "gpc"), findings=(), **extra) -> dict:
    return {"scenarios": list(scenarios), "pages": [{"url": "https://shop.example/", "scenario": s} for s in scenarios],
            "consent": {"reject_clicked": True, "accept_clicked": True}, "findings": list(findings),
            "options": {"fail_on": "high"}, "complete": True, **extra}


def finding(ftype: str, severity: str = "high", scenario: str = "no-interaction", vendor: str = "Meta") -> dict:
    return {"type": ftype, "severity": severity, "scenario": scenario, "vendor": vendor, "host": "www.facebook.com"}


def status(rows: list[html_summary.Check]) -> dict[str, str]:
    return {row.types[0]: row.status for row in rows}


def test_every_check_passes_when_everything_ran_and_nothing_was_found():
    rows = html_summary.checks(site(tcf=[{"scenario": "reject"}]))

    assert status(rows) == {"tracker-before-consent": "pass", "cookie-before-consent": "pass",
                            "tracker-after-reject": "pass", "no-consent-banner": "pass", "gpc-ignored": "pass",
                            "tcf-consent-before-choice": "pass", "tracking-pixel": "info"}
    assert rows[0].check == "No tracking before the visitor chooses"
    assert "ePrivacy Directive art. 5(3)" in rows[0].rule
    assert "Global Privacy Control" in rows[4].rule and "CCPA" in rows[4].rule


def test_checks_the_scan_could_not_run_are_not_checked_with_the_reason():
    rows = {row.types[0]: row for row in html_summary.checks(site(scenarios=("no-interaction",)))}

    assert rows["tracker-before-consent"].status == "pass"
    assert (rows["tracker-after-reject"].status, rows["tracker-after-reject"].note) == (
        "not checked", "the reject scenario was not run")
    assert rows["gpc-ignored"].status == "not checked"
    assert rows["no-consent-banner"].status == "not checked"
    assert rows["tcf-consent-before-choice"].note == "no IAB TCF consent platform answered on the page"


def test_an_unclicked_reject_button_is_not_a_pass():
    result = site(scenarios=("reject",))
    result["consent"]["reject_clicked"] = False

    rows = {row.types[0]: row for row in html_summary.checks(result)}
    assert rows["tracker-after-reject"].note == "the reject button could not be clicked"


def test_no_page_loaded_means_nothing_was_checked():
    result = {**site(), "pages": []}

    assert set(status(html_summary.checks(result)).values()) == {"not checked", "info"}


def test_failing_checks_name_scenarios_and_vendors_and_an_unknown_type_gets_its_own_row():
    findings = [finding("tracker-before-consent"), finding("tracker-before-consent", scenario="gpc", vendor="GA"),
                finding("gpc-ignored", scenario="gpc", vendor="GA"), finding("tracking-pixel", "info"),
                finding("cookie-before-consent", "info"), finding("brand-new-type", "medium")]
    rows = {row.types[0]: row for row in html_summary.checks(site(findings=findings))}

    before = rows["tracker-before-consent"]
    assert (before.status, before.count, before.scenarios, before.vendors) == (
        "fail", 2, ("no-interaction", "gpc"), ("Meta", "GA"))
    assert rows["gpc-ignored"].status == "fail"
    assert rows["cookie-before-consent"].status == "pass"  # an info finding does not fail a check
    assert (rows["tracking-pixel"].status, rows["tracking-pixel"].note) == ("info", "1 found")
    assert rows["brand-new-type"].status == "fail"
    assert rows["brand-new-type"].check == "Brand new type"


@pytest.mark.parametrize(("severities", "fail_on", "complete", "expected"), [
    (["high", "low"], "high", True, ("fail", 1, 1)),
    (["medium", "low", "info"], "high", True, ("pass", 0, 2)),
    (["medium"], "medium", True, ("fail", 1, 0)),
    (["high"], "none", True, ("pass", 0, 1)),
    (["high"], "high", False, ("incomplete", 1, 0)),
    ([], "bogus", True, ("pass", 0, 0)),
])
def test_verdict_follows_the_exit_code(severities, fail_on, complete, expected):
    result = site(findings=[finding("tracker-before-consent", s) for s in severities], complete=complete)
    result["options"]["fail_on"] = fail_on
    verdict = html_summary.verdict(result, html_summary.checks(result))

    assert (verdict.status, verdict.violations, verdict.below) == expected


@pytest.mark.parametrize(("span", "step"), [(0, 20), (250, 50), (1676, 500), (9000, 2000), (67279, 10000)])
def test_nice_step(span, step):
    assert html_timeline.nice_step(span) == step


def request(t: float, vendor: str | None = "Meta", before: bool = True, party: str = "third", **extra) -> dict:
    return {"url": f"https://t.example/p?t={t}", "method": "GET", "scenario": "reject", "time_ms": t,
            "before_consent": before, "party": party, "tracker": {"vendor": vendor} if vendor else None, **extra}


def test_timeline_geometry_rows_marks_ticks_and_the_click():
    result = {"scenarios": ["reject"], "consent": {"clicks": [
        {"scenario": "reject", "clicked": True, "time_ms": 1000, "action": "reject"}]},
        "requests": [request(0, resource_type="document", frame="main", party="first", vendor=None),
                     request(200), request(1500, before=False), request(300, vendor="GA"),
                     request(400, vendor=None), request(100, vendor=None, party="first"),
                     request(1800, resource_type="document", frame="main", party="first", vendor=None)]}
    (lane,) = html_timeline.lanes(result)

    # rows in order of first appearance; the first-party request without a tracker is not drawn
    assert [name for name, _ in lane.rows] == ["Meta", "GA", html_timeline.OTHER_THIRD]
    assert [y for _, y in lane.rows] == [41.0, 63.0, 85.0]
    left, plot = html_timeline.LEFT, html_timeline.WIDTH - html_timeline.LEFT - html_timeline.RIGHT
    assert [t for t in lane.ticks] == [(left + plot * ms / 2000, f"{ms:,} ms") for ms in (0, 500, 1000, 1500, 2000)]
    meta = [m for m in lane.marks if m.y == 41.0]
    assert [(m.x, m.before) for m in meta] == [(left + plot * 0.1, True), (left + plot * 0.75, False)]
    assert "https://t.example/p?t=200" in meta[0].title and "before consent" in meta[0].title
    assert lane.click == (left + plot * 0.5, "reject clicked at 1,000 ms")
    assert lane.page_lines == ((left + plot * 0.9, "https://t.example/p?t=1800"),)  # the second page's start
    assert lane.axis_y == html_timeline.TOP + 3 * html_timeline.ROW_H + 6
    assert lane.height == lane.axis_y + html_timeline.AXIS_H


def test_timeline_skips_scenarios_without_third_parties_and_folds_many_vendors():
    many = [request(10 * i, vendor=f"V{i:02d}") for i in range(13)]
    first_party = {**request(5, vendor=None, party="first"), "scenario": "no-interaction"}
    result = {"scenarios": ["no-interaction", "reject"], "requests": [*many, first_party]}
    (lane,) = html_timeline.lanes(result)

    names = [name for name, _ in lane.rows]
    assert names[:10] == [f"V{i:02d}" for i in range(10)] and names[10:] == [html_timeline.OTHER_TRACKERS]
    assert len(lane.marks) == 13 and lane.click is None


def test_spec_minimal_results_have_a_timeline_without_clicks():
    result = json.loads(SAMPLE.read_text())
    lanes = html_timeline.lanes(result)

    assert [lane.scenario for lane in lanes] == ["no-interaction"]
    assert {m.before for m in lanes[0].marks} == {True}


@pytest.mark.parametrize(("days", "words", "flagged"), [
    (None, "session", False), (0.5, "12 hours", False), (30, "30 days", False), (90, "3 months", False),
    (395, "13 months (395 days)", False), (396.5, "13 months (396 days)", False),
    (400, "13 months (400 days)", True), (730, "2 years", True),
])
def test_cookie_lifetime_words_and_the_13_month_flag(days, words, flagged):
    expires = None if days is None else SCANNED.timestamp() + days * DAY
    assert lifetime(expires, SCANNED) == words
    assert over_benchmark(expires, SCANNED) is flagged
    assert cookie_row({"expires": expires}, SCANNED)["too_long"] is flagged


def test_cookie_without_a_scan_time_shows_its_expiry_date_and_is_not_flagged():
    expires = SCANNED.timestamp() + 800 * DAY
    assert lifetime(expires, None) == "until 2028-05-10 10:15:12 UTC"
    assert not over_benchmark(expires, None)


def crawl_result(pages: int) -> dict:
    urls = [f"https://shop.example/product/{i}" for i in range(pages)]
    requests = [{"scenario": "no-interaction", "page_url": url, "before_consent": True,
                 "tracker": {"vendor": "GA", "category": "analytics"}} for url in urls[::2]]
    requests += [{"scenario": "no-interaction", "page_url": urls[1], "before_consent": True, "host": "px.example",
                  "tracker": None, "pixel": {"width": 1, "height": 1}},
                 {"scenario": "no-interaction", "page_url": urls[1],
                  "tracker": {"vendor": "CMP", "category": "consent"}},
                 {"scenario": "no-interaction", "page_url": "https://shop.example/", "before_consent": False,
                  "tracker": {"vendor": "Meta", "category": "advertising"}}]
    return {"scenarios": ["no-interaction"], "requests": requests,
            "pages": [{"url": "https://shop.example/", "scenario": "no-interaction"}]
            + [{"url": u, "scenario": "no-interaction"} for u in urls]}


def test_trackers_per_page_for_a_crawl():
    result = crawl_result(200)
    assert html_pages.is_crawl(result) and not html_pages.is_crawl(site())
    (view,) = html_pages.trackers_per_page(result)

    assert (view["scenario"], view["pages"], view["clean"]) == ("no-interaction", 201, 99)
    vendors = {v["vendor"]: v for v in view["vendors"]}
    assert list(vendors) == ["GA", "Meta", "px.example (pixel, no known vendor)"]  # widest spread first
    assert len(vendors["GA"]["pages"]) == 100 and vendors["GA"]["before"] == 100
    assert (vendors["Meta"]["pages"], vendors["Meta"]["after"]) == (["https://shop.example/"], 1)
    groups = {g["name"]: g for g in view["groups"]}
    assert list(groups) == ["shop.example/", "shop.example/product"]
    assert len(groups["shop.example/product"]["pages"]) == 101 and not groups["shop.example/product"]["open"]
    assert groups["shop.example/"]["open"]
    second = groups["shop.example/product"]["pages"][1]
    assert second["url"].endswith("/product/1")
    assert [v["vendor"] for v in second["vendors"]] == ["px.example (pixel, no known vendor)"]  # consent: not tracking


def test_query_parameters_are_decoded_and_cut():
    url = ("https://www.facebook.com/tr?id=123&ev=PageView&cd[value]=129.00&dl=https%3A%2F%2Fshop.example%2F&e="
           + "x" * 400)
    params = html_evidence.query_params(url)

    assert params[:4] == [("id", "123"), ("ev", "PageView"), ("cd[value]", "129.00"), ("dl", "https://shop.example/")]
    assert params[4][1].endswith("…") and len(params[4][1]) == html_evidence.MAX_VALUE + 1
    assert html_evidence.query_params(None) == [] and html_evidence.query_params("https://a.example/") == []


def test_violations_resolve_evidence_worst_first_and_skip_info():
    result = json.loads(SAMPLE.read_text())
    cards = html_evidence.violations(result)

    assert [c["finding"]["severity"] for c in cards] == ["high", "high", "medium"]
    first = cards[0]
    assert first["url"] == "https://www.facebook.com/tr?id=123&ev=PageView&noscript=1"
    assert ("ev", "PageView") in first["params"]
    assert first["pages"] == [first["request"]["page_url"]]
    assert ("Frame", "main") in first["initiator"]
    assert cards[2]["cookie"]["name"] == "fr" and ("Set by", "header") in cards[2]["initiator"]


def test_page_screenshots_are_inlined_only_from_inside_the_output_folder(tmp_path):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "p.png").write_bytes(b"\x89PNG fake")
    (tmp_path.parent / "outside.png").write_bytes(b"\x89PNG outside")
    page = "https://shop.example/"
    result = {"pages": [{"url": page, "scenario": "reject", "screenshot": "evidence/p.png"},
                        {"url": page, "scenario": "accept", "screenshot": "../outside.png"}]}
    cards = [{"finding": {"scenario": s}, "pages": [page]} for s in ("reject", "accept", "reject")]
    figures = html_evidence.page_figures(result, cards, tmp_path)

    assert [f["number"] for f in figures] == [1]
    assert figures[0]["image"].startswith("data:image/png;base64,")
    assert [c["figures"] for c in cards] == [[1], [], [1]]
    assert html_evidence.page_figures(result, cards, None) == []


def test_vendors_by_category_most_intrusive_first():
    groups = html_vendors.group_trackers([
        {"tracker": {"vendor": "GA", "category": "analytics"}},
        {"tracker": {"vendor": "Meta", "category": "advertising"}},
        {"tracker": {"vendor": "Odd", "category": "brand-new"}}, {"tracker": {"vendor": "X"}}])
    by = html_vendors.vendors_by_category(groups)

    assert [(c["category"], [v["vendor"] for v in c["vendors"]]) for c in by] == [
        ("advertising", ["Meta"]), ("analytics", ["GA"]), ("unknown", ["X"]), ("brand-new", ["Odd"])]
