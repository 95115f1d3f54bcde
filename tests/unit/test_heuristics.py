"""Unknown third parties that carry identifiers are reported, never as a known vendor."""

from __future__ import annotations

import pytest

from pixelaudit.heuristics import entropy, judge_unknown
from pixelaudit.model import Request
from pixelaudit.parties import party_of

SHOP = frozenset({"shop.example"})
PAGE = "https://www.shop.example/product/42"


def judge(url: str, resource_type: str = "image"):
    req = Request(url, "GET", resource_type, "no-interaction", PAGE, 10.0, "main")
    return judge_unknown(req, party_of(url, SHOP))


@pytest.mark.parametrize(("url", "rule", "reason"), [
    ("https://t.newtracker.example/p?uid=8f3a", "heuristic:id-param", "uid="),
    ("https://t.newtracker.example/c?gclid=Cj0KCQ", "heuristic:id-param", "gclid="),
    ("https://t.newtracker.example/c?fbclid=IwAR0abc", "heuristic:id-param", "fbclid="),
    ("https://t.newtracker.example/v?u=https%3A%2F%2Fwww.shop.example%2Fproduct%2F42", "heuristic:page-url", "u="),
    ("https://t.newtracker.example/v?x=a8Fk2LmQ9zR4tYp7Wc3N", "heuristic:token", "x="),
])  # fmt: skip
def test_identifying_third_party_requests(url: str, rule: str, reason: str) -> None:
    match = judge(url)
    assert match is not None and match.rule == rule and reason in match.reason
    assert match.vendor is None and match.category == "unknown" and match.source == "heuristic"


@pytest.mark.parametrize("url", [
    "https://cdn.shop.example/p?uid=1",  # first party
    "https://fonts.gstatic.example/s/roboto.woff2",  # no data
    "https://img.cdn.example/photo.jpg?w=640&h=480&fit=crop",  # sizes are not identifiers
    "https://img.cdn.example/photo.jpg?v=1234567890",  # a number, no letters
    "https://api.example/search?q=rain+jacket&lang=en",
])  # fmt: skip
def test_ordinary_requests_are_not_flagged(url: str) -> None:
    assert judge(url) is None


def test_code_and_layout_are_skipped_even_with_tokens() -> None:
    assert judge("https://cdn.vendor.example/app.js?v=a8Fk2LmQ9zR4tYp7Wc3N", "script") is None
    assert judge("https://cdn.vendor.example/app.css?uid=1", "stylesheet") is None
    assert judge("https://cdn.vendor.example/beacon?uid=1", "ping") is not None


def test_entropy() -> None:
    assert entropy("aaaaaaaa") == 0
    assert entropy("a8Fk2LmQ9zR4tYp7Wc3N") > 4
