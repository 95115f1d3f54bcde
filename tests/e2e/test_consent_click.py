"""End to end in headless Chromium: the generic consent engine and the override selectors on the consent
lab fixture sites (in-house, German, French, two-step, iframe CMP, shadow DOM, and a page without a banner).

One browser, launched as a scan launches it, serves every case (a fresh page and an empty cookie jar
each); each test then checks one case's ConsentClick and the choice the page recorded.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from pixelaudit.browser import launch_scenario, make_profile
from pixelaudit.config import ScanConfig, parse_resolve
from pixelaudit.consent import CONSENT_JS, click_consent
from pixelaudit.consent_words import KINDS, LANGUAGES, phrases, score_button, words

CMP_FRAME = "https://cmp.consent-lab-cmp.com/banner.html?site=iframe.consent-lab.com"
CASES = {  # name: (url, action, click_consent options)
    "inhouse-accept": ("https://inhouse.consent-lab.com/", "accept", {}),
    "inhouse-reject": ("https://inhouse.consent-lab.com/", "reject", {}),
    "de-accept": ("https://de.consent-lab.com/", "accept", {}),
    "de-reject": ("https://de.consent-lab.com/", "reject", {}),
    "fr-accept": ("https://fr.consent-lab.com/", "accept", {}),
    "fr-reject": ("https://fr.consent-lab.com/", "reject", {}),
    "twostep-accept": ("https://twostep.consent-lab.com/", "accept", {}),
    "twostep-reject": ("https://twostep.consent-lab.com/", "reject", {}),
    "iframe-accept": ("https://iframe.consent-lab.com/", "accept", {}),
    "iframe-reject": ("https://iframe.consent-lab.com/", "reject", {}),
    "shadow-accept": ("https://shadow.consent-lab.com/", "accept", {}),
    "shadow-reject": ("https://shadow.consent-lab.com/", "reject", {}),
    "nobanner-accept": ("https://nobanner.consent-lab.com/", "accept", {"timeout": 1.0}),
    "nobanner-reject": ("https://nobanner.consent-lab.com/", "reject", {"timeout": 1.0}),
    "wall-reject": ("https://inhouse.consent-lab.com/wall.html", "reject", {"timeout": 0.5}),
    "wall-accept": ("https://inhouse.consent-lab.com/wall.html", "accept", {"timeout": 0.5}),
    "override-accept": ("https://inhouse.consent-lab.com/override.html", "accept", {"accept_selector": "#my-accept"}),
    "override-reject": ("https://inhouse.consent-lab.com/override.html", "reject", {"reject_selector": "#my-reject"}),
    "override-missing": ("https://inhouse.consent-lab.com/", "accept",
                         {"accept_selector": "#no-such-button", "timeout": 0.5}),
    "override-iframe": ("https://iframe.consent-lab.com/", "reject", {"reject_selector": "button.cmp-reject"}),
}
# Button texts for the JS/Python mirror check: every language's phrases plus traps.
MIRROR_TEXTS = ["Accept all", "Alle akzeptieren", "Nur notwendige", "Do not accept", "Subscribe", "Learn more",
                "Accept only necessary cookies", "I do not agree", "Tout refuser", "Odrzuć wszystko", "OK",
                "Zaakceptuj", "Avvisa alla", "Afvis", "Manage preferences", "Save choices", "Nicht akzeptieren",
                "Einstellungen speichern", "Ik ga niet akkoord", "Não aceito", "Continuer sans accepter →",
                "  ACCEPT\u00a0ALL  ", "Accept all cookies and continue to the site", "Disagree", "",
                "Cookieeinstellungen", "İzin ver", "ΑΠΟΔΟΧΗ ΟΛΩΝ", "Accept_all", "½ accept"]
MIRROR_TEXTS += [p for kind in KINDS for lang in LANGUAGES for p in phrases(kind, lang)]


async def _run_all(sites, chromium, out_dir) -> dict:
    from playwright.async_api import async_playwright

    config = ScanConfig(target="https://inhouse.consent-lab.com/", out_dir=out_dir,
                        resolve=(parse_resolve(sites.resolve),), trust_certs=(sites.leaf_pem,))
    results: dict = {}
    async with async_playwright() as playwright:
        profile = make_profile(False)
        context = await launch_scenario(playwright, config, chromium, profile, None)
        try:
            for name, (url, action, options) in CASES.items():
                await context.clear_cookies()
                page = await context.new_page()
                await page.goto(url, wait_until="load")
                started = time.monotonic()
                click = await click_consent(page, action, now_ms=lambda: time.monotonic() * 1000, **options)
                elapsed = time.monotonic() - started
                # let the page's handler (a postMessage away for the iframe CMP) record the choice
                host = url.split("/")[2]
                deadline = time.monotonic() + (8 if click.clicked else 0.1)
                while True:  # poll until the page has stored the choice (busy CI machines are slow)
                    cookies = {c["name"]: c["value"] for c in await context.cookies() if c["domain"] == host}
                    if "consent" in cookies or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.05)
                seen = await page.evaluate("[window.__consentChoice ?? null, window.__newsletter ?? null]")
                results[name] = {"click": click, "cookies": cookies, "choice": seen[0], "newsletter": seen[1],
                                 "seconds": elapsed}
                await page.close()
            closed = await context.new_page()
            await closed.close()
            results["closed"] = [await click_consent(closed, action, now_ms=time.monotonic, timeout=0.3)
                                 for action in ("reject", "maybe")]
            page = await context.new_page()
            await page.goto("https://nobanner.consent-lab.com/")
            results["mirror"] = {kind: await page.evaluate(CONSENT_JS, {"words": words(), "mode": "score",
                                                                        "texts": MIRROR_TEXTS, "kind": kind})
                                 for kind in KINDS}
        finally:
            await context.close()
            shutil.rmtree(profile, ignore_errors=True)
    return results


@pytest.fixture(scope="module")
def runs(sites, chromium, tmp_path_factory):
    # A worker thread keeps this event loop apart from pytest-playwright's.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _run_all(sites, chromium, tmp_path_factory.mktemp("consent"))).result()


def _clicked(run: dict, method: str, text: str) -> None:
    click = run["click"]
    assert click.banner_found and click.clicked, click.note
    assert click.method == method and click.cmp is None
    assert click.button_text == text
    assert click.selector
    assert isinstance(click.time_ms, float) and click.time_ms > 0
    assert click.screenshot is not None and click.screenshot.startswith(b"\x89PNG")


@pytest.mark.parametrize(("name", "text", "cookie"), [
    ("inhouse-accept", "Accept all", "all"), ("inhouse-reject", "Reject all", "necessary"),
    ("de-accept", "Alle akzeptieren", "all"), ("de-reject", "Nur notwendige", "necessary"),
    ("fr-accept", "Tout accepter", "all"), ("fr-reject", "Continuer sans accepter →", "necessary"),
    ("shadow-accept", "Accept all", "all"), ("shadow-reject", "Reject all", "necessary"),
])
def test_generic_engine_clicks_the_right_button(runs, name, text, cookie):
    run = runs[name]
    _clicked(run, "generic", text)
    assert run["click"].frame_url is None
    assert run["cookies"]["consent"] == cookie and run["choice"] == cookie
    assert run["click"].action == name.split("-")[1]


def test_shadow_dom_banner_is_waited_for_and_named_through_its_hosts(runs):
    run = runs["shadow-reject"]
    assert run["seconds"] > 0.5  # the banner's script defines its element 0.7 s after load
    assert run["click"].selector.startswith("cookie-consent >> consent-actions >> button")


def test_screenshot_shows_the_banner_not_the_page(runs):
    for name in ("de-accept", "twostep-reject", "inhouse-accept", "iframe-reject", "shadow-accept"):
        width, height = Image.open(io.BytesIO(runs[name]["click"].screenshot)).size
        assert width <= 1280 and 40 < height < 400, name  # the viewport is 1280 x 800


def test_banner_without_a_reject_button(runs):
    click = runs["wall-reject"]["click"]
    assert click.banner_found and not click.clicked and click.method == "generic"
    assert "no reject button" in click.note and click.time_ms is None and click.button_text is None
    assert click.screenshot.startswith(b"\x89PNG")
    assert runs["wall-reject"]["cookies"] == {}
    assert runs["wall-accept"]["click"].button_text == "OK" and runs["wall-accept"]["cookies"] == {"consent": "all"}


def test_banner_in_a_third_party_iframe(runs):
    for name, text, cookie in (("iframe-accept", "Accept all", "all"), ("iframe-reject", "Reject all", "necessary")):
        run = runs[name]
        _clicked(run, "generic", text)
        assert run["click"].frame_url == CMP_FRAME
        assert run["cookies"]["consent"] == cookie and run["choice"] == cookie


def test_two_step_reject_switches_every_optional_toggle_off(runs):
    run = runs["twostep-reject"]
    _clicked(run, "generic", "Save choices")
    assert run["cookies"] == {"consent": "custom", "prefs": "necessary"}
    assert "Manage preferences" in run["click"].note and "switched 2 toggle(s) off" in run["click"].note


def test_two_step_site_accepts_on_the_first_layer(runs):
    run = runs["twostep-accept"]
    _clicked(run, "generic", "Accept all")
    assert run["cookies"] == {"consent": "all", "prefs": "necessary+analytics+marketing"}


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_newsletter_overlay_is_not_a_consent_banner(runs, action):
    run = runs[f"nobanner-{action}"]
    click = run["click"]
    assert (click.banner_found, click.clicked, click.note) == (False, False, "no consent banner found")
    assert click.screenshot is None and click.time_ms is None
    assert run["newsletter"] is None and run["cookies"] == {}
    assert run["seconds"] < 3


def test_override_selectors_work_and_win(runs):
    for name, selector, text, cookie in (("override-accept", "#my-accept", "Sounds good", "owner-yes"),
                                         ("override-reject", "#my-reject", "Nope", "owner-no")):
        run = runs[name]
        _clicked(run, "selector", text)
        assert run["click"].selector == selector
        assert run["cookies"]["consent"] == cookie  # not "all"/"necessary": the generic engine did not run


def test_override_selector_reaches_into_iframes(runs):
    run = runs["override-iframe"]
    _clicked(run, "selector", "Reject all")
    assert run["click"].frame_url == CMP_FRAME
    assert run["cookies"].get("consent") == "necessary", (run["click"].note, run["choice"], run["cookies"])


def test_missing_override_falls_back_to_the_generic_engine(runs):
    run = runs["override-missing"]
    _clicked(run, "generic", "Accept all")
    assert "'#no-such-button' not found" in run["click"].note
    assert run["cookies"]["consent"] == "all"


def test_page_script_scores_exactly_like_python(runs):
    for kind, scores in runs["mirror"].items():
        assert scores == [score_button(text, kind) for text in MIRROR_TEXTS], kind


def test_never_raises(runs):
    closed, unknown = runs["closed"]
    assert not closed.clicked and closed.note == "the page was already closed"
    assert not unknown.clicked and unknown.note == "unknown action 'maybe'"
