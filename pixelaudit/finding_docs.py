"""What each finding type means, in one fixed shape (like ruff's rule docs): title, what, why it matters (the
rule behind it), how to fix, and the plain-language check it belongs to.

Every output format (HTML executive summary, SARIF rule metadata, JUnit test names, Markdown) reads these,
so a finding is explained the same way everywhere. Finding type names are forever (findings-v1.md).
"""

from __future__ import annotations

from dataclasses import dataclass

GDPR_EPRIVACY = ("GDPR art. 6(1)(a) and art. 7, ePrivacy Directive art. 5(3): storing or reading information on "
                 "the visitor's device, and processing personal data for tracking, need prior consent")
CCPA_GPC = ("CCPA / CPRA (Cal. Civ. Code § 1798.120, § 1798.135; 11 CCR § 7025): a Global Privacy Control "
            "signal is a valid request to opt out of sale and sharing")
TCF = ("IAB Europe TCF v2 policies with GDPR art. 7: the consent string must reflect the visitor's actual choice")
EMAIL = ("ePrivacy Directive art. 5(3) and GDPR art. 6: an open pixel reads from the recipient's device and "
         "tracks behaviour; it needs consent like a cookie (EDPB and CNIL guidance on e-mail tracking pixels)")


@dataclass(frozen=True, slots=True)
class FindingDoc:
    """Documentation of one finding type."""

    type: str
    title: str
    check: str  # the plain-language check this type fails (executive summary rows)
    what: str
    why: str
    fix: str


_DOCS = (
    FindingDoc("tracker-before-consent", "Tracker fired before consent",
               "No tracking before the visitor chooses",
               "A known tracker or a tracking pixel sent a request before any consent choice was made.",
               GDPR_EPRIVACY,
               "Load the tag only after an opt-in (gate it in the tag manager or the CMP), or configure it to "
               "send nothing until consent is given."),
    FindingDoc("tracker-after-reject", "Tracker fired after reject",
               "Nothing tracks after the visitor rejects",
               "After the visitor clicked reject, a known tracker or tracking pixel still sent a request, on the "
               "same page or a later one.",
               GDPR_EPRIVACY,
               "Make every tag honour the stored rejection on every page; check tags hard-coded outside the "
               "tag manager."),
    FindingDoc("cookie-before-consent", "Tracking cookie set before consent",
               "No tracking cookies before the visitor chooses",
               "A known tracker's cookie, or another third-party cookie, was set before any consent choice.",
               GDPR_EPRIVACY,
               "Set non-essential cookies only after an opt-in; strictly necessary cookies are exempt."),
    FindingDoc("gpc-ignored", "Global Privacy Control ignored",
               "The Global Privacy Control opt-out is honoured",
               "With the Global Privacy Control signal on (Sec-GPC: 1), a known tracker still fired.",
               CCPA_GPC,
               "Treat Sec-GPC: 1 / navigator.globalPrivacyControl as an opt-out of sale and sharing: do not load "
               "advertising tags for such visitors."),
    FindingDoc("no-consent-banner", "No consent banner",
               "A consent banner is shown when trackers are used",
               "Trackers fire, but no consent scenario found a consent banner to answer.",
               GDPR_EPRIVACY,
               "Show a consent banner with equally easy accept and reject choices before loading trackers, or "
               "remove the trackers."),
    FindingDoc("tcf-consent-before-choice", "TCF consent granted before the choice",
               "The TCF consent string matches the visitor's choice",
               "The CMP's TCF consent string granted purposes or vendors before the visitor acted.",
               TCF,
               "Start with an empty consent string; only the visitor's opt-in may grant purposes or vendors."),
    FindingDoc("tcf-consent-after-reject", "TCF consent granted after reject",
               "The TCF consent string matches the visitor's choice",
               "After the visitor rejected, the CMP's TCF consent string still granted purposes or vendors.",
               TCF,
               "Make the reject button clear every purpose and vendor consent in the TC string."),
    FindingDoc("tracking-pixel", "Tracking pixel",
               "Tracking pixels are known and accounted for",
               "A request judged a tracking pixel (a 1×1, transparent or invisible image, a beacon); "
               "informational, in any scenario.",
               "Informational: a pixel is a tracker by nature; whether it needs consent depends on when it fires "
               "(see the other checks).",
               "List the pixel's vendor and purpose in the privacy notice; remove pixels nobody uses."),
    FindingDoc("pii-leak", "Personal data sent to a third party",
               "No personal data is sent to third parties",
               "A known identity (e-mail address), plain or hashed/encoded, was sent to a third party.",
               "GDPR art. 5(1)(c) data minimisation and art. 6: sharing identifiers with third parties needs a "
               "legal basis; hashing an address does not anonymise it",
               "Do not put addresses or their hashes in URLs; use an opaque, non-reversible id if at all."),
    FindingDoc("email-open-pixel", "E-mail open pixel",
               "E-mails do not track opens without consent",
               "The e-mail loads an open-tracking pixel that tells the sender when and where it was opened.",
               EMAIL,
               "Turn off open tracking for recipients who did not opt in, or drop it."),
    FindingDoc("email-click-tracking", "E-mail click tracking",
               "E-mail links are not tracked without consent",
               "The e-mail's links go through a click-tracking redirect, often with a per-recipient id.",
               EMAIL,
               "Link directly to destinations, or tie click tracking to the recipient's consent."),
    FindingDoc("email-remote-content", "E-mail remote content",
               "E-mails load no third-party content",
               "The e-mail loads fonts, images or style sheets from a third party, which learns of the open.",
               EMAIL,
               "Embed images and fonts in the message or serve them from the sender's own domain."),
)

FINDING_DOCS: dict[str, FindingDoc] = {doc.type: doc for doc in _DOCS}


def doc_for(ftype: str) -> FindingDoc:
    """The doc of a finding type; an unknown (newer or third-party) type gets a generic one, never an error."""
    return FINDING_DOCS.get(ftype) or FindingDoc(
        ftype, ftype.replace("-", " ").capitalize(), ftype.replace("-", " ").capitalize(),
        f"A finding of type {ftype!r}.", "See the finding's message.", "See the finding's message.")
