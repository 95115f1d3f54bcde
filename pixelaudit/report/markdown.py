"""Markdown summary (`summary.md`) for a CI job page (GitHub's step summary, a merge-request note), rendered
from the findings.json dict alone.

Every value that comes from the result is escaped: GitHub renders HTML inside Markdown, and a page URL or
cookie name can hold `|`, backticks or `<script>`.
"""

from __future__ import annotations

import re
from pathlib import Path

from pixelaudit.finding_docs import doc_for
from pixelaudit.report.finding_view import FindingView, errors, fail_on, severity_counts, verdict, views
from pixelaudit.report.html_policy import policy_note

MAX_ROWS = 200  # GitHub caps a step summary at 1 MiB; findings.json has the rest
MAX_CELL = 160
# CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that can start markup inside
# a line (`@` and `#` too: GitHub turns them into mentions and issue links). Values never start a line.
_MARKUP = re.compile(r"([\\`*_{}\[\]#!|~@])")
HEADLINES = {"pass": "✅ pixelaudit: passed", "fail": "❌ pixelaudit: failed",
             "incomplete": "⚠️ pixelaudit: scan incomplete"}


def write(result: dict, out_dir: Path) -> list[Path]:
    """Write `summary.md` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "summary.md"
    path.write_text(render(result), encoding="utf-8")
    return [path]


def escape(value: object, limit: int | None = None) -> str:
    """Text safe to put in a Markdown paragraph or table cell: one line, no markup, no HTML."""
    text = " ".join(str(value).split())
    if limit and len(text) > limit:
        text = text[:limit - 1] + "…"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKUP.sub(r"\\\1", text)


def _cell(value: object) -> str:
    return "–" if value in (None, "") else escape(value, MAX_CELL)


def render(result: dict) -> str:
    """The summary as Markdown text."""
    items = views(result)
    level = fail_on(result)
    state = verdict(result)
    violations = [v for v in items if v.violation]
    lines = [f"## {HEADLINES[state]}: {escape(result.get('target') or 'unknown target')}", ""]
    lines.append(_verdict_line(state, len(violations), level))
    lines += ["", _provenance(result), ""]
    if isinstance(result.get("policy"), dict):
        lines += [f"Policy applied: {_cell(result['policy'].get('source'))}", ""]
    counts = severity_counts(items)
    lines += ["| Severity | Findings |", "|---|---:|", *(f"| {s} | {n} |" for s, n in counts.items()), ""]
    if violations:
        lines += [f"### Violations (at or above {level})", "", *_table(violations, result), ""]
    known = [v for v in items if v.baseline == "known"]
    below = [v for v in items if not v.violation and v.severity != "info" and v.baseline != "known"]
    allowed = [v for v in items if v.policy == "allowed"]
    if below or known or allowed:
        also = [f"{len(below)} finding(s) below the threshold ({level})"] if below else []
        also += [f"{len(known)} accepted in the baseline"] if known else []
        also += [f"{len(allowed)} allowed by policy"] if allowed else []
        lines += [f"Not failing: {', '.join(also)}; see the full report.", ""]
    if problems := errors(result):
        lines += ["### Scan errors" if state != "incomplete" else "### Why the scan is incomplete", ""]
        lines += [f"- **{escape(e.kind)}**{'' if e.fatal else ' (not fatal)'}: {escape(e.message)}"
                  + (f" — scenario {escape(e.scenario)}" if e.scenario else "")
                  + (f" — {escape(e.url, MAX_CELL)}" if e.url else "") for e in problems]
        lines.append("")
    return "\n".join(lines)


def _verdict_line(state: str, violations: int, level: str) -> str:
    if state == "incomplete":
        tail = f"; {violations} finding(s) at or above {level} so far" if violations else ""
        return f"**Result: INCOMPLETE** — the target could not be audited fully (exit code 3){tail}."
    if state == "fail":
        return f"**Result: FAIL** — {violations} finding(s) at or above {level} (exit code 1)."
    return f"**Result: PASS** — no finding at or above {level} (exit code 0)."


def _provenance(result: dict) -> str:
    tool = result.get("tool") or {}
    browser = result.get("browser") or {}
    rules = result.get("rules") or {}
    parts = [f"kind {escape(result.get('kind') or 'site')}"]
    if scenarios := result.get("scenarios"):
        parts.append("scenarios " + ", ".join(escape(s) for s in scenarios))
    if pages := result.get("pages"):
        parts.append(f"{len(pages)} page(s)")
    if result.get("started_at"):
        parts.append(f"started {escape(result['started_at'])}")
    parts.append(f"pixelaudit {escape(tool.get('version') or '?')}")
    if rules.get("version"):
        parts.append(f"rules {escape(rules['version'])}")
    if browser.get("version"):
        parts.append(f"{escape(browser.get('name') or 'browser')} {escape(browser['version'])}")
    return "Scanned: " + " · ".join(parts)


def _table(violations: list[FindingView], result: dict) -> list[str]:
    page_header = "Mail" if result.get("kind") == "email" else "Page"
    rows = [f"| Type | Severity | Scenario | Vendor | Host | {page_header} |", "|---|---|---|---|---|---|"]
    for v in violations[:MAX_ROWS]:
        page = _cell(v.page) + (f" (+{v.pages - 1} more)" if v.pages > 1 else "")
        note = policy_note({"policy": v.policy, "severity_was": v.severity_was})
        severity = f"{v.severity}; {escape(note)}" if note else v.severity
        rows.append(f"| {escape(doc_for(v.type).title)} ({_cell(v.type)}) | {severity} | {_cell(v.scenario)} "
                    f"| {_cell(v.vendor)} | {_cell(v.host or v.site)} | {page} |")
    if len(violations) > MAX_ROWS:
        rows += ["", f"… and {len(violations) - MAX_ROWS} more violations: see findings.json."]
    return rows
