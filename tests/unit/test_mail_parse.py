"""Unit tests for pixelaudit.mail.parse and its helpers: every fixture's body, charset, parts and header facts."""

from __future__ import annotations

import base64
import tracemalloc
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

import pixelaudit.mail.parse
import pixelaudit.mail.parts
from pixelaudit.mail import (
    Attachment,
    DkimSignature,
    Mail,
    MailAddress,
    MailError,
    MailIssue,
    RawMessage,
    iter_messages,
    parse_message,
    read_mail,
)
from pixelaudit.mail.charset import codec_for, decode_text, meta_charset
from pixelaudit.mail.headers import is_platform_header
from pixelaudit.mail.parse import plain_to_html

DATA = Path(__file__).parent.parent / "data" / "email"
JANE = ("jane.doe@example.com",)


def fixture(name: str) -> Mail:
    (raw,) = iter_messages(DATA / name)
    mail = parse_message(raw)
    assert isinstance(mail, Mail), mail
    return mail


def raw(data: bytes, source: str = "eml") -> RawMessage:
    return RawMessage("test.eml", "test.eml", source, data)


def facts(mail: Mail) -> dict:
    """Everything parsing decided about a message except the HTML itself."""
    h = mail.headers
    return {
        "body": (mail.body_type, mail.charset, mail.declared_charset), "issues": mail.issue_codes(),
        "from": (h.from_addr.address, h.from_addr.site, h.from_addr.name) if h.from_addr else None,
        "to": h.to, "delivered_to": h.delivered_to, "dkim": tuple((s.domain, s.selector) for s in h.dkim),
        "return_path": h.return_path.address if h.return_path else None, "x_mailer": h.x_mailer,
        "list_id": h.list_id, "unsubscribe": (h.list_unsubscribe, h.list_unsubscribe_post),
        "platform": tuple(name for name, _ in h.platform_headers), "subject": h.subject,
        "date": h.date.isoformat() if h.date else None, "message_id": h.message_id,
        "cids": tuple(mail.cid_map),
        "attachments": tuple((a.filename, a.content_type, a.size) for a in mail.attachments),
    }


def expect(body, issues=(), *, sender, to=JANE, delivered_to=JANE, dkim=(), return_path=None, x_mailer=None,
           list_id=None, unsubscribe=((), None), platform=(), subject, date, message_id, cids=(), attachments=()):
    return {"body": body, "issues": issues, "from": sender, "to": to, "delivered_to": delivered_to, "dkim": dkim,
            "return_path": return_path, "x_mailer": x_mailer, "list_id": list_id, "unsubscribe": unsubscribe,
            "platform": platform, "subject": subject, "date": date, "message_id": message_id, "cids": cids,
            "attachments": attachments}


MC_U, MC_E, MC_C = "7c1e9a4b2f5d8e3a6b0c9d2e1", "5d2b7e9c4a", "3f8a2c6e1b"
SES_ID = "0100018f8a3c4d5e-2b4c6d8e-1a3b-4c5d-8e9f-0a1b2c3d4e5f-000000"
KL_ID = "01HV7Z3M8Q4R2T6Y9B1C5D7E9F"
SFMC_JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJtaWQiOiI3MjMwNzAzIiwicyI6IjcxODI5MzA0NSIsImxpZCI6IjE4OCIsImoiOiIx"
            "OTM0NzY2IiwiamIiOiI0NDUxMjA3IiwiZCI6IjcwMTEyIn0.Qm9ndXNTaWduYXR1cmVGb3JGaXh0dXJl")
UTF8_HTML = ("text/html", "utf-8", "utf-8")
ONE_CLICK = "List-Unsubscribe=One-Click"

