"""User-supplied Adblock Plus lists: each hit names the list and the filter line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pixelaudit.config import ConfigError
from pixelaudit.filterlist import load_filter_list
from pixelaudit.model import Request

LIST = """[Adblock Plus 2.0]
! Title: test privacy list
||stats.tracker.example^$third-party
/pixel.gif?$image
||beacons.example^$ping
@@||stats.tracker.example/allowed.js
||widget.example^$subdocument
example.org##.banner
"""


def req(url: str, resource_type: str = "image", page: str = "https://shop.example/", frame: str = "main"):
    return Request(url, "GET", resource_type, "no-interaction", page, 1.0, frame)


@pytest.fixture
def lst(tmp_path: Path):
    path = tmp_path / "privacy.txt"
    path.write_text(LIST)
    return load_filter_list(path)


def test_hits_name_the_list_and_the_line(lst) -> None:
    hit = lst.match(req("https://stats.tracker.example/t.js", "script"))
    assert hit.rule == "list:privacy.txt" and hit.filter == "||stats.tracker.example^$third-party"
    assert hit.vendor is None and hit.category == "unknown" and hit.source == "list"
    assert lst.match(req("https://cdn.any.example/pixel.gif?u=1")).filter == "/pixel.gif?$image"


def test_options_and_exceptions(lst) -> None:
    assert lst.match(req("https://stats.tracker.example/allowed.js", "script")) is None  # @@ exception
    assert lst.match(req("https://stats.tracker.example/t.js", "script", page="https://stats.tracker.example/")) is None
    assert lst.match(req("https://cdn.any.example/pixel.gif?u=1", "script")) is None  # $image only
    assert lst.match(req("https://beacons.example/b", "ping")) is not None
    assert lst.match(req("https://beacons.example/b", "fetch")) is None
    assert lst.match(req("https://widget.example/embed", "document", frame="subframe")) is not None
    assert lst.match(req("https://widget.example/embed", "document", frame="main")) is None


def test_provenance(lst) -> None:
    info = lst.provenance()
    assert info["name"] == "privacy.txt" and info["rules"] == 5 and len(info["sha256"]) == 64


@pytest.mark.parametrize("content", ["", "! only comments\n[Adblock Plus 2.0]\n", "example.org##.ad\n"])
def test_lists_without_network_rules_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.txt"
    path.write_text(content)
    with pytest.raises(ConfigError, match="no network filter rules"):
        load_filter_list(path)


def test_missing_list(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--filter-list"):
        load_filter_list(tmp_path / "nope.txt")
