"""Violations first, with their evidence: the request's decoded parameters, when it fired, in which scenario,
on which pages, from which frame or script, and the screenshots findings.json points to."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from pixelaudit.finding_docs import doc_for
from pixelaudit.report.html_summary import INFORMATIONAL, SITE_CHECKS

SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2, "info": 3}
TYPE_RANK = {t: i for i, t in enumerate(t for group in (*SITE_CHECKS, INFORMATIONAL) for t in group)}
TRACKER_FIELDS = (("id", "Tracker id"), ("event", "Event"), ("consent", "Consent field"), ("label", "Tag"),
                  ("rule", "Vendor rule"), ("category", "Category"), ("purpose", "Purpose"))
MAX_PARAMS = 40
MAX_VALUE = 300
MAX_FIGURES = 24  # page screenshots inlined; each can be hundreds of KB
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


def query_params(url: str | None) -> list[tuple[str, str]]:
    """A URL's query string decoded into (name, value) pairs, in order; long values are cut."""
    if not url:
        return []
    try:
        pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    except ValueError:
        return []
    return [(k, v if len(v) <= MAX_VALUE else v[:MAX_VALUE] + "…") for k, v in pairs[:MAX_PARAMS]]


def by_index(records: list) -> dict[int, dict]:
    """Records keyed by their own `index` (files without one fall back to list position)."""
    return {r.get("index", i): {"index": i} | r for i, r in enumerate(records) if isinstance(r, dict)}


def violations(result: dict) -> list[dict]:
    """Every finding above info, worst first, with everything needed to show its evidence."""
    requests, cookies = by_index(result.get("requests") or []), by_index(result.get("cookies") or [])
    scenario_rank = {s: i for i, s in enumerate(result.get("scenarios") or [])}
    cards = []
    for number, finding in enumerate(result.get("findings") or []):
        if not isinstance(finding, dict) or finding.get("severity") == "info":
            continue
        evidence = finding.get("evidence") if isinstance(finding.get("evidence"), dict) else {}
        request = requests.get(evidence.get("request_index"))
        cookie = cookies.get(evidence.get("cookie_index"))
        record = request or cookie or {}
        tracker = (request or {}).get("tracker") or (cookie or {}).get("tracker") or {}
        url = (request or {}).get("url") or finding.get("url")
        pages = [p for p in evidence.get("pages") or [] if isinstance(p, str)]
        if not pages and (evidence.get("page_url") or record.get("page_url")):
            pages = [evidence.get("page_url") or record["page_url"]]
        time_ms = evidence.get("time_ms", record.get("time_ms"))
        cards.append({
            "anchor": f"finding-{number}", "finding": finding, "doc": doc_for(str(finding.get("type"))),
            "request": request, "cookie": cookie, "url": url, "params": query_params(url),
            "tracker": [(label, tracker[key]) for key, label in TRACKER_FIELDS if tracker.get(key)],
            "time_ms": time_ms, "pages": pages, "initiator": _initiator(request, cookie),
            "other": {k: v for k, v in evidence.items()
                      if k not in ("request_index", "cookie_index", "pages", "page_url", "time_ms")},
        })
    return sorted(cards, key=lambda c: (SEVERITY_RANK.get(c["finding"].get("severity"), 4),
                                        TYPE_RANK.get(c["finding"].get("type"), len(TYPE_RANK)),
                                        scenario_rank.get(c["finding"].get("scenario"), 99)))


def _initiator(request: dict | None, cookie: dict | None) -> list[tuple[str, str]]:
    """Who made the request or set the cookie: frame, frame URL, redirects, the setter."""
    out = []
    if request:
        if request.get("frame"):
            out.append(("Frame", str(request["frame"])))
        if request.get("frame_url") and request.get("frame_url") != request.get("page_url"):
            out.append(("Frame URL", str(request["frame_url"])))
        for hop in request.get("redirect_chain") or []:
            out.append(("Redirected from", str(hop)))
        kind = " ".join(str(request[k]) for k in ("method", "resource_type") if request.get(k))
        status = request.get("status")
        if kind:
            out.append(("Request", f"{kind}, status {'none (failed or blocked)' if status is None else status}"))
    if cookie:
        if cookie.get("set_by"):
            out.append(("Set by", str(cookie["set_by"])))
        if cookie.get("set_by_url"):
            out.append(("Setter URL", str(cookie["set_by_url"])))
    return out


def data_uri(out_dir: Path | None, name: str | None) -> str | None:
    """A picture beside the report (a path relative to out_dir, never outside it) as a data: URI."""
    if not name or out_dir is None or not isinstance(name, str):
        return None
    root = out_dir.resolve()
    path = (root / name).resolve()
    mime = IMAGE_TYPES.get(path.suffix.lower())
    if mime is None or not path.is_relative_to(root) or not path.is_file():
        return None
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode()


def page_figures(result: dict, cards: list[dict], out_dir: Path | None) -> list[dict]:
    """Screenshots of the pages the violations showed on (`pages[].screenshot`, from --evidence), numbered;
    each card gets `figures`, the numbers of its pages' screenshots."""
    shots = {(p.get("url"), p.get("scenario")): p.get("screenshot") for p in result.get("pages") or []
             if isinstance(p, dict) and p.get("screenshot")}
    figures: dict[tuple, dict] = {}
    for card in cards:
        card["figures"] = []
        for page in card["pages"]:
            key = (page, card["finding"].get("scenario"))
            if key not in shots:
                continue
            if key not in figures and len(figures) < MAX_FIGURES:
                image = data_uri(out_dir, shots[key])
                if image is None:
                    continue
                figures[key] = {"number": len(figures) + 1, "page": page, "scenario": key[1], "image": image}
            if key in figures:
                card["figures"].append(figures[key]["number"])
    return list(figures.values())
