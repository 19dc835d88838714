// The options page's Seller Central report import on the built extension (dist/chrome): the
// file goes to the background as bytes with the chosen marketplace, and a refused report shows
// the background's error and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, ROOT } from './harness.mjs';

let ext;

before(async () => {
  ext = await launch();
  const l = {
    asin: 'B0REPT0001',
    marketplace: 'amazon.co.jp',
    title: 'Existing listing',
    brand: null,
    images: [],
    variations: {},
    breadcrumb: [],
    bullets: [],
    description: null,
    seller: null,
    offer_count: null,
    watch: { title: true },
    saved_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    note: '',
  };
  await (await ext.worker()).evaluate((m) => chrome.storage.local.set({ listings: m, settings: { language: 'en', sync_enabled: false } }), { 'amazon.co.jp/B0REPT0001': l });
});

after(async () => {
  if (ext) await ext.close();
});

test('a report that is not a Seller Central report is sent as bytes, refused with the error, and changes nothing', async () => {
  const page = await ext.context.newPage();
  // Record what the page sends (the background still answers every message).
  await page.addInitScript(() => {
    const original = chrome.runtime.sendMessage.bind(chrome.runtime);
    window.__sent = [];
    chrome.runtime.sendMessage = (m, ...rest) => {
      window.__sent.push(JSON.parse(JSON.stringify(m)));
      return original(m, ...rest);
    };
  });
  await page.goto(`chrome-extension://${ext.extensionId}/options/options.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  const values = await page.locator('#report-marketplace option').evaluateAll((os) => os.map((o) => o.value));
  assert.equal(values[0], 'auto');
  assert.equal(values.length, 25);
  assert.ok(values.includes('amazon.co.jp') && values.includes('amazon.com'));

  const bytes = Buffer.from('これはレポートではありません\r\n\u0000\u00ff', 'utf8');
  await page.locator('#report-file').setInputFiles({ name: 'not-a-report.txt', mimeType: 'text/plain', buffer: bytes });
  const error = page.locator('#report-error');
  await error.waitFor();
  assert.match(await error.textContent(), /^This report cannot be imported, nothing was changed: \S/);
  let sent = await page.evaluate(() => window.__sent.filter((m) => m.type.startsWith('ui-bg-import-report')));
  assert.deepEqual(sent, [{ type: 'ui-bg-import-report-preview', bytes: Array.from(bytes), marketplace: null }]);

  // Choosing a marketplace re-runs the preview for the same file with it.
  await page.locator('#report-marketplace').selectOption('amazon.co.jp');
  await page.waitForFunction(() => window.__sent.filter((m) => m.type === 'ui-bg-import-report-preview').length === 2);
  sent = await page.evaluate(() => window.__sent.filter((m) => m.type.startsWith('ui-bg-import-report')));
  assert.equal(sent[1].marketplace, 'amazon.co.jp');
  assert.deepEqual(sent[1].bytes, Array.from(bytes));
  await error.waitFor();
  assert.equal(await page.locator('#report-apply').count(), 0);

  const stored = await (await ext.worker()).evaluate(async () => Object.keys((await chrome.storage.local.get('listings')).listings || {}));
  assert.deepEqual(stored, ['amazon.co.jp/B0REPT0001']);
  assert.equal(await page.locator('#rows tr').count(), 1);
  await page.close();
});

test('preview counts, then Import sends the same bytes and marketplace (background answers stubbed per the docs/interfaces.md contract)', async () => {
  const page = await ext.context.newPage();
  await page.addInitScript(() => {
    const original = chrome.runtime.sendMessage.bind(chrome.runtime);
    window.__sent = [];
    chrome.runtime.sendMessage = async (m) => {
      window.__sent.push(JSON.parse(JSON.stringify(m)));
      if (m.type === 'ui-bg-import-report-preview') return { ok: true, preview: { new: 2, changed: 1, unchanged: 0, total: 3 }, count: 3 };
      if (m.type === 'ui-bg-import-report-apply') return { ok: true, count: 3 };
      return original(m);
    };
  });
  await page.goto(`chrome-extension://${ext.extensionId}/options/options.html`);
  await page.locator('body[data-ready="true"]').waitFor();
  const bytes = readFileSync(`${ROOT}/tests/data/seller_central_ja_sjis_crlf.txt`); // a real Shift_JIS report
  await page.locator('#report-marketplace').selectOption('amazon.co.jp');
  await page.locator('#report-file').setInputFiles({ name: 'All+Listings+Report.txt', mimeType: 'text/plain', buffer: bytes });
  await page.locator('#report-counts').waitFor();
  assert.deepEqual(await page.locator('#report-counts li').allTextContents(), ['New: 2', 'Changed: 1', 'Unchanged: 0', 'Listings in the report: 3']);
  await page.locator('#report-apply').click();
  await page.locator('#notice', { hasText: 'Imported 3 listings from the report.' }).waitFor();
  assert.ok(await page.locator('#report-panel').isHidden());
  const sent = await page.evaluate(() => window.__sent.filter((m) => m.type.startsWith('ui-bg-import-report')));
  assert.deepEqual(sent, [
    { type: 'ui-bg-import-report-preview', bytes: Array.from(bytes), marketplace: 'amazon.co.jp' },
    { type: 'ui-bg-import-report-apply', bytes: Array.from(bytes), marketplace: 'amazon.co.jp' },
  ]);
  await page.close();
});
