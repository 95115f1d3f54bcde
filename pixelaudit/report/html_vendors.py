"""Who received data: tracker vendors (grouped by category and purpose) and third-party sites."""

from __future__ import annotations

from collections import Counter

UNNAMED = "Unnamed trackers (filter lists, heuristics)"
# Most intrusive first: what a reader should see before the analytics and the functional tags.
CATEGORY_ORDER = ("advertising", "affiliate", "social", "fingerprinting", "session-replay", "customer-data",
                  "analytics", "ab-testing", "email", "support-chat", "tag-manager", "consent", "functional",
                  "unknown")


def group_trackers(requests: list[dict]) -> list[dict]:
    """Requests with a tracker match, one group per vendor, sorted by vendor name."""
    groups: dict[str, dict] = {}
    for request in requests:
        tracker = request.get("tracker")
        if not tracker:
            continue
        vendor = tracker.get("vendor") or UNNAMED
        group = groups.setdefault(vendor, {
            "vendor": vendor, "companies": [], "categories": [], "purposes": [], "rules": [], "hosts": [],
            "ids": [], "reasons": [], "scenarios": [], "requests": 0, "pixels": 0, "before": 0, "first_ms": None,
        })
        reason = tracker.get("reason") or (f"{tracker.get('rule')}: {tracker.get('filter')}"
                                           if tracker.get("filter") else None)
        for key, value in (("companies", tracker.get("company")), ("categories", tracker.get("category")),
                           ("purposes", tracker.get("purpose")), ("rules", tracker.get("rule")),
                           ("hosts", request.get("host")), ("ids", tracker.get("id")), ("reasons", reason),
                           ("scenarios", request.get("scenario"))):
            if value is not None and value not in group[key]:
                group[key].append(value)
        group["requests"] += 1
        group["pixels"] += 1 if request.get("pixel") else 0
        group["before"] += 1 if request.get("before_consent") else 0
        group["first_ms"] = _earliest(group["first_ms"], request.get("time_ms"))
    for group in groups.values():
        group["hosts"].sort()
    # named vendors alphabetically, then what lists and heuristics found
    return sorted(groups.values(), key=lambda group: (group["vendor"] == UNNAMED, group["vendor"].casefold()))


def vendors_by_category(trackers: list[dict]) -> list[dict]:
    """The vendor groups under their (first) category, most intrusive category first."""
    by: dict[str, list[dict]] = {}
    for group in trackers:
        by.setdefault((group["categories"] or ["unknown"])[0], []).append(group)
    rank = {name: i for i, name in enumerate(CATEGORY_ORDER)}
    return [{"category": name, "vendors": by[name]}
            for name in sorted(by, key=lambda c: (rank.get(c, len(rank)), c))]


def rule_notes(rule_docs: dict) -> list[dict]:
    """What each matched rule says about its vendor, for the 'Vendor rules' section (anchors rule-<id>)."""
    return [{"id": rule_id, **doc} for rule_id, doc in sorted((rule_docs or {}).items())]


def group_third_parties(requests: list[dict]) -> list[dict]:
    """Third-party requests, one group per site, busiest site first."""
    groups: dict[str, dict] = {}
    for request in requests:
        if request.get("party") != "third":
            continue
        site = request.get("site") or request.get("host") or "unknown"
        group = groups.setdefault(site, {"site": site, "hosts": [], "requests": 0, "types": Counter(),
                                         "vendors": [], "pixels": 0})
        host, vendor = request.get("host"), (request.get("tracker") or {}).get("vendor")
        if host and host not in group["hosts"]:
            group["hosts"].append(host)
        if vendor and vendor not in group["vendors"]:
            group["vendors"].append(vendor)
        group["requests"] += 1
        group["pixels"] += 1 if request.get("pixel") else 0
        group["types"][request.get("resource_type") or "other"] += 1
    rows = []
    for group in groups.values():
        types = group.pop("types")
        ranked = sorted(types.items(), key=lambda item: (-item[1], item[0]))
        group["resource_types"] = [f"{name} ×{count}" if count > 1 else name for name, count in ranked]
        group["hosts"].sort()
        rows.append(group)
    return sorted(rows, key=lambda group: (-group["requests"], group["site"]))


def _earliest(current: float | None, candidate: float | None) -> float | None:
    if candidate is None:
        return current
    return candidate if current is None else min(current, candidate)
