"""HTML reports for e-mails, rendered from findings.json (`kind: "email"`) alone: one page per message
(what opening and clicking it reveals, beside the mail's rendering) and one page per batch (a row per
message, linking to its page). Same Jinja environment, filters and CSS as the site report."""

from __future__ import annotations

import base64
from collections import Counter
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from pixelaudit.report import html as site
from pixelaudit.report.html_policy import policy_summary
from pixelaudit.report.html_provenance import join_words
from pixelaudit.report.html_time import display_time

__all__ = ["batch_view", "email_view", "render_batch", "render_email", "verdict"]

# a finding's evidence index -> the anchor prefix of the row it points at
ANCHORS = {"pixel_index": "pixel", "link_index": "click", "remote_index": "remote", "leak_index": "leak"}
WHEN = {"request": "when the mail is opened", "link": "only when the link is clicked"}
NO_PLATFORM = "none named"


def render_email(data: dict, out_dir: Path | None = None) -> str:
    """One message's report page; its screenshot (findings.json `screenshot`, beside it in out_dir) is inlined."""
    return site._environment().get_template("email.html.j2").render(view=email_view(data, out_dir))


def render_batch(data: dict, out_dir: Path | None = None) -> str:
    """A batch's summary page (each message's page is written into its own folder, `dir`)."""
    return site._environment().get_template("email_batch.html.j2").render(view=batch_view(data))


def _common(data: dict) -> dict:
    tool, browser = data.get("tool") or {}, data.get("browser") or {}
    return {"complete": data.get("complete") is not False, "errors": data.get("errors") or [],
            "severity_counts": [(s, ((data.get("summary") or {}).get("findings") or {}).get(s))
                                for s in site.SEVERITY_ORDER],
            "tool": join_words(tool.get("name"), tool.get("version")),
            "browser": join_words(browser.get("name"), browser.get("version")),
            "started": display_time(data.get("started_at")),
            "finished": display_time(data.get("finished_at")),
            "policy": policy_summary(data)}


def email_view(data: dict, out_dir: Path | None = None) -> dict:
    """Everything the message page shows, grouped and ordered; pure but for reading the screenshot."""
    email, summary = data.get("email") or {}, data.get("summary") or {}
    clicks = {c.get("href") for c in data.get("click_tracking") or []}
    return {
        **_common(data),
        "title": email.get("subject") or email.get("id") or data.get("target"),
        "facts": _facts(data, email),
        "platform": email.get("platform"),
        "verdict": verdict(data),
        "cards": [("Open pixels", summary.get("pixels")), ("Click-tracking links", summary.get("click_tracking_links")),
                  ("Third-party remote content", summary.get("third_party_remote")),
                  ("Address leaks", summary.get("leaks")), ("Requests", summary.get("requests"))],
        "findings": _findings(data.get("findings") or []),
        "image": (image := _screenshot(data.get("screenshot"), out_dir)),
        "overlays": overlays(data, _png_size(image)),
        "screenshot": data.get("screenshot"),
        "pixels": data.get("pixels") or [],
        "clicks": data.get("click_tracking") or [],
        "remote": [{"index": i, **r} for i, r in enumerate(data.get("remote_content") or [])],
        "leaks": [{**x, "when": WHEN.get(x.get("kind"), x.get("kind"))} for x in data.get("leaks") or []],
        "recipient_ids": recipient_ids(data.get("recipient_ids") or []),
        "other_links": [x for x in data.get("links") or [] if x.get("href") not in clicks],
        "issues": email.get("issues") or [],
        "attachments": email.get("attachments") or [],
        "inline_parts": email.get("inline_parts") or [],
        "options": list((data.get("options") or {}).items()),
        "rules": data.get("rules") or {},
    }


