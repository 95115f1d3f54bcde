"""A team's policy over findings: vendors it allows per category or purpose, and its own severity per finding type.

`apply_policy` is a pure function over the findings.json dict, applied right after a scan and before any
report is written, so every format shows the same outcome. It only adds fields (findings-v1 stays valid):

- each finding gets `"policy"`: `"allowed"` (an allowed vendor in that category or purpose: its severity becomes
  `info` and it never counts for --fail-on), `"severity"` (the policy set its severity), or null;
  `"severity_was"` keeps the scanner's own severity whenever the policy changed it;
- the top level gets `"policy"`: the policy that was applied, so a report reader knows which allowances held;
- `summary.findings` is recounted.

A finding that already carries `"policy"` was judged before and is left as it is, so a mail batch's index,
built from its messages' judged findings (which alone hold the records a vendor is read from), can go through
the same function.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from pixelaudit.model import SEVERITIES


@dataclass(frozen=True, slots=True)
class Policy:
    """Allowed vendors per category/purpose (names or rule ids, lower-cased) and severity per finding type."""

    allowed_vendors: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    source: str | None = None  # the file it came from, for the record

    def as_dict(self) -> dict:
        """The policy as findings.json records it."""
        return {"source": self.source,
                "allowed_vendors": {group: list(names) for group, names in self.allowed_vendors},
                "severity": dict(self.severity)}

    def allows(self, tracker: dict | None, label: str | None = None) -> bool:
        """True when the tracker's vendor (or the finding's `label` for it) or rule id is allowed in the
        tracker's category or purpose."""
        if not tracker:
            return False
        names = {str(n or "").lower() for n in (tracker.get("vendor"), tracker.get("rule"), label)} - {""}
        groups = {tracker.get("category"), tracker.get("purpose")} - {None}
        return any(group in groups and names & set(allowed) for group, allowed in self.allowed_vendors)


def is_allowed(finding: dict) -> bool:
    """True for a finding the policy allowed: it stays in the report but never fails the gate."""
    return finding.get("policy") == "allowed"


# evidence index → the findings.json list it points into, whose records carry a `tracker`; e-mail open pixels
# and click-tracking links have theirs too. Leaks are left out on purpose: allowing a vendor's tracking does
# not allow sending it the recipient's address (pii-leak keeps its severity unless `severity` says otherwise).
_TRACKED = (("cookie_index", "cookies"), ("request_index", "requests"), ("pixel_index", "pixels"),
            ("link_index", "click_tracking"))


def _tracker_of(finding: dict, data: dict) -> dict | None:
    """The tracker behind a finding, through its evidence (the cookie of a cookie finding, else the request;
    an e-mail's pixel or link)."""
    evidence = finding.get("evidence") or {}
    for key, records in _TRACKED:
        index = evidence.get(key)
        items = data.get(records) or []
        if isinstance(index, int) and 0 <= index < len(items) and items[index].get("tracker"):
            return items[index]["tracker"]
    return None


def apply_policy(data: dict, policy: Policy) -> dict:
    """findings.json with the policy applied (a new dict; `data` is left as it was)."""
    out = copy.deepcopy(data)
    overrides = dict(policy.severity)
    changed = False
    for finding in out["findings"]:
        if "policy" in finding:  # judged already (a mail batch's index holds its messages' judged findings)
            continue
        was, mark = finding["severity"], None
        if finding["type"] in overrides:
            finding["severity"], mark = overrides[finding["type"]], "severity"
        tracker = _tracker_of(finding, out)
        if policy.allows(tracker, finding.get("vendor")):
            finding["severity"], mark = "info", "allowed"
        finding["policy"] = mark
        if finding["severity"] != was:
            finding["severity_was"], changed = was, True
    if changed:  # most severe first, as the scanner orders them; stable within a severity (a batch keeps its order)
        out["findings"].sort(key=lambda f: -SEVERITIES.index(f["severity"]))
    out["policy"] = policy.as_dict()
    if isinstance(out.get("summary"), dict):
        out["summary"]["findings"] = {s: sum(f["severity"] == s for f in out["findings"])
                                      for s in reversed(SEVERITIES)}
    return out
