"""apply_policy over a real findings.json: allowed vendors, severity overrides, and the exit code."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from pixelaudit.cli import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK, exit_code
from pixelaudit.policy import Policy, apply_policy, is_allowed

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "sample-findings.json").read_text(encoding="utf-8"))
SAMPLE["complete"] = True  # the sample scan missed a page; here only the findings matter for the exit code


def by_type_vendor(data: dict) -> dict[tuple[str, str], dict]:
    return {(f["type"], f["vendor"]): f for f in data["findings"]}


def test_allowed_vendor_is_kept_marked_and_not_counted() -> None:
    policy = Policy(allowed_vendors=(("analytics", ("google analytics",)),))
    data = apply_policy(SAMPLE, policy)
    ga = by_type_vendor(data)[("tracker-before-consent", "Google Analytics")]
    assert ga["policy"] == "allowed" and ga["severity"] == "info" and ga["severity_was"] == "high"
    assert is_allowed(ga)
    meta = by_type_vendor(data)[("tracker-before-consent", "Meta")]
    assert meta["policy"] is None and meta["severity"] == "high" and "severity_was" not in meta
    assert len(data["findings"]) == len(SAMPLE["findings"])  # nothing dropped
    assert data["summary"]["findings"] == {"high": 1, "medium": 1, "low": 0, "info": 2}
    assert data["policy"] == {"source": None, "allowed_vendors": {"analytics": ["google analytics"]}, "severity": {}}
    assert exit_code(data, "high") == EXIT_FINDINGS  # Meta still fails
    assert exit_code(data, "info") == EXIT_FINDINGS


def test_allowing_every_vendor_passes_the_gate_even_at_fail_on_info() -> None:
    policy = Policy(allowed_vendors=(("analytics", ("google analytics",)), ("advertising", ("meta-pixel", "meta"))))
    data = apply_policy(SAMPLE, policy)
    assert all(is_allowed(f) for f in data["findings"])
    assert exit_code(SAMPLE, "high") == EXIT_FINDINGS
    assert exit_code(data, "high") == EXIT_OK and exit_code(data, "info") == EXIT_OK
    assert exit_code({**data, "complete": False}, "high") == EXIT_INCOMPLETE  # a policy never hides a gap


def test_vendor_allowed_in_another_category_is_not_allowed() -> None:
    data = apply_policy(SAMPLE, Policy(allowed_vendors=(("analytics", ("meta",)), ("advertising", ()))))
    assert not any(is_allowed(f) for f in data["findings"])
    assert exit_code(data, "high") == EXIT_FINDINGS


def test_vendor_matched_by_rule_id_and_by_purpose() -> None:
    data = copy.deepcopy(SAMPLE)
    data["requests"][6]["tracker"] |= {"rule": "google-analytics", "purpose": "statistics"}
    out = apply_policy(data, Policy(allowed_vendors=(("statistics", ("google-analytics",)),)))
    assert by_type_vendor(out)[("tracker-before-consent", "Google Analytics")]["policy"] == "allowed"


def test_severity_override_and_order() -> None:
    policy = Policy(severity=(("tracking-pixel", "high"), ("cookie-before-consent", "low")))
    data = apply_policy(SAMPLE, policy)
    pixel = by_type_vendor(data)[("tracking-pixel", "Meta")]
    assert (pixel["severity"], pixel["severity_was"], pixel["policy"]) == ("high", "info", "severity")
    cookie = by_type_vendor(data)[("cookie-before-consent", "Meta")]
    assert (cookie["severity"], cookie["severity_was"]) == ("low", "medium")
    assert [f["severity"] for f in data["findings"]] == ["high", "high", "high", "low"]  # most severe first
    assert data["summary"]["findings"] == {"high": 3, "medium": 0, "low": 1, "info": 0}
    assert data["policy"]["severity"] == {"tracking-pixel": "high", "cookie-before-consent": "low"}


def test_an_override_to_the_same_severity_records_no_change() -> None:
    data = apply_policy(SAMPLE, Policy(severity=(("tracker-before-consent", "high"),)))
    first = data["findings"][0]
    assert first["policy"] == "severity" and "severity_was" not in first


def test_allowance_wins_over_a_severity_override() -> None:
    policy = Policy(allowed_vendors=(("advertising", ("meta",)),), severity=(("tracking-pixel", "high"),))
    pixel = by_type_vendor(apply_policy(SAMPLE, policy))[("tracking-pixel", "Meta")]
    assert (pixel["policy"], pixel["severity"]) == ("allowed", "info") and "severity_was" not in pixel


def test_apply_policy_leaves_its_input_alone() -> None:
    before = json.dumps(SAMPLE, sort_keys=True)
    apply_policy(SAMPLE, Policy(allowed_vendors=(("advertising", ("meta",)),), severity=(("tracking-pixel", "low"),)))
    assert json.dumps(SAMPLE, sort_keys=True) == before
