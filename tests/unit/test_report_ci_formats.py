"""SARIF, JUnit and Markdown outputs: golden files, the official schemas, and the rules they follow.

Regenerate the golden files after an intended change with PIXELAUDIT_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import copy
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from pixelaudit import __version__
from pixelaudit.report import FORMAT_MODULES, sarif, writer
from pixelaudit.report import junit as junit_report
from pixelaudit.report import markdown as md_report

DATA = Path(__file__).parents[1] / "data"
GOLDEN = DATA / "golden"
SAMPLES = {"sample": "sample-findings.json", "crawl": "crawl-findings.json", "email": "email-findings.json"}
RENDERERS = {"sarif": lambda d: json.dumps(sarif.render(d), indent=2, ensure_ascii=False) + "\n",
             "junit.xml": lambda d: junit_report.render(d).decode("utf-8"),
             "md": md_report.render}


def load(name: str) -> dict:
    return json.loads((DATA / SAMPLES[name]).read_text(encoding="utf-8"))


def normalise(text: str) -> str:
    """The installed version appears where a dict names none (crawl sample); golden files say VERSION."""
    return (text.replace(f'"version": "{__version__}"', '"version": "VERSION"')
            .replace(f'value="{__version__}"', 'value="VERSION"')
            .replace(f"pixelaudit {__version__}", "pixelaudit VERSION"))


@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("fmt", RENDERERS)
def test_golden_output(sample, fmt):
    got = normalise(RENDERERS[fmt](load(sample)))
    path = GOLDEN / f"{sample}.{fmt}"
    if os.environ.get("PIXELAUDIT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), f"{path} differs (PIXELAUDIT_UPDATE_GOLDEN=1 regenerates it)"


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads((DATA / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def junit_schema():
    return xmlschema.XMLSchema(DATA / "schemas" / "junit-10.xsd")


MINIMAL = {"findings": [{"type": "tracker-before-consent", "severity": "high"}, {"type": "pii-leak"}, "junk"]}


@pytest.mark.parametrize("data", [*SAMPLES, "minimal", "empty"])
def test_sarif_and_junit_validate_against_their_schemas(data, sarif_validator, junit_schema):
    result = load(data) if data in SAMPLES else (MINIMAL if data == "minimal" else {})
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in sarif_validator.iter_errors(
        sarif.render(result))]
    assert errors == []
    junit_schema.validate(junit_report.render(result).decode("utf-8"))
    assert md_report.render(result).startswith("## ")


def test_the_format_checker_is_really_checking(sarif_validator):
    log = sarif.render(load("sample"))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b"
    log["runs"][0]["invocations"][0]["startTimeUtc"] = "yesterday"
    assert len(list(sarif_validator.iter_errors(log))) == 2


def test_formats_are_registered():
    assert {"sarif", "junit", "md"} <= set(FORMAT_MODULES)
    assert writer("md") is md_report.write


def test_writers_write_the_named_files(tmp_path):
    data = load("sample")
    assert [p.name for p in writer("sarif")(data, tmp_path)] == ["findings.sarif"]
    assert [p.name for p in writer("junit")(data, tmp_path)] == ["junit.xml"]
    assert [p.name for p in writer("md")(data, tmp_path)] == ["summary.md"]
    assert json.loads((tmp_path / "findings.sarif").read_text())["version"] == "2.1.0"


# --- SARIF --------------------------------------------------------------------------------------------------


def test_sarif_rules_levels_and_github_friendly_locations():
    run = sarif.render(load("sample"))["runs"][0]
    assert run["tool"]["driver"]["name"] == "pixelaudit" and run["tool"]["driver"]["informationUri"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["tracker-before-consent"]["shortDescription"]["text"] == "Tracker fired before consent"
    assert "ePrivacy" in rules["tracker-before-consent"]["help"]["text"]
    assert rules["tracker-before-consent"]["properties"]["security-severity"] == "8.0"
    levels = {(r["ruleId"], r["properties"]["severity"]): r["level"] for r in run["results"]}
    assert levels[("tracker-before-consent", "high")] == "error"
    assert levels[("cookie-before-consent", "medium")] == "warning"
    assert levels[("tracking-pixel", "info")] == "note"
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert "://" not in uri and not uri.startswith("/")  # code scanning refuses web URLs as locations
        assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("https://")
    assert run["invocations"][0]["executionSuccessful"] is False  # the sample timed out


def test_sarif_fingerprints_ignore_timestamps_and_query_values():
    first = load("sample")
    second = copy.deepcopy(first)
    second["started_at"], second["finished_at"] = "2027-01-01T00:00:00Z", "2027-01-01T00:01:00Z"
    for finding in second["findings"]:
        finding["url"] = (finding["url"] or "").replace("id=123", "id=999").replace("G-ABC123", "G-XYZ")

    def prints(data):
        return [r["partialFingerprints"] for r in sarif.render(data)["runs"][0]["results"]]

    assert prints(first) == prints(second)
    assert len({json.dumps(p) for p in prints(first)}) == len(first["findings"])  # distinct findings differ


def test_sarif_marks_baseline_state():
    results = sarif.render(load("crawl"))["runs"][0]["results"]
    assert [r.get("baselineState") for r in results if r["ruleId"] == "tracker-before-consent"] == ["unchanged"]


# --- JUnit --------------------------------------------------------------------------------------------------


def _xml(text: str | bytes) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 (our own output, not untrusted input)


def _cases(result: dict) -> list[ET.Element]:
    return list(_xml(junit_report.render(result)).iter("testcase"))


def test_junit_fails_a_case_per_violation_at_or_above_fail_on():
    data = load("sample")  # fail_on high: two high findings fail, the medium and the info one do not
    failed = [c for c in _cases(data) if c.find("failure") is not None]
    assert [c.find("failure").get("type") for c in failed] == ["tracker-before-consent"] * 2
    assert "request_index" in failed[0].find("failure").text
    data["options"]["fail_on"] = "info"  # even then, info findings never fail
    types = sorted(c.find("failure").get("type") for c in _cases(data) if c.find("failure") is not None)
    assert types == ["cookie-before-consent", "tracker-before-consent", "tracker-before-consent"]
    data["options"]["fail_on"] = "none"
    assert all(c.find("failure") is None for c in _cases(data))


def test_junit_one_case_per_check_and_scenario_and_an_error_when_incomplete():
    data = load("sample")
    root = _xml(junit_report.render(data))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"scan", "scenario no-interaction"}
    names = [c.get("name") for c in suites["scenario no-interaction"].iter("testcase")]
    assert "Nothing tracks after the visitor rejects" in names
    assert suites["scan"].find("testcase/error").get("type") == "timeout"
    assert root.get("errors") == "1" and root.get("failures") == "2"
    data["complete"], data["errors"] = True, []
    assert _xml(junit_report.render(data)).get("errors") == "0"


def test_junit_survives_control_characters_and_markup():
    data = load("crawl")
    text = junit_report.render(data).decode("utf-8")
    _xml(text)  # parses: \x01 replaced, quotes and angle brackets escaped
    assert "\x01" not in text and "<img" not in text


# --- Markdown -----------------------------------------------------------------------------------------------


def test_markdown_escapes_every_value():
    text = md_report.render(load("crawl"))
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert r"a\|b\`c" in text  # a pipe cannot split the table cell, a backtick cannot open code
    assert r"Ad\*Net \[beta\]" in text
    for row in (line for line in text.splitlines() if line.startswith("| ") and "reject" in line):
        assert row.count(" | ") == 5  # exactly six cells


def test_markdown_verdict_and_counts():
    assert "**Result: INCOMPLETE**" in md_report.render(load("sample"))
    crawl = md_report.render(load("crawl"))
    assert "**Result: FAIL** — 2 finding(s) at or above medium" in crawl
    assert "1 accepted in the baseline" in crawl and "| high | 2 |" in crawl
    passing = {"complete": True, "findings": [{"type": "tracking-pixel", "severity": "info"}]}
    assert "**Result: PASS**" in md_report.render(passing)


def test_markdown_escape_function():
    assert md_report.escape("<b>|`x`|</b> @team #1 [a](b)") == (
        r"&lt;b&gt;\|\`x\`\|&lt;/b&gt; \@team \#1 \[a\](b)")
    assert md_report.escape("line\nbreak\tand  spaces") == "line break and spaces"
    assert md_report.escape("x" * 50, limit=10) == "x" * 9 + "…"


def test_targets_merge_into_one_sarif_run_and_one_junit_document(sarif_validator, junit_schema):
    """Config `targets`: OUT/findings.sarif is one run over every target (code scanning takes one run per
    tool and category) and OUT/junit.xml holds every target's suites, named after the target."""
    site, crawl = load("sample"), load("crawl")
    logs = [sarif.render(site), sarif.render(crawl)]
    merged = sarif.merge(logs)
    assert [e.message for e in sarif_validator.iter_errors(merged)] == []
    (run,) = merged["runs"]
    assert len(run["results"]) == sum(len(log["runs"][0]["results"]) for log in logs)
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == sorted(set(rules)) == sorted({r["ruleId"] for log in logs for r in log["runs"][0]["results"]})
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    for rule in run["tool"]["driver"]["rules"]:  # each rule at the worst level any target saw
        worst = max(float(r["properties"]["security-severity"]) for log in logs
                    for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == rule["id"])
        assert float(rule["properties"]["security-severity"]) == worst
    assert run["properties"]["targets"] == [site["target"], crawl["target"]]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] == all(
        log["runs"][0]["invocations"][0]["executionSuccessful"] for log in logs)
    assert invocation["startTimeUtc"] == min(site["started_at"], crawl["started_at"])

    document = junit_report.merge([site, crawl])
    junit_schema.validate(document.decode("utf-8"))
    root = ET.fromstring(document)  # noqa: S314 - our own output
    names = [s.get("name") for s in root]
    assert names[0] == f"{site['target']}: scan" and f"{crawl['target']}: scan" in names
    singles = [ET.fromstring(junit_report.render(r)) for r in (site, crawl)]  # noqa: S314
    for key in ("tests", "failures", "errors"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in singles)
