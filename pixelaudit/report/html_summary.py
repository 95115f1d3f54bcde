"""The executive summary: the overall verdict and one plain-language row per check, with the rule behind it.

A check is *not checked* when the scan did not run what it needs (no reject scenario, no GPC run, no banner to
click, no page loaded): saying "pass" there would claim more than the scan saw.
"""

from __future__ import annotations

from dataclasses import dataclass

from pixelaudit.config import FAIL_ON_LEVELS, at_or_above
from pixelaudit.finding_docs import doc_for
from pixelaudit.model import SEVERITIES

BEFORE_CHOICE = ("no-interaction", "reject", "accept")
CONSENT_SCENARIOS = ("reject", "accept")


@dataclass(frozen=True, slots=True)
class Check:
    """One row of the executive summary."""

    check: str  # the plain-language check, e.g. "No tracking before the visitor chooses"
    types: tuple[str, ...]  # the finding types that fail it
    status: str  # "pass" | "fail" | "not checked" | "info"
    rule: str  # the law or policy behind it
    count: int  # findings of these types above info (or all of them for an informational check)
    scenarios: tuple[str, ...]  # where it failed
    vendors: tuple[str, ...]
    note: str | None  # why it was not checked, or what "info" counted


@dataclass(frozen=True, slots=True)
class Verdict:
    """The report's headline."""

    status: str  # "pass" | "fail" | "incomplete"
    fail_on: str
    violations: int  # findings at or above fail_on
    below: int  # findings above info but below fail_on
    not_checked: int


def _unmet(types: tuple[str, ...], result: dict) -> str | None:
    """Why the scan could not evaluate a check, or None when it could."""
    scenarios = set(result.get("scenarios") or [])
    consent = result.get("consent") or {}
    if not result.get("pages"):
        return "no page was loaded"
    if types[0] in ("tracker-before-consent", "cookie-before-consent") and not scenarios & set(BEFORE_CHOICE):
        return "no scenario loaded the page without a choice (no-interaction, reject or accept)"
    if types[0] == "tracker-after-reject":
        if "reject" not in scenarios:
            return "the reject scenario was not run"
        if consent.get("reject_clicked") is False:
            return "the reject button could not be clicked"
    if types[0] == "no-consent-banner" and not scenarios & set(CONSENT_SCENARIOS):
        return "no consent scenario (reject or accept) looked for a banner"
    if types[0] == "gpc-ignored" and "gpc" not in scenarios:
        return "the gpc scenario (Global Privacy Control on) was not run"
    if types[0].startswith("tcf-") and not result.get("tcf"):
        return "no IAB TCF consent platform answered on the page"
    return None


SITE_CHECKS: tuple[tuple[str, ...], ...] = (
    ("tracker-before-consent",),
    ("cookie-before-consent",),
    ("tracker-after-reject",),
    ("no-consent-banner",),
    ("gpc-ignored",),
    ("tcf-consent-before-choice", "tcf-consent-after-reject"),
)
INFORMATIONAL = ("tracking-pixel",)


def checks(result: dict) -> list[Check]:
    """The site checks in a fixed order, then any other finding type present, then the informational ones."""
    findings = [f for f in result.get("findings") or [] if isinstance(f, dict)]
    present = {str(f.get("type")) for f in findings}
    known = {t for group in SITE_CHECKS for t in group} | set(INFORMATIONAL)
    groups = [*SITE_CHECKS, *sorted((t,) for t in present - known), INFORMATIONAL]
    return [_check(group, findings, result) for group in groups]


def _check(types: tuple[str, ...], findings: list[dict], result: dict) -> Check:
    doc = doc_for(types[0])
    mine = [f for f in findings if f.get("type") in types]
    informational = types == INFORMATIONAL
    failing = mine if informational else [f for f in mine if f.get("severity") != "info"]
    scenarios = tuple(dict.fromkeys(str(f["scenario"]) for f in failing if f.get("scenario")))
    vendors = tuple(dict.fromkeys(str(f.get("vendor") or f.get("host")) for f in failing
                                  if f.get("vendor") or f.get("host")))
    unmet = None if failing else _unmet(types, result)
    if informational:
        status, note = "info", f"{len(failing)} found" if failing else "none found"
    elif failing:
        status, note = "fail", None
    elif unmet:
        status, note = "not checked", unmet
    else:
        status, note = "pass", None
    return Check(doc.check, types, status, doc.why, len(failing), scenarios, vendors, note)


def verdict(result: dict, rows: list[Check]) -> Verdict:
    """Pass/fail as the exit code decides it (findings at or above fail_on), incomplete first."""
    level = (result.get("options") or {}).get("fail_on")
    level = level if level in FAIL_ON_LEVELS else "high"
    severities = [f.get("severity") for f in result.get("findings") or [] if isinstance(f, dict)]
    ranked = [s if s in SEVERITIES else "info" for s in severities]
    violations = sum(1 for s in ranked if s != "info" and at_or_above(s, level))
    below = sum(1 for s in ranked if s != "info") - violations
    not_checked = sum(1 for row in rows if row.status == "not checked")
    if result.get("complete") is False:
        status = "incomplete"
    else:
        status = "fail" if violations else "pass"
    return Verdict(status, level, violations, below, not_checked)
