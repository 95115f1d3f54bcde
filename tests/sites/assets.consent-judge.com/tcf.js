// A minimal TCF v2 __tcfapi (test fixture, hand-written): publishes a TC string per consent state.
// window.tcfPolicy = "always" grants before any action and after a reject (a bad CMP); otherwise consent
// is granted only after the visitor accepts.
(function () {
  var GRANTED = "CO5rKAAO5rKAAEsABBENBkEAAP_AAAAAAAhoF5sAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAA", EMPTY = "CO5rKAAO5rKAAEsABBENBkEAAAAAAAAAAAhoAAAAAAAA";
  var listeners = [], nextId = 1;
  function tcString() {
    var choice = window.consentChoice;
    if (window.tcfPolicy === "always") return GRANTED;
    return choice === "all" ? GRANTED : EMPTY;
  }
  function tcData(id) {
    return { tcString: tcString(), eventStatus: window.consentChoice ? "useractioncomplete" : "cmpuishown",
             cmpId: 300, gdprApplies: true, listenerId: id };
  }
  window.__tcfapi = function (command, version, callback, param) {
    if (command === "addEventListener") { var id = nextId++; listeners.push(id); callback(tcData(id), true); }
    else if (command === "removeEventListener") { callback(true); }
    else if (command === "ping") { callback({ gdprApplies: true, cmpLoaded: true, cmpStatus: "loaded" }, true); }
  };
})();
