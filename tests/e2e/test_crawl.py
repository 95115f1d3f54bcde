"""`pixelaudit crawl` on the crawl fixture shop (tests/sites/www.crawl-shop.com, its README.md is the oracle).

Two in-process crawls shared by the asserts (no-interaction, big limits, site scope, the crash page crashed
from a hook; reject only, --respect-robots, host scope, depth 1) and two tiny CLI crawls for determinism.
"""

from __future__ import annotations

import asyncio
import csv
import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from pixelaudit.config import ScanConfig, parse_resolve
from pixelaudit.crawl.run import PAGES_FILE, PAGES_TABLE, CrawlConfig, crawl_site, usable_cores
from pixelaudit.result import to_dict

W, B = "https://www.crawl-shop.com", "https://blog.crawl-shop.com"
CALENDAR = [f"{W}/events/calendar?month=2026-{m:02d}" for m in range(1, 11)]  # 10 = the per-path variant limit
SITEMAP_ONLY = f"{W}/campaign/b2b-uniforms"
THANK_YOU = f"{W}/checkout/thank-you"
PURCHASE = "https://www.facebook.com/tr?id=3141592653589&ev=Purchase&cd[value]=129.00&cd[currency]=EUR&noscript=1"
LINKEDIN = "https://px.ads.linkedin.com/collect/?pid=7654321&conversionId=1122334&fmt=gif"
BING = "https://bat.bing.com/action/0?ti=26012026&evt=pageLoad"
BLOG = {f"{B}/", f"{B}/posts/layering-guide", f"{B}/posts/boot-care", f"{B}/posts/autumn-hikes"}
# Every page reachable from W/ (README "Page map"), the redirect and the 404 included, plus the sitemap-only one
# and the calendar's months up to the variant limit.
ALL_PAGES = {
    f"{W}{p}" for p in (
        "/", "/category/jackets", "/category/boots", "/category/accessories", "/cart", "/account", "/about",
        "/events", "/help", "/legal/privacy", "/legal/terms", "/legal/cookies", "/legal/imprint", "/sale",
        "/product/rain-jacket", "/product/down-jacket", "/product/softshell-jacket", "/product/hiking-boots",
        "/product/trail-runners", "/product/wool-scarf", "/product/merino-beanie", "/product/discontinued-parka",
        "/checkout", "/account/orders", "/about/stores", "/about/careers", "/help/shipping", "/help/returns",
        "/help/live-chat", "/help/ar-try-on", "/checkout/thank-you", "/campaign/b2b-uniforms")
} | BLOG | set(CALENDAR)


async def crash_ar_page(page, url: str, _scenario: str) -> None:
    """The README's way to crash a renderer: the page's `crash` event fires, its context lives on."""
    if url == f"{W}/help/ar-try-on":
        try:
            await page.goto("chrome://crash", timeout=5000)
        except Exception:  # noqa: S110 - net::ERR_ABORTED is the expected answer
            pass


@pytest.fixture(scope="module")
def crawl(sites, chromium, ruleset, tmp_path_factory):
    """Run crawl_site in-process (a worker thread keeps its loop apart from pytest-playwright's)."""

    def run(scenarios: tuple[str, ...], **options) -> tuple[dict, list[dict]]:
        out = tmp_path_factory.mktemp("crawl")
        config = ScanConfig(target=f"{W}/", out_dir=out, resolve=(parse_resolve(sites.resolve),),
                            trust_certs=(sites.leaf_pem,), timeout=3.0, wait=1.0, scenarios=scenarios)
        job = crawl_site(CrawlConfig(config, **options), ruleset, chromium=chromium, after_load=crash_ar_page)
        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(asyncio.run, job).result()
        lines = [json.loads(line) for line in (out / PAGES_FILE).read_text().splitlines()]
        data = to_dict(result)
        run.out_dirs[id(data)] = out  # for the pages.csv tests
        return data, lines

    run.out_dirs = {}
    return run


