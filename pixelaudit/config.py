"""The frozen configuration of one scan, and parsing of the flags that feed it.

Flags come from the command line, `PIXELAUDIT_*` environment variables, or `[tool.pixelaudit]` in
pyproject.toml / a `pixelaudit.toml` file (in that order of precedence; see cli.py).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pixelaudit.model import SEVERITIES
from pixelaudit.policy import Policy

FAIL_ON_LEVELS = ("high", "medium", "low", "info", "none")
FORMATS = ("json", "html", "csv", "sarif", "junit", "md", "pdf")
DEFAULT_FORMATS = ("json", "html")


class ConfigError(Exception):
    """A flag or config value the user gave is not usable (exit code 2)."""


@dataclass(frozen=True, slots=True)
class HostMapping:
    """`--resolve HOST[:PORT]=IP[:PORT]`: send connections for HOST (or every host, `*`) to IP."""

    host: str
    port: int | None
    ip: str
    to_port: int | None

    def spec(self) -> str:
        """The mapping as `--resolve` takes it."""
        ip = f"[{self.ip}]" if ":" in self.ip and self.to_port is not None else self.ip
        return (f"{self.host}{'' if self.port is None else f':{self.port}'}={ip}"
                f"{'' if self.to_port is None else f':{self.to_port}'}")

    def rule(self) -> str:
        """The Chromium `--host-resolver-rules` entry for this mapping."""
        src = self.host if self.port is None else f"{self.host}:{self.port}"
        ip = f"[{self.ip}]" if ":" in self.ip else self.ip
        dst = ip if self.to_port is None else f"{ip}:{self.to_port}"
        return f"MAP {src} {dst}"


@dataclass(frozen=True, slots=True)
class Credentials:
    """HTTP credentials, sent to the target's origin only."""

    username: str
    password: str = field(repr=False)
    origin: str


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything one scan needs; built once by the CLI (or a library caller) and never changed."""

    target: str
    out_dir: Path
    resolve: tuple[HostMapping, ...] = ()
    ignore_https_errors: bool = False
    trust_certs: tuple[Path, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    credentials: Credentials | None = None
    user_agent: str | None = None
    timeout: float = 30.0
    wait: float = 5.0
    fail_on: str = "high"
    formats: tuple[str, ...] = DEFAULT_FORMATS
    block_third_party_cookies: bool = False
    chromium: str | None = None
    rules: tuple[Path, ...] = ()
    scenarios: tuple[str, ...] = ("no-interaction",)
    accept_selector: str | None = None  # the user's override for an in-house banner
    reject_selector: str | None = None
    second_page: str | None = None  # visited after the consent choice; default: the first same-site link
    evidence: bool = False  # write the evidence bundle (HAR, screenshots, HTML, manifest.json)
    policy: Policy | None = None  # applied to findings.json before reports are written (recorded there, not here)
    baseline: Path | None = None  # batch and config targets: each site gated by its entries (recorded there too)

    def provenance(self) -> dict:
        """Options as recorded in findings.json (header values and passwords left out)."""
        return {
            "timeout": self.timeout,
            "wait": self.wait,
            "resolve": [m.spec() for m in self.resolve],
            "user_agent": self.user_agent,
            "block_third_party_cookies": self.block_third_party_cookies,
            "ignore_https_errors": self.ignore_https_errors,
            "trust_certs": [str(p) for p in self.trust_certs],
            "header_names": [k for k, _ in self.headers],
            "http_credentials_for": self.credentials.origin if self.credentials else None,
            "fail_on": self.fail_on,
            "formats": list(self.formats),
            "rules": [str(p) for p in self.rules],
            "scenarios": list(self.scenarios),
            "accept_selector": self.accept_selector,
            "reject_selector": self.reject_selector,
            "second_page": self.second_page,
            "evidence": self.evidence,
        }


def parse_target(url: str) -> str:
    """Check a scan target URL; a bare host name gets https://."""
    url = url.strip()
    if not url or any(c in url for c in " \t\r\n"):
        raise ConfigError(f"invalid URL {url!r}: it is empty or contains white space")
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"invalid URL {url!r}: only http:// and https:// can be scanned")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ConfigError(f"invalid URL {url!r}: {exc}") from None
    if not host or not re.fullmatch(r"[A-Za-z0-9._:\-\[\]]+", parts.netloc.rsplit("@", 1)[-1]):
        raise ConfigError(f"invalid URL {url!r}: no valid host name")
    del port
    return parts._replace(path=parts.path or "/").geturl()


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, without user information."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def _port(text: str, what: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ConfigError(f"--resolve {what}: {text!r} is not a port number")
    return int(text)


