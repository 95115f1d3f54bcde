"""JUnit XML (`junit.xml`) for CI test dashboards, rendered from the findings.json dict alone.

A test suite per consent scenario, a test case per plain-language check (finding_docs) that applies to the
result's kind. A check with no violation passes (findings below `fail_on` are listed in its system-out);
each violation is a failing test case of its own, with the evidence as the failure text, so a dashboard
shows one red line per problem. Info findings never fail. A `scan` suite holds one case, "The scan
completed", that errors when the scan was incomplete.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

from pixelaudit.finding_docs import FINDING_DOCS, doc_for
from pixelaudit.report.finding_view import FindingView, errors, fail_on, incomplete, views

ALL_SCENARIOS = "all"  # the suite of findings without a scenario (spec-minimal dicts)
# XML 1.0 cannot carry most control characters, even escaped; a hostile URL may contain them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def write(result: dict, out_dir: Path) -> list[Path]:
    """Write `junit.xml` and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "junit.xml"
    path.write_bytes(render(result))
    return [path]


def render(result: dict) -> bytes:
    """The JUnit XML document, UTF-8 encoded."""
    root = ET.Element("testsuites", name=_clean(f"pixelaudit {result.get('target') or ''}".strip()))
    suites = _suites(result)
    for suite in suites:
        root.append(suite)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key)) for s in suites)))
    if (duration := _duration(result)) is not None:
        root.set("time", duration)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _suites(result: dict) -> list[ET.Element]:
    """The scan's suite, then one per scenario."""
    items = views(result)
    suites = [_scan_suite(result)]
    for scenario in _scenarios(result, items):
        in_scenario = [v for v in items if (v.scenario or ALL_SCENARIOS) == scenario]
        suites.append(_scenario_suite(result, scenario, in_scenario))
    return suites


def _checks(result: dict, items: list[FindingView]) -> list[str]:
    """The checks that apply: e-mail checks for e-mail results, the site checks otherwise, plus the check of
    any other type found (in the order finding_docs lists them)."""
    email = result.get("kind") == "email"
    types = [t for t in FINDING_DOCS if t.startswith("email-") == email or t == "pii-leak"]
    types += [v.type for v in items if v.type not in types]
    return list(dict.fromkeys(doc_for(t).check for t in types))


def _scenarios(result: dict, items: list[FindingView]) -> list[str]:
    names = [str(s) for s in result.get("scenarios") or [] if s]
    names += [v.scenario or ALL_SCENARIOS for v in items]
    return list(dict.fromkeys(names)) or [ALL_SCENARIOS]


def _scenario_suite(result: dict, scenario: str, items: list[FindingView]) -> ET.Element:
    suite = _suite(result, f"scenario {scenario}")
    classname = f"pixelaudit.{scenario}"
    names: set[str] = set()
    for check in _checks(result, items):
        of_check = [v for v in items if doc_for(v.type).check == check]
        failing = [v for v in of_check if v.violation]
        if not failing:
            case = _case(suite, classname, check, names)
            if of_check:  # context: what was found below the threshold
                _text(case, "system-out", "\n\n".join(_evidence(v, result) for v in of_check))
        for view in failing:
            subject = " ".join(x for x in (view.vendor, view.host or view.site) if x) or view.page or view.type
            case = _case(suite, classname, f"{check}: {subject}", names)
            failure = ET.SubElement(case, "failure", type=view.type, message=_clean(view.message))
            failure.text = _clean(_evidence(view, result))
            suite.set("failures", str(int(suite.get("failures")) + 1))
    return suite


def _scan_suite(result: dict) -> ET.Element:
    suite = _suite(result, "scan")
    case = _case(suite, "pixelaudit.scan", "The scan completed", set())
    found = errors(result)
    if incomplete(result):
        fatal = [e for e in found if e.fatal] or found
        message = fatal[0].message if fatal else "The scan did not complete."
        error = ET.SubElement(case, "error", type=fatal[0].kind if fatal else "incomplete", message=_clean(message))
        error.text = _clean(_error_lines(found) or message)
        suite.set("errors", "1")
    elif found:  # non-fatal problems do not fail the audit, but the record should show them
        _text(case, "system-out", _error_lines(found))
    return suite


def _suite(result: dict, name: str) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(name), tests="0", failures="0", errors="0", skipped="0")
    if result.get("started_at"):
        suite.set("timestamp", _clean(str(result["started_at"])))
    props = ET.SubElement(suite, "properties")
    tool = result.get("tool") or {}
    for key, value in (("target", result.get("target")), ("kind", result.get("kind") or "site"),
                       ("fail_on", fail_on(result)), ("pixelaudit", tool.get("version")),
                       ("rules", (result.get("rules") or {}).get("version"))):
        if value is not None:
            ET.SubElement(props, "property", name=key, value=_clean(str(value)))
    return suite


def _case(suite: ET.Element, classname: str, name: str, names: set[str]) -> ET.Element:
    unique, n = name, 1
    while unique in names:  # dashboards merge cases with the same name
        n += 1
        unique = f"{name} #{n}"
    names.add(unique)
    suite.set("tests", str(int(suite.get("tests")) + 1))
    return ET.SubElement(suite, "testcase", classname=_clean(classname), name=_clean(unique), time="0")


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = _clean(text)


def _evidence(view: FindingView, result: dict) -> str:
    doc = doc_for(view.type)
    more = f" (and {view.pages - 1} more pages)" if view.pages > 1 else ""
    lines = [
        f"{doc.title} [{view.type}], severity {view.severity} (fail on {fail_on(result)})",
        view.message,
        f"scenario: {view.scenario or '-'}",
        f"vendor: {view.vendor or '-'}",
        f"host: {view.host or '-'} (site {view.site or '-'})",
        f"url: {view.url or '-'}",
        f"page: {view.page or '-'}{more}",
        f"evidence: {json.dumps(view.evidence, sort_keys=True, ensure_ascii=False)}",
        f"fingerprint: {view.fingerprint}",
        f"how to fix: {doc.fix}",
    ]
    return "\n".join(lines)


def _error_lines(found) -> str:
    return "\n".join(f"[{e.kind}{'' if e.fatal else ', not fatal'}] {e.message}"
                     + (f" (scenario {e.scenario})" if e.scenario else "") + (f" {e.url}" if e.url else "")
                     for e in found)


def _duration(result: dict) -> str | None:
    try:
        start, end = (datetime.fromisoformat(str(result[k]).replace("Z", "+00:00"))
                      for k in ("started_at", "finished_at"))
    except (KeyError, ValueError, TypeError):
        return None
    return f"{max((end - start).total_seconds(), 0.0):.3f}"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def merge(results: list[dict]) -> bytes:
    """Several targets' findings.json (config `targets`) as one JUnit document: each target's suites, named
    "<target>: scan", "<target>: scenario reject", ..., under one <testsuites> root with the totals."""
    root = ET.Element("testsuites", name="pixelaudit targets")
    for result in results:
        for suite in _suites(result):
            suite.set("name", _clean(f"{result.get('target') or 'unknown'}: {suite.get('name')}"))
            root.append(suite)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(sum(int(s.get(key)) for s in root)))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
