// End-to-end: the export file made by the options page itself (from storage.local, not through
// the background's wasm) and its import, at a few hundred listings with histories and case logs.
// Exported from profile A and imported into a fresh profile B, every listing, history and case
// log compares equal; importing the same file again finds every listing unchanged and changes
// nothing; a file with one changed listing previews and merges just that one; a file whose
// listing 250 is malformed is refused naming that listing, and nothing changes; "replace" with a
// file lacking ten listings keeps exactly the file's listings and histories.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch } from './harness.mjs';

const N = 300;
const opened = [];

function listing(i) {
  return {
    asin: `B0TS${String(i).padStart(6, '0')}`,
    marketplace: i % 4 ? 'amazon.co.jp' : 'amazon.com',
    sku: `SKU-${i}`,
    title: `往復テスト ${i} ${'タオル'.repeat(10 + (i % 7))}`,
    brand: `ブランド${i % 13}`,
    images: ['81lde+541vL', `71abc${String(i).padStart(5, '0')}L`],
    variations: { color_name: ['黒', '白', '赤'][i % 3] },
    breadcrumb: ['ホーム＆キッチン', `カテゴリ${i % 5}`],
    bullets: Array.from({ length: 3 }, (_, b) => `箇条書き ${i}-${b} ${'説明'.repeat(20)}`),
    description: `${'商品の説明'.repeat(30)} ${i}`,
    seller: { id: `A${String(i).padStart(12, '0')}`, name: `出品者${i % 9}` },
    offer_count: null,
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: new Date(Date.UTC(2026, 5, 1) + i * 60_000).toISOString(),
    note: i % 10 ? '' : `メモ ${i}`,
  };
}

