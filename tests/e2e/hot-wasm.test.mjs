// The hot page-check wasm module (crates/hot: UTF-8-only encoding_rs, NFKC by
// String.prototype.normalize), which also reads pages for the commands the background routes
// to it (`extract`, `extract_check`, `read_check`: `check_listings`), and the full module
// (crates/full: the same stand-ins; its `check` of an extracted page) give exactly the reports
// the native CLI gives (the real encoding_rs and the unicode-normalization tables) on every real
// page: as the extension checks them (decoded text under the page's URL), untracked, with the
// listing saved from the page, and with a listing whose title is in full-width forms, whose
// brand holds invisible characters and whose first bullet changed (NFKC, invisible-character
// removal and the character diff all come into play).
//
// `read_check` of each page's raw bytes (its charset decoded by the browser's TextDecoder,
// the Shift_JIS page included) is compared with the CLI's report on the same file (encoding_rs).
//
// Runs both built modules in Node (needs `node scripts/build.mjs`) and the debug CLI (built
// here by cargo when it is not up to date).
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, fixturePages } from './harness.mjs';
import { SWITCH } from './switch.mjs';
import { initSync as initFull, invoke } from '../../extension/pkg/catalog_guard.js';
import { initSync as initHot, check_html as checkHtml, settings_read as settingsRead, check_listings as checkListings } from '../../extension/pkg/catalog_guard_hot.js';

const pkg = path.join(ROOT, 'extension/pkg');
initFull({ module: fs.readFileSync(path.join(pkg, 'catalog_guard_bg.wasm')) });
initHot({ module: fs.readFileSync(path.join(pkg, 'catalog_guard_hot_bg.wasm')) });

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const utf8 = new TextEncoder();

