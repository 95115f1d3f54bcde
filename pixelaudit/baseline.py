"""Baseline of accepted findings (like detect-secrets' baseline), so CI fails only on what is new.

The file is JSON, one entry per fingerprint (see fingerprint.py), sorted and indented so a review diff reads
well. Entries carry `reason` and `accepted_by` for a reviewer to fill in; `create(..., previous=)` keeps those
(and any other field a reviewer added) for entries that remain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pixelaudit import __version__
from pixelaudit.config import ConfigError
from pixelaudit.fingerprint import fingerprint, fingerprint_key
from pixelaudit.model import SEVERITIES

__all__ = ["BASELINE_VERSION", "BaselineError", "Comparison", "Gate", "compare", "create", "create_many", "entry",
           "judge", "load", "write"]

BASELINE_VERSION = 1
REVIEW_FIELDS = ("reason", "accepted_by")
_MADE = ("fingerprint", "type", "severity", "scenario", "host", "site", "vendor", "rule", "url_shape", "where",
         "mail", "target")


class BaselineError(ConfigError):
    """A baseline file that is missing, unreadable or not a pixelaudit baseline (exit code 2)."""


def entry(finding: dict, result: dict) -> dict:
    """A finding as a baseline entry: what identifies it and what a reviewer needs to judge it."""
    key = fingerprint_key(finding, result)
    return {"fingerprint": fingerprint(finding, result), "type": finding.get("type"),
            "severity": finding.get("severity"), "scenario": finding.get("scenario"), "host": finding.get("host"),
            "site": finding.get("site"), "vendor": finding.get("vendor"),
            "rule": key[4].removeprefix("rule:") if key[4] and key[4].startswith("rule:") else None,
            "url_shape": key[5], "where": key[6], "reason": None, "accepted_by": None} \
        | ({"mail": finding["mail"]} if finding.get("mail") else {})  # a mail batch's message, for the reader


def _sort_key(e: dict) -> tuple:
    return (e.get("type") or "", e.get("scenario") or "", e.get("host") or "", e["fingerprint"])


def create(result: dict, *, previous: dict | None = None, now: datetime | None = None) -> dict:
    """A baseline accepting every finding of `result` (a findings.json dict). With `previous` (an update),
    entries that remain keep their reviewer fields and the file keeps its `created_at`."""
    kept = {e["fingerprint"]: e for e in (previous or {}).get("findings", [])}
    entries: dict[str, dict] = {}
    for finding in result.get("findings", []):
        new = entry(finding, result)
        old = entries.get(new["fingerprint"])
        if old is not None:  # two findings, one fingerprint: keep the more severe as the accepted level
            if SEVERITIES.index(new["severity"]) <= SEVERITIES.index(old["severity"]):
                continue
        if new["fingerprint"] in kept:
            new |= {k: v for k, v in kept[new["fingerprint"]].items() if k not in _MADE}
        entries[new["fingerprint"]] = new
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = {"pixelaudit_baseline": BASELINE_VERSION, "target": result.get("target"),
           "created_at": (previous or {}).get("created_at") or stamp,
           "tool": {"name": "pixelaudit", "version": __version__},
           "source": {"started_at": result.get("started_at"), "complete": result.get("complete")}}
    if previous is not None:
        out["updated_at"] = stamp
    out["findings"] = sorted(entries.values(), key=_sort_key)
    return out


def create_many(results: list[dict], *, previous: dict | None = None, now: datetime | None = None) -> dict:
    """One baseline for several targets (config `targets`): each target's entries as `create` makes them,
    tagged with their `target`, so a target is gated only by its own entries (and its own disappear)."""
    made = []
    for result in results:
        target = result.get("target")
        kept = None if previous is None else {**previous, "findings": [
            e for e in previous.get("findings", []) if e.get("target") == target]}
        made.append((target, create(result, previous=kept, now=now)))
    out = {**made[0][1], "target": None, "targets": [t for t, _ in made],
           "source": [{"target": t, **b["source"]} for t, b in made],
           "findings": [{**e, "target": t} for t, b in made for e in b["findings"]]}
    if previous is not None:
        out["created_at"] = previous.get("created_at") or out["created_at"]
    return out


def write(baseline: dict, path: Path) -> None:
    """Indented, one key per line, newline at the end: friendly to review diffs."""
    path.write_text(json.dumps(baseline, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load(path: Path) -> dict:
    """A baseline file, checked: a clear one-line BaselineError when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path}: no such file (create it with `pixelaudit baseline create "
                            f"findings.json -o {path}`)") from None
    except OSError as exc:
        raise BaselineError(f"baseline {path}: cannot read it ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"baseline {path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or "pixelaudit_baseline" not in data:
        raise BaselineError(f"baseline {path}: not a pixelaudit baseline (no pixelaudit_baseline key)")
    if data["pixelaudit_baseline"] != BASELINE_VERSION:
        raise BaselineError(f"baseline {path}: version {data['pixelaudit_baseline']!r} is not supported "
                            f"(this pixelaudit reads version {BASELINE_VERSION})")
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                and e.get("severity") in SEVERITIES for e in entries):
        raise BaselineError(f"baseline {path}: `findings` must be a list of entries, each with a fingerprint "
                            f"and a severity ({', '.join(SEVERITIES)})")
    return data


@dataclass(frozen=True, slots=True)
class Comparison:
    """A result against a baseline: its findings in order, each with its `fingerprint` and `baseline`
    ("new" | "known"), and the baseline's entries no finding matched."""

    findings: tuple[dict, ...]
    disappeared: tuple[dict, ...]

    @property
    def new(self) -> tuple[dict, ...]:
        return tuple(f for f in self.findings if f["baseline"] == "new")

    @property
    def known(self) -> tuple[dict, ...]:
        return tuple(f for f in self.findings if f["baseline"] == "known")


def compare(result: dict, baseline: dict) -> Comparison:
    """Which findings the baseline accepted. A known fingerprint whose severity rose above the accepted one
    counts as new (with `baseline_severity`): the baseline accepted the lesser finding, e.g. a cookieless
    Consent Mode ping, not this one."""
    accepted = {e["fingerprint"]: e for e in baseline.get("findings", [])}
    marked, seen = [], set()
    for finding in result.get("findings", []):
        fp = fingerprint(finding, result)
        seen.add(fp)
        was = accepted.get(fp)
        if was is not None and SEVERITIES.index(finding["severity"]) <= SEVERITIES.index(was["severity"]):
            marked.append({**finding, "fingerprint": fp, "baseline": "known"})
        else:
            marked.append({**finding, "fingerprint": fp, "baseline": "new"}
                          | ({"baseline_severity": was["severity"]} if was else {}))
    return Comparison(tuple(marked), tuple(e for fp, e in accepted.items() if fp not in seen))


@dataclass(frozen=True, slots=True)
class Gate:
    """`scan --baseline FILE`: marks findings.json and decides the exit code from the new findings only."""

    file: str
    baseline: dict

    @classmethod
    def load(cls, path: Path) -> Gate:
        """The gate of a baseline file (BaselineError when it is missing or invalid)."""
        return cls(str(path), load(path))

    def apply(self, result: dict) -> dict:
        """findings.json with each finding marked (`fingerprint`, `baseline`) and a `baseline` block."""
        c = compare(result, self.baseline)
        return {**result, "findings": list(c.findings),
                "baseline": {"file": self.file, "new": len(c.new), "known": len(c.known),
                             "disappeared": list(c.disappeared)}}

    def for_target(self, target: str | None) -> Gate:
        """The gate for one of several targets: the entries made for it, and those naming no target (a
        single-site baseline accepts its findings wherever they show)."""
        entries = [e for e in self.baseline.get("findings", []) if e.get("target") in (None, target)]
        return Gate(self.file, {**self.baseline, "findings": entries})

    @staticmethod
    def gated(result: dict) -> dict:
        """The result as the exit code sees it: only its new findings."""
        return {**result, "findings": [f for f in result["findings"] if f.get("baseline") != "known"]}

    @staticmethod
    def lines(result: dict, quiet: bool = False) -> list[str]:
        """What the summary prints: counts, each new finding, each disappeared entry."""
        b = result["baseline"]
        out = [f"baseline {b['file']}: {b['new']} new, {b['known']} known, {len(b['disappeared'])} disappeared"]
        if quiet:
            return out
        for f in result["findings"]:
            if f.get("baseline") == "new":
                was = f" (was {f['baseline_severity']} in the baseline)" if f.get("baseline_severity") else ""
                out.append(f"  NEW [{f['severity']}] {f['type']} in {f['scenario']}: {describe(f)}{was}")
        for e in b["disappeared"]:
            out.append(f"  disappeared [{e['severity']}] {e['type']} in {e['scenario']}: {describe(e)}")
        return out


def judge(data: dict, policy, gate: Gate | None) -> dict:
    """findings.json with the config file's policy applied, then the baseline (which sees the policy's
    severities); before any report is written, so every format shows both."""
    if policy is not None:
        from pixelaudit.policy import apply_policy

        data = apply_policy(data, policy)
    return gate.apply(data) if gate is not None else data


def describe(item: dict) -> str:
    """host (vendor) and the URL or its shape, for a finding or a baseline entry; in a mail batch, the mail."""
    who = item.get("host") or item.get("site") or "?"
    vendor = f" ({item['vendor']})" if item.get("vendor") else ""
    url = item.get("url") or item.get("url_shape")
    return f"{who}{vendor}" + (f" {url}" if url else "") + (f" in {item['mail']}" if item.get("mail") else "")
