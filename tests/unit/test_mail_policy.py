"""The CI gate's pure parts for e-mail results: the policy reading an e-mail's pixels and links, a judged
batch index left as judged, fingerprints keyed by Message-ID, baseline lines naming the mail, and what the
HTML and Markdown reports say about policy decisions."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from pixelaudit.baseline import Gate, create, describe, entry
from pixelaudit.fingerprint import fingerprint
from pixelaudit.policy import Policy, apply_policy
from pixelaudit.report import html as html_report
from pixelaudit.report import markdown
from pixelaudit.report.html_policy import policy_note, policy_summary

DATA = Path(__file__).parents[1] / "data"
MAILCHIMP = {"vendor": "Mailchimp", "category": "email", "rule": "mailchimp", "purpose": "marketing"}


def one_mail() -> dict:
    """An e-mail findings.json, reduced to what the policy reads (as pixelaudit.mail.result writes it)."""
    url = "https://shop.us14.list-manage.com/track/open.php?u=7c1e&e=5d2b"

    def finding(ftype: str, severity: str, vendor: str | None, evidence: dict) -> dict:
        return {"type": ftype, "severity": severity, "site": "list-manage.com", "host": "shop.us14.list-manage.com",
                "vendor": vendor, "scenario": "open", "url": url, "message": ftype, "evidence": evidence}

    return {"kind": "email", "complete": True, "target": "spring.eml",
            "findings": [finding("email-open-pixel", "high", "Mailchimp", {"pixel_index": 0}),
                         finding("pii-leak", "high", "Mailchimp", {"leak_index": 0}),
                         finding("email-click-tracking", "medium", "Mailchimp", {"link_index": 0}),
                         finding("email-remote-content", "low", None, {"remote_index": 0})],
            "pixels": [{"url": url, "vendor": "Mailchimp", "rule": "mailchimp", "tracker": MAILCHIMP}],
            "click_tracking": [{"href": url, "vendor": "Mailchimp", "rule": "mailchimp", "tracker": MAILCHIMP}],
            "leaks": [{"url": url, "vendor": "Mailchimp", "form": "md5"}],
            "remote_content": [{"url": "https://cdn.example/a.png"}],
            "summary": {"findings": {"high": 2, "medium": 1, "low": 1, "info": 0}}}


def marks(data: dict) -> dict[str, tuple]:
    return {f["type"]: (f["severity"], f["policy"], f.get("severity_was")) for f in data["findings"]}


def test_an_allowed_email_platform_allows_its_pixel_and_links_but_not_a_leak_to_it():
    for group, name in (("email", "Mailchimp"), ("marketing", "mailchimp")):  # category by name, purpose by rule id
        data = apply_policy(one_mail(), Policy(allowed_vendors=((group, (name.lower(),)),)))
        assert marks(data) == {"email-open-pixel": ("info", "allowed", "high"),
                               "email-click-tracking": ("info", "allowed", "medium"),
                               "pii-leak": ("high", None, None), "email-remote-content": ("low", None, None)}
        assert data["summary"]["findings"] == {"high": 1, "medium": 0, "low": 1, "info": 2}
    other = apply_policy(one_mail(), Policy(allowed_vendors=(("advertising", ("mailchimp",)),)))
    assert {f["policy"] for f in other["findings"]} == {None}


def test_a_judged_batch_index_is_left_as_judged_and_in_its_order():
    policy = Policy(allowed_vendors=(("email", ("mailchimp",)),), severity=(("email-remote-content", "high"),))
    judged = apply_policy(one_mail(), policy)
    # the index: every message's judged findings, message by message (an allowed info before a high)
    index = {"kind": "email", "batch": True, "findings": [{**f, "mail": "a.eml"} for f in judged["findings"]]
             + [{**f, "mail": "b.eml"} for f in judged["findings"]], "summary": {"messages": 2, "findings": {}}}
    again = apply_policy(index, policy)
    assert again["findings"] == index["findings"]  # no second override, no re-sort across messages
    assert again["policy"] == policy.as_dict()
    assert again["summary"]["findings"] == {"high": 4, "medium": 0, "low": 0, "info": 4}


def test_batch_fingerprints_follow_the_message_id_not_the_file_or_its_place():
    finding = {"type": "email-open-pixel", "severity": "high", "scenario": "open", "host": "shop.us14.list-manage.com",
               "vendor": "Mailchimp", "url": "https://shop.us14.list-manage.com/track/open.php?u=1&e=2",
               "evidence": {"pixel_index": 0}}
    index = {"kind": "email", "batch": True, "findings": []}
    a = fingerprint({**finding, "mail": "box/0001.eml", "message_id": "abc@send.example"}, index)
    moved = fingerprint({**finding, "mail": "other/cur/1700000000.M1:2,RS", "message_id": "abc@send.example"}, index)
    other = fingerprint({**finding, "mail": "box/0001.eml", "message_id": "xyz@send.example"}, index)
    assert a == moved and a != other
    # without a Message-ID (a bare .html body): its file name, whatever the folder
    body = fingerprint({**finding, "mail": "x/body.html"}, index)
    assert body == fingerprint({**finding, "mail": "y/body.html"}, index)
    assert body != fingerprint({**finding, "mail": "x/other.html"}, index)


def test_baseline_of_a_batch_names_each_entry_s_mail_and_the_gate_lines_say_it():
    index = {"kind": "email", "batch": True, "target": "box", "findings": [
        {"type": "email-open-pixel", "severity": "high", "scenario": "open", "host": "t.example", "vendor": None,
         "url": "https://t.example/o.gif?id=1", "evidence": {}, "mail": "box/a.eml", "message_id": "a@x"}]}
    made = create(index)
    assert made["findings"][0]["mail"] == "box/a.eml" and made["findings"][0]["where"] == "message-id:a@x"
    assert "mail" not in entry({k: v for k, v in index["findings"][0].items() if k != "mail"}, index)
    later = {**index, "findings": [{**index["findings"][0], "host": "u.example", "url": "https://u.example/o.gif"}]}
    gated = Gate("b.json", made).apply(later)
    lines = Gate.lines(gated)
    assert lines[0] == "baseline b.json: 1 new, 0 known, 1 disappeared"
    assert lines[1].startswith("  NEW [high] email-open-pixel in open: u.example")
    assert lines[1].endswith(" in box/a.eml")
    assert lines[2].endswith(" in box/a.eml") and describe({"host": "h"}) == "h"


def test_policy_note_and_summary():
    assert policy_note({"policy": "allowed", "severity_was": "high"}) == "allowed by policy (was high)"
    assert policy_note({"policy": "severity", "severity_was": "low"}) == "severity set by policy (was low)"
    assert policy_note({"policy": "severity"}) is None  # the override matched what the scanner said
    assert policy_note({"policy": None, "severity": "high"}) is None and policy_note("x") is None
    data = apply_policy(one_mail(), Policy(allowed_vendors=(("email", ("mailchimp",)),),
                                           severity=(("email-remote-content", "medium"),), source="ci.toml"))
    assert policy_summary(data) == {"source": "ci.toml", "allowed": 2, "changed": 1}
    assert policy_summary(one_mail()) is None


def test_html_reports_say_allowed_by_policy_escaped():
    sample = json.loads((DATA / "sample-findings.json").read_text(encoding="utf-8"))
    policy = Policy(allowed_vendors=(("analytics", ("google analytics",)),), severity=(("tracking-pixel", "high"),),
                    source="<script>alert(1)</script>.toml")
    page = html_report.render(apply_policy(sample, policy))
    assert "allowed by policy (was high)" in page and "severity set by policy (was info)" in page
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;.toml" in page
    assert "allowed by policy" not in html_report.render(sample)

    batch = json.loads((DATA / "email-findings.json").read_text(encoding="utf-8"))
    judged = copy.deepcopy(batch)
    judged["findings"][0] |= {"severity": "info", "policy": "allowed", "severity_was": "high"}
    judged["policy"] = {"source": "pixelaudit.toml", "allowed_vendors": {"email": ["mailchimp"]}, "severity": {}}
    text = html_report.render_any(judged, None)
    assert "Policy applied (pixelaudit.toml): 1 finding(s) allowed by policy" in text
    assert "Policy applied" not in html_report.render_any(batch, None)


def test_markdown_summary_says_what_the_policy_did():
    sample = json.loads((DATA / "sample-findings.json").read_text(encoding="utf-8"))
    policy = Policy(allowed_vendors=(("analytics", ("google analytics",)),), severity=(("tracking-pixel", "high"),),
                    source="ci|<b>.toml")
    text = markdown.render(apply_policy(sample, policy))
    assert "| high; severity set by policy (was info) |" in text
    assert "allowed by policy; see the full report." in text
    assert "Policy applied: ci\\|&lt;b&gt;.toml" in text
    assert "policy" not in markdown.render(sample)
