"""Unit tests for pixelaudit.config: flag parsing, resolver rules, file config, provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pixelaudit.config import (
    ConfigError,
    Credentials,
    HostMapping,
    ScanConfig,
    at_or_above,
    check_fail_on,
    host_resolver_rules,
    load_file_config,
    parse_credentials,
    parse_formats,
    parse_header,
    parse_resolve,
    parse_target,
)

# --- --resolve ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "mapping", "rule"),
    [
        ("*=127.0.0.1:8443", HostMapping("*", None, "127.0.0.1", 8443), "MAP * 127.0.0.1:8443"),
        ("www.shop.com=10.0.0.5", HostMapping("www.shop.com", None, "10.0.0.5", None),
         "MAP www.shop.com 10.0.0.5"),
        ("www.shop.com:443=127.0.0.1:9443", HostMapping("www.shop.com", 443, "127.0.0.1", 9443),
         "MAP www.shop.com:443 127.0.0.1:9443"),
        ("*=[::1]:8443", HostMapping("*", None, "::1", 8443), "MAP * [::1]:8443"),
        ("*=[::1]", HostMapping("*", None, "::1", None), "MAP * [::1]"),
        ("*.shop.com=10.0.0.7", HostMapping("*.shop.com", None, "10.0.0.7", None), "MAP *.shop.com 10.0.0.7"),
        ("WWW.Shop.COM = 10.0.0.5", HostMapping("www.shop.com", None, "10.0.0.5", None),
         "MAP www.shop.com 10.0.0.5"),
    ],
)
def test_parse_resolve(spec: str, mapping: HostMapping, rule: str) -> None:
    got = parse_resolve(spec)
    assert got == mapping
    assert got.rule() == rule


@pytest.mark.parametrize(
    "spec",
    [
        "www.shop.com",  # missing '='
        "www.shop.com:127.0.0.1",  # ':' instead of '='
        "*=localhost",  # not an IP
        "*=300.1.1.1",  # bad IPv4
        "*=",  # nothing to map to
        "=127.0.0.1",  # no host
        "*=127.0.0.1:99999",  # port out of range
        "*=127.0.0.1:0",
        "*=127.0.0.1:http",
        "www.shop.com:x=127.0.0.1",  # bad source port
        "*=[::1]:70000",
        "'*=127.0.0.1:8443'",  # shell quotes kept by a config file or a wrapper
        '"www.shop.com=127.0.0.1"',
        'www.shop.com="127.0.0.1"',
        "www.shop.com/x=127.0.0.1",
    ],
)
def test_parse_resolve_rejects(spec: str) -> None:
    with pytest.raises(ConfigError, match="--resolve"):
        parse_resolve(spec)


@pytest.mark.parametrize("spec", ["*=[::1]8443", "*=127.0.0.1:"])
def test_parse_resolve_rejects_malformed_target_port(spec: str) -> None:
    with pytest.raises(ConfigError):
        parse_resolve(spec)


def test_host_resolver_rules() -> None:
    rules = host_resolver_rules((parse_resolve("*=127.0.0.1:8443"), parse_resolve("www.shop.com=[::1]:9443")))
    assert rules == "MAP * 127.0.0.1:8443, MAP www.shop.com [::1]:9443, EXCLUDE localhost, EXCLUDE 127.0.0.1"
    assert '"' not in rules and "'" not in rules
    entries = [e.strip() for e in rules.split(",")]
    assert "EXCLUDE localhost" in entries
    assert "EXCLUDE 127.0.0.1" in entries


def test_host_resolver_rules_without_mappings_is_none() -> None:
    assert host_resolver_rules(()) is None


# --- target URL ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("example.com", "https://example.com/"),
        ("  example.com  ", "https://example.com/"),
        ("localhost:8443", "https://localhost:8443/"),
        ("http://shop.test", "http://shop.test/"),
        ("https://shop.com/path/page.html", "https://shop.com/path/page.html"),
        ("https://[::1]:8443/", "https://[::1]:8443/"),
        ("https://x.com/<script>", "https://x.com/<script>"),  # odd but a URL: it is quoted on output
    ],
)
def test_parse_target(given: str, url: str) -> None:
    assert parse_target(given) == url


@pytest.mark.parametrize(
    "given",
    [
        "",
        "   ",
        "ftp://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://",
        "https:///path",
        "https://exa mple.com",
        "https://example.com/a b",
        "https://example.com/\r\nX: y",
        "https://example.com:99999/",
        "https://exa<mple.com/",
    ],
)
def test_parse_target_rejects(given: str) -> None:
    with pytest.raises(ConfigError, match="invalid URL"):
        parse_target(given)


@pytest.mark.parametrize(
    ("given", "url"),
    [("https://example.com?q=1", "https://example.com/?q=1"), ("https://example.com#top", "https://example.com/#top")],
)
def test_parse_target_adds_slash_before_query(given: str, url: str) -> None:
    assert parse_target(given) == url


# --- headers, credentials -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "pair"),
    [
        ("X-Audit: yes", ("X-Audit", "yes")),
        ("Authorization:Bearer abc:def", ("Authorization", "Bearer abc:def")),
        ("  X-Empty:  ", ("X-Empty", "")),
    ],
)
def test_parse_header(spec: str, pair: tuple[str, str]) -> None:
    assert parse_header(spec) == pair


@pytest.mark.parametrize(
    "spec",
    ["X-Audit yes", "", ": value", "Bad Name: v", "X-Test: a\r\nEvil: b", "X-Test: a\nEvil: b", "X\r\nY: v"],
)
def test_parse_header_rejects(spec: str) -> None:
    with pytest.raises(ConfigError, match="--header"):
        parse_header(spec)


@pytest.mark.parametrize(
    ("target", "origin"),
    [
        ("https://shop.com/account/login?next=/", "https://shop.com"),
        ("https://shop.com:8443/a/b", "https://shop.com:8443"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ],
)
def test_parse_credentials_binds_to_origin(target: str, origin: str) -> None:
    creds = parse_credentials("alice:s3cr:et", target)
    assert creds == Credentials("alice", "s3cr:et", origin)
    assert "s3cr" not in repr(creds)


def test_parse_credentials_origin_drops_userinfo() -> None:
    assert parse_credentials("alice:pw", "https://bob:hunter2@shop.com/").origin == "https://shop.com"


@pytest.mark.parametrize("spec", ["alice", ":pw", ""])
def test_parse_credentials_rejects(spec: str) -> None:
    with pytest.raises(ConfigError, match="USER:PASS"):
        parse_credentials(spec, "https://shop.com/")


# --- formats, fail-on -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "formats"),
    [
        ("json", ("json",)),
        ("json,html,csv", ("json", "html", "csv")),
        ("CSV, json ,csv", ("csv", "json")),
        (["html", "json,csv"], ("html", "json", "csv")),
        (("json", "json"), ("json",)),
    ],
)
def test_parse_formats(spec, formats: tuple[str, ...]) -> None:
    assert parse_formats(spec) == formats


@pytest.mark.parametrize("spec", ["docx", "json,xml", "", [], ","])  # pdf is a format since issue 7
def test_parse_formats_rejects(spec) -> None:
    with pytest.raises(ConfigError, match="--format"):
        parse_formats(spec)


@pytest.mark.parametrize(("given", "level"), [("high", "high"), (" MEDIUM ", "medium"), ("none", "none"),
                                              ("info", "info"), ("low", "low")])
def test_check_fail_on(given: str, level: str) -> None:
    assert check_fail_on(given) == level


@pytest.mark.parametrize("given", ["critical", "", "warn"])
def test_check_fail_on_rejects(given: str) -> None:
    with pytest.raises(ConfigError, match="--fail-on"):
        check_fail_on(given)


@pytest.mark.parametrize(
    ("severity", "level", "trips"),
    [
        ("high", "high", True),
        ("medium", "high", False),
        ("info", "high", False),
        ("high", "medium", True),
        ("medium", "medium", True),
        ("low", "medium", False),
        ("low", "low", True),
        ("info", "low", False),
        ("info", "info", True),
        ("high", "info", True),
        ("high", "none", False),
        ("info", "none", False),
    ],
)
def test_at_or_above(severity: str, level: str, trips: bool) -> None:
    assert at_or_above(severity, level) is trips


# --- config files ---------------------------------------------------------------------------------


def test_load_file_config_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.pixelaudit]\nfail-on = "medium"\ntimeout = 12.5\n'
        'format = ["json", "csv"]\nblock-third-party-cookies = true\n', encoding="utf-8")
    assert load_file_config(tmp_path) == {"fail_on": "medium", "timeout": 12.5, "format": ["json", "csv"],
                                          "block_third_party_cookies": True}


def test_load_file_config_from_pixelaudit_toml_wins(tmp_path: Path) -> None:
    (tmp_path / "pixelaudit.toml").write_text('fail-on = "low"\nwait = 2\n', encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.pixelaudit]\nfail-on = "high"\n', encoding="utf-8")
    assert load_file_config(tmp_path) == {"fail_on": "low", "wait": 2}


def test_load_file_config_without_section_or_files(tmp_path: Path) -> None:
    assert load_file_config(tmp_path) == {}
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n', encoding="utf-8")
    assert load_file_config(tmp_path) == {}


@pytest.mark.parametrize("name", ["pyproject.toml", "pixelaudit.toml"])
def test_load_file_config_broken_toml(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text('[tool.pixelaudit\nfail-on = "high"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=name):
        load_file_config(tmp_path)


def test_load_file_config_non_utf8(tmp_path: Path) -> None:
    (tmp_path / "pixelaudit.toml").write_bytes(b'fail-on = "\xff"\n')
    with pytest.raises(ConfigError):
        load_file_config(tmp_path)


# --- provenance -----------------------------------------------------------------------------------


def test_provenance_leaves_out_secrets(tmp_path: Path) -> None:
    config = ScanConfig(
        target="https://shop.com/",
        out_dir=tmp_path,
        resolve=(parse_resolve("www.shop.com:443=127.0.0.1:9443"), parse_resolve("*=[::1]")),
        headers=(("Authorization", "Bearer TOPSECRET-TOKEN"), ("X-Audit", "hdr-value-42")),
        credentials=parse_credentials("alice:PASSWORD-99", "https://shop.com/"),
        fail_on="medium",
        formats=("json", "csv"),
    )
    prov = config.provenance()
    text = json.dumps(prov)  # must be JSON-serialisable as written to findings.json
    for secret in ("TOPSECRET-TOKEN", "hdr-value-42", "PASSWORD-99"):
        assert secret not in text
    assert prov["header_names"] == ["Authorization", "X-Audit"]
    assert prov["http_credentials_for"] == "https://shop.com"
    assert prov["resolve"][0] == "www.shop.com:443=127.0.0.1:9443"
    assert prov["resolve"][1].startswith("*=") and "::1" in prov["resolve"][1]
    assert prov["fail_on"] == "medium"
    assert prov["formats"] == ["json", "csv"]


def test_provenance_without_credentials(tmp_path: Path) -> None:
    prov = ScanConfig(target="https://shop.com/", out_dir=tmp_path).provenance()
    assert prov["http_credentials_for"] is None
    assert prov["header_names"] == []
    assert prov["resolve"] == []
