// Crawl Shop's consent banner: assets.consent-judge.com/banner.js (same markup, buttons and events), except that
// the choice is stored for the whole site (Domain=crawl-shop.com), so www and blog share it as on a real shop.
(function () {
  var choice = (document.cookie.match(/(?:^|; )consent=([a-z]+)/) || [])[1];
  window.consentChoice = choice || null;
  function decide(value) {
    document.cookie = "consent=" + value + "; domain=crawl-shop.com; path=/; max-age=15552000; SameSite=Lax";
    window.consentChoice = value;
    var b = document.getElementById("cookie-banner"); if (b) b.remove();
    document.dispatchEvent(new CustomEvent("consent", { detail: value }));
  }
  if (choice) return;
  var b = document.createElement("div");
  b.id = "cookie-banner"; b.setAttribute("role", "dialog"); b.setAttribute("aria-label", "Cookie consent");
  b.style.cssText = "position:fixed;left:0;right:0;bottom:0;padding:16px;background:#222;color:#fff;z-index:9999";
  b.innerHTML = '<p>We use cookies for analytics and marketing. You can accept or reject them.</p>' +
    '<button id="reject-all" type="button">Reject all</button> <button id="accept-all" type="button">Accept all</button>';
  b.addEventListener("click", function (e) {
    if (e.target.id === "accept-all") decide("all");
    if (e.target.id === "reject-all") decide("necessary");
  });
  document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(b); });
  if (document.body) document.body.appendChild(b);
})();
