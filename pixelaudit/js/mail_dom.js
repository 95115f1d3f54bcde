// pixelaudit e-mail renderer: how the mail draws its images and where its links point.
// Evaluated by pixelaudit/mail/render.py with the page's own scripts off; returns plain JSON.
() => {
  const W = window.innerWidth, H = document.documentElement.scrollHeight;
  const hiddenWhy = (el) => {
    if (!el.getClientRects().length) return "display:none";
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true })) return "visibility:hidden";
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (parseFloat(s.opacity) === 0) return "opacity:0";
      if (n !== el && s.overflow !== "visible") {  // drawn inside a box with no room
        const r = n.getBoundingClientRect();
        if (r.width < 1 || r.height < 1) return "clipped by a zero-size parent";
      }
    }
    const r = el.getBoundingClientRect();
    if (r.right <= 0 || r.bottom + window.scrollY <= 0 || r.left >= W + 2000 || r.top + window.scrollY >= H + 2000)
      return "off-screen";
    return null;
  };
  const box = (el) => el.getBoundingClientRect();
  const images = [];
  const add = (url, tag, el) => {
    if (!url || url.startsWith("data:")) return;
    const r = box(el);
    images.push({ url, tag, widthAttr: el.getAttribute("width"), heightAttr: el.getAttribute("height"),
      width: r.width, height: r.height, hidden: hiddenWhy(el), alt: el.getAttribute("alt"),
      x: r.left + window.scrollX, y: r.top + window.scrollY });
  };
  for (const img of document.images) add(img.currentSrc || img.src, "img", img);
  for (const input of document.querySelectorAll("input[type=image][src]")) add(input.src, "input", input);
  for (const v of document.querySelectorAll("video[poster]")) add(v.poster, "video-poster", v);
  const URL_RE = /url\(\s*(["']?)(.*?)\1\s*\)/g;
  // Computed style covers CSS rules, inline styles and the old `background` attribute (<td background=…>).
  for (const el of document.querySelectorAll("*")) {
    const bg = getComputedStyle(el).backgroundImage;
    if (bg && bg !== "none") for (const m of bg.matchAll(URL_RE)) add(m[2], "background", el);
  }
  // Every url() in the mail's style sheets, with its selector and media: CSS trackers that load only when
  // a condition holds (printing, a forwarding client's markup) never load here, but they are in the CSS.
  const cssUrls = [];
  const PROPS = ["background-image", "background", "list-style-image", "border-image-source", "content"];
  const walk = (rules, media) => {
    for (const rule of rules) {
      if (rule.cssRules) walk(rule.cssRules, rule.media ? rule.media.mediaText : media);
      if (!rule.style) continue;
      for (const prop of PROPS) {
        for (const m of rule.style.getPropertyValue(prop).matchAll(URL_RE)) {
          const url = new URL(m[2], document.baseURI).href;
          if (!cssUrls.some((c) => c.url === url && c.selector === rule.selectorText)) {
            cssUrls.push({ url, selector: rule.selectorText || "", media: media || "" });
          }
        }
      }
    }
  };
  for (const sheet of document.styleSheets) {
    try { walk(sheet.cssRules, sheet.media ? sheet.media.mediaText : ""); } catch (e) { /* cross-origin sheet */ }
  }
  const links = [];
  for (const a of document.querySelectorAll("a[href], area[href]")) {
    const text = (a.innerText || a.getAttribute("alt") || a.querySelector("img[alt]")?.alt || "")
      .replace(/\s+/g, " ").trim().slice(0, 200);
    const r = a.getClientRects()[0];  // where it is drawn on the full-page screenshot (none when hidden)
    const box = r ? [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height] : null;
    links.push({ href: a.href, text, box });
  }
  return { images, links, cssUrls };
}