def parse_resolve(spec: str) -> HostMapping:
    """Parse `HOST[:PORT]=IP[:PORT]`; HOST may be `*` (every host) or `*.example.com`."""
    if "=" not in spec:
        raise ConfigError(f"--resolve {spec!r}: expected HOST=IP[:PORT], e.g. 'www.shop.com=127.0.0.1:8443'")
    left, right = (s.strip() for s in spec.split("=", 1))
    host, _, port = left.partition(":")
    if not re.fullmatch(r"(\*|(\*\.)?[A-Za-z0-9.\-]+)", host):
        raise ConfigError(f"--resolve {spec!r}: {host!r} is not a host name or '*'")
    if right.startswith("["):
        ip, _, rest = right[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise ConfigError(f"--resolve {spec!r}: expected [IPv6]:PORT")
        to_port, has_port = rest[1:], bool(rest)
    else:
        ip, colon, to_port = right.partition(":")
        has_port = bool(colon)
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        raise ConfigError(f"--resolve {spec!r}: {ip!r} is not an IP address") from None
    return HostMapping(host.lower(), _port(port, spec) if port else None, ip,
                       _port(to_port, spec) if has_port else None)


def host_resolver_rules(mappings: tuple[HostMapping, ...]) -> str | None:
    """The `--host-resolver-rules` value: the mappings, with loopback kept reachable. No quotes inside."""
    if not mappings:
        return None
    return ", ".join([m.rule() for m in mappings] + ["EXCLUDE localhost", "EXCLUDE 127.0.0.1"])


def parse_header(spec: str) -> tuple[str, str]:
    """Parse `Name: value`."""
    name, sep, value = spec.partition(":")
    name = name.strip()
    if not sep or not re.fullmatch(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", name):
        raise ConfigError(f"--header {spec!r}: expected 'Name: value'")
    if any(c in value for c in "\r\n"):
        raise ConfigError(f"--header {name}: the value must not contain line breaks")
    return name, value.strip()


def parse_credentials(spec: str, target: str) -> Credentials:
    """Parse `USER:PASS`, bound to the target's origin."""
    user, sep, password = spec.partition(":")
    if not sep or not user:
        raise ConfigError("--http-credentials: expected USER:PASS")
    return Credentials(user, password, origin_of(target))


def _parse_choices(spec: str | list[str] | tuple[str, ...], allowed: tuple[str, ...], flag: str) -> tuple[str, ...]:
    """A comma-separated list of names from `allowed` (order kept, duplicates dropped)."""
    items = spec.split(",") if isinstance(spec, str) else [x for s in spec for x in s.split(",")]
    out: list[str] = []
    for item in (i.strip().lower() for i in items):
        if item not in allowed:
            raise ConfigError(f"{flag} {item!r}: choose from {', '.join(allowed)}")
        if item not in out:
            out.append(item)
    if not out:
        raise ConfigError(f"{flag}: give at least one of " + ", ".join(allowed))
    return tuple(out)


def parse_scenarios(spec: str) -> tuple[str, ...]:
    """Parse `no-interaction,reject,accept,gpc`."""
    from pixelaudit.visit import SCENARIOS

    return _parse_choices(spec, SCENARIOS, "--scenarios")


def parse_formats(spec: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Parse `json,html,csv,sarif,junit,md`."""
    return _parse_choices(spec, FORMATS, "--format")


def check_fail_on(level: str) -> str:
    """Validate `--fail-on`."""
    level = level.strip().lower()
    if level not in FAIL_ON_LEVELS:
        raise ConfigError(f"--fail-on {level!r}: choose from {', '.join(FAIL_ON_LEVELS)}")
    return level


def at_or_above(severity: str, level: str) -> bool:
    """True when a finding of `severity` trips `--fail-on level`."""
    return level != "none" and SEVERITIES.index(severity) >= SEVERITIES.index(level)


def load_file_config(start: Path) -> dict:
    """Scan option defaults from `[tool.pixelaudit]` in pyproject.toml, or pixelaudit.toml, in `start`
    (environment variables expanded; `targets` and `policy` are read by config_file.read_config)."""
    from pixelaudit.config_file import read_config

    return dict(read_config(start).options)
