"""`pixelaudit scan` on e-mails, as a user runs it: outputs, exit codes, one-line errors per bad item,
--identity, and hostile strings from a mail kept inert in the report."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).parent.parent / "data" / "email"
HOSTILE = """From: "Evil <script>alert(1)</script>" <news@evil.example>
To: jane.doe@example.com
Subject: <img src=x onerror=alert(2)> sale
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p>Hi</p><img src="https://t.evil.example/o.gif?u=jane.doe%40example.com&x=%22%3E%3Cscript%3Ealert(3)%3C/script%3E"
width="1" height="1"><a href="https://t.evil.example/c?u=https%3A%2F%2Fshop.example%2F%3Cscript%3E">"><script>alert(4)</script></a>
"""


def test_one_mail_writes_its_reports_and_fails_on_high_findings(cli, tmp_path):
    code, out, err, data = cli("scan", str(DATA / "mailchimp-newsletter.eml"), "--out", str(tmp_path / "o"),
                               resolve=False, trust=False)
    assert code == 1, err  # high findings, --fail-on high by default
    assert out.splitlines()[0].endswith("mailchimp-newsletter.eml: Mailchimp; 1 open pixels, 3 click-tracking "
                                        "links, 2 third-party remote items, 0 address leaks; findings: 1 high, "
                                        "1 medium, 1 low")
    assert {p.name for p in (tmp_path / "o").iterdir()} == {"findings.json", "report.html", "mail.png"}
    assert data["kind"] == "email" and data["email"]["platform"]["rule"] == "mailchimp"
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "roasts are here" in report and "data:image/png;base64," in report  # the rendering, inlined


def test_clean_mail_passes(cli, tmp_path):
    code, _out, err, data = cli("scan", str(DATA / "transactional-clean.eml"), "--out", str(tmp_path / "o"),
                               resolve=False, trust=False)
    assert code == 0, err
    assert data["findings"] == [] and data["complete"]


def test_bad_items_get_one_line_each_and_the_batch_goes_on(cli, tmp_path):
    out_dir = tmp_path / "o"
    code, _out, err, data = cli("scan", str(DATA / "bad"), "--out", str(out_dir), "-f", "json,html,csv",
                               resolve=False, trust=False)
    assert code == 3  # some items could not be audited
    lines = [line for line in err.splitlines() if line.startswith("pixelaudit: error: ")]
    assert [line.split(DATA.name + "/bad/")[1].split(":")[0] for line in lines] == ["mixed.mbox#3", "not-mime.eml"]
    assert data["batch"] and data["summary"]["messages"] == 7 and data["summary"]["unreadable"] == 2
    with open(out_dir / "summary.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 7 and sum(1 for r in rows if r["error"]) == 2
    assert all((out_dir / r["dir"] / "report.html").is_file() for r in data["messages"] if r["dir"])
    assert (out_dir / "report.html").is_file()


def test_missing_path_is_a_usage_error(cli, tmp_path):
    code, _out, err, data = cli("scan", str(tmp_path / "nope.eml"), resolve=False, trust=False)
    assert code == 2 and data is None
    assert err.strip() == f"pixelaudit: error: {tmp_path / 'nope.eml'}: no such file or folder"


def test_identity_for_a_bare_html_body(cli, tmp_path):
    page = tmp_path / "body.html"
    page.write_text('<img src="https://px.tracker.example/o.gif?em=0cba00ca3da1b283a57287bcceb17e35" width="1" '
                    'height="1">', encoding="utf-8")
    code, _out, _err, data = cli("scan", str(page), "--identity", "Jane.Doe@Example.com", "--out",
                               str(tmp_path / "o"), resolve=False, trust=False)
    assert data["email"]["identities"] == ["Jane.Doe@Example.com"]
    assert [(x["form"], x["where"], x["party"]) for x in data["leaks"]] == [("md5", "query:em", "third")]
    assert {f["type"] for f in data["findings"]} == {"pii-leak", "email-open-pixel"} and code == 1


def test_hostile_mail_stays_inert_in_the_report(cli, tmp_path):
    mail = tmp_path / "hostile.eml"
    mail.write_text(HOSTILE, encoding="utf-8")
    code, _out, err, data = cli("scan", str(mail), "--out", str(tmp_path / "o"), resolve=False, trust=False)
    assert data["complete"] and code == 1, err  # the address, URL-encoded, goes to t.evil.example
    assert data["email"]["subject"] == "<img src=x onerror=alert(2)> sale"
    assert [c["final_url"] for c in data["click_tracking"]] == ["https://shop.example/<script>"]
    report = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in report and "<img src=x" not in report
    assert "&lt;img src=x onerror=alert(2)&gt; sale" in report
