// The content script sends only the parts of a product page a check reads
// (extension/content/page-parts.js) instead of the whole outerHTML. This test loads every real
// page (and our synthetic ones) in Chromium under its real URL, takes both from the same live
// document, and checks that the hot module gives byte-identical reports from them: untracked,
// and against the listing saved from the page. It also checks that the parts are what is sent
// on the product pages (not a silent fallback to the whole page) and that they are smaller.
//
// A second test reads the reader's own sources (src/page) and fails when it starts reading a
// selector, an id or a raw-text marker that the parts do not account for.
//
// Needs `node scripts/build.mjs` (the built hot and full modules).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { chromium } from 'playwright-core';
import { ROOT, fixturePages, chromiumPath, CHROMIUM_FLAGS } from './harness.mjs';
import { initSync as initFull, invoke } from '../../extension/pkg/catalog_guard.js';
import { initSync as initHot, check_html as checkHtml } from '../../extension/pkg/catalog_guard_hot.js';

const pkg = path.join(ROOT, 'extension/pkg');
initFull({ module: fs.readFileSync(path.join(pkg, 'catalog_guard_bg.wasm')) });
initHot({ module: fs.readFileSync(path.join(pkg, 'catalog_guard_hot_bg.wasm')) });
const partsSource = fs.readFileSync(path.join(ROOT, 'extension/content/page-parts.js'), 'utf8');

const NOW = Date.UTC(2026, 11, 5, 12, 0, 0);
const utf8 = new TextEncoder();

const charsetOf = (buf) => {
  const m = buf.subarray(0, 65536).toString('latin1').match(/<meta[^>]*charset\s*=\s*["']?([\w-]+)/i);
  return m ? m[1].toLowerCase() : 'utf-8';
};

/** Every real page under its real URL (a unique search URL for pages without an ASIN), and ours. */
function allPages() {
  const real = fixturePages().map(({ file, url, bytes }) => ({ file, url, body: bytes }));
  // Our synthetic pages: availability wordings, no-longer-available, bylines, 404 and captcha.
  const own = fs.readdirSync(path.join(ROOT, 'tests/pages')).filter((f) => f.endsWith('.html')).map((f, i) => {
    const body = fs.readFileSync(path.join(ROOT, 'tests/pages', f));
    const asin = /name="ASIN"[^>]*value="([A-Z0-9]{10})"|value="([A-Z0-9]{10})"[^>]*(?:id|name)="ASIN"/.exec(body.toString('latin1'));
    const mp = f.startsWith('jp-') || f.includes('-jp') ? 'amazon.co.jp' : 'amazon.com';
    return { file: `tests/pages/${f}`, url: `https://www.${mp}/dp/${asin ? (asin[1] || asin[2]) : `B0TEST${String(i).padStart(4, '0')}`}`, body };
  });
  // Two pages may share a URL (same ASIN): each is loaded on its own, so that is fine.
  return [...real, ...own];
}

const hot = (url, html, listing) => JSON.parse(checkHtml(url, utf8.encode(html), NOW, () => (listing ? JSON.stringify(listing) : undefined)));

test('the parts the content script sends give the same reports as the whole page, on every real page', { timeout: 20 * 60 * 1000 }, async (t) => {
  const pages = allPages();
  assert.ok(pages.length >= 70, `expected the whole fixture set and ours, found ${pages.length} pages`);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });
  try {
    const context = await browser.newContext();
    let current = null;
    await context.route((u) => u.protocol === 'http:' || u.protocol === 'https:', (route) => {
      if (current && route.request().url().split('#')[0] === current.url) {
        return route.fulfill({ status: 200, contentType: `text/html; charset=${charsetOf(current.body)}`, body: current.body });
      }
      return route.abort();
    });
    const tab = await context.newPage();
    let reduced = 0;
    let fullBytes = 0;
    let partBytes = 0;
    const kinds = new Set();
    for (const p of pages) {
      current = p;
      await tab.goto(p.url, { waitUntil: 'domcontentloaded' });
      // Both from the same document, as the content script would take them.
      // Evaluated, not added as a <script>: its marker strings must not become part of the page.
      await tab.evaluate(`${partsSource};0`);
      const got = await tab.evaluate(() => ({
        parts: globalThis.cgPageParts.reduce(document),
        // What the content script sends without the parts (this test reads a test page).
        // eslint-disable-next-line no-restricted-properties
        whole: document.documentElement.outerHTML,
      }));
      const whole = hot(p.url, got.whole, null);
      kinds.add(whole.page.kind);
      if (got.parts === null) {
        // Sent whole: only pages without an ASIN input.
        assert.equal(whole.page.asin === null || whole.page.kind !== 'product', true, `${p.file}: a product page would be sent whole`);
        continue;
      }
      reduced += 1;
      fullBytes += got.whole.length;
      partBytes += got.parts.length;
      assert.ok(got.parts.length < got.whole.length, `${p.file}: the parts are not smaller than the page`);
      assert.deepEqual(hot(p.url, got.parts, null), whole, `${p.file}: untracked report`);
      if (whole.page.kind === 'product' && whole.page.asin && whole.page.marketplace) {
        const listing = invoke({ type: 'save', args: { page: whole.page, now_ms: NOW } });
        const changed = { ...structuredClone(listing), title: `${listing.title ?? ''} (changed)`, images: [...listing.images].reverse() };
        for (const [name, l] of [['saved', listing], ['changed', changed]]) {
          assert.deepEqual(hot(p.url, got.parts, l), hot(p.url, got.whole, l), `${p.file}: ${name} listing`);
        }
      }
    }
    t.diagnostic(`${reduced} of ${pages.length} pages sent in parts: ${partBytes} of ${fullBytes} characters`);
    // The real product pages are sent in parts, and the parts are much smaller.
    assert.ok(reduced >= 55, `only ${reduced} pages were sent in parts`);
    assert.ok(partBytes * 2 < fullBytes, `parts ${partBytes} of ${fullBytes} characters`);
    for (const k of ['product', 'not_found', 'captcha', 'other']) assert.ok(kinds.has(k), `no ${k} page among them`);
  } finally {
    await browser.close();
  }
});