EXPECTED = {
    "mailchimp-newsletter.eml": expect(
        UTF8_HTML, sender=("news@larkspur-coffee.example", "larkspur-coffee.example", "Larkspur Coffee Roasters"),
        dkim=(("larkspur-coffee.example", "k2"), ("mcdlv.net", "k2")),
        return_path=f"bounce-mc.us14_98765432.4412345-{MC_E}@mail183.atl221.mcdlv.net",
        x_mailer=f"Mailchimp Mailer - **CID{MC_C}{MC_E}**", list_id=f"{MC_U}mc list <{MC_U}.1123581.list-id.mcsv.net>",
        unsubscribe=((f"https://larkspurcoffee.us14.list-manage.com/unsubscribe?u={MC_U}&id=a9b8c7d6e5&e={MC_E}"
                      f"&c={MC_C}",
                      f"mailto:unsubscribe-mc.us14_{MC_U}.{MC_C}-{MC_E}@unsubscribe.mailchimpapp.net?subject=unsubscribe"),
                     ONE_CLICK),
        platform=("X-Campaign", "X-campaignid", "X-Report-Abuse", "X-MC-User", "Feedback-ID"),
        subject="Spring single‑origin roasts are here ☕", date="2024-05-14T13:05:12+00:00",
        message_id=f"{MC_U}.{MC_E}.20240514130510.{MC_C}.a1b2c3d4@mail183.atl221.mcdlv.net"),
    "sendgrid-newsletter.eml": expect(
        UTF8_HTML, sender=("hello@quillfeather.example", "quillfeather.example", "Quillfeather Books"),
        dkim=(("quillfeather.example", "s1"), ("sendgrid.info", "smtpapi")),
        return_path="bounces+4815162-9a3f-jane.doe=example.com@em4821.quillfeather.example",
        unsubscribe=(("https://url4821.quillfeather.example/asm/unsubscribe/?user_id=4815162"
                      "&data=ZkQ2bTRsOXBxN2Z3M2s1ai1yODhuMnEwdmMxeXQ0ZTZiOWg",
                      "mailto:unsubscribe@quillfeather.example?subject=unsubscribe"), ONE_CLICK),
        platform=("X-SG-EID", "X-SG-ID", "X-Entity-ID"), subject="Your May reading list",
        date="2024-05-15T16:20:44+00:00", message_id="Zx9kQ2bTRm6p4Yw8vN1aLg@geopod-ismtpd-7"),
    "hubspot-webinar.eml": expect(
        UTF8_HTML, sender=("marketing@orbitline.example", "orbitline.example", "Priya at Orbitline"),
        dkim=(("orbitline.example", "hs1-4410221"),),
        return_path="1axbq9c2v7kd3x5n8m1p4r6t0w2y4a6c8e0g2i-jane.doe=example.com@bf04x.hubspotemail.net",
        unsubscribe=(("mailto:1axd7f2k9m3p5r8t0w2y4a6c8e1g3i5k7m9o1q-jane.doe=example.com@bf04x.hubspotemail.net"
                      "?subject=unsubscribe",), None),
        platform=("X-HS-Cid", "X-Report-Abuse-To"), subject="Live demo: pipeline forecasting in Orbitline 5",
        date="2024-05-16T10:00:02-04:00",
        message_id="1715868002418.8b2e4c6a-1d3f-4e5a-9b7c-0d2e4f6a8c1e@bf04x.hubspotemail.net"),
    "sfmc-promo.eml": expect(
        ("text/html", "cp1252", "windows-1252"),
        sender=("deals@email.meridian-air.example", "meridian-air.example", "Meridian Air"),
        dkim=(("email.meridian-air.example", "200608"),),
        return_path="bounce-1934766_html-718293045-4451207-7230703-188@bounce.email.meridian-air.example",
        list_id="<7230703.xt.local>",
        unsubscribe=((f"https://click.email.meridian-air.example/subscription_center.aspx?jwt={SFMC_JWT}",
                      "mailto:leave-fd8a1c7e2b3d4f5a6b7c8d9e0f1a2b3c@leave.email.meridian-air.example"), ONE_CLICK),
        platform=("x-CSA-Compliance-Source", "X-CSA-Complaints", "X-SFMC-Stack", "x-job", "Feedback-ID"),
        subject="Easter fares from €49 – book by Sunday", date="2024-03-28T07:02:31-06:00",
        message_id="b2d4f6a8-1c3e-4a5b-9d7f-0e2c4a6b8d0f@atl1s07mta1234.xt.local"),
    "mailgun-forum-digest.eml": expect(
        UTF8_HTML, sender=("noreply@forum.fernhill.example", "fernhill.example", "Fernhill Makers Forum"),
        dkim=(("mg.fernhill.example", "smtp"),),
        return_path="bounce+5f1a2b.9c3d4e-jane.doe=example.com@mg.fernhill.example",
        unsubscribe=(("https://forum.fernhill.example/email/unsubscribe/6b1e5f0c9d2a4e7b8c3f1a0d9e8b7c6a",), None),
        platform=("X-Mailgun-Sending-Ip", "X-Mailgun-Sid", "X-Mailgun-Batch-Id", "X-Mailgun-Tag",
                  "X-Mailgun-Variables"),
        subject="[Fernhill Makers] Weekly digest", date="2024-05-20T14:00:00+00:00",
        message_id="20240520140000.a1b2c3d4e5f6a7b8@mg.fernhill.example",
        attachments=(("meetup-schedule.pdf", "application/pdf", 125),)),
    "klaviyo-abandoned-cart.eml": expect(
        ("text/html", "utf-8", None), sender=("hello@saltmarsh.example", "saltmarsh.example", "Saltmarsh Apparel"),
        dkim=(("send.saltmarsh.example", "kl"),), return_path=f"bounces-{KL_ID.lower()}@send.saltmarsh.example",
        unsubscribe=((f"https://manage.kmail-lists.com/subscriptions/unsubscribe?a=RkJ4Xz&c={KL_ID}"
                      f"&k=8f2c4e6a1b3d5f7a9c0e2b4d6f8a1c3e&m={KL_ID}&r=3qYpLm7n",), ONE_CLICK),
        platform=("X-Kmail-Account", "X-Kmail-Message"), subject="You left something behind",
        date="2024-05-21T18:30:05", message_id=f"{KL_ID}.kl.RkJ4Xz@send.saltmarsh.example"),  # -0000: no zone
    "ses-shipping-notice.eml": expect(
        ("text/html", "utf-8", "us-ascii"), ("charset-mismatch",),
        sender=("no-reply@notify.parcelpoint.example", "parcelpoint.example", "Parcelpoint"),
        dkim=(("notify.parcelpoint.example", "7v7vs6w47njt4pimodk5mmttbegzsi6n"),
              ("amazonses.com", "224i4yxa5dv7c2xz3womw6peuasteono")),
        return_path=f"{SES_ID}@amazonses.com", platform=("Feedback-ID", "X-SES-Outgoing"),
        subject="Your parcel PP-4417-2209 is out for delivery", date="2024-05-20T06:41:09+00:00",
        message_id=f"{SES_ID}@email.amazonses.com"),
    "litmus-tracked-newsletter.eml": expect(
        UTF8_HTML, sender=("boxoffice@harborlights.example", "harborlights.example", "Harbor Lights Theatre"),
        dkim=(("harborlights.example", "mail"),), return_path="bounces@harborlights.example",
        x_mailer="PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)",
        unsubscribe=(("mailto:unsubscribe@harborlights.example?subject=unsubscribe%20jane.doe%40example.com",), None),
        subject="This season at Harbor Lights", date="2024-05-22T10:15:02+01:00",
        message_id="Qm3vX8kL2pR7tN4wZ1yC6bH9dF5gJ0sA@www.harborlights.example"),
    "mandrill-order-receipt.eml": expect(
        ("text/html", "cp1252", None), ("charset-missing",),
        sender=("orders@brambleoak.example", "brambleoak.example", "Bramble & Oak"),
        dkim=(("mandrillapp.com", "mandrill"), ("brambleoak.example", "mandrill")),
        return_path="bounce-md_30952215.664b5a21.v1-8f4b2c1d0e9a4f6b8c7d6e5f4a3b2c1d@mandrillapp.com",
        platform=("X-Report-Abuse", "X-Report-Abuse", "X-Mandrill-User"), subject="Order BO-20931 confirmed",
        date="2024-05-20T14:22:57+00:00",
        message_id="30952215.20240520142257.664b5a2112a3b4.56789012@mail132-12.atl131.mandrillapp.com"),
    "inhouse-hidden-pixel.eml": expect(
        UTF8_HTML, sender=("news@ridgeback.example", "ridgeback.example", "Ridgeback Outdoor Co."),
        dkim=(("ridgeback.example", "nl1"),), return_path="newsletter-bounces@ridgeback.example",
        x_mailer="Ridgeback Newsletter 4.2",
        unsubscribe=(("https://www.ridgeback.example/nl/unsubscribe?s=7f3e9a1c2b4d6e8f0a1b2c3d4e5f6a7b",), None),
        subject="Ridgeback field notes — May", date="2024-05-27T10:00:08+02:00",
        message_id="nl-2405-7f3e9a1c2b4d6e8f0a1b2c3d4e5f6a7b@ridgeback.example"),
    "sparkpost-workshops.html": expect(
        ("text/html", "cp1252", "windows-1252"), ("html-file",), sender=None, to=(), delivered_to=(),
        subject=None, date=None, message_id=None),
    "transactional-clean.eml": expect(
        ("text/html", "ascii", "us-ascii"),
        sender=("security@tidewater-cu.example", "tidewater-cu.example", "Tidewater Credit Union"),
        dkim=(("tidewater-cu.example", "mail2024"),), return_path="security@tidewater-cu.example",
        subject="Reset your online banking password", date="2024-05-22T16:47:12-04:00",
        message_id="20240522204712.7F2A14C0B3@mail1.tidewater-cu.example"),
    "plain-text-only.eml": expect(
        ("text/plain", "utf-8", "utf-8"), ("text-only",),
        sender=("secretary@greenway-allotments.example", "greenway-allotments.example", "Margaret Ellison"),
        delivered_to=(), return_path="secretary@greenway-allotments.example", subject="June watering rota",
        date="2024-05-23T08:12:39+01:00",
        message_id="8c1f4b2e-77a3-4d1e-9b6c-2f0d5e8a1c34@greenway-allotments.example"),
    "spacer-images.eml": expect(
        ("text/html", "iso8859-1", "iso-8859-1"),
        sender=("events@pinecrest-library.example", "pinecrest-library.example", "Pinecrest Library"),
        return_path="events@pinecrest-library.example", x_mailer="PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)",
        subject="June events at Pinecrest Library", date="2024-05-24T08:00:04-04:00",
        message_id="a4f1e7c2b9d3e8f0a5b6c1d2e3f4a5b6@web2.pinecrest-library.example"),
    "cid-images.eml": expect(
        UTF8_HTML, sender=("hello@juniperhollow.example", "juniperhollow.example", "Juniper Hollow Farm"),
        return_path="hello@juniperhollow.example", x_mailer="Apple Mail (2.3774.500.171.1.1)",
        subject="What’s in the box this week", date="2024-05-26T17:05:43+01:00",
        message_id="F7A2C9E1-4B3D-4E8F-A6C5-1D2E3F4A5B6C@juniperhollow.example",
        cids=("logo.png@juniperhollow.example", "box-week20@juniperhollow.example", "spacer@juniperhollow.example")),
    "divider-620x1.eml": expect(
        UTF8_HTML, sender=("club@northfield-runners.example", "northfield-runners.example", "Northfield Running Club"),
        dkim=(("northfield-runners.example", "default"),), return_path="club@northfield-runners.example",
        subject="Club news: volunteers and records", date="2024-05-25T18:30:01+01:00",
        message_id="club-news-2024-05-25.jane@northfield-runners.example"),
}


