"""IAB TCF v2: read the TC string a page's CMP publishes (`__tcfapi('addEventListener', 2, cb)`, the
non-deprecated way) and decode it with `iab-tcf` (MIT): CMP id, policy version, purpose and vendor consents.

Where the page itself has no `__tcfapi`, the reader takes the route the spec gives framed tags: find a window
with a child frame named `__tcfapiLocator` (this window's ancestors, then the frames under the top window,
breadth first) and send `{__tcfapiCall: {command, version, parameter, callId}}` by postMessage; the CMP
answers `{__tcfapiReturn: {returnValue, success, callId}}`. That reaches a CMP running in a cross-origin
iframe, which `__tcfapi` in the top frame cannot.
"""

from __future__ import annotations

MAX_FRAMES_SEARCHED = 50  # windows searched for a __tcfapiLocator child: ad-heavy pages have dozens of frames
READ_TCF_JS = """() => new Promise(resolve => {
  let done = false;
  const finish = value => { if (!done) { done = true; clearTimeout(timer); resolve(value); } };
  const timer = setTimeout(() => finish({timeout: true}), 1500);
  const state = (tcData, via) => ({tcString: tcData.tcString || null, eventStatus: tcData.eventStatus || null,
                                   cmpId: tcData.cmpId ?? null, gdprApplies: tcData.gdprApplies ?? null, via});
  if (typeof window.__tcfapi === "function") {
    try {
      window.__tcfapi("addEventListener", 2, (tcData, ok) => {
        if (!ok || !tcData || tcData.tcString === undefined) return;
        finish(state(tcData, "__tcfapi"));
        try { window.__tcfapi("removeEventListener", 2, () => {}, tcData.listenerId); } catch (e) { /* old CMPs */ }
      });
    } catch (e) { finish({error: String(e)}); }
    return;
  }
  const targets = [];
  const add = w => { if (w && !targets.includes(w)) targets.push(w); };
  const locator = w => { try { return w.frames["__tcfapiLocator"] || null; } catch (e) { return null; } };
  const consider = w => { const frame = locator(w); if (frame) { add(w); add(frame); } };
  // The spec's walk (the window holding the locator runs the CMP), then frames below the top window.
  // The locator frame itself is asked too: some setups name the CMP's own iframe __tcfapiLocator.
  for (let w = window; w; w = w.parent) { consider(w); if (w === window.top) break; }
  const queue = [window.top];
  for (let seen = 0; queue.length && seen < __MAX_FRAMES__; seen++) {
    const w = queue.shift();
    let count = 0;
    try { count = w.frames.length; } catch (e) { /* gone */ }
    for (let i = 0; i < count; i++) {
      let child = null;
      try { child = w.frames[i]; } catch (e) { /* gone */ }
      if (child) { consider(child); queue.push(child); }
    }
  }
  if (!targets.length) return finish(null);
  const callId = "pixelaudit-tcf-" + Math.random().toString(36).slice(2);
  const onMessage = event => {
    let data = event.data;
    if (typeof data === "string") { try { data = JSON.parse(data); } catch (e) { return; } }
    const answer = data && typeof data === "object" ? data.__tcfapiReturn : null;
    if (!answer || answer.callId !== callId || !answer.success) return;
    const tcData = answer.returnValue;
    if (!tcData || tcData.tcString === undefined) return;
    window.removeEventListener("message", onMessage);
    finish(state(tcData, "postMessage"));
    try {
      event.source.postMessage({__tcfapiCall: {command: "removeEventListener", version: 2,
                                              parameter: tcData.listenerId, callId: callId + "-remove"}}, "*");
    } catch (e) { /* the frame went away */ }
  };
  window.addEventListener("message", onMessage);
  for (const target of targets) {
    try { target.postMessage({__tcfapiCall: {command: "addEventListener", version: 2, callId}}, "*"); }
    catch (e) { /* the frame went away */ }
  }
})""".replace("__MAX_FRAMES__", str(MAX_FRAMES_SEARCHED))
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
