"""The evidence bundle's pieces that need no browser: redaction of credentials, file naming, stale files."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

from pixelaudit.config import ScanConfig, parse_credentials
from pixelaudit.evidence import (
    REDACTED,
    bundle_files,
    findings_block,
    finish_har,
    har_path,
    page_files,
    prepare,
    redact_har,
    scrub,
    secrets_of,
)

TARGET = "https://staging.shop.example/"
BASIC = "Basic " + base64.b64encode(b"stage:s3cret-pass").decode()


def _config(tmp_path) -> ScanConfig:
    return ScanConfig(target=TARGET, out_dir=tmp_path, evidence=True,
                      credentials=parse_credentials("stage:s3cret-pass", TARGET),
                      headers=(("X-Staging-Token", "t0k3n-value"), ("X-Debug", "1")))


def _har() -> dict:
    return {"log": {"version": "1.2", "entries": [
        {"request": {"url": TARGET + "?token=t0k3n-value", "headers": [
            {"name": "authorization", "value": BASIC}, {"name": "X-Staging-Token", "value": "t0k3n-value"},
            {"name": "x-debug", "value": "1"}, {"name": "Accept", "value": "text/html"}],
            "postData": {"text": "echo s3cret-pass"}},
         "response": {"status": 200, "headers": [{"name": "Proxy-Authorization", "value": "Basic abc"},
                                                 {"name": "Content-Type", "value": "text/html"}]},
         "time": 12.5},
        {"request": {"url": "https://www.facebook.com/tr?id=1", "headers": [{"name": "Referer", "value": TARGET}]},
         "response": {"status": 200, "headers": []}},
    ]}}


def test_secrets_are_the_password_its_basic_form_and_header_values_long_enough_to_scrub(tmp_path):
    secrets = secrets_of(_config(tmp_path))
    assert set(secrets) == {"s3cret-pass", BASIC.removeprefix("Basic "), "t0k3n-value"}
    assert secrets[0] == BASIC.removeprefix("Basic ")  # longest first
    assert secrets_of(replace(_config(tmp_path), credentials=None, headers=())) == ()


def test_a_cookie_header_given_by_the_user_is_scrubbed_from_the_hars_parsed_cookies_too(tmp_path):
    config = replace(_config(tmp_path), credentials=None, headers=(("Cookie", "staging_session=abcd1234; lang=en"),))
    assert set(secrets_of(config)) == {"staging_session=abcd1234; lang=en", "abcd1234"}  # "en" is too short
    har = {"log": {"entries": [{"request": {
        "headers": [{"name": "Cookie", "value": "staging_session=abcd1234; lang=en; _fbp=fb.1.2"}],
        "cookies": [{"name": "staging_session", "value": "abcd1234"}, {"name": "_fbp", "value": "fb.1.2"}]},
        "response": {"headers": []}}]}}
    request = redact_har(har, ("Cookie",), secrets_of(config))["log"]["entries"][0]["request"]
    assert request["headers"][0]["value"] == REDACTED
    assert request["cookies"] == [{"name": "staging_session", "value": REDACTED}, {"name": "_fbp", "value": "fb.1.2"}]


def test_redact_har_blanks_credential_headers_and_scrubs_secrets_everywhere(tmp_path):
    config = _config(tmp_path)
    clean = redact_har(_har(), tuple(n for n, _ in config.headers), secrets_of(config))
    text = json.dumps(clean)
    for secret in ("s3cret-pass", "t0k3n-value", BASIC.removeprefix("Basic "), "Basic abc"):
        assert secret not in text
    request = clean["log"]["entries"][0]["request"]
    assert {h["name"]: h["value"] for h in request["headers"]} == {
        "authorization": REDACTED, "X-Staging-Token": REDACTED, "x-debug": REDACTED, "Accept": "text/html"}
    assert request["url"] == f"{TARGET}?token={REDACTED}" and request["postData"]["text"] == f"echo {REDACTED}"
    # what evidence is for stays: the tracker request, statuses, timings
    assert clean["log"]["entries"][1]["request"]["url"] == "https://www.facebook.com/tr?id=1"
    assert clean["log"]["entries"][0]["time"] == 12.5


def test_finish_har_rewrites_the_file_redacted_and_drops_an_unreadable_one(tmp_path):
    config = _config(tmp_path)
    prepare(tmp_path)
    path = har_path(tmp_path, "accept")
    path.write_text(json.dumps(_har()))
    finish_har(path, config)
    assert "s3cret" not in path.read_text() and "t0k3n" not in path.read_text()
    assert json.loads(path.read_text())["log"]["version"] == "1.2"
    path.write_text('{"log": {"entries": [{"request": {"headers": [{"name": "authorization", "value": "Ba')
    finish_har(path, config)  # a HAR cut short may still hold the credential: not kept
    assert not path.exists()
    finish_har(har_path(tmp_path, "gpc"), config)  # a scenario whose browser never started wrote none


def test_scrub_leaves_text_without_secrets_alone():
    assert scrub("<p>hello s3cret-pass</p>", ("s3cret-pass",)) == f"<p>hello {REDACTED}</p>"
    assert scrub("<p>hello</p>", ()) == "<p>hello</p>"


def test_prepare_removes_an_earlier_scans_files_but_not_the_users(tmp_path):
    folder = tmp_path / "evidence"
    folder.mkdir()
    for name in ("gpc.har", "gpc-page1.png", "gpc-page2.html", "my-notes.txt"):
        (folder / name).write_text("old")
    prepare(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["my-notes.txt"]
    assert bundle_files(tmp_path) == []
    (folder / "accept.har").write_text("{}")
    (folder / "accept-page1.png").write_bytes(b"png")
    assert [p.name for p in bundle_files(tmp_path)] == ["accept-page1.png", "accept.har"]


def test_names_and_the_findings_block(tmp_path):
    assert page_files("no-interaction", 2) == ("evidence/no-interaction-page2.png",
                                               "evidence/no-interaction-page2.html")
    assert har_path(tmp_path, "reject") == tmp_path / "evidence" / "reject.har"
    prepare(tmp_path)
    har_path(tmp_path, "reject").write_text("{}")
    block = findings_block(tmp_path)
    assert block["manifest"] == "manifest.json" and block["har"] == ["evidence/reject.har"]
    assert block["har_content"] == "omit"
