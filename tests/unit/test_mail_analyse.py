"""Unit tests for pixelaudit.mail.analyse (sender sites, findings, severities, order) and pixelaudit.mail.result
(findings.json kind "email", batch rows and index), from hand-built Mail and Rendering records (no browser)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pixelaudit.mail.analyse import analyse, sender_sites
from pixelaudit.mail.model import DkimSignature, Mail, MailAddress, MailError, MailHeaders
from pixelaudit.mail.render import CID_ORIGIN, STUB_SIZE, MailImage, MailLink, MailRequest, Rendering
from pixelaudit.mail.result import batch_index, error_row, mail_to_dict, summary_row
from pixelaudit.parties import site_of
from pixelaudit.rules import load_rules

RULES = load_rules()
JANE = "jane.doe@example.com"
JANE_B64 = "amFuZS5kb2VAZXhhbXBsZS5jb20"  # URL-safe base64, no padding
JANE_MD5 = "0cba00ca3da1b283a57287bcceb17e35"
UPN = "u001.Hm7vX2kq9Lz3R8tYb5wNc1dPfE0gJ4aS6hUiO"  # a SendGrid per-recipient token


def address(addr: str) -> MailAddress:
    domain = addr.rpartition("@")[2]
    return MailAddress(addr, domain, site_of(domain))


SHOP_HEADERS = MailHeaders(from_addr=address("news@shop.example"), to=(JANE,), delivered_to=(JANE,),
                           subject="Spring news", message_id="abc@shop.example")


def mail(headers: MailHeaders = SHOP_HEADERS) -> Mail:
    return Mail("news.eml", "news.eml", "eml", 1234, headers, "<p>hi</p>", "text/html", "utf-8", "utf-8")


def pixel(url: str, size: str | None = "1", hidden: str | None = None) -> MailImage:
    drawn = (1, 1) if size else STUB_SIZE
    return MailImage(url, "img", "screen", size, size, drawn[0], drawn[1], hidden)


def picture(url: str) -> MailImage:
    return MailImage(url, "img", "screen", "600", "200", 600, 200, None)


def req(url: str, kind: str = "image", answered: str = "stub") -> MailRequest:
    return MailRequest(url, kind, "screen", 1.0, answered, 200 if answered == "cid" else None)


def rendering(images=(), links=(), extra=(), error=None) -> Rendering:
    """Every image is requested; `extra` are requests no image shows (fonts, cid parts)."""
    requests = tuple(req(i.url) for i in images) + tuple(extra)
    return Rendering(requests, tuple(images), tuple(MailLink(h, t) for h, t in links), None, False, error)


def findings(analysis) -> list[tuple[str, str, str, int]]:
    return [(f.type, f.severity, f.host, f.evidence["count"]) for f in analysis.findings]


# --- sender_sites ------------------------------------------------------------------------------------------------


def test_sender_sites_from_the_from_address():
    headers = MailHeaders(from_addr=address("deals@email.meridian-air.example"),
                          dkim=(DkimSignature("mcdlv.net", "k1"),))
    assert sender_sites(mail(headers)) == frozenset({"meridian-air.example"})


def test_sender_sites_else_every_dkim_signer():
    headers = MailHeaders(dkim=(DkimSignature("send.saltmarsh.example", "kl"), DkimSignature("mcdlv.net", "k1")))
    assert sender_sites(mail(headers)) == frozenset({"saltmarsh.example", "mcdlv.net"})


def test_sender_sites_unknown():
    assert sender_sites(mail(MailHeaders())) == frozenset()


def test_party_follows_the_sender():
    url = "https://t.shop.example/o.gif?c=1"
    assert [p.party for p in analyse(mail(), rendering([pixel(url)]), RULES).pixels] == ["first"]
    assert [p.party for p in analyse(mail(MailHeaders()), rendering([pixel(url)]), RULES).pixels] == ["third"]


# --- open pixels -------------------------------------------------------------------------------------------------


def test_open_pixel_severity():
    plain = "https://t.tracker.example/o.gif?c=spring"
    with_address = f"https://t.shop.example/o.gif?c=spring&email={JANE}"
    with_id = "https://t.other.example/o.gif?c=spring&e=5d2b7e9c4a"
    a = analyse(mail(), rendering([pixel(plain), pixel(with_address), pixel(with_id)]), RULES)
    assert [(f.type, f.severity, f.host, f.message) for f in a.findings] == [
        ("email-open-pixel", "high", "t.other.example",
         "open pixel on t.other.example: declared 1×1; per-recipient id in query:e"),
        ("email-open-pixel", "high", "t.shop.example",
         "open pixel on t.shop.example: declared 1×1; carries the recipient's address (raw)"),
        ("email-open-pixel", "medium", "t.tracker.example", "open pixel on t.tracker.example: declared 1×1"),
    ]  # the address went to the sender's own host: personal data, but no leak to a third party


def test_one_finding_per_type_and_host_with_a_count():
    urls = [f"https://t.tracker.example/o{n}.gif?c=spring" for n in range(3)]
    a = analyse(mail(), rendering([pixel(u) for u in urls]), RULES)
    (finding,) = a.findings
    assert (finding.url, finding.evidence) == (urls[0], {"pixel_index": 0, "media": "screen", "count": 3})


def test_a_hosts_finding_takes_its_most_severe_evidence():
    plain = "https://t.tracker.example/o.gif?c=spring"
    personal = f"https://t.tracker.example/o.gif?c=spring&u={JANE_B64}"
    a = analyse(mail(), rendering([pixel(plain), pixel(personal)]), RULES)
    opens = [f for f in a.findings if f.type == "email-open-pixel"]
    assert [(f.severity, f.url, f.evidence) for f in opens] == [
        ("high", personal, {"pixel_index": 1, "media": "screen", "count": 2})]


# --- click tracking ----------------------------------------------------------------------------------------------

MC_CLICK = "https://acme.us14.list-manage.com/track/click?u=acme&id=spring"  # nothing per-recipient in it
REDIRECT = "https://links.mailer.example/r?url=https%3A%2F%2Fwww.shop.example%2Fsale"


def test_click_tracking_severity():
    personal = f"{MC_CLICK}&e=5d2b7e9c4a"
    a = analyse(mail(), rendering(links=[(REDIRECT, "Sale"), (personal, "Shop")]), RULES)
    assert [(f.type, f.severity, f.host, f.vendor, f.message) for f in a.findings] == [
        ("email-click-tracking", "medium", "acme.us14.list-manage.com", "Mailchimp",
         "link 'Shop' goes through acme.us14.list-manage.com: Mailchimp click redirect (mailchimp); "
         "per-recipient id in query:e"),
        ("email-click-tracking", "low", "links.mailer.example", None,
         "link 'Sale' goes through links.mailer.example to https://www.shop.example/sale: "
         "redirect that carries the destination"),
    ]


def test_click_tracking_takes_the_most_severe_link_of_a_host():
    a = analyse(mail(), rendering(links=[(MC_CLICK, "View online"), (f"{MC_CLICK}&e=5d2b7e9c4a", "Shop")]), RULES)
    assert findings(a) == [("email-click-tracking", "medium", "acme.us14.list-manage.com", 2)]


def test_finals_reach_click_tracking():
    short = "https://go.mailer.example/abc"
    a = analyse(mail(), rendering(links=[(short, "Go")]), RULES, finals={short: "https://www.shop.example/landing"})
    assert [(c.href, c.final_url) for c in a.clicks] == [(short, "https://www.shop.example/landing")]


# --- remote content ----------------------------------------------------------------------------------------------


def test_remote_content_is_low_and_only_third_party():
    cid = f"{CID_ORIGIN}/logo%40shop.example"
    a = analyse(mail(), rendering([picture("https://cdn.shop.example/hero.jpg"),
                                   picture("https://img.cdn.example/hero.jpg")],
                                  extra=[req("https://fonts.gstatic.example/s/inter.woff2", "font"),
                                         req(cid, answered="cid")]), RULES)
    assert [(r.host, r.party) for r in a.remote] == [("cdn.shop.example", "first"), ("img.cdn.example", "third"),
                                                      ("fonts.gstatic.example", "third")]
    assert [(f.type, f.severity, f.host, f.message) for f in a.findings] == [
        ("email-remote-content", "low", "fonts.gstatic.example", "loads font from third party fonts.gstatic.example"),
        ("email-remote-content", "low", "img.cdn.example", "loads image from third party img.cdn.example"),
    ]


def test_pixels_are_not_remote_content():
    a = analyse(mail(), rendering([pixel("https://t.tracker.example/o.gif?c=1")]), RULES)
    assert a.remote == () and [f.type for f in a.findings] == ["email-open-pixel"]


# --- leaks -------------------------------------------------------------------------------------------------------


def test_leak_to_a_third_party():
    avatar = f"https://www.gravatar.com/avatar/{JANE_MD5}?s=48"
    a = analyse(mail(), rendering([picture(avatar)]), RULES)
    leak, remote = a.findings  # the avatar is third-party remote content too: both are listed
    assert (leak.type, leak.severity, leak.site, leak.host, leak.vendor, leak.url) == (
        "pii-leak", "high", "gravatar.com", "www.gravatar.com", None, avatar)
    assert leak.message == "the recipient's address as md5 in the request URL's path, sent to www.gravatar.com"
    assert leak.evidence == {"leak_index": 0, "form": "md5", "where": "path", "count": 1}
    assert (remote.type, remote.severity, remote.host) == ("email-remote-content", "low", "www.gravatar.com")


def test_no_leak_finding_for_the_senders_own_host():
    url = f"https://analytics.shop.example/e.gif?email={JANE}"
    a = analyse(mail(), rendering([pixel(url)]), RULES)
    assert [(h.host, h.party, h.leak.form) for h in a.leaks] == [("analytics.shop.example", "first", "raw")]
    assert [f.type for f in a.findings] == ["email-open-pixel"]


def test_leak_to_a_platform_on_the_senders_domain():
    url = f"https://url4821.shop.example/wf/open?upn={UPN}&e=jane.doe%40example.com"
    a = analyse(mail(), rendering([pixel(url, size=None)]), RULES)
    assert [(h.party, h.vendor) for h in a.leaks] == [("third", "Twilio SendGrid")]
    leak = a.findings[0]
    assert (leak.type, leak.severity, leak.site, leak.host, leak.vendor) == (
        "pii-leak", "high", "shop.example", "url4821.shop.example", "Twilio SendGrid")
    assert leak.message == ("the recipient's address as url-encoded in the request URL's query:e, "
                            "sent to Twilio SendGrid")


def test_leak_in_a_link_says_when_the_link_is_clicked():
    href = f"https://links.mailer.example/r?url=https%3A%2F%2Fwww.shop.example%2F&m={JANE_B64}"
    a = analyse(mail(), rendering(links=[(href, "Home")]), RULES)
    assert [(f.type, f.severity, f.message) for f in a.findings] == [
        ("pii-leak", "high", "the recipient's address as base64-nopad in the link URL's query:m, "
                             "sent to links.mailer.example when the link is clicked"),
        ("email-click-tracking", "medium", "link 'Home' goes through links.mailer.example to https://www.shop.example/:"
                                           " redirect that carries the destination; carries the recipient's address "
                                           "(base64-nopad)"),
    ]


def test_identities_override_the_headers():
    url = f"https://t.tracker.example/o.gif?email={JANE}"
    other = analyse(mail(), rendering([pixel(url)]), RULES, identities=("someone@else.example",))
    assert (other.identities, other.leaks) == (("someone@else.example",), ())
    assert analyse(mail(), rendering([pixel(url)]), RULES).identities == (JANE,)


def test_no_recipient_no_leaks():
    url = f"https://t.tracker.example/o.gif?email={JANE}"
    a = analyse(mail(MailHeaders(from_addr=address("news@shop.example"))), rendering([pixel(url)]), RULES)
    assert (a.identities, a.leaks, findings(a)) == ((), (), [("email-open-pixel", "medium", "t.tracker.example", 1)])


# --- order and platform ------------------------------------------------------------------------------------------


def everything():
    """A mail with one of each finding type, on hosts whose names do not sort the same way as the types."""
    return analyse(mail(), rendering(
        [pixel("https://b.tracker.example/o.gif?c=1"), pixel("https://a.tracker.example/o.gif?c=1"),
         picture("https://z.cdn.example/hero.jpg"), picture(f"https://c.avatars.example/{JANE_MD5}.png")],
        links=[(REDIRECT, "Sale")], extra=[req("https://a.fonts.example/f.woff2", "font")]), RULES)


def test_findings_order_type_then_host():
    assert findings(everything()) == [
        ("pii-leak", "high", "c.avatars.example", 1),
        ("email-open-pixel", "medium", "a.tracker.example", 1),
        ("email-open-pixel", "medium", "b.tracker.example", 1),
        ("email-click-tracking", "low", "links.mailer.example", 1),
        ("email-remote-content", "low", "a.fonts.example", 1),
        ("email-remote-content", "low", "c.avatars.example", 1),
        ("email-remote-content", "low", "z.cdn.example", 1),
    ]


def test_platform_from_headers_counts_its_urls_and_lends_its_shapes():
    headers = MailHeaders(from_addr=address("deals@email.shop.example"), to=(JANE,),
                          platform_headers=(("X-SFMC-Stack", "7"),))
    open_url = "https://click.email.shop.example/open.aspx?ffcb10-fec81a7e7d6c0c7c&d=70112&bmt=0"
    a = analyse(mail(headers), rendering([pixel(open_url, size=None)],
                                         links=[("https://click.email.shop.example/?qs=a1f3c0e2a1f3c0e2", "Go")]),
                RULES)
    assert (a.platform.rule, a.platform.evidence) == ("salesforce-marketing-cloud",
                                                      ("header x-sfmc-stack", "2 tracking URL(s)"))
    assert [p.rule for p in a.pixels] == [c.rule for c in a.clicks] == ["salesforce-marketing-cloud"]
    assert analyse(mail(), rendering([pixel(open_url, size=None)]), RULES).pixels == ()  # no headers, no shape


def test_platform_from_urls_alone():
    ses = "https://a7kq2m9x.r.us-east-1.awstrack.me/I0/0100018b2f3c4d5e-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-000000/Ab=1"
    a = analyse(mail(), rendering([pixel(ses, size=None)]), RULES)
    assert (a.platform.rule, a.platform.evidence) == ("amazon-ses", ("1 tracking URL(s)",))
    assert analyse(mail(), rendering(), RULES).platform is None


# --- findings.json -----------------------------------------------------------------------------------------------

START, END = datetime(2024, 5, 14, 9, 0, 0, tzinfo=UTC), datetime(2024, 5, 14, 9, 0, 3, tzinfo=UTC)
REQUEST_KEYS = {"url", "method", "resource_type", "status", "scenario", "page_url", "time_ms", "before_consent",
                "host", "site", "party", "tracker", "pixel"}
FINDING_KEYS = {"type", "severity", "site", "host", "vendor", "scenario", "url", "evidence"}


def to_dict(analysis) -> dict:
    return mail_to_dict(analysis, started_at=START, finished_at=END, browser={"name": "chromium", "version": "1"},
                        rules_info={"version": "test"}, options={"live": False}, screenshot=None)


def test_mail_to_dict_has_the_findings_v1_keys():
    data = to_dict(everything())
    assert (data["schema_version"], data["kind"], data["target"], data["scenarios"]) == (1, "email", "news.eml",
                                                                                          ["open"])
    assert (data["started_at"], data["finished_at"], data["complete"], data["errors"]) == (
        "2024-05-14T09:00:00Z", "2024-05-14T09:00:03Z", True, [])
    assert data["tool"]["name"] == "pixelaudit" and data["browser"] == {"name": "chromium", "version": "1"}
    consent = ("banner_found", "cmp", "reject_clicked", "accept_clicked")
    assert {k: data["consent"][k] for k in consent} == dict.fromkeys(consent)  # all null: a mail has no banner
    assert data["pages"] == [{"url": "news.eml", "scenario": "open", "status": None}] and data["cookies"] == []
    assert len(data["requests"]) == 5
    for request in data["requests"]:
        assert REQUEST_KEYS <= set(request)
        assert (request["method"], request["scenario"], request["page_url"], request["before_consent"]) == (
            "GET", "open", "news.eml", None)
    assert [f["type"] for f in data["findings"]] == [f.type for f in everything().findings]
    assert all(FINDING_KEYS <= set(f) for f in data["findings"])


def test_mail_to_dict_requests():
    ses = "https://a7kq2m9x.r.us-east-1.awstrack.me/I0/0100018b2f3c4d5e-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-000000/Ab=1"
    cid = f"{CID_ORIGIN}/logo%40shop.example"
    data = to_dict(analyse(mail(), rendering([pixel(ses), picture("https://cdn.shop.example/hero.jpg")],
                                             extra=[req(cid, answered="cid")]), RULES))
    tracked, hero, part = data["requests"]
    assert {k: tracked[k] for k in ("host", "site", "party", "tracker", "pixel", "status")} == {
        "host": "a7kq2m9x.r.us-east-1.awstrack.me", "site": "awstrack.me", "party": "third",
        "tracker": {"vendor": "Amazon SES", "category": "email", "rule": "amazon-ses"},
        "pixel": {"width": None, "height": None, "bytes": None,
                  "reasons": ["Amazon SES tracking URL (amazon-ses)", "declared 1×1"]}, "status": None}
    assert {k: hero[k] for k in ("host", "site", "party", "tracker", "pixel")} == {
        "host": "cdn.shop.example", "site": "shop.example", "party": "first", "tracker": None, "pixel": None}
    assert {k: part[k] for k in ("host", "site", "party", "answered", "status")} == {
        "host": None, "site": None, "party": "first", "answered": "cid", "status": 200}


def test_mail_to_dict_summary_and_email_block():
    data = to_dict(everything())
    assert data["summary"] == {"requests": 5, "pixels": 2, "click_tracking_links": 1, "links": 1,
                               "third_party_remote": 3, "leaks": 1,
                               "findings": {"high": 1, "medium": 2, "low": 4, "info": 0}}
    email = data["email"]
    assert (email["from"], email["sender_sites"], email["to"], email["identities"], email["platform"]) == (
        "news@shop.example", ["shop.example"], [JANE], [JANE], None)


def test_a_rendering_error_makes_the_result_incomplete():
    data = to_dict(analyse(mail(), rendering(error="rendering timed out after 15 s"), RULES))
    assert (data["complete"], data["errors"]) == (False, [
        {"code": "render-failed", "message": "news.eml: rendering timed out after 15 s", "fatal": True}])


# --- batch rows and index ----------------------------------------------------------------------------------------


def test_summary_row_and_error_row_have_the_same_columns():
    row = summary_row(to_dict(everything()))
    error = error_row(MailError("bad.eml", "bad.eml", "not-mime", "no header block"))
    assert list(row) == list(error)
    assert row == {"mail": "news.eml", "subject": "Spring news", "from": "news@shop.example", "platform": None,
                   "pixels": 2, "click_tracking": 1, "third_party_remote": 3, "leaks": 1, "leak_forms": ["md5"],
                   "high": 1, "medium": 2, "low": 4, "complete": True, "error": None, "dir": None}
    assert (error["error"], error["complete"], error["pixels"]) == ("not-mime: no header block", False, None)


def test_batch_index_summary_counts():
    clean = to_dict(analyse(mail(), rendering(), RULES))
    rows = [summary_row(to_dict(everything())), summary_row(clean),
            error_row(MailError("bad.eml", "bad.eml", "not-mime", "no header block"))]
    found = [{"severity": "high"}, {"severity": "low"}, {"severity": "low"}]
    errors = [{"code": "not-mime", "message": "bad.eml: no header block"}]
    index = batch_index("mails/", rows, found, errors, started_at=START, finished_at=END, browser={},
                        rules_info={}, options={})
    assert (index["kind"], index["batch"], index["complete"], index["messages"]) == ("email", True, False, rows)
    assert index["summary"] == {"messages": 3, "unreadable": 1, "with_pixels": 1, "with_click_tracking": 1,
                                "with_leaks": 1, "findings": {"high": 1, "medium": 0, "low": 2, "info": 0}}
    assert index["consent"]["banner_found"] is None and index["requests"] == index["cookies"] == []


@pytest.mark.parametrize("errors", [[], [{"code": "x", "message": "y"}]])
def test_batch_index_is_complete_without_errors(errors):
    index = batch_index("m", [], [], errors, started_at=START, finished_at=END, browser={}, rules_info={}, options={})
    assert index["complete"] is (not errors)
