// Crawl Shop's Google tag: a stand-in for gtag.js sending GA4's real request shape, only after "Accept all"
// (consent from banner.js, which must load first). crawlShopPageView({consentMode: false}) is the leak a
// page can opt into: a hit without asking, without a gcs consent state.
(function () {
  var TID = "G-CRAWL0001";
  function clientId() {
    var cid = (document.cookie.match(/(?:^|; )_ga=GA1\.1\.([^;]+)/) || [])[1];
    if (!cid) {
      cid = Math.floor(Math.random() * 1e9) + "." + Math.floor(Date.now() / 1000);
      document.cookie = "_ga=GA1.1." + cid + "; domain=crawl-shop.com; path=/; max-age=63072000; SameSite=Lax";
    }
    return cid;
  }
  window.crawlShopPageView = function (options) {
    if (window.__crawlShopPageViewSent) return; window.__crawlShopPageViewSent = true;
    var consentMode = !options || options.consentMode !== false;
    navigator.sendBeacon("https://www.google-analytics.com/g/collect?v=2&tid=" + TID + (consentMode ? "&gcs=G111" : "") +
      "&cid=" + clientId() + "&en=page_view&dl=" + encodeURIComponent(location.href) +
      "&dt=" + encodeURIComponent(document.title));
  };
  if (window.consentChoice === "all") window.crawlShopPageView();
  document.addEventListener("consent", function (e) { if (e.detail === "all") window.crawlShopPageView(); });
})();