def _facts(data: dict, email: dict) -> list[tuple[str, object]]:
    platform = email.get("platform") or {}
    charset = email.get("charset")
    if charset and email.get("declared_charset") not in (None, charset):
        charset = f"{charset} (declared {email['declared_charset']})"
    size = f"{email['size']:,} bytes" if isinstance(email.get("size"), int) else None
    mode = ("live: remote requests were really sent, so the sender now counts this mail as opened"
            if data.get("live") else "safe: every remote request was answered locally, none left the machine")
    return [
        ("From", email.get("from")), ("Sender site", email.get("sender_sites")), ("To", email.get("to")),
        ("Date", email.get("date")),
        ("Sending platform", join_words(platform.get("vendor"),
                                              f"(rule {platform['rule']})" if platform.get("rule") else None)),
        ("Recipient identities searched", email.get("identities")),
        ("Message", join_words(email.get("source"), email.get("path"), size and f"({size})")),
        ("Body", join_words(email.get("body_type"), charset)),
        ("Mode", mode),
    ]


def verdict(data: dict) -> dict:
    """The page's one-paragraph answer: the worst finding's severity ("clean" when none) and one sentence
    per kind of tracking found."""
    findings = data.get("findings") or []
    level = next((s for s in site.SEVERITY_ORDER if any(f.get("severity") == s for f in findings)), "clean")
    pixels, clicks = data.get("pixels") or [], data.get("click_tracking") or []
    third = [r for r in data.get("remote_content") or [] if r.get("party") == "third"]
    leaks = [x for x in data.get("leaks") or [] if x.get("party") == "third"]
    lines = []
    if pixels:
        lines.append(f"Opening this mail is reported by {_count(len(pixels), 'open pixel')} "
                     f"to {_names(pixels)}.")
    if clicks:
        lines.append(f"{_count(len(clicks), 'link')} go{'es' if len(clicks) == 1 else ''} through click tracking "
                     f"({_names(clicks)}): the click is recorded before the destination opens.")
    for kind, when in WHEN.items():
        hits = [x for x in leaks if x.get("kind") == kind]
        if hits:
            forms = ", ".join(sorted({x.get("form") or "?" for x in hits}))
            lines.append(f"The recipient's address reaches {_names(hits)} ({forms}) {when}.")
    if data.get("recipient_ids"):
        values = {x.get("value") for x in data["recipient_ids"]}
        lines.append(f"{_count(len(values), 'value')} in tracking URLs look{'s' if len(values) == 1 else ''} "
                     "per-recipient: opens and clicks can be tied to the person.")
    if third:
        lines.append(f"It loads {_count(len(third), 'item')} from third parties "
                     f"({', '.join(sorted({r.get('site') or r.get('host') or '?' for r in third}))}).")
    if not lines:
        lines.append("No open pixel, click tracking, third-party content or address leak was found.")
    return {"level": level, "lines": lines}


def recipient_ids(tokens: list[dict]) -> list[dict]:
    """Per-recipient values, one row per (value, where) with the URLs that carry it, in first-seen order."""
    rows: dict[tuple, dict] = {}
    for token in tokens:
        key = (token.get("value"), token.get("where"))
        row = rows.setdefault(key, {**token, "urls": []})
        if token.get("url") not in row["urls"]:
            row["urls"].append(token.get("url"))
    return list(rows.values())


def _findings(findings: list[dict]) -> list[dict]:
    rank = {s: i for i, s in enumerate(site.SEVERITY_ORDER)}
    rows = []
    for finding in findings:
        evidence = finding.get("evidence") or {}
        anchor = next((f"{prefix}-{evidence[key]}" for key, prefix in ANCHORS.items()
                       if isinstance(evidence.get(key), int)), None)
        rows.append({**finding, "anchor": anchor, "count": evidence.get("count")})
    return sorted(rows, key=lambda f: rank.get(f.get("severity"), len(rank)))  # stable within a severity


def _screenshot(name: str | None, out_dir: Path | None) -> str | None:
    """The mail's screenshot as a data: URL when the PNG sits beside findings.json (names only, no paths)."""
    if not name or out_dir is None or PurePosixPath(name).name != name or "\\" in name:
        return None
    path = out_dir / name
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode() if path.is_file() else None