@pytest.fixture(scope="module")
def full(crawl):
    """no-interaction, limits big enough for the whole site, the trap stopped only by the variant guard."""
    return crawl(("no-interaction",), max_pages=200, max_depth=30, scope="site")


@pytest.fixture(scope="module")
def polite(crawl):
    """reject only, --respect-robots, --scope host, depth 1."""
    return crawl(("reject",), max_pages=60, max_depth=1, scope="host", respect_robots=True)


def urls(lines: list[dict]) -> list[str]:
    return [line["url"] for line in lines]


def line_of(lines: list[dict], url: str) -> dict:
    (line,) = [line for line in lines if line["url"] == url]
    return line


def third_party(lines: list[dict]) -> dict[str, list[str]]:
    """page URL -> the third-party request URLs made on it."""
    return {line["url"]: [r["url"] for r in line["requests"] if r["party"] == "third"]
            for line in lines if any(r["party"] == "third" for r in line["requests"])}


def findings_for(data: dict, host: str) -> list[dict]:
    return [f for f in data["findings"] if f["host"] == host]


def test_every_reachable_page_is_visited_once(full):
    data, lines = full
    assert len(urls(lines)) == len(set(urls(lines)))  # tracking-parameter, fragment and port variants: once
    assert set(urls(lines)) == ALL_PAGES
    assert [p["url"] for p in data["pages"]] == urls(lines)
    assert data["kind"] == "site" and data["scenarios"] == ["no-interaction"]
    assert not any(("utm_" in u or "clid" in u or "#" in u) for u in urls(lines))


def test_depths_follow_the_frontier(full):
    _, lines = full
    depth = {line["url"]: line["depth"] for line in lines}
    assert depth[f"{W}/"] == 0
    assert depth[SITEMAP_ONLY] == 1 and depth[f"{W}/about/stores"] == 1  # sitemap pages are depth 1
    assert (depth[f"{W}/cart"], depth[f"{W}/checkout"], depth[THANK_YOU]) == (1, 2, 3)
    assert [depth[u] for u in CALENDAR] == list(range(2, 12))
    assert [line["depth"] for line in lines] == sorted(line["depth"] for line in lines)  # breadth-first


def test_purchase_pixel_three_deep_is_found_and_named_on_its_page(full):
    data, lines = full
    assert third_party(lines)[THANK_YOU] == [PURCHASE]
    found = {f["type"]: f for f in findings_for(data, "www.facebook.com")}
    assert set(found) == {"tracker-before-consent", "tracking-pixel"}
    for finding in found.values():
        assert finding["scenario"] == "no-interaction"
        assert (finding["evidence"]["page_url"], finding["evidence"]["pages"]) == (THANK_YOU, [THANK_YOU])
    (cookie,) = [f for f in data["findings"] if f["type"] == "cookie-before-consent" and f["host"] == "facebook.com"]
    assert cookie["evidence"]["pages"] == [THANK_YOU]


def test_sitemap_only_page_is_visited_and_its_linkedin_pixel_found(full):
    data, lines = full
    assert line_of(lines, SITEMAP_ONLY)["status"] == 200
    assert third_party(lines)[SITEMAP_ONLY] == [LINKEDIN]
    assert {f["type"] for f in findings_for(data, "px.ads.linkedin.com")} == {"tracker-before-consent",
                                                                               "tracking-pixel"}
    assert all(f["evidence"]["pages"] == [SITEMAP_ONLY] for f in findings_for(data, "px.ads.linkedin.com"))


def test_only_the_readme_pages_fire_third_parties(full):
    data, lines = full
    fired = third_party(lines)
    assert set(fired) == {THANK_YOU, SITEMAP_ONLY, f"{W}/account", f"{W}/account/orders", f"{W}/about/stores"}
    assert fired[f"{W}/account"] == fired[f"{W}/account/orders"] == [BING]  # robots not respected: visited
    (ga,) = [f for f in findings_for(data, "www.google-analytics.com") if f["type"] == "tracker-before-consent"]
    assert ga["evidence"]["pages"] == [f"{W}/about/stores"]
    for finding in data["findings"]:  # every finding names its page
        assert finding["evidence"]["page_url"] in ALL_PAGES
        assert set(finding["evidence"]["pages"]) <= ALL_PAGES


