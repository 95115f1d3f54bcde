"""Rule files: parse YAML strictly, validate every field (failing with file, field and reason), compile
patterns once, and check each rule's examples. Matching lives in `pixelaudit.rules`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from pixelaudit.parties import host_of
from pixelaudit.rules import CATEGORIES, PURPOSES, Endpoint, Extractor, Rule, RuleError, RuleSet

_REQUIRED = ("id", "vendor", "company", "category", "purpose", "source", "examples", "counterexamples")
_OPTIONAL = ("domains", "endpoints", "cookies", "extract", "docs", "collects")
_TEXT_KEYS = ("id", "vendor", "company", "category", "purpose", "source", "docs", "collects")
_ENDPOINT_KEYS = ("host", "path", "query")
_EXTRACT_KEYS = ("id", "event", "consent")
_ID = re.compile(r"[a-z0-9-]+")
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when present: 3x faster
    """A safe loader that rejects duplicate keys (PyYAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for k in (k for k, _ in node.value if isinstance(k, yaml.ScalarNode)):
            if k.value in seen:
                raise yaml.MarkedYAMLError(problem=f"duplicate key {k.value!r}", problem_mark=k.start_mark)
            seen.add(k.value)
        return super().construct_mapping(node, deep)


def _parse_yaml(file: Path, data: bytes) -> Any:
    loader = _StrictLoader(data)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        where = f"line {mark.line + 1}" if (mark := getattr(exc, "problem_mark", None)) else "yaml"
        raise RuleError(file, where, f"invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    finally:
        loader.dispose()


def _get(file: Path, data: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    if not isinstance(value := data.get(key, default), kind):
        raise RuleError(file, key, f"must be a {kind.__name__}, got {value!r}")
    return value


def _text(file: Path, value: Any, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RuleError(file, field, f"must be a non-empty string, got {value!r}")
    return value


def _texts(file: Path, value: Any, field: str, required: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or (required and not value):
        raise RuleError(file, field, "must be a list" + (" with at least one entry" if required else ""))
    return tuple(_text(file, item, f"{field}[{i}]") for i, item in enumerate(value))


def _only(file: Path, mapping: dict[Any, Any], allowed: Sequence[str], prefix: str = "") -> None:
    if unknown := sorted(str(key) for key in mapping if key not in allowed):
        raise RuleError(file, prefix + unknown[0], f"unknown key (allowed: {', '.join(allowed)})")


def _host(file: Path, value: Any, field: str) -> str:
    if not _HOST.fullmatch(_text(file, value, field)):
        raise RuleError(file, field, f"{value!r} is not a lower-case host name such as 'facebook.com'")
    return value


def _endpoint(file: Path, item: Any, field: str) -> Endpoint:
    if not isinstance(item, dict) or "path" not in item:
        raise RuleError(file, field, "must be a mapping with at least 'path'")
    _only(file, item, _ENDPOINT_KEYS, f"{field}.")
    try:
        path = re.compile(_text(file, item["path"], f"{field}.path"))
    except re.error as exc:
        raise RuleError(file, f"{field}.path", f"invalid regex {item['path']!r}: {exc}") from None
    host = _host(file, item["host"], f"{field}.host") if "host" in item else None
    return Endpoint(host, path, _texts(file, item.get("query", []), f"{field}.query"))


def _extractor(file: Path, key: str, spec: Any) -> Extractor:
    """`tid` or `query:tid` (query parameter), `path:<regex with one group>`, `body:a.b` (JSON or form field)."""
    spec = _text(file, spec, f"extract.{key}")
    source, sep, name = spec.partition(":")
    if not sep:
        source, name = "query", spec
    if source not in ("query", "path", "body") or not name:
        raise RuleError(file, f"extract.{key}", f"{spec!r}: use NAME, query:NAME, path:REGEX or body:FIELD")
    if source != "path":
        return Extractor(key, source, name)
    try:
        pattern = re.compile(name)
    except re.error as exc:
        raise RuleError(file, f"extract.{key}", f"invalid regex {name!r}: {exc}") from None
    if pattern.groups != 1:
        raise RuleError(file, f"extract.{key}", f"path regex {name!r} needs exactly one capturing group")
    return Extractor(key, "path", name, pattern)


def _parse_rule(file: Path, data: Any) -> Rule:
    """Validate one parsed YAML document and build its Rule (regexes compiled here, once)."""
    if not isinstance(data, dict):
        raise RuleError(file, "(top level)", "must be a mapping of rule keys")
    _only(file, data, (*_REQUIRED, *_OPTIONAL))
    if missing := [key for key in _REQUIRED if key not in data]:
        raise RuleError(file, missing[0], "missing required key")
    text = {key: _text(file, data[key], key) for key in _TEXT_KEYS if key in data}
    if not _ID.fullmatch(text["id"]) or text["id"] != file.stem:
        raise RuleError(file, "id", f"{text['id']!r} must match [a-z0-9-]+ and equal the file stem")
    for key, vocabulary in (("category", CATEGORIES), ("purpose", PURPOSES)):
        if text[key] not in vocabulary:
            raise RuleError(file, key, f"{text[key]!r} is not one of {', '.join(sorted(vocabulary))}")
    domains = _texts(file, data.get("domains", []), "domains")
    hosts = tuple(_host(file, domain, f"domains[{i}]") for i, domain in enumerate(domains))
    items = _get(file, data, "endpoints", list, [])
    endpoints = tuple(_endpoint(file, item, f"endpoints[{i}]") for i, item in enumerate(items))
    if not hosts and not endpoints:
        raise RuleError(file, "domains", "a rule needs at least one of 'domains' or 'endpoints'")
    extract = _get(file, data, "extract", dict, {})
    _only(file, extract, _EXTRACT_KEYS, "extract.")
    extractors = tuple(_extractor(file, key, spec) for key, values in extract.items()
                       for spec in (values if isinstance(values, list) else [values]))
    urls = {key: _texts(file, data[key], key, required=True) for key in ("examples", "counterexamples")}
    if bad := [(key, url) for key, values in urls.items() for url in values if not host_of(url)]:
        raise RuleError(file, bad[0][0], f"{bad[0][1]!r} is not an absolute URL")
    return Rule(
        **text,
        domains=hosts,
        endpoints=endpoints,
        cookies=_texts(file, data.get("cookies", []), "cookies"),
        extract=extractors,
        examples=urls["examples"],
        counterexamples=urls["counterexamples"],
        file=str(file),
    )


def bundled_rules_dir() -> Path:
    """Bundled rules: ``_rules`` inside an installed wheel, else the source checkout's ``rules``."""
    installed = Path(__file__).parent / "_rules"
    return installed if installed.is_dir() else Path(__file__).parent.parent / "rules"


def load_rules(paths: Sequence[Path] | None = None) -> RuleSet:
    """Load, validate and compile rule files and directories (default: the bundled tracker rules)."""
    files: list[Path] = []
    for path in map(Path, [bundled_rules_dir() / "trackers"] if paths is None else paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.is_file():
            files.append(path)
        else:
            raise RuleError(path, "path", "no such rule file or directory")
    contents = {file: file.read_bytes() for file in files}  # also drops a file given twice
    rules = [_parse_rule(file, _parse_yaml(file, data)) for file, data in contents.items()]
    digest = hashlib.sha256()
    for file in sorted(contents, key=str):
        digest.update(contents[file])
    return RuleSet(rules, digest.hexdigest()[:12], [str(file) for file in contents])


def check_examples(ruleset: RuleSet) -> list[str]:
    """Each rule's examples must match that rule and its counterexamples must not; returns failure lines."""
    failures = []
    for rule in ruleset.rules:
        for key, urls in (("examples", rule.examples), ("counterexamples", rule.counterexamples)):
            for url in urls:
                found = got.id if (got := ruleset.match_url(url)) else "nothing"
                if (found == rule.id) != (key == "examples"):
                    want = rule.id if key == "examples" else f"anything but {rule.id}"
                    failures.append(f"{rule.file}: {key}: {url} matched {found}, expected {want}")
    return failures
