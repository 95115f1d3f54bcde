// Klaro configuration (the site's own file; the library is vendored under /vendor).
window.klaroConfig = {
  version: 1,
  elementID: "klaro",
  storageMethod: "cookie",
  cookieName: "klaro",
  mustConsent: false,
  acceptAll: true,
  hideDeclineAll: false,
  lang: "en",
  services: [
    { name: "meta-pixel", title: "Meta Pixel", purposes: ["marketing"], cookies: ["_fbp"] },
    { name: "google-analytics", title: "Google Analytics", purposes: ["analytics"], cookies: [/^_ga/] },
  ],
};
