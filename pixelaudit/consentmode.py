"""Google Consent Mode on Google hits: `gcs=G1xy` (x = ad_storage, y = analytics_storage; 1 granted,
0 denied). G100 = everything denied (a cookieless ping); no `gcs` at all = the tag fired with no consent
default. `gcd` encodes four signals whose letter meanings are not verified, so it is kept raw.
"""

from __future__ import annotations

import re

_GCS = re.compile(r"G1([01])([01])")


def decode_gcs(value: str | None) -> dict[str, str] | None:
    """{'ad_storage': 'granted'|'denied', 'analytics_storage': ...} for a gcs value, None if unparsable."""
    m = _GCS.fullmatch((value or "").strip())
    if m is None:
        return None
    state = {"1": "granted", "0": "denied"}
    return {"ad_storage": state[m.group(1)], "analytics_storage": state[m.group(2)]}


def consent_state(value: str | None) -> str:
    """'denied' (every storage denied), 'granted' (any granted), or 'none' (no or unknown consent state)."""
    decoded = decode_gcs(value)
    if decoded is None:
        return "none"
    return "granted" if "granted" in decoded.values() else "denied"
