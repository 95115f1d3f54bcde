"""`pixelaudit diff OLD NEW`: what two findings.json results differ in — trackers, pixels, cookies, findings.

Each kind is compared by a key without volatile parts: trackers by (vendor or rule, host), pixels by URL
shape, cookies by (name, domain), findings by fingerprint. Pure functions over the two dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pixelaudit.baseline import describe
from pixelaudit.fingerprint import fingerprint, url_shape

__all__ = ["diff", "diff_text"]

KINDS = ("findings", "trackers", "pixels", "cookies")


def _trackers(result: dict) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    for r in result.get("requests", []):
        t = r.get("tracker")
        if t:
            who = t.get("vendor") or t.get("rule") or "unnamed"
            out.setdefault((who, r.get("host")), {"vendor": who, "rule": t.get("rule"),
                                                  "category": t.get("category"), "host": r.get("host")})
    return out


def _pixels(result: dict) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    for r in result.get("requests", []):
        if r.get("pixel"):
            shape = url_shape(r.get("url"), query=False)
            vendor = (r.get("tracker") or {}).get("vendor")
            out.setdefault((shape,), {"url_shape": shape, "host": r.get("host"), "vendor": vendor})
    return out


def _cookies(result: dict) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    for c in result.get("cookies", []):
        domain = (c.get("domain") or "").lstrip(".")
        out.setdefault((c.get("name"), domain), {"name": c.get("name"), "domain": domain, "party": c.get("party"),
                                                 "vendor": (c.get("tracker") or {}).get("vendor")})
    return out


def _findings(result: dict) -> dict[tuple, dict]:
    out: dict[tuple, dict] = {}
    for f in result.get("findings", []):
        fp = fingerprint(f, result)
        out.setdefault((fp,), {"fingerprint": fp, "type": f.get("type"), "severity": f.get("severity"),
                               "scenario": f.get("scenario"), "host": f.get("host"), "vendor": f.get("vendor"),
                               "url": f.get("url"), "message": f.get("message")})
    return out


_KEYED: dict[str, Callable[[dict], dict[tuple, dict]]] = {
    "findings": _findings, "trackers": _trackers, "pixels": _pixels, "cookies": _cookies}


def _about(result: dict) -> dict:
    return {"target": result.get("target"), "started_at": result.get("started_at"),
            "complete": result.get("complete")}


def diff(old: dict, new: dict) -> dict:
    """{"old", "new" (target, start, complete), and per kind {"new": [...], "removed": [...], "unchanged": n}}."""
    out = {"old": _about(old), "new": _about(new)}
    for kind in KINDS:
        before, after = _KEYED[kind](old), _KEYED[kind](new)
        out[kind] = {"new": [after[k] for k in after if k not in before],
                     "removed": [before[k] for k in before if k not in after],
                     "unchanged": sum(1 for k in after if k in before)}
    return out


def _line(kind: str, item: dict) -> str:
    if kind == "findings":
        return f"[{item['severity']}] {item['type']} in {item['scenario']}: {describe(item)}"
    if kind == "trackers":
        return f"{item['vendor']} on {item['host']}" + (f" ({item['category']})" if item.get("category") else "")
    if kind == "pixels":
        return item["url_shape"] + (f" ({item['vendor']})" if item.get("vendor") else "")
    return f"{item['name']} on {item['domain']} ({item['party']}-party" + \
        (f", {item['vendor']})" if item.get("vendor") else ")")


def diff_text(d: dict) -> Iterable[str]:
    """The diff as lines for a terminal or a CI log: `+` new in NEW, `-` gone since OLD."""
    yield f"old: {d['old']['target']} ({d['old']['started_at']})"
    yield f"new: {d['new']['target']} ({d['new']['started_at']})"
    for kind in KINDS:
        part = d[kind]
        yield f"{kind}: {len(part['new'])} new, {len(part['removed'])} removed, {part['unchanged']} unchanged"
        for item in part["new"]:
            yield f"  + {_line(kind, item)}"
        for item in part["removed"]:
            yield f"  - {_line(kind, item)}"