/** `pub const NAME: &str | &[&str] = …;` of a Rust file: name -> [string values]. */
function rustConsts(text, pattern = /(?:pub )?const (\w+): (?:&str|&\[&str\]|\(&str, &str\)) =\s*([\s\S]*?);\n/g) {
  const out = new Map();
  for (const m of text.matchAll(pattern)) {
    const values = [...m[2].matchAll(/r#"([\s\S]*?)"#|"((?:[^"\\]|\\.)*)"/g)]
      .map((v) => (v[1] !== undefined ? v[1] : v[2].replace(/\\(.)/g, '$1')));
    out.set(m[1], values);
  }
  return out;
}

/** The code of a Rust file without its test module. */
const codeOf = (file) => fs.readFileSync(path.join(ROOT, 'src/page', file), 'utf8').split('#[cfg(test)]')[0];

test('every selector, id and raw-text marker the page reader uses is accounted for by the parts the content script sends', () => {
  const sandbox = {};
  vm.createContext(sandbox);
  vm.runInContext(partsSource, sandbox);
  const { ELEMENTS, MARKERS } = sandbox.cgPageParts;
  const consts = rustConsts(codeOf('selectors.rs'));
  const elementHas = (tail) => ELEMENTS.some((e) => e.endsWith(tail));
  // How each constant of selectors.rs is covered: by these lists first, else by its name
  // (`*_WITH_ID` or a bare tag name: an entry point dispatched on the ids and attributes
  // below; `*_ATTR`: an attribute (or attribute and value) of elements sent; `IN_*`: a selector inside a
  // container that is sent whole; `*_ID`/`*_IDS`: an element with that id is sent;
  // `*_NAME`: an element with that name; `*_PREFIX`: elements whose id or name starts with it;
  // `*_MARKER`: raw text, carried by the kept scripts and, for `id="…"`, that element), else
  // it must be a selector of `ALL`. A constant that fits none of these fails the test: decide
  // whether the parts must carry it (page-parts.js) and say so here.
  const lists = {
    // Read inside elements that are sent whole (the breadcrumb, a byline, the bullets, a
    // select, the tabular rows, the availability line).
    inside: ['BREADCRUMB_BACK_LINK_ID', 'HIDDEN_CLASS', 'TABULAR_SELLER_LABELS', 'UNAVAILABLE_TEXTS',
      'NO_LONGER_AVAILABLE_TEXTS', 'BYLINE_CONTRIBUTORS'],
    // Only on pages without an ASIN input, which are sent whole.
    whole: ['CAPTCHA_MARKERS', 'NOT_FOUND_MARKERS', 'ERROR_MARKERS', 'OFFER_LISTING_MARKER'],
    // Only when the URL names no marketplace: the content script runs on marketplace hosts only.
    urlOnly: ['MARKETPLACE_ID_MARKERS'],
  };
  const listed = new Set(Object.values(lists).flat());
  const allNames = /pub const ALL: &\[&str\] = &\[([\s\S]*?)\];/.exec(codeOf('selectors.rs'))[1].match(/[A-Z_][A-Z0-9_]*/g);
  const inAll = new Set(allNames);
  let checked = 0;
  for (const [name, values] of consts) {
    if (name === 'ALL' || listed.has(name) || /_WITH_ID$|^IN_/.test(name)) continue;
    if (values.length === 1 && /^[a-z]+$/.test(values[0]) && !/_(ID|IDS|NAME|PREFIX|ATTR|CLASS)$/.test(name)) continue;
    checked += 1;
    if (/_ATTR$/.test(name)) {
      const want = values.length === 2 ? `[${values[0]}="${values[1]}"]` : `[${values[0]}`;
      assert.ok(ELEMENTS.some((e) => e.includes(want)), `${name}: no element with ${want} in the parts`);
      continue;
    }
    for (const v of values) {
      if (/_IDS?$/.test(name)) {
        assert.ok(elementHas(`#${v}`), `${name}: no element #${v} in the parts`);
      } else if (/_NAME$/.test(name)) {
        assert.ok(elementHas(`[name="${v}"]`), `${name}: no element [name="${v}"] in the parts`);
      } else if (/_PREFIX$/.test(name)) {
        assert.ok(ELEMENTS.some((e) => e.includes(`^="${v}"]`)), `${name}: no element whose id or name starts with ${v}`);
      } else if (/_MARKER$/.test(name)) {
        assert.ok(MARKERS.includes(v), `${name}: ${v} is not among the script markers`);
        const id = /^id="([^"]+)"$/.exec(v);
        if (id) assert.ok(ELEMENTS.includes(`#${id[1]}`), `${name}: element #${id[1]} is not sent`);
      } else {
        assert.ok(inAll.has(name), `selectors.rs ${name} is not accounted for by content/page-parts.js`);
        for (const sel of v.split(/,\s*/)) {
          const first = sel.split(/\s+/)[0];
          assert.ok(ELEMENTS.includes(sel) || ELEMENTS.includes(first), `selector ${sel} (${name}): neither it nor ${first} is sent whole`);
        }
      }
    }
  }
  assert.ok(checked >= 30, `only ${checked} constants of selectors.rs checked`);
  // The twister data keys family.rs searches for.
  const family = codeOf('family.rs');
  const keys = rustConsts(family, /const (KEY_\w+): &str = ([^\n]*);\n/g);
  const searched = /fn twister_keys[\s\S]*?\[([A-Z_, ]+)\]/.exec(family)[1].split(/,\s*/);
  assert.ok(searched.length >= 3, 'twister_keys names its keys');
  for (const k of searched) assert.ok(MARKERS.includes(keys.get(k)[0]), `family.rs ${k} (${keys.get(k)[0]}) is not among the script markers`);
  // Every byte-string needle of the reader: structural ones (script and list item bounds,
  // meta charset, a page's own links) or carried by the parts.
  const structural = new Set(['<script', '</script', '<li', '</li', '<meta', 'charset', '=', '"', "'", ' id="',
    '<li data-asin="', '://www.amazon.', 'imension']);
  for (const file of fs.readdirSync(path.join(ROOT, 'src/page')).filter((f) => f.endsWith('.rs'))) {
    for (const m of codeOf(file).matchAll(/b"((?:[^"\\]|\\.)*)"/g)) {
      const needle = m[1].replace(/\\(.)/g, '$1');
      if (structural.has(needle)) continue;
      const carried = MARKERS.some((x) => x.includes(needle.trim()) || needle.includes(x))
        || ELEMENTS.some((e) => e.includes(needle.trim()));
      assert.ok(carried, `src/page/${file} searches the page for ${JSON.stringify(needle)}, which the parts may not carry`);
    }
  }
});
