"""The report's header lines and its provenance: what ran, with which rules and browser, when, with which
options, whether it finished — what a regulator needs to cite the result."""

from __future__ import annotations

from typing import Any

from pixelaudit.report.html_time import display_time, duration

RULE_HASH_KEYS = ("sha256", "hash", "digest")
PAGES_OPEN = 20  # longer page lists start collapsed


def join_words(*parts: Any) -> str | None:
    """Non-empty parts joined by spaces, or None."""
    words = [str(part) for part in parts if part not in (None, "")]
    return " ".join(words) or None


def header(result: dict) -> list[tuple[str, Any]]:
    """The few lines under the title."""
    tool, browser, rules = (result.get(k) or {} for k in ("tool", "browser", "rules"))
    rule_count = f"({rules['count']} rules)" if rules.get("count") is not None else None
    return [
        ("Kind", result.get("kind")),
        ("Started", display_time(result.get("started_at"))),
        ("Finished", display_time(result.get("finished_at"))),
        ("Duration", duration(result.get("started_at"), result.get("finished_at"))),
        ("Scenarios", result.get("scenarios")),
        ("Tool", join_words(tool.get("name"), tool.get("version"))),
        ("Browser", join_words(browser.get("name"), browser.get("version"))),
        ("Rules", join_words(rules.get("version"), rule_count)),
    ]


def provenance(result: dict) -> dict:
    """Everything the provenance section lists."""
    consent = result.get("consent") or {}
    rules = result.get("rules") or {}
    pages = [p for p in result.get("pages") or [] if isinstance(p, dict)]
    return {
        "schema_version": result.get("schema_version"),
        "tool": result.get("tool") or {},
        "browser": result.get("browser") or {},
        "rules": rules,
        "rules_hash": next((rules[k] for k in RULE_HASH_KEYS if rules.get(k)), None),
        "options": list((result.get("options") or {}).items()),
        # each click has its own section; provenance keeps the summary fields
        "consent": [(key, value) for key, value in consent.items() if key != "clicks"],
        "consent_checked": any(value is not None for key, value in consent.items() if key != "clicks"),
        "pages": pages,
        "pages_open": len(pages) <= PAGES_OPEN,
        "started_at": display_time(result.get("started_at")),
        "finished_at": display_time(result.get("finished_at")),
        "duration": duration(result.get("started_at"), result.get("finished_at")),
        "complete": result.get("complete"),
        "errors": len(result.get("errors") or []),
        "evidence": result.get("evidence") if isinstance(result.get("evidence"), dict) else None,
        "policy": result.get("policy") if isinstance(result.get("policy"), dict) else None,
    }
