// Loads the marketing tags (stand-ins sending the vendors' real request shapes).
window.loadTrackers = function () {
  if (window.__trackersLoaded) return; window.__trackersLoaded = true;
  document.cookie = "_fbp=fb.1." + Date.now() + ".42; path=/; max-age=7776000";
  new Image().src = "https://www.facebook.com/tr?id=5550001&ev=PageView&dl=" + encodeURIComponent(location.href);
  navigator.sendBeacon("https://www.google-analytics.com/g/collect?v=2&tid=G-JUDGE1&en=page_view");
};