def test_calendar_trap_stops_at_the_variant_limit(full):
    data, lines = full
    assert [u for u in urls(lines) if "/events/calendar" in u] == CALENDAR
    assert data["options"]["crawl"]["refused"]["variant-limit"] >= 1


def test_hanging_page_times_out_by_name_and_the_crawl_goes_on(full):
    data, lines = full
    hang = f"{W}/help/live-chat"
    (error,) = [e for e in data["errors"] if e["url"] == hang]
    assert error["kind"] == "timeout" and hang in error["message"]
    assert line_of(lines, hang)["errors"] == [error] and line_of(lines, hang)["status"] is None
    assert urls(lines).index(hang) < len(lines) - 5  # pages after it were visited


def test_crashed_renderer_is_an_error_on_its_page_and_the_crawl_goes_on(full):
    data, lines = full
    crash = f"{W}/help/ar-try-on"
    (error,) = [e for e in data["errors"] if e["url"] == crash]
    assert error["kind"] == "browser-crash" and crash in error["message"]
    after = lines[urls(lines).index(crash) + 1:]
    assert after and all(line["status"] == 200 and not line["errors"] for line in after)


def test_http_errors_are_errors_of_their_page(full):
    data, _ = full
    kinds = {(e["kind"], e["url"]) for e in data["errors"]}
    assert kinds == {("http-status", f"{W}/product/discontinued-parka"), ("timeout", f"{W}/help/live-chat"),
                     ("browser-crash", f"{W}/help/ar-try-on")}


def test_site_scope_includes_the_blog_and_host_scope_stays_off_it(full, polite):
    assert BLOG <= set(urls(full[1]))
    assert not any(u.startswith(B) for u in urls(polite[1]))


def test_respect_robots_skips_account_and_bing_never_fires(polite):
    data, lines = polite
    assert not any("/account" in u for u in urls(lines))
    assert not any("bat.bing.com" in r["url"] for r in data["requests"])
    assert SITEMAP_ONLY in urls(lines) and all(line["depth"] <= 1 for line in lines)


def test_reject_clicks_once_on_the_first_page_and_the_choice_holds(polite):
    data, lines = polite
    assert data["scenarios"] == ["reject"]
    clicked = [line for line in lines if line["consent_click"]]
    assert [line["url"] for line in clicked] == [f"{W}/"]
    assert (clicked[0]["consent_click"]["clicked"], clicked[0]["consent_click"]["button_text"]) == (True, "Reject all")
    assert data["consent"]["reject_clicked"] is True
    # the GA stand-in fires only on the leaking page: on every other page the banner's choice held
    assert {u for u, fired in third_party(lines).items() if any("google-analytics" in f for f in fired)} == {
        f"{W}/about/stores"}


@pytest.fixture(scope="module")
def polite_recycled(crawl):
    """The reject crawl again with its browser relaunched every 3 pages."""
    return crawl(("reject",), max_pages=60, max_depth=1, scope="host", respect_robots=True, recycle_after=3)


def test_reject_choice_holds_across_browser_relaunches(polite, polite_recycled):
    """A relaunched consent browser keeps its profile and cookie jar: no second click, nothing new fires."""
    (data1, lines1), (data2, lines2) = polite, polite_recycled
    assert data2["options"]["crawl"]["browser_launches"] >= len(lines2) // 3 > 1
    assert urls(lines2) == urls(lines1)
    assert [line["url"] for line in lines2 if line["consent_click"]] == [f"{W}/"]
    assert {u for u, fired in third_party(lines2).items() if any("google-analytics" in f for f in fired)} == {
        f"{W}/about/stores"}
    after = [r for line in lines2[1:] for r in line["requests"]]
    assert after and not any(r["before_consent"] for r in after)  # the scenario's clock survives relaunches

    def key(data: dict) -> set[tuple]:
        return {(f["type"], f["host"], f["evidence"]["page_url"]) for f in data["findings"]}

    assert key(data2) == key(data1)


