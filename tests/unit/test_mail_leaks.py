"""Recipient-address leaks in e-mail URLs: the forms of an address, finding them in pixel/link URLs, no false alarms."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import zlib
from urllib.parse import quote

import pytest

from pixelaudit.mail.leaks import (
    MIN_FORM_LENGTH,
    IdentityForm,
    Leak,
    RecipientToken,
    find_leaks,
    identity_forms,
    murmur3_32,
    murmur3_x64_128,
    per_recipient_ids,
)

ADDR = "jane.doe@example.com"
DATA = ADDR.encode()
FORMS = identity_forms(ADDR)
MD5 = hashlib.md5(DATA, usedforsecurity=False).hexdigest()
SHA256 = hashlib.sha256(DATA).hexdigest()
HASHES = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")


def where_form(leaks: tuple[Leak, ...]) -> list[tuple[str, str, str]]:
    return [(leak.where, leak.form, leak.via) for leak in leaks]


# --- the forms --------------------------------------------------------------------------------------------------


def test_forms_of_a_fixed_address_exactly():
    b64 = base64.b64encode(DATA).decode()
    crc, adler = zlib.crc32(DATA), zlib.adler32(DATA)
    # murmur values cross-checked with the mmh3 package (5.x): hash(signed=False), hash_bytes().hex(), hash64()
    expected = [
        ("raw", ADDR),
        ("url-encoded", "jane.doe%40example.com"),  # quote_plus gives the same text: listed once
        ("base64", b64),  # no '+' or '/' in it, so the URL-safe alphabet gives the same text
        ("base64-nopad", b64.rstrip("=")),
        *((algo, hashlib.new(algo, DATA).hexdigest()) for algo in HASHES),
        ("crc32", str(crc)),
        ("crc32-hex", f"{crc:08x}"),
        ("adler32", str(adler)),
        ("adler32-hex", f"{adler:08x}"),
        ("murmur3-32", "1453773294"),
        ("murmur3-32-hex", "56a6d1ee"),
        ("murmur3-128-hex", "dcb91a9d7e61d79640ff25b4a0c3c91f"),
        ("murmur3-128-h1-hex", f"{10869263422111529436:016x}"),
        ("murmur3-128-h2-hex", f"{2290576980479180608:016x}"),
    ]
    assert [(f.name, f.value) for f in FORMS] == expected
    assert crc < 1 << 31 and adler < 1 << 31  # so no "-signed" forms for this address
    assert {f.identity for f in FORMS} == {ADDR}
    by_name = {f.name: f for f in FORMS}
    assert by_name["raw"].boundary == "address" and by_name["crc32"].boundary == "token"
    assert by_name["md5"].boundary == "" and not by_name["md5"].case_sensitive
    assert by_name["base64"].case_sensitive and by_name["base64"].boundary == "base64"


def test_forms_normalise_trim_and_case():
    assert identity_forms("  Jane.Doe@Example.COM\n") == FORMS


def test_empty_address_is_an_error():
    with pytest.raises(ValueError, match="empty"):
        identity_forms("   ")


def test_plus_address_has_distinct_urlsafe_base64_and_encodes_plus():
    addr = "jane+news~?~@example.com"  # "~?~" puts a '/' into standard base64
    forms = {f.name: f.value for f in identity_forms(addr)}
    assert forms["url-encoded"] == "jane%2Bnews~%3F~%40example.com"
    assert forms["base64"] == base64.b64encode(addr.encode()).decode()
    assert forms["base64-urlsafe"] == base64.urlsafe_b64encode(addr.encode()).decode()
    assert forms["base64"] != forms["base64-urlsafe"]


def test_signed_decimal_when_the_high_bit_is_set():
    addr = next(a for i in range(100) if zlib.crc32((a := f"user{i}@example.com").encode()) >= 1 << 31)
    forms = {f.name: f.value for f in identity_forms(addr)}
    assert forms["crc32-signed"] == str(zlib.crc32(addr.encode()) - (1 << 32))


def test_short_checksums_are_dropped():
    # about 1 address in 430 has a crc32 below 10^7: 7 digits would match ordinary ids
    addr = next(a for i in range(20000) if zlib.crc32((a := f"u{i}@example.com").encode()) < 10**7)
    forms = identity_forms(addr)
    assert str(zlib.crc32(addr.encode())) not in {f.value for f in forms}
    assert all(len(f.value) >= MIN_FORM_LENGTH for f in forms)


def test_records_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        FORMS[0].value = "x"  # type: ignore[misc]


# --- murmur3 against published vectors --------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "seed", "expected"), [
    (b"", 0, 0),
    (b"", 1, 0x514E28B7),
    (b"", 0xFFFFFFFF, 0x81F16F39),
    (b"\0\0\0\0", 0, 0x2362F9DE),
    (b"aaaa", 0x9747B28C, 0x5A97808A),
    (b"Hello, world!", 0x9747B28C, 0x24884CBA),
    (b"The quick brown fox jumps over the lazy dog", 0x9747B28C, 0x2FA826CD),
])
def test_murmur3_32_test_vectors(data, seed, expected):
    assert murmur3_32(data, seed) == expected


def _smhasher_verification(digest) -> int:
    """SMHasher's VerificationTest: hash {}, {0}, {0,1}, … {0..254} with seed 256-n, then hash the concatenation."""
    hashes = b"".join(digest(bytes(range(n)), 256 - n) for n in range(256))
    return int.from_bytes(digest(hashes, 0)[:4], "little")