def test_every_good_fixture_is_listed():
    on_disk = {p.name for p in DATA.iterdir() if p.suffix in (".eml", ".html")}
    assert on_disk == set(EXPECTED)
    assert len(EXPECTED) >= 14


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_facts(name):
    mail = fixture(name)
    assert facts(mail) == EXPECTED[name]
    assert mail.headers.recipients == (() if name.endswith(".html") else JANE)
    assert mail.size == (DATA / name).stat().st_size
    assert mail.source == ("html" if name.endswith(".html") else "eml")


@pytest.mark.parametrize(("name", "fragments"), [
    # the HTML alternative wins over text/plain, transfer encoding undone, charset decoded
    ("mailchimp-newsletter.eml", ['<img src="https://larkspurcoffee.us14.list-manage.com/track/open.php?u='
                                  f'{MC_U}&amp;id={MC_C}&amp;e={MC_E}" height="1" width="1" alt="">', "Café owners"]),
    ("sendgrid-newsletter.eml", ["can’t stop talking", 'src="https://u4815162.ct.sendgrid.net/wf/open?upn=u001.']),
    ("hubspot-webinar.eml", [".hs-open { width: 1px; height: 1px; border: 0; }", '<img class="hs-open" src="']),
    ("sfmc-promo.eml", ['Fly from <span class="price">€49</span>', "Spring’s here – and so"]),
    ("mandrill-order-receipt.eml", ["We’ve received your order", "€1,249.00"]),
    ("ses-shipping-notice.eml", ["from Zoë’s Ceramics", "13:00 → 15:00", "about your delivery…",
                                 'style="display: none; width: 1px; height: 1px;">\r\n']),
    ("litmus-tracked-newsletter.eml", ["@media print{ #_two50 { background-image:url('https://k7f3q9x2m1.emltrk.com/"
                                       "k7f3q9x2m1?p&d=jane.doe%40example.com');}}"]),
    ("klaviyo-abandoned-cart.eml", ["Your cart is saved — the sizes", "€89.00"]),
    ("sparkpost-workshops.html", ["Summer workshops – booking opens today", "wheel time… and"]),
    ("spacer-images.eml", ['<img src="https://www.pinecrest-library.example/email/img/transparent.gif" width="1"']),
    ("cid-images.eml", ['<img src="cid:spacer@juniperhollow.example" width="1" height="1" alt="">']),
])
def test_rendered_html_is_the_decoded_html_part(name, fragments):
    html = fixture(name).html
    for fragment in fragments:
        assert fragment in html
    assert "Content-Transfer-Encoding" not in html and "=3D" not in html


