// End-to-end: a Seller Central report imported through the real background (Shift_JIS,
// Japanese headers) gives partial listings; the product page then completes one in a click.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launch, ROOT } from './harness.mjs';
import { URL_, original } from './switch.mjs';

const TITLE = 'Nintendo Switch 本体 (ニンテンドースイッチ) Joy-Con(L) ネオンブルー/(R) ネオンレッド';

/** A Japanese Seller Central report holding the Switch, as Shift_JIS bytes. */
function switchReport() {
  // Header and row in the Japanese All Listings layout; every character here is in
  // Shift_JIS, which the test checks by decoding the bytes back.
  const text = `商品名\t出品者SKU\tASIN1\t商品の説明\r\n${TITLE}\tSW-NEON-1\tB07WXL5YPW\t\r\n`;
  const bytes = sjis(text);
  assert.equal(new TextDecoder('shift_jis').decode(bytes), text);
  return Array.from(bytes);
}

/** Shift_JIS bytes of `text`, found by searching the decoder's table (no encoder in JS). */
function sjis(text) {
  const dec = new TextDecoder('shift_jis');
  const table = new Map();
  for (let lead = 0x81; lead <= 0xfc; lead += 1) {
    for (let trail = 0x40; trail <= 0xfc; trail += 1) {
      const ch = dec.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== '\ufffd' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  }
  const out = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else if (table.has(ch)) out.push(...table.get(ch));
    else throw new Error(`not in Shift_JIS: ${ch}`);
  }
  return new Uint8Array(out);
}

let h;

before(async () => {
  h = await launch();
});

after(async () => {
  await h?.close();
});

test('a malformed report is refused with its line and changes nothing', async () => {
  const bad = Array.from(fs.readFileSync(path.join(ROOT, 'tests/data/seller_central_missing_asin.txt')));
  const res = await h.send({ type: 'ui-bg-import-report-apply', bytes: bad, marketplace: null });
  assert.equal(res.ok, false);
  assert.match(res.error.message, /line|ASIN/i);
  const got = await h.send({ type: 'ui-bg-listings-get' });
  assert.deepEqual(got.listings, []);
});

test('a Shift_JIS report imports as a partial listing, which the page completes', async () => {
  const bytes = switchReport();
  const preview = await h.send({ type: 'ui-bg-import-report-preview', bytes, marketplace: null });
  assert.equal(preview.ok, true, JSON.stringify(preview.error));
  assert.equal(preview.preview.new, 1);
  const applied = await h.send({ type: 'ui-bg-import-report-apply', bytes, marketplace: null });
  assert.equal(applied.ok, true, JSON.stringify(applied.error));
  let { listings } = await h.send({ type: 'ui-bg-listings-get' });
  assert.equal(listings.length, 1);
  assert.equal(listings[0].marketplace, 'amazon.co.jp');
  assert.equal(listings[0].title, TITLE);
  assert.equal(listings[0].sku, 'SW-NEON-1');
  assert.deepEqual(listings[0].images, []);

  h.serve({ [URL_]: original() });
  const tab = await h.open(URL_);
  // Only the title is known, and it matches.
  await h.waitForBadge(tab.tabId, (b) => b.text === '✓');
  const state = await h.send({ type: 'ui-bg-tab-state', tabId: tab.tabId });
  assert.equal(state.partial, true);

  const done = await h.send({ type: 'ui-bg-complete-listing', tabId: tab.tabId });
  assert.equal(done.ok, true, JSON.stringify(done.error));
  assert.equal(done.report.status, 'match');
  assert.ok(done.listing.images.length >= 1);
  assert.equal(done.listing.watch.main_image, true);
  ({ listings } = await h.send({ type: 'ui-bg-listings-get' }));
  assert.equal(listings[0].sku, 'SW-NEON-1');
  assert.deepEqual(listings[0].images, done.listing.images);
  const after = await h.send({ type: 'ui-bg-tab-state', tabId: tab.tabId });
  assert.equal(after.partial, false);
});
