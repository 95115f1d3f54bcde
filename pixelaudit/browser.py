"""Playwright lifecycle only: find or install Chromium, launch one fresh profile per scenario, tear down."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pixelaudit.config import ScanConfig, host_resolver_rules

# Stop Chromium's own background calls (component updater, Google account probe): with a host map in
# place they would otherwise reach the mapped server; port 9 on loopback refuses them at once.
QUIET_ARGS = (
    "--component-updater=url-source=http://127.0.0.1:9/",
    "--gaia-url=http://127.0.0.1:9/",
    "--disable-quic",
)
# A typical visitor's browser does not announce automation.
VISITOR_ARGS = ("--disable-blink-features=AutomationControlled",)
# Playwright 1.65.2's own --disable-features list. Chromium honours only the last --disable-features switch,
# so ours must repeat it (tests/unit/test_browser.py checks it against the installed driver).
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin",
    "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
    "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
)
# The address bar's drop-down pages (chrome://omnibox-popup.top-chrome/): a headless window never shows
# them, yet Chromium 156 loads two per window in a renderer, about 0.5 s of CPU per browser or context.
# Pages cannot see them.
UNSHOWN_UI_FEATURES = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
FEATURE_ARGS = ("--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *UNSHOWN_UI_FEATURES)),)
DEBIAN_REAL_BINARY = "/usr/lib/chromium/chromium"  # /usr/bin/chromium is a wrapper script


class BrowserNotFound(Exception):
    """No usable Chromium; the message says how to get one."""


@dataclass(frozen=True, slots=True)
class ChromiumInfo:
    """A Chromium binary and where it was found."""

    path: str
    version: str | None
    found_by: str


def playwright_managed(browsers_path: str | None = None) -> str | None:
    """Chromium downloaded by `playwright install chromium`, if present.

    Read from Playwright's browsers.json rather than by starting its driver: this runs inside scans'
    event loop, where the sync API cannot start, and a driver process per lookup would cost time.
    """
    try:
        import playwright

        manifest = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
        browsers = json.loads(manifest.read_text(encoding="utf-8"))["browsers"]
        revision = next(b["revision"] for b in browsers if b["name"] == "chromium")
    except (ImportError, OSError, ValueError, KeyError, StopIteration):
        return None
    root = Path(browsers_path or os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    for binary in ("chrome-linux64/chrome", "chrome-linux/chrome"):
        path = root / f"chromium-{revision}" / binary
        if path.is_file():
            return str(path)
    return None


def candidates(explicit: str | None) -> list[tuple[str, str]]:
    """Places to look, in order: explicit, Playwright-managed, Debian, other distributions' names."""
    found: list[tuple[str, str]] = []
    explicit = explicit or os.environ.get("PIXELAUDIT_CHROMIUM")
    if explicit:
        found.append((explicit, "--chromium / PIXELAUDIT_CHROMIUM"))
        return found
    managed = playwright_managed()
    if managed:
        found.append((managed, "Playwright-managed"))
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            # Debian's /usr/bin/chromium prints an error on each start; use the real binary behind it.
            if name == "chromium" and os.path.isfile(DEBIAN_REAL_BINARY):
                path = DEBIAN_REAL_BINARY
            found.append((path, f"{name} on PATH"))
    if not any(p == DEBIAN_REAL_BINARY for p, _ in found) and os.path.isfile(DEBIAN_REAL_BINARY):
        found.append((DEBIAN_REAL_BINARY, "Debian package"))
    return found


