// The options page's Sync panel on the built extension (dist/chrome): what the last push to
// storage.sync holds, and the refused write when storage.sync is full (local listings intact).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';

function listing(asin, title) {
  return {
    asin,
    marketplace: 'amazon.co.jp',
    title,
    brand: 'テストブランド',
    images: ['81lde+541vL'],
    variations: { color_name: 'ネイビー' },
    breadcrumb: ['ホーム＆キッチン', 'タオル'],
    bullets: ['綿100%'],
    description: '柔らかいタオルです。',
    seller: null,
    offer_count: null,
    watch: { title: true, brand: true, main_image: true, gallery: true, variations: true, breadcrumb: true, bullets: true, description: true, seller: true, offers: false },
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: new Date().toISOString(),
    note: '',
  };
}

let ext;

async function openOptions() {
  const page = await ext.context.newPage();
  await page.goto(`chrome-extension://${ext.extensionId}/options/options.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  return page;
}

async function put(l) {
  const res = await ext.send({ type: 'ui-bg-listing-put', listing: l });
  assert.equal(res.ok, true, JSON.stringify(res));
}

before(async () => {
  ext = await launch();
  await (await ext.worker()).evaluate(() => chrome.storage.local.set({ settings: { language: 'en' } }));
});

after(async () => {
  if (ext) await ext.close();
});

test('after saving a listing the Sync panel shows it synced in full, with the bytes and items used', async () => {
  await put(listing('B0SYNC0001', 'Synced towel 1'));
  const page = await openOptions();
  const full = page.locator('#sync-counts li[data-sync="full"]', { hasText: /^Synced in full: [1-9]/ });
  await full.waitFor({ timeout: 15000 });
  assert.equal(await page.locator('#sync-counts li[data-sync="not_synced"]').textContent(), 'Not synced: 0');
  const bytes = Number(await page.locator('#sync-bytes').getAttribute('value'));
  assert.ok(bytes > 0 && bytes < 102400, `bytes ${bytes}`);
  assert.match(await page.locator('label[for="sync-bytes"]').textContent(), /^Storage: [\d,]+ of 102,400 bytes$/);
  assert.match(await page.locator('label[for="sync-items"]').textContent(), /^Items: \d+ of 512$/);
  assert.ok(await page.locator('#sync-at').isVisible());
  assert.equal(await page.locator('#sync-error').count(), 0);
  await page.close();
});

test('when storage.sync is full, saving another listing shows the error and keeps every listing', async () => {
  const page = await openOptions();
  // Fill storage.sync from the options page until not even a small item fits.
  const filled = await page.evaluate(async () => {
    let n = 0;
    for (const size of [8000, 1000, 100, 10, 1]) {
      for (;;) {
        try {
          await chrome.storage.sync.set({ [`zz-filler-${n}`]: 'x'.repeat(size) });
          n += 1;
        } catch {
          break;
        }
      }
    }
    return { n, bytes: await chrome.storage.sync.getBytesInUse(null) };
  });
  assert.ok(filled.bytes > 100000, JSON.stringify(filled));

  await put(listing('B0SYNC0002', 'Synced towel 2'));
  const error = page.locator('#sync-error');
  await error.waitFor({ timeout: 15000 });
  assert.match(await error.textContent(), /^Sync storage is full — your listings are safe on this computer/);
  // The local listings are untouched: both are stored and in the table.
  const stored = await (await ext.worker()).evaluate(async () => Object.keys((await chrome.storage.local.get('listings')).listings || {}).sort());
  assert.deepEqual(stored, ['amazon.co.jp/B0SYNC0001', 'amazon.co.jp/B0SYNC0002']);
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#rows tr').count(), 2);
  assert.equal(await page.locator('#count').textContent(), '2 listings');
  assert.ok(await page.locator('#sync-error').isVisible());
  assert.equal(await page.locator('#sync-error').getAttribute('data-code'), 'full');
  assert.match(await page.locator('#sync-retry').textContent(), /^It will be tried again at .+ \(also whenever the browser restarts\)\.$/);
  // The refused write left what sync held before readable: the first listing, in full.
  const held = await page.evaluate(async () => {
    const m = await import(chrome.runtime.getURL('pkg/catalog_guard.js'));
    await m.default({ module_or_path: chrome.runtime.getURL('pkg/catalog_guard_bg.wasm') });
    return m.invoke({ type: 'sync_decode', args: { items: await chrome.storage.sync.get(null) } });
  });
  assert.deepEqual(held.listings.map((l) => l.asin), ['B0SYNC0001']);
  assert.deepEqual(held.problems, []);
  // The push is owed: a stopped worker resumes it on its next start.
  const pending = await (await ext.worker()).evaluate(async () => (await chrome.storage.local.get('sync_pending')).sync_pending);
  assert.ok(pending && pending.attempts >= 1 && pending.next_at > Date.now() - 60_000, JSON.stringify(pending));
  await page.close();
});

test('the panel is in Japanese when the language is Japanese', async () => {
  await ext.send({ type: 'ui-bg-settings-set', settings: { language: 'ja' } });
  const page = await openOptions();
  assert.equal(await page.locator('#sync-heading').textContent(), '同期');
  assert.match(await page.locator('#sync-error').textContent(), /^同期の容量がいっぱいです。この端末のデータはそのまま保持されています/);
  await page.close();
});