def test_plain_text_is_rendered_as_escaped_pre_with_links():
    assert fixture("plain-text-only.eml").html == (
        '<pre style="white-space: pre-wrap">Hello plot holders,\n\n'
        "The watering rota for June is up on the notice board and online:\n"
        '<a href="https://greenway-allotments.example/rota/2024-06">https://greenway-allotments.example/rota/2024-06</a>'
        ".\n\nReminder: the café hut opens on Saturday mornings from 9 until noon.\n"
        "Please bring your own mug (and return the key to the shed).\n\n"
        "Greetings,\nMargaret Ellison\nSecretary, Greenway Allotments\n</pre>")
    assert fixture("plain-text-only.eml").issues == (MailIssue(
        "info", "text-only", "no HTML part: the text/plain part is rendered as preformatted text", "1"),)


def test_plain_to_html_escapes_markup_and_keeps_punctuation_out_of_links():
    assert plain_to_html("<b>Tom & Jerry</b> (see https://a.example/x?y=1&z=2).") == (
        '<pre style="white-space: pre-wrap">&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; (see '
        '<a href="https://a.example/x?y=1&amp;z=2">https://a.example/x?y=1&amp;z=2</a>).</pre>')


def test_cid_parts_are_served_from_the_message():
    mail = fixture("cid-images.eml")
    cids = mail.cid_map
    assert {cid: (ctype, len(data)) for cid, (ctype, data) in cids.items()} == {
        "logo.png@juniperhollow.example": ("image/png", 187),
        "box-week20@juniperhollow.example": ("image/jpeg", 859),
        "spacer@juniperhollow.example": ("image/gif", 45),
    }
    assert cids["logo.png@juniperhollow.example"][1].startswith(b"\x89PNG\r\n\x1a\n")
    assert cids["box-week20@juniperhollow.example"][1].startswith(b"\xff\xd8\xff")
    assert cids["spacer@juniperhollow.example"][1][:10] == b"GIF89a\x01\x00\x01\x00"
    assert [part.filename for part in mail.inline] == ["logo.png", "box-week20.jpg", "spacer.gif"]
    assert mail.attachments == ()  # inline images with a Content-ID are parts of the page, not attachments


