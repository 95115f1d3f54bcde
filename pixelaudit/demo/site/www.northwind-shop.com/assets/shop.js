// Northwind's own analytics: a page-view beacon, a visitor id in localStorage, and a beacon on leave.
(function () {
  var id = localStorage.getItem("nw_vid");
  if (!id) { id = Math.random().toString(36).slice(2) + Date.now().toString(36); localStorage.setItem("nw_vid", id); }
  document.cookie = "nw_session=" + id + "; path=/; SameSite=Lax";
  navigator.sendBeacon("https://stats.northwind-shop.com/collect?e=pageview&vid=" + id, JSON.stringify({ path: location.pathname }));
  addEventListener("pagehide", function () {
    navigator.sendBeacon("https://stats.northwind-shop.com/collect?e=leave&vid=" + id, "{}");
  });
  function choose(value) { document.cookie = "nw_consent=" + value + "; path=/; max-age=15552000"; document.getElementById("cookie-banner").remove(); }
  document.addEventListener("click", function (e) {
    if (e.target.id === "accept") choose("all");
    if (e.target.id === "reject") choose("necessary");
  });
})();
