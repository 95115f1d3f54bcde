"""The pytest plugin: inner pytest-playwright runs (pytester, in a subprocess) use `page` + `privacy_audit`
against the fixture sites."""

from __future__ import annotations

import json
import textwrap

import pytest

from pixelaudit.browser import QUIET_ARGS
from pixelaudit.config import host_resolver_rules, parse_resolve

pytest_plugins = ["pytester"]

LEAKY = "https://leaky.consent-judge.com/"  # banner, but Meta Pixel and Google Analytics fire at load
COMPLIANT = "https://compliant.consent-judge.com/"  # trackers only after "Accept all"

INNER_TESTS = f'''
import pytest

def test_leaky_before_consent(page, privacy_audit):
    page.goto("{LEAKY}")
    privacy_audit.no_trackers_before_consent()

def test_compliant_before_consent(page, privacy_audit):
    page.goto("{COMPLIANT}")
    privacy_audit.no_trackers_before_consent()
    privacy_audit.no_pixels()
    assert privacy_audit.trackers == []
    assert privacy_audit.site == "consent-judge.com"
    assert privacy_audit.settle(timeout=5) is True
    assert any(r["url"] == "{COMPLIANT}" and r["status"] == 200 and r["party"] == "first"
               for r in privacy_audit.requests)
    privacy_audit.site = "https://assets.consent-judge.com/banner.js"  # a URL names its site
    assert privacy_audit.site == "consent-judge.com"
    privacy_audit.site = "example.org"
    assert {{r["host"]: r["party"] for r in privacy_audit.requests}}["compliant.consent-judge.com"] == "third"

def test_compliant_reject(page, privacy_audit):
    page.goto("{COMPLIANT}")
    with privacy_audit.consent_rejected():
        page.click("#reject-all")
    page.click("text=Next page")
    privacy_audit.no_trackers_before_consent()
    privacy_audit.no_trackers_after_reject()
    privacy_audit.no_third_party_cookies()

def test_leaky_reject(page, privacy_audit):
    page.goto("{LEAKY}")
    privacy_audit.consent_rejected()
    page.click("#reject-all")
    page.click("text=Next page")
    privacy_audit.no_trackers_after_reject()

def test_compliant_accept(page, privacy_audit):
    page.goto("{COMPLIANT}")
    privacy_audit.consent_given()
    page.click("#accept-all")
    privacy_audit.no_trackers_before_consent()
    assert privacy_audit.trackers == ["Google Analytics", "Meta Pixel"]
    assert sorted(p["host"] for p in privacy_audit.pixels) == ["www.facebook.com", "www.google-analytics.com"]
    assert all(not r["before_consent"] for r in privacy_audit.tracker_matches)
    assert "_fbp" in {{c["name"] for c in privacy_audit.cookies}}
    privacy_audit.only_vendors("meta pixel", "Google Analytics")
    with pytest.raises(AssertionError, match="Meta Pixel: 1 request"):
        privacy_audit.only_vendors("Google Analytics")
    with pytest.raises(AssertionError, match="fr from www.facebook.com"):
        privacy_audit.no_third_party_cookies()
    with pytest.raises(RuntimeError, match="already marked as 'accept'"):
        privacy_audit.consent_rejected()
'''


@pytest.fixture
def inner(pytester, sites):
    """A pytester dir whose pytest-playwright launches our Chromium with every host mapped to the fixture server."""
    rules = host_resolver_rules((parse_resolve(sites.resolve),))
    pytester.makeconftest(textwrap.dedent(f'''
        import pytest
        from pixelaudit.browser import find_chromium

        @pytest.fixture(scope="session")
        def browser_type_launch_args(browser_type_launch_args):
            return {{**browser_type_launch_args, "executable_path": find_chromium().path,
                    "args": [*browser_type_launch_args.get("args", []), *{list(QUIET_ARGS)!r},
                             "--host-resolver-rules={rules}"]}}

        @pytest.fixture(scope="session")
        def browser_context_args(browser_context_args):
            return {{**browser_context_args, "ignore_https_errors": True}}
    '''))
    pytester.makeini("[pytest]\nfilterwarnings =\n    ignore::DeprecationWarning\n")
    return pytester


def test_privacy_audit_fixture_in_pytest_playwright_tests(inner, tmp_path):
    inner.makepyfile(test_shop=INNER_TESTS)
    out = tmp_path / "audits"
    result = inner.runpytest_subprocess("-p", "no:cacheprovider", "--privacy-audit-dir", str(out), timeout=240)
    outcomes = result.parseoutcomes()
    assert (outcomes.get("passed"), outcomes.get("failed")) == (3, 2), result.stdout.str()
    text = result.stdout.str()
    result.stdout.fnmatch_lines(["*test_leaky_before_consent*", "*privacy_audit: 2 tracker(s) sent requests "
                                 "before any consent choice (test_shop.py::test_leaky_before_consent?chromium?, "
                                 "first party consent-judge.com)*"])
    leaky = text[text.index("_ test_leaky_before_consent[chromium] _"):text.index("_ test_leaky_reject[chromium] _")]
    assert "Meta Pixel on www.facebook.com [high]" in leaky
    assert "Google Analytics on www.google-analytics.com [high]" in leaky
    assert "https://www.facebook.com/tr?id=5550001&ev=PageView" in leaky
    after = text[text.index("_ test_leaky_reject[chromium] _"):]
    assert "tracker(s) sent requests after the visitor rejected" in after and "Meta Pixel" in after
    assert "after the visitor rejected, on https://leaky.consent-judge.com/page2.html" in after

    # --privacy-audit-dir: one folder per test, passed or failed, findings.json + report.html
    folders = sorted(p.name for p in out.iterdir())
    assert folders == sorted(f"test_shop.py_test_{name}_chromium" for name in (
        "leaky_before_consent", "compliant_before_consent", "compliant_reject", "leaky_reject", "compliant_accept"))
    leaky_json = json.loads((out / "test_shop.py_test_leaky_before_consent_chromium" / "findings.json").read_text())
    assert leaky_json["schema_version"] == 1 and leaky_json["target"] == LEAKY
    assert leaky_json["options"]["pytest"]["nodeid"] == "test_shop.py::test_leaky_before_consent[chromium]"
    assert leaky_json["scenarios"] == ["pytest"]
    assert {(f["type"], f["vendor"]) for f in leaky_json["findings"]} >= {
        ("tracker-before-consent", "Meta Pixel"), ("tracker-before-consent", "Google Analytics")}
    assert leaky_json["pages"][0] == {"url": LEAKY, "scenario": "pytest", "status": 200, "final_url": LEAKY,
                                      "title": None}
    reject_json = json.loads((out / "test_shop.py_test_compliant_reject_chromium" / "findings.json").read_text())
    assert reject_json["scenarios"] == ["reject"] and reject_json["consent"]["reject_clicked"] is True
    assert reject_json["findings"] == []
    assert [p["url"] for p in reject_json["pages"]] == [COMPLIANT, COMPLIANT + "page2.html"]
    assert COMPLIANT in (out / "test_shop.py_test_compliant_accept_chromium" / "report.html").read_text()