def _png_size(data_url: str | None) -> tuple[int, int] | None:
    """Width and height of an inlined PNG (its IHDR chunk), in CSS px: screenshots are taken at scale 1."""
    if not data_url:
        return None
    head = base64.b64decode(data_url.split(",", 1)[1][:64])
    if head[:8] != b"\x89PNG\r\n\x1a\n" or len(head) < 24:
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def overlays(data: dict, size: tuple[int, int] | None) -> list[dict]:
    """Marks to draw over the screenshot, as percentages of it: each visible pixel (P) and tracked link (C).
    A 1×1 pixel gets a box of at least 8 px so it can be seen."""
    if not size or not size[0] or not size[1]:
        return []
    width, height = size
    marks = []
    for kind, items in (("P", data.get("pixels") or []), ("C", data.get("click_tracking") or [])):
        for n, item in enumerate(items, 1):
            box = item.get("box")
            if not box or len(box) != 4:
                continue
            x, y, w, h = (float(v) for v in box)
            w, h = max(w, 8.0), max(h, 8.0)
            marks.append({"label": f"{kind}{n}", "kind": "click" if kind == "C" else "pixel",
                          "anchor": f"{'pixel' if kind == 'P' else 'click'}-{n - 1}",
                          "left": round(100 * x / width, 3), "top": round(100 * y / height, 3),
                          "width": round(100 * w / width, 3), "height": round(100 * h / height, 3)})
    return marks


def batch_view(data: dict) -> dict:
    """Everything the batch page shows: totals, a row per message, platforms and finding types counted."""
    rows = [{**row, "href": report_href(row.get("dir")), "leak_forms": row.get("leak_forms") or []}
            for row in data.get("messages") or []]
    return {**_common(data), "title": data.get("target"), "summary": data.get("summary") or {}, "rows": rows,
            "platforms": platform_counts(rows), "types": finding_types(data.get("findings") or [])}


def report_href(folder: str | None) -> str | None:
    """A message's page relative to the batch page: `<dir>/report.html`, percent-encoded; only relative dirs."""
    if not folder or PurePosixPath(folder).is_absolute() or ".." in PurePosixPath(folder).parts:
        return None
    return quote(f"{folder.rstrip('/')}/report.html")


def platform_counts(rows: list[dict]) -> list[dict]:
    """Readable messages per sending platform with their pixels, click-tracking links and leaks; busiest first."""
    out: dict[str, dict] = {}
    for row in rows:
        if row.get("error"):
            continue
        name = row.get("platform") or NO_PLATFORM
        group = out.setdefault(name, {"platform": name, "messages": 0, "pixels": 0, "click_tracking": 0,
                                      "leaks": 0, "with_leaks": 0})
        group["messages"] += 1
        for key in ("pixels", "click_tracking", "leaks"):
            group[key] += row.get(key) or 0
        group["with_leaks"] += 1 if row.get("leaks") else 0
    return sorted(out.values(), key=lambda g: (g["platform"] == NO_PLATFORM, -g["messages"], g["platform"]))


def finding_types(findings: list[dict]) -> list[dict]:
    """Findings per type: how many of each severity and in how many messages."""
    counts: dict[str, Counter] = {}
    mails: dict[str, set] = {}
    for finding in findings:
        kind = finding.get("type") or "?"
        counts.setdefault(kind, Counter())[finding.get("severity")] += 1
        mails.setdefault(kind, set()).add(finding.get("mail"))
    return [{"type": kind, "severities": [counts[kind][s] for s in site.SEVERITY_ORDER],
             "messages": len(mails[kind])} for kind in sorted(counts)]


def _names(items: list[dict]) -> str:
    return ", ".join(dict.fromkeys(x.get("vendor") or x.get("host") or "?" for x in items))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
