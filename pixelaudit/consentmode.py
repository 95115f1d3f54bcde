"""Google Consent Mode on Google hits: the `gcs` and `gcd` parameters, decoded.

`gcs=G1xy` (x = ad_storage, y = analytics_storage; 1 granted, 0 denied) is the storage state the tag
acted on; it is only sent once Consent Mode is active. G100 = storage denied: a cookieless ping.

`gcd` (Consent Mode v2) is sent on Google hits whether or not Consent Mode is active. Google does not
publish its letters. The table below is the community decode by Markus Baersch in Simo Ahava's "Consent
Mode V2 For Google Tags" (https://www.simoahava.com/analytics/consent-mode-v2-google-tags/), repeated
with the same letters and examples by https://www.giancampo.com/2024/02/understanding-new-gcd-parameter-in-ga4.html,
https://quartz.ctysse.net/consent-mode-flags, https://www.anowave.com/quicks/consent-mode-v2-signals/ and
Commanders Act's Consent Mode docs. Real hits that carry both parameters agree with it: G100 comes with
13p3p3p2p5l1 or 13q3q3q2q5l1, G111 with 13r3r3r2r5l1 or 13t3t3t2t5l1. One write-up
(consentguard.io) reads q and m as granted, against all of these; it is not followed.

Shape: two digits, then one letter per signal (ad_storage, analytics_storage, ad_user_data,
ad_personalization), each followed by a digit. The digits and anything after the fourth letter's digit
(e.g. `l1`) are undocumented and kept only in the raw value.

    letter  default  update       letter  default  update       letter  default  update
    l       unset    unset        p       denied   unset        t       granted  unset
    m       unset    denied       q       denied   denied       u       granted  denied
    n       unset    granted      r       denied   granted      v       granted  granted

'final' is the update when there is one, else the default. Any other letter (`e`, for which no source
was found, an upper-case letter) decodes as 'unknown', which never lowers a severity.

A hit's state (`consent_state`): 'granted' when anything it carries says granted (gcs, or the final state
of any gcd signal: ad_user_data or ad_personalization granted before a choice counts); else 'denied', a
cookieless ping, when both storage signals are denied (from gcs when the hit has one, since that is the
state the tag acted on, else from gcd); else 'none' (no consent state: unset or unknown). Granted wins
over a conflicting denied so that contradictory evidence never turns a violation into a warning.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

from pixelaudit.model import TrackerMatch

SIGNALS = ("ad_storage", "analytics_storage", "ad_user_data", "ad_personalization")
GOOGLE = "Google LLC"  # the company of our Google rules (google-analytics, google-ads, ...)

_GCS = re.compile(r"G1([01])([01])")
_GCD = re.compile(r"[0-9]{2}([A-Za-z])[0-9]([A-Za-z])[0-9]([A-Za-z])[0-9]([A-Za-z])[0-9A-Za-z]{0,8}")
_PARAM = re.compile(r"[?&;](gc[sd])=([^&;#]*)")  # query, or a Floodlight path's ;gcs=...;gcd=...
_LETTERS = {
    "l": ("unset", "unset"), "m": ("unset", "denied"), "n": ("unset", "granted"),
    "p": ("denied", "unset"), "q": ("denied", "denied"), "r": ("denied", "granted"),
    "t": ("granted", "unset"), "u": ("granted", "denied"), "v": ("granted", "granted"),
}
_RAW_LIMIT = 100


def decode_gcs(value: str | None) -> dict[str, str] | None:
    """{'ad_storage': 'granted'|'denied', 'analytics_storage': ...} for a gcs value, None if unparsable."""
    m = _GCS.fullmatch(value.strip()) if isinstance(value, str) else None
    if m is None:
        return None
    state = {"1": "granted", "0": "denied"}
    return {"ad_storage": state[m.group(1)], "analytics_storage": state[m.group(2)]}


def _signal(letter: str) -> dict[str, str]:
    default, update = _LETTERS.get(letter, ("unknown", "unknown"))
    return {"letter": letter, "default": default, "update": update,
            "final": update if update in ("granted", "denied") else default}


def decode_gcd(value: str | None) -> dict | None:
    """{'raw': value, 'ad_storage': {'letter', 'default', 'update', 'final'}, ...} for the four signals.

    States are 'granted', 'denied', 'unset' or 'unknown' (a letter outside the table). None when the value
    does not have gcd's shape; never raises.
    """
    m = _GCD.fullmatch(value.strip()) if isinstance(value, str) else None
    if m is None:
        return None
    return {"raw": value.strip(), **{name: _signal(letter) for name, letter in zip(SIGNALS, m.groups(), strict=True)}}


def consent_state(gcs: str | None, gcd: str | None = None) -> str:
    """'granted', 'denied' (a cookieless ping) or 'none' for a hit's gcs and gcd (precedence: module doc)."""
    storage = decode_gcs(gcs)
    signals = decode_gcd(gcd)
    finals = [signals[name]["final"] for name in SIGNALS] if signals else []
    if storage is None and signals is not None:
        storage = {"ad_storage": finals[0], "analytics_storage": finals[1]}
    if "granted" in finals or (storage and "granted" in storage.values()):
        return "granted"
    if storage and set(storage.values()) == {"denied"}:
        return "denied"
    return "none"


def _params(url: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in _PARAM.findall(url):
        found.setdefault(name, unquote_plus(value) if "%" in value or "+" in value else value)
    return found


def read_hit(url: str | None, gcs: str | None = None) -> dict | None:
    """{'gcs', 'gcd' (raw), 'gcs_decoded', 'gcd_decoded', 'state'} from a hit's URL, None without either.

    `gcs` is a value a rule already extracted (it may sit in the body); it wins over the URL's.
    """
    found = _params(url) if isinstance(url, str) else {}
    gcs = (gcs or found.get("gcs") or "")[:_RAW_LIMIT] or None
    gcd = found.get("gcd", "")[:_RAW_LIMIT] or None
    if gcs is None and gcd is None:
        return None
    return {"gcs": gcs, "gcd": gcd, "gcs_decoded": decode_gcs(gcs), "gcd_decoded": decode_gcd(gcd),
            "state": consent_state(gcs, gcd)}


def google_hit(tracker: TrackerMatch | None, url: str | None) -> dict | None:
    """`read_hit` for a Google tag's request (or one whose rule extracted a consent value); None otherwise.

    Only Google's tags act on Consent Mode, so another vendor's request carrying gcs is no cookieless ping.
    """
    if tracker is None or (tracker.company != GOOGLE and not tracker.consent):
        return None
    return read_hit(url, tracker.consent)


def granted_signals(hit: dict) -> list[str]:
    """The signals a read hit says are granted, in SIGNALS order (gcs's storage signals or gcd's finals)."""
    gcs, gcd = hit.get("gcs_decoded") or {}, hit.get("gcd_decoded") or {}
    return [name for name in SIGNALS
            if gcs.get(name) == "granted" or (gcd.get(name) or {}).get("final") == "granted"]


def summary(hit: dict) -> str:
    """One clause for a finding's message: what the hit's Consent Mode state says."""
    if hit.get("state") == "denied":
        return "a cookieless ping: Consent Mode says storage is denied"
    if hit.get("state") == "granted":
        return f"Consent Mode says {', '.join(granted_signals(hit))} granted"
    gcd = hit.get("gcd_decoded")
    if gcd and all(gcd[name]["final"] == "unset" for name in SIGNALS):
        return "no Consent Mode state: gcd shows no default and no update"
    return "no readable Consent Mode state"
