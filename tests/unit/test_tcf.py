"""TC strings: decoding, and what counts as positive consent. `encode_tc` builds real v2 core segments."""

from __future__ import annotations

import base64

from pixelaudit.tcf import decode_tc_string, positive_consent


def encode_tc(cmp_id: int = 7, purposes: tuple[int, ...] = (), vendors: tuple[int, ...] = ()) -> str:
    """A TCF v2 core segment (bit layout from the IAB TC string spec), base64url without padding."""
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
    max_vendor = max(vendors, default=0)
    put(max_vendor, 16)
    put(0, 1)  # bit field
    bits += "".join("1" if v in vendors else "0" for v in range(1, max_vendor + 1))
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
