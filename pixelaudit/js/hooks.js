// pixelaudit page hooks: report cookie writes, Web Storage writes and keepalive fetches to the auditor.
// Installed before any page script; every hook calls the original so the page behaves as without it.
(() => {
  const record = window.__pixelauditRecord;
  if (typeof record !== "function" || window.__pixelauditHooked) return;
  Object.defineProperty(window, "__pixelauditHooked", { value: true });
  const rec = (kind, data) => { try { record(kind, data); } catch (e) { /* never break the page */ } };
  const clip = (v) => String(v).slice(0, 4096);

  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (cookie && cookie.set) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true,
      enumerable: cookie.enumerable,
      get() { return cookie.get.call(this); },
      set(value) { rec("cookie", { value: clip(value), url: location.href }); cookie.set.call(this, value); },
    });
  }

  const which = (store) => {
    try { if (store === window.localStorage) return "local"; } catch (e) { /* sandboxed */ }
    try { if (store === window.sessionStorage) return "session"; } catch (e) { /* sandboxed */ }
    return null;
  };
  const proto = Storage.prototype;
  const setItem = proto.setItem, removeItem = proto.removeItem, clear = proto.clear;
  proto.setItem = function (key, value) {
    rec("storage", { storage: which(this), op: "set", key: clip(key), value: clip(value), origin: location.origin });
    return setItem.call(this, key, value);
  };
  proto.removeItem = function (key) {
    rec("storage", { storage: which(this), op: "remove", key: clip(key), value: "", origin: location.origin });
    return removeItem.call(this, key);
  };
  proto.clear = function () {
    rec("storage", { storage: which(this), op: "clear", key: "", value: "", origin: location.origin });
    return clear.call(this);
  };

  const fetch = window.fetch;
  if (typeof fetch === "function") {
    window.fetch = function (input, init) {
      try {
        const keepalive = (init && init.keepalive) || (input instanceof Request && input.keepalive);
        if (keepalive) rec("keepalive", { url: new URL(input instanceof Request ? input.url : String(input), location.href).href });
      } catch (e) { /* bad URL: let fetch report it */ }
      return fetch.apply(this, arguments);
    };
  }
})();
