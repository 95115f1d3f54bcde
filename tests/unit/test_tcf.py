"""TC strings: decoding, and what counts as positive consent. `encode_tc` builds real v2 core segments;
the `IABTCF_*` strings were encoded by the IAB's own @iabtcf/core 1.5.6 (the fixture CMP in tests/sites)."""

from __future__ import annotations

import base64

from pixelaudit.tcf import MAX_FRAMES_SEARCHED, READ_TCF_JS, decode_tc_string, positive_consent

# Core + publisher-TC segments; vendor consents range-encoded (the encoder picks the shorter form)
IABTCF_ACCEPT = "CQuMEMAQuMEMAEtABBENBkEgAP_gAAAAAAYgF5wAoAAgAEAvMAAAAAAA.YAAAAAAAAAAA"
IABTCF_REJECT = "CQuMEMAQuMEMAEtABBENBkEgAAAAAAAAAAYgAAAAAAAA.YAAAAAAAAAAA"


def encode_tc(cmp_id: int = 7, purposes: tuple[int, ...] = (), vendors: tuple[int, ...] = (),
              ranges: tuple[tuple[int, int], ...] | None = None, max_vendor: int | None = None) -> str:
    """A TCF v2 core segment (bit layout from the IAB TC string spec), base64url without padding.

    Vendor consents are a bit field, or with `ranges` ((start, end) pairs) range entries under `max_vendor`
    (default: the largest end).
    """
    bits = ""

    def put(value: int, width: int) -> None:
        nonlocal bits
        bits += format(value, f"0{width}b")

    put(2, 6)  # version
    put(16000000000, 36)  # created (deciseconds)
    put(16000000000, 36)  # last updated
    put(cmp_id, 12)
    put(1, 12)  # cmp version
    put(1, 6)  # consent screen
    put(4 * 64 + 13, 12)  # language "EN"
    put(100, 12)  # vendor list version
    put(4, 6)  # policy version
    put(0, 1)  # is service specific
    put(0, 1)  # use non-standard texts
    put(0, 12)  # special features
    bits += "".join("1" if p in purposes else "0" for p in range(1, 25))
    bits += "0" * 24  # purposes legitimate interest
    put(0, 1)  # purpose one treatment
    put(4 * 64 + 13, 12)  # publisher CC
    if ranges is None:
        max_vendor = max(vendors, default=0)
        put(max_vendor, 16)
        put(0, 1)  # bit field
        bits += "".join("1" if v in vendors else "0" for v in range(1, max_vendor + 1))
    else:
        put(max((end for _, end in ranges), default=0) if max_vendor is None else max_vendor, 16)
        put(1, 1)  # range encoding
        put(len(ranges), 12)
        for start, end in ranges:
            put(int(start != end), 1)
            put(start, 16)
            if start != end:
                put(end, 16)
    put(0, 16)  # legitimate-interest vendors: none
    put(0, 1)
    put(0, 12)  # no publisher restrictions
    bits += "0" * (-len(bits) % 8)
    raw = int(bits, 2).to_bytes(len(bits) // 8, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_decodes_cmp_purposes_and_vendors() -> None:
    decoded = decode_tc_string(encode_tc(cmp_id=31, purposes=(1, 3, 4), vendors=(2, 755)))
    assert decoded["cmp_id"] == 31 and decoded["policy_version"] == 4
    assert decoded["purposes_consent"] == [1, 3, 4]
    assert decoded["vendors_consent"] == [2, 755] and decoded["vendors_consent_count"] == 2
    assert positive_consent(decoded)


def test_a_reject_string_has_no_positive_consent() -> None:
    decoded = decode_tc_string(encode_tc())
    assert decoded["purposes_consent"] == [] and decoded["vendors_consent_count"] == 0
    assert not positive_consent(decoded)


def test_garbage_does_not_raise() -> None:
    assert decode_tc_string(None) is None and decode_tc_string("") is None
    assert "error" in decode_tc_string("not-a-tc-string!")
    assert not positive_consent(decode_tc_string("not-a-tc-string!"))


def test_range_encoded_vendor_consents() -> None:
    decoded = decode_tc_string(encode_tc(cmp_id=9, purposes=(1,), ranges=((2, 4), (755, 755))))
    assert "error" not in decoded
    assert decoded["vendors_consent"] == [2, 3, 4, 755] and decoded["vendors_consent_count"] == 4
    assert decode_tc_string(encode_tc(ranges=()))["vendors_consent"] == []


def test_range_beyond_the_declared_maximum_is_cut() -> None:
    decoded = decode_tc_string(encode_tc(ranges=((1, 9),), max_vendor=4))
    assert decoded["vendors_consent"] == [1, 2, 3, 4] and decoded["vendors_consent_count"] == 4


def test_strings_from_the_iab_encoder() -> None:
    accept = decode_tc_string(IABTCF_ACCEPT)
    assert {k: accept[k] for k in ("cmp_id", "cmp_version", "policy_version", "vendor_list_version")} == {
        "cmp_id": 301, "cmp_version": 1, "policy_version": 4, "vendor_list_version": 100}
    assert accept["purposes_consent"] == list(range(1, 12))
    assert accept["vendors_consent"] == [1, 2, 755] and accept["vendors_consent_count"] == 3
    assert positive_consent(accept)
    reject = decode_tc_string(IABTCF_REJECT)
    assert reject["cmp_id"] == 301 and reject["purposes_consent"] == [] and reject["vendors_consent"] == []
    assert not positive_consent(reject)


def test_reader_script_is_complete() -> None:
    assert "__MAX_FRAMES__" not in READ_TCF_JS and f"seen < {MAX_FRAMES_SEARCHED};" in READ_TCF_JS
    assert "__tcfapiLocator" in READ_TCF_JS and "__tcfapiReturn" in READ_TCF_JS