@cache
def chromium_version(path: str) -> str | None:
    """The version a binary reports, e.g. '156.0.8078.73'."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for word in out.split():
        if word[:1].isdigit() and word.count(".") >= 2:
            return word
    return None


def find_chromium(explicit: str | None = None) -> ChromiumInfo:
    """The first usable Chromium, or BrowserNotFound with the fix."""
    tried = []
    for path, how in candidates(explicit):
        if os.path.isfile(path) and os.access(path, os.X_OK):
            version = chromium_version(path)
            if version:
                return ChromiumInfo(path, version, how)
        tried.append(path)
    detail = f" (tried: {', '.join(tried)})" if tried else ""
    raise BrowserNotFound(f"no usable Chromium found{detail}; fix: {install_hint()}")


def install_hint() -> str:
    """The exact command that installs a browser on this machine."""
    if shutil.which("apt-get"):
        prefix = "" if os.geteuid() == 0 else "sudo "
        return (f"{prefix}apt-get update && {prefix}apt-get install -y --no-install-recommends chromium"
                " (or: pixelaudit install-browser)")
    return f"{sys.executable} -m playwright install chromium (or pass --chromium PATH)"


def install_browser(echo=print) -> ChromiumInfo:
    """Install Debian's chromium when root with apt, else try Playwright's download; return what works."""
    try:
        info = find_chromium()
        echo(f"Chromium already usable: {info.path} ({info.version}, {info.found_by})")
        return info
    except BrowserNotFound:
        pass
    if shutil.which("apt-get") and os.geteuid() == 0:
        echo("Installing Debian's chromium with apt-get (about 80 MB)...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (["apt-get", "update", "-q"],
                    ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]):
            subprocess.run(cmd, check=False, env=env)
    else:
        echo("Trying: playwright install chromium")
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
    chromium_version.cache_clear()
    return find_chromium()


def spki_hash(cert_path: Path) -> str:
    """base64(sha256(SubjectPublicKeyInfo)) of a PEM/DER leaf certificate, for Chromium's SPKI allow-list."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    data = cert_path.read_bytes()
    cert = (x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data
            else x509.load_der_x509_certificate(data))
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


def launch_args(config: ScanConfig, netlog: Path | None) -> list[str]:
    """Chromium command-line flags for one scan profile."""
    args = [*QUIET_ARGS, *VISITOR_ARGS, *FEATURE_ARGS]
    rules = host_resolver_rules(config.resolve)
    if rules:
        args.append(f"--host-resolver-rules={rules}")
    if config.trust_certs:
        args.append("--ignore-certificate-errors-spki-list="
                    + ",".join(spki_hash(p) for p in config.trust_certs))
    if netlog is not None:
        args.append(f"--log-net-log={netlog}")
    return args


def make_profile(block_third_party_cookies: bool) -> Path:
    """A fresh profile directory; third-party cookies allowed unless asked to block them.

    Chromium headless blocks them by default, which under-reports tracking compared with a typical
    visitor's browser; only a profile preference (cookie_controls_mode 0) lifts that.
    """
    root = Path(tempfile.mkdtemp(prefix="pixelaudit-profile-"))
    (root / "Default").mkdir()
    prefs = {"profile": {"cookie_controls_mode": 1 if block_third_party_cookies else 0}}
    (root / "Default" / "Preferences").write_text(json.dumps(prefs), encoding="utf-8")
    return root


def visitor_user_agent(version: str | None) -> str:
    """A desktop Chrome user agent without 'HeadlessChrome' (reduced form, as Chrome sends it)."""
    major = (version or "156").split(".")[0]
    return (f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{major}.0.0.0 Safari/537.36")


async def launch_scenario(playwright, config: ScanConfig, chromium: ChromiumInfo, profile: Path,
                          netlog: Path | None, scenario: str = "no-interaction"):
    """One persistent context (= one browser process, one cookie jar) for one consent scenario.

    The `gpc` scenario sends Global Privacy Control: `Sec-GPC: 1` on every request and
    `navigator.globalPrivacyControl === true` in every frame.
    """
    gpc = scenario == "gpc"
    har = {}
    if config.evidence:  # the HAR is written when the context closes (evidence.finish_har redacts it)
        from pixelaudit.evidence import HAR_CONTENT, HAR_MODE, har_path

        har = {"record_har_path": str(har_path(config.out_dir, scenario)), "record_har_content": HAR_CONTENT,
               "record_har_mode": HAR_MODE}
    context = await playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=chromium.path,
        headless=True,
        args=launch_args(config, netlog),
        # Service workers are blocked so that every request is made, and seen, in its page.
        service_workers="block",
        ignore_https_errors=config.ignore_https_errors,
        user_agent=config.user_agent or visitor_user_agent(chromium.version),
        http_credentials=(
            {"username": config.credentials.username, "password": config.credentials.password,
             "origin": config.credentials.origin} if config.credentials else None),
        viewport={"width": 1280, "height": 800},
        locale="en-US",
        extra_http_headers={"Sec-GPC": "1"} if gpc else None,
        **har,
    )
    if gpc:
        from pixelaudit.visit import GPC_INIT_JS

        await context.add_init_script(GPC_INIT_JS)
    return context