def test_cli_crawl_is_deterministic(cli, sites, tmp_path):
    orders = []
    for run in ("a", "b"):
        out = tmp_path / run
        code, stdout, stderr, data = cli(
            "crawl", f"{W}/", "--out", str(out), "--max-pages", "8", "--depth", "2", "--scenarios", "no-interaction",
            "--timeout", "5", "--wait", "0.5", "--resolve", sites.resolve, "--trust-cert", str(sites.leaf_pem))
        assert code == 0, stderr
        assert "crawled 8 pages" in stdout and (out / "report.html").is_file()
        orders.append([json.loads(line)["url"] for line in (out / PAGES_FILE).read_text().splitlines()])
        assert [p["url"] for p in data["pages"]] == orders[-1]
        assert data["options"]["crawl"]["concurrency"] == usable_cores()  # the CLI's default
    assert orders[0] == orders[1]
    assert orders[0][:4] == [f"{W}/", f"{W}/category/jackets", f"{W}/category/boots", f"{W}/category/accessories"]


@pytest.fixture(scope="module")
def parallel(crawl):
    """The full crawl again with two no-interaction contexts sharing the frontier, each browser relaunched
    after 4 pages."""
    return crawl(("no-interaction",), max_pages=200, max_depth=30, scope="site", concurrency=2, recycle_after=4)


def test_two_contexts_visit_the_same_pages_in_the_same_order_with_the_same_findings(full, parallel):
    """Also with browsers relaunched every 4 pages (the full crawl: once, after the renderer crash)."""
    (data1, lines1), (data2, lines2) = full, parallel
    assert data1["options"]["crawl"]["browser_launches"] == 2
    assert data2["options"]["crawl"]["browser_launches"] >= len(lines2) // 4
    assert urls(lines2) == urls(lines1)  # pages.jsonl is committed in the frontier's pop order
    assert [line["depth"] for line in lines2] == [line["depth"] for line in lines1]
    assert data2["options"]["crawl"]["concurrency"] == 2

    def key(data: dict) -> set[tuple]:
        return {(f["type"], f["host"], f["scenario"], f["evidence"]["page_url"]) for f in data["findings"]}

    assert key(data2) == key(data1)

    def fired(lines: list[dict]) -> dict[str, list[str]]:  # GA's client id is random: compare without queries
        return {page: [u.split("?")[0] for u in made] for page, made in third_party(lines).items()}

    assert fired(lines2) == fired(lines1)
    assert {(e["kind"], e["url"]) for e in data2["errors"]} == {(e["kind"], e["url"]) for e in data1["errors"]}


def test_network_errors_are_retried_with_backoff_and_named(chromium, ruleset, tmp_path):
    """.invalid never resolves: a DNS error, tried 1 + --retries times, the crawl still ends with its report."""
    config = ScanConfig(target="https://unreachable.invalid/", out_dir=tmp_path, timeout=3.0, wait=0.2,
                        scenarios=("no-interaction",))
    job = crawl_site(CrawlConfig(config, max_pages=3, retries=2, recycle_after=1), ruleset, chromium=chromium)
    with ThreadPoolExecutor(1) as pool:
        data = to_dict(pool.submit(asyncio.run, job).result())
    (error,) = data["errors"]
    assert error["kind"] != "http-status" and error["message"].endswith("(after 3 attempts)")
    assert [p["url"] for p in data["pages"]] == ["https://unreachable.invalid/"]
    assert data["options"]["crawl"]["retries"] == 2


def test_scan_with_max_pages_crawls(cli, sites, tmp_path):
    out = tmp_path / "scan-crawl"
    code, stdout, stderr, data = cli("scan", f"{W}/", "--out", str(out), "--max-pages", "3", "--depth", "1",
                                     "--timeout", "5", "--wait", "0.5")
    assert code == 0, stderr  # none of the first three pages fires a tracker
    assert "crawled 3 pages" in stdout
    lines = [json.loads(line) for line in (out / PAGES_FILE).read_text().splitlines()]
    assert [line["url"] for line in lines] == [p["url"] for p in data["pages"]]
    assert lines[0]["url"] == f"{W}/" and all(line["depth"] <= 1 for line in lines)
    assert data["options"]["crawl"]["max_pages"] == 3 and data["options"]["crawl"]["depth"] == 1