def test_attachments_are_listed_not_rendered():
    mail = fixture("mailgun-forum-digest.eml")
    assert mail.attachments == (
        Attachment("meetup-schedule.pdf", "application/pdf", 125, "attachment", None, "2"),)
    assert "%PDF" not in mail.html and mail.inline == ()


def test_header_records_carry_sites_and_names():
    h = fixture("klaviyo-abandoned-cart.eml").headers
    assert h.from_addr == MailAddress("hello@saltmarsh.example", "saltmarsh.example", "saltmarsh.example",
                                      "Saltmarsh Apparel")
    assert h.to == JANE  # "To: Jane.Doe@Example.COM", normalised
    assert h.date is not None and h.date.tzinfo is None
    sfmc = fixture("sfmc-promo.eml").headers
    assert sfmc.from_addr.domain == "email.meridian-air.example"
    assert sfmc.platform_header("X-SFMC-STACK") == "7"
    assert sfmc.platform_header("feedback-id") == "7230703:1934766:13.111.14.195:sfmktgcld"
    assert sfmc.platform_header("X-Mailgun-Sid") is None
    mailgun = fixture("mailgun-forum-digest.eml").headers
    sid = mailgun.platform_header("X-Mailgun-Sid")
    assert base64.b64decode(sid) == b'["7f3ac", "jane.doe@example.com", "9c3d4e"]'
    assert mailgun.platform_header("X-Mailgun-Variables") == '{"digest_id": "2024-w21"}'
    ses = fixture("ses-shipping-notice.eml").headers
    assert ses.dkim_domains == ("notify.parcelpoint.example", "amazonses.com")
    assert ses.return_path == MailAddress(f"{SES_ID}@amazonses.com", "amazonses.com", "amazonses.com")
    assert ses.platform_header("Feedback-ID").endswith(":AmazonSES")
    assert fixture("sendgrid-newsletter.eml").headers.platform_header("X-SG-ID") == (
        "=?us-ascii?Q?u001=2ESdBcvi+Evd/bQef8eZF3BoxGbS7kR2mW9pL4nX6qT1vY8zC3hJ5?=")  # raw, unfolded