def test_murmur3_smhasher_verification_values():
    assert _smhasher_verification(lambda d, s: murmur3_32(d, s).to_bytes(4, "little")) == 0xB0F57EE3

    def x64_128(data: bytes, seed: int) -> bytes:
        h1, h2 = murmur3_x64_128(data, seed)
        return h1.to_bytes(8, "little") + h2.to_bytes(8, "little")

    assert _smhasher_verification(x64_128) == 0x6384BA69


# --- leaks in realistic pixel and link URLs ---------------------------------------------------------------------


def test_mailchimp_open_pixel_with_md5_in_e():
    url = f"https://example.us21.list-manage.com/track/open.php?u=1a2b3c4d5e6f7a8b9c0d1e2f3&id=4b5c6d7e8f&e={MD5}"
    assert find_leaks(url, FORMS) == (Leak(ADDR, "md5", "query:e", MD5),)


@pytest.mark.parametrize("name", ["ud[em]", "ud%5Bem%5D"])
def test_facebook_advanced_matching_sha256(name):
    url = f"https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1&{name}={SHA256}"
    assert where_form(find_leaks(url, FORMS)) == [("query:ud[em]", "sha256", "")]


def test_upper_case_hex_matches_and_is_reported_as_sent():
    url = f"https://t.example.net/open?h={SHA256.upper()}"
    assert find_leaks(url, FORMS) == (Leak(ADDR, "sha256", "query:h", SHA256.upper()),)


def test_address_in_another_case_matches():
    leaks = find_leaks("https://shop.example/p.gif?to=Jane.Doe@Example.COM", FORMS)
    assert leaks == (Leak(ADDR, "raw", "query:to", "Jane.Doe@Example.COM"),)


def test_url_encoded_address_in_query_is_one_leak():
    leaks = find_leaks("https://ads.example/pixel?email=jane.doe%40example.com&c=7", FORMS)
    assert leaks == (Leak(ADDR, "url-encoded", "query:email", "jane.doe%40example.com"),)


def test_double_encoded_address_inside_a_click_redirect():
    target = quote("https://shop.example/welcome?email=" + quote(ADDR, safe=""), safe="")
    leaks = find_leaks(f"https://click.example/r?url={target}", FORMS)
    assert where_form(leaks) == [("query:url", "url-encoded", "percent-decoded")]


def test_base64_address_as_a_path_segment():
    token = base64.urlsafe_b64encode(DATA).decode().rstrip("=")
    assert where_form(find_leaks(f"https://t.example.net/o/{token}/p.gif", FORMS)) == [("path", "base64-nopad", "")]


def test_padded_base64_is_one_leak_not_two():
    token = base64.b64encode(DATA).decode()
    leaks = find_leaks(f"https://t.example.net/o/{token}", FORMS)
    assert [(leak.form, leak.matched) for leak in leaks] == [("base64", token)]