def test_scan_max_pages_refuses_options_a_crawl_has_not(cli):
    code, _out, stderr, _data = cli("scan", f"{W}/", "--max-pages", "3", "--second-page", f"{W}/about")
    assert code == 2 and "does not go with --second-page" in stderr


def test_crawl_sends_credentials_and_headers_to_the_target_origin_only(cli, sites, tmp_path):
    sites.log.clear()
    code, _out, stderr, data = cli(
        "crawl", "https://auth.pixel-lab.com/", "--out", str(tmp_path / "auth"), "--max-pages", "2",
        "--scenarios", "no-interaction", "--http-credentials", "stage:s3cret", "--header", "X-Staging-Token: t0k3n",
        "--fail-on", "none", "--resolve", sites.resolve, "--trust-cert", str(sites.leaf_pem))
    assert code == 0, stderr
    target_hits = sites.hits("auth.pixel-lab.com")
    assert target_hits and all(h.headers.get("X-Staging-Token") == "t0k3n" for h in target_hits)
    assert any(h.headers.get("Authorization") for h in target_hits)
    assert data["pages"][0]["status"] == 200
    partner = sites.hits("auth.partner-example.org")
    assert partner and not any(h.headers.get("Authorization") or h.headers.get("X-Staging-Token") for h in partner)
    assert "t0k3n" not in str(data) and "s3cret" not in str(data)


def test_config_file_gives_crawl_its_defaults(cli, sites, tmp_path):
    """[tool.pixelaudit] keys reach crawl too: its own (scope) and shared ones (max_pages, depth, fail_on)."""
    (tmp_path / "pixelaudit.toml").write_text(
        'max_pages = 3\ndepth = 1\nscope = "host"\nconcurrency = 1\nfail_on = "none"\nscenarios = "no-interaction"\n')
    out = tmp_path / "crawl-config"
    code, _stdout, stderr, data = cli("crawl", f"{W}/", "--out", str(out), "--timeout", "5", "--wait", "0.5",
                                     "--resolve", sites.resolve, "--trust-cert", str(sites.leaf_pem), cwd=tmp_path)
    assert code == 0, stderr
    crawl = data["options"]["crawl"]
    assert (crawl["max_pages"], crawl["depth"], crawl["scope"], crawl["concurrency"]) == (3, 1, "host", 1)
    assert data["options"]["fail_on"] == "none" and data["scenarios"] == ["no-interaction"]
    (tmp_path / "pixelaudit.toml").write_text('scoop = "host"\n')
    code, _stdout, stderr, _data = cli("crawl", f"{W}/", "--out", str(tmp_path / "bad"), cwd=tmp_path)
    assert code == 2 and "unknown key 'scoop'" in stderr


# --- Web Storage in a crawl, and pages.csv -----------------------------------------------------------------------
CHECKOUT = f"{W}/checkout"
CHECKOUT_STORAGE = ("local", W, "crawlshop.checkout", '{"step":"shipping","items":1,"total":"129.00"}', "set")


def storage_of(entries: list[dict]) -> list[tuple]:
    return [(s["storage"], s["origin"], s["key"], s["value"], s["operation"]) for s in entries]


def test_checkout_storage_write_is_recorded_once_on_its_page(full):
    """/checkout (2 clicks deep) writes localStorage; every page after it still has the entry: it is named
    once, on /checkout, in pages.jsonl and in findings.json."""
    data, lines = full
    assert urls(lines).index(CHECKOUT) < len(lines) - 5  # pages after it saw the entry persist
    assert {line["url"]: storage_of(line["storage"]) for line in lines if line["storage"]} == {
        CHECKOUT: [CHECKOUT_STORAGE]}
    (entry,) = data["storage"]
    assert storage_of([entry]) == [CHECKOUT_STORAGE]
    assert (entry["page_url"], entry["scenario"]) == (CHECKOUT, "no-interaction")
    assert entry["time_ms"] is not None  # the hook saw the write, not only the page's final read


