"""Unit tests for pixelaudit.mail.platform: the sending platform named from headers (fixture mails and hand-made
MailHeaders), from domain evidence, from tracking URLs alone, and platforms.yaml's load-time checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pixelaudit.mail.headers import is_platform_header
from pixelaudit.mail.model import DkimSignature, Mail, MailAddress, MailHeaders
from pixelaudit.mail.parse import read_mail
from pixelaudit.mail.platform import PlatformHint, load_platforms, name_platform
from pixelaudit.parties import site_of
from pixelaudit.rules import bundled_rules_dir

DATA = Path(__file__).parent.parent / "data" / "email"
PLATFORMS_YAML = bundled_rules_dir() / "mail" / "platforms.yaml"


def fixture_headers(name: str) -> MailHeaders:
    (mail,) = read_mail(DATA / name)
    assert isinstance(mail, Mail), mail
    return mail.headers


def address(addr: str) -> MailAddress:
    domain = addr.rpartition("@")[2]
    return MailAddress(addr, domain, site_of(domain))


def named(headers: MailHeaders, url_vendors: list[str | None] | None = None) -> tuple[str, str, tuple[str, ...]] | None:
    hint = name_platform(headers, url_vendors or [])
    return None if hint is None else (hint.rule, hint.vendor, hint.evidence)


# --- from the fixture mails' real headers ------------------------------------------------------------------------

FIXTURES = {
    "mailchimp-newsletter.eml": ("mailchimp", "Mailchimp", (
        "header x-mc-user", "header x-mailer", "header x-campaign", "DKIM d=mcdlv.net",
        "Return-Path @mail183.atl221.mcdlv.net", "Message-ID @mail183.atl221.mcdlv.net",
        "List-Unsubscribe unsubscribe.mailchimpapp.net")),
    "mandrill-order-receipt.eml": ("mandrill", "Mailchimp Transactional (Mandrill)", (
        "header x-mandrill-user", "DKIM d=mandrillapp.com", "Return-Path @mandrillapp.com",
        "Message-ID @mail132-12.atl131.mandrillapp.com")),
    "sendgrid-newsletter.eml": ("sendgrid", "Twilio SendGrid", (
        "header x-sg-eid", "header x-sg-id", "DKIM d=sendgrid.info")),
    "hubspot-webinar.eml": ("hubspot-email", "HubSpot Email", (
        "header x-hs-cid", "header x-report-abuse-to", "Return-Path @bf04x.hubspotemail.net",
        "Message-ID @bf04x.hubspotemail.net", "List-Unsubscribe bf04x.hubspotemail.net")),
    "sfmc-promo.eml": ("salesforce-marketing-cloud", "Salesforce Marketing Cloud Engagement", (
        "header x-sfmc-stack", "header x-csa-compliance-source", "header feedback-id",
        "Message-ID @atl1s07mta1234.xt.local")),
    "mailgun-forum-digest.eml": ("mailgun", "Mailgun", (
        "header x-mailgun-sid", "header x-mailgun-variables", "header x-mailgun-tag", "header x-mailgun-batch-id")),
    "klaviyo-abandoned-cart.eml": ("klaviyo", "Klaviyo", (
        "header x-kmail-account", "header x-kmail-message", "List-Unsubscribe manage.kmail-lists.com")),
    "ses-shipping-notice.eml": ("amazon-ses", "Amazon SES", (
        "header x-ses-outgoing", "header feedback-id", "DKIM d=amazonses.com", "Return-Path @amazonses.com",
        "Message-ID @email.amazonses.com")),
}
NO_PLATFORM = ["cid-images.eml", "divider-620x1.eml", "inhouse-hidden-pixel.eml", "litmus-tracked-newsletter.eml",
               "plain-text-only.eml", "spacer-images.eml", "sparkpost-workshops.html", "transactional-clean.eml"]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_platform_from_headers(name):
    assert named(fixture_headers(name)) == FIXTURES[name]


@pytest.mark.parametrize("name", NO_PLATFORM)
def test_fixtures_without_platform_headers(name):
    assert name_platform(fixture_headers(name), []) is None


def test_fixture_platform_counts_its_tracking_urls():
    hint = name_platform(fixture_headers("ses-shipping-notice.eml"), ["Amazon SES", None, "Amazon SES", "Mailgun"])
    assert hint.evidence[-1] == "2 tracking URL(s)"


def test_sparkpost_fixture_is_named_from_its_url_alone():
    assert named(fixture_headers("sparkpost-workshops.html"), ["SparkPost"]) == (
        "sparkpost", "SparkPost", ("1 tracking URL(s)",))


# --- every platform in platforms.yaml, by each header that names it ----------------------------------------------

HEADERS = [  # (rule, header as a platform writes it, a value it writes)
    ("mailchimp", "X-MC-User", "7c1e9a4b2f5d8e3a6b0c9d2e1"),
    ("mailchimp", "X-Mailer", "Mailchimp Mailer - **CID3f8a2c6e1b5d2b7e9c4a**"),
    ("mailchimp", "X-Campaign", "mailchimp7c1e9a4b2f5d8e3a6b0c9d2e1.3f8a2c6e1b"),
    ("mandrill", "X-Mandrill-User", "md_30952215"),
    ("sendgrid", "X-SG-EID", "hx3P4kz8mC1VqYJ0=="),
    ("sendgrid", "X-SG-ID", "N2Xz9Yb8LkqW=="),
    ("hubspot-email", "X-HS-Cid", "AbCdEf123"),
    ("hubspot-email", "X-Report-Abuse-To", "abuse@hubspot.com"),
    ("salesforce-marketing-cloud", "X-SFMC-Stack", "7"),
    ("salesforce-marketing-cloud", "x-CSA-Compliance-Source", "SFMC"),
    ("salesforce-marketing-cloud", "Feedback-ID", "7230703:1934766:10.1.2.3:sfmktgcld"),
    ("mailgun", "X-Mailgun-Sid", "WyI3ZjNhYyJd"),
    ("mailgun", "X-Mailgun-Variables", '{"list": "digest"}'),
    ("mailgun", "X-Mailgun-Tag", "digest"),
    ("mailgun", "X-Mailgun-Batch-Id", "6650c0e1f2a3b4c5d6e7f8a9"),
    ("klaviyo", "X-Kmail-Account", "RkJ4Xz"),
    ("klaviyo", "X-Kmail-Message", "01HV7Z3M8Q4R2T6Y9B1C5D7E9F"),
    ("amazon-ses", "X-SES-Outgoing", "2024.05.14-54.240.8.1"),
    ("amazon-ses", "Feedback-ID", "1.us-east-1.Qm9ndXM=:AmazonSES"),
    ("sparkpost", "X-MSFBL", "eyJyIjoiamFuZSJ9"),
    ("postmark", "X-PM-Message-Id", "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"),
    ("brevo", "X-Mailin-Campaign", "42"),
    ("brevo", "X-Mailin-Client", "1234567"),
]


def test_the_table_covers_every_platform_and_header():
    table = {(rule, name.lower()) for rule, name, _ in HEADERS}
    assert table == {(p.rule, name) for p in load_platforms() for name, _ in p.headers}


@pytest.mark.parametrize(("rule", "name", "value"), HEADERS)
def test_each_platform_header_names_its_platform(rule, name, value):
    if name.lower() == "x-mailer":
        headers = MailHeaders(x_mailer=value)
    else:
        headers = MailHeaders(platform_headers=((name, value),))
    hint = name_platform(headers, [])
    assert (hint.rule, hint.evidence) == (rule, (f"header {name.lower()}",))


@pytest.mark.parametrize("name", [name for _rule, name, _ in HEADERS if name != "X-Mailer"])
def test_the_parser_keeps_every_header_platforms_yaml_names(name):
    assert is_platform_header(name)


@pytest.mark.parametrize(("name", "value"), [
    ("X-Mailer", "PHPMailer 6.9.1 (https://github.com/PHPMailer/PHPMailer)"),
    ("Feedback-ID", "1:2:3:mc"),  # Mailchimp's tag is not in platforms.yaml: no guess
    ("Feedback-ID", "1:AmazonSES:extra"),  # anchored at the end
    ("x-CSA-Compliance-Source", "SFMC-like"),
    ("X-Report-Abuse-To", "abuse@orbitline.example"),
    ("X-Mailin-Campaign", ""),
])
def test_header_values_that_name_nothing(name, value):
    if name == "X-Mailer":
        headers = MailHeaders(x_mailer=value)
    else:
        headers = MailHeaders(platform_headers=((name, value),))
    assert name_platform(headers, []) is None


def test_header_regexes_ignore_case():
    assert named(MailHeaders(platform_headers=(("FEEDBACK-ID", "1.x:amazonses"),)))[0] == "amazon-ses"
    assert named(MailHeaders(x_mailer="MailChimp Mailer - **CID1**"))[0] == "mailchimp"


# --- domain evidence ---------------------------------------------------------------------------------------------


def test_dkim_domain():
    headers = MailHeaders(dkim=(DkimSignature("shop.example", "s1"), DkimSignature("sendgrid.info", "smtpapi")))
    assert named(headers) == ("sendgrid", "Twilio SendGrid", ("DKIM d=sendgrid.info",))


def test_return_path_domain_and_its_subdomains():
    assert named(MailHeaders(return_path=address("bounce-42@mg.mailgun.org"))) == (
        "mailgun", "Mailgun", ("Return-Path @mg.mailgun.org",))
    assert named(MailHeaders(return_path=address("b@mailgun.org"))) == (
        "mailgun", "Mailgun", ("Return-Path @mailgun.org",))


def test_message_id_domain():
    assert named(MailHeaders(message_id="0100018f8a3c4d5e@email.amazonses.com")) == (
        "amazon-ses", "Amazon SES", ("Message-ID @email.amazonses.com",))


def test_list_unsubscribe_https_and_mailto():
    headers = MailHeaders(list_unsubscribe=("mailto:unsub-42@bounces.sparkpostmail.com?subject=unsubscribe",
                                            "https://links.sparkpostmail1.com/u/abc?x=1"))
    assert named(headers) == ("sparkpost", "SparkPost", (
        "List-Unsubscribe bounces.sparkpostmail.com", "List-Unsubscribe links.sparkpostmail1.com"))


@pytest.mark.parametrize(("entry", "rule", "host"), [
    ("HTTPS://manage.kmail-lists.com/subscriptions/unsubscribe?a=RkJ4Xz", "klaviyo", "manage.kmail-lists.com"),
    ("MailTo:unsub@pm.mtasv.net", "postmark", "pm.mtasv.net"),
    ("MAILTO:unsub@mtasv.net", "postmark", "mtasv.net"),
])
def test_list_unsubscribe_scheme_in_any_case(entry, rule, host):
    # URI schemes are case-insensitive (RFC 3986 3.1)
    hint = name_platform(MailHeaders(list_unsubscribe=(entry,)), [])
    assert (hint.rule, hint.evidence) == (rule, (f"List-Unsubscribe {host}",))


def test_lookalike_domains_are_no_evidence():
    headers = MailHeaders(dkim=(DkimSignature("notmcdlv.net", "k1"),), return_path=address("b@mcdlv.net.example"),
                          message_id="abc@mandrillapp.com.example",
                          list_unsubscribe=("https://sendgrid.net.example/u",))
    assert name_platform(headers, []) is None


def test_the_most_header_evidence_wins():
    # a Mandrill header, but Mailchimp's DKIM and bounce domain: Mailchimp has more evidence
    headers = MailHeaders(platform_headers=(("X-Mandrill-User", "md_1"),), dkim=(DkimSignature("mcdlv.net", "k1"),),
                          return_path=address("bounce@mail1.mcsv.net"))
    assert named(headers) == ("mailchimp", "Mailchimp", ("DKIM d=mcdlv.net", "Return-Path @mail1.mcsv.net"))


def test_a_tie_goes_to_the_first_platform_in_the_file():
    headers = MailHeaders(platform_headers=(("X-PM-Message-Id", "1"), ("X-SG-EID", "2")))
    assert named(headers)[0] == "sendgrid"  # listed before postmark


def test_headers_beat_urls():
    headers = MailHeaders(platform_headers=(("X-Kmail-Account", "RkJ4Xz"),))
    assert named(headers, ["Mailchimp", "Mailchimp", "Mailchimp", "Klaviyo"]) == (
        "klaviyo", "Klaviyo", ("header x-kmail-account", "1 tracking URL(s)"))


def test_the_hint_carries_the_platforms_shapes():
    hint = name_platform(MailHeaders(platform_headers=(("X-SFMC-Stack", "7"),)), [])
    assert hint.shape("open", "https://click.email.shop.example/open.aspx?ffcb10-fec81a7e&d=1")
    assert hint.shape("click", "https://click.email.shop.example/?qs=a1f3c0e2a1f3")
    assert not hint.shape("click", "https://click.email.shop.example/?qs=spring")
    assert not hint.shape("open", "https://www.shop.example/open.aspx")
    assert not name_platform(MailHeaders(platform_headers=(("X-SG-EID", "1"),)), []).shape("open", "https://x/")


# --- from tracking URLs alone ------------------------------------------------------------------------------------


def test_url_only_fallback_names_the_most_frequent_vendor():
    hint = name_platform(MailHeaders(), [None, "Mailgun", "Klaviyo", "Klaviyo", None])
    assert hint == PlatformHint("Klaviyo", "klaviyo", ("2 tracking URL(s)",))


def test_url_only_tie_goes_to_the_first_seen():
    assert named(MailHeaders(), ["Mailgun", "Klaviyo", "Klaviyo", "Mailgun"])[0] == "mailgun"


def test_nothing_names_no_platform():
    assert name_platform(MailHeaders(), []) is None
    assert name_platform(MailHeaders(), [None, None]) is None
    assert name_platform(MailHeaders(x_mailer="Thunderbird 115", dkim=(DkimSignature("shop.example", "s1"),)),
                         []) is None


# --- platforms.yaml checks ---------------------------------------------------------------------------------------


def test_bundled_platforms_load():
    rules = [p.rule for p in load_platforms()]
    assert rules == [e["rule"] for e in yaml.safe_load(PLATFORMS_YAML.read_text(encoding="utf-8"))]
    assert load_platforms(PLATFORMS_YAML) == load_platforms()


GOOD = {"rule": "mailgun", "headers": {"X-Mailgun-Sid": "."}, "domains": ["mailgun.org"], "source": "Mailgun docs"}


def write(tmp_path: Path, entries: list[dict]) -> Path:
    path = tmp_path / "platforms.yaml"
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    return path


def test_an_entry_naming_an_unknown_rule_is_rejected(tmp_path):
    path = write(tmp_path, [GOOD, {**GOOD, "rule": "no-such-rule"}])
    with pytest.raises(ValueError) as info:
        load_platforms(path)
    assert str(info.value) == f"{path}: entry 2: rule 'no-such-rule' is not a tracker rule"


def test_an_entry_without_a_rule_is_rejected(tmp_path):
    path = write(tmp_path, [{k: v for k, v in GOOD.items() if k != "rule"}])
    with pytest.raises(ValueError) as info:
        load_platforms(path)
    assert str(info.value) == f"{path}: entry 1: rule None is not a tracker rule"


@pytest.mark.parametrize("source", [None, ""])
def test_an_entry_without_a_source_is_rejected(tmp_path, source):
    entry = {k: v for k, v in GOOD.items() if k != "source"}
    path = write(tmp_path, [GOOD, GOOD, entry if source is None else {**entry, "source": source}])
    with pytest.raises(ValueError) as info:
        load_platforms(path)
    assert str(info.value) == f"{path}: entry 3: source: required"


def test_a_good_file_loads(tmp_path):
    (platform,) = load_platforms(write(tmp_path, [{**GOOD, "shapes": {"open": ["^/o/"]}}]))
    assert (platform.rule, platform.vendor, platform.domains) == ("mailgun", "Mailgun", ("mailgun.org",))
    assert [name for name, _ in platform.headers] == ["x-mailgun-sid"]
    assert [rx.pattern for rx in platform.shapes["open"]] == ["^/o/"] and platform.shapes["click"] == ()