@pytest.mark.parametrize(("name", "platform"), [
    ("X-Mailgun-Sid", True), ("x-ses-outgoing", True), ("X-SFMC-Stack", True), ("X-MC-User", True),
    ("X-Campaign", True), ("X-CampaignID", True), ("X-HS-Cid", True), ("X-Kmail-Account", True),
    ("X-SG-EID", True), ("Feedback-ID", True), ("x-job", True), ("X-Mandrill-User", True),
    ("X-Mailer", False), ("Received", False), ("X-Spam-Status", False), ("List-Unsubscribe", False),
])
def test_platform_header_names(name, platform):
    assert is_platform_header(name) is platform


def test_bad_inputs_are_one_line_each():
    assert list(read_mail(str(DATA / "bad" / "not-mime.eml"))) == [MailError(
        str(DATA / "bad" / "not-mime.eml"), str(DATA / "bad" / "not-mime.eml"), "not-mime",
        "not an e-mail message: no header block (starts \"Notes from Tuesday's planning call\")")]
    truncated = fixture("bad/truncated-base64.eml")
    assert truncated.issues == (
        MailIssue("warning", "multipart-truncated",
                  "multipart/alternative (part 1) has no closing boundary: the message looks truncated", "1"),
        MailIssue("warning", "base64-truncated",
                  "part 2: base64 is cut mid-group (truncated message?); decoded the first 210 bytes", "2"),
    )
    assert truncated.body_type == "text/html" and len(truncated.html) == 210
    assert truncated.html.endswith('<p><a href="https://online.tid')
    unknown = fixture("bad/unknown-charset.eml")
    assert unknown.issues == (MailIssue(
        "warning", "charset-unknown", "part 1 declares unknown charset 'x-mac-klingon'; decoded as utf-8", "1"),)
    assert "moves to Friday — pieces" in unknown.html


def test_an_mbox_with_a_broken_message_goes_on():
    path = DATA / "bad" / "mixed.mbox"
    items = list(read_mail(str(path)))
    assert [type(item).__name__ for item in items] == ["Mail", "Mail", "MailError", "Mail"]
    assert items[2] == MailError(f"{path}#3", str(path), "not-mime",
                                 "not an e-mail message: no header block "
                                 "(starts '%%%% fragment recovered by fsck, 2024-05-24 %%%%')")
    assert [item.headers.subject for item in items if isinstance(item, Mail)] == [
        "Your delivery slot is booked", "Re: June watering rota", "Your order has shipped"]
    assert items[1].body_type == "text/plain" and "\n&gt;From the rota" in items[1].html
    assert items[3].html == "<html><body><p>Your copy of <em>Night Trains</em> is on its way.</p></body></html>\n"


def test_base64_without_padding_and_with_stray_characters():
    html = b"<p>Hello Jane</p>"  # 17 bytes: base64 ends in "=" padding that a cut removes
    body = base64.b64encode(html).decode().rstrip("=")
    mail = parse_message(raw(b"From: a@shop.example\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n"
                             + body.encode() + b"\n"))
    assert mail.html == "<p>Hello Jane</p>"
    assert mail.issues == (MailIssue("warning", "base64-truncated",
                                     "part 1: base64 ends without its padding (truncated message?); decoded 17 bytes",
                                     "1"),)
    stray = base64.b64encode(html).decode()
    mail = parse_message(raw(b"From: a@shop.example\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n"
                             + (stray[:8] + "!*" + stray[8:]).encode() + b"\n"))
    assert mail.html == "<p>Hello Jane</p>"
    assert mail.issue_codes() == ("base64-invalid",)


