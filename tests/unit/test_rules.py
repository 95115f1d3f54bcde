"""Unit tests for pixelaudit.rules: the bundled rule files, validation errors, URL and cookie matching."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pixelaudit.model import TrackerMatch
from pixelaudit.rules import (
    CATEGORIES,
    TRACKING_CATEGORIES,
    Endpoint,
    Rule,
    RuleError,
    RuleSet,
    bundled_rules_dir,
    check_examples,
    load_rules,
)

BUNDLED = load_rules()
STARTER_IDS = {
    "meta-pixel", "google-analytics", "google-ads", "google-tag-manager", "linkedin-insight", "tiktok-pixel",
    "x-ads", "pinterest-tag", "microsoft-uet", "snap-pixel", "hotjar", "microsoft-clarity", "criteo",
    "reddit-pixel", "hubspot-analytics", "segment", "mixpanel", "amplitude", "posthog", "adobe-analytics",
    "yandex-metrica", "taboola",
}  # fmt: skip


def matched_id(url: str, ruleset: RuleSet = BUNDLED) -> str | None:
    rule = ruleset.match_url(url)
    return rule.id if rule else None


# --- the bundled rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", BUNDLED.rules, ids=[rule.id for rule in BUNDLED.rules])
def test_bundled_rule_examples(rule: Rule) -> None:
    assert len(rule.examples) >= 2 and len(rule.counterexamples) >= 2
    for url in rule.examples:
        assert matched_id(url) == rule.id, url
    for url in rule.counterexamples:
        assert matched_id(url) != rule.id, url


def test_bundled_set() -> None:
    assert STARTER_IDS <= {rule.id for rule in BUNDLED.rules}  # rule ids are forever
    assert len(BUNDLED) >= 250
    assert check_examples(BUNDLED) == []
    assert re.fullmatch(r"[0-9a-f]{12}", BUNDLED.version)
    assert load_rules().version == BUNDLED.version
    # From a checkout or from the installed wheel: the same files as the repository's rules/.
    shipped = {p.name: p.read_bytes() for p in (bundled_rules_dir() / "trackers").glob("*.yaml")}
    source = {p.name: p.read_bytes() for p in (Path(__file__).parents[2] / "rules" / "trackers").glob("*.yaml")}
    assert shipped == source
    assert all(Path(source).parent.name == "trackers" for source in BUNDLED.sources)
    assert all(rule.source.strip() and rule.category in CATEGORIES for rule in BUNDLED.rules)


def test_as_match_and_tracking_categories() -> None:
    meta = BUNDLED.match_url("https://www.facebook.com/tr?id=1&ev=PageView")
    assert meta is not None
    assert meta.as_match() == TrackerMatch(
        vendor="Meta Pixel", category="advertising", rule="meta-pixel", company="Meta Platforms, Inc.",
        purpose="marketing",
    )  # fmt: skip
    assert meta.as_match("https://www.facebook.com/tr?id=123&ev=PageView").id == "123"
    assert meta.as_match("https://www.facebook.com/tr?id=123&ev=PageView").event == "PageView"
    assert TRACKING_CATEGORIES == CATEGORIES - {"consent", "functional", "tag-manager"}
    gtm = BUNDLED.match_url("https://www.googletagmanager.com/gtm.js?id=GTM-1")
    assert gtm is not None and gtm.category not in TRACKING_CATEGORIES


# --- URL matching ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://notfacebook.com/tr", None),
        ("https://facebook.com.evil.example/", None),
        ("https://xmc.yandex.ru/watch/1", None),
        ("https://WWW.FaceBook.COM/tr?id=1&ev=PageView", "meta-pixel"),
        ("https://www.facebook.com:443/tr?id=1&ev=PageView", "meta-pixel"),
        ("https://www.facebook.com./tr?id=1&ev=PageView", "meta-pixel"),
        ("http://BAT.BING.COM.:8080/bat.js", "microsoft-uet"),
        ("https://s.pinimg.com/ct/core.js", "pinterest-tag"),
        ("https://s.pinimg.com/images/hd/abc.jpg", None),
        ("https://t.co/i/adsct?txn_id=o1", "x-ads"),
        ("https://t.co/AbC123", None),
        ("https://metrics.myshop.com/g/collect?v=2&tid=G-1", "google-analytics"),
        ("https://myshop.com/collect", None),
        ("https://myshop.com/g/collect?v=2", None),
        ("https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/", "google-ads"),
        ("data:image/gif;base64,R0lGODlhAQABAAAAACw=", None),
        ("about:blank", None),
        ("/relative/path", None),
        ("https://[::1]:8443/g/collect?tid=G-1", "google-analytics"),
        ("https://[broken/", None),
    ],
)
def test_match_url(url: str, expected: str | None) -> None:
    assert matched_id(url) == expected


def rule(rule_id: str, domains: tuple[str, ...] = (), endpoints: tuple[Endpoint, ...] = ()) -> Rule:
    return Rule(rule_id, rule_id, "Co", "analytics", "statistics", "test", domains, endpoints)


def test_longest_suffix_wins_then_endpoint_then_load_order() -> None:
    pixel = Endpoint("cdn.example.com", re.compile(r"^/px/"), ("id",))
    rules = RuleSet([
        rule("broad", domains=("example.com",)),
        rule("narrow", domains=("px.example.com",)),
        rule("first", domains=("cdn.example.com",)),
        rule("second", domains=("cdn.example.com",)),
        rule("hosted", endpoints=(pixel,)),
    ])  # fmt: skip
    assert matched_id("https://a.px.example.com/x", rules) == "narrow"
    assert matched_id("https://www.example.com/x", rules) == "broad"
    assert matched_id("https://cdn.example.com/px/1.gif?id=7", rules) == "hosted"
    assert matched_id("https://cdn.example.com/px/1.gif", rules) == "first"  # query name missing
    assert matched_id("https://cdn.example.com/app.js", rules) == "first"


def test_hosted_endpoint_miss_falls_through_to_shorter_suffix() -> None:
    hosted = Endpoint("s.example.com", re.compile(r"^/ct/"))
    rules = RuleSet([rule("hosted", endpoints=(hosted,)), rule("owner", domains=("example.com",))])
    assert matched_id("https://s.example.com/ct/core.js", rules) == "hosted"
    assert matched_id("https://s.example.com/img/a.png", rules) == "owner"
    assert matched_id("https://other.example.org/ct/core.js", rules) is None


# --- cookie matching -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "domain", "expected"),
    [
        ("_ga_ABC123", ".myshop.com", "google-analytics"),
        ("_ga", "myshop.com", "google-analytics"),
        ("fr", ".facebook.com", "meta-pixel"),
        ("fr", ".myshop.com", None),
        ("_fbp", ".myshop.com", "meta-pixel"),
        ("session", ".myshop.com", None),
        ("anything", ".ads.linkedin.com", None),
        ("anything", "PX.ADS.LINKEDIN.COM", "linkedin-insight"),
        ("_hjSessionUser_1234567", ".myshop.com", "hotjar"),
        ("AMP_a2dbce0e18", ".myshop.com", "amplitude"),
        ("AMP_TOKEN", ".myshop.com", "google-analytics"),
        ("AMP_ECID_GOOGLE", ".myshop.com", None),
        ("mp_0123abcd_mixpanel", ".myshop.com", "mixpanel"),
        ("_GA_ABC123", ".myshop.com", None),
    ],
)
def test_match_cookie(name: str, domain: str, expected: str | None) -> None:
    rule = BUNDLED.match_cookie(name, domain)
    assert (rule.id if rule else None) == expected


# --- validation --------------------------------------------------------------------------------------------

GOOD = {
    "id": "acme-pixel",
    "vendor": "Acme Pixel",
    "company": "Acme, Inc.",
    "category": "advertising",
    "purpose": "marketing",
    "domains": ["acme.example"],
    "endpoints": [{"path": "^/px$", "query": ["id"]}],
    "source": "Acme developer docs",
    "examples": ["https://t.acme.example/px?id=1"],
    "counterexamples": ["https://notacme.example/"],
}


def write_rule(directory: Path, data: dict, stem: str = "acme-pixel") -> Path:
    path = directory / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_good_rule_loads(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD)
    rules = load_rules([tmp_path])
    assert [r.id for r in rules.rules] == ["acme-pixel"] and rules.sources == (str(path),)
    assert matched_id("https://shop.example/px?id=9", rules) == "acme-pixel"
    assert check_examples(rules) == []


def without(key: str) -> dict:
    return {k: v for k, v in GOOD.items() if k != key}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (without("vendor"), "vendor"),
        (without("counterexamples"), "counterexamples"),
        ({k: v for k, v in GOOD.items() if k not in ("domains", "endpoints")}, "domains"),
        ({**GOOD, "domain": ["acme.example"]}, "domain"),
        ({**GOOD, "category": "ads"}, "category"),
        ({**GOOD, "purpose": "tracking"}, "purpose"),
        ({**GOOD, "endpoints": [{"path": "^/px(["}]}, "endpoints[0].path"),
        ({**GOOD, "endpoints": [{"path": "^/px$", "hots": "acme.example"}]}, "endpoints[0].hots"),
        ({**GOOD, "endpoints": [{"path": "^/px$", "host": "Acme.Example"}]}, "endpoints[0].host"),
        ({**GOOD, "id": "other-id"}, "id"),
        ({**GOOD, "id": "Acme_Pixel"}, "id"),
        ({**GOOD, "domains": ["https://acme.example/"]}, "domains[0]"),
        ({**GOOD, "examples": []}, "examples"),
        ({**GOOD, "examples": ["acme.example/px"]}, "examples"),
        ({**GOOD, "counterexamples": ["https://[broken/"]}, "counterexamples"),
        ({**GOOD, "extract": {"account": "id"}}, "extract.account"),
        ({**GOOD, "extract": {"id": 5}}, "extract.id"),
        ({**GOOD, "cookies": "_acme"}, "cookies"),
        ({**GOOD, "vendor": 42}, "vendor"),
    ],
)
def test_invalid_rule(tmp_path: Path, data: dict, field: str) -> None:
    path = write_rule(tmp_path, data)
    with pytest.raises(RuleError) as caught:
        load_rules([path])
    assert str(caught.value).startswith(f"{path}: {field}: ")
    assert "\n" not in str(caught.value)


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = write_rule(tmp_path / "a", GOOD), write_rule(tmp_path / "b", GOOD)
    with pytest.raises(RuleError) as caught:
        load_rules([tmp_path])
    assert str(caught.value) == f"{second}: id: duplicate id 'acme-pixel' (also in {first})"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("id: acme-pixel\nvendor: [unclosed\n", 3),
        ("id: acme-pixel\n  vendor: Acme\n", 2),
        ("id: acme-pixel\nvendor: Acme\nvendor: Acme again\n", 3),
    ],
)
def test_yaml_syntax_error_names_file_and_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "acme-pixel.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError, match=rf"^{re.escape(str(path))}: line {line}: invalid YAML: "):
        load_rules([path])


def test_empty_file_and_missing_path(tmp_path: Path) -> None:
    empty = tmp_path / "acme-pixel.yml"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(RuleError, match=r": \(top level\): must be a mapping"):
        load_rules([tmp_path])
    with pytest.raises(RuleError, match=r"nowhere\.yaml: path: "):
        load_rules([tmp_path / "nowhere.yaml"])


def test_check_examples_reports_wrong_rules(tmp_path: Path) -> None:
    bad = {**GOOD, "examples": ["https://other.example/"], "counterexamples": ["https://acme.example/"]}
    path = write_rule(tmp_path, bad)
    assert check_examples(load_rules([path])) == [
        f"{path}: examples: https://other.example/ matched nothing, expected acme-pixel",
        f"{path}: counterexamples: https://acme.example/ matched acme-pixel, "
        "expected anything but acme-pixel",
    ]


def test_version_changes_with_content(tmp_path: Path) -> None:
    path = write_rule(tmp_path, GOOD)
    before = load_rules([tmp_path]).version
    write_rule(tmp_path, {**GOOD, "vendor": "Acme Pixel 2"})
    assert load_rules([tmp_path]).version != before
    assert load_rules([path, tmp_path]).sources == (str(path),)  # a file given twice loads once


# --- extraction --------------------------------------------------------------------------------------


def _rule_with_extract(tmp_path: Path, extract: dict) -> Rule:
    data = {**GOOD, "extract": extract}
    path = tmp_path / f"{GOOD['id']}.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_rules([path]).rules[0]


def test_extract_from_query_path_and_body(tmp_path: Path) -> None:
    rule = _rule_with_extract(tmp_path, {
        "id": ["tid", "path:^/conversion/([0-9]+)/"], "event": ["query:en", "body:event"],
        "consent": "body:context.consent",
    })
    assert rule.extract_values("https://x.example/g/collect?tid=G-ABC&en=page_view") == {
        "id": "G-ABC", "event": "page_view"}
    assert rule.extract_values("https://x.example/conversion/998877/?label=x") == {"id": "998877"}
    body = '{"event": "Purchase", "context": {"consent": "granted"}}'
    assert rule.extract_values("https://x.example/api", body) == {"event": "Purchase", "consent": "granted"}
    assert rule.extract_values("https://x.example/api", "event=Lead&x=1") == {"event": "Lead"}
    assert rule.extract_values("https://x.example/api", "[1, {\"event\": \"Batch\"}]") == {"event": "Batch"}
    assert rule.extract_values("https://x.example/api", "not json {") == {}
    match = rule.as_match("https://x.example/g/collect?tid=G-ABC&en=page_view")
    assert (match.id, match.event, match.consent) == ("G-ABC", "page_view", None)


@pytest.mark.parametrize(("extract", "field"), [
    ({"id": "path:^/no-group/"}, "extract.id"),
    ({"id": "path:^/(a)/(b)"}, "extract.id"),
    ({"id": "path:(["}, "extract.id"),
    ({"event": "header:x"}, "extract.event"),
    ({"event": "query:"}, "extract.event"),
])  # fmt: skip
def test_bad_extract_specs_fail_at_load(tmp_path: Path, extract: dict, field: str) -> None:
    with pytest.raises(RuleError, match=rf": {re.escape(field)}: "):
        _rule_with_extract(tmp_path, extract)
