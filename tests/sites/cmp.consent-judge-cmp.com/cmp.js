// A small TCF v2.2 CMP (test fixture): hand-written glue on real IAB code from npm (see
// assets.consent-judge.com/vendor/iabtcf/README.md). @iabtcf/stub (loaded first) queues early __tcfapi
// calls and answers __tcfapiLocator postMessage calls; CmpApi takes the queue over and answers __tcfapi;
// TCModel + TCString encode the visitor's choice. The choice comes from the shared banner
// (banner.js: window.consentChoice, then a "consent" event on document).
// <script data-cmp-id="N"> sets the CMP id; data-before-choice="grant" publishes full consent before any
// choice (a bad CMP), which is replaced by the visitor's choice once made.
(function () {
  var script = document.currentScript;
  var cmpId = Number(script.dataset.cmpId || 301);
  var grantBeforeChoice = script.dataset.beforeChoice === "grant";
  var iab = window.iabtcf;
  function named(ids, prefix) {
    var out = {};
    ids.forEach(function (id) { out[id] = { id: id, name: prefix + " " + id, description: "", illustrations: [] }; });
    return out;
  }
  function vendor(id, purposes) {
    return { id: id, name: "Fixture vendor " + id, purposes: purposes, legIntPurposes: [], flexiblePurposes: [],
             specialPurposes: [1], features: [], specialFeatures: [], cookieMaxAgeSeconds: 31536000,
             usesCookies: true, usesNonCookieAccess: false, deviceStorageDisclosureUrl: null,
             urls: [{ langId: "en", privacy: "https://example.com/privacy", legIntClaim: null }] };
  }
  // Encoding needs a Global Vendor List. Real CMPs fetch one from their own CDN; this fixture carries a
  // trimmed one (TCF policy 4, purposes 1-11, three vendors) so tests need no network.
  var range = function (n) { return Array.from({ length: n }, function (_, i) { return i + 1; }); };
  var gvl = new iab.GVL({
    gvlSpecificationVersion: 3, vendorListVersion: 100, tcfPolicyVersion: 4, lastUpdated: "2024-01-04T16:00:00Z",
    purposes: named(range(11), "Purpose"), specialPurposes: named(range(3), "Special purpose"),
    features: named(range(3), "Feature"), specialFeatures: named(range(2), "Special feature"),
    stacks: {}, dataCategories: {},
    vendors: { 1: vendor(1, [1, 2, 3, 4, 7]), 2: vendor(2, [1, 2, 7, 10]), 755: vendor(755, range(11)) }
  });
  var cmpApi = new iab.CmpApi(cmpId, 1, true);

  function tcString(grant) {
    var model = new iab.TCModel(gvl);
    model.cmpId = cmpId;
    model.cmpVersion = 1;
    model.isServiceSpecific = true;
    model.publisherCountryCode = "DE";
    model.consentScreen = 1;
    if (grant) {
      model.setAllPurposeConsents();
      model.setAllVendorConsents();
    }
    return iab.TCString.encode(model);
  }

  if (window.consentChoice) cmpApi.update(tcString(window.consentChoice === "all"), false);  // a later page
  else cmpApi.update(tcString(grantBeforeChoice), true);  // banner shown
  document.addEventListener("consent", function (event) { cmpApi.update(tcString(event.detail === "all"), false); });
})();