/** The page's text as a browser decodes it: BOM, else a declared charset, else UTF-8. */
function decodePage(bytes) {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes);
  const head = bytes.subarray(0, 64 * 1024).toString('latin1');
  const m = head.match(/<meta[^>]*charset\s*=\s*["']?([\w-]+)/i);
  return new TextDecoder(m ? m[1].toLowerCase() : 'utf-8').decode(bytes);
}

/** Every real page under its real URL, with its text as a browser decodes it. */
function pages() {
  return fixturePages().map((p) => ({ ...p, html: decodePage(p.bytes) }));
}

// The `extract_check` / `read_check` commands: the background sends them to the hot module's
// `check_listings` (the full module is built without the page reader), every listing given.
const full = (url, html, listings) => JSON.parse(checkListings(url, null, utf8.encode(html), false, JSON.stringify(listings), NOW));
const readCheck = (url, bytes, listings) => JSON.parse(checkListings(url, null, bytes, true, JSON.stringify(listings), NOW));

// The native reference: `catalog-guard check` over the same decoded text (written as UTF-8 with
// a BOM, so the CLI reads exactly that text) and the same listings. Its report's `checked_at`
// is the CLI's clock, so it is set to the wasm reports' before comparing.
let cli = null;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-hot-wasm-'));
function native(url, html, listings, pageFile = null) {
  if (!cli) {
    const b = spawnSync('cargo', ['build', '--quiet', '--bin', 'catalog-guard'], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(b.status, 0, 'cargo build --bin catalog-guard');
    cli = path.join(ROOT, 'target/debug/catalog-guard');
  }
  const page = pageFile ?? path.join(tmp, 'page.html');
  if (!pageFile) fs.writeFileSync(page, '\ufeff' + html);
  const file = path.join(tmp, 'listings.json');
  fs.writeFileSync(file, JSON.stringify({ format: 'catalog-guard/listings', version: 2, listings }));
  const r = spawnSync(cli, ['check', '--url', url, '--listings', file, page], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.ok(r.status === 0 || r.status === 1, `catalog-guard check ${url}: ${r.stderr}`);
  return { ...JSON.parse(r.stdout), checked_at: new Date(NOW).toISOString().replace('.000Z', 'Z') };
}

function hot(url, html, listings) {
  const lookup = (marketplace, asin) => {
    const up = (s) => String(s).toUpperCase();
    const l = listings.find((x) => up(x.asin) === up(asin) && (marketplace == null || up(x.marketplace) === up(marketplace)));
    return l ? JSON.stringify(l) : undefined;
  };
  return JSON.parse(checkHtml(url, utf8.encode(html), NOW, lookup));
}

/** Full-width forms of printable ASCII (what NFKC folds back). */
const wide = (s) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

test('hot and full wasm modules give identical reports on every real page', () => {
  const all = pages();
  assert.ok(all.length >= 60, `expected the whole fixture set, found ${all.length} pages`);
  let compared = 0;
  const statuses = new Set();
  for (const p of all) {
    // A fetched page's raw bytes (re-checks) are read in their own charset through the
    // browser's TextDecoder (src/charset.rs); the CLI reads the same file with encoding_rs.
    const fetched = readCheck(p.url, p.bytes, []);
    assert.deepEqual(fetched, native(p.url, null, [], p.path), `${p.file}: read_check of the raw bytes against the CLI`);
    const untracked = full(p.url, p.html, []);
    assert.deepEqual(untracked, native(p.url, p.html, []), `${p.file}: untracked, extract_check against the CLI`);
    assert.deepEqual(hot(p.url, p.html, []), untracked, `${p.file}: untracked`);
    compared += 1;
    statuses.add(untracked.status);
    if (untracked.page.kind !== 'product' || !untracked.page.asin || !untracked.page.marketplace) continue;
    const saved = invoke({ type: 'save', args: { page: untracked.page, now_ms: NOW } });
    const changed = structuredClone(saved);
    if (changed.title) changed.title = wide(changed.title);
    if (changed.brand) changed.brand = `\u200b${changed.brand}\u00ad`;
    if (Array.isArray(changed.bullets) && changed.bullets.length) {
      changed.bullets[0] = changed.bullets[0].split(' ').reverse().join(' ');
    }
    for (const [name, listing] of [['saved', saved], ['changed', changed]]) {
      const want = full(p.url, p.html, [listing]);
      assert.deepEqual(want, native(p.url, p.html, [listing]), `${p.file}: ${name} listing, extract_check against the CLI`);
      assert.deepEqual(hot(p.url, p.html, [listing]), want, `${p.file}: ${name} listing`);
      const checked = invoke({ type: 'check', args: { listings: [listing], page: untracked.page, url: p.url, now_ms: NOW } });
      assert.deepEqual(checked, want, `${p.file}: ${name} listing, the full module's check`);
      compared += 1;
      statuses.add(want.status);
    }
  }
  // The comparison covered real checks, not only pages without a listing.
  for (const s of ['match', 'mismatch', 'untracked', 'not_product']) assert.ok(statuses.has(s), `no ${s} report`);
  assert.ok(compared > 100, `only ${compared} reports compared`);
});

test('hot settings_read answers what the full module answers', () => {
  for (const stored of [null, {}, { version: 1, badge_on_match: false, language: 'ja' }, { badgeOnMatch: false }, 'junk']) {
    assert.deepEqual(JSON.parse(settingsRead(JSON.stringify(stored))), invoke({ type: 'settings_read', args: { stored } }), JSON.stringify(stored));
  }
});

test('the background picks the listing the core would check against (ASIN and marketplace case, no marketplace, several marketplaces)', async () => {
  // core.js needs only these of the extension API when imported.
  globalThis.chrome = { storage: { onChanged: { addListener() {} }, session: {}, local: {} }, runtime: { getURL: (p) => p } };
  const { indexListings, findListing } = await import('../../extension/background/core.js');
  const p = pages().find((x) => x.file === SWITCH);
  const { page } = full(p.url, p.html, []);
  assert.equal(page.kind, 'product', p.file);
  const saved = invoke({ type: 'save', args: { page, now_ms: NOW } });
  const variant = (marketplace, asin, title) => ({ ...structuredClone(saved), marketplace, asin, title });
  const elsewhere = variant('amazon.com', saved.asin, 'the amazon.com listing');
  const here = variant(saved.marketplace.toUpperCase(), saved.asin.toLowerCase(), 'this marketplace, other case');
  const cases = [
    ['other marketplace only', [elsewhere], page],
    ['other marketplace first, then this one in other case', [elsewhere, here], page],
    ['this one first', [here, elsewhere], page],
    ['page without marketplace: the first with the ASIN', [elsewhere, here], { ...page, marketplace: null }],
    ['page without marketplace, other order', [here, elsewhere], { ...page, marketplace: null }],
  ];
  for (const [name, listings, pg] of cases) {
    const map = Object.fromEntries(listings.map((l, i) => [`k${i}`, l]));
    const want = invoke({ type: 'check', args: { listings, page: pg, now_ms: NOW } });
    const found = findListing(indexListings(map), pg.marketplace, pg.asin);
    if (want.status === 'untracked') {
      assert.equal(found, null, name);
    } else {
      assert.ok(found, name);
      const again = invoke({ type: 'check', args: { listings: [found], page: pg, now_ms: NOW } });
      assert.deepEqual(again, want, name);
    }
  }
});
