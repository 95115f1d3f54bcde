"""The CI gate on e-mail scans, through the CLI: the config file's [policy] on a message and a mailbox (files,
index, reports, exit code), and the --baseline round trip (create → same scan passes → a new tracker in one
message fails naming only it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

DATA = Path(__file__).parent.parent / "data" / "email"
MAILCHIMP, KLAVIYO, CLEAN = "mailchimp-newsletter.eml", "klaviyo-abandoned-cart.eml", "transactional-clean.eml"
SENDGRID_PIXEL = ('<img src="https://u1234567.ct.sendgrid.net/wf/open?upn=u001.AbCdEfGhIjKlMnOpQrStUv" width="1" '
                  'height="1">')
MAIL = {"resolve": False, "trust": False}


def config(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pixelaudit.toml").write_text(text, encoding="utf-8")
    return folder


def mailbox(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(DATA / name, folder / name)
    return folder


def test_policy_allowing_the_email_platform_passes_one_message(cli, tmp_path):
    cwd = config(tmp_path / "ci", '[policy]\nallowed_vendors = { email = ["Mailchimp"] }\n')
    out = tmp_path / "o"
    code, stdout, err, data = cli("scan", str(DATA / MAILCHIMP), "--out", str(out), "-f", "json,html,md",
                                  cwd=cwd, **MAIL)
    assert code == 0, stdout + err  # without the policy: exit 1 (test_mail_cli), the open pixel is high
    by_type = {f["type"]: f for f in data["findings"]}
    pixel, click = by_type["email-open-pixel"], by_type["email-click-tracking"]
    assert (pixel["policy"], pixel["severity"], pixel["severity_was"]) == ("allowed", "info", "high")
    assert (click["policy"], click["severity"], click["severity_was"]) == ("allowed", "info", "medium")
    assert by_type["email-remote-content"]["policy"] is None  # no vendor named: nothing to allow
    assert data["summary"]["findings"] == {"high": 0, "medium": 0, "low": 1, "info": 2}
    assert data["policy"]["source"] == str(cwd / "pixelaudit.toml")
    assert "(allowed by policy, was high)" in stdout
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "allowed by policy (was high)" in report and "allowed by policy (was medium)" in report
    assert "Not failing: 1 finding(s) below the threshold (high), 2 allowed by policy" in \
        (out / "summary.md").read_text(encoding="utf-8")


def test_policy_on_a_mailbox_judges_every_message_and_the_index(cli, tmp_path):
    box = mailbox(tmp_path / "box", MAILCHIMP, KLAVIYO, CLEAN)
    cwd = config(tmp_path / "ci", '[policy]\nallowed_vendors = { marketing = ["mailchimp"] }\n'
                                  'severity = { "email-click-tracking" = "high" }\n')
    out = tmp_path / "o"
    code, _stdout, err, index = cli("scan", str(box), "--out", str(out), "--fail-on", "medium", cwd=cwd, **MAIL)
    assert code == 1, err  # Klaviyo's click tracking is high now
    assert index["policy"]["allowed_vendors"] == {"marketing": ["mailchimp"]}
    mailchimp = [f for f in index["findings"] if f["vendor"] == "Mailchimp"]
    assert mailchimp and all(f["policy"] == "allowed" and f["severity"] == "info" for f in mailchimp)
    klaviyo_clicks = [f for f in index["findings"] if f["vendor"] == "Klaviyo" and f["type"] == "email-click-tracking"]
    assert [(f["severity"], f["severity_was"], f["policy"]) for f in klaviyo_clicks] == [("high", "medium", "severity")]
    counted = {s: sum(f["severity"] == s for f in index["findings"]) for s in ("high", "medium", "low", "info")}
    assert index["summary"]["findings"] == counted and counted["info"] == len(mailchimp)
    rows = {Path(r["mail"]).name: r for r in index["messages"]}
    message = json.loads((out / rows[MAILCHIMP]["dir"] / "findings.json").read_text())
    assert rows[MAILCHIMP]["high"] == message["summary"]["findings"]["high"] == 0  # its row counts the judged file
    assert {f["policy"] for f in message["findings"] if f["vendor"] == "Mailchimp"} == {"allowed"}
    assert "allowed by policy (was high)" in (out / rows[MAILCHIMP]["dir"] / "report.html").read_text()
    assert "2 finding(s) allowed by policy" in (out / "report.html").read_text()


def test_baseline_round_trip_on_a_mailbox(cli, tmp_path):
    box = mailbox(tmp_path / "box", MAILCHIMP, KLAVIYO, CLEAN)
    code, _out, err, first = cli("scan", str(box), "--out", str(tmp_path / "r1"), **MAIL)
    assert code == 1, err
    code, stdout, err, _ = cli("baseline", "create", str(tmp_path / "r1"), "-o", str(tmp_path / "b.json"))
    assert code == 0 and f"{len(first['findings'])} accepted findings" in stdout, err
    entries = json.loads((tmp_path / "b.json").read_text())["findings"]
    assert all(e["where"].startswith("message-id:") for e in entries)  # every fixture has a Message-ID

    code, stdout, err, second = cli("scan", str(box), "--out", str(tmp_path / "r2"), "--baseline",
                                    str(tmp_path / "b.json"), "--fail-on", "low", **MAIL)
    assert code == 0, stdout + err  # known findings never fail, whatever the threshold
    assert {f["baseline"] for f in second["findings"]} == {"known"}
    assert f"baseline {tmp_path / 'b.json'}: 0 new, {len(first['findings'])} known, 0 disappeared" in stdout

    # a new tracker in one message; another message renamed (its Message-ID, not its name, identifies it)
    cart = box / KLAVIYO
    cart.write_text(cart.read_text(encoding="utf-8").replace("</body>", SENDGRID_PIXEL + "</body>"), encoding="utf-8")
    (box / MAILCHIMP).rename(box / "0001-renamed.eml")
    code, stdout, err, third = cli("scan", str(box), "--out", str(tmp_path / "r3"), "--baseline",
                                   str(tmp_path / "b.json"), "--fail-on", "medium", **MAIL)
    assert code == 1, stdout + err  # the new pixel is medium (a second platform's, in a Klaviyo mail)
    new = [f for f in third["findings"] if f["baseline"] == "new"]
    assert [(f["type"], f["host"]) for f in new] == [("email-open-pixel", "u1234567.ct.sendgrid.net")]
    assert third["baseline"]["new"] == 1 and third["baseline"]["disappeared"] == []
    named = [line for line in stdout.splitlines() if line.lstrip().startswith("NEW ")]
    assert len(named) == 1 and "u1234567.ct.sendgrid.net" in named[0] and named[0].endswith(KLAVIYO), stdout


def test_baseline_round_trip_on_one_message(cli, tmp_path):
    mail = mailbox(tmp_path / "m", KLAVIYO) / KLAVIYO
    assert cli("scan", str(mail), "--out", str(tmp_path / "r1"), **MAIL)[0] == 1
    assert cli("baseline", "create", str(tmp_path / "r1" / "findings.json"), "-o", str(tmp_path / "b.json"))[0] == 0
    code, stdout, err, data = cli("scan", str(mail), "--out", str(tmp_path / "r2"), "--baseline",
                                  str(tmp_path / "b.json"), "--fail-on", "medium", **MAIL)
    assert code == 0 and data["baseline"]["new"] == 0, stdout + err
    mail.write_text(mail.read_text(encoding="utf-8").replace("</body>", SENDGRID_PIXEL + "</body>"), encoding="utf-8")
    code, stdout, err, data = cli("scan", str(mail), "--out", str(tmp_path / "r3"), "--baseline",
                                  str(tmp_path / "b.json"), "--fail-on", "medium", **MAIL)
    assert code == 1, stdout + err
    assert [f["host"] for f in data["findings"] if f["baseline"] == "new"] == ["u1234567.ct.sendgrid.net"]
    assert sum(line.lstrip().startswith("NEW ") for line in stdout.splitlines()) == 1


def test_bad_baseline_stops_an_email_scan_before_it_starts(cli, tmp_path):
    code, _out, err, data = cli("scan", str(DATA / CLEAN), "--out", str(tmp_path / "o"), "--baseline",
                                str(tmp_path / "missing.json"), **MAIL)
    assert code == 2 and data is None and not (tmp_path / "o").exists()
    assert err.strip().count("\n") == 0 and "no such file" in err
