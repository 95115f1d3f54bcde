"""IAB TCF v2: read the TC string a page's CMP publishes (`__tcfapi('addEventListener', 2, cb)`, the
non-deprecated way) and decode it with `iab-tcf` (MIT): CMP id, policy version, purpose and vendor consents.
"""

from __future__ import annotations

READ_TCF_JS = """() => new Promise(resolve => {
  if (typeof window.__tcfapi !== "function") return resolve(null);
  const timer = setTimeout(() => resolve({timeout: true}), 1500);
  try {
    window.__tcfapi("addEventListener", 2, (tcData, ok) => {
      if (!ok || !tcData || tcData.tcString === undefined) return;
      clearTimeout(timer);
      resolve({tcString: tcData.tcString || null, eventStatus: tcData.eventStatus || null,
               cmpId: tcData.cmpId ?? null, gdprApplies: tcData.gdprApplies ?? null});
      try { window.__tcfapi("removeEventListener", 2, () => {}, tcData.listenerId); } catch (e) { /* old CMPs */ }
    });
  } catch (e) { clearTimeout(timer); resolve({error: String(e)}); }
})"""
MAX_VENDORS_LISTED = 100


def decode_tc_string(tc_string: str | None) -> dict | None:
    """The parts of a TC string an auditor reads; {'error': ...} when it does not decode."""
    if not tc_string:
        return None
    try:
        from iab_tcf import decode_v2

        consent = decode_v2(tc_string)
        purposes = sorted(p for p, on in consent.purposes_consent.items() if on)
        vendors = consented_vendors(consent)
        return {"cmp_id": consent.cmp_id, "cmp_version": consent.cmp_version,
                "policy_version": consent.tcf_policy_version, "vendor_list_version": consent.vendor_list_version,
                "purposes_consent": purposes, "vendors_consent_count": len(vendors),
                "vendors_consent": vendors[:MAX_VENDORS_LISTED],
                "created": str(consent.created), "last_updated": str(consent.last_updated)}
    except Exception as exc:  # a CMP can publish anything
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}


def consented_vendors(consent) -> list[int]:
    """Vendor ids with consent, from either encoding the spec allows (CMPs pick the shorter one)."""
    if getattr(consent, "is_consent_range_encoding", False):  # iab-tcf keeps ranges apart from the bit field
        top = consent.max_consent_vendor_id
        return sorted({v for start, end in consent.consented_vendors_range for v in range(start, min(end, top) + 1)})
    return sorted(v for v, on in (consent.consented_vendors or {}).items() if on)


def positive_consent(decoded: dict | None) -> bool:
    """True when the TC string grants any purpose or any vendor."""
    return bool(decoded and not decoded.get("error")
                and (decoded.get("purposes_consent") or decoded.get("vendors_consent_count")))
