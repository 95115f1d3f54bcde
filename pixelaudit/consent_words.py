"""The consent engine's word lists and button scoring, shared with the page script `js/consent.js`.

The phrases live in one data file, `consent_words.json` (ten languages: en, de, fr, es, it, nl, pt, pl,
sv, da). Python normalises them once and hands them to the page script, whose `score` mirrors
`score_button` here line for line; the end-to-end tests check that both give the same numbers.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib.resources import files

KINDS = ("accept", "reject", "settings", "save")
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da")
# (tier, exact phrase, whole-word phrase inside a longer text, bare substring); "all" phrases rank higher.
TIERS = (("all", 100, 90, 60), ("plain", 80, 70, 50))
_NOT_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Lower case, NFC, every run of characters that are not letters or digits becomes one space."""
    return _NOT_WORD.sub(" ", unicodedata.normalize("NFC", text or "").lower()).strip()


def _flat(by_language: dict[str, list[str]]) -> list[str]:
    phrases = (normalize(p) for lang, words in sorted(by_language.items()) for p in words)
    return list(dict.fromkeys(p for p in phrases if p))


@cache
def words() -> dict:
    """consent_words.json with every phrase normalised and the languages flattened: what the page script gets."""
    data = json.loads(files("pixelaudit").joinpath("consent_words.json").read_text(encoding="utf-8"))
    banner = data["banner"]
    return {
        "max_words": data["max_words"],
        "min_substring": data["min_substring"],
        "banner": {"strong": _flat(banner["strong"]), "weak": _flat(banner["weak"]),
                   "attributes": [re.escape(a) for a in banner["attributes"]]},
        "buttons": {kind: {"all": _flat(spec["all"]), "plain": _flat(spec["plain"]), "veto": spec["veto"]}
                    for kind, spec in data["buttons"].items()},
    }


def _raw(text: str, kind: str, lists: dict) -> float:
    count = len(text.split(" ")) if text else 0
    if not text or count > lists["max_words"]:
        return 0
    best = 0
    padded = f" {text} "
    for tier, exact, whole, sub in TIERS:
        for phrase in lists["buttons"][kind][tier]:
            extra = min(9, max(0, count - len(phrase.split(" "))))
            score = 0
            if text == phrase:
                score = exact
            elif f" {phrase} " in padded:
                score = whole - extra
            elif len(phrase) >= lists["min_substring"] and phrase in text:
                score = sub - extra
            best = max(best, score)
    return best


def score_button(text: str, action: str) -> float:
    """How strongly a button's text says `action` (accept, reject, settings, save): 0 = not at all, ≤ 100.

    Exact phrases beat whole-word matches inside a longer text, which beat bare substrings; "accept all"
    style phrases beat plain ones; a text that also reads as one of the kind's vetoes scores 0 (so
    "Do not accept" or "Accept only necessary" never count as accept).
    """
    if action not in KINDS:
        raise ValueError(f"unknown button kind {action!r}; expected one of {', '.join(KINDS)}")
    lists = words()
    normalized = normalize(text)
    score = _raw(normalized, action, lists)
    if score <= 0 or any(_raw(normalized, veto, lists) > 0 for veto in lists["buttons"][action]["veto"]):
        return 0.0
    return float(score)


def phrases(action: str, language: str) -> list[str]:
    """The phrases one language contributes to one kind ("all" first), as written in the data file."""
    data = json.loads(files("pixelaudit").joinpath("consent_words.json").read_text(encoding="utf-8"))
    spec = data["buttons"][action]
    return [*spec["all"].get(language, []), *spec["plain"].get(language, [])]