def test_address_inside_a_base64_json_token_in_the_path():
    token = base64.urlsafe_b64encode(json.dumps({"email": ADDR, "campaign": 42}).encode()).decode().rstrip("=")
    leaks = find_leaks(f"https://links.example.com/ls/click/{token}", FORMS)
    assert leaks == (Leak(ADDR, "raw", "path:base64-token", ADDR, "base64"),)


def test_mailgun_style_zlib_base64_token():
    payload = json.dumps({"h": "6f1e2d3c", "r": f"https://shop.example/?u={ADDR}", "v": 1}).encode()
    token = base64.urlsafe_b64encode(zlib.compress(payload)).decode().rstrip("=")
    assert token.startswith("eJ")
    leaks = find_leaks(f"https://email.mg.shop.example/o/{token}", FORMS)
    assert leaks == (Leak(ADDR, "raw", "path:base64-token", ADDR, "zlib+base64"),)


def test_base64_token_in_a_query_value():
    token = base64.b64encode(json.dumps({"em": ADDR}).encode()).decode()
    leaks = find_leaks(f"https://t.example.net/open?d={quote(token, safe='')}", FORMS)
    assert where_form(leaks) == [("query:d:base64-token", "raw", "base64")]


def test_crc32_as_a_whole_token_and_fragment():
    crc = str(zlib.crc32(DATA))
    assert where_form(find_leaks(f"https://t.example.net/o?c={crc}", FORMS)) == [("query:c", "crc32", "")]
    assert where_form(find_leaks(f"https://t.example.net/o#{MD5}", FORMS)) == [("fragment", "md5", "")]


def test_request_body():
    body = json.dumps({"user_data": {"em": [SHA256]}}).encode()
    leaks = find_leaks("https://capi.example/events", FORMS, body=body)
    assert leaks == (Leak(ADDR, "sha256", "body", SHA256),)
    assert where_form(find_leaks("https://x.example/", FORMS, body="email=jane.doe%40example.com")) == [
        ("body", "url-encoded", "")
    ]


def test_several_recipients_are_told_apart():
    other = "ops@corp.example"
    forms = FORMS + identity_forms(other)
    url = f"https://t.example.net/o?a={MD5}&b={hashlib.sha1(other.encode(), usedforsecurity=False).hexdigest()}"
    assert [(leak.identity, leak.form, leak.where) for leak in find_leaks(url, forms)] == [
        (ADDR, "md5", "query:a"),
        (other, "sha1", "query:b"),
    ]


# --- no false alarms ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "https://example.us21.list-manage.com/track/open.php?u=1a2b3c4d5e6f7a8b9c0d1e2f3&id=4b5c6d7e8f&e=5f2b1c3d4e",
    "https://www.facebook.com/tr?id=1234567890123456&ev=PageView&noscript=1",
    # an unrelated sha256 (of the empty string) and md5
    "https://t.example.net/o?h=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855&m=d41d8cd98f00b204e9800998ecf8427e",
])
def test_clean_urls(url):
    assert find_leaks(url, FORMS) == ()


def test_a_different_address_and_the_sender_do_not_match():
    for other in ("john.smith@example.org", "newsletter@shop.example"):
        o = other.encode()
        md5 = hashlib.md5(o, usedforsecurity=False).hexdigest()
        url = (
            f"https://t.example.net/o/{base64.b64encode(o).decode()}?to={other}&e={md5}"
            f"&em={hashlib.sha256(o).hexdigest()}&c={zlib.crc32(o)}&m={murmur3_32(o)}"
        )
        assert find_leaks(url, FORMS) == (), other


@pytest.mark.parametrize("other", ["mary.jane.doe@example.com", "jane.doe@example.com.au", "xjane.doe@example.com"])
def test_addresses_that_contain_the_recipients_do_not_match(other):
    assert find_leaks(f"https://t.example.net/o?to={quote(other)}&t={other}", FORMS) == ()


def test_base64_of_a_longer_address_does_not_match():
    # 15 bytes: base64("abc@example.com") is a whole prefix of base64("abc@example.com.au")
    longer = base64.b64encode(b"abc@example.com.au").decode()
    assert find_leaks(f"https://t.example.net/o/{longer}", identity_forms("abc@example.com")) == ()


