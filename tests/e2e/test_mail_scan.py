"""End to end: e-mail fixtures (tests/data/email, described in its README) rendered in headless Chromium
in safe mode, as `pixelaudit scan` does. Each fixture's open pixels, click tracking, platform, leaks and
findings are asserted exactly, and a network sink that every hostname resolves to must see no connection:
nothing leaves the machine. The same sink sees --live's requests, so the zero is not vacuous.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pixelaudit.config import parse_resolve
from pixelaudit.mail.scan import MailConfig, scan_mail
from pixelaudit.report import write_reports
from pixelaudit.rules import load_rules

DATA = Path(__file__).parent.parent / "data" / "email"
QUIET = ["cid-images.eml", "divider-620x1.eml", "plain-text-only.eml", "spacer-images.eml",
         "transactional-clean.eml"]  # the negatives: nothing to find


class Sink:
    """A loopback TCP port that counts connections and closes them."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


def _write(data: dict, out_dir: Path, screenshot: bytes | None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return write_reports(data, out_dir, ("json",))


def run_scan(path: Path, out: Path, chromium, sink: Sink, **options) -> dict:
    config = MailConfig(path=path, out_dir=out, resolve=(parse_resolve(f"*=127.0.0.1:{sink.port}"),),
                        screenshots=False, **options)
    with ThreadPoolExecutor(1) as pool:  # its own event loop, apart from pytest-playwright's
        data, _ = pool.submit(asyncio.run, scan_mail(config, load_rules(), rules_info={}, write=_write,
                                                     chromium=chromium)).result()
    return data


@pytest.fixture(scope="module")
def batch(chromium, tmp_path_factory):
    sink = Sink()
    out = tmp_path_factory.mktemp("mail")
    index = run_scan(DATA, out, chromium, sink)
    mails = {}
    for row in index["messages"]:
        if row["dir"]:
            name = row["mail"].split("/tests/data/email/")[-1]
            mails[name] = json.loads((out / row["dir"] / "findings.json").read_text())
    return index, mails, sink.connections


EXPECTED = {  # fixture: (platform rule, open pixels (url, tag, media), click tracking (host, vendor, final
            #   destination), leaks (host, form, where, party), findings (type, severity, host))
    'hubspot-webinar.eml': (
        'hubspot-email',
        [
            ('https://t.hubspotemail.net/e2t/to/VWl9Qm3fJxRkW2Kp8Bn5Zq1tN7Yc4Dh2Lx6Pb0f/5Lr+113/d3Q1dR04/f18dQhb0S5ft8Zy9Xq2dLtP6lH0YJ4sN', 'img', 'screen'),  # noqa: E501
        ],
        [
            ('d3q1dr04.na1.hubspotlinks.com', 'HubSpot Email', None),
            ('d3q1dr04.na1.hubspotlinks.com', 'HubSpot Email', None),
            ('info.orbitline.example', 'HubSpot Email', None),
        ],
        [
        ],
        [
            ('email-click-tracking', 'medium', 'd3q1dr04.na1.hubspotlinks.com'),
            ('email-click-tracking', 'medium', 'info.orbitline.example'),
            ('email-open-pixel', 'high', 't.hubspotemail.net'),
            ('email-remote-content', 'low', '4410221.fs1.hubspotusercontent-na1.net'),
        ],
    ),
    'inhouse-hidden-pixel.eml': (
        None,
        [
            ('https://www.ridgeback.example/nl/open/7f3e9a1c2b4d6e8f0a1b2c3d4e5f6a7b.gif', 'img', 'screen'),
        ],
        [
            ('www.ridgeback.example', None, 'https://www.ridgeback.example/jackets/alpine-shell'),
            ('www.ridgeback.example', None, 'https://www.ridgeback.example/stores/events?city=lakeside'),
        ],
        [
        ],
        [
            ('email-click-tracking', 'medium', 'www.ridgeback.example'),
            ('email-open-pixel', 'high', 'www.ridgeback.example'),
        ],
    ),
    'klaviyo-abandoned-cart.eml': (
        'klaviyo',
        [
            ('https://ct.pinterest.com/v3/?tid=2612345678901&event=pagevisit&noscript=1&pd[em]=86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d', 'img', 'screen'),  # noqa: E501
            ('https://ctrk.klclick.com/o/01HV7Z3M8Q4R2T6Y9B1C5D7E9F_0', 'img', 'screen'),
        ],
        [
            ('ctrk.klclick.com', 'Klaviyo', None),
            ('ctrk.klclick.com', 'Klaviyo', None),
            ('ctrk.klclick.com', 'Klaviyo', None),
        ],
        [
            ('ct.pinterest.com', 'sha256', 'query:pd[em]', 'third'),
        ],
        [
            ('email-click-tracking', 'medium', 'ctrk.klclick.com'),
            ('email-open-pixel', 'high', 'ct.pinterest.com'),
            ('email-open-pixel', 'high', 'ctrk.klclick.com'),
            ('email-remote-content', 'low', 'd3k81ch9hvuctc.cloudfront.net'),
            ('pii-leak', 'high', 'ct.pinterest.com'),
        ],
    ),
    'litmus-tracked-newsletter.eml': (
        'litmus',
        [
            ('https://k7f3q9x2m1.emltrk.com/k7f3q9x2m1?d=jane.doe%40example.com', 'img', 'screen'),
            ('https://k7f3q9x2m1.emltrk.com/k7f3q9x2m1?f&d=jane.doe%40example.com', 'css', 'conditional'),
            ('https://k7f3q9x2m1.emltrk.com/k7f3q9x2m1?p&d=jane.doe%40example.com', 'background', 'print'),
        ],
        [
        ],
        [
            ('k7f3q9x2m1.emltrk.com', 'url-encoded', 'query:d', 'third'),
        ],
        [
            ('email-open-pixel', 'high', 'k7f3q9x2m1.emltrk.com'),
            ('pii-leak', 'high', 'k7f3q9x2m1.emltrk.com'),
        ],
    ),
    'mailchimp-newsletter.eml': (
        'mailchimp',
        [
            ('https://larkspurcoffee.us14.list-manage.com/track/open.php?u=7c1e9a4b2f5d8e3a6b0c9d2e1&id=3f8a2c6e1b&e=5d2b7e9c4a', 'img', 'screen'),  # noqa: E501
        ],
        [
            ('larkspurcoffee.us14.list-manage.com', 'Mailchimp', None),
            ('larkspurcoffee.us14.list-manage.com', 'Mailchimp', None),
            ('larkspurcoffee.us14.list-manage.com', 'Mailchimp', None),
        ],
        [
        ],
        [
            ('email-click-tracking', 'medium', 'larkspurcoffee.us14.list-manage.com'),
            ('email-open-pixel', 'high', 'larkspurcoffee.us14.list-manage.com'),
            ('email-remote-content', 'low', 'mcusercontent.com'),
        ],
    ),
    'mailgun-forum-digest.eml': (
        'mailgun',
        [
            ('http://email.mg.fernhill.example/o/eJwdzEEOgjAQRuG7cAEKlBoPwMaEhYlLw8L8bSAgLaWtqPHuFrdfvrwLUiVqv4Y', 'img', 'screen'),  # noqa: E501
        ],
        [
            ('email.mg.fernhill.example', 'Mailgun', None),
            ('email.mg.fernhill.example', 'Mailgun', None),
            ('email.mg.fernhill.example', 'Mailgun', None),
        ],
        [
            ('www.gravatar.com', 'md5', 'path', 'third'),
        ],
        [
            ('email-click-tracking', 'medium', 'email.mg.fernhill.example'),
            ('email-open-pixel', 'high', 'email.mg.fernhill.example'),
            ('email-remote-content', 'low', 'www.gravatar.com'),
            ('pii-leak', 'high', 'www.gravatar.com'),
        ],
    ),
    'mandrill-order-receipt.eml': (
        'mandrill',
        [
            ('https://mandrillapp.com/track/open.php?u=30952215&id=8f4b2c1d0e9a4f6b8c7d6e5f4a3b2c1d', 'img', 'screen'),
        ],
        [
            ('mandrillapp.com', 'Mailchimp Transactional (Mandrill)', 'https://brambleoak.example/account/orders/BO-20931'),
            ('mandrillapp.com', 'Mailchimp Transactional (Mandrill)', 'https://brambleoak.example/help/delivery'),
        ],
        [
        ],
        [
            ('email-click-tracking', 'medium', 'mandrillapp.com'),
            ('email-open-pixel', 'high', 'mandrillapp.com'),
        ],
    ),
    'sendgrid-newsletter.eml': (
        'sendgrid',
        [
            ('https://u4815162.ct.sendgrid.net/wf/open?upn=u001.Hm7vX2kq9Lz3R8tYb5wNc1dPfE0gJ4aS6hUiO-2BkZrMxq7Vn3Ce8Wd0Ty5Pa-2FbGj9Lk-3D', 'img', 'screen'),  # noqa: E501
        ],
        [
            ('url4821.quillfeather.example', 'Twilio SendGrid', None),
            ('url4821.quillfeather.example', 'Twilio SendGrid', None),
            ('url4821.quillfeather.example', 'Twilio SendGrid', None),
            ('url4821.quillfeather.example', 'Twilio SendGrid', None),
        ],
        [
        ],
        [
            ('email-click-tracking', 'medium', 'url4821.quillfeather.example'),
            ('email-open-pixel', 'high', 'u4815162.ct.sendgrid.net'),
        ],
    ),
    'ses-shipping-notice.eml': (
        'amazon-ses',
        [
            ('https://a7kq2m9x.r.us-east-1.awstrack.me/I0/0100018f8a3c4d5e-2b4c6d8e-1a3b-4c5d-8e9f-0a1b2c3d4e5f-000000/Hq7pXc2Lb9Rt4Wz1Nv6Ks3Dm8Fy5=371', 'img', 'screen'),  # noqa: E501
            ('https://analytics.parcelpoint.example/e.gif?evt=email_open&tpl=out_for_delivery&email=jane.doe@example.com', 'img', 'screen'),  # noqa: E501
        ],
        [
            ('a7kq2m9x.r.us-east-1.awstrack.me', 'Amazon SES', 'https://parcelpoint.example/track/PP-4417-2209?utm_source=ses&utm_medium=email'),
            ('a7kq2m9x.r.us-east-1.awstrack.me', 'Amazon SES', 'https://parcelpoint.example/delivery/PP-4417-2209/options'),
        ],
        [
            ('analytics.parcelpoint.example', 'raw', 'query:email', 'first'),
        ],
        [
            ('email-click-tracking', 'medium', 'a7kq2m9x.r.us-east-1.awstrack.me'),
            ('email-open-pixel', 'high', 'a7kq2m9x.r.us-east-1.awstrack.me'),
            ('email-open-pixel', 'high', 'analytics.parcelpoint.example'),
        ],
    ),
    'sfmc-promo.eml': (
        'salesforce-marketing-cloud',
        [
            ('https://click.email.meridian-air.example/open.aspx?ffcb10-fec81a7e7d6c0c7c-fe2a15707563067e7d1c-fe9215737363077c7d-ff9a1d-fe2216707562047c7d1675-ff2f1571746c&d=70112&bmt=0', 'img', 'screen'),  # noqa: E501
            ('https://www.meridian-air.example/em/o.gif?u=amFuZS5kb2VAZXhhbXBsZS5jb20&c=EASTER24', 'img', 'screen'),
        ],
        [
            ('click.email.meridian-air.example', 'Salesforce Marketing Cloud Engagement', None),
            ('click.email.meridian-air.example', 'Salesforce Marketing Cloud Engagement', None),
            ('click.email.meridian-air.example', 'Salesforce Marketing Cloud Engagement', None),
        ],
        [
            ('www.meridian-air.example', 'base64-nopad', 'query:u', 'first'),
        ],
        [
            ('email-click-tracking', 'medium', 'click.email.meridian-air.example'),
            ('email-open-pixel', 'high', 'www.meridian-air.example'),
            ('email-open-pixel', 'medium', 'click.email.meridian-air.example'),
        ],
    ),
    'sparkpost-workshops.html': (
        'sparkpost',
        [
            ('https://go.sparkpostmail.com/q/Xr7Lm2Qp9Kt4Wv8Ny3Bz6c~~/AAAAAQA~/RgRoPqR1P0Q', 'img', 'screen'),
        ],
        [
        ],
        [
        ],
        [
            ('email-open-pixel', 'high', 'go.sparkpostmail.com'),
            ('email-remote-content', 'low', 'www.alderfinch.example'),
        ],
    ),
}


def test_nothing_left_the_machine(batch):
    assert batch[2] == 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_exactly(batch, name):
    platform, pixels, clicks, leaks, findings = EXPECTED[name]
    data = batch[1][name]
    assert data["kind"] == "email" and data["complete"] and data["errors"] == []
    assert (data["email"]["platform"] or {}).get("rule") == platform
    assert sorted((p["url"], p["tag"], p["media"]) for p in data["pixels"]) == pixels
    assert [(c["host"], c["vendor"], c["final_url"]) for c in data["click_tracking"]] == clicks
    assert sorted({(x["host"], x["form"], x["where"], x["party"]) for x in data["leaks"]}) == leaks
    assert sorted({(f["type"], f["severity"], f["host"]) for f in data["findings"]}) == findings
    # the contract: every request has the required fields, and in safe mode none was sent
    for request in data["requests"]:
        assert request["scenario"] == "open" and request["before_consent"] is None
        assert request["answered"] in ("stub", "cid") and request["status"] in (None, 200, 404)


@pytest.mark.parametrize("name", QUIET)
def test_negatives_find_nothing(batch, name):
    data = batch[1][name]
    assert data["pixels"] == data["click_tracking"] == data["leaks"] == data["findings"] == []


def test_cid_images_come_from_the_message(batch):
    data = batch[1]["cid-images.eml"]
    served = [r for r in data["requests"] if r["answered"] == "cid"]
    assert len(served) == 3 and all(r["status"] == 200 and r["party"] == "first" for r in served)


def test_batch_index_lists_every_mail_and_every_unreadable_item(batch):
    index = batch[0]
    assert index["kind"] == "email" and index["batch"] is True and not index["complete"]
    assert index["summary"]["messages"] == len(index["messages"]) == 23
    bad = {e["mail"].split("/tests/data/email/")[-1]: e["code"] for e in index["errors"]}
    assert bad == {"bad/mixed.mbox#3": "not-mime", "bad/not-mime.eml": "not-mime"}
    assert {f["mail"].split("/tests/data/email/")[-1] for f in index["findings"]} == set(EXPECTED)
    rows = {r["mail"].split("/tests/data/email/")[-1]: r for r in index["messages"]}
    assert rows["klaviyo-abandoned-cart.eml"]["leak_forms"] == ["sha256"]
    assert rows["bad/not-mime.eml"]["error"].startswith("not-mime: ")


def test_live_mode_really_fetches(chromium, tmp_path):
    sink = Sink()
    data = run_scan(DATA / "mailchimp-newsletter.eml", tmp_path, chromium, sink, live=True)
    assert sink.connections > 0  # what safe mode never lets happen
    assert data["live"] is True and {r["answered"] for r in data["requests"]} == {"live"}


def test_a_reused_page_records_every_request_again(chromium):
    """Safe mode reuses a worker's page: no cache may hide the second rendering's requests."""
    from playwright.async_api import async_playwright

    from pixelaudit.mail.parse import read_mail
    from pixelaudit.mail.render import MailRenderer

    async def twice():
        mail = next(iter(read_mail(DATA / "mailchimp-newsletter.eml")))
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium.path)

            async def get():
                return browser

            renderer = MailRenderer(get, screenshot=False)
            runs = [await renderer.render(mail) for _ in range(2)]
            await renderer.close()
            await browser.close()
            return runs

    with ThreadPoolExecutor(1) as pool:
        first, second = pool.submit(asyncio.run, twice()).result()
    assert [r.url for r in first.requests] == [r.url for r in second.requests] and len(first.requests) == 3
    assert first.images == second.images and first.links == second.links


def test_a_single_mail_that_fails_to_render_keeps_its_own_findings_json(chromium, tmp_path):
    sink = Sink()
    data = run_scan(DATA / "mailchimp-newsletter.eml", tmp_path, chromium, sink, timeout=0.001)
    assert data.get("batch") is None and data["kind"] == "email" and not data["complete"]
    assert [e["code"] for e in data["errors"]] == ["render-failed"]
    assert "timed out" in data["errors"][0]["message"]
    on_disk = json.loads((tmp_path / "findings.json").read_text())
    assert on_disk["target"] == data["target"] and on_disk.get("batch") is None


def test_relative_urls_in_a_mail_have_no_server(chromium, tmp_path):
    page = tmp_path / "relative.html"
    page.write_text('<p>Hi</p><img src="/logo.png" width="120" height="40"><img src="o.gif?u=1" width="1" '
                    'height="1">', encoding="utf-8")
    data = run_scan(page, tmp_path / "out", chromium, Sink())
    answered = {r["url"].rsplit("/", 1)[1]: (r["status"], r["answered"]) for r in data["requests"]}
    assert answered == {"logo.png": (404, "stub"), "o.gif?u=1": (404, "stub")}  # never the mail's HTML again
    assert data["complete"]