def test_unknown_transfer_encoding_is_used_as_is():
    mail = parse_message(raw(b"From: a@shop.example\nContent-Type: text/html; charset=utf-8\n"
                             b"Content-Transfer-Encoding: x-gzip64\n\n<p>hi</p>\n"))
    assert mail.html == "<p>hi</p>\n"
    assert mail.issues == (MailIssue("warning", "cte-unknown",
                                     "part 1 has unknown Content-Transfer-Encoding 'x-gzip64'; used as is", "1"),)


def test_a_message_with_only_attachments_has_no_body():
    mail = parse_message(raw(b"From: a@shop.example\nContent-Type: multipart/mixed; boundary=B\n\n--B\n"
                             b"Content-Type: application/zip\nContent-Disposition: attachment; filename=a.zip\n"
                             b"Content-Transfer-Encoding: base64\n\nUEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\n--B--\n"))
    assert (mail.html, mail.body_type, mail.charset) == ("", "none", None)
    assert mail.issues == (MailIssue("warning", "no-body", "no text/html or text/plain part to render"),)
    assert mail.attachments == (Attachment("a.zip", "application/zip", 22, "attachment", None, "1"),)


def test_forwarded_messages_are_attachments_and_not_walked():
    mail = parse_message(raw(
        b"From: a@shop.example\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nFYI\n"
        b"--B\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=fwd.eml\n\n"
        b"From: b@other.example\nContent-Type: image/png\nContent-ID: <inner>\nContent-Transfer-Encoding: base64\n\n"
        b"iVBORw0KGgo=\n--B--\n"))
    assert mail.cid_map == {}
    assert mail.attachments == (Attachment("fwd.eml", "message/rfc822", None, "attachment", None, "2"),)


def test_quoted_printable_attachments_are_not_sized_by_decoding():
    mail = parse_message(raw(
        b"From: a@shop.example\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/html\n\n<p>x</p>\n"
        b"--B\nContent-Type: text/csv; name=list.csv\nContent-Transfer-Encoding: quoted-printable\n\na=3Db\n--B--\n"))
    assert mail.attachments == (Attachment("list.csv", "text/csv", None, None, None, "2"),)


def test_an_oversized_cid_part_is_listed_not_decoded(monkeypatch):
    monkeypatch.setattr(pixelaudit.mail.parts, "MAX_INLINE_BYTES", 10)
    mail = parse_message(raw(
        b"From: a@shop.example\nContent-Type: multipart/related; boundary=B\n\n--B\nContent-Type: text/html\n\n"
        b'<img src="cid:big">\n--B\nContent-Type: image/png\nContent-ID: <big>\nContent-Transfer-Encoding: base64\n\n'
        + base64.encodebytes(b"\x89PNG" + b"\0" * 60) + b"--B--\n"))
    assert mail.cid_map == {}
    assert mail.attachments == (Attachment(None, "image/png", 64, None, "big", "2"),)
    assert mail.issues == (MailIssue("warning", "inline-too-large",
                                     "cid:big (part 2) is over 0 MiB; listed as an attachment, not decoded", "2"),)