def test_short_forms_inside_longer_digit_or_hex_runs_do_not_match():
    crc, mm = zlib.crc32(DATA), murmur3_32(DATA)
    url = f"https://t.example.net/o/9{crc}1?ts=17{mm}00&h=aa{crc:08x}bb&id=123456789"
    assert find_leaks(url, FORMS) == ()


def test_non_text_base64_like_tokens_are_ignored():
    # hex digests are valid base64 too; their decoding is binary and is not searched
    assert find_leaks(f"https://t.example.net/o/{'ab' * 40}/eJzzSM3JyVcozy/KSQEAGKsEPQ", FORMS) == ()


def test_unparsable_url_is_searched_as_text():
    assert where_form(find_leaks(f"http://[::1/o?e={MD5}", FORMS)) == [("url", "md5", "")]


def test_identity_form_is_usable_alone():
    form = IdentityForm("x@y.example", "custom", "ID-0042-x@y", "custom")
    assert where_form(find_leaks("https://t.example/?q=id-0042-X@Y", [form])) == [("query:q", "custom", "")]


# --- per-recipient identifiers (heuristic) -------------------------------------------------------------------------

MAILCHIMP = "https://shop.us21.list-manage.com/track/open.php?u=4b7c0c7a7e7c5a1b2c3d4e5f6&id=4b5c6d7e8f&e=5f2b1c3d4e"
SENDGRID = "https://u1234567.ct.sendgrid.net/wf/open?upn=u001.K3aZb9Qx-7hT_pLm2vNw4RyE8sJdF0gHcU5oXiYkAl1tW6eM3rB"
SES = "https://abcdefgh.r.us-east-1.awstrack.me/I0/0100018f2a3b4c5d-6e7f8a9b-1c2d-3e4f-5a6b-7c8d9e0f1a2b-000000/Kx3aZ9bQ7hTpLm2vNw4R=359"


def test_platform_ids_are_reported_with_a_reason():
    tokens = per_recipient_ids([MAILCHIMP, SENDGRID, SES])
    assert [(t.url, t.where, t.value) for t in tokens] == [
        (MAILCHIMP, "query:u", "4b7c0c7a7e7c5a1b2c3d4e5f6"),
        (MAILCHIMP, "query:e", "5f2b1c3d4e"),  # 10 chars: e= is a recipient parameter, so 8 suffice
        (SENDGRID, "query:upn", "u001.K3aZb9Qx-7hT_pLm2vNw4RyE8sJdF0gHcU5oXiYkAl1tW6eM3rB"),
        (SES, "path", "0100018f2a3b4c5d-6e7f8a9b-1c2d-3e4f-5a6b-7c8d9e0f1a2b-000000"),
        (SES, "path", "Kx3aZ9bQ7hTpLm2vNw4R=359"),
    ]
    u = "4b7c0c7a7e7c5a1b2c3d4e5f6"
    assert tokens[0] == RecipientToken(MAILCHIMP, "query:u", u, "hex, 25 chars, 3.6 bits/char")
    assert tokens[3].reason.startswith("hex, 60 chars")


def test_uuid_in_a_click_path():
    url = "https://click.example/r/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
    assert [t.reason.split(",")[0] for t in per_recipient_ids([url])] == ["uuid"]


@pytest.mark.parametrize("url", [
    # words, slugs, file names, dates, hostnames, nested URLs, repetitive and short values
    "https://shop.example/2024/05/spring-sale-newsletter/header-image-2x.png?utm_campaign=spring_sale_2024",
    "https://shop.example/p?date=2024-05-01T10:00:00Z&d=20240501&c=NewsletterSpring2024&n=unsubscribe-preferences",
    "https://shop.example/p?host=email.shop.example.com&u=https%3A%2F%2Fshop.example%2Fa%3Fb%3D1234567890abcdef",
    "https://shop.example/p?x=0000000000000001&id=4b5c6d7e8f&e=newsletter&to=jane.doe@example.com&z=",
])
def test_constants_are_not_reported(url):
    assert per_recipient_ids([url]) == ()


def test_each_value_is_reported_once_and_bad_urls_are_skipped():
    assert len(per_recipient_ids([MAILCHIMP, MAILCHIMP, "http://[::1/x"])) == 2
