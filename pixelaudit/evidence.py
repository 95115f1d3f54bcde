"""The evidence bundle a scan leaves beside findings.json with `--evidence`: per scenario a HAR, and per page
a full-page screenshot and the HTML after load, all under `OUT/evidence/`, with credentials redacted.

manifest.py then hashes every file of the bundle into `OUT/manifest.json`.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from pixelaudit.config import ScanConfig

EVIDENCE_DIR = "evidence"
# Response bodies are left out of the HAR: evidence needs each request's URL, headers, post data and
# timings (all kept), while bodies would copy whole pages, scripts and fonts into the bundle (megabytes per
# scenario) and any secret a page echoes. The page's HTML and screenshot are kept separately instead.
HAR_CONTENT = "omit"
# "full" keeps timings, sizes, cookies and security details; "minimal" drops what a replay does not need.
HAR_MODE = "full"
REDACTED = "[redacted by pixelaudit]"
# Headers that carry credentials whoever sent them (Playwright's --http-credentials, proxies, the page).
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})
MIN_SECRET_LEN = 4  # shorter values would also erase ordinary text when scrubbed everywhere
SCREENSHOT_S = 15.0
# Files a scan writes under evidence/; anything else there is the user's and is left alone.
BUNDLE_FILE = re.compile(r"[a-z-]+(\.har|-page\d+\.(png|html))")


def evidence_dir(out_dir: Path) -> Path:
    """OUT/evidence."""
    return out_dir / EVIDENCE_DIR


def har_path(out_dir: Path, scenario: str) -> Path:
    """evidence/<scenario>.har."""
    return evidence_dir(out_dir) / f"{scenario}.har"


def page_files(scenario: str, n: int) -> tuple[str, str]:
    """The screenshot and HTML of a scenario's n-th page (1-based), relative to the output folder."""
    stem = f"{EVIDENCE_DIR}/{scenario}-page{n}"
    return f"{stem}.png", f"{stem}.html"


def prepare(out_dir: Path) -> None:
    """Create evidence/ and drop the files an earlier scan left there, so the manifest lists only this scan's."""
    folder = evidence_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        if path.is_file() and BUNDLE_FILE.fullmatch(path.name):
            path.unlink()


def bundle_files(out_dir: Path) -> list[Path]:
    """The evidence files on disk now (whatever a scan managed to write before it failed)."""
    folder = evidence_dir(out_dir)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and BUNDLE_FILE.fullmatch(p.name))


def secrets_of(config: ScanConfig) -> tuple[str, ...]:
    """Values that must not appear in evidence: the --http-credentials password and its Basic header value,
    every --header value, and each value of a --header Cookie."""
    found = []
    for name, value in config.headers:
        found.append(value)
        if name.lower() == "cookie":  # the HAR also lists each cookie's value on its own
            found += [pair.partition("=")[2].strip() for pair in value.split(";")]
    if config.credentials:
        pair = f"{config.credentials.username}:{config.credentials.password}"
        found += [config.credentials.password, base64.b64encode(pair.encode()).decode()]
    return tuple(sorted({s for s in found if len(s) >= MIN_SECRET_LEN}, key=len, reverse=True))


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """`text` with every secret replaced (longest first, so a password inside its base64 form cannot split it)."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


def _scrub_tree(node, secrets: tuple[str, ...]):
    if isinstance(node, str):
        return scrub(node, secrets)
    if isinstance(node, list):
        return [_scrub_tree(x, secrets) for x in node]
    if isinstance(node, dict):
        return {k: _scrub_tree(v, secrets) for k, v in node.items()}
    return node


def redact_har(har: dict, header_names: tuple[str, ...], secrets: tuple[str, ...]) -> dict:
    """The HAR with credential headers (Authorization and the user's --header names) blanked in every request
    and response, and every secret value scrubbed wherever else it shows (URLs, cookies, post data)."""
    blanked = SECRET_HEADERS | {n.lower() for n in header_names}
    for entry in har.get("log", {}).get("entries", []):
        for part in (entry.get("request", {}), entry.get("response", {})):
            for header in part.get("headers", []):
                if str(header.get("name", "")).lower() in blanked:
                    header["value"] = REDACTED
    return _scrub_tree(har, secrets) if secrets else har


def finish_har(path: Path, config: ScanConfig) -> None:
    """Redact the HAR Playwright wrote at context close, in place; a HAR it could not finish is left out."""
    try:
        har = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError):
        path.unlink(missing_ok=True)  # unreadable, and it may hold unredacted credentials
        return
    clean = redact_har(har, tuple(n for n, _ in config.headers), secrets_of(config))
    tmp = path.with_suffix(".har.tmp")
    tmp.write_text(json.dumps(clean, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


async def snapshot_page(page, config: ScanConfig, scenario: str, n: int) -> tuple[str | None, str | None]:
    """Save the page as it is now: a full-page PNG and its HTML (secrets scrubbed); the files that worked."""
    from pixelaudit.visit import guard

    png_name, html_name = page_files(scenario, n)
    png = await guard(page.screenshot(path=config.out_dir / png_name, full_page=True), SCREENSHOT_S)
    html = await guard(page.content(), 10)
    if html is not None:
        (config.out_dir / html_name).write_text(scrub(html, secrets_of(config)), encoding="utf-8")
    return (png_name if png is not None else None), (html_name if html is not None else None)


def write_manifest(out_dir: Path, written: list[Path], result: dict) -> tuple[Path, str]:
    """OUT/manifest.json over the files the scan wrote (findings.json, reports, banners) and the evidence on
    disk; its path and its own SHA-256. Call it last: it hashes the files as they are now."""
    from pixelaudit import manifest

    return manifest.write(out_dir, [*written, *bundle_files(out_dir)], result)


def findings_block(out_dir: Path) -> dict:
    """findings.json's top-level `evidence` field: where the bundle and its manifest are, and how it was made."""
    from pixelaudit.manifest import MANIFEST_NAME

    return {"manifest": MANIFEST_NAME, "dir": EVIDENCE_DIR,
            "har": [f"{EVIDENCE_DIR}/{p.name}" for p in bundle_files(out_dir) if p.suffix == ".har"],
            "har_content": HAR_CONTENT, "redacted": REDACTED}
