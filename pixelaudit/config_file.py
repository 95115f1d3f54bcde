"""The CI-gate config file: `pixelaudit.toml` (top level) or `[tool.pixelaudit]` in pyproject.toml.

It holds defaults for `scan` options (validated by the CLI against scan's flags), `targets` to scan when no
URL is given, and a `[policy]` table (`[tool.pixelaudit.policy]`). String values may name environment
variables, `${VAR}` or `${VAR:-default}`, expanded once at load so secrets stay out of the file; `$${` is a
literal `${`. Every problem is a one-line ConfigError naming the file and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pixelaudit.config import ConfigError, parse_target
from pixelaudit.finding_docs import FINDING_DOCS
from pixelaudit.model import SEVERITIES
from pixelaudit.policy import Policy
from pixelaudit.rules import CATEGORIES, PURPOSES

_VAR = re.compile(r"\$\$\{|\$\{([^}]*)\}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# a finding of an unnamed tracker (filter list, heuristic) has category "unknown"
POLICY_GROUPS = tuple(sorted(CATEGORIES | PURPOSES | {"unknown"}))


@dataclass(frozen=True, slots=True)
class FileConfig:
    """What the config file says: scan option defaults, targets and the policy (None: no file, or none given)."""

    path: Path | None = None
    options: Mapping[str, object] = field(default_factory=dict)
    targets: tuple[str, ...] = ()
    policy: Policy | None = None


def expand_env(value: object, key: str, where: str, environ: Mapping[str, str]) -> object:
    """`value` with `${VAR}` / `${VAR:-default}` replaced in every string (lists and tables too)."""
    if isinstance(value, list):
        return [expand_env(v, key, where, environ) for v in value]
    if isinstance(value, dict):
        return {k: expand_env(v, f"{key}.{k}", where, environ) for k, v in value.items()}
    if not isinstance(value, str):
        return value

    def one(match: re.Match) -> str:
        if match.group(0) == "$${":
            return "${"
        name, has_default, default = match.group(1).partition(":-")
        if not _NAME.fullmatch(name):
            raise ConfigError(f"{where}: {key}: ${{{match.group(1)}}} is not a variable name "
                              "(write ${NAME} or ${NAME:-default})")
        if name in environ:
            return environ[name]
        if has_default:
            return default
        raise ConfigError(f"{where}: {key}: environment variable {name} is not set")

    return _VAR.sub(one, value)


def _table(value: object, where: str, key: str) -> dict:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {key} must be a table, e.g. {key} = {{ ... }}")
    return value


def parse_policy(table: object, where: str) -> Policy:
    """Validate a `[policy]` table: `allowed_vendors = {category = [names]}`, `severity = {type = level}`."""
    table = _table(table, where, "policy")
    allowed, severity = [], []
    for key, value in table.items():
        name = key.replace("-", "_")
        if name == "allowed_vendors":
            for group, names in _table(value, where, "policy.allowed_vendors").items():
                if group not in POLICY_GROUPS:
                    raise ConfigError(f"{where}: policy.allowed_vendors.{group}: unknown category or purpose; "
                                      f"known: {', '.join(POLICY_GROUPS)}")
                if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
                    raise ConfigError(f"{where}: policy.allowed_vendors.{group} must be a list of vendor names "
                                      "or rule ids, e.g. [\"Matomo\", \"plausible\"]")
                allowed.append((group, tuple(dict.fromkeys(n.strip().lower() for n in names))))
        elif name == "severity":
            for ftype, level in _table(value, where, "policy.severity").items():
                if ftype not in FINDING_DOCS:
                    raise ConfigError(f"{where}: policy.severity.{ftype}: unknown finding type; "
                                      f"known: {', '.join(FINDING_DOCS)}")
                if not isinstance(level, str) or level.strip().lower() not in SEVERITIES:
                    raise ConfigError(f"{where}: policy.severity.{ftype}: {level!r} is not a severity; "
                                      f"choose from {', '.join(reversed(SEVERITIES))}")
                severity.append((ftype, level.strip().lower()))
        else:
            raise ConfigError(f"{where}: unknown key policy.{key}; known: allowed_vendors, severity")
    return Policy(tuple(allowed), tuple(severity), where)


def _targets(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
        raise ConfigError(f"{where}: targets must be a non-empty list of URLs, e.g. targets = [\"https://a.example/\"]")
    try:
        return tuple(dict.fromkeys(parse_target(t) for t in value))
    except ConfigError as exc:
        raise ConfigError(f"{where}: targets: {exc}") from None


def read_config(start: Path, environ: Mapping[str, str] | None = None) -> FileConfig:
    """The config in `start`: pixelaudit.toml wins over pyproject.toml's [tool.pixelaudit]; none → empty."""
    environ = os.environ if environ is None else environ
    for name, in_pyproject in (("pixelaudit.toml", False), ("pyproject.toml", True)):
        path = start / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        if in_pyproject:
            tool = data.get("tool", {})
            data = tool.get("pixelaudit", {}) if isinstance(tool, dict) else {}
        if not data:
            continue
        where = f"{path}" + (" [tool.pixelaudit]" if in_pyproject else "")
        options = {k.replace("-", "_"): expand_env(v, k, where, environ) for k, v in data.items()}
        targets = _targets(options.pop("targets"), where) if "targets" in options else ()
        policy = parse_policy(options.pop("policy"), where) if "policy" in options else None
        return FileConfig(path, options, targets, policy)
    return FileConfig()
