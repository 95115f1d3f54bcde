// pixelaudit generic consent engine, evaluated in one frame by pixelaudit/consent.py.
// args.words: pixelaudit/consent_words.json with every phrase already normalised (see norm below).
// Modes:
//   "score"    {texts, kind}      -> [score, ...]  (the same scoring as consent.score_button, for tests)
//   "find"     {kinds}            -> {data, els}   the consent banner and its best button for the first kind
//                                                  in `kinds` that has one, plus the banner's checked toggles
//   "bannerOf" {el}               -> {data, els}   the consent banner that holds `el` (the user's override)
//   "listen"   {}                 -> null          record every click from now on (text, selector, Date.now())
//   "clicks"   {}                 -> [{text, selector, at, trusted}, ...] the clicks recorded so far
// `data` is plain JSON; `els` holds the elements it points at by index (banner first), so Python can
// take an ElementHandle when a CSS selector cannot name the element uniquely.
(args) => {
  const W = args.words;
  const norm = (s) => (s || "").normalize("NFC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  const nwords = (t) => (t ? t.split(" ").length : 0);
  // Tiers: exact phrase > whole-word phrase in a longer text > bare substring; "all" phrases above plain.
  const TIERS = [["all", 100, 90, 60], ["plain", 80, 70, 50]];
  const raw = (t, kind) => {
    if (!t || nwords(t) > W.max_words) return 0;
    let best = 0;
    const padded = ` ${t} `;
    for (const [tier, exact, whole, sub] of TIERS) {
      for (const p of W.buttons[kind][tier]) {
        const extra = Math.min(9, Math.max(0, nwords(t) - nwords(p)));
        let s = 0;
        if (t === p) s = exact;
        else if (padded.includes(` ${p} `)) s = whole - extra;
        else if (p.length >= W.min_substring && t.includes(p)) s = sub - extra;
        if (s > best) best = s;
      }
    }
    return best;
  };
  const score = (text, kind) => {
    const t = norm(text);
    const s = raw(t, kind);
    return s > 0 && !W.buttons[kind].veto.some((v) => raw(t, v) > 0) ? s : 0;
  };
  if (args.mode === "score") return args.texts.map((x) => score(x, args.kind));

  const SKIP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"]);
  // Every element under `root`, descending into open shadow roots.
  const deepAll = (root, out = []) => {
    for (const el of root.querySelectorAll("*")) {
      if (out.length > 30000) break;
      out.push(el);
      if (el.shadowRoot) deepAll(el.shadowRoot, out);
    }
    return out;
  };
  const deepText = (el) => {
    if (SKIP.has(el.tagName)) return "";
    let text = el.innerText || "";
    for (const host of [el, ...el.querySelectorAll("*")]) {
      if (host.shadowRoot) for (const c of host.shadowRoot.children) text += " " + deepText(c);
    }
    return text;
  };
  const visible = (el) => {
    if (el.checkVisibility && !el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const hintRe = new RegExp(W.banner.attributes.join("|"), "i");
  const hinted = (el) => hintRe.test([el.id, el.getAttribute("class"), el.localName,
    el.getAttribute("aria-label"), el.getAttribute("aria-labelledby")].join(" "));
  const has = (t, list) => list.some((w) => t.includes(` ${w}`));
  const overlay = (el) => {
    const role = el.getAttribute("role");
    if (el.tagName === "DIALOG" || role === "dialog" || role === "alertdialog"
        || el.getAttribute("aria-modal") === "true") return true;
    return ["fixed", "sticky", "absolute"].includes(getComputedStyle(el).position);
  };

  // A unique selector in the element's own root; across shadow roots, the host's selector >> the inner one.
  const selectorOf = (el) => {
    const root = el.getRootNode();
    const unique = (sel) => {
      try { const m = root.querySelectorAll(sel); return m.length === 1 && m[0] === el; } catch (e) { return false; }
    };
    const parts = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      if (node.id && root.querySelectorAll(`#${CSS.escape(node.id)}`).length === 1) {
        parts.unshift(`#${CSS.escape(node.id)}`);
        break;
      }
      // Tag plus up to two classes reads better in a report; nth-of-type only when siblings look alike.
      let part = CSS.escape(node.localName)
        + Array.from(node.classList).slice(0, 2).map((c) => `.${CSS.escape(c)}`).join("");
      const siblings = Array.from((node.parentElement || node.parentNode || { children: [] }).children);
      if (siblings.filter((c) => c.matches(part)).length > 1) {
        const sameTag = siblings.filter((c) => c.localName === node.localName);
        part += `:nth-of-type(${sameTag.indexOf(node) + 1})`;
      }
      parts.unshift(part);
      if (unique(parts.join(" > "))) break;
    }
    const sel = parts.join(" > ");
    return root instanceof ShadowRoot ? `${selectorOf(root.host)} >> ${sel}` : sel;
  };

  const CLICKABLE = "button, [role=button], a, input[type=button], input[type=submit]";
  const TOGGLES = "input[type=checkbox], [role=switch], [role=checkbox]";
  const within = (el, sel) => deepAll(el).filter((e) => e.matches(sel));
  const label = (el) => (el.innerText || el.value || el.getAttribute("aria-label") || el.title || "")
    .replace(/\s+/g, " ").trim();
  const buttonScore = (el, kind) => Math.max(score(el.innerText || "", kind), score(el.value || "", kind),
    score(el.getAttribute("aria-label") || "", kind));
  const usable = (el) => !el.disabled && el.getAttribute("aria-disabled") !== "true" && visible(el);

  const banners = () => {
    const found = [];
    for (const el of deepAll(document)) {
      if (!(overlay(el) || hinted(el)) || !visible(el)) continue;
      const text = deepText(el);
      if (text.length > 20000) continue;  // a page-wide wrapper, not a banner
      const t = ` ${norm(text)}`;
      if (!(has(t, W.banner.strong) || (has(t, W.banner.weak) && hinted(el)))) continue;
      const buttons = within(el, CLICKABLE).filter(usable);
      if (buttons.length) found.push({ el, buttons, size: deepAll(el).length });
    }
    return found;
  };
  const toggles = (el) => within(el, TOGGLES).filter((t) => {
    const on = t.tagName === "INPUT" ? t.checked : t.getAttribute("aria-checked") === "true";
    const off = t.tagName === "INPUT" ? t.disabled : t.getAttribute("aria-disabled") === "true";
    return on && !off;
  });
  const describe = (banner, button, kind, s) => {
    const els = [banner];
    const data = { banner: { selector: selectorOf(banner), text: norm(deepText(banner)).slice(0, 300), index: 0 },
      button: null, toggles: [] };
    if (button) {
      els.push(button);
      data.button = { kind, score: s, text: label(button).slice(0, 200), selector: selectorOf(button), index: 1 };
    }
    for (const t of toggles(banner)) {
      data.toggles.push({ selector: selectorOf(t), index: els.length, input: t.tagName === "INPUT" });
      els.push(t);
    }
    return { data, els };
  };

  // Clicks made by a consent platform's rule (DuckDuckGo autoconsent clicks with el.click()): the evidence
  // of which button it pressed. A capturing listener sees them before the page can stop them.
  const LOG = Symbol.for("pixelaudit.clicks");
  if (args.mode === "listen") {
    if (!window[LOG]) {
      window[LOG] = [];
      document.addEventListener("click", (e) => {
        const el = e.composedPath().find((n) => n.nodeType === 1);
        if (el) window[LOG].push({ text: label(el).slice(0, 200), selector: selectorOf(el), at: Date.now(),
          trusted: e.isTrusted });
      }, true);
    }
    return null;
  }
  if (args.mode === "clicks") return window[LOG] || [];

  const found = banners();
  if (args.mode === "bannerOf") {
    const holders = found.filter((b) => b.el === args.el || b.el.contains(args.el)
      || deepAll(b.el).includes(args.el)).sort((a, b) => a.size - b.size);
    return holders.length ? describe(holders[0].el, null, null, 0) : { data: null, els: [] };
  }
  for (const kind of args.kinds) {
    let best = null;
    for (const b of found) {
      for (const button of b.buttons) {
        const s = buttonScore(button, kind);
        if (s > 0 && (!best || s > best.s || (s === best.s && b.size < best.b.size))) best = { b, button, s };
      }
    }
    if (best) return describe(best.b.el, best.button, kind, best.s);
  }
  if (!found.length) return { data: null, els: [] };
  found.sort((a, b) => a.size - b.size);
  return describe(found[0].el, null, null, 0);
}
