"""What the config file's [policy] did, in words the HTML report shows beside each finding and in its summary
(policy.py marks findings: `policy` "allowed" or "severity", `severity_was` the scanner's own severity)."""

from __future__ import annotations

__all__ = ["policy_note", "policy_summary"]


def policy_note(finding: object) -> str | None:
    """"allowed by policy (was high)", "severity set by policy (was info)", or None when the policy left it."""
    if not isinstance(finding, dict):
        return None
    was = finding.get("severity_was")
    was_text = f" (was {was})" if isinstance(was, str) and was else ""
    if finding.get("policy") == "allowed":
        return f"allowed by policy{was_text}"
    if finding.get("policy") == "severity" and was_text:
        return f"severity set by policy{was_text}"
    return None


def policy_summary(result: dict) -> dict | None:
    """The policy's source and how many findings it allowed or re-rated; None when no policy was applied."""
    policy = result.get("policy")
    if not isinstance(policy, dict):
        return None
    findings = [f for f in result.get("findings") or [] if isinstance(f, dict)]
    return {"source": policy.get("source"),
            "allowed": sum(1 for f in findings if f.get("policy") == "allowed"),
            "changed": sum(1 for f in findings if f.get("policy") == "severity" and f.get("severity_was"))}