def test_a_huge_attachment_is_never_decoded():
    size = 8 * 2**20
    data = (b"From: a@shop.example\nTo: jane.doe@example.com\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/html; charset=utf-8\n\n"
            b"<p>see attached</p>\n--B\nContent-Type: application/octet-stream\n"
            b'Content-Disposition: attachment; filename="backup.tar"\nContent-Transfer-Encoding: base64\n\n'
            + base64.encodebytes(bytes(range(256)) * (size // 256)) + b"--B--\n")

    def peak(run) -> int:
        tracemalloc.start()
        try:
            result = run()
            return tracemalloc.get_traced_memory()[1], result
        finally:
            tracemalloc.stop()

    parser_peak, _ = peak(lambda: BytesParser(policy=policy.default).parsebytes(data))
    our_peak, mail = peak(lambda: parse_message(raw(data)))
    assert mail.attachments == (Attachment("backup.tar", "application/octet-stream", size, "attachment", None, "2"),)
    assert mail.html == "<p>see attached</p>"
    # decoding the attachment would add 8 MiB on top of what the standard library's parser itself needs
    assert our_peak - parser_peak < 2**20


def test_parse_failures_never_escape(monkeypatch):
    def boom(message):
        raise RuntimeError("header parser exploded")

    monkeypatch.setattr(pixelaudit.mail.parse, "read_headers", boom)
    assert parse_message(raw(b"From: a@shop.example\n\nhi\n")) == MailError(
        "test.eml", "test.eml", "parse-failed", "could not parse: RuntimeError: header parser exploded")


def test_a_lone_unknown_header_is_not_a_message():
    item = parse_message(raw(b"Note: these are minutes\nnot an e-mail at all\n"))
    assert item == MailError("test.eml", "test.eml", "not-mime",
                             "not an e-mail message: no header block (starts 'Note: these are minutes')")


def test_malformed_headers_cost_a_warning():
    mail = parse_message(raw(
        b"From: undisclosed sender\nTo: undisclosed-recipients:;\nDate: the day before yesterday\n"
        b"DKIM-Signature: v=1; a=rsa-sha256;\n d = Mail.Shop.Example ; s =\n sel1; b=abc\n"
        b"DKIM-Signature: v=1; s=nodomain; b=abc\n"
        b"List-Unsubscribe: <https://shop.example/u?\n id=1>, <mailto:u@shop.example>\n"
        b"Subject: =?utf-8?q?broken?=?=\nContent-Type: text/html\n\n<p>hi</p>\n"))
    assert mail.issues == (
        MailIssue("warning", "date-unreadable", "Date header is not a date: 'the day before yesterday'"),
        MailIssue("warning", "header-unreadable", "From header has no address: 'undisclosed sender'"),
    )
    h = mail.headers
    assert (h.from_addr, h.to, h.date) == (None, (), None)
    assert h.dkim == (DkimSignature("mail.shop.example", "sel1"),)
    assert h.list_unsubscribe == ("https://shop.example/u?id=1", "mailto:u@shop.example")
    assert h.subject == "broken ?="  # what the standard library makes of a stray "?="


@pytest.mark.parametrize(("data", "declared", "text", "codec", "issue"), [
    ("café".encode(), "utf-8", "café", "utf-8", None),
    ("café".encode("cp1252"), "windows-1252", "café", "cp1252", None),
    ("café".encode(), "iso-8859-1", "café", "utf-8",
     ("charset-mismatch", "the body declares 'iso-8859-1' but is UTF-8; decoded as utf-8")),
    ("café".encode("cp1252"), "us-ascii", "café", "cp1252",
     ("charset-mismatch", "the body is not valid 'us-ascii'; decoded as cp1252")),
    ("café".encode(), "x-klingon", "café", "utf-8",
     ("charset-unknown", "the body declares unknown charset 'x-klingon'; decoded as utf-8")),
    ("café".encode(), "base64", "café", "utf-8",  # a codec, but not a charset
     ("charset-unknown", "the body declares unknown charset 'base64'; decoded as utf-8")),
    (b"caf\xe9 \x81", None, "café \ufffd", "cp1252",
     ("charset-missing", "the body declares no charset and is not UTF-8; decoded as cp1252")),
    ("café".encode(), None, "café", "utf-8", None),
    (b"\xef\xbb\xbfcaf\xc3\xa9", "iso-8859-1", "café", "utf-8", None),  # a BOM wins over the label
    ("שלום".encode("iso-8859-8"), "iso-8859-8-i", "שלום", "iso8859-8", None),
])
def test_decode_text(data, declared, text, codec, issue):
    got, used, issues = decode_text(data, declared)
    assert (got, used) == (text, codec)
    assert [(i.code, i.message) for i in issues] == ([issue] if issue else [])


def test_charset_helpers():
    assert codec_for(" \"Windows-1252\" ") == "cp1252"
    assert codec_for("rot13") is None
    assert meta_charset(b'<html><head><meta charset="ISO-8859-15"><title>') == "ISO-8859-15"
    assert meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">') == (
        "windows-1252")
    assert meta_charset(b"<p>no meta</p>") is None


def test_html_file_charset_comes_from_meta_or_falls_back():
    mail = parse_message(raw("<p>Grüße</p>".encode("cp1252"), source="html"))
    assert (mail.html, mail.charset, mail.declared_charset) == ("<p>Grüße</p>", "cp1252", None)
    assert mail.issue_codes() == ("html-file", "charset-missing")
