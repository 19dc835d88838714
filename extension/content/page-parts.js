// What a page check reads from a product page, in one place (ARCHITECTURE.md, "The content
// script sends the parts a check reads"). The content script sends `cgPageParts.reduce(document)`
// instead of the whole `outerHTML` (1-3 MB): every element the reader's selectors match, kept
// whole, inside the start and end tags of its ancestors, in document order, plus every script
// holding one of the raw-text markers the reader searches for. The reader gives the same
// ProductPage from it as from the whole page: tests/e2e/page-parts.test.mjs compares both on
// every real page, and the same file's second test fails when src/page starts reading a
// selector, an id or a raw-text marker that is not accounted for here.
//
// Loaded before content/content.js (manifest `content_scripts`), as a classic script: it only
// defines `globalThis.cgPageParts` in the content script's own world.
globalThis.cgPageParts = (() => {
  /**
   * Elements sent whole. Every selector of the reader (src/page/selectors.rs `ALL`) is either
   * here or inside an element that is (a selector's first part is here: `div#feature-bullets
   * li` is inside `div#feature-bullets`); the `span[id]`, `a[id]`, `img[id]` and `input` entry
   * points only with the ids and names the reader dispatches on (TITLE_ID, BYLINE_LINK_ID,
   * ASIN_INPUT_ID, BUY_BOX_INPUT_IDS, …). The raw-text searches that find elements by their
   * start tag (buybox.rs: `id="availability"`, `id="outOfStock"`,
   * `id="buybox-see-all-buying-choices"`; family.rs swatches: `data-dp-url`,
   * `inline-twister-row-`) are here too. Descendant selectors are left out on purpose: the
   * browser would try every element of the page against them.
   */
  const ELEMENTS = [
    'span#productTitle',
    'span#ebooksProductTitle',
    'span#btAsinTitle',
    'span[id^="inline-twister-expanded-dimension-text-"]',
    'a#bylineInfo',
    'a#brand',
    'a#sellerProfileTriggerId',
    'img#landingImage',
    'img#imgBlkFront',
    'img#ebooksImgBlkFront',
    'img#prodImage',
    'input#ASIN',
    'input[name="ASIN.0"]',
    'input[name="ASIN"]',
    'input#add-to-cart-button',
    'input#buy-now-button',
    'input#one-click-button',
    'input[name="submit.add-to-cart"]',
    'div#olpProductDetails',
    'div#bylineInfo',
    'div#byline',
    'div#olpProductImage',
    'div[data-a-image-name="mbAltImage"]',
    'div[id^="variation_"]',
    'select[name^="dropdown_selected_"]',
    'div#wayfinding-breadcrumbs_feature_div',
    'div#feature-bullets',
    'div#productDescription',
    'div#merchant-info',
    'div[offer-display-feature-name="desktop-merchant-info"]',
    'div[tabular-attribute-name]',
    'div.olpOffer',
    'div#olp_feature_div',
    'link[rel="canonical"]',
    'meta[property="og:url"]',
    '#availability',
    '#outOfStock',
    '#buybox-see-all-buying-choices',
    'li[data-dp-url]',
    '[id^="inline-twister-row-"]',
  ];

  /**
   * Raw text the reader searches for with `memmem` (images.rs, family.rs, buybox.rs): a
   * `<script>` (or `<noscript>`, `<template>`, whose contents the reader also sees) holding
   * one is sent whole.
   */
  const MARKERS = [
    "'colorImages'", // images.rs: the gallery (ImageBlockATF)
    // family.rs `twister_keys`: the twister data's member maps
    '"dimensionValuesDisplayData"',
    '"asinToDimensionIndexMap"',
    '"dimensionToAsinMap"',
    'id="availability"',
    'id="outOfStock"',
    'id="buybox-see-all-buying-choices"',
    'data-dp-url',
    'inline-twister-row-',
  ];

  /**
   * Only a page with one of these is sent in parts: without an ASIN input the reader decides
   * the page's kind from markers anywhere in its first 64 KB (captcha, 404, offer listing),
   * so such pages (small ones) are sent whole.
   */
  const REQUIRED = 'input#ASIN, input[name="ASIN"], input[name="ASIN.0"]';

  const selector = ELEMENTS.join(', ');

  /** `<tag attrs>` of `el` as `outerHTML` writes it. */
  function startTag(el) {
    const html = el.cloneNode(false).outerHTML;
    const end = `</${el.localName}>`;
    return html.endsWith(end) ? html.slice(0, html.length - end.length) : html;
  }

  /**
   * The parts of `doc` a page check reads, as one HTML string; `null` when the page must be
   * sent whole (no ASIN input).
   */
  function reduce(doc) {
    const root = doc.documentElement;
    if (!root || !doc.querySelector(REQUIRED)) return null;
    const keep = new Set(doc.querySelectorAll(selector));
    for (const el of doc.querySelectorAll('script, noscript, template')) {
      // Read, never written: a template's children live in its content fragment (its
      // textContent is empty), so its markup is what the markers are searched in.
      const text = el.localName === 'template' ? el.innerHTML : el.textContent;
      if (MARKERS.some((m) => text.includes(m))) keep.add(el);
    }
    // Every ancestor of a kept element is written as its start and end tags only.
    const open = new Set();
    for (const el of keep) {
      for (let p = el.parentElement; p && !open.has(p); p = p.parentElement) open.add(p);
    }
    const out = [];
    const walk = (el) => {
      for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
        if (keep.has(c)) {
          out.push(c.outerHTML);
        } else if (open.has(c)) {
          out.push(startTag(c));
          walk(c);
          out.push(`</${c.localName}>`);
        }
      }
    };
    out.push(startTag(root));
    walk(root);
    out.push(`</${root.localName}>`);
    return out.join('');
  }

  return { ELEMENTS, MARKERS, REQUIRED, reduce };
})();
