"""The rules against a corpus of real-shaped request URLs with expected vendor and category.

Each batch file `tests/data/corpus/*.tsv` has `url, rule, category, note` (`-` = no rule should match).
A mismatch fails unless `known-gaps.tsv` lists the URL with a reason. Precision and recall of "is a
tracker" (a tracking category) are printed in the test summary.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pixelaudit.rules import TRACKING_CATEGORIES, load_rules

CORPUS = Path(__file__).parents[1] / "data" / "corpus"


def verdict(rules, url: str) -> tuple[str, str]:
    """(rule id, category) a URL gets, `-` for none."""
    rule = rules.match_url(url)
    return (rule.id, rule.category) if rule else ("-", "-")


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    return [row | {"batch": path.stem} for path in sorted(CORPUS.glob("*.tsv")) if path.name != "known-gaps.tsv"
            for row in _rows(path)]


@pytest.fixture(scope="module")
def gaps() -> dict[str, str]:
    path = CORPUS / "known-gaps.tsv"
    return {row["url"]: row["reason"] for row in _rows(path)} if path.is_file() else {}


def test_corpus_is_large_and_well_formed(corpus):
    assert len(corpus) >= 400
    assert len({row["url"] for row in corpus}) == len(corpus), "duplicate URLs in the corpus"
    negatives = [row for row in corpus if row["rule"] == "-"]
    assert len(negatives) >= 80, "the corpus needs traps that must not match"


def test_every_url_gets_its_expected_rule(corpus, gaps, pytestconfig):
    rules = load_rules()
    mismatches, tp, fp, fn, tn, vendor_ok = [], 0, 0, 0, 0, 0
    for row in corpus:
        got_rule, got_cat = verdict(rules, row["url"])
        if (got_rule, got_cat) != (row["rule"], row["category"]) and row["url"] not in gaps:
            mismatches.append(f"{row['batch']}: {row['url']}: expected {row['rule']}/{row['category']}, "
                              f"got {got_rule}/{got_cat} ({row['note']})")
        vendor_ok += got_rule == row["rule"]
        expected, predicted = row["category"] in TRACKING_CATEGORIES, got_cat in TRACKING_CATEGORIES
        tp, fp, fn, tn = tp + (expected and predicted), fp + (predicted and not expected), \
            fn + (expected and not predicted), tn + (not expected and not predicted)
    precision, recall = tp / max(1, tp + fp), tp / max(1, tp + fn)
    pytestconfig.pixelaudit_corpus = (
        f"tracker corpus: {len(corpus)} URLs, {len(rules)} rules; is-a-tracker precision {precision:.3f}, "
        f"recall {recall:.3f} (TP {tp}, FP {fp}, FN {fn}, TN {tn}); exact rule {vendor_ok / len(corpus):.3f}; "
        f"known gaps {len(gaps)}")
    assert not mismatches, "\n".join(mismatches)


def test_known_gaps_are_still_gaps(corpus, gaps):
    """A listed gap that now passes must leave the list (so the list never hides a regression)."""
    rules = load_rules()
    by_url = {row["url"]: row for row in corpus}
    fixed = [url for url in gaps
             if url in by_url and verdict(rules, url) == (by_url[url]["rule"], by_url[url]["category"])]
    stale = [url for url in gaps if url not in by_url]
    assert not fixed and not stale, f"remove from known-gaps.tsv: {fixed + stale}"