async function openOptions(e) {
  const page = await e.context.newPage();
  await page.goto(`chrome-extension://${e.extensionId}/options/options.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

/** Every listing, history and case log the profile stores. */
async function stored(e) {
  const p = await e.extensionPage();
  return p.evaluate(async () => {
    const all = await chrome.storage.local.get(null);
    const pick = (prefix) => Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith(prefix)));
    return { listings: all.listings ?? {}, history: pick('history:'), cases: pick('cases:') };
  });
}

async function importFile(page, text, name = 'export.json') {
  await page.locator('#import-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

const count = (page, key) => page.locator(`[data-count="${key}"]`).innerText();

after(async () => {
  for (const e of opened) await e.close();
});

let a;
let b;
let text;
before(async () => {
  a = await launch();
  opened.push(a);
  const p = await a.extensionPage();
  // The listings of A, each with its history recorded by the core (as the background records
  // one) and every tenth with a case log; settings; one deletion.
  await p.evaluate(async (listings) => {
    const m = await import(chrome.runtime.getURL('pkg/catalog_guard.js'));
    await m.default({ module_or_path: chrome.runtime.getURL('pkg/catalog_guard_bg.wasm') });
    const map = {};
    const extra = {};
    const now = Date.parse('2026-11-30T10:00:00Z');
    listings.forEach((l, i) => {
      const key = `${l.marketplace}/${l.asin}`;
      map[key] = m.invoke({ type: 'parse_listings', args: { text: JSON.stringify({ format: 'catalog-guard/listings', version: 2, listings: [l] }) } }).listings[0];
      extra[`history:${key}`] = m.invoke({ type: 'history_record_listing', args: { history: null, listing: map[key], now_ms: now + i } }).history;
      if (i % 10 === 0) {
        extra[`cases:${key}`] = [m.invoke({ type: 'case_new', args: { id: `1234567${String(i).padStart(3, '0')}`, marketplace: l.marketplace, opened: '2026-11-30', now_ms: now, lang: 'en' } })];
      }
    });
    await chrome.storage.local.set({
      listings: map, ...extra, settings: { language: 'en' }, sync_deleted: { 'amazon.co.jp/B0GONE0001': Date.now() - 86_400_000 },
    });
  }, Array.from({ length: N }, (_, i) => listing(i)));

  const page = await openOptions(a);
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
  text = readFileSync(await download.path(), 'utf8');
  await page.close();

  b = await launch();
  opened.push(b);
  await (await b.worker()).evaluate(() => chrome.storage.local.set({ settings: { language: 'en' } }));
});

test('the export file made by the options page holds every listing, history, case log and the deletion', async () => {
  const file = JSON.parse(text);
  const mine = await stored(a);
  assert.equal(file.format, 'catalog-guard/listings');
  assert.equal(file.version, 2);
  assert.equal(file.listings.length, N);
  assert.deepEqual(file.listings.map((l) => `${l.marketplace}/${l.asin}`), Object.keys(mine.listings).sort());
  assert.equal(Object.keys(file.history).length, N);
  assert.equal(Object.keys(file.cases).length, N / 10);
  assert.deepEqual(file.deleted.map((d) => d.key), ['amazon.co.jp/B0GONE0001']);
  assert.equal(file.settings.language, 'en');
  assert.equal(file.settings.version, 1);
  // As the core's export lays it out: pretty, two-space indent, one member per line at the top.
  assert.match(text, /^\{\n {2}"format": "catalog-guard\/listings",\n {2}"version": 2,\n {2}"listings": \[\n {4}\{\n {6}"/);
  // The core (as the CLI and the previous version read it) reads it back to the same listings.
  const p = await a.extensionPage();
  const parsed = await p.evaluate(async (t) => {
    const m = await import(chrome.runtime.getURL('pkg/catalog_guard.js'));
    await m.default({ module_or_path: chrome.runtime.getURL('pkg/catalog_guard_bg.wasm') });
    return m.invoke({ type: 'parse_listings', args: { text: t } }).listings;
  }, text);
  assert.deepEqual(Object.fromEntries(parsed.map((l) => [`${l.marketplace}/${l.asin}`, l])), mine.listings);
});

test('imported into a fresh profile, every listing, history and case log compares equal', async () => {
  const page = await openOptions(b);
  await importFile(page, text);
  await page.locator('[data-count="importNew"]', { hasText: String(N) }).waitFor();
  await page.locator('#import-merge').click();
  await page.locator('#import-panel[hidden]').waitFor({ state: 'attached' });
  await page.close();
  const theirs = await stored(b);
  const mine = await stored(a);
  assert.deepEqual(theirs.listings, mine.listings);
  assert.deepEqual(theirs.history, mine.history);
  assert.deepEqual(theirs.cases, mine.cases);
  const gone = await (await b.extensionPage()).evaluate(async () => (await chrome.storage.local.get('sync_deleted')).sync_deleted);
  assert.deepEqual(Object.keys(gone), ['amazon.co.jp/B0GONE0001']);
});

test('importing the same file again: every listing unchanged, nothing changes', async () => {
  const before = await stored(b);
  const page = await openOptions(b);
  await importFile(page, text);
  await page.locator('[data-count="importUnchanged"]', { hasText: String(N) }).waitFor();
  assert.match(await count(page, 'importNew'), /: 0$/);
  assert.match(await count(page, 'importChanged'), /: 0$/);
  await page.locator('#import-merge').click();
  await page.locator('#import-panel[hidden]').waitFor({ state: 'attached' });
  await page.close();
  assert.deepEqual(await stored(b), before);
});

test('a file with one changed listing and history previews and merges just that one', async () => {
  const file = JSON.parse(text);
  const i = file.listings.findIndex((l) => l.asin === 'B0TS000010');
  const key = `${file.listings[i].marketplace}/${file.listings[i].asin}`;
  file.listings[i] = { ...file.listings[i], title: '新しいタイトル', updated_at: '2026-12-01T00:00:00Z' };
  file.history[key] = { ...file.history[key], last_recorded_at: '2026-12-01T00:00:00Z' };
  const before = await stored(b);
  const page = await openOptions(b);
  await importFile(page, JSON.stringify(file, null, 2));
  await page.locator('[data-count="importChanged"]', { hasText: '1' }).waitFor();
  assert.match(await count(page, 'importUnchanged'), new RegExp(`: ${N - 1}$`));
  await page.locator('#import-merge').click();
  await page.locator('#import-panel[hidden]').waitFor({ state: 'attached' });
  await page.close();
  const after = await stored(b);
  assert.equal(after.listings[key].title, '新しいタイトル');
  assert.equal(after.history[`history:${key}`].last_recorded_at, '2026-12-01T00:00:00Z');
  delete after.listings[key];
  delete before.listings[key];
  delete after.history[`history:${key}`];
  delete before.history[`history:${key}`];
  assert.deepEqual(after, before);
});

test('a file whose listing 250 is malformed is refused naming it, and nothing changes', async () => {
  const file = JSON.parse(text);
  file.listings[249] = { ...file.listings[249], bullets: 5 };
  const before = await stored(b);
  const page = await openOptions(b);
  await importFile(page, JSON.stringify(file, null, 2), 'bad.json');
  const err = page.locator('#import-error');
  await err.waitFor();
  assert.match(await err.textContent(), /nothing was changed/);
  assert.match(await err.textContent(), /listing 250\b.*bullets/);
  assert.equal(await page.locator('#import-merge').count(), 0);
  await page.close();
  assert.deepEqual(await stored(b), before);
});

test('"replace" with a file lacking ten listings: exactly the file\'s listings and histories stay', async () => {
  const file = JSON.parse(text);
  const dropped = file.listings.splice(-10).map((l) => `${l.marketplace}/${l.asin}`);
  for (const k of dropped) delete file.history[k];
  const page = await openOptions(b);
  await importFile(page, JSON.stringify(file, null, 2), 'fewer.json');
  await page.locator('[data-count="importOnlyHere"]', { hasText: '10' }).waitFor();
  // B0TS000010 was changed here after the export (test above): the file's older copy differs.
  assert.match(await count(page, 'importUnchanged'), new RegExp(`: ${N - 11}$`));
  await page.locator('#import-replace').click();
  await page.locator('#import-panel[hidden]').waitFor({ state: 'attached' });
  await page.close();
  const after = await stored(b);
  assert.deepEqual(after.listings, Object.fromEntries(file.listings.map((l) => [`${l.marketplace}/${l.asin}`, l])));
  for (const [k, h] of Object.entries(file.history)) assert.deepEqual(after.history[`history:${k}`], h, k);
});

test('export: listing the stored keys first reads the same file, without a history whose listing is gone', async () => {
  const p = await a.extensionPage();
  const [withKeys, withoutKeys] = await p.evaluate(async () => {
    const { exportFileParts } = await import(chrome.runtime.getURL('lib/listings-file.js'));
    await chrome.storage.local.set({ 'history:amazon.co.jp/B0ORPHAN01': { first: {}, entries: [], last_recorded_at: '2026-12-01T00:00:00Z' } });
    const get = (keys) => chrome.storage.local.get(keys);
    const head = { settings: { language: 'en', version: 1 }, deleted: [] };
    const out = [
      (await exportFileParts(get, head, () => chrome.storage.local.getKeys())).join(''),
      (await exportFileParts(get, head)).join(''),
    ];
    await chrome.storage.local.remove('history:amazon.co.jp/B0ORPHAN01');
    return out;
  });
  assert.equal(withKeys, withoutKeys);
  assert.equal(Object.keys(JSON.parse(withKeys).history).length, N);
  assert.doesNotMatch(withKeys, /B0ORPHAN01/);
});

test('a history recorded while the import preview is shown is kept by the merge', async () => {
  // The merge compares the file's histories with the stored ones read when the file was chosen;
  // one recorded since (a badge check while the seller reads the preview) must count, not the read.
  const file = JSON.parse(text);
  const [k1, k2] = file.listings.slice(0, 2).map((l) => `${l.marketplace}/${l.asin}`);
  for (const k of [k1, k2]) file.history[k] = { ...file.history[k], last_recorded_at: '2026-12-02T00:00:00Z' };
  const page = await openOptions(b);
  await importFile(page, JSON.stringify(file, null, 2), 'newer-histories.json');
  await page.locator('#import-merge').waitFor();
  await page.evaluate(async (key) => {
    const k = `history:${key}`;
    const { [k]: h } = await chrome.storage.local.get(k);
    // Resolved once this page's listeners have seen the change (the import's was added first).
    await new Promise((resolve) => {
      chrome.storage.onChanged.addListener((changes) => { if (changes[k]) resolve(); });
      chrome.storage.local.set({ [k]: { ...h, last_recorded_at: '2026-12-03T00:00:00Z', dropped: 99 } });
    });
  }, k1);
  await page.locator('#import-merge').click();
  await page.locator('#import-panel[hidden]').waitFor({ state: 'attached' });
  await page.close();
  const after = await stored(b);
  assert.equal(after.history[`history:${k1}`].last_recorded_at, '2026-12-03T00:00:00Z');
  assert.equal(after.history[`history:${k1}`].dropped, 99);
  // The file's newer history where nothing was recorded meanwhile.
  assert.equal(after.history[`history:${k2}`].last_recorded_at, '2026-12-02T00:00:00Z');
});

test('while the file is merged the import panel says it is working, and Merge cannot be pressed twice', async () => {
  const page = await openOptions(b);
  // The page's merge message is held until the test lets it go.
  await page.evaluate(() => {
    const send = chrome.runtime.sendMessage.bind(chrome.runtime);
    let release;
    globalThis.cgHeld = new Promise((r) => { release = r; });
    globalThis.cgRelease = release;
    chrome.runtime.sendMessage = async (msg, ...rest) => {
      if (msg?.type === 'ui-bg-import-apply') await globalThis.cgHeld;
      return send(msg, ...rest);
    };
  });
  await importFile(page, text, 'held.json');
  await page.locator('#import-merge').waitFor();
  assert.equal(await page.locator('#import-working').count(), 0);
  await page.locator('#import-merge').click();
  const status = page.locator('#import-panel #import-working[role="status"]');
  await status.waitFor();
  assert.equal(await status.textContent(), 'Working…');
  assert.equal(await page.locator('#import-panel').getAttribute('aria-busy'), 'true');
  assert.equal(await page.locator('#import-merge').isDisabled(), true);
  assert.equal(await page.locator('#import-replace').isDisabled(), true);
  await page.evaluate(() => globalThis.cgRelease());
  await page.locator('#import-panel[hidden]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('#import-panel').getAttribute('aria-busy'), null);
  await page.close();
});
