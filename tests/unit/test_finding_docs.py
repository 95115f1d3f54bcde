"""Every finding type the code can emit has a complete doc; unknown types get a generic one."""

import re
from pathlib import Path

from pixelaudit.finding_docs import FINDING_DOCS, doc_for

SPEC_TYPES = {"tracker-before-consent", "tracker-after-reject", "cookie-before-consent", "tracking-pixel",
              "no-consent-banner", "gpc-ignored", "pii-leak", "email-open-pixel", "email-click-tracking",
              "email-remote-content"}


def test_every_spec_and_extension_type_is_documented():
    assert SPEC_TYPES | {"tcf-consent-before-choice", "tcf-consent-after-reject"} == set(FINDING_DOCS)


def test_every_type_the_code_emits_is_documented():
    makers = ("findings.py", "mail/analyse.py")  # where findings are made
    source = "\n".join((Path("pixelaudit") / name).read_text() for name in makers)
    emitted = set(re.findall(r'add(?:_request|_cookie)?\(\s*"([a-z]+(?:-[a-z]+)+)"', source))
    assert emitted, "the pattern no longer finds how findings are made"
    assert emitted <= set(FINDING_DOCS)


def test_docs_are_complete_sentences():
    for doc in FINDING_DOCS.values():
        assert doc.title and doc.check and doc.what.endswith(".") and doc.fix.endswith(".") and doc.why


def test_unknown_type_gets_a_generic_doc():
    doc = doc_for("cookie-too-long")
    assert doc.type == "cookie-too-long" and doc.title == "Cookie too long"