def read_table(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def expected_row(line: dict) -> dict:
    """A pages.jsonl line's pages.csv row, counted here without pandas."""
    requests = line["requests"]
    vendors = sorted({r["tracker"]["vendor"] for r in requests if r["tracker"]})
    values = (line["scenario"], line["url"], line["depth"], line["status"], line["final_url"], len(line["errors"]),
              len(requests), sum(r["party"] == "third" for r in requests), "; ".join(vendors),
              sum(r["pixel"] is not None for r in requests),
              sum(bool(r["before_consent"] and r["tracker"]) for r in requests),
              sum(bool(c["before_consent"] and c["tracker"]) for c in line["cookies"]), len(line["cookies"]),
              len(line["storage"]))
    return {k: "" if v is None else str(v) for k, v in zip(
        ("scenario", "url", "depth", "status", "final_url", "errors", "requests", "third_party_requests",
         "tracker_vendors", "tracking_pixels", "tracker_requests_before_consent", "tracker_cookies_before_consent",
         "new_cookies", "new_storage_writes"), values, strict=True)}


def test_pages_csv_has_one_row_per_pages_jsonl_line(full, crawl):
    data, lines = full
    rows = read_table(crawl.out_dirs[id(data)] / PAGES_TABLE)
    assert rows == [expected_row(line) for line in lines]
    by_url = {row["url"]: row for row in rows}
    assert (by_url[THANK_YOU]["tracker_vendors"], by_url[THANK_YOU]["tracking_pixels"]) == ("Meta Pixel", "1")
    assert by_url[CHECKOUT]["new_storage_writes"] == "1"
    assert by_url[f"{W}/help/live-chat"]["status"] == "" and by_url[f"{W}/help/live-chat"]["errors"] == "1"


def test_cli_crawl_records_storage_per_scenario_and_writes_pages_csv_also_on_resume(cli, sites, tmp_path):
    """home → cart → checkout → thank-you in two scenarios: the checkout's write once in each, on /checkout."""
    out = tmp_path / "storage"
    args = ("crawl", f"{W}/", "--out", str(out), "--max-pages", "4", "--depth", "3", "--scope", "host",
            "--include", "/", "--include", "/cart", "--include", "/checkout*", "--scenarios", "no-interaction,reject",
            "--timeout", "5", "--wait", "0.5", "--fail-on", "none", "--resolve", sites.resolve,
            "--trust-cert", str(sites.leaf_pem))
    code, stdout, stderr, data = cli(*args)
    assert code == 0, stderr
    assert f"wrote {out / PAGES_TABLE}" in stdout
    lines = [json.loads(line) for line in (out / PAGES_FILE).read_text().splitlines()]
    assert [(line["scenario"], line["url"]) for line in lines] == [
        (s, u) for s in ("no-interaction", "reject") for u in (f"{W}/", f"{W}/cart", CHECKOUT, THANK_YOU)]
    assert [(line["scenario"], line["url"]) for line in lines if line["storage"]] == [
        ("no-interaction", CHECKOUT), ("reject", CHECKOUT)]
    assert [(s["scenario"], s["page_url"], *storage_of([s])[0]) for s in data["storage"]] == [
        ("no-interaction", CHECKOUT, *CHECKOUT_STORAGE), ("reject", CHECKOUT, *CHECKOUT_STORAGE)]
    table = (out / PAGES_TABLE).read_text()
    assert read_table(out / PAGES_TABLE) == [expected_row(line) for line in lines]
    (out / PAGES_TABLE).unlink()
    code, stdout, stderr, resumed = cli(*args, "--resume")
    assert code == 0, stderr
    assert (out / PAGES_TABLE).read_text() == table  # rebuilt from pages.jsonl as it is on disk
    assert resumed["storage"] == data["storage"]
