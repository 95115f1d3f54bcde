"""Baseline files: create (sorted, reviewer fields kept on update), load (clear errors), compare and gate."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pixelaudit.baseline import BaselineError, Gate, compare, create, create_many, load, write
from pixelaudit.config import ConfigError
from pixelaudit.fingerprint import fingerprint

SAMPLE = json.loads((Path(__file__).parents[1] / "data" / "sample-findings.json").read_text())
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _result(*findings: dict) -> dict:
    return {"target": "https://shop.example/", "started_at": "2026-11-24T11:00:00Z", "complete": True,
            "requests": [], "cookies": [], "findings": list(findings)}


def _finding(host: str, ftype: str = "tracker-before-consent", severity: str = "high", vendor: str = "X") -> dict:
    return {"type": ftype, "severity": severity, "site": host, "host": host, "vendor": vendor,
            "scenario": "no-interaction", "url": f"https://{host}/p?t=1", "message": "…", "evidence": {}}


def test_create_from_the_sample():
    b = create(SAMPLE, now=NOW)
    assert b["pixelaudit_baseline"] == 1 and b["target"] == SAMPLE["target"]
    assert b["created_at"] == "2026-11-24T12:00:00Z" and b["tool"]["name"] == "pixelaudit"
    assert len(b["findings"]) == len(SAMPLE["findings"])
    keys = [(e["type"], e["scenario"], e["host"], e["fingerprint"]) for e in b["findings"]]
    assert keys == sorted(keys)
    first = next(e for e in b["findings"] if e["type"] == "tracker-before-consent" and e["vendor"] == "Meta")
    assert first == {"fingerprint": fingerprint(SAMPLE["findings"][0], SAMPLE), "type": "tracker-before-consent",
                     "severity": "high", "scenario": "no-interaction", "host": "www.facebook.com",
                     "site": "facebook.com", "vendor": "Meta", "rule": "meta-pixel",
                     "url_shape": "https://www.facebook.com/tr", "where": None, "reason": None, "accepted_by": None}


def test_write_then_load_round_trips(tmp_path):
    path = tmp_path / "b.json"
    write(create(SAMPLE, now=NOW), path)
    text = path.read_text()
    assert text.endswith("}\n") and '\n  "findings": [\n' in text  # indented: one key per line
    assert load(path) == create(SAMPLE, now=NOW)


def test_update_keeps_reviewer_fields_and_created_at():
    old = create(_result(_finding("a.example"), _finding("b.example")), now=NOW)
    for e in old["findings"]:
        e.update(reason="agreed with legal, ticket PRIV-12", accepted_by="dana", note="extra field")
    later = datetime(2026, 12, 1, tzinfo=UTC)
    new = create(_result(_finding("b.example"), _finding("c.example")), previous=old, now=later)
    by_host = {e["host"]: e for e in new["findings"]}
    assert set(by_host) == {"b.example", "c.example"}
    assert (by_host["b.example"]["reason"], by_host["b.example"]["accepted_by"], by_host["b.example"]["note"]) == \
        ("agreed with legal, ticket PRIV-12", "dana", "extra field")
    assert by_host["c.example"]["reason"] is None and "note" not in by_host["c.example"]
    assert new["created_at"] == old["created_at"] and new["updated_at"] == "2026-12-01T00:00:00Z"


def test_one_entry_per_fingerprint_at_the_highest_severity():
    # px-1 and px-2 have one host shape, so one fingerprint: the baseline accepts the worse of the two
    b = create(_result(_finding("px-1.ads.example", severity="low"), _finding("px-2.ads.example")), now=NOW)
    assert [e["severity"] for e in b["findings"]] == ["high"]


@pytest.mark.parametrize(("content", "says"), [
    (None, "no such file"),
    ("{not json", "not JSON"),
    ('{"findings": []}', "not a pixelaudit baseline"),
    ('{"pixelaudit_baseline": 2, "findings": []}', "version 2 is not supported"),
    ('{"pixelaudit_baseline": 1, "findings": [{"severity": "high"}]}', "each with a fingerprint"),
    ('{"pixelaudit_baseline": 1, "findings": [{"fingerprint": "ab", "severity": "urgent"}]}', "and a severity"),
])
def test_load_errors_are_one_line(tmp_path, content, says):
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BaselineError) as err:
        load(path)
    assert says in str(err.value) and "\n" not in str(err.value) and str(path) in str(err.value)
    assert isinstance(err.value, ConfigError)  # the CLI's usage-error path (exit 2) catches it


def test_compare_new_known_disappeared():
    baseline = create(_result(_finding("a.example"), _finding("gone.example")), now=NOW)
    later = _result(_finding("a.example"), _finding("new.example", vendor="Y"))
    later["findings"][0]["url"] = "https://a.example/p?t=999"  # another query value: still known
    c = compare(later, baseline)
    assert [f["host"] for f in c.known] == ["a.example"] and [f["host"] for f in c.new] == ["new.example"]
    assert [e["host"] for e in c.disappeared] == ["gone.example"]
    assert [f["baseline"] for f in c.findings] == ["known", "new"]
    assert all(f["fingerprint"] == fingerprint(orig, later) for f, orig in zip(c.findings, later["findings"],
                                                                                strict=True))


def test_a_worse_severity_than_accepted_is_new():
    baseline = create(_result(_finding("www.google-analytics.com", severity="low")), now=NOW)
    c = compare(_result(_finding("www.google-analytics.com", severity="high")), baseline)
    assert len(c.new) == 1 and c.new[0]["baseline_severity"] == "low"
    assert compare(_result(_finding("www.google-analytics.com", severity="info")), baseline).new == ()


def test_gate_marks_the_result_and_gates_on_new_findings_only():
    baseline = create(_result(_finding("a.example"), _finding("gone.example", vendor="Old")), now=NOW)
    later = _result(_finding("a.example"), _finding("new.example", severity="medium", vendor="Fresh"))
    before = copy.deepcopy(later)
    gate = Gate("ci/baseline.json", baseline)
    marked = gate.apply(later)
    assert later == before  # a new dict, the scan's own untouched
    assert [f["baseline"] for f in marked["findings"]] == ["known", "new"]
    assert marked["baseline"]["file"] == "ci/baseline.json"
    assert (marked["baseline"]["new"], marked["baseline"]["known"]) == (1, 1)
    assert [e["host"] for e in marked["baseline"]["disappeared"]] == ["gone.example"]
    assert [f["host"] for f in Gate.gated(marked)["findings"]] == ["new.example"]
    lines = Gate.lines(marked)
    assert lines[0] == "baseline ci/baseline.json: 1 new, 1 known, 1 disappeared"
    assert lines[1].startswith("  NEW [medium] tracker-before-consent in no-interaction: new.example (Fresh)")
    assert lines[2].startswith("  disappeared [high] tracker-before-consent in no-interaction: gone.example (Old)")
    assert Gate.lines(marked, quiet=True) == lines[:1]


def test_gate_load_reads_the_file(tmp_path):
    path = tmp_path / "b.json"
    write(create(SAMPLE, now=NOW), path)
    gate = Gate.load(path)
    assert gate.file == str(path) and gate.apply(SAMPLE)["baseline"]["new"] == 0


def _site(target: str, *findings: dict) -> dict:
    return {**_result(*findings), "target": target}


def test_one_baseline_for_several_targets_gates_each_by_its_own_entries():
    shop, blog = "https://shop.example/", "https://blog.example/"
    made = create_many([_site(shop, _finding("a.example"), _finding("gone.example")),
                        _site(blog, _finding("a.example"))], now=NOW)
    assert made["targets"] == [shop, blog] and made["target"] is None
    assert [(e["target"], e["host"]) for e in made["findings"]] == [
        (shop, "a.example"), (shop, "gone.example"), (blog, "a.example")]
    gate = Gate("b.json", made)
    # the blog lost nothing: the shop's gone.example entry is not the blog's to miss
    blog_now = gate.for_target(blog).apply(_site(blog, _finding("a.example")))
    assert (blog_now["baseline"]["known"], blog_now["baseline"]["disappeared"]) == (1, [])
    shop_now = gate.for_target(shop).apply(_site(shop, _finding("a.example"), _finding("new.example")))
    assert [f["baseline"] for f in shop_now["findings"]] == ["known", "new"]
    assert [e["host"] for e in shop_now["baseline"]["disappeared"]] == ["gone.example"]
    # a finding accepted on one target is new on another
    other = gate.for_target(blog).apply(_site(blog, _finding("gone.example")))
    assert [f["baseline"] for f in other["findings"]] == ["new"]
    # a single-site baseline (entries without a target) still accepts its findings on every target
    single = Gate("b.json", create(_site(shop, _finding("a.example")), now=NOW)).for_target(blog)
    assert single.apply(_site(blog, _finding("a.example")))["baseline"]["known"] == 1


def test_updating_a_targets_baseline_keeps_each_targets_reviewer_fields():
    shop, blog = "https://shop.example/", "https://blog.example/"
    first = create_many([_site(shop, _finding("a.example")), _site(blog, _finding("a.example"))], now=NOW)
    first["findings"][1]["reason"] = "blog: accepted by DPO"
    later = create_many([_site(shop, _finding("a.example")), _site(blog, _finding("a.example"))],
                        previous=first, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert [e["reason"] for e in later["findings"]] == [None, "blog: accepted by DPO"]
    assert later["created_at"] == first["created_at"] and later["updated_at"] == "2026-12-01T00:00:00Z"
