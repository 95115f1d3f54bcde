"""The HTML report's consent section: each scenario's click with its banner screenshot, the scenario
matrix (which tracker fired, before or after the choice, on the first or second page) and what Google's
hits said about Consent Mode (gcs/gcd, decoded)."""

from __future__ import annotations

import base64
from pathlib import Path

from pixelaudit.consentmode import GOOGLE, SIGNALS, consent_state, decode_gcd, decode_gcs, read_hit
from pixelaudit.rules import TRACKING_CATEGORIES


def _tracking(request: dict) -> bool:
    tracker = request.get("tracker")
    if tracker:
        return tracker.get("category") in TRACKING_CATEGORIES or tracker.get("category") == "unknown"
    return bool(request.get("pixel"))


def _row_name(request: dict) -> str:
    tracker = request.get("tracker") or {}
    return tracker.get("vendor") or f"{request.get('host')} (unnamed)"


def scenario_matrix(result: dict) -> dict:
    """{'scenarios': [...], 'rows': [{'name', 'cells': [{'before', 'after', 'pages'} | None, ...]}]}."""
    scenarios = list(result.get("scenarios") or [])
    first_page = {}
    for page in result.get("pages") or []:
        first_page.setdefault(page.get("scenario"), page.get("url"))
    cells: dict[str, dict[str, dict]] = {}
    for request in result.get("requests") or []:
        if not _tracking(request) or request.get("scenario") not in scenarios:
            continue
        cell = cells.setdefault(_row_name(request), {}).setdefault(
            request["scenario"], {"before": 0, "after": 0, "pages": set()})
        cell["before" if request.get("before_consent") else "after"] += 1
        cell["pages"].add(1 if request.get("page_url") == first_page.get(request["scenario"]) else 2)
    rows = [{"name": name, "cells": [({**c, "pages": sorted(c["pages"])} if (c := by.get(s)) else None)
                                     for s in scenarios]}
            for name, by in sorted(cells.items(), key=lambda kv: kv[0].casefold())]
    return {"scenarios": scenarios, "rows": rows}


def _hit(request: dict) -> dict | None:
    """A request's decoded Consent Mode; files written before the field existed are decoded from the URL."""
    if "consent_mode" in request:
        hit = request["consent_mode"]
        return hit if isinstance(hit, dict) else None
    tracker = request.get("tracker") or {}
    if tracker.get("company") != GOOGLE and not tracker.get("consent"):
        return None
    return read_hit(request.get("url"), tracker.get("consent"))


def _signals(hit: dict) -> list[dict]:
    """Each signal's state for display: gcd's final state with how it came about, else gcs's."""
    gcs = hit.get("gcs_decoded") or decode_gcs(hit.get("gcs")) or {}
    gcd = hit.get("gcd_decoded") or decode_gcd(hit.get("gcd")) or {}
    out = []
    for name in SIGNALS:
        signal = gcd.get(name) or {}
        how = f"{signal.get('letter')}: default {signal.get('default')}, update {signal.get('update')}"
        out.append({"name": name, "state": gcs.get(name) or signal.get("final"), "gcd": how if signal else None})
    return out


def _verdict(state: str, before: bool, scenario: str | None) -> tuple[str, str]:
    """(what the state means here, badge severity): before a choice, denied is the warning and granted
    or no state the violation (as in the findings); after a reject, granted is the violation."""
    if before:
        return {"denied": ("cookieless ping", "low"), "granted": ("granted before the choice", "high")}.get(
            state, ("no consent state before the choice", "high"))
    if scenario == "reject" and state == "granted":
        return "granted after reject", "high"
    return {"denied": "denied", "granted": "granted"}.get(state, "no consent state"), "info"


def consent_mode(result: dict) -> list[dict]:
    """Google hits' Consent Mode, one row per (scenario, before/after the choice, tag, gcs, gcd): its hits,
    first time, each signal's state and the verdict; in scenario order, before first."""
    order = {s: i for i, s in enumerate(result.get("scenarios") or [])}
    rows: dict[tuple, dict] = {}
    for request in result.get("requests") or []:
        hit = _hit(request)
        if hit is None:
            continue
        before, scenario = bool(request.get("before_consent")), request.get("scenario")
        key = (scenario, before, _row_name(request), hit.get("gcs"), hit.get("gcd"))
        if key not in rows:
            state = hit.get("state") or consent_state(hit.get("gcs"), hit.get("gcd"))
            verdict, severity = _verdict(state, before, scenario)
            rows[key] = {"scenario": scenario, "moment": "before" if before else "after", "tag": key[2],
                         "gcs": key[3], "gcd": key[4], "signals": _signals(hit), "state": state,
                         "verdict": verdict, "severity": severity, "hits": 0, "first_ms": request.get("time_ms")}
        rows[key]["hits"] += 1
    return sorted(rows.values(), key=lambda r: (order.get(r["scenario"], len(order)), r["moment"] != "before",
                                                r["tag"].casefold()))


def clicks(result: dict, out_dir: Path | None) -> list[dict]:
    """Each consent click, with its banner screenshot as a data: URI when the PNG sits beside the report."""
    out = []
    for click in (result.get("consent") or {}).get("clicks") or []:
        image = None
        name = click.get("screenshot")
        if name and out_dir is not None and "/" not in name and (path := out_dir / name).is_file():
            image = "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
        out.append({**click, "image": image})
    return out


def tcf_rows(result: dict) -> list[dict]:
    """Each TC string read (scenario, before/after the choice), decoded for the report, with its verdict."""
    rows = []
    for state in result.get("tcf") or []:
        decoded = state.get("decoded") or {}
        purposes, count = decoded.get("purposes_consent") or [], decoded.get("vendors_consent_count") or 0
        granted = bool(purposes or count) and not decoded.get("error")
        before = state.get("moment") == "before-choice"
        if granted and (before or state.get("scenario") == "reject"):
            verdict, severity = ("consent before the visitor acted" if before else "consent after reject"), "high"
        else:
            verdict, severity = ("undecodable" if decoded.get("error") else "as chosen"), None
        rows.append({"scenario": state.get("scenario"), "moment": "before" if before else "after",
                     "cmp_id": state.get("cmp_id"), "via": state.get("via"), "event_status": state.get("event_status"),
                     "policy_version": decoded.get("policy_version"), "purposes": purposes or None,
                     "vendor_count": count, "vendors": (decoded.get("vendors_consent") or [])[:20] or None,
                     "verdict": decoded.get("error") or verdict, "severity": severity,
                     "tc_string": state.get("tc_string")})
    return rows
