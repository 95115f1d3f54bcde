// pixelaudit DOM snapshot: every image the frame draws (img, input[type=image], CSS backgrounds),
// with its rendered box and visibility, plus the frame's Web Storage contents.
() => {
  const doc = document.documentElement;
  const W = Math.max(doc.scrollWidth, innerWidth), H = Math.max(doc.scrollHeight, innerHeight);
  const visible = (el) => (el.checkVisibility
    ? el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) : true);
  const box = (el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + scrollX, y = r.top + scrollY;
    return { width: r.width, height: r.height, offscreen: x + r.width <= 0 || y + r.height <= 0 || x >= W || y >= H };
  };
  const images = [];
  for (const el of document.querySelectorAll("img, input[type=image]")) {
    const url = el.currentSrc || el.src;
    if (!url || images.length > 5000) continue;
    images.push({ url, kind: el.tagName === "IMG" ? "img" : "input", visible: visible(el), ...box(el) });
  }
  let seen = 0;
  for (const el of document.querySelectorAll("body *")) {
    if (++seen > 20000) break;
    const bg = getComputedStyle(el).backgroundImage;
    if (!bg || bg === "none" || !bg.includes("url(")) continue;
    for (const m of bg.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
      try {
        images.push({ url: new URL(m[1], document.baseURI).href, kind: "css-background", visible: visible(el), ...box(el) });
      } catch (e) { /* unparsable URL */ }
    }
  }
  const dump = (name) => {
    try {
      const s = window[name];
      const out = [];
      for (let i = 0; i < s.length && i < 1000; i++) { const k = s.key(i); out.push([k, String(s.getItem(k)).slice(0, 4096)]); }
      return out;
    } catch (e) { return []; }
  };
  return { url: location.href, origin: location.origin, images, local: dump("localStorage"), session: dump("sessionStorage") };
}
