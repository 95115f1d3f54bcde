/* Stand-in for Meta's fbevents.js (demo): reads the fbq queue and sends a PageView pixel. */
(function () {
  var q = (window.fbq && window.fbq.q) || [], id = null;
  q.forEach(function (a) { if (a[0] === "init") id = a[1]; });
  if (!id) return;
  if (!/(^|; )_fbp=/.test(document.cookie)) {
    document.cookie = "_fbp=fb.1." + Date.now() + "." + Math.floor(Math.random() * 1e10) + "; path=/; max-age=7776000; SameSite=Lax";
  }
  var img = new Image();
  img.src = "https://www.facebook.com/tr/?id=" + id + "&ev=PageView&dl=" + encodeURIComponent(location.href) + "&ts=" + Date.now();
})();
